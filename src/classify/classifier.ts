/** What the packs say, compiled once: rules, tags, providers, domain kinds, grouping. */
import type { ResourceRecord } from '../ingest/types.js';
import type { LoadedPack } from './packs.js';
import { RuleSet, type MergedRule } from './rules.js';
import type { Pack, ProviderInfo, Rule } from './schema.js';
import { TagReader } from './tags.js';
import { COMPONENT_RELIABILITY, type Reliability } from './types.js';

export class Classifier {
  private readonly rules: RuleSet;
  private readonly tags: TagReader;
  private readonly providers = new Map<string, ProviderInfo>();
  private readonly zoneRegex = new Map<string, RegExp>();
  private readonly idRegex = new Map<string, RegExp>();
  readonly domainRanks: Record<string, number> = {};
  readonly reliability: Record<string, Reliability> = {};
  private groupSuffix: RegExp | undefined;
  /** The packs' default recovery selectors (the last pack with a `recovery` section). */
  readonly recovery: Pack['recovery'];

  constructor(packs: LoadedPack[]) {
    for (const pack of packs) {
      for (const k of pack.domainKinds ?? []) {
        this.domainRanks[k.kind] = k.rank;
        if (k.failuresPerYear !== undefined && k.hoursToRecover !== undefined) this.reliability[k.kind] = { failuresPerYear: k.failuresPerYear, hoursToRecover: k.hoursToRecover };
      }
      if (pack.componentFailure) this.reliability[COMPONENT_RELIABILITY] = pack.componentFailure;
      if (pack.grouping) this.groupSuffix = new RegExp(pack.grouping.nameSuffix);
      if (pack.recovery) this.recovery = pack.recovery;
      for (const p of pack.providers ?? []) {
        this.providers.set(p.package, p);
        if (p.zoneRegion) this.zoneRegex.set(p.package, new RegExp(p.zoneRegion));
        if (p.idRegion) this.idRegex.set(p.package, new RegExp(p.idRegion));
      }
    }
    this.rules = new RuleSet(packs);
    this.tags = new TagReader(packs);
  }

  /** See RuleSet.matchingRules. */
  matchingRules(type: string, record?: ResourceRecord): Array<{ rule: Rule; pack: string; catchAll: boolean }> {
    return this.rules.matchingRules(type, record);
  }

  /** See RuleSet.rulesFor. */
  rulesFor(type: string, record?: ResourceRecord): MergedRule {
    return this.rules.rulesFor(type, record);
  }

  /** firebreak tags of a resource, keys without their prefix, lower-cased. */
  tagsOf(record: ResourceRecord): ReadonlyMap<string, string> {
    return this.tags.tagsOf(record);
  }

  providerFor(pkg: string): ProviderInfo | undefined {
    return this.providers.get(pkg);
  }

  zoneRegion(pkg: string, zone: string): string | undefined {
    const re = this.zoneRegex.get(pkg);
    const m = re?.exec(zone);
    return m?.[1];
  }

  /** The region written inside an id or ARN (`arn:aws:lambda:us-east-2:...`). */
  idRegion(pkg: string, r: ResourceRecord): string | undefined {
    const re = this.idRegex.get(pkg);
    if (!re) return undefined;
    for (const v of [r.outputs.arn, r.id]) {
      const m = typeof v === 'string' ? re.exec(v) : null;
      if (m?.[1]) return m[1];
    }
    return undefined;
  }

  get nameSuffix(): RegExp | undefined {
    return this.groupSuffix;
  }
}

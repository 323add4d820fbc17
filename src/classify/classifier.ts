/** What the packs say, compiled once: rules, tags, providers, domain kinds, grouping. */
import type { ResourceRecord } from '../ingest/types.js';
import type { LoadedPack } from './packs.js';
import { compilePattern, type TextPattern } from './regex-engine.js';
import { RuleSet, type MergedRule } from './rules.js';
import type { Pack, ProviderInfo, Rule } from './schema.js';
import { TagReader, type Tags } from './tags.js';
import { COMPONENT_RELIABILITY, type Reliability } from './types.js';

export class Classifier {
  private readonly rules: RuleSet;
  private readonly tags: TagReader;
  private readonly providers = new Map<string, ProviderInfo>();
  private readonly zoneRegex = new Map<string, TextPattern>();
  private readonly idRegex = new Map<string, TextPattern>();
  /** The outputs idRegion reads before the id, by package (providers' idRegionFrom: aws's `arn`). */
  private readonly idRegionFrom = new Map<string, readonly string[]>();
  /**
   * zoneRegion's answers by package, then zone (null: not a zone). Zones are few distinct strings asked about per
   * resource (twice for most: the region values and the zones): one Map get, not a RegExp exec and its match array
   * (~8 MB allocated at 100k resources). Bounded for a long-lived library process.
   */
  private readonly zoneRegions = new Map<string, Map<string, string | null>>();
  private readonly filledTemplates = new Map<string, ProviderInfo>();
  readonly domainRanks: Record<string, number> = {};
  readonly reliability: Record<string, Reliability> = {};
  /** Packages marked `component: true`: a program shows their resources without their children. */
  readonly componentPackages = new Set<string>();
  private groupSuffix: TextPattern | undefined;
  /** Top-level property names that place a resource or label it (packs' coverage.placement, tags.paths): ignored when replicas are compared. */
  readonly placementKeys = new Set<string>(['name']);
  /** Top-level properties replicas named alike must agree on (packs' grouping.compare). */
  readonly compareKeys = new Set<string>();
  /** The packs' default recovery selectors (the last pack with a `recovery` section). */
  readonly recovery: Pack['recovery'];

  constructor(packs: LoadedPack[]) {
    for (const pack of packs) {
      for (const k of pack.domainKinds ?? []) {
        this.domainRanks[k.kind] = k.rank;
        if (k.failuresPerYear !== undefined && k.hoursToRecover !== undefined)
          this.reliability[k.kind] = { failuresPerYear: k.failuresPerYear, hoursToRecover: k.hoursToRecover };
      }
      if (pack.componentFailure) this.reliability[COMPONENT_RELIABILITY] = pack.componentFailure;
      if (pack.grouping) this.groupSuffix = compilePattern(pack.grouping.nameSuffix);
      for (const k of pack.grouping?.compare ?? []) this.compareKeys.add(k);
      for (const k of pack.coverage?.placement ?? []) this.placementKeys.add(k);
      for (const k of pack.tags?.paths ?? []) this.placementKeys.add(k.split('.')[0]!);
      if (pack.recovery) this.recovery = pack.recovery;
      for (const p of pack.providers ?? []) {
        this.providers.set(p.package, p);
        if (p.component) this.componentPackages.add(p.package);
        if (p.zoneRegion) this.zoneRegex.set(p.package, compilePattern(p.zoneRegion));
        if (p.idRegion) this.idRegex.set(p.package, compilePattern(p.idRegion));
        if (p.idRegionFrom) this.idRegionFrom.set(p.package, p.idRegionFrom);
      }
    }
    this.rules = new RuleSet(packs);
    this.tags = new TagReader(packs);
  }

  /** See RuleSet.matchingRules. */
  matchingRules(type: string, record?: ResourceRecord): Array<{ rule: Rule; pack: string; catchAll: boolean }> {
    return this.rules.matchingRules(type, record);
  }

  /**
   * Every token naming the same type or function as `token` (type-names.ts: an API version stripped,
   * `azure-native:containerservice/v20240102:listManagedClusterAdminCredentials` is
   * `azure-native:containerservice:listManagedClusterAdminCredentials`; short and long forms; the packs' renames).
   */
  tokenVariants(token: string): string[] {
    return this.rules.typeNames.variants(token);
  }

  /** See RuleSet.rulesFor. */
  rulesFor(type: string, record?: ResourceRecord, remember = true): MergedRule {
    return this.rules.rulesFor(type, record, remember);
  }

  /** firebreak tags of a resource, keys without their prefix, lower-cased. */
  tagsOf(record: ResourceRecord): ReadonlyMap<string, string> {
    return this.tags.tagsOf(record);
  }

  /** firebreak tags of a resource, with the names of those whose value is a secret added to `secrets` (one pass). */
  tagsAndSecretsOf(record: ResourceRecord, secrets: string[]): Tags {
    return this.tags.tagsAndSecretsOf(record, secrets);
  }

  /** firebreak tags of a resource whose value is a secret (not read). */
  secretTagsOf(record: ResourceRecord): string[] {
    return this.tags.secretTagsOf(record);
  }

  /** What a pack says of the provider package; for a package no pack declares, the `*` template (rules/core.yaml) filled in. */
  providerFor(pkg: string): ProviderInfo | undefined {
    const own = this.providers.get(pkg);
    if (own) return own;
    const template = this.providers.get('*');
    if (!template || pkg === '' || pkg === 'pulumi') return undefined;
    let filled = this.filledTemplates.get(pkg);
    if (!filled) {
      const fill = (s: string | undefined): string | undefined => s?.split('{package}').join(pkg);
      filled = { package: pkg, domain: fill(template.domain)! };
      for (const key of ['regionConfig', 'zoneConfig', 'regionProperty'] as const) {
        const v = fill(template[key]);
        if (v !== undefined) filled[key] = v;
      }
      this.filledTemplates.set(pkg, filled);
    }
    return filled;
  }

  /** Whether a pack declares the package itself (not only the `*` template): its region config is known to place resources. */
  declaresProvider(pkg: string): boolean {
    return this.providers.has(pkg) && pkg !== '*';
  }

  zoneRegion(pkg: string, zone: string): string | undefined {
    let known = this.zoneRegions.get(pkg);
    if (known === undefined) {
      const re = this.zoneRegex.get(pkg);
      if (re === undefined) return undefined;
      this.zoneRegions.set(pkg, (known = new Map()));
    }
    let region = known.get(zone);
    if (region === undefined) {
      if (known.size > 10_000) known.clear();
      region = this.zoneRegex.get(pkg)!.exec(zone)?.[1] ?? null;
      known.set(zone, region);
    }
    return region ?? undefined;
  }

  /** The region written inside an output the provider names (an ARN, `arn:aws:lambda:us-east-2:...`) or the id. */
  idRegion(pkg: string, r: ResourceRecord): string | undefined {
    const re = this.idRegex.get(pkg);
    if (!re) return undefined;
    for (const v of [...(this.idRegionFrom.get(pkg) ?? []).map((k) => r.outputs[k]), r.id]) {
      const m = typeof v === 'string' ? re.exec(v) : null;
      if (m?.[1]) return m[1];
    }
    return undefined;
  }

  get nameSuffix(): TextPattern | undefined {
    return this.groupSuffix;
  }
}

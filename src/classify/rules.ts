/**
 * Rule matching: the packs' rules compiled once, matched by type (globs and
 * the type's aliases) and by property, merged in order (later wins).
 */
import { TypeNameTable, shortAndLong } from './type-names.js';
import { compileGlob } from '../glob.js';
import type { PropertyValue, ResourceRecord } from '../ingest/types.js';
import type { LoadedPack } from './packs.js';
import { getPath, parsePath, walk, type PathSegment } from './properties.js';
import { compilePattern, type TextPattern } from './regex-engine.js';
import { textMatches } from './text-match.js';
import type { AuthenticatesThrough, Condition, LoginThrough, RecoverySelector, Replicas, Role, Rule, RunsOn, Scope, Tool } from './schema.js';

/** The rules matching a type, merged (`Classifier.rulesFor`). */
export interface MergedRule {
  ids: string[];
  role?: Role;
  scope?: Scope;
  managed?: boolean;
  zone: string[];
  zoneVia: string[];
  region: string[];
  regionDefault?: string;
  zoneConfigDefault?: boolean;
  spans: NonNullable<Rule['spans']>;
  runsOn?: RunsOn;
  replicas?: Replicas;
  replicaOf?: string[];
  tool?: Tool;
  domain?: string;
  rebuild?: Rule['rebuild'];
  localImages?: Rule['localImages'];
  deploys?: string;
  loginThrough?: LoginThrough;
  authenticatesThrough?: AuthenticatesThrough;
  operatorRecovery?: string;
  recoversWith?: RecoverySelector[];
  /** The id of the rule whose recoversWith applies. */
  recoversWithRule?: string;
  /** The id of the rule whose loginThrough applies. */
  loginThroughRule?: string;
  /** The id of the rule whose localImages applies. */
  localImagesRule?: string;
  /** The id of the rule whose authenticatesThrough applies. */
  authenticatesThroughRule?: string;
  /** Some rule other than a catch-all matched. */
  specific: boolean;
}

/** The fields a rule sets (later matching rules override them field by field). */
export const DECIDED_FIELDS = [
  'role',
  'scope',
  'managed',
  'zone',
  'zoneVia',
  'region',
  'regionDefault',
  'zoneConfigDefault',
  'spans',
  'runsOn',
  'replicas',
  'replicaOf',
  'tool',
  'domain',
  'rebuild',
  'localImages',
  'deploys',
  'loginThrough',
  'authenticatesThrough',
  'operatorRecovery',
  'recoversWith',
] as const;
export type DecidedField = (typeof DECIDED_FIELDS)[number];
export type RuleDecides = Partial<Pick<Rule, DecidedField>>;

export function ruleDecision(rule: Rule): RuleDecides {
  const d: Record<string, unknown> = {};
  for (const f of DECIDED_FIELDS) if (rule[f] !== undefined) d[f] = rule[f];
  return d as RuleDecides;
}

/** The one place classify turns a type glob (`aws:ec2/*`, `*`) into a matcher (src/glob.ts: linear, no backtracking). */
export function compileTypeGlob(glob: string): (text: string) => boolean {
  return compileGlob(glob);
}

/** `aws:ec2:Instance` and `aws:ec2/instance:Instance` name the same type (renames: RuleSet.typeNames, type-names.ts). */
export const typeAliases = shortAndLong;

/** The value at a path, outputs first, then inputs (as for placement properties), as a list of its elements. */
export function elementsAt(r: ResourceRecord, path: string): PropertyValue[] {
  let v = getPath(r.outputs, path);
  if (v === undefined || v === null) v = getPath(r.inputs, path);
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** Whether a rule condition (runsOn.spreads) holds for a resource: the value (or an element) at any of its paths does. */
export function conditionHolds(r: ResourceRecord, c: Condition): boolean {
  const re = c.matches !== undefined ? compilePattern(c.matches) : undefined;
  for (const path of c.property) {
    for (const x of elementsAt(r, path)) {
      if (c.equals !== undefined && x === c.equals) return true;
      if (re && textMatches(re, x)) return true;
      if (c.atLeast !== undefined) {
        const n = typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN;
        if (!Number.isNaN(n) && n >= c.atLeast) return true;
      }
    }
  }
  return false;
}

interface CompiledRule {
  rule: Rule;
  pack: string;
  patterns: Array<(text: string) => boolean>;
  catchAll: boolean;
  /** match.property: the rule applies only to resources whose value there matches. */
  property?: { path: string; segs: PathSegment[]; re: TextPattern };
  /** Position among the compiled rules (a cache key part). */
  index: number;
}

/** The packs' rules, compiled; matching and merging cached per type. */
export class RuleSet {
  private readonly compiled: CompiledRule[] = [];
  private readonly typeCache = new Map<string, CompiledRule[]>();
  /** Per type: its rules in merge order, those with match.property, and the merges (one, or one per set of property rules matching). */
  private readonly mergedCache = new Map<
    string,
    { ordered: CompiledRule[]; props: CompiledRule[]; plain?: MergedRule; byMatch?: Map<number | string, MergedRule> }
  >();
  /**
   * Merged rules of the resources whose type has property rules. A Map, not a WeakMap: a rule set lives for one
   * classify, explain or coverage call, no longer than the records, and a WeakMap's set cost 2.5 times a Map's
   * (46k instances at 100k resources: ~20 ms against ~8 ms).
   */
  private readonly recordCache = new Map<ResourceRecord, MergedRule>();
  /** Other names of types (the packs' typeNames: renamed modules, API versions, short forms). */
  readonly typeNames = new TypeNameTable();

  constructor(packs: LoadedPack[]) {
    for (const pack of packs) {
      this.typeNames.add(pack.typeNames);
      for (const rule of pack.rules) {
        const prop = rule.match.property;
        const catchAll = !prop && rule.match.type.every((t) => t === '*');
        this.compiled.push({
          rule,
          pack: pack.pack,
          patterns: rule.match.type.map(compileTypeGlob),
          catchAll,
          index: this.compiled.length,
          ...(prop ? { property: { path: prop.path, segs: parsePath(prop.path), re: compilePattern(prop.pattern) } } : {}),
        });
      }
    }
  }

  /** Rules whose types match, in merge order: catch-alls, rules matching the type alone, rules also matching a property (each in pack order). */
  private typeRules(type: string): CompiledRule[] {
    let list = this.typeCache.get(type);
    if (!list) {
      const aliases = this.typeNames.variants(type);
      const matching = this.compiled.filter((c) => c.patterns.some((p) => aliases.some((a) => p(a))));
      list = [...matching.filter((c) => c.catchAll), ...matching.filter((c) => !c.catchAll && !c.property), ...matching.filter((c) => c.property)];
      this.typeCache.set(type, list);
    }
    return list;
  }

  /** Whether a resource's value at a rule's match.property matches its pattern (an interpolation left for deploy: only when certain, text-match.ts). */
  private propertyMatches(c: CompiledRule, r: ResourceRecord): boolean {
    // elementsAt(r, path).some(match), with the path parsed once per rule and no list (a fresh `[]` or `[v]`) nor
    // closure per resource: asked for every property rule of a type, per resource of it (~50k at 100k resources).
    const prop = c.property!;
    let v = walk(r.outputs, prop.segs, 0);
    if (v === undefined || v === null) v = walk(r.inputs, prop.segs, 0);
    if (v === undefined || v === null) return false;
    if (!Array.isArray(v)) return textMatches(prop.re, v, true);
    for (let i = 0; i < v.length; i++) if (textMatches(prop.re, v[i]!, true)) return true;
    return false;
  }

  /**
   * The rules matching a type (and, for rules with match.property, the
   * resource's property), in merge order: catch-alls first, then rules
   * matching the type alone, then rules also matching a property, each in
   * pack order. Without a resource, rules with match.property are left out.
   */
  matchingRules(type: string, record?: ResourceRecord): Array<{ rule: Rule; pack: string; catchAll: boolean }> {
    return this.typeRules(type).filter((c) => !c.property || (record !== undefined && this.propertyMatches(c, record)));
  }

  /**
   * The rules matching a type (and a resource's properties), merged in that
   * order (later wins). Cached per type, and per set of property rules that
   * match where a type has any (a bit mask of them: no key is built per call).
   * `remember` false: the record's merge is neither looked up nor kept by record (classify resolves each record's once
   * and carries it by index: 46k Map lookups and sets of records saved at 100k resources, ~5 % of classify); the
   * merge itself is still the one cached for its set of matching rules, the same object every time.
   */
  rulesFor(type: string, record?: ResourceRecord, remember = true): MergedRule {
    let entry = this.mergedCache.get(type);
    if (!entry) {
      const ordered = this.typeRules(type);
      entry = { ordered, props: ordered.filter((c) => c.property) };
      this.mergedCache.set(type, entry);
    }
    const props = entry.props;
    if (props.length === 0) return (entry.plain ??= merge(entry.ordered));
    // The stages ask for a resource's rules several times: its property rules are matched once.
    const known = record === undefined || !remember ? undefined : this.recordCache.get(record);
    if (known) return known;
    let key: number | string = 0;
    if (record !== undefined) {
      if (props.length <= 30) {
        for (let i = 0; i < props.length; i++) if (this.propertyMatches(props[i]!, record)) key |= 1 << i;
      } else {
        key = props.map((c) => (this.propertyMatches(c, record) ? '1' : '0')).join('');
      }
    }
    const byMatch = (entry.byMatch ??= new Map());
    let merged = byMatch.get(key);
    if (!merged) {
      const k = key;
      const matched = new Set(props.filter((_c, i) => (typeof k === 'number' ? (k & (1 << i)) !== 0 : k[i] === '1')));
      merged = merge(entry.ordered.filter((c) => !c.property || matched.has(c)));
      byMatch.set(key, merged);
    }
    if (record !== undefined && remember) this.recordCache.set(record, merged);
    return merged;
  }
}

/** Rules merged in order (later wins). */
function merge(ordered: CompiledRule[]): MergedRule {
  const merged: MergedRule = { ids: [], zone: [], zoneVia: [], region: [], spans: [], specific: false };
  for (const { rule, catchAll } of ordered) {
    merged.ids.push(rule.id);
    if (!catchAll) merged.specific = true;
    Object.assign(merged, ruleDecision(rule));
    if (rule.recoversWith) merged.recoversWithRule = rule.id;
    if (rule.loginThrough) merged.loginThroughRule = rule.id;
    if (rule.localImages) merged.localImagesRule = rule.id;
    if (rule.authenticatesThrough) merged.authenticatesThroughRule = rule.id;
  }
  return merged;
}

/**
 * classify: resource records + rule packs -> what each resource is for the
 * model: its role, where it is placed, which service it serves, which replica
 * group it belongs to, what it requires at run time and what recovers it.
 * Knowledge of resource types comes from the packs; this file only applies it.
 */
import type { Warning } from '../errors.js';
import type { ResourceRecord, StackInput, PropertyMap, PropertyValue } from '../ingest/types.js';
import { asSpecial } from '../ingest/types.js';
import { getPath, scalarStrings, type ScalarValue } from './properties.js';
import type { LoadedPack } from './packs.js';
import type { Condition, ProviderInfo, Role, Rule, RunsOn, Scope } from './schema.js';
import { TypeNameTable, shortAndLong } from './type-names.js';

/** An assumption for --availability: how often something is lost, and for how long. */
export interface Reliability {
  failuresPerYear: number;
  hoursToRecover: number;
}

/** The reliability key for a component failing on its own. */
export const COMPONENT_RELIABILITY = '(component)';

export interface DomainSegment {
  name: string;
  kind: string;
}

export type Quorum = number | 'majority';

export interface ClassifiedResource {
  record: ResourceRecord;
  role: Role | 'unclassified';
  /** Takes part in the model as a component (everything but config-only). */
  failable: boolean;
  /** Its own loss is a basic event (not for managed or internally redundant resources). */
  event: boolean;
  /** Domain paths, root first. Several paths: the resource spans them. */
  placements: DomainSegment[][];
  /** How the placement was decided, for explanations. */
  placedBy: string;
  service: string;
  critical?: boolean;
  group?: string;
  quorum?: Quorum;
  /** URNs of the tools needed to fail this resource's group over. */
  recoversWith: string[];
  /** URNs of failable resources this one needs at run time. */
  requires: string[];
  /** Ids of the rules that decided something. */
  rules: string[];
  /** URN of the host it runs on (a rule's runsOn: a Kubernetes cluster), when found. */
  host?: string;
}

export interface BlindSpot {
  kind: 'no-rule' | 'unknown-placement' | 'unknown-zone';
  /** The resource type (no-rule) or URN. */
  subject: string;
  message: string;
  count?: number;
}

export interface Classification {
  resources: ClassifiedResource[];
  domainRanks: Record<string, number>;
  /** Per domain kind, and `component` for a component alone: the --availability assumptions. */
  reliability: Record<string, Reliability>;
  blindSpots: BlindSpot[];
  warnings: Warning[];
}

/** The rules matching a type, merged (`Classifier.rulesFor`). */
export interface MergedRule {
  ids: string[];
  role?: Role;
  scope?: Scope;
  managed?: boolean;
  zone: string[];
  zoneVia: string[];
  region: string[];
  spans: NonNullable<Rule['spans']>;
  runsOn?: RunsOn;
  /** Some rule other than a catch-all matched. */
  specific: boolean;
}

/** The fields a rule sets (later matching rules override them field by field). */
export type RuleDecides = Partial<Pick<Rule, 'role' | 'scope' | 'managed' | 'zone' | 'zoneVia' | 'region' | 'spans' | 'runsOn'>>;

export function ruleDecision(rule: Rule): RuleDecides {
  const d: RuleDecides = {};
  if (rule.role) d.role = rule.role;
  if (rule.scope) d.scope = rule.scope;
  if (rule.managed !== undefined) d.managed = rule.managed;
  if (rule.zone) d.zone = rule.zone;
  if (rule.zoneVia) d.zoneVia = rule.zoneVia;
  if (rule.region) d.region = rule.region;
  if (rule.spans) d.spans = rule.spans;
  if (rule.runsOn) d.runsOn = rule.runsOn;
  return d;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp('^' + glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
}

/** `aws:ec2:Instance` and `aws:ec2/instance:Instance` name the same type (renames: Classifier.typeNames, type-names.ts). */
export const typeAliases = shortAndLong;

/** One frozen empty list for the lists of resources that cannot fail (never added to). */
const NONE = Object.freeze([]) as unknown as never[];
const TRUE = new Set(['true', 'yes', '1', 'on']);
const FALSE = new Set(['false', 'no', '0', 'off']);

interface CompiledRule {
  rule: Rule;
  pack: string;
  patterns: RegExp[];
  catchAll: boolean;
  /** match.property: the rule applies only to resources whose value there matches. */
  property?: { path: string; re: RegExp };
  /** Position among the compiled rules (a cache key part). */
  index: number;
}

/** The value at a path, outputs first, then inputs (as for placement properties), as a list of its elements. */
function elementsAt(r: ResourceRecord, path: string): PropertyValue[] {
  let v = getPath(r.outputs, path);
  if (v === undefined || v === null) v = getPath(r.inputs, path);
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

const conditionRegex = new Map<string, RegExp>();

/** Whether a rule condition (runsOn.spreads) holds for a resource: the value (or an element) at any of its paths does. */
export function conditionHolds(r: ResourceRecord, c: Condition): boolean {
  let re: RegExp | undefined;
  if (c.matches !== undefined) {
    re = conditionRegex.get(c.matches);
    if (!re) conditionRegex.set(c.matches, (re = new RegExp(c.matches)));
  }
  for (const path of c.property) {
    for (const x of elementsAt(r, path)) {
      if (c.equals !== undefined && x === c.equals) return true;
      if (re && typeof x === 'string' && re.test(x)) return true;
      if (c.atLeast !== undefined) {
        const n = typeof x === 'number' ? x : typeof x === 'string' && x.trim() !== '' ? Number(x) : NaN;
        if (!Number.isNaN(n) && n >= c.atLeast) return true;
      }
    }
  }
  return false;
}

export class Classifier {
  private readonly compiled: CompiledRule[] = [];
  private readonly typeCache = new Map<string, CompiledRule[]>();
  private readonly mergedCache = new Map<string, MergedRule>();
  private readonly providers = new Map<string, ProviderInfo>();
  private readonly zoneRegex = new Map<string, RegExp>();
  private readonly idRegex = new Map<string, RegExp>();
  readonly domainRanks: Record<string, number> = {};
  readonly reliability: Record<string, Reliability> = {};
  private readonly tagPaths: string[] = [];
  private readonly tagPrefixes: string[] = [];
  private groupSuffix: RegExp | undefined;
  readonly typeNames = new TypeNameTable();

  constructor(packs: LoadedPack[]) {
    for (const pack of packs) {
      for (const k of pack.domainKinds ?? []) {
        this.domainRanks[k.kind] = k.rank;
        if (k.failuresPerYear !== undefined && k.hoursToRecover !== undefined) this.reliability[k.kind] = { failuresPerYear: k.failuresPerYear, hoursToRecover: k.hoursToRecover };
      }
      if (pack.componentFailure) this.reliability[COMPONENT_RELIABILITY] = pack.componentFailure;
      if (pack.tags) {
        this.tagPaths.push(...pack.tags.paths);
        this.tagPrefixes.push(...pack.tags.prefixes);
      }
      if (pack.grouping) this.groupSuffix = new RegExp(pack.grouping.nameSuffix);
      this.typeNames.add(pack.typeNames);
      for (const p of pack.providers ?? []) {
        this.providers.set(p.package, p);
        if (p.zoneRegion) this.zoneRegex.set(p.package, new RegExp(p.zoneRegion));
        if (p.idRegion) this.idRegex.set(p.package, new RegExp(p.idRegion));
      }
      for (const rule of pack.rules) {
        const prop = rule.match.property;
        const catchAll = !prop && rule.match.type.every((t) => t === '*');
        this.compiled.push({
          rule, pack: pack.pack, patterns: rule.match.type.map(globToRegExp), catchAll, index: this.compiled.length,
          ...(prop ? { property: { path: prop.path, re: new RegExp(prop.pattern) } } : {}),
        });
      }
    }
  }

  /** Rules whose types match, in merge order: catch-alls, rules matching the type alone, rules also matching a property (each in pack order). */
  private typeRules(type: string): CompiledRule[] {
    let list = this.typeCache.get(type);
    if (!list) {
      const aliases = this.typeNames.variants(type);
      const matching = this.compiled.filter((c) => c.patterns.some((p) => aliases.some((a) => p.test(a))));
      list = [...matching.filter((c) => c.catchAll), ...matching.filter((c) => !c.catchAll && !c.property), ...matching.filter((c) => c.property)];
      this.typeCache.set(type, list);
    }
    return list;
  }

  /** Whether a resource's value at a rule's match.property matches its pattern. */
  private propertyMatches(c: CompiledRule, r: ResourceRecord): boolean {
    const prop = c.property!;
    return elementsAt(r, prop.path).some((v) => (typeof v === 'string' || typeof v === 'number') && prop.re.test(String(v)));
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
   * match where a type has any.
   */
  rulesFor(type: string, record?: ResourceRecord): MergedRule {
    let key = type;
    let ordered = this.typeRules(type);
    if (ordered.length > 0 && ordered[ordered.length - 1]!.property) {
      ordered = ordered.filter((c) => !c.property || (record !== undefined && this.propertyMatches(c, record)));
      key = `${type}\u0000${ordered.filter((c) => c.property).map((c) => c.index).join(',')}`;
    }
    const cached = this.mergedCache.get(key);
    if (cached) return cached;
    const merged: MergedRule = { ids: [], zone: [], zoneVia: [], region: [], spans: [], specific: false };
    for (const { rule, catchAll } of ordered) {
      merged.ids.push(rule.id);
      if (!catchAll) merged.specific = true;
      Object.assign(merged, ruleDecision(rule));
    }
    this.mergedCache.set(key, merged);
    return merged;
  }

  /** firebreak tags of a resource, keys without their prefix, lower-cased. */
  private readonly tagKeyCache = new Map<string, string | null>();
  private static readonly NO_TAGS: ReadonlyMap<string, string> = new Map();

  /** The firebreak tag name of a tag key (`firebreak:service` -> `service`), or null. */
  private tagName(key: string): string | null {
    let name = this.tagKeyCache.get(key);
    if (name === undefined) {
      const lower = key.toLowerCase();
      const prefix = this.tagPrefixes.find((pre) => lower.startsWith(pre));
      name = prefix ? lower.slice(prefix.length).replace(/_/g, '-') : null;
      this.tagKeyCache.set(key, name);
    }
    return name;
  }

  /** firebreak tags of a resource, keys without their prefix, lower-cased. */
  tagsOf(record: ResourceRecord): ReadonlyMap<string, string> {
    let tags: Map<string, string> | undefined;
    for (const source of [record.outputs, record.inputs]) {
      for (const p of this.tagPaths) {
        const map = getPath(source, p);
        if (!map || typeof map !== 'object' || Array.isArray(map) || asSpecial(map)) continue;
        for (const key in map as PropertyMap) {
          const c = key.charCodeAt(0);
          if (c !== 102 && c !== 70) continue; // tags start with "firebreak"
          const value = (map as PropertyMap)[key];
          const name = typeof value === 'string' ? this.tagName(key) : null;
          if (name) (tags ??= new Map()).set(name, value as string);
        }
      }
    }
    return tags ?? Classifier.NO_TAGS;
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

function firstValue(maps: PropertyMap[], paths: string[]): PropertyValue | undefined {
  for (const p of paths) {
    for (const m of maps) {
      const v = getPath(m, p);
      if (v !== undefined && v !== null) return v;
    }
  }
  return undefined;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `region=seoul/datacenter=pangyo`, or plain `kakao/pangyo` (last segment a datacenter, the others sites). */
export function parseDomainTag(value: string): DomainSegment[] {
  const segments = value.split('/').map((s) => s.trim()).filter(Boolean);
  return segments.map((seg, i) => {
    const eq = seg.indexOf('=');
    if (eq > 0) return { kind: seg.slice(0, eq).trim(), name: seg.slice(eq + 1).trim() };
    return { kind: i === segments.length - 1 ? 'datacenter' : 'site', name: seg };
  });
}

interface ZoneInfo {
  zones: ScalarValue[];
  unknown: boolean;
}

function internPath(ctx: Context, path: DomainSegment[]): DomainSegment[] {
  let key = '';
  for (const seg of path) key += `${seg.kind}=${seg.name}/`;
  const known = ctx.paths.get(key);
  if (known) return known;
  ctx.paths.set(key, path);
  return path;
}

interface Context {
  classifier: Classifier;
  byUrn: Map<string, ResourceRecord>;
  byId: Map<string, ResourceRecord>;
  byName: Map<string, ResourceRecord[]>;
  configOf: Map<string, Record<string, string>>;
  zoneMemo: Map<string, ZoneInfo>;
  /** Placements of hosts (runsOn), by URN. */
  hostMemo: Map<string, HostPlacement>;
  /** One array per distinct domain path, shared by every resource placed there. */
  paths: Map<string, DomainSegment[]>;
  passMemo: Map<string, string[]>;
  /** The resources that can fail (components). */
  failable: Set<ResourceRecord>;
  children: Map<string, string[]>;
}

function stackKey(r: ResourceRecord): string {
  return `${r.project}/${r.stack}`;
}

function packageOf(type: string): string {
  return type.split(':')[0] ?? type;
}

/** The region a resource's provider or stack config gives. */
function providerRegion(ctx: Context, r: ResourceRecord, info: ProviderInfo | undefined): string | undefined {
  if (!info) return undefined;
  if (r.provider && info.regionProperty) {
    const p = ctx.byUrn.get(r.provider);
    const v = p ? firstValue([p.inputs, p.outputs], [info.regionProperty]) : undefined;
    const s = scalarStrings(v).values[0];
    if (s) return s.text;
  }
  const config = ctx.configOf.get(stackKey(r)) ?? {};
  return info.regionConfig ? config[info.regionConfig] : undefined;
}

const PROVIDER_PREFIX = '$provider.';

/**
 * Resources a property of r refers to: its property dependencies, resource
 * refs, or ids. `$provider.PATH` follows PATH of r's provider resource.
 */
function referencedBy(ctx: Context, r: ResourceRecord, path: string): ResourceRecord[] {
  if (path.startsWith(PROVIDER_PREFIX)) {
    const p = r.provider ? ctx.byUrn.get(r.provider) : undefined;
    return p ? referencedBy(ctx, p, path.slice(PROVIDER_PREFIX.length)).filter((x) => x.urn !== r.urn) : [];
  }
  const top = path.split(/[.[]/)[0]!;
  const out: ResourceRecord[] = [];
  const seen = new Set<string>();
  const add = (x: ResourceRecord | undefined): void => {
    if (x && !seen.has(x.urn) && x.urn !== r.urn) {
      seen.add(x.urn);
      out.push(x);
    }
  };
  for (const urn of r.propertyDependencies[top] ?? []) add(ctx.byUrn.get(urn));
  const visit = (v: PropertyValue | undefined): void => {
    if (v === undefined || v === null) return;
    if (typeof v === 'string') add(ctx.byId.get(v));
    else if (Array.isArray(v)) v.forEach(visit);
    else {
      const s = asSpecial(v);
      if (s?.kind === 'resource-ref') add(ctx.byUrn.get(s.urn));
    }
  };
  visit(getPath(r.outputs, path));
  visit(getPath(r.inputs, path));
  return out;
}

/** Zones a resource names itself or takes from what it references (a subnet, a node pool). */
function zonesOf(ctx: Context, r: ResourceRecord, depth = 0): ZoneInfo {
  const memo = ctx.zoneMemo.get(r.urn);
  if (memo) return memo;
  const rules = ctx.classifier.rulesFor(r.type, r);
  const own = scalarStrings(firstValue([r.outputs, r.inputs], rules.zone));
  let zones: ScalarValue[] = own.values;
  let unknown = own.unknown;
  if (zones.length === 0 && depth < 4) {
    for (const via of rules.zoneVia) {
      for (const target of referencedBy(ctx, r, via)) {
        const z = zonesOf(ctx, target, depth + 1);
        zones = zones.concat(z.zones);
        unknown ||= z.unknown;
      }
      if (zones.length > 0) break;
    }
  }
  if (zones.length > 1) {
    const dedup = new Map(zones.map((z) => [z.text, z]));
    zones = [...dedup.values()].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  }
  const result: ZoneInfo = { zones, unknown };
  ctx.zoneMemo.set(r.urn, result);
  return result;
}

interface Placed {
  placements: DomainSegment[][];
  placedBy: string;
  redundant: boolean;
  /** The host it runs on (runsOn). */
  host?: ResourceRecord;
}

interface HostPlacement {
  placements: DomainSegment[][];
  scope?: Scope;
}

/** Where a host (a cluster) is placed, by its own rules and tags. */
function hostPlacement(ctx: Context, host: ResourceRecord): HostPlacement {
  const memo = ctx.hostMemo.get(host.urn);
  if (memo) return memo;
  ctx.hostMemo.set(host.urn, { placements: [] }); // a host that runs on itself, in a loop, has no placement
  const rules = ctx.classifier.rulesFor(host.type, host);
  // Its blind spots are reported when it is classified itself.
  const placed = place(ctx, host, rules, ctx.classifier.tagsOf(host), []);
  const result: HostPlacement = { placements: placed.placements, ...(rules.scope ? { scope: rules.scope } : {}) };
  ctx.hostMemo.set(host.urn, result);
  return result;
}

/** The first resource runsOn's references reach that fails on its own and has a placement. */
function hostOf(ctx: Context, r: ResourceRecord, runsOn: RunsOn): ResourceRecord | undefined {
  for (const via of runsOn.via) {
    for (const target of referencedBy(ctx, r, via)) {
      if (!target.custom || target.type.startsWith('pulumi:providers:')) continue;
      if (ctx.classifier.rulesFor(target.type, target).role === 'config-only') continue;
      if (hostPlacement(ctx, target).placements.length > 0) return target;
    }
  }
  return undefined;
}

function pathText(p: DomainSegment[]): string {
  return p.map((s) => s.name).join('/');
}

/**
 * Placement through the host a resource runs on (runsOn): a host in one zone
 * (or smaller domain) holds it there; a host spanning zones, or a region
 * unless its rule says it is zonal, holds it across them when it spreads
 * (runsOn.spreads), else in one zone of them that is not known.
 */
function placeOnHost(ctx: Context, r: ResourceRecord, runsOn: RunsOn, blindSpots: BlindSpot[]): Placed | undefined {
  const host = hostOf(ctx, r, runsOn);
  if (!host) return undefined;
  const hp = hostPlacement(ctx, host);
  const paths = hp.placements;
  const ranks = ctx.classifier.domainRanks;
  const zoneRank = ranks.zone ?? 4;
  const wide = (p: DomainSegment[]): boolean => {
    const last = p[p.length - 1];
    return !last || (ranks[last.kind] ?? zoneRank) > zoneRank;
  };
  const one = paths[0]!;
  if (paths.length === 1 && !wide(one)) {
    return { placements: paths, placedBy: `runs on ${host.name}, in its ${one[one.length - 1]!.kind}`, redundant: false, host };
  }
  const spreads = runsOn.spreads === true || (Array.isArray(runsOn.spreads) && runsOn.spreads.every((c) => conditionHolds(r, c)));
  const hostSpans = paths.length > 1 || hp.scope !== 'zonal';
  if (spreads && hostSpans) {
    return { placements: paths, placedBy: `runs on ${host.name}, spread over its ${paths.length > 1 ? 'zones' : 'region'}`, redundant: true, host };
  }
  // In one zone of those the host spans, or of the one zone the host has that is not known.
  let common = one;
  for (const p of paths) {
    let i = 0;
    while (i < common.length && i < p.length && common[i]!.name === p[i]!.name && common[i]!.kind === p[i]!.kind) i++;
    common = common.slice(0, i);
  }
  if (common.length === 0) return { placements: [], placedBy: 'unknown', redundant: false, host };
  const why = !hostSpans
    ? `runs on ${host.name}, which lives in one zone of ${pathText(common)} that is not known`
    : `runs on ${host.name}, which spans ${paths.length > 1 ? paths.map(pathText).join(', ') : `the zones of ${pathText(common)}`}, but is not spread over them (${runsOn.spreads === undefined || runsOn.spreads === false ? 'its rule never spreads it' : "its rule's spread conditions do not hold"})`;
  blindSpots.push({
    kind: 'unknown-zone',
    subject: r.urn,
    message: `${r.name} (${r.type}) ${why}: which zone it lives in is not known; placed in ${pathText(common)}`,
  });
  return { placements: [common], placedBy: `runs on ${host.name}, zone not known`, redundant: false, host };
}

function place(
  ctx: Context,
  r: ResourceRecord,
  rules: MergedRule,
  tags: ReadonlyMap<string, string>,
  blindSpots: BlindSpot[],
): Placed {
  const domainTag = tags.get('domain');
  if (domainTag) {
    const placements = splitList(domainTag).map(parseDomainTag).filter((p) => p.length > 0);
    return { placements, placedBy: 'firebreak:domain tag', redundant: placements.length > 1 };
  }
  if (rules.runsOn) {
    const onHost = placeOnHost(ctx, r, rules.runsOn, blindSpots);
    if (onHost) return onHost;
  }
  const pkg = packageOf(r.type);
  const info = ctx.classifier.providerFor(pkg);
  const root: DomainSegment = { name: info?.domain ?? pkg, kind: 'provider' };
  const maps = [r.outputs, r.inputs];

  // Region: the resource's own property (unless it is really a zone), its provider, stack config.
  // Providers whose names are case-insensitive (pulumi-gcp records US-CENTRAL1 for us-central1) are read in lower case.
  const norm = (v: ScalarValue): ScalarValue => (info?.lowerCase && !v.symbolic ? { ...v, text: v.text.toLowerCase() } : v);
  let region: string | undefined;
  const zonesFromRegionProps: ScalarValue[] = [];
  for (const raw of scalarStrings(firstValue(maps, rules.region)).values) {
    const v = norm(raw);
    if (!v.symbolic && ctx.classifier.zoneRegion(pkg, v.text)) zonesFromRegionProps.push(v);
    else region ??= v.text;
  }
  region ??= providerRegion(ctx, r, info) ?? ctx.classifier.idRegion(pkg, r);
  if (region !== undefined && info?.lowerCase) region = region.toLowerCase();

  for (const span of rules.spans) {
    const v = getPath(r.outputs, span.property) ?? getPath(r.inputs, span.property);
    if (v === span.equals && (span.and ?? []).every((c) => conditionHolds(r, c))) {
      if (span.scope === 'global') return { placements: [[root]], placedBy: `${span.property} = ${String(span.equals)}`, redundant: true };
      if (region) return { placements: [[root, { name: region, kind: 'region' }]], placedBy: `${span.property} = ${String(span.equals)}`, redundant: true };
    }
  }

  const z = zonesOf(ctx, r);
  let zones = z.zones.length > 0 ? z.zones.map(norm) : zonesFromRegionProps;
  if (zones.length === 0 && rules.scope === 'zonal' && info?.zoneConfig) {
    const cz = ctx.configOf.get(stackKey(r))?.[info.zoneConfig];
    if (cz) zones = [{ text: cz, symbolic: false }];
  }
  if (rules.scope === 'global') return { placements: [[root]], placedBy: 'a global service', redundant: true };
  if (zones.length > 0) {
    const placements = zones.map((zone) => {
      const zoneRegion = (!zone.symbolic && ctx.classifier.zoneRegion(pkg, zone.text)) || region;
      const name = info?.relativeZones && zoneRegion && /^\d+$/.test(zone.text) ? `${zoneRegion}-${zone.text}` : zone.text;
      return zoneRegion
        ? [root, { name: zoneRegion, kind: 'region' }, { name, kind: 'zone' }]
        : [root, { name, kind: 'zone' }];
    });
    return { placements, placedBy: z.zones.length > 0 ? 'its zone' : 'its location', redundant: placements.length > 1 };
  }
  if (region) {
    if (rules.scope === 'zonal') {
      blindSpots.push({
        kind: 'unknown-zone',
        subject: r.urn,
        message: `${r.name} (${r.type}) lives in one zone, but which zone is not known; placed in region ${region}`,
      });
    }
    return { placements: [[root, { name: region, kind: 'region' }]], placedBy: 'its region', redundant: rules.scope === 'regional' };
  }
  return { placements: [], placedBy: 'unknown', redundant: false };
}

/** The top-level property names any rule of these packs reads. */
export function propertiesRead(packs: LoadedPack[]): Set<string> {
  const keys = new Set<string>(['arn', 'id', 'name']);
  const top = (p: string): void => {
    const m = /^[^.[]+/.exec(p.startsWith(PROVIDER_PREFIX) ? p.slice(PROVIDER_PREFIX.length) : p);
    if (m) keys.add(m[0]);
  };
  for (const pack of packs) {
    pack.tags?.paths.forEach(top);
    for (const p of pack.providers ?? []) if (p.regionProperty) top(p.regionProperty);
    for (const rule of pack.rules) {
      [...(rule.zone ?? []), ...(rule.zoneVia ?? []), ...(rule.region ?? []), ...(rule.spans ?? []).flatMap((s) => [s.property, ...(s.and ?? []).flatMap((c) => c.property)])].forEach(top);
      if (rule.match.property) top(rule.match.property.path);
      if (rule.runsOn) {
        rule.runsOn.via.forEach(top);
        if (Array.isArray(rule.runsOn.spreads)) for (const c of rule.runsOn.spreads) c.property.forEach(top);
      }
    }
  }
  return keys;
}

export function classify(inputs: StackInput[], packs: LoadedPack[]): Classification {
  const classifier = new Classifier(packs);
  const records = inputs.flatMap((i) => i.resources);
  const byUrn = new Map<string, ResourceRecord>();
  for (const r of records) byUrn.set(r.urn, r);
  let byId: Map<string, ResourceRecord> | undefined;
  let byName: Map<string, ResourceRecord[]> | undefined;
  let children: Map<string, string[]> | undefined;
  const ctx: Context = {
    classifier,
    byUrn,
    // Built on first use: many stacks never need them.
    get byId() {
      if (!byId) {
        byId = new Map();
        for (const r of records) if (r.id && r.custom) byId.set(r.id, r);
      }
      return byId;
    },
    get byName() {
      if (!byName) {
        byName = new Map();
        for (const r of records) {
          const list = byName.get(r.name);
          if (list) list.push(r);
          else byName.set(r.name, [r]);
        }
      }
      return byName;
    },
    get children() {
      if (!children) {
        children = new Map();
        for (const r of records) {
          if (!r.parent) continue;
          const c = children.get(r.parent);
          if (c) c.push(r.urn);
          else children.set(r.parent, [r.urn]);
        }
      }
      return children;
    },
    configOf: new Map(inputs.map((i) => [`${i.project}/${i.stack}`, i.config])),
    zoneMemo: new Map(),
    hostMemo: new Map(),
    paths: new Map(),
    passMemo: new Map(),
    failable: new Set(),
  };
  const warnings: Warning[] = [];

  const blindSpots: BlindSpot[] = [];
  const noRule = new Map<string, number>();
  const out: ClassifiedResource[] = [];
  const tagsOfRecord = new Map<ResourceRecord, ReadonlyMap<string, string>>();
  const tagsAt: Array<ReadonlyMap<string, string>> = [];

  for (const r of records) {
    const tags = classifier.tagsOf(r);
    tagsAt.push(tags);
    if (tags.size > 0) tagsOfRecord.set(r, tags);
    const rules = classifier.rulesFor(r.type, r);
    const tagRole = tags.get('role');
    let role: ClassifiedResource['role'] = rules.role ?? 'unclassified';
    if (tagRole) {
      if ((['compute', 'datastore', 'network-path', 'identity', 'ops-tool', 'config-only'] as string[]).includes(tagRole)) role = tagRole as Role;
      else warnings.push({ file: r.source?.file ?? r.urn, ...(r.source?.line ? { line: r.source.line } : {}), message: `${r.name}: unknown firebreak:role "${tagRole}" ignored (use compute, datastore, network-path, identity, ops-tool or config-only)` });
    }
    const component = !r.custom && r.type !== 'pulumi:pulumi:Stack' && !r.type.startsWith('pulumi:providers:');
    if (!r.custom || role === 'config-only') {
      // Shared empty lists: nothing is ever added to those of a resource that cannot fail.
      out.push({
        record: r, role: component ? 'unclassified' : 'config-only', failable: false, event: false, placements: NONE, placedBy: 'n/a',
        service: '', recoversWith: NONE, requires: NONE, rules: rules.ids,
      });
      continue;
    }
    if (!rules.specific && !tagRole) noRule.set(r.type, (noRule.get(r.type) ?? 0) + 1);
    const placed = place(ctx, r, rules, tags, blindSpots);
    placed.placements = placed.placements.map((p) => internPath(ctx, p));
    if (placed.placements.length === 0) {
      blindSpots.push({
        kind: 'unknown-placement',
        subject: r.urn,
        message: rules.specific || tagRole
          ? `${r.name} (${r.type}): placement unknown; it fails only on its own, never with a domain`
          : `${r.name} (${r.type}): placement unknown and no rule; firebreak cannot judge it`,
      });
    }
    const managed = rules.managed ?? false;
    const explicitlyFailable = tagRole !== undefined && !rules.specific;
    ctx.failable.add(r);
    out.push({
      record: r,
      role,
      failable: true,
      // Unclassified types fail with their domains but are not judged as single components.
      event: !managed && !placed.redundant && (rules.specific || explicitlyFailable),
      placements: placed.placements,
      placedBy: placed.placedBy,
      service: '',
      recoversWith: [],
      requires: [],
      rules: rules.ids,
      ...(placed.host ? { host: placed.host.urn } : {}),
    });
  }

  for (const [type, count] of [...noRule.entries()].sort()) {
    blindSpots.push({ kind: 'no-rule', subject: type, count, message: `no rule for type ${type} (${count} resource${count === 1 ? '' : 's'}): treated as failing only with its domain` });
  }

  // Services, criticality, groups, recovery tools.
  const serviceOf = (r: ResourceRecord): string => {
    const own = tagsOfRecord.get(r)?.get('service');
    if (own) return own;
    let top: ResourceRecord | undefined;
    for (let p = r.parent ? ctx.byUrn.get(r.parent) : undefined; p; p = p.parent ? ctx.byUrn.get(p.parent) : undefined) {
      const tagged = tagsOfRecord.get(p)?.get('service');
      if (tagged) return tagged;
      if (!p.custom && p.type !== 'pulumi:pulumi:Stack') top = p;
    }
    return top ? top.name : r.project;
  };
  const resolveRef = (r: ResourceRecord, ref: string): ResourceRecord | undefined => {
    if (ref.startsWith('urn:pulumi:')) return ctx.byUrn.get(ref);
    const candidates = ctx.byName.get(ref) ?? [];
    return candidates.find((c) => c.stack === r.stack && c.project === r.project) ?? candidates[0];
  };

  const autoGroups = new Map<string, ClassifiedResource[]>();
  for (let i = 0; i < out.length; i++) {
    const c = out[i]!;
    if (!c.failable) continue;
    const r = c.record;
    const tags = tagsAt[i]!;
    c.service = serviceOf(r);
    const crit = tags.get('critical')?.toLowerCase();
    if (crit !== undefined) {
      if (TRUE.has(crit)) c.critical = true;
      else if (FALSE.has(crit)) c.critical = false;
    }
    const group = tags.get('group');
    if (group) c.group = group;
    const quorum = tags.get('quorum');
    if (quorum) {
      if (quorum.toLowerCase() === 'majority') c.quorum = 'majority';
      else if (/^\d+$/.test(quorum) && Number(quorum) > 0) c.quorum = Number(quorum);
      else warnings.push({ file: r.source?.file ?? r.urn, ...(r.source?.line ? { line: r.source.line } : {}), message: `${r.name}: firebreak:quorum "${quorum}" is not a positive number or "majority"; ignored` });
    }
    const recovers = tags.get('recovers-with');
    if (recovers) {
      for (const ref of splitList(recovers)) {
        const target = resolveRef(r, ref);
        if (target) c.recoversWith.push(target.urn);
        else warnings.push({ file: r.source?.file ?? r.urn, ...(r.source?.line ? { line: r.source.line } : {}), message: `${r.name}: firebreak:recovers-with names "${ref}", which is not a resource of the inputs; ignored` });
      }
    }
    if (!group && classifier.nameSuffix) {
      const stem = r.name.replace(classifier.nameSuffix, '');
      if (stem !== r.name && stem !== '') {
        const key = `${c.service}\u0000${r.type}\u0000${r.parent ?? ''}\u0000${stem}`;
        const list = autoGroups.get(key);
        if (list) list.push(c);
        else autoGroups.set(key, [c]);
      }
    }
  }
  for (const members of autoGroups.values()) {
    if (members.length < 2) continue;
    const first = members[0]!.record;
    const stem = first.name.replace(classifier.nameSuffix!, '');
    for (const m of members) m.group = `${m.service}/${stem}`;
  }

  // Run-time requirements: dependencies, property dependencies and the provider,
  // passing through config-only resources and into component resources' children.
  const expand = (urn: string, seen: Set<string> | undefined): string[] => {
    const r = ctx.byUrn.get(urn);
    if (r && ctx.failable.has(r)) return [urn];
    const memo = ctx.passMemo.get(urn);
    if (memo) return memo;
    seen ??= new Set();
    if (seen.has(urn)) return [];
    seen.add(urn);
    if (!r || r.type === 'pulumi:pulumi:Stack') return [];
    const result = new Set<string>();
    const next = r.custom || r.type.startsWith('pulumi:providers:') ? directDeps(r) : (ctx.children.get(urn) ?? []);
    for (const d of next) for (const x of expand(d, seen)) result.add(x);
    const list = [...result];
    ctx.passMemo.set(urn, list);
    return list;
  };
  for (const c of out) {
    if (!c.failable) continue;
    const req = new Set<string>();
    for (const d of directDeps(c.record)) for (const x of expand(d, undefined)) if (x !== c.record.urn) req.add(x);
    c.requires = [...req];
  }

  return { resources: out, domainRanks: classifier.domainRanks, reliability: classifier.reliability, blindSpots, warnings };
}

function directDeps(r: ResourceRecord): string[] {
  const deps = r.dependencies.slice();
  for (const key in r.propertyDependencies) {
    for (const d of r.propertyDependencies[key]!) if (!deps.includes(d)) deps.push(d);
  }
  if (r.provider && !deps.includes(r.provider)) deps.push(r.provider);
  return deps;
}

/**
 * Placement: where a resource lives in the failure-domain tree. A domain tag
 * wins; then the host it runs on (runsOn); then a span rule, its zones (own or
 * through what it references), its region (own, provider, stack config, id).
 */
import type { PropertyMap, PropertyValue, ResourceRecord } from '../ingest/types.js';
import { asSpecial } from '../ingest/types.js';
import { isProviderType } from '../pulumi.js';
import { byText } from '../text.js';
import { stackKey, type Context, type HostPlacement, type PathNode, type ZoneInfo } from './context.js';
import { getPath, parsePath, PROVIDER_PREFIX, scalarStrings, walk, type PathSegment, type ScalarValue } from './properties.js';
import { conditionHolds, type MergedRule } from './rules.js';
import type { ProviderInfo, RunsOn } from './schema.js';
import { parseDomainTag, splitList, type Tags } from './tags.js';
import type { BlindSpot, DomainSegment } from './types.js';

/** The value at a path in `a`, else in `b`. */
function firstValue(a: PropertyMap, b: PropertyMap, path: string): PropertyValue | undefined {
  const segs = parsePath(path);
  const v = walk(a, segs, 0);
  return v !== undefined && v !== null ? v : (walk(b, segs, 0) ?? undefined);
}

/** firstValue of parsed paths. */
function firstAt(a: PropertyMap, b: PropertyMap, parsed: PathSegment[][]): PropertyValue | undefined {
  for (let i = 0; i < parsed.length; i++) {
    const segs = parsed[i]!;
    let v = walk(a, segs, 0);
    if (v !== undefined && v !== null) return v;
    v = walk(b, segs, 0);
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

/**
 * A rule's list of paths (rules.zone, rules.region: long-lived arrays, the same for every resource of its merged
 * rules) parsed, by the array: one Map get of an object per read, not one of a path string per path (parsePath was
 * ~50 ms of place at 100k, its lookups of 100k resources' three zone and region paths). Bounded for a library process.
 */
const parsedLists = new Map<string[], PathSegment[][]>();

function parsedList(paths: string[]): PathSegment[][] {
  let parsed = parsedLists.get(paths);
  if (parsed === undefined) {
    if (parsedLists.size > 10_000) parsedLists.clear();
    parsedLists.set(paths, (parsed = paths.map(parsePath)));
  }
  return parsed;
}

/** The first value at one of a rule's paths (a long-lived list: see parsedList), in `a` then `b`. */
function firstOf(a: PropertyMap, b: PropertyMap, rulePaths: string[]): PropertyValue | undefined {
  return rulePaths.length === 0 ? undefined : firstAt(a, b, parsedList(rulePaths));
}

/** The trie node of one more segment. */
function child(node: PathNode, name: string, kind: string): PathNode {
  const byName = (node.next ??= new Map());
  let byKind = byName.get(name);
  if (!byKind) byName.set(name, (byKind = new Map()));
  let next = byKind.get(kind);
  if (!next) byKind.set(kind, (next = { path: undefined, next: undefined }));
  return next;
}

/** The one array of a domain path (the first met): found segment by segment, with no key string built per path. */
export function internPath(ctx: Context, path: DomainSegment[]): DomainSegment[] {
  let node = ctx.paths;
  for (let i = 0; i < path.length; i++) node = child(node, path[i]!.name, path[i]!.kind);
  return (node.path ??= path);
}

/** Each placement interned: the same array when every one already is (place's own paths are), else a new one. */
export function internAll(ctx: Context, placements: DomainSegment[][]): DomainSegment[][] {
  // onePlacement's (most resources'): one Set lookup, not a second walk down the trie (six Map gets for a zone).
  if (ctx.interned.has(placements)) return placements;
  for (let i = 0; i < placements.length; i++) {
    if (internPath(ctx, placements[i]!) !== placements[i]) return placements.map((p) => internPath(ctx, p));
  }
  return placements;
}

/**
 * The placements `[[provider root, region?, zone?]]` of a resource placed in one domain, interned: its segments and
 * arrays made only the first time (most resources share a few such domains; ~250 bytes per resource at 100k saved,
 * four objects and two arrays).
 */
function onePlacement(ctx: Context, root: string, region: string | undefined, zone: string | undefined): DomainSegment[][] {
  let node = child(ctx.paths, root, 'provider');
  if (region !== undefined) node = child(node, region, 'region');
  if (zone !== undefined) node = child(node, zone, 'zone');
  if (node.one === undefined) {
    const path: DomainSegment[] = [{ name: root, kind: 'provider' }];
    if (region !== undefined) path.push({ name: region, kind: 'region' });
    if (zone !== undefined) path.push({ name: zone, kind: 'zone' });
    node.one = [(node.path ??= path)];
    ctx.interned.add(node.one);
  }
  return node.one;
}

/** Packages by type (types are few and asked for per resource; bounded for a long-lived library process). */
const packages = new Map<string, string>();

function packageOf(type: string): string {
  if (packages.size > 100_000) packages.clear();
  let pkg = packages.get(type);
  if (pkg === undefined) packages.set(type, (pkg = type.split(':')[0] ?? type));
  return pkg;
}

/** A provider the engine made for a stack (`default`, `default_6_0_0` in a state), which reads the stack config as a program's default provider does. */
export function isDefaultProvider(p: ResourceRecord): boolean {
  return p.name === 'default' || p.name.startsWith('default_');
}

/** Whether a resource's provider reference (a URN) names a default provider, from its record or else its URN's name. */
function isDefaultProviderRef(ctx: Context, ref: string): boolean {
  const p = ctx.byUrn.get(ref);
  if (p) return isDefaultProvider(p);
  const name = ref.slice(ref.lastIndexOf('::') + 2);
  return name === 'default' || name.startsWith('default_');
}

/** The symbolic region of an explicit provider resource that sets none: at deploy it reads the environment, never stack config. */
export function providerRegionSymbol(p: ResourceRecord): string {
  return `<region of provider ${p.name}>`;
}

/**
 * The region a resource's provider or stack config gives, or, when neither does, the explicit
 * provider resource (one a program declares, of a package a pack declares with a region config and a region
 * argument) whose region only a deploy knows. Explicit providers of other packages still fall back to stack config, as before.
 */
function providerRegion(ctx: Context, r: ResourceRecord, info: ProviderInfo | undefined, pkg: string): string | ResourceRecord | undefined {
  if (!info) return undefined;
  const p = r.provider ? ctx.byUrn.get(r.provider) : undefined;
  if (p && info.regionProperty) {
    // Read once per provider (and region property): most resources share a handful of providers (~3% of classifyOne).
    let known = ctx.providerRegions.get(p);
    if (!known || known.property !== info.regionProperty) {
      const v = firstValue(p.inputs, p.outputs, info.regionProperty);
      known = { property: info.regionProperty, text: scalarStrings(v).values[0]?.text };
      ctx.providerRegions.set(p, known);
    }
    if (known.text !== undefined) return known.text;
  }
  // An explicit provider whose region argument is known (regionProperty) and not given: only a deploy knows its region.
  if (p && info.regionProperty && info.regionConfig && !isDefaultProvider(p) && ctx.classifier.declaresProvider(pkg)) return p;
  return info.regionConfig ? ctx.configOf.get(stackKey(r))?.[info.regionConfig] : undefined;
}

/**
 * The region only a deploy knows, when nothing in the inputs gives one: the default provider's region config key
 * as a symbol (`<aws:region>`, the form of a key declared without a value), or the explicit provider's symbol.
 * Only for packages a pack declares with a region config (never the `*` template's guess). See unset-region.ts.
 */
function deployRegion(ctx: Context, info: ProviderInfo | undefined, pkg: string, explicit: ResourceRecord | undefined): string | undefined {
  if (!info?.regionConfig || !ctx.classifier.declaresProvider(pkg)) return undefined;
  return explicit ? providerRegionSymbol(explicit) : `<${info.regionConfig}>`;
}

/**
 * Resources a property of r refers to: its property dependencies, resource
 * refs, or ids. `$provider.PATH` follows PATH of r's provider resource.
 */
export function referencedBy(ctx: Context, r: ResourceRecord, path: string): ResourceRecord[] {
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
function zonesOf(ctx: Context, r: ResourceRecord, depth = 0, ownRules?: MergedRule): ZoneInfo {
  const rules = ownRules ?? ctx.classifier.rulesFor(r.type, r);
  const value = firstOf(r.outputs, r.inputs, rules.zone);
  // The common answers shared (never added to): one zone named as a string, or none and nothing to follow.
  if (typeof value === 'string' && value !== '') return oneZone(value);
  if (value === undefined && rules.zoneVia.length === 0) return NO_ZONES;
  const own = scalarStrings(value);
  // Zones of its own, or no references to follow: the same at any depth, so no memo is needed (most resources).
  if (own.values.length > 0 || rules.zoneVia.length === 0) return sortedZones(own.values, own.unknown);
  const memo = ctx.zoneMemo.get(r.urn);
  if (memo) return memo;
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
  const result = sortedZones(zones, unknown);
  ctx.zoneMemo.set(r.urn, result);
  return result;
}

const NO_ZONES: ZoneInfo = { zones: [], unknown: false };

/**
 * The ZoneInfo of one zone named as a string, by zone: zones are few distinct strings, and most resources name one
 * (its array, value and object made once per zone, not per resource: ~19 MB of zonesOf's allocation at 100k).
 * Bounded for a long-lived library process.
 */
const oneZones = new Map<string, ZoneInfo>();

function oneZone(zone: string): ZoneInfo {
  let z = oneZones.get(zone);
  if (z === undefined) {
    if (oneZones.size > 10_000) oneZones.clear();
    oneZones.set(zone, (z = { zones: [{ text: zone, symbolic: false }], unknown: false }));
  }
  return z;
}

/** Zones sorted, each once. */
function sortedZones(zones: ScalarValue[], unknown: boolean): ZoneInfo {
  if (zones.length > 1) {
    const dedup = new Map(zones.map((z) => [z.text, z]));
    zones = [...dedup.values()].sort((a, b) => byText(a.text, b.text));
  }
  return { zones, unknown };
}

export interface Placed {
  placements: DomainSegment[][];
  placedBy: string;
  redundant: boolean;
  /** The host it runs on (runsOn). */
  host?: ResourceRecord;
  /** On a host spanning zones but not proved spread over them: all its instances may sit in one zone. */
  unspread?: boolean;
  /** In one zone that is not known although its rule's scope is wider (its provider's zone config, unset). */
  oneZone?: boolean;
}

/** Where a host (a cluster) is placed, by its own rules and tags. */
function hostPlacement(ctx: Context, host: ResourceRecord): HostPlacement {
  const memo = ctx.hostMemo.get(host.urn);
  if (memo) return memo;
  ctx.hostMemo.set(host.urn, { placements: [] }); // a host that runs on itself, in a loop, has no placement
  const rules = ctx.classifier.rulesFor(host.type, host);
  // Its blind spots are reported when it is classified itself.
  const placed = place(ctx, host, rules, ctx.classifier.tagsOf(host), []);
  const scope = placed.oneZone ? 'zonal' : rules.scope;
  const result: HostPlacement = { placements: placed.placements, ...(scope ? { scope } : {}) };
  ctx.hostMemo.set(host.urn, result);
  return result;
}

/** The first resource runsOn's references reach that fails on its own and has a placement. */
function hostOf(ctx: Context, r: ResourceRecord, runsOn: RunsOn): ResourceRecord | undefined {
  for (const via of runsOn.via) {
    for (const target of referencedBy(ctx, r, via)) {
      if (!target.custom || isProviderType(target.type)) continue;
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
 * The zones a resource on a host spanning zones names itself (runsOn.zone: a PersistentVolume's zone label), each
 * one of the host's zones (by name) or a zone of a region the host is placed in (by the host provider's zoneRegion).
 * Undefined when it names none, or one that is neither (then it is placed as if it named none).
 */
function ownZoneOnHost(ctx: Context, r: ResourceRecord, zonePaths: string[], host: ResourceRecord, paths: DomainSegment[][]): Placed | undefined {
  const named = scalarStrings(firstOf(r.outputs, r.inputs, zonePaths)).values.filter((v) => !v.symbolic);
  if (named.length === 0) return undefined;
  const hostPkg = packageOf(host.type);
  const placements: DomainSegment[][] = [];
  for (const zone of named) {
    let found = paths.find((p) => p[p.length - 1]!.kind === 'zone' && p[p.length - 1]!.name === zone.text);
    if (!found) {
      const region = ctx.classifier.zoneRegion(hostPkg, zone.text);
      for (const p of region ? paths : []) {
        const at = p.findIndex((s) => s.kind === 'region' && s.name === region);
        if (at >= 0) {
          found = [...p.slice(0, at + 1), { name: zone.text, kind: 'zone' }];
          break;
        }
      }
    }
    if (!found) return undefined;
    const text = pathText(found);
    if (!placements.some((p) => pathText(p) === text)) placements.push(internPath(ctx, found));
  }
  return { placements, placedBy: `runs on ${host.name}, in the zone it names`, redundant: placements.length > 1, host };
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
  const own = runsOn.zone ? ownZoneOnHost(ctx, r, runsOn.zone, host, paths) : undefined;
  if (own) return own;
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
  return { placements: [common], placedBy: `runs on ${host.name}, zone not known`, redundant: false, host, unspread: true };
}

/**
 * The cluster behind a resource's provider when no cluster resource is among
 * the inputs: named by the provider's context (or cluster) input, its own
 * connection config (the rule's `runsOn.cluster.config`: `kubeconfig`), or the ambient kubeconfig (a provider that sets neither).
 */
export function clusterIdentity(ctx: Context, r: ResourceRecord, runsOn: RunsOn): string {
  const ambient = runsOn.cluster?.ambient ?? 'ambient config';
  const p = r.provider ? ctx.byUrn.get(r.provider) : undefined;
  if (!p) return ambient;
  for (const key of runsOn.cluster?.name ?? []) {
    const v = scalarStrings(firstValue(p.inputs, p.outputs, key)).values[0];
    if (v && !v.symbolic) return `${key} ${v.text}`;
  }
  for (const key of runsOn.cluster?.config ?? []) if (firstValue(p.inputs, p.outputs, key) !== undefined) return `${key} of ${p.name}`;
  return ambient;
}

/** The shared empty list of values (never added to). */
const NO_VALUES: ScalarValue[] = [];

/** A value in lower case when its provider's names are case-insensitive (the same object when nothing changes). */
function lowered(v: ScalarValue, lower: boolean): ScalarValue {
  return lower && !v.symbolic ? { ...v, text: v.text.toLowerCase() } : v;
}

/** The region a zone hangs under: always one, when none is known the symbolic region of the provider's region key (`<aws:region>`). */
function regionOfZone(ctx: Context, pkg: string, info: ProviderInfo | undefined, region: string | undefined, zone: ScalarValue): string | undefined {
  return (!zone.symbolic && ctx.classifier.zoneRegion(pkg, zone.text)) || region || (info?.regionConfig ? `<${info.regionConfig}>` : undefined);
}

/** A zone's name, a relative one (`2` of an Azure region) made absolute. */
function zoneName(info: ProviderInfo | undefined, zoneRegion: string | undefined, zone: ScalarValue): string {
  return info?.relativeZones && zoneRegion && /^\d+$/.test(zone.text) ? `${zoneRegion}-${zone.text}` : zone.text;
}

/** `rules` are r's own (rulesFor(r.type, r)). */
export function place(ctx: Context, r: ResourceRecord, rules: MergedRule, tags: Tags, blindSpots: BlindSpot[]): Placed {
  const domainTag = tags.get('domain');
  if (domainTag) {
    const placements = splitList(domainTag)
      .map(parseDomainTag)
      .filter((p) => p.length > 0);
    return { placements, placedBy: 'firebreak:domain tag', redundant: placements.length > 1 };
  }
  if (rules.domain) return { placements: [parseDomainTag(rules.domain)], placedBy: `rule domain ${rules.domain}`, redundant: false };
  if (rules.runsOn) {
    const onHost = placeOnHost(ctx, r, rules.runsOn, blindSpots);
    if (onHost) return onHost;
    if (rules.runsOn.cluster) {
      // No cluster resource: the cluster behind the provider is a domain of its own, in no known region or zone.
      const identity = clusterIdentity(ctx, r, rules.runsOn);
      const pkg = packageOf(r.type);
      const root: DomainSegment = { name: ctx.classifier.providerFor(pkg)?.domain ?? pkg, kind: 'provider' };
      return {
        placements: [[root, { name: identity, kind: rules.runsOn.cluster.kind }]],
        placedBy: `the cluster of ${identity} (no cluster resource in the inputs)`,
        redundant: false,
      };
    }
  }
  const pkg = packageOf(r.type);
  const info = ctx.classifier.providerFor(pkg);
  const rootName = info?.domain ?? pkg;

  // Region: the resource's own property (unless it is really a zone), its provider, stack config.
  // Providers whose names are case-insensitive (pulumi-gcp records US-CENTRAL1 for us-central1) are read in lower case.
  const lower = info?.lowerCase === true;
  let region: string | undefined;
  let zonesFromRegionProps: ScalarValue[] = NO_VALUES; // a list of its own only when a region property holds a zone
  const regionRead = scalarStrings(firstOf(r.outputs, r.inputs, rules.region));
  const regionValues = regionRead.values;
  for (let i = 0; i < regionValues.length; i++) {
    const v = lowered(regionValues[i]!, lower);
    if (!v.symbolic && ctx.classifier.zoneRegion(pkg, v.text)) {
      if (zonesFromRegionProps === NO_VALUES) zonesFromRegionProps = [];
      zonesFromRegionProps.push(v);
    } else region ??= v.text;
  }
  let explicit: ResourceRecord | undefined;
  if (region === undefined) {
    const fromProvider = providerRegion(ctx, r, info, pkg);
    if (typeof fromProvider === 'string') region = fromProvider;
    else explicit = fromProvider;
    region ??= ctx.classifier.idRegion(pkg, r);
  }
  // The region the provider documents for an unset region property (a Spaces bucket: nyc3), before a deploy-only one.
  // Set to a secret or a value only a deploy knows is not unset: the default would be a guess.
  const byDefault = region === undefined && explicit === undefined && !regionRead.unknown && rules.regionDefault !== undefined;
  if (byDefault) region = rules.regionDefault;
  if (region !== undefined && info?.lowerCase) region = region.toLowerCase();
  // Nothing gives a region: the one region only a deploy knows (after lower-casing: a provider's name keeps its case).
  const deployOnly = region === undefined;
  region ??= deployRegion(ctx, info, pkg, explicit);

  for (let i = 0; i < rules.spans.length; i++) {
    const span = rules.spans[i]!;
    const v = getPath(r.outputs, span.property) ?? getPath(r.inputs, span.property);
    if (v === span.equals && (span.and === undefined || span.and.every((c) => conditionHolds(r, c)))) {
      if (span.scope === 'global')
        return { placements: onePlacement(ctx, rootName, undefined, undefined), placedBy: `${span.property} = ${String(span.equals)}`, redundant: true };
      if (region) return { placements: onePlacement(ctx, rootName, region, undefined), placedBy: `${span.property} = ${String(span.equals)}`, redundant: true };
    }
  }

  const z = zonesOf(ctx, r, 0, rules);
  let zones = z.zones.length === 0 ? zonesFromRegionProps : lower ? z.zones.map((v) => lowered(v, true)) : z.zones;
  // The stack's zone config: for zonal types, and for a type whose provider puts it in that zone when it names no location.
  const byZoneConfig =
    rules.scope === 'zonal' ||
    (rules.zoneConfigDefault === true && regionValues.length === 0 && !regionRead.unknown && (!r.provider || isDefaultProviderRef(ctx, r.provider)));
  if (zones.length === 0 && byZoneConfig && info?.zoneConfig) {
    const cz = ctx.configOf.get(stackKey(r))?.[info.zoneConfig];
    if (cz) zones = [{ text: cz, symbolic: false }];
  }
  if (rules.scope === 'global') return { placements: onePlacement(ctx, rootName, undefined, undefined), placedBy: 'a global service', redundant: true };
  if (zones.length > 0) {
    const placedBy = z.zones.length > 0 ? 'its zone' : 'its location';
    if (zones.length === 1) {
      const zoneRegion = regionOfZone(ctx, pkg, info, region, zones[0]!);
      return { placements: onePlacement(ctx, rootName, zoneRegion || undefined, zoneName(info, zoneRegion, zones[0]!)), placedBy, redundant: false };
    }
    const root: DomainSegment = { name: rootName, kind: 'provider' };
    const placements = zones.map((zone) => {
      const zoneRegion = regionOfZone(ctx, pkg, info, region, zone);
      const name = zoneName(info, zoneRegion, zone);
      return zoneRegion ? [root, { name: zoneRegion, kind: 'region' }, { name, kind: 'zone' }] : [root, { name, kind: 'zone' }];
    });
    return { placements, placedBy, redundant: placements.length > 1 };
  }
  // A type its provider puts in the zone config when it names no location (a GKE cluster), with that config unset:
  // still in one zone, one only a deploy knows, never spread over the region.
  const zoneConfigUnset = byZoneConfig && rules.scope !== 'zonal' && rules.zoneConfigDefault === true && info?.zoneConfig !== undefined;
  if (region) {
    // A provider whose region is one datacenter has no zone to be unknown: the region is where it runs.
    if ((rules.scope === 'zonal' && info?.regionIsDatacenter !== true) || zoneConfigUnset) {
      blindSpots.push({
        kind: 'unknown-zone',
        subject: r.urn,
        message: zoneConfigUnset
          ? `${r.name} (${r.type}) names no location, so its provider puts it in the zone ${info!.zoneConfig} names, which has no value: it lives in one zone that is not known; placed in region ${region}`
          : `${r.name} (${r.type}) lives in one zone, but which zone is not known; placed in region ${region}`,
      });
    }
    const placedBy = zoneConfigUnset
      ? `its provider's zone (${info!.zoneConfig}), which has no value: one zone of ${region}`
      : deployOnly
        ? `its provider's region, which only a deploy knows (${region})`
        : byDefault
          ? `the region its provider documents when none is set (${region})`
          : 'its region';
    return {
      placements: onePlacement(ctx, rootName, region, undefined),
      placedBy,
      redundant: rules.scope === 'regional' && !zoneConfigUnset,
      ...(zoneConfigUnset ? { oneZone: true } : {}),
    };
  }
  return { placements: [], placedBy: 'unknown', redundant: false };
}

/**
 * classify: resource records + rule packs -> what each resource is for the
 * model: its role, where it is placed, which service it serves, which replica
 * group it belongs to, what it requires at run time and what recovers it.
 * Knowledge of resource types comes from the packs; these files only apply it:
 * rules.ts (matching), tags.ts, placement.ts, services.ts, groups.ts and
 * requirements.ts, run here in order.
 */
import type { Warning } from '../errors.js';
import type { ResourceRecord, StackInput } from '../ingest/types.js';
import { isProviderType, STACK_TYPE } from '../pulumi.js';
import { judgeCapacity, readCount } from './capacity.js';
import { Classifier } from './classifier.js';
import { createContext, rulesOf, type Context } from './context.js';
import { AutoGroups, ClusterGroups, applyTags } from './groups.js';
import type { LoadedPack } from './packs.js';
import { clusterIdentity, internAll, place } from './placement.js';
import { PROVIDER_PREFIX } from './properties.js';
import { inferLocalImages, inferLogins, inferRecovery } from './recovery.js';
import { keyFilesOf } from './command-line.js';
import { resolveRequirements } from './requirements.js';
import { resourceCoverage } from './coverage-classes.js';
import { elementsAt, type MergedRule } from './rules.js';
import { ROLES, type Role } from './schema.js';
import { serviceResolver } from './services.js';
import type { Tags } from './tags.js';
import { placeOnSymbols, stackSymbols, symbolFindings } from './unset-region.js';
import { resourceWarning, type BlindSpot, type Classification, type ClassifiedResource } from './types.js';

export { Classifier } from './classifier.js';
export { conditionHolds, ruleDecision, typeAliases, type MergedRule, type RuleDecides } from './rules.js';
export { parseDomainTag } from './tags.js';
export {
  COMPONENT_RELIABILITY,
  type BlindSpot,
  type Classification,
  type ClassifiedResource,
  type ExternalIdentityUse,
  type DomainSegment,
  type Quorum,
  type Rebuild,
  type Reliability,
} from './types.js';
export type { CoverageCounts, ResourceCoverage, UnjudgedReason, UnjudgedResource } from './coverage-classes.js';

/** The service of an ops tool no tag or component names one for: `<project> ops tools`. */
const OPS_SERVICE = (project: string): string => `${project} ops tools`;

/** One frozen empty list for the lists of resources that cannot fail (never added to). */
const NONE = Object.freeze([]) as unknown as never[];

/** The top-level property names any rule of these packs reads. */
export function propertiesRead(packs: LoadedPack[]): Set<string> {
  const keys = new Set<string>(['id', 'name']);
  const top = (p: string): void => {
    const m = /^[^.[]+/.exec(p.startsWith(PROVIDER_PREFIX) ? p.slice(PROVIDER_PREFIX.length) : p);
    if (m) keys.add(m[0]);
  };
  for (const pack of packs) {
    pack.tags?.paths.forEach(top);
    pack.grouping?.compare?.forEach(top);
    for (const p of pack.providers ?? []) {
      if (p.regionProperty) top(p.regionProperty);
      p.idRegionFrom?.forEach(top);
    }
    for (const rule of pack.rules) {
      [
        ...(rule.zone ?? []),
        ...(rule.zoneVia ?? []),
        ...(rule.region ?? []),
        ...(rule.spans ?? []).flatMap((s) => [s.property, ...(s.and ?? []).flatMap((c) => c.property)]),
      ].forEach(top);
      if (rule.match.property) top(rule.match.property.path);
      rule.replicaOf?.forEach(top);
      if (rule.replicas) {
        rule.replicas.property.forEach(top);
        for (const c of rule.replicas.unless ?? []) c.property.forEach(top);
      }
      for (const c of rule.loginThrough?.when ?? []) c.property.forEach(top);
      rule.loginThrough?.host?.via.forEach(top);
      if (rule.loginThrough?.issuer) top(rule.loginThrough.issuer.property);
      rule.rebuild?.keys?.forEach(top);
      rule.rebuild?.keyArgs?.properties.forEach(top);
      if (rule.deploys) top(rule.deploys);
      if (rule.localImages) {
        rule.localImages.containers.forEach(top);
        // builtBy paths are read from other (image) resources: keep them too.
        for (const b of rule.localImages.builtBy ?? []) top(b.path);
      }
      for (const b of rule.loginThrough?.breakGlass ?? []) {
        for (const c of [...(b.when ?? []), ...(b.unless ?? [])]) c.property.forEach(top);
        // Stack outputs are kept by name: only whether one is there is read, never its value.
        b.outputs?.forEach(top);
      }
      for (const c of rule.authenticatesThrough?.when ?? []) c.property.forEach(top);
      if (rule.runsOn) {
        rule.runsOn.via.forEach(top);
        // The provider's inputs that name its cluster (context, cluster).
        rule.runsOn.cluster?.name.forEach(top);
        rule.runsOn.zone?.forEach(top);
        if (Array.isArray(rule.runsOn.spreads)) for (const c of rule.runsOn.spreads) c.property.forEach(top);
      }
    }
  }
  return keys;
}

/** The role a firebreak:role tag gives, or the rules' (a tag that names no role is warned about). */
function roleOf(r: ResourceRecord, rules: MergedRule, tagRole: string | undefined, warnings: Warning[]): ClassifiedResource['role'] {
  if (tagRole) {
    if ((ROLES as readonly string[]).includes(tagRole)) return tagRole as Role;
    warnings.push(
      resourceWarning(r, `${r.name}: unknown firebreak:role "${tagRole}" ignored (use ${ROLES.slice(0, -1).join(', ')} or ${ROLES[ROLES.length - 1]})`),
    );
  }
  return rules.role ?? 'unclassified';
}

/** One resource: its rules, role and placement (service, group and requirements come later). */
function classifyOne(
  ctx: Context,
  r: ResourceRecord,
  i: number,
  tags: Tags,
  noRule: Map<string, number>,
  unruled: Set<ResourceRecord>,
  blindSpots: BlindSpot[],
  warnings: Warning[],
): ClassifiedResource {
  // Resolved once here and carried by index (rulesOf), so not kept by record too (rules.ts).
  const rules = ctx.classifier.rulesFor(r.type, r, false);
  ctx.rulesAt[i] = rules;
  const tagRole = tags.get('role');
  const role = roleOf(r, rules, tagRole, warnings);
  if (!r.custom || role === 'config-only') {
    const component = !r.custom && r.type !== STACK_TYPE && !isProviderType(r.type);
    // Shared empty lists: nothing is ever added to those of a resource that cannot fail.
    return {
      record: r,
      role: component && role !== 'config-only' ? 'unclassified' : 'config-only',
      failable: false,
      event: false,
      placements: NONE,
      placedBy: 'n/a',
      service: '',
      recoversWith: NONE,
      requires: NONE,
      rules: rules.ids,
    };
  }
  if (!rules.specific && !tagRole) {
    noRule.set(r.type, (noRule.get(r.type) ?? 0) + 1);
    unruled.add(r);
  }
  const placed = place(ctx, r, rules, tags, blindSpots);
  placed.placements = internAll(ctx, placeOnSymbols(ctx, r, placed.placements, blindSpots));
  if (placed.placements.length === 0) {
    blindSpots.push({
      kind: 'unknown-placement',
      subject: r.urn,
      message: !(rules.specific || tagRole)
        ? `${r.name} (${r.type}): placement unknown and no rule; firebreak cannot judge it`
        : rules.managed
          ? // A managed service fails only with its domain (never on its own): with no domain, nothing of it is judged.
            `${r.name} (${r.type}): placement unknown; a managed service fails only with its domain, so its loss is not judged`
          : `${r.name} (${r.type}): placement unknown; it fails only on its own, never with a domain`,
    });
  }
  const managed = rules.managed ?? false;
  const explicitlyFailable = tagRole !== undefined && !rules.specific;
  ctx.failable.add(r);
  // Capacity: a count the resource states (or its documented default) decides whether its own loss counts.
  const verdict =
    placed.placements.length > 0
      ? judgeCapacity(r, rules, readCount(r, rules, warnings), placed.placements, placed.redundant, blindSpots, placed.unspread)
      : {};
  // One literal of every field each resource has, in the order of the config-only one above (one shape, its fields
  // in the object: assigned one by one after a literal of four, they went to a property array grown three times);
  // the optional fields follow, in a fixed order (no spread of temporary objects per resource).
  const c: ClassifiedResource = {
    record: r,
    role,
    failable: true,
    // Unclassified types fail with their domains but are not judged as single components.
    event: verdict.event ?? (!managed && !placed.redundant && (rules.specific || explicitlyFailable)),
    placements: placed.placements,
    placedBy: placed.placedBy,
    service: '',
    recoversWith: NONE, // addRecovery makes its own list
    requires: NONE, // resolveRequirements sets it
    rules: rules.ids,
  };
  if (verdict.capacity) c.capacity = verdict.capacity;
  if (placed.host) c.host = placed.host.urn;
  if (rules.tool) c.tool = rules.tool;
  // Credential paths by presence only: their values (secrets) are never read.
  if (rules.rebuild) {
    c.rebuild = { what: rules.rebuild.what, keys: (rules.rebuild.keys ?? []).filter((path) => elementsAt(r, path).length > 0) };
    // Key files its command lines name (--private-key FILE): the file as written, never a secret command's text.
    const args = rules.rebuild.keyArgs;
    if (args) {
      const files = keyFilesOf(
        args.properties.flatMap((property) => elementsAt(r, property).map((value) => ({ property, value }))),
        args.flags,
      );
      if (files.length > 0) c.rebuild.keyFiles = files;
    }
  }
  return c;
}

/**
 * Kubernetes providers that cannot be proved to reach the same cluster, or
 * different ones: two providers whose resources run through them, when at
 * least one has no cluster resource behind it. Each is judged as a cluster of
 * its own; the blind spot names both.
 */
function clusterBlindSpots(ctx: Context, out: ClassifiedResource[]): BlindSpot[] {
  const providers = new Map<string, { name: string; host?: string; identity: string }>();
  for (let i = 0; i < out.length; i++) {
    const c = out[i]!;
    const r = c.record;
    if (!c.failable || !r.provider || providers.has(r.provider)) continue;
    const runsOn = rulesOf(ctx, c, i).runsOn;
    if (!runsOn?.cluster) continue;
    const p = ctx.byUrn.get(r.provider);
    const name = p?.name ?? r.provider;
    providers.set(r.provider, {
      name,
      ...(c.host ? { host: c.host } : {}),
      identity: c.host ? `cluster ${ctx.byUrn.get(c.host)?.name ?? c.host}` : clusterIdentity(ctx, r, runsOn),
    });
  }
  const list = [...providers.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const spots: BlindSpot[] = [];
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const [ua, a] = list[i]!;
      const [, b] = list[j]!;
      if (a.host && b.host) continue; // two cluster resources: the same one, or different ones, for certain
      spots.push({
        kind: 'unknown-cluster',
        subject: ua,
        message: `kubernetes providers ${a.name} (${a.identity}) and ${b.name} (${b.identity}) cannot be proved to be the same cluster or different ones; each is judged as its own cluster`,
      });
    }
  }
  return spots;
}

/** `classifier`: one already built from these packs (explainResource's), not built again: building one is most of a small input's cost. */
export function classify(inputs: StackInput[], packs: LoadedPack[], classifier: Classifier = new Classifier(packs)): Classification {
  // An indexed loop (flatMap of 100k resources: ~11 ms; this ~1 ms).
  const records: ResourceRecord[] = [];
  for (let k = 0; k < inputs.length; k++) {
    const list = inputs[k]!.resources;
    for (let i = 0; i < list.length; i++) records.push(list[i]!);
  }
  const ctx = createContext(classifier, inputs, records);
  const warnings: Warning[] = [];
  const blindSpots: BlindSpot[] = [];
  ctx.symbolsOf = stackSymbols(ctx, inputs);

  // Tags, rules, role and placement.
  const noRule = new Map<string, number>();
  const unruled = new Set<ResourceRecord>();
  // A secret tag value was never kept: the tag is not read, and said so without a value.
  const secrets: string[] = [];
  const tagsAt = records.map((r) => {
    const tags = classifier.tagsAndSecretsOf(r, secrets);
    if (secrets.length > 0) {
      for (const name of secrets)
        warnings.push(resourceWarning(r, `${r.name}: the firebreak:${name} tag is a secret; its value is not read (set it in plain text to use it)`));
      secrets.length = 0;
    }
    return tags;
  });
  const out = records.map((r, i) => classifyOne(ctx, r, i, tagsAt[i]!, noRule, unruled, blindSpots, warnings));
  symbolFindings(ctx, inputs, warnings, blindSpots);
  // Of each type no rule describes, those that have no placement either are not judged at all (not even with a domain).
  const unplaced = new Map<string, number>();
  for (const c of out) if (unruled.has(c.record) && c.placements.length === 0) unplaced.set(c.record.type, (unplaced.get(c.record.type) ?? 0) + 1);
  for (const [type, count] of [...noRule.entries()].sort()) {
    const none = unplaced.get(type) ?? 0;
    const what = `no rule for type ${type} (${count} resource${count === 1 ? '' : 's'})`;
    blindSpots.push({
      kind: 'no-rule',
      subject: type,
      count,
      message:
        none === count
          ? `${what}: not judged, and no placement could be read, so no domain loss reaches ${count === 1 ? 'it' : 'them'} either`
          : `${what}: its own loss is not judged; it fails only with the domain it is placed in${none > 0 ? ` (${none} of them ${none === 1 ? 'has' : 'have'} no placement and ${none === 1 ? 'is' : 'are'} not judged at all)` : ''}`,
    });
  }

  // Services, then what tags add, then groups by name.
  // The resolver is given each resource's own tags; by record it needs only the tags of parents (ancestors are
  // looked up by URN): a map of every tagged resource cost ~10 ms at 100k resources, most of them no parent.
  const tagged = new Map<ResourceRecord, Tags>();
  const children = ctx.children;
  if (children.size > 0) {
    for (let i = 0; i < records.length; i++) if (tagsAt[i]!.size > 0 && children.has(records[i]!.urn)) tagged.set(records[i]!, tagsAt[i]!);
  }
  const serviceOf = serviceResolver(ctx, tagged);
  const autoGroups = new AutoGroups(classifier);
  const clusterGroups = new ClusterGroups(ctx);
  const recoveryTagged = new Set<ClassifiedResource>();
  out.forEach((c, i) => {
    if (!c.failable) return;
    // An ops tool nothing names a service for is the project's ops tools, not part of what users use.
    c.service = serviceOf(c.record, c.role === 'ops-tool' ? OPS_SERVICE : undefined, tagsAt[i]!);
    if (tagsAt[i]!.has('recovers-with')) recoveryTagged.add(c);
    applyTags(ctx, c, tagsAt[i]!, warnings);
    if (!c.group) {
      const rules = rulesOf(ctx, c, i);
      if (!clusterGroups.add(c, rules)) autoGroups.add(c, rules);
    }
  });
  clusterGroups.assign();
  autoGroups.assign();

  blindSpots.push(...clusterBlindSpots(ctx, out));
  resolveRequirements(ctx, out);
  inferRecovery(ctx, out, recoveryTagged, blindSpots);
  // Coverage counts the input's resources; the external identities inferLogins adds are not among them.
  const coverage = resourceCoverage(inputs, out, { unruled, hasChildren: (urn) => ctx.children.has(urn), componentPackages: classifier.componentPackages });
  out.push(...inferLogins(ctx, out, recoveryTagged, blindSpots));
  out.push(...inferLocalImages(ctx, out, recoveryTagged, blindSpots, OPS_SERVICE));
  return { resources: out, domainRanks: classifier.domainRanks, reliability: classifier.reliability, blindSpots, coverage, warnings };
}

/**
 * Groups and what tags add to a component: criticality, its replica group
 * (firebreak:group, or by the packs' name suffix: web-1, web-2), quorum, and
 * the recovery tools it fails over with.
 */
import type { Warning } from '../errors.js';
import type { PropertyMap, PropertyValue, ResourceRecord } from '../ingest/types.js';
import { asSpecial } from '../ingest/types.js';
import type { Classifier } from './classifier.js';
import type { Context } from './context.js';
import type { MergedRule } from './rules.js';
import { referencedBy } from './placement.js';
import { removeFirst } from './regex-engine.js';
import { parseFlag, splitList, type Tags } from './tags.js';
import { addRecovery, resourceWarning, type ClassifiedResource, type GroupEvidence } from './types.js';

function resolveRef(ctx: Context, r: ResourceRecord, ref: string): ResourceRecord | undefined {
  if (ref.startsWith('urn:pulumi:')) return ctx.byUrn.get(ref);
  const candidates = ctx.named(ref);
  return candidates.find((c) => c.stack === r.stack && c.project === r.project) ?? candidates[0];
}

/** The evidence of every group a tag names: one shared object (never mutated), not one per tagged component. */
const TAG_EVIDENCE: GroupEvidence = { kind: 'tag', detail: 'its firebreak:group tag' };

/** Criticality, group, quorum and recovery tools from a component's tags. */
export function applyTags(ctx: Context, c: ClassifiedResource, tags: Tags, warnings: Warning[]): void {
  const r = c.record;
  const critical = parseFlag(tags.get('critical'));
  if (critical !== undefined) c.critical = critical;
  const group = tags.get('group');
  if (group) {
    c.group = group;
    c.groupEvidence = TAG_EVIDENCE;
  }
  const quorum = tags.get('quorum');
  if (quorum) {
    if (quorum.toLowerCase() === 'majority') c.quorum = 'majority';
    else if (/^\d+$/.test(quorum) && Number(quorum) > 0) c.quorum = Number(quorum);
    else warnings.push(resourceWarning(r, `${r.name}: firebreak:quorum "${quorum}" is not a positive number or "majority"; ignored`));
  }
  const recovers = tags.get('recovers-with');
  // `none`: recovers with nothing (and no inference).
  if (recovers && recovers.trim().toLowerCase() !== 'none') {
    for (const ref of splitList(recovers)) {
      const target = resolveRef(ctx, r, ref);
      if (target) addRecovery(c, target.urn);
      else warnings.push(resourceWarning(r, `${r.name}: firebreak:recovers-with names "${ref}", which is not a resource of the inputs; ignored`));
    }
  }
}

/**
 * Groups by cluster: the components whose rule's replicaOf references reach
 * the same cluster resource (Aurora cluster instances) are its replicas,
 * named `service/cluster`. Returns whether c joined such a group.
 */
export class ClusterGroups {
  private readonly groups = new Map<string, { cluster: ResourceRecord; via: string; members: ClassifiedResource[] }>();

  constructor(private readonly ctx: Context) {}

  /** `rules`: c's own (rulesOf). */
  add(c: ClassifiedResource, rules: MergedRule): boolean {
    const r = c.record;
    const via = rules.replicaOf;
    for (const path of via ?? []) {
      const cluster = referencedBy(this.ctx, r, path).find((x) => x.custom);
      if (!cluster) continue;
      const key = `${c.service}\u0000${cluster.urn}`;
      const g = this.groups.get(key);
      if (g) g.members.push(c);
      else this.groups.set(key, { cluster, via: path, members: [c] });
      return true;
    }
    return false;
  }

  /** Names the groups of two or more members; a lone member stays a component. */
  assign(): void {
    for (const g of this.groups.values()) {
      if (g.members.length < 2) continue;
      for (const m of g.members) {
        m.group = `${m.service}/${g.cluster.name}`;
        m.groupEvidence = { kind: 'cluster', detail: `the ${g.members.length} members of cluster ${g.cluster.name} (its ${g.via})` };
      }
    }
  }
}

/** Roles whose instances hold no data of their own: the only ones grouped by name. */
const STATELESS = new Set<string>(['compute', 'network-path']);

/** A stable text of a value, with the resource's own name (web-1) blanked out of strings. */
function fingerprint(v: PropertyValue | undefined, ownName: string, stem: string): string {
  if (v === undefined) return 'u';
  if (v === null || typeof v === 'boolean' || typeof v === 'number') return JSON.stringify(v);
  if (typeof v === 'string') return JSON.stringify(v.includes(ownName) ? v.split(ownName).join(stem) : v);
  if (Array.isArray(v)) return `[${v.map((x) => fingerprint(x, ownName, stem)).join(',')}]`;
  const s = asSpecial(v);
  if (s) return s.kind === 'resource-ref' ? `ref:${s.urn}` : s.kind === 'unknown' ? `?${s.symbol ?? ''}` : s.kind;
  const m = v as PropertyMap;
  return `{${Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${fingerprint(m[k], ownName, stem)}`)
    .join(',')}}`;
}

/**
 * Groups by name: components of one service, type and parent whose names
 * differ only in the packs' suffix (web-1, web-2), of a stateless role, and
 * whose properties of the packs' grouping.compare (image, instance type,
 * size, ...) are the same. Data stores are never grouped by name: two buckets or databases
 * named alike hold different data.
 */
export class AutoGroups {
  private readonly groups = new Map<string, ClassifiedResource[]>();
  /** The compared keys per merged rule: they depend on the rules alone, not on the resource (no sets and sorts per resource). */
  private readonly keysOf = new Map<MergedRule, string[]>();

  constructor(private readonly classifier: Classifier) {}

  /** The properties replicas must agree on (the packs' grouping.compare), but those that place it. */
  private shape(r: ResourceRecord, rules: MergedRule, stem: string): string {
    let keys = this.keysOf.get(rules);
    if (!keys) {
      const placed = new Set([...rules.zone, ...rules.zoneVia, ...rules.region].map((p) => p.split(/[.[]/)[0]!));
      keys = [...this.classifier.compareKeys].filter((k) => !this.classifier.placementKeys.has(k) && !placed.has(k)).sort();
      this.keysOf.set(rules, keys);
    }
    return keys.map((k) => `${JSON.stringify(k)}=${fingerprint(r.inputs[k] ?? r.outputs[k], r.name, stem)}`).join(';');
  }

  /** A component without a group tag; `rules` are its own (rulesOf). */
  add(c: ClassifiedResource, rules: MergedRule): void {
    const suffix = this.classifier.nameSuffix;
    if (!suffix || !STATELESS.has(c.role)) return;
    const r = c.record;
    const stem = removeFirst(suffix, r.name);
    if (stem === r.name || stem === '') return;
    const key = `${c.service}\u0000${r.project}\u0000${r.stack}\u0000${r.type}\u0000${r.parent ?? ''}\u0000${stem}\u0000${this.shape(r, rules, stem)}`;
    const list = this.groups.get(key);
    if (list) list.push(c);
    else this.groups.set(key, [c]);
  }

  /**
   * Names the groups of two or more: `service/stem`. Two groups that would share a name (same service
   * and stem, another stack, parent, type or properties) are told apart by their stack, then by their order.
   */
  assign(): void {
    const named = [...this.groups.values()]
      .filter((members) => members.length >= 2)
      .map((members) => ({ members, name: `${members[0]!.service}/${removeFirst(this.classifier.nameSuffix!, members[0]!.record.name)}` }));
    const count = (names: string[]): Map<string, number> => {
      const m = new Map<string, number>();
      for (const n of names) m.set(n, (m.get(n) ?? 0) + 1);
      return m;
    };
    const plain = count(named.map((g) => g.name));
    for (const g of named) if (plain.get(g.name)! > 1) g.name = `${g.name} (${g.members[0]!.record.project}/${g.members[0]!.record.stack})`;
    const qualified = count(named.map((g) => g.name));
    const seen = new Map<string, number>();
    for (const g of named) {
      if (qualified.get(g.name)! > 1) {
        const k = (seen.get(g.name) ?? 0) + 1;
        seen.set(g.name, k);
        g.name = `${g.name} #${k}`;
      }
      const names = g.members
        .map((m) => m.record.name)
        .sort()
        .join(', ');
      for (const m of g.members) {
        m.group = g.name;
        m.groupEvidence = {
          kind: 'name',
          detail: `${g.members[0]!.role} resources named alike (${names}, the core grouping name suffix) whose properties are the same apart from placement`,
        };
      }
    }
  }
}

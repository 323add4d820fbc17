/**
 * Groups and what tags add to a component: criticality, its replica group
 * (firebreak:group, or by the packs' name suffix: web-1, web-2), quorum, and
 * the recovery tools it fails over with.
 */
import type { Warning } from '../errors.js';
import type { ResourceRecord } from '../ingest/types.js';
import type { Classifier } from './classifier.js';
import type { Context } from './context.js';
import { parseFlag, splitList } from './tags.js';
import { resourceWarning, type ClassifiedResource } from './types.js';

function resolveRef(ctx: Context, r: ResourceRecord, ref: string): ResourceRecord | undefined {
  if (ref.startsWith('urn:pulumi:')) return ctx.byUrn.get(ref);
  const candidates = ctx.byName.get(ref) ?? [];
  return candidates.find((c) => c.stack === r.stack && c.project === r.project) ?? candidates[0];
}

/** Criticality, group, quorum and recovery tools from a component's tags. */
export function applyTags(ctx: Context, c: ClassifiedResource, tags: ReadonlyMap<string, string>, warnings: Warning[]): void {
  const r = c.record;
  const critical = parseFlag(tags.get('critical'));
  if (critical !== undefined) c.critical = critical;
  const group = tags.get('group');
  if (group) c.group = group;
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
      if (target) c.recoversWith.push(target.urn);
      else warnings.push(resourceWarning(r, `${r.name}: firebreak:recovers-with names "${ref}", which is not a resource of the inputs; ignored`));
    }
  }
}

/** Groups by name: components of one service, type and parent whose names differ only in the packs' suffix (web-1, web-2). */
export class AutoGroups {
  private readonly groups = new Map<string, ClassifiedResource[]>();

  constructor(private readonly classifier: Classifier) {}

  /** A component without a group tag. */
  add(c: ClassifiedResource): void {
    const suffix = this.classifier.nameSuffix;
    if (!suffix) return;
    const r = c.record;
    const stem = r.name.replace(suffix, '');
    if (stem === r.name || stem === '') return;
    const key = `${c.service}\u0000${r.project}\u0000${r.stack}\u0000${r.type}\u0000${r.parent ?? ''}\u0000${stem}`;
    const list = this.groups.get(key);
    if (list) list.push(c);
    else this.groups.set(key, [c]);
  }

  /**
   * Names the groups of two or more: `service/stem`. Two groups that would share a name (same service
   * and stem, another stack, parent or type) are told apart by their stack, then by their order.
   */
  assign(): void {
    const named = [...this.groups.values()]
      .filter((members) => members.length >= 2)
      .map((members) => ({ members, name: `${members[0]!.service}/${members[0]!.record.name.replace(this.classifier.nameSuffix!, '')}` }));
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
      for (const m of g.members) m.group = g.name;
    }
  }
}

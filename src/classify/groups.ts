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
  if (recovers) {
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
    const key = `${c.service}\u0000${r.type}\u0000${r.parent ?? ''}\u0000${stem}`;
    const list = this.groups.get(key);
    if (list) list.push(c);
    else this.groups.set(key, [c]);
  }

  /** Names the groups of two or more: `service/stem`. */
  assign(): void {
    for (const members of this.groups.values()) {
      if (members.length < 2) continue;
      const stem = members[0]!.record.name.replace(this.classifier.nameSuffix!, '');
      for (const m of members) m.group = `${m.service}/${stem}`;
    }
  }
}

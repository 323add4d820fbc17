/**
 * recovers-with inferred: a replica group recovers with the ops tools the
 * packs' `recoversWith` selectors find for it (the deploy system of its
 * cluster or stack, the monitoring that watches it, the secret store it
 * reads, the operator's machine that built or provisioned it). A firebreak:recovers-with tag on the resource always wins; where a
 * selector asks for one tool and finds two, that is a blind spot, not a guess.
 */
import type { Context } from './context.js';
import type { RecoveryScope, RecoverySelector } from './schema.js';
import type { BlindSpot, ClassifiedResource } from './types.js';

/** Whether a tool is within a scope of a resource. */
function inScope(scope: RecoveryScope, c: ClassifiedResource, t: ClassifiedResource): boolean {
  const a = c.record;
  const b = t.record;
  switch (scope) {
    case 'same-cluster':
      return c.host !== undefined && (t.host === c.host || b.urn === c.host);
    case 'same-stack':
      return a.project === b.project && a.stack === b.stack;
    case 'same-project':
      return a.project === b.project;
    case 'same-provider': {
      const root = (x: ClassifiedResource): string | undefined => x.placements[0]?.[0]?.name;
      return root(c) !== undefined && root(c) === root(t);
    }
    case 'references':
      return c.requires.includes(b.urn) || a.dependencies.includes(b.urn);
    case 'referenced-by':
      return b.dependencies.includes(a.urn) || Object.values(b.propertyDependencies).some((list) => list.includes(a.urn));
  }
}

/** A tool's identity: its replica group, or itself. */
const toolKey = (t: ClassifiedResource): string => (t.group ? `group ${t.group}` : t.record.name);

/**
 * Fills `recoversWith` of grouped components from their rules' selectors
 * (requirements must be resolved). `tagged`: resources whose recovers-with a
 * tag decided. Ops tools themselves infer nothing (no tool recovers with itself).
 */
export function inferRecovery(ctx: Context, resources: ClassifiedResource[], tagged: ReadonlySet<ClassifiedResource>, blindSpots: BlindSpot[]): void {
  const tools = resources.filter((c) => c.failable && c.tool !== undefined);
  if (tools.length === 0) return;
  // What only the operator's machine runs (an image built there, a command run from it) is needed to rebuild, not to run.
  const buildTime = new Set(tools.filter((t) => t.tool === 'workstation').map((t) => t.record.urn));
  if (buildTime.size > 0) {
    for (const c of resources) if (c.failable && c.requires.some((u) => buildTime.has(u))) c.requires = c.requires.filter((u) => !buildTime.has(u));
  }
  const reported = new Set<string>();
  for (const c of resources) {
    if (!c.failable || !c.group || c.role === 'ops-tool' || c.tool !== undefined || tagged.has(c)) continue;
    const rules = ctx.classifier.rulesFor(c.record.type, c.record);
    const selectors: RecoverySelector[] = rules.recoversWith ?? [];
    if (selectors.length === 0) continue;
    for (const s of selectors) {
      for (const scope of s.scope) {
        const found = tools.filter((t) => t !== c && t.tool === s.tool && inScope(scope, c, t));
        if (found.length === 0) continue;
        const distinct = [...new Set(found.map(toolKey))].sort();
        if (s.one && distinct.length > 1) {
          const key = `${c.group}\u0000${s.tool}`;
          if (!reported.has(key)) {
            reported.add(key);
            blindSpots.push({
              kind: 'ambiguous-recovery',
              subject: c.record.urn,
              message: `${c.group}: cannot decide which ${s.tool} tool recovers it: ${distinct.join(', ')} (${scope}); name it with firebreak:recovers-with or in the topology file`,
            });
          }
          break;
        }
        for (const t of found) {
          if (c.recoversWith.includes(t.record.urn)) continue;
          c.recoversWith.push(t.record.urn);
          (c.recoveryWhy ??= []).push(`${s.tool} ${t.record.name} (${scope}; rule ${rules.recoversWithRule ?? '?'})`);
        }
        break;
      }
    }
  }
}

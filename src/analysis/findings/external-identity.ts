/**
 * external-identity: a provider-managed, global identity (Entra ID, AWS IAM,
 * Google groups) that operators log in through to fail replica groups over.
 * It fails with none of the user's domains, so no event of the model takes
 * it: it is a named dependency of the recovery path, not an outage. The
 * finding names the services whose recovery logs in through it, the clusters
 * they log in to, and the break-glass path of each (an admin credential that
 * works without it) or that none was found. Severity `info` when every
 * cluster has one, `low` when some has none: never enough to fail a gate by
 * default.
 */
import type { Model, ModelNode } from '../../model/index.js';
import { byText } from '../../text.js';
import type { Finding, Policy, Severity } from '../types.js';
import { newFinding } from './kind.js';
import type { ScenarioView } from './scenarios.js';
import { fill, listNames, servicesBehind } from './util.js';

export const id = 'external-identity';
export const title = 'Recovery logs in through an external identity provider';
export const defaultSeverity: Severity = 'low';
export const description =
  'Operators log in through a provider-managed, global identity (Entra ID, AWS IAM, Google groups) to fail replica groups over: it fails with none of your domains, but an outage of it, or a lost admin group, blocks recovery unless a break-glass path exists.';

export const messages = {
  recovery:
    "{name} (external identity, provider-managed) is on the recovery path of {groups} of {services}: operators log in to {clusters} through it to {recover}; it fails with none of the stack's domains, so it is a dependency, not an outage; {breakGlass}",
  groups: '{count} replica group(s)',
  byHand: '{count} component(s) operators recover by hand ({names})',
  breakGlass: 'break-glass for {cluster}: {paths}',
  none: 'no break-glass path found for {cluster} (no admin credential that works without {name})',
} as const;

/** The login uses of an external identity node, by cluster name (sorted). */
function loginsOf(model: ModelNode): Array<{ name: string; breakGlass: string[] }> {
  if (model.kind !== 'component' || !model.external) return [];
  const by = new Map<string, string[]>();
  for (const u of model.external.uses) if (u.how === 'login') by.set(u.name, [...(by.get(u.name) ?? []), ...(u.breakGlass ?? [])]);
  return [...by.entries()].map(([name, breakGlass]) => ({ name, breakGlass: [...new Set(breakGlass)] })).sort((a, b) => byText(a.name, b.name));
}

/** The text naming an external identity as a recovery tool: `Entra ID (external identity; operators log in to shop-aks through it)`. */
export function externalToolLabel(ctx: ScenarioView, node: number): string | undefined {
  const n = ctx.engine.nodes[node]!;
  if (n.kind !== 'component' || !n.external) return undefined;
  const clusters = loginsOf(n).map((l) => l.name);
  return `${n.name} (external identity${clusters.length > 0 ? `; operators log in to ${listNames(clusters, 3, 'more')} through it` : ''})`;
}

/** `2 replica group(s)`, `1 replica group(s) and 1 component(s) operators recover by hand (db)`. */
function recoveredText(list: ReadonlyArray<{ name: string; group: boolean }>): string {
  const groups = list.filter((x) => x.group).length;
  const byHand = list.filter((x) => !x.group).map((x) => x.name);
  const parts = [
    ...(groups > 0 || byHand.length === 0 ? [fill(messages.groups, { count: groups })] : []),
    ...(byHand.length > 0 ? [fill(messages.byHand, { count: byHand.length, names: listNames(byHand.sort(byText), 3, 'more') })] : []),
  ];
  return parts.join(' and ');
}

export function detect(_model: Model, ctx: ScenarioView, _policy: Policy): Finding[] {
  const { engine } = ctx;
  const findings: Finding[] = [];
  // The replicated groups (n >= 2) recovering with each external identity, and the components in no group
  // operators recover by hand through it (a StatefulSet's pods on a lost node: rule operatorRecovery).
  const groupsOf = new Map<number, Array<{ id: string; name: string; group: boolean; dependents: Array<{ service: string; critical: boolean }> }>>();
  for (let i = 0; i < engine.size; i++) {
    // A node without tools adds nothing: no object to read (most components).
    if (engine.toolCount(i) === 0) continue;
    const g = engine.nodes[i]!;
    const group = g.kind === 'group' && g.n >= 2;
    if (!group && !(g.kind === 'component' && !g.external)) continue;
    for (const t of ctx.toolsOf(i)) {
      const n = engine.nodes[t]!;
      if (n.kind !== 'component' || !n.external) continue;
      const list = groupsOf.get(t) ?? [];
      list.push({ id: g.id, name: g.name, group, dependents: ctx.dependentsOf(i) });
      groupsOf.set(t, list);
    }
  }
  for (const [node, unsorted] of [...groupsOf.entries()].sort(([a], [b]) => byText(engine.ids[a]!, engine.ids[b]!))) {
    const n = engine.nodes[node]!;
    if (n.kind !== 'component') continue;
    const groups = unsorted.sort((a, b) => byText(a.id, b.id));
    const behind = servicesBehind(groups);
    if (behind.names.length === 0) continue;
    const logins = loginsOf(n);
    const severity: Severity = logins.length > 0 && logins.every((l) => l.breakGlass.length > 0) ? 'info' : 'low';
    const breakGlass = logins
      .map((l) =>
        l.breakGlass.length > 0
          ? fill(messages.breakGlass, { cluster: l.name, paths: l.breakGlass.join('; ') })
          : fill(messages.none, { cluster: l.name, name: n.name }),
      )
      .join('; ');
    const ev = ctx.eventRef(node);
    findings.push(
      newFinding({ id }, { kind: 'component', id: n.id }, behind.names, {
        severity,
        message: fill(messages.recovery, {
          name: n.name,
          groups: recoveredText(groups),
          recover: groups.some((g) => !g.group) ? 'recover them' : 'fail them over',
          services: listNames(behind.names, 5),
          clusters:
            logins.length > 0
              ? listNames(
                  logins.map((l) => l.name),
                  3,
                  'more',
                )
              : 'what hosts them',
          breakGlass: breakGlass || 'no break-glass path found',
        }),
        event: ev,
        // Not an event of the model: nothing within (or beyond) the policy takes it; shown as a dependency.
        inPolicy: true,
        blastRadius: { services: behind.names.length, ofServices: ctx.totalServices, critical: behind.critical, ofCritical: ctx.totalCritical },
        affected: [],
        stranded: [],
        services: behind.names,
        evidence: { nodes: [n.id, ...groups.map((g) => g.id)], events: [] },
        locations: [],
      }),
    );
  }
  return findings;
}

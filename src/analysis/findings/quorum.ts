/**
 * quorum: a consensus group (k of n, firebreak:quorum or a rule pack) that the
 * loss of one domain drops below k, because a majority of its members sit in it.
 */
import type { Model } from '../../model/index.js';
import { byText } from '../../text.js';
import { DOWN } from '../engine.js';
import type { EventRef, Finding, Policy, Severity } from '../types.js';
import { newFinding } from './kind.js';
import type { ScenarioView } from './scenarios.js';
import { fill, listNames, severityByCritical } from './util.js';

export const id = 'quorum';
export const title = 'Quorum lost to one failure domain';
export const defaultSeverity: Severity = 'high';
export const description = 'A k-of-n consensus group (etcd, ZooKeeper, a Raft cluster) that one zone or data center failure drops below k members.';

export const messages = {
  lost: '{name} ({k} of {n} must be up) loses quorum when {events} is lost: too many of its members sit there',
} as const;

export function detect(_model: Model, ctx: ScenarioView, _policy: Policy): Finding[] {
  const { engine } = ctx;
  const quorums = new Set<number>();
  for (let i = 0; i < engine.size; i++) {
    if (!engine.isGroup(i)) continue;
    const n = engine.nodes[i]!;
    if (n.kind === 'group' && n.quorum) quorums.add(i);
  }
  if (quorums.size === 0) return [];
  const byGroup = new Map<string, EventRef[]>();
  for (let si = 0; si < ctx.singles.length; si++) {
    const scenario = ctx.singles[si]!;
    const event = scenario.events[0]!;
    if (!ctx.inPolicy(event)) continue;
    // Quorum groups (k of n consensus) that fell below k.
    const lostQuorums: string[] = [];
    for (let j = 0; j < scenario.notableCount; j++) {
      const k = scenario.notableAt(j);
      const i = scenario.nodeAt(k);
      if (quorums.has(i) && scenario.stateAt(k) === DOWN) lostQuorums.push(engine.ids[i]!);
    }
    for (const g of lostQuorums.sort(byText)) {
      const ref = ctx.eventRef(event);
      if (ref.kind !== 'domain') continue; // one member failing alone is the single-point-of-failure finding
      const list = byGroup.get(g);
      if (list) list.push(ref);
      else byGroup.set(g, [ref]);
    }
  }
  const findings: Finding[] = [];
  for (const [groupId, events] of [...byGroup.entries()].sort(([a], [b]) => byText(a, b))) {
    const g = ctx.groupOf(groupId);
    if (!g) continue;
    const critical = g.dependents.filter((d) => d.critical).length;
    const severity: Severity = severityByCritical(critical, 'medium');
    const names = g.dependents.map((d) => d.service).sort();
    findings.push(
      newFinding({ id }, { kind: 'group', id: groupId }, names, {
        severity,
        message: fill(messages.lost, {
          name: g.name,
          k: g.k,
          n: g.n,
          events: listNames(
            events.map((e) => `${e.what} ${e.name}`),
            3,
            'more',
          ),
        }),
        event: events[0]!,
        inPolicy: true,
        blastRadius: { services: names.length, ofServices: ctx.totalServices, critical, ofCritical: ctx.totalCritical },
        affected: [],
        stranded: [],
        services: names,
        evidence: { nodes: [groupId, ...g.members], events },
        locations: g.locations,
      }),
    );
  }
  return findings;
}

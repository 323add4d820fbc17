/**
 * shared-identity: a login or identity component that two or more services
 * require, without redundancy across domains: one event within the policy
 * takes it down, and every service that logs in through it with it.
 */
import type { SourceLocation } from '../../errors.js';
import type { Model } from '../../model/index.js';
import { byText } from '../../text.js';
import { STRANDED } from '../engine.js';
import type { EventRef, Finding, Policy, Severity } from '../types.js';
import { newFinding } from './kind.js';
import type { ScenarioView } from './scenarios.js';
import { fill, listNames, servicesBehind, severityByCritical } from './util.js';

export const id = 'shared-identity';
export const title = 'Shared identity without cross-domain redundancy';
export const defaultSeverity: Severity = 'critical';
export const description =
  'A login, SSO or user-pool component that several services require, which a single zone, data center or component failure takes down.';

export const messages = {
  shared: '{name} ({service}) is a shared identity single point: {count} services log in through it ({services}), and losing {events} takes it down',
  recoveryOnly:
    '{name} ({service}) is an identity single point on the recovery path only: operators, not users, log in through it to fail over {groups} replica group(s) of {services}, and losing {events} takes it down',
  alsoRecovery: '; operators also log in through it to fail over {groups} replica group(s) of {services}',
} as const;

function eventLabel(e: EventRef): string {
  return `${e.what} ${e.name}`;
}

interface IdentityNode {
  node: number;
  id: string;
  name: string;
  kind: 'group' | 'component';
  /** The service it belongs to. */
  service: string;
  /** Services that require it, directly or through other components. */
  dependents: Array<{ service: string; critical: boolean }>;
  /** Replicated groups that recover with it (operators log in through it to fail them over), sorted by id. */
  recovers: Array<{ id: string; dependents: Array<{ service: string; critical: boolean }> }>;
  locations: SourceLocation[];
}

/** Identity nodes: lone identity components, and groups of identity replicas; sorted by id. */
function identities(ctx: ScenarioView): IdentityNode[] {
  const { engine } = ctx;
  const nodes = new Set<number>();
  // Each scan reads the node objects of one kind only (engine.isComponent, isGroup: no object read for the others).
  for (let i = 0; i < engine.size; i++) {
    if (!engine.isComponent(i)) continue;
    const n = engine.nodes[i]!;
    // An external identity (placed nowhere) never fails with the user's domains: external-identity names it.
    if (n.kind === 'component' && n.role === 'identity' && !n.external) nodes.add((n.group ? engine.index.get(n.group) : undefined) ?? i);
  }
  const recovers = new Map<number, IdentityNode['recovers']>();
  for (let i = 0; i < engine.size; i++) {
    // No tools, nothing to recover with: no object to read.
    if (!engine.isGroup(i) || engine.toolCount(i) === 0) continue;
    const g = engine.nodes[i]!;
    if (g.kind !== 'group' || g.n < 2) continue;
    // Pushed, not copied: one identity provider may recover thousands of groups.
    for (const t of ctx.toolsOf(i)) {
      if (!nodes.has(t)) continue;
      const list = recovers.get(t);
      const entry = { id: g.id, dependents: ctx.dependentsOf(i) };
      if (list) list.push(entry);
      else recovers.set(t, [entry]);
    }
  }
  const out: IdentityNode[] = [];
  for (const i of nodes) {
    const node = engine.nodes[i]!;
    if (node.kind !== 'group' && node.kind !== 'component') continue;
    out.push({
      node: i,
      id: node.id,
      name: node.name,
      kind: node.kind,
      service: node.service,
      dependents: ctx.dependentsOf(i),
      recovers: (recovers.get(i) ?? []).sort((a, b) => byText(a.id, b.id)),
      locations: engine.componentsOf(i).flatMap((c) => {
        const n = engine.nodes[c]!;
        return n.kind === 'component' && n.source ? [n.source] : [];
      }),
    });
  }
  return out.sort((a, b) => byText(a.id, b.id));
}

export function detect(_model: Model, ctx: ScenarioView, _policy: Policy): Finding[] {
  const findings: Finding[] = [];
  const all = identities(ctx);
  if (all.length === 0) return findings;
  // The in-policy events that take each identity down, in one pass over the scenarios (not one per identity).
  // A flag per node: every hurt node of every scenario is asked about.
  const shared = new Uint8Array(ctx.engine.size);
  let sharedCount = 0;
  for (const x of all) {
    if (x.dependents.length < 2 && x.recovers.length === 0) continue;
    shared[x.node] = 1;
    sharedCount++;
  }
  const takenBy = new Map<number, EventRef[]>();
  for (let si = 0; si < (sharedCount > 0 ? ctx.singles.length : 0); si++) {
    const s = ctx.singles[si]!;
    if (!ctx.inPolicy(s.events[0]!)) continue;
    for (let k = 0; k < s.size; k++) {
      const i = s.nodeAt(k);
      if (shared[i] !== 1 || s.stateAt(k) < STRANDED) continue;
      const list = takenBy.get(i);
      if (list) list.push(ctx.eventRef(s.events[0]!));
      else takenBy.set(i, [ctx.eventRef(s.events[0]!)]);
    }
  }
  for (const identity of all) {
    const users = identity.dependents.length >= 2;
    if (!users && identity.recovers.length === 0) continue;
    const events = takenBy.get(identity.node);
    if (!events) continue;
    // Operators (not users) log in through it to fail these over.
    const operators = servicesBehind(identity.recovers);
    if (!users && operators.names.length === 0) continue;
    const critical = users ? identity.dependents.filter((d) => d.critical).length : operators.critical;
    const severity: Severity = severityByCritical(critical, 'medium');
    const names = users ? identity.dependents.map((d) => d.service) : operators.names;
    const first = events.find((e) => e.kind === 'domain') ?? events[0]!;
    const eventsText = listNames(events.map(eventLabel), 3, 'more events');
    const recovery = { groups: identity.recovers.length, services: listNames(operators.names, 5) };
    findings.push(
      newFinding({ id }, { kind: identity.kind, id: identity.id }, names, {
        severity,
        message: users
          ? fill(messages.shared, {
              name: identity.name,
              service: identity.service,
              count: names.length,
              services: listNames(names, 6),
              events: eventsText,
            }) + (operators.names.length > 0 ? fill(messages.alsoRecovery, recovery) : '')
          : fill(messages.recoveryOnly, { name: identity.name, service: identity.service, ...recovery, events: eventsText }),
        event: first,
        inPolicy: true,
        blastRadius: { services: names.length, ofServices: ctx.totalServices, critical, ofCritical: ctx.totalCritical },
        affected: [],
        stranded: [],
        services: [...names].sort(),
        evidence: { nodes: [identity.id], events },
        locations: identity.locations,
      }),
    );
  }
  return findings;
}

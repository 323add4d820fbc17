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
import { fill, listNames, severityByCritical } from './util.js';

export const id = 'shared-identity';
export const title = 'Shared identity without cross-domain redundancy';
export const defaultSeverity: Severity = 'critical';
export const description =
  'A login, SSO or user-pool component that several services require, which a single zone, data center or component failure takes down.';

export const messages = {
  shared: '{name} ({service}) is a shared identity single point: {count} services log in through it ({services}), and losing {events} takes it down',
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
  locations: SourceLocation[];
}

/** Identity nodes: lone identity components, and groups of identity replicas; sorted by id. */
function identities(ctx: ScenarioView): IdentityNode[] {
  const { engine } = ctx;
  const nodes = new Set<number>();
  engine.nodes.forEach((n, i) => {
    if (n.kind === 'component' && n.role === 'identity') nodes.add((n.group ? engine.index.get(n.group) : undefined) ?? i);
  });
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
  const shared = new Set(all.filter((x) => x.dependents.length >= 2).map((x) => x.node));
  const takenBy = new Map<number, EventRef[]>();
  for (const s of ctx.singles) {
    if (!ctx.inPolicy(s.events[0]!)) continue;
    s.hurt.forEach((i, k) => {
      if (!shared.has(i) || s.states[k]! < STRANDED) return;
      const list = takenBy.get(i);
      if (list) list.push(ctx.eventRef(s.events[0]!));
      else takenBy.set(i, [ctx.eventRef(s.events[0]!)]);
    });
  }
  for (const identity of all) {
    const events = takenBy.get(identity.node);
    if (!events) continue;
    const critical = identity.dependents.filter((d) => d.critical).length;
    const severity: Severity = severityByCritical(critical, 'medium');
    const names = identity.dependents.map((d) => d.service);
    const first = events.find((e) => e.kind === 'domain') ?? events[0]!;
    findings.push(
      newFinding({ id }, { kind: identity.kind, id: identity.id }, names, {
        severity,
        message: fill(messages.shared, {
          name: identity.name,
          service: identity.service,
          count: names.length,
          services: listNames(names, 6),
          events: listNames(events.map(eventLabel), 3).replace(/ more services$/, ' more events'),
        }),
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

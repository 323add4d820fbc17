/**
 * shared-identity: a login or identity component that two or more services
 * require, without redundancy across domains: one event within the policy
 * takes it down, and every service that logs in through it with it.
 */
import type { FindingContext } from './context.js';
import type { EventRef, Finding, Severity } from '../types.js';
import { fill, findingId, listNames, severityByCritical } from './util.js';

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

export function detect(ctx: FindingContext): Finding[] {
  const findings: Finding[] = [];
  for (const identity of ctx.identities) {
    if (identity.dependents.length < 2) continue;
    const events = ctx.outcomes.filter(({ event, outcome }) => ctx.inPolicy(event) && outcome.lostIdentities.includes(identity.id)).map(({ event }) => ctx.eventRef(event));
    if (events.length === 0) continue;
    const critical = identity.dependents.filter((d) => d.critical).length;
    const severity: Severity = severityByCritical(critical, 'medium');
    const names = identity.dependents.map((d) => d.service);
    const first = events.find((e) => e.kind === 'domain') ?? events[0]!;
    findings.push({
      id: findingId(id, identity.id, names),
      rule: id,
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
    });
  }
  return findings;
}

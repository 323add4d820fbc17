/**
 * single-point-of-failure: one basic event (a domain or a component) whose
 * loss leaves a critical service down or stranded.
 */
import { STRANDED } from '../engine.js';
import type { FindingContext } from './context.js';
import { fill, findingId, listNames, lostEffect, severityByCritical } from './util.js';
import type { Finding, Severity } from '../types.js';

export const id = 'single-point-of-failure';
export const title = 'Single point of failure';
export const defaultSeverity: Severity = 'high';
export const description =
  'One domain (zone, data center, region) or one unduplicated component whose loss leaves a critical service down or stranded.';

export const messages = {
  lost: 'Losing {what} {name} {effect} ({count} of {total} services, {critical} critical){survivors}',
  survivors: '; only {services} keep{s} running',
  down: 'takes down {services}',
  stranded: 'strands {services}',
} as const;





export function detect(ctx: FindingContext): Finding[] {
  const findings: Finding[] = [];
  for (const { event: ev, outcome } of ctx.outcomes) {
    const hit = outcome.services;
    const lost = hit.filter((s) => s.stateCode >= STRANDED);
    if (lost.length === 0) continue;
    const critical = lost.filter((s) => s.critical);
    const event = ctx.eventRef(ev);
    // Each service's own policy (topology file) or the run's: in policy if it is for some service hurt.
    const inPolicy = lost.some((s) => ctx.inPolicyFor(ev, s.service));
    const severity: Severity = inPolicy ? severityByCritical(critical.filter((s) => ctx.inPolicyFor(ev, s.service)).length, 'low') : 'info';
    const effect = lostEffect(lost, messages);
    const names = lost.map((s) => s.service);
    findings.push({
      id: findingId(id, event.id, names),
      rule: id,
      severity,
      message: fill(messages.lost, {
        what: event.what,
        name: event.name,
        effect,
        count: lost.length,
        total: ctx.totalServices,
        critical: critical.length,
        survivors:
          ctx.totalServices - lost.length > 0 && ctx.totalServices - lost.length <= 3
            ? fill(messages.survivors, { services: listNames(ctx.serviceNames.filter((n) => !names.includes(n))), s: ctx.totalServices - lost.length === 1 ? 's' : '' })
            : '',
      }),
      event,
      inPolicy,
      blastRadius: { services: lost.length, ofServices: ctx.totalServices, critical: critical.length, ofCritical: ctx.totalCritical },
      affected: lost.map(({ service, critical: c, state, path }) => ({ service, critical: c, state, path })),
      stranded: outcome.stranded,
      locations: ctx.locationsOf(ev),
    });
  }
  return findings;
}

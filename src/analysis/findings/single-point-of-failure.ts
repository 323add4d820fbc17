/**
 * single-point-of-failure: one basic event (a domain or a component) whose
 * loss leaves a critical service down or stranded.
 */
import type { Model } from '../../model/index.js';
import { STRANDED } from '../engine.js';
import type { Finding, Policy, Severity } from '../types.js';
import { newFinding } from './kind.js';
import type { ScenarioView } from './scenarios.js';
import { fill, listNames, lostEffect, servicesHit, severityByCritical, strandedGroups } from './util.js';

export const id = 'single-point-of-failure';
export const title = 'Single point of failure';
export const defaultSeverity: Severity = 'high';
export const description = 'One domain (zone, data center, region) or one unduplicated component whose loss leaves a critical service down or stranded.';

export const messages = {
  lost: 'Losing {what} {name} {effect} ({count} of {total} services, {critical} critical){survivors}',
  survivors: '; only {services} keep{s} running',
  down: 'takes down {services}',
  stranded: 'strands {services}',
} as const;

/** The services not among those lost (a set: no scan of the lost per service). */
function survivorsOf(all: readonly string[], lost: readonly string[]): string[] {
  const gone = new Set(lost);
  return all.filter((n) => !gone.has(n));
}

export function detect(_model: Model, ctx: ScenarioView, _policy: Policy): Finding[] {
  const findings: Finding[] = [];
  for (let si = 0; si < ctx.singles.length; si++) {
    const scenario = ctx.singles[si]!;
    if (scenario.lostServices === 0) continue;
    const ev = scenario.events[0]!;
    const lost = servicesHit(ctx, scenario, undefined, STRANDED);
    const critical = lost.filter((s) => s.critical);
    const event = ctx.eventRef(ev);
    // Each service's own policy (topology file) or the run's: in policy if it is for some service hurt.
    const inPolicy = lost.some((s) => ctx.inPolicyFor(ev, s.service));
    const severity: Severity = inPolicy ? severityByCritical(critical.filter((s) => ctx.inPolicyFor(ev, s.service)).length, 'low') : 'info';
    const effect = lostEffect(lost, messages);
    const names = lost.map((s) => s.service);
    findings.push(
      newFinding({ id }, { kind: 'event', event }, names, {
        severity,
        message: fill(messages.lost, {
          what: event.what,
          name: ctx.labelOf(ev),
          effect,
          count: lost.length,
          total: ctx.totalServices,
          critical: critical.length,
          survivors:
            ctx.totalServices - lost.length > 0 && ctx.totalServices - lost.length <= 3
              ? fill(messages.survivors, { services: listNames(survivorsOf(ctx.serviceNames, names)), s: ctx.totalServices - lost.length === 1 ? 's' : '' })
              : '',
        }),
        event,
        inPolicy,
        blastRadius: { services: lost.length, ofServices: ctx.totalServices, critical: critical.length, ofCritical: ctx.totalCritical },
        affected: lost,
        stranded: strandedGroups(ctx, scenario),
        locations: ctx.locationsOf(ev),
      }),
    );
  }
  return findings;
}

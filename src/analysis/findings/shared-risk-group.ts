/**
 * shared-risk-group: a minimal set of two or more events (`--order k`) that
 * together take a critical service down when no smaller part of the set
 * does: the hidden shared dependency behind redundancy that looks real.
 */
import type { Model } from '../../model/index.js';
import type { EventRef, Finding, Policy, Severity } from '../types.js';
import { newFinding } from './kind.js';
import type { ScenarioView } from './scenarios.js';
import { fill, lostEffect, servicesHit } from './util.js';

export const id = 'shared-risk-group';
export const title = 'Shared risk group';
export const defaultSeverity: Severity = 'medium';
export const description =
  'Events that no single failure covers but that take a critical service down together (minimal cut sets of order 2..k, with --order k): redundancy that shares a hidden dependency.';

export const messages = {
  lost: 'Losing {events} together {effect} ({count} of {total} services, {critical} critical); no smaller part of this set does',
  down: 'takes down {services}',
  stranded: 'strands {services}',
} as const;

/** The set as one event reference: its id joins the member ids. */
export function setRef(events: EventRef[]): EventRef {
  return {
    id: `set:${events.map((e) => e.id).join('+')}`,
    kind: 'set',
    name: events.map((e) => e.name).join(' + '),
    what: `shared risk group of ${events.length}`,
  };
}

export function detect(_model: Model, ctx: ScenarioView, _policy: Policy): Finding[] {
  const findings: Finding[] = [];
  for (const cut of ctx.cutSets) {
    const refs = cut.events.map((e) => ctx.eventRef(e));
    const event = setRef(refs);
    // Only the set's services are read: evaluate what can reach them (a zone in the set would touch thousands of nodes).
    const lost = servicesHit(ctx, ctx.runFor(cut.events, cut.services), cut.services);
    if (lost.length === 0) continue;
    const critical = lost.filter((s) => s.critical);
    const inPolicy = cut.events.every((e) => ctx.inPolicy(e));
    // Beyond the single-failure policy by nature: never above medium.
    const severity: Severity = !inPolicy ? 'info' : critical.length >= 2 ? 'medium' : critical.length === 1 ? 'low' : 'info';
    const effect = lostEffect(lost, messages);
    const names = lost.map((s) => s.service);
    findings.push(
      newFinding({ id }, { kind: 'event', event }, names, {
        severity,
        message: fill(messages.lost, {
          events: refs.map((r) => `${r.what} ${r.name}`).join(' and '),
          effect,
          count: lost.length,
          total: ctx.totalServices,
          critical: critical.length,
        }),
        event,
        inPolicy,
        blastRadius: { services: lost.length, ofServices: ctx.totalServices, critical: critical.length, ofCritical: ctx.totalCritical },
        affected: lost,
        stranded: [],
        evidence: { nodes: refs.map((r) => r.id), events: refs },
        locations: cut.events.flatMap((e) => ctx.locationsOf(e)),
      }),
    );
  }
  return findings;
}

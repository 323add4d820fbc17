/**
 * recovery-path: the tools needed to fail over (console, deploy system,
 * bastion, DNS control, monitoring) all sit where one event takes them. The
 * replicas that should take over are then stranded: redundant on paper,
 * down in practice. Reported even when the runtime itself survives the event.
 */
import type { FindingContext } from './context.js';
import type { Finding, Severity } from '../types.js';
import { fill, findingId, listNames, severityByCritical } from './util.js';

export const id = 'recovery-path';
export const title = 'Recovery tools concentrated in one failure domain';
export const defaultSeverity: Severity = 'high';
export const description =
  'Losing one domain or component takes the recovery tools of replicated services with it, so their surviving replicas cannot take over.';

export const messages = {
  lost: 'Losing {what} {name} takes the recovery tools {tools} with it: {groups} replica group(s) of {services} could not fail over ({stranded} stranded right away)',
} as const;

export function detect(ctx: FindingContext): Finding[] {
  const findings: Finding[] = [];
  for (const { event, outcome } of ctx.outcomes) {
    if (outcome.lostTools.length === 0 || !ctx.inPolicy(event)) continue;
    const lostTools = new Set(outcome.lostTools);
    const groups = ctx.recoveryGroups.filter((g) => g.n >= 2 && g.tools.some((t) => lostTools.has(t)));
    if (groups.length === 0) continue;
    const services = new Map<string, boolean>();
    for (const g of groups) for (const d of g.dependents) services.set(d.service, d.critical);
    if (services.size === 0) continue;
    const names = [...services.keys()].sort();
    const critical = [...services.values()].filter(Boolean).length;
    const strandedNow = outcome.stranded.filter((s) => groups.some((g) => g.id === s.group)).length;
    const severity: Severity = severityByCritical(critical, 'medium');
    const ev = ctx.eventRef(event);
    const tools = outcome.lostTools;
    findings.push({
      id: findingId(id, ev.id, names),
      rule: id,
      severity,
      message: fill(messages.lost, {
        what: ev.what,
        name: ev.name,
        tools: listNames(tools.map(ctx.nameOf), 4).replace(/ more services$/, ' more'),
        groups: groups.length,
        services: listNames(names, 5),
        stranded: strandedNow,
      }),
      event: ev,
      inPolicy: true,
      blastRadius: { services: names.length, ofServices: ctx.totalServices, critical, ofCritical: ctx.totalCritical },
      affected: [],
      stranded: outcome.stranded.filter((s) => groups.some((g) => g.id === s.group)),
      services: names,
      evidence: { nodes: [...tools, ...groups.map((g) => g.id)], events: [ev] },
      locations: ctx.locationsOf(event),
    });
  }
  return findings;
}

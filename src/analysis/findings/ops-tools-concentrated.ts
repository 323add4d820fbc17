/**
 * ops-tools-concentrated: every tool a replica group recovers with (its
 * deploy system, monitoring, console, secret store, the operator's machine)
 * sits in one domain, so one event within the policy takes them all. Reported
 * per domain, saying whether the tools sit together with replicas they
 * recover (the Pangyo fire: the failover needs what burned with the primary)
 * or apart from them; severity by what the loss strands.
 */
import type { Model } from '../../model/index.js';
import { byText } from '../../text.js';
import { DOWN, STRANDED } from '../engine.js';
import type { Finding, Policy, Severity } from '../types.js';
import { externalToolLabel } from './external-identity.js';
import { newFinding } from './kind.js';
import type { Scenario, ScenarioView } from './scenarios.js';
import { fill, listNames, servicesBehind, strandedGroups, strandingFields, toolList } from './util.js';

export const id = 'ops-tools-concentrated';
export const title = 'All the recovery tools of a group in one failure domain';
export const defaultSeverity: Severity = 'high';
export const description =
  'Every ops tool some replica groups recover with (deploy system, monitoring, console, secret store, operator machine) sits in one domain: losing it leaves no way to fail them over.';

export const messages = {
  concentrated:
    'All the recovery tools ({tools}) of {groups} replica group(s) of {services} sit in {what} {name}, {where}: losing it leaves no tool to fail them over ({stranded} stranded right away)',
  together: 'together with replicas they recover',
  apart: 'apart from what they recover',
  external: '; operators also log in through {identities}, which no domain of the stack takes',
} as const;

interface ToolGroup {
  node: number;
  id: string;
  /** Its tools that can be lost (an external identity, placed nowhere, cannot). */
  tools: number[];
  /** Its external identities (node indices). */
  external: number[];
  dependents: Array<{ service: string; critical: boolean }>;
}

/** Replica groups (two or more members) that recover with tools, sorted by id. */
function toolGroups(ctx: ScenarioView): ToolGroup[] {
  const out: ToolGroup[] = [];
  const { engine } = ctx;
  for (let i = 0; i < engine.size; i++) {
    // Groups with tools only: no node object read for the others.
    if (!engine.isGroup(i) || engine.toolCount(i) === 0) continue;
    const n = engine.nodes[i]!;
    if (n.kind !== 'group' || n.n < 2) continue;
    const all = ctx.toolsOf(i);
    const external = all.filter((t) => externalToolLabel(ctx, t) !== undefined);
    const tools = all.filter((t) => !external.includes(t));
    if (tools.length > 0) out.push({ node: i, id: n.id, tools, external, dependents: ctx.dependentsOf(i) });
  }
  return out.sort((a, b) => byText(a.id, b.id));
}

/** Whether a scenario takes a group's member (the tools sit together with what they recover). */
function takesMember(ctx: ScenarioView, s: Scenario, g: ToolGroup): boolean {
  return ctx.engine.componentsOf(g.node).some((m) => s.stateOf(m) >= DOWN);
}

export function detect(_model: Model, ctx: ScenarioView, _policy: Policy): Finding[] {
  const groups = toolGroups(ctx);
  if (groups.length === 0) return [];
  const domainSingles = ctx.singles.filter((s) => {
    const e = s.events[0]!;
    return ctx.engine.isDomain(e) && ctx.inPolicy(e);
  });
  // Per group, the smallest domains (lowest rank) whose loss takes every one of its tools.
  const byEvent = new Map<number, ToolGroup[]>();
  for (const g of groups) {
    const all = domainSingles.filter((s) => g.tools.every((t) => s.stateOf(t) >= STRANDED));
    if (all.length === 0) continue;
    const rankOf = (s: Scenario): number => {
      const n = ctx.engine.nodes[s.events[0]!]!;
      return n.kind === 'domain' ? n.rank : 0;
    };
    const least = Math.min(...all.map(rankOf));
    for (const s of all.filter((x) => rankOf(x) === least)) {
      const list = byEvent.get(s.events[0]!);
      if (list) list.push(g);
      else byEvent.set(s.events[0]!, [g]);
    }
  }
  const findings: Finding[] = [];
  for (const s of domainSingles) {
    const event = s.events[0]!;
    const hit = byEvent.get(event);
    if (!hit) continue;
    const behind = servicesBehind(hit);
    if (behind.names.length === 0) continue;
    const { names, critical } = behind;
    const ids = new Set(hit.map((g) => g.id));
    const stranded = strandedGroups(ctx, s).filter((x) => ids.has(x.group));
    const strandedCritical = hit.some((g) => stranded.some((x) => x.group === g.id) && g.dependents.some((d) => d.critical));
    const together = hit.some((g) => takesMember(ctx, s, g));
    const severity: Severity = strandedCritical ? 'critical' : stranded.length > 0 || (together && critical > 0) ? 'high' : 'medium';
    const tools = [...new Set(hit.flatMap((g) => g.tools.map((t) => ctx.engine.ids[t]!)))].sort(byText);
    const ev = ctx.eventRef(event);
    const external = [...new Set(hit.flatMap((g) => g.external))].map((t) => externalToolLabel(ctx, t)!).sort(byText);
    findings.push(
      newFinding({ id }, { kind: 'event', event: ev }, names, {
        severity,
        message:
          fill(messages.concentrated, {
            tools: toolList(ctx, tools),
            groups: hit.length,
            services: listNames(names, 5),
            what: ev.what,
            name: ev.name,
            where: together ? messages.together : messages.apart,
            stranded: stranded.length,
          }) + (external.length > 0 ? fill(messages.external, { identities: listNames(external, 3, 'more') }) : ''),
        ...strandingFields(ctx, event, hit, tools, behind, stranded),
      }),
    );
  }
  return findings;
}

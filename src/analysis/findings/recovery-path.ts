/**
 * recovery-path: the tools needed to fail over (console, deploy system,
 * bastion, DNS control, monitoring) all sit where one event takes them. The
 * replicas that should take over are then stranded: redundant on paper,
 * down in practice. Reported even when the runtime itself survives the event.
 */
import type { ComponentNode, Model } from '../../model/index.js';
import { byText } from '../../text.js';
import { STRANDED } from '../engine.js';
import type { Finding, Policy, Severity } from '../types.js';
import { externalToolLabel } from './external-identity.js';
import { newFinding } from './kind.js';
import type { ScenarioView } from './scenarios.js';
import { fill, listNames, servicesBehind, severityByCritical, strandedGroups, strandingFields, toolList } from './util.js';

export const id = 'recovery-path';

/** The domain kind of the operator's machine (rules/ops.yaml). */
const WORKSTATION = 'workstation';
export const title = 'Recovery tools concentrated in one failure domain';
export const defaultSeverity: Severity = 'high';
export const description =
  'Losing one domain or component takes the recovery tools of replicated services with it, so their surviving replicas cannot take over.';

export const messages = {
  lost: 'Losing {what} {name} takes the recovery tools {tools} with it: {groups} replica group(s) of {services} could not fail over ({stranded} stranded right away)',
  workstation:
    'Rebuilding {groups} replica group(s) of {services} needs {tools}, which only the machine that ran `pulumi up` ({name}) has: losing it leaves them impossible to rebuild ({stranded} stranded right away)',
  loneWorkstation:
    'Rebuilding {component} needs {needs} on the machine that ran `pulumi up` ({name}): losing it leaves {component} ({services}) impossible to rebuild',
  keyFile: 'a key file ({path} of {tool})',
  keyFileNamed: 'a key file ({file}: {flag} in {property} of {tool})',
  keyFileAtDeploy: 'a key file ({flag} in {property} of {tool}; its path is filled in at deploy)',
  keyFileUnread: 'any key file {property} of {tool} names (the command could not be read: a secret or unknown value)',
  external: '; operators also log in through {identities}, which no domain of the stack takes',
} as const;

interface RecoveryGroup {
  id: string;
  /** Members. */
  n: number;
  tools: string[];
  dependents: Array<{ service: string; critical: boolean }>;
}

/** Groups that recover with tools, sorted by id; and the tools (node indices). */
function recoveryGroups(ctx: ScenarioView): { groups: RecoveryGroup[]; tools: Set<number> } {
  const { engine } = ctx;
  const groups: RecoveryGroup[] = [];
  const all = new Set<number>();
  for (let i = 0; i < engine.size; i++) {
    // Groups with tools only: no node object read for the others.
    if (!engine.isGroup(i) || engine.toolCount(i) === 0) continue;
    const n = engine.nodes[i]!;
    if (n.kind !== 'group') continue;
    const tools = ctx.toolsOf(i);
    for (const t of tools) all.add(t);
    groups.push({ id: n.id, n: n.n, tools: tools.map((t) => engine.ids[t]!).sort(byText), dependents: ctx.dependentsOf(i) });
  }
  return { groups: groups.sort((a, b) => byText(a.id, b.id)), tools: all };
}

/** What rebuilding needs, as a finding names it: each tool (`a playbook run (run-playbook)`), then the key files they read by path. */
function needsOf(ctx: ScenarioView, tools: number[]): string {
  const { engine } = ctx;
  const named: string[] = [];
  const keys: string[] = [];
  for (const t of tools) {
    const node = engine.nodes[t]!;
    const rebuild = node.kind === 'component' ? (node as ComponentNode).rebuild : undefined;
    // `name (Type)` when another component has the name (an awsx Image and the Deployment that runs it).
    const label = ctx.labelOf(t);
    named.push(rebuild ? `${rebuild.what} (${label})` : label);
    for (const path of rebuild?.keys ?? []) keys.push(fill(messages.keyFile, { path, tool: label }));
    for (const k of rebuild?.keyFiles ?? []) {
      const values = { property: k.property, flag: k.flag ?? '', file: k.file ?? '', tool: label };
      keys.push(fill(k.file !== undefined ? messages.keyFileNamed : k.flag !== undefined ? messages.keyFileAtDeploy : messages.keyFileUnread, values));
    }
  }
  return listNames([...named, ...keys], 6, 'more');
}

/**
 * Lone components (no replica group) whose recovers-with tools the loss of the operator's machine takes while
 * they keep running: what rebuilding them needs is gone, and nothing else has it. Only for that machine: a lone
 * component whose tools another domain takes is hurt only if it fails as well (two events: --order 2), and
 * where the event takes the component itself single-point-of-failure says so.
 */
function loneFindings(ctx: ScenarioView): Finding[] {
  const { engine } = ctx;
  const lone: number[] = [];
  for (let i = 0; i < engine.size; i++) {
    // Components with tools only: no node object read for the others.
    if (!engine.isComponent(i) || engine.toolCount(i) === 0) continue;
    const n = engine.nodes[i]!;
    if (n.kind === 'component' && n.group === undefined) lone.push(i);
  }
  const findings: Finding[] = [];
  if (lone.length === 0) return findings;
  for (let si = 0; si < ctx.singles.length; si++) {
    const scenario = ctx.singles[si]!;
    const event = scenario.events[0]!;
    // The machine's loss: one tool's own loss is running it again from there. (A component event is none: its node
    // object is not read.)
    if (!engine.isDomain(event)) continue;
    const node = engine.nodes[event]!;
    if (node.kind !== 'domain' || node.domainKind !== WORKSTATION || !ctx.inPolicy(event)) continue;
    for (const c of lone) {
      if (scenario.stateOf(c) >= STRANDED) continue;
      const lost = ctx
        .toolsOf(c)
        .filter((t) => scenario.stateOf(t) >= STRANDED)
        .sort((a, b) => byText(engine.ids[a]!, engine.ids[b]!));
      if (lost.length === 0) continue;
      const behind = servicesBehind([{ dependents: ctx.dependentsOf(c) }]);
      if (behind.names.length === 0) continue;
      const ev = ctx.eventRef(event);
      const tools = lost.map((t) => engine.ids[t]!);
      findings.push(
        newFinding({ id }, { kind: 'component', id: `${engine.ids[c]!} ${ev.id}` }, behind.names, {
          severity: severityByCritical(behind.critical, 'medium'),
          message: fill(messages.loneWorkstation, {
            what: ev.what,
            name: ev.name,
            component: ctx.labelOf(c),
            needs: needsOf(ctx, lost),
            services: listNames(behind.names, 5),
          }),
          ...strandingFields(ctx, event, [{ id: engine.ids[c]! }], tools, behind, []),
        }),
      );
    }
  }
  return findings;
}

/** The external identities (Entra ID...) the groups also recover with, for the message; empty when none. */
function externalText(ctx: ScenarioView, groups: RecoveryGroup[]): string {
  const labels = new Set<string>();
  for (const g of groups) for (const t of g.tools) labels.add(externalToolLabel(ctx, ctx.engine.index.get(t)!) ?? '');
  labels.delete('');
  return labels.size > 0 ? fill(messages.external, { identities: listNames([...labels].sort(byText), 3, 'more') }) : '';
}

export function detect(_model: Model, ctx: ScenarioView, _policy: Policy): Finding[] {
  const findings: Finding[] = [];
  const recovery = recoveryGroups(ctx);
  findings.push(...loneFindings(ctx));
  if (recovery.groups.length === 0) return findings;
  // The replicated groups (n >= 2) of each tool, as indices into the sorted groups: no scan of all groups per event.
  const byTool = new Map<string, number[]>();
  recovery.groups.forEach((g, k) => {
    if (g.n < 2) return;
    for (const t of g.tools) {
      const list = byTool.get(t);
      if (list) list.push(k);
      else byTool.set(t, [k]);
    }
  });
  for (let si = 0; si < ctx.singles.length; si++) {
    const scenario = ctx.singles[si]!;
    const event = scenario.events[0]!;
    if (!ctx.inPolicy(event)) continue;
    // Recovery tools (or tool groups) left stranded or down.
    const lost: string[] = [];
    for (let k = 0; k < scenario.size; k++) {
      const i = scenario.nodeAt(k);
      if (recovery.tools.has(i) && scenario.stateAt(k) >= STRANDED) lost.push(ctx.engine.ids[i]!);
    }
    lost.sort(byText);
    if (lost.length === 0) continue;
    const hit = new Set<number>();
    for (const t of lost) for (const k of byTool.get(t) ?? []) hit.add(k);
    if (hit.size === 0) continue;
    const groups = [...hit].sort((a, b) => a - b).map((k) => recovery.groups[k]!);
    const groupIds = new Set(groups.map((g) => g.id));
    const behind = servicesBehind(groups);
    if (behind.names.length === 0) continue;
    const { names, critical } = behind;
    const stranded = strandedGroups(ctx, scenario).filter((s) => groupIds.has(s.group));
    const severity: Severity = severityByCritical(critical, 'medium');
    const ev = ctx.eventRef(event);
    const tools = lost;
    findings.push(
      newFinding({ id }, { kind: 'event', event: ev }, names, {
        severity,
        message:
          fill(ev.what === WORKSTATION ? messages.workstation : messages.lost, {
            what: ev.what,
            name: ev.name,
            tools: toolList(ctx, tools),
            groups: groups.length,
            services: listNames(names, 5),
            stranded: stranded.length,
          }) + externalText(ctx, groups),
        ...strandingFields(ctx, event, groups, tools, behind, stranded),
      }),
    );
  }
  return findings;
}

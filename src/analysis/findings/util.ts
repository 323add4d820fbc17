import { hash } from 'node:crypto';
import { byText } from '../../text.js';
import { DEGRADED, DOWN, STATE_NAMES, STRANDED, UP, type ServiceState, type StateCode } from '../engine.js';
import type { AffectedService } from '../types.js';
import type { Scenario, ScenarioView } from './scenarios.js';

/** Templates split once at their placeholders: text, name, text, name, ..., text (the kinds' few constant templates). */
const templates = new Map<string, string[]>();

/** Fill `{name}` placeholders of a message template. */
export function fill(template: string, values: Record<string, string | number>): string {
  let parts = templates.get(template);
  if (!parts) {
    parts = template.split(/\{(\w+)\}/);
    if (templates.size < 1000) templates.set(template, parts);
  }
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const k = parts[i]!;
    out += String(values[k] ?? `{${k}}`) + parts[i + 1]!;
  }
  return out;
}

/** A stable id from a finding's content: its rule, its subject and the services it names. */
export function findingId(rule: string, subject: string, services: string[]): string {
  // One copy of the names (sorted), then the text: not a second array spread from the first (10.7k findings at 100k).
  const sorted = services.length > 1 ? services.slice().sort() : services;
  const text = sorted.length > 0 ? `${rule}\u0000${subject}\u0000${sorted.join('\u0000')}` : `${rule}\u0000${subject}`;
  const h = hash('sha256', text, 'hex');
  return `${rule}/${h.slice(0, 12)}`;
}

/** `KakaoTalk`, `KakaoTalk and Melon`, `KakaoTalk, Melon, Kakao T and 7 more services` (`more`: what the rest are called). */
export function listNames(names: string[], max = 4, more = 'more services'): string {
  if (names.length === 1) return names[0]!;
  if (names.length <= max) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `${names.slice(0, max - 1).join(', ')} and ${names.length - max + 1} ${more}`;
}

/** critical when two or more critical services are hurt, high for one, else the given severity. */
export function severityByCritical(critical: number, otherwise: 'medium' | 'low'): 'critical' | 'high' | 'medium' | 'low' {
  return critical >= 2 ? 'critical' : critical === 1 ? 'high' : otherwise;
}

/** `takes down A and B and strands C`: what an event does to the services it hurts (down or stranded). */
export function lostEffect(lost: Array<{ service: string; state: string }>, words: { down: string; stranded: string }): string {
  // One pass and two lists (not four arrays and a join per finding: one finding per single failure that hurts).
  const down: string[] = [];
  const stranded: string[] = [];
  for (let i = 0; i < lost.length; i++) {
    const s = lost[i]!;
    if (s.state === 'down') down.push(s.service);
    else if (s.state === 'stranded') stranded.push(s.service);
  }
  const downText = down.length > 0 ? fill(words.down, { services: listNames(down) }) : '';
  const strandedText = stranded.length > 0 ? fill(words.stranded, { services: listNames(stranded) }) : '';
  return downText && strandedText ? `${downText} and ${strandedText}` : downText || strandedText;
}

/** A service a scenario hurts: a finding's `affected` entry as it is. */
export type ServiceHit = AffectedService;

/** The state code of a state name (the order of STATE_NAMES). */
function codeOf(state: ServiceState): StateCode {
  return state === 'down' ? DOWN : state === 'stranded' ? STRANDED : state === 'degraded' ? DEGRADED : UP;
}

/**
 * The services of a scenario (its hurt ones, or those given), with their states and paths: worst first, then by
 * name; only those at least in state `least` (all of them by default).
 */
export function servicesHit(view: ScenarioView, scenario: Scenario, services?: readonly number[], least: StateCode = UP): ServiceHit[] {
  const hits: ServiceHit[] = [];
  const { engine } = view;
  const nodes = engine.nodes;
  const hit = (i: number, code: StateCode): void => {
    // The kind from the engine's codes: no node object read for the groups among a scenario's notable nodes.
    if (code < least || !engine.isService(i)) return;
    const node = nodes[i]!;
    if (node.kind !== 'service') return;
    hits.push({ service: node.name, critical: node.critical, state: STATE_NAMES[code], path: code >= STRANDED ? scenario.explain(i) : [] });
  };
  if (services) for (const i of services) hit(i, scenario.stateOf(i));
  else
    for (let j = 0; j < scenario.notableCount; j++) {
      const k = scenario.notableAt(j);
      hit(scenario.nodeAt(k), scenario.stateAt(k));
    }
  return hits.sort((a, b) => codeOf(b.state) - codeOf(a.state) || byText(a.service, b.service));
}

/** A replica group alive on paper that cannot take over: its recovery tools are lost. */
export interface StrandedGroup {
  group: string;
  lostMember?: string;
  /** Members still alive that cannot take over. */
  survivors: string[];
  tools: string[];
}

/** The groups a scenario strands, sorted by id. */
export function strandedGroups(view: ScenarioView, scenario: Scenario): StrandedGroup[] {
  const { engine } = view;
  const out: StrandedGroup[] = [];
  for (let j = 0; j < scenario.notableCount; j++) {
    const k = scenario.notableAt(j);
    const i = scenario.nodeAt(k);
    if (scenario.stateAt(k) !== STRANDED || engine.nodes[i]!.kind !== 'group') continue;
    const lost = scenario.lostMemberOf(i);
    const group = engine.ids[i]!;
    const survivors = engine
      .componentsOf(i)
      .filter((m) => scenario.stateOf(m) < DOWN)
      .map((m) => engine.ids[m]!);
    const tools = scenario
      .lostToolsOf(i)
      .map((t) => engine.ids[t]!)
      .sort(byText);
    out.push(lost >= 0 ? { group, lostMember: engine.ids[lost]!, survivors, tools } : { group, survivors, tools });
  }
  return out.sort((a, b) => byText(a.group, b.group));
}

/** The services behind some replica groups (their dependents), sorted, with how many are critical. */
export function servicesBehind(groups: ReadonlyArray<{ dependents: ReadonlyArray<{ service: string; critical: boolean }> }>): {
  names: string[];
  critical: number;
} {
  const services = new Map<string, boolean>();
  for (const g of groups) for (const d of g.dependents) services.set(d.service, d.critical);
  return { names: [...services.keys()].sort(byText), critical: [...services.values()].filter(Boolean).length };
}

/** Tool names for a message: at most four, then "and N more". */
export function toolList(view: ScenarioView, tools: string[]): string {
  return listNames(tools.map(view.nameOf), 4, 'more');
}

/**
 * What a finding about a lost event that strands recovery shares (recovery-path, ops-tools-concentrated): the
 * event within the policy, the blast radius of the services behind the groups, the stranded groups, and as
 * evidence the tools and the groups.
 */
export function strandingFields(
  view: ScenarioView,
  event: number,
  groups: ReadonlyArray<{ id: string }>,
  tools: string[],
  behind: { names: string[]; critical: number },
  stranded: StrandedGroup[],
) {
  const ev = view.eventRef(event);
  return {
    event: ev,
    inPolicy: true,
    blastRadius: { services: behind.names.length, ofServices: view.totalServices, critical: behind.critical, ofCritical: view.totalCritical },
    affected: [],
    stranded,
    services: behind.names,
    evidence: { nodes: [...tools, ...groups.map((g) => g.id)], events: [ev] },
    locations: view.locationsOf(event),
  };
}

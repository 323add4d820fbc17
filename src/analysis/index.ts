/**
 * analysis: the model -> findings. Runs every basic event as a single
 * failure, applies the resilience policy, and lets each finding kind detect.
 */
import { UsageError, type OptionName } from '../errors.js';
import type { StackInput } from '../ingest/types.js';
import type { Model } from '../model/index.js';
import { VERSION } from '../version.js';
import { Engine, STRANDED } from './engine.js';
import { KINDS } from './findings/index.js';
import { scenarioView } from './findings/scenarios.js';
import { minimalCutSets } from './cutsets.js';
import { nodeCollector } from './describe.js';
import { judgementOf } from './judged.js';
import { estimateAvailability, type AvailabilityEstimate } from './availability.js';
import { SEVERITIES, severityRank, type AnalysisResult, type Finding, type Policy, type ResultModel, type Severity } from './types.js';
import { byText } from '../text.js';

export interface AnalyzeOptions {
  /** Largest domain kind a critical service must survive: zone (default), region, provider, ... */
  tolerate?: string;
  /** Largest shared risk groups to look for: 1 (default) for single failures only, 2 for pairs, ... */
  order?: number;
  /** Most scenarios the shared-risk-group search evaluates before it stops (with an analysis error saying so). */
  orderBudget?: number;
  /** Stop the shared-risk-group search after this many seconds (it says what it covered). */
  maxSeconds?: number;
  /** Add the whole model to the result (`result.model`), for reporters that simulate in the page (html). */
  includeModel?: boolean;
  /** Estimate each critical service's availability from its minimal cut sets (at least pairs). */
  availability?: boolean;
  /**
   * Told how far the analysis is (for progress lines; it must not throw). Each phase reports (0, total) as it starts
   * and (total, total) as it ends; `search` (the shared-risk-group search of order 2 or more, and availability) also
   * every 1024 scenarios, per set size (`what`: `sets of 2`): how many of the sets it extends are done.
   */
  onProgress?: ProgressListener;
  /** How messages in the result (analysisErrors) name options: default as the library spells them (`maxSeconds`); the CLI gives its flags. */
  optionName?: OptionName;
}

/** The phases of loadInputs and analyze, in the order they run. */
export type ProgressPhase = 'read' | 'classify' | 'model' | 'search' | 'scenarios' | 'findings';

/** A progress callback: `what` names the input being read (`read`) or the set size searched (`search`). */
export type ProgressListener = (phase: ProgressPhase, done: number, total: number, what?: string) => void;

export function resolvePolicy(model: Model, tolerate = 'zone'): Policy {
  const rank = model.domainRanks[tolerate];
  if (rank === undefined) {
    const kinds = Object.keys(model.domainRanks).sort((a, b) => model.domainRanks[a]! - model.domainRanks[b]! || byText(a, b));
    throw new UsageError((o) => `${o('tolerate')} ${tolerate}: unknown domain kind; use one of ${kinds.join(', ')}`);
  }
  return { tolerate, tolerateRank: rank };
}

export function analyzeModel(model: Model, inputs: StackInput[], options: AnalyzeOptions = {}): AnalysisResult {
  const policy = resolvePolicy(model, options.tolerate);
  const progress = options.onProgress;
  const engine = new Engine(model);

  // Events in the model's order, which follows the input's: domains first, then components.
  // basicEvents lists them in the model's order already: moving the domains to the front, both parts in order, is
  // what sorting by (domain first, position) gives, without a comparator call per pair of 57k events (100k export).
  const all = engine.basicEvents();
  const events: number[] = [];
  for (let x = 0; x < all.length; x++) if (engine.isDomain(all[x]!)) events.push(all[x]!);
  for (let x = 0; x < all.length; x++) if (!engine.isDomain(all[x]!)) events.push(all[x]!);
  const criticalIdx: number[] = [];
  for (let i = 0; i < engine.size; i++) {
    if (!engine.isService(i)) continue;
    const n = engine.nodes[i]!;
    if (n.kind === 'service' && n.critical) criticalIdx.push(i);
  }

  // Shared risk groups (--order k) and --availability: minimal cut sets of the critical services.
  const analysisErrors: AnalysisResult['analysisErrors'] = [];
  const order = options.order ?? 1;
  const searchOrder = Math.max(order, options.availability ? 2 : 1);
  const search =
    searchOrder >= 2
      ? minimalCutSets(engine, events, criticalIdx, searchOrder, options.orderBudget, {
          ...(options.maxSeconds !== undefined ? { maxSeconds: options.maxSeconds } : {}),
          ...(progress ? { onProgress: (size: number, done: number, total: number) => progress('search', done, total, `sets of ${size}`) } : {}),
        })
      : undefined;
  if (search?.capped) {
    const o = options.optionName ?? ((name: string) => name);
    analysisErrors.push({
      rule: order >= 2 ? 'shared-risk-group' : 'availability',
      message: `stopped at its ${search.cappedBy === 'time' ? `time limit (${o('maxSeconds')} ${options.maxSeconds})` : search.cappedBy === 'memory' ? 'memory limit' : 'scenario budget'} after ${search.evaluated} scenarios at order ${searchOrder} (sets of up to ${search.completeOrder} events searched completely): the ${order >= 2 ? 'shared risk groups listed' : 'availability estimate'} may be incomplete; lower ${o('order')} or analyze fewer stacks at once`,
    });
  }

  // Every basic event, once.
  const cutSets = order >= 2 && search ? search.sets.filter((set) => set.events.length <= order) : [];
  progress?.('scenarios', 0, events.length);
  const view = scenarioView(engine, model, policy, events, cutSets);
  progress?.('scenarios', events.length, events.length);

  let availability: AvailabilityEstimate | undefined;
  if (options.availability && search) {
    const critical = new Set(criticalIdx);
    const singles = view.singles.map((s) => {
      const services: number[] = [];
      for (let j = 0; j < s.notableCount; j++) {
        const k = s.notableAt(j);
        if (critical.has(s.nodeAt(k)) && s.stateAt(k) >= STRANDED) services.push(s.nodeAt(k));
      }
      return { events: [...s.events], services };
    });
    availability = estimateAvailability(engine, model, searchOrder, [...singles, ...search.sets], criticalIdx);
  }

  const findings: Finding[] = [];
  for (let k = 0; k < KINDS.length; k++) {
    const kind = KINDS[k]!;
    progress?.('findings', k, KINDS.length);
    try {
      // Appended one by one: a spread passes every finding as an argument (10.7k at 100k resources, ten times that at 1M).
      const found = kind.detect(model, view, policy);
      for (let x = 0; x < found.length; x++) findings.push(found[x]!);
    } catch (err) {
      analysisErrors.push({ rule: kind.id, message: err instanceof Error ? err.message : String(err) });
    }
  }
  progress?.('findings', KINDS.length, KINDS.length);
  findings.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      b.blastRadius.critical - a.blastRadius.critical ||
      b.blastRadius.services - a.blastRadius.services ||
      byText(a.event.id, b.event.id) ||
      byText(a.id, b.id),
  );

  // Nodes that findings name, in the order findings name them (deterministic: findings are sorted).
  // Indexed loops: this runs once per analysis, before the compiler would make iterators of for-of cost nothing.
  // The single failures' paths are noted by the indices their nodes were kept at (the same order as their ids).
  const { nodes, note, noteIndex } = nodeCollector(engine);
  const pathNodes = view.pathNodes;
  for (let x = 0; x < findings.length; x++) {
    const f = findings[x]!;
    note(f.event.id);
    if (f.evidence) noteAll(note, f.evidence.nodes);
    for (let y = 0; y < f.affected.length; y++) {
      const path = f.affected[y]!.path;
      let p = path.length > 0 ? view.pathNodesAt(path) : -1;
      if (p >= 0) {
        for (let z = 0; z < path.length; z++) {
          noteIndex(pathNodes[p++]!);
          if (path[z]!.lostMember) noteIndex(pathNodes[p++]!);
        }
        continue;
      }
      for (let z = 0; z < path.length; z++) {
        const s = path[z]!;
        note(s.node);
        if (s.lostMember) note(s.lostMember);
      }
    }
    for (let y = 0; y < f.stranded.length; y++) {
      const g = f.stranded[y]!;
      note(g.group);
      if (g.lostMember) note(g.lostMember);
      noteAll(note, g.tools);
      noteAll(note, g.survivors);
    }
  }

  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (let x = 0; x < findings.length; x++) counts[findings[x]!.severity]++;
  let components = 0;
  let domains = 0;
  for (let x = 0; x < engine.size; x++) {
    if (engine.isComponent(x)) components++;
    else if (engine.isDomain(x)) domains++;
  }
  const resources = inputs.reduce((n, i) => n + i.resources.length, 0);
  // A model built by hand has no coverage: its resources count as modelled.
  const judged = judgementOf(model, resources);
  return {
    schemaVersion: 1,
    tool: { name: 'firebreak', version: VERSION },
    inputs: inputs.map((i) => ({
      input: i.input,
      kind: i.kind,
      project: i.project,
      stack: i.stack,
      resources: i.resources.length,
      ...(i.program ? { program: i.program } : {}),
    })),
    policy,
    summary: {
      resources,
      components,
      domains,
      services: view.totalServices,
      criticalServices: view.totalCritical,
      allCritical: model.allCritical,
      events: events.length,
      domainEvents: events.filter((e) => engine.isDomain(e) && view.inPolicy(e)).length,
      findings: counts,
      coverage: judged.coverage,
      ...(order >= 2 && search ? { sharedRiskGroups: { order, scenarios: search.evaluated } } : {}),
    },
    services: view.services
      .map((i) => engine.nodes[i]!)
      .map((s) => ({ name: s.name, critical: s.kind === 'service' && s.critical }))
      .sort((a, b) => byText(a.name, b.name)),
    findings,
    nodes,
    blindSpots: judged.blindSpots,
    unjudged: judged.unjudged,
    warnings: inputs.flatMap((i) => i.warnings).concat(model.warnings),
    analysisErrors,
    ...(availability ? { availability } : {}),
    ...(options.includeModel ? { model: resultModel(model) } : {}),
  };
}

function noteAll(note: (id: string) => void, ids: readonly string[]): void {
  for (let i = 0; i < ids.length; i++) note(ids[i]!);
}

/** The model as plain data: nodes in the model's order, edges as [source, target, kind]. */
export function resultModel(model: Model): ResultModel {
  const nodes: ResultModel['nodes'] = model.nodes.map((n) => {
    if (n.kind === 'domain') return { id: n.id, kind: n.kind, name: n.name, domainKind: n.domainKind };
    if (n.kind === 'group') return { id: n.id, kind: n.kind, name: n.name, k: n.k, n: n.n, service: n.service };
    if (n.kind === 'service') return { id: n.id, kind: n.kind, name: n.name, critical: n.critical };
    return {
      id: n.id,
      kind: n.kind,
      name: n.name,
      event: n.event,
      service: n.service,
      role: n.role,
      ...(n.capacity !== undefined ? { capacity: n.capacity } : {}),
      ...(n.downAt !== undefined ? { downAt: n.downAt } : {}),
    };
  });
  const edges: ResultModel['edges'] = model.edgeKind.map((kind, e) => [model.edgeSource[e]!, model.edgeTarget[e]!, kind]);
  return { nodes, edges };
}

/**
 * analysis: the model -> findings. Runs every basic event as a single
 * failure, applies the resilience policy, and lets each finding kind detect.
 */
import { UsageError } from '../errors.js';
import type { StackInput } from '../ingest/types.js';
import type { Model } from '../model/index.js';
import { VERSION } from '../version.js';
import { DOWN, Engine, STATE_NAMES, STRANDED, type StateCode } from './engine.js';
import type { FindingContext, ServiceHit, StrandedGroup } from './findings/context.js';
import { FINDING_KINDS } from './findings/index.js';
import { minimalCutSets } from './cutsets.js';
import { eventRefOf, nodeCollector } from './describe.js';
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
  /** Add the whole model to the result (`result.model`), for reporters that simulate in the page (html). */
  includeModel?: boolean;
  /** Estimate each critical service's availability from its minimal cut sets (at least pairs). */
  availability?: boolean;
}

export function resolvePolicy(model: Model, tolerate = 'zone'): Policy {
  const rank = model.domainRanks[tolerate];
  if (rank === undefined) {
    const kinds = Object.keys(model.domainRanks).sort((a, b) => model.domainRanks[a]! - model.domainRanks[b]! || byText(a, b));
    throw new UsageError(`--tolerate ${tolerate}: unknown domain kind; use one of ${kinds.join(', ')}`);
  }
  return { tolerate, tolerateRank: rank };
}

export function analyzeModel(model: Model, inputs: StackInput[], options: AnalyzeOptions = {}): AnalysisResult {
  const policy = resolvePolicy(model, options.tolerate);
  const engine = new Engine(model);
  const serviceIdx: number[] = [];
  engine.nodes.forEach((n, i) => {
    if (n.kind === 'service') serviceIdx.push(i);
  });
  const services = serviceIdx.map((i) => engine.nodes[i]!).filter((n) => n.kind === 'service');
  const totalCritical = services.filter((s) => s.kind === 'service' && s.critical).length;

  // Events in the model's order, which follows the input's: domains first, then components.
  const events = engine.basicEvents();
  events.sort((a, b) => (engine.kindOf(a) === 'domain' ? 0 : 1) - (engine.kindOf(b) === 'domain' ? 0 : 1) || a - b);

  // Identity nodes: lone identity components, and groups of identity replicas.
  const isIdentity = new Uint8Array(engine.size);
  engine.nodes.forEach((n, i) => {
    if (n.kind === 'component' && n.role === 'identity') {
      const g = n.group ? engine.index.get(n.group) : undefined;
      isIdentity[g ?? i] = 1;
    }
  });

  // Recovery tools: whatever some group recovers with.
  const isTool = new Uint8Array(engine.size);
  const recoveryGroups: FindingContext['recoveryGroups'] = [];
  engine.nodes.forEach((n, i) => {
    if (n.kind !== 'group') return;
    const tools = engine.toolsOf(i);
    if (tools.length === 0) return;
    for (const t of tools) isTool[t] = 1;
    recoveryGroups.push({
      id: n.id,
      name: n.name,
      n: n.n,
      tools: tools.map((t) => engine.ids[t]!).sort(byText),
      dependents: engine.dependentServices(i).map((s) => engine.nodes[s]!).flatMap((d) => (d.kind === 'service' ? [{ service: d.name, critical: d.critical }] : [])).sort((a, b) => byText(a.service, b.service)),
    });
  });
  recoveryGroups.sort((a, b) => byText(a.id, b.id));

  // Every basic event, once. Outcomes are kept only where something is lost.
  const inPolicy = (event: number): boolean => {
    const node = engine.nodes[event]!;
    return node.kind !== 'domain' || node.rank <= policy.tolerateRank;
  };
  const outcomes: FindingContext['outcomes'] = [];
  for (const event of events) {
    const hurt = engine.evaluate([event]);
    // Beyond the policy (info), explain only critical services: a region loss names every service.
    const explainAll = inPolicy(event);
    const hit: ServiceHit[] = [];
    const stranded: StrandedGroup[] = [];
    const lostIdentities: string[] = [];
    const lostTools: string[] = [];
    const lostQuorums: string[] = [];
    for (const i of hurt) {
      const node = engine.nodes[i]!;
      const code = engine.stateOf(i) as StateCode;
      if (node.kind === 'service') {
        hit.push({ service: node.name, critical: node.critical, state: STATE_NAMES[code], stateCode: code, path: code >= STRANDED && (explainAll || node.critical) ? engine.explain(i) : [] });
      } else if (node.kind === 'group' && code === STRANDED) {
        const lost = engine.lostMemberOf(i);
        stranded.push({
          group: node.id,
          ...(lost >= 0 ? { lostMember: engine.ids[lost]! } : {}),
          survivors: engine.componentsOf(i).filter((m) => engine.stateOf(m) < DOWN).map((m) => engine.ids[m]!),
          tools: engine.lostToolsOf(i).map((t) => engine.ids[t]!).sort(byText),
        });
      }
      if (isIdentity[i] && code >= STRANDED) lostIdentities.push(engine.ids[i]!);
      if (isTool[i] && code >= STRANDED) lostTools.push(engine.ids[i]!);
      if (node.kind === 'group' && node.quorum && code === DOWN) lostQuorums.push(node.id);
    }
    if (!hit.some((h) => h.stateCode >= STRANDED) && stranded.length === 0 && lostIdentities.length === 0 && lostTools.length === 0 && lostQuorums.length === 0) continue;
    hit.sort((a, b) => b.stateCode - a.stateCode || byText(a.service, b.service));
    stranded.sort((a, b) => byText(a.group, b.group));
    outcomes.push({ event, outcome: { services: hit, stranded, lostIdentities: lostIdentities.sort(byText), lostTools: lostTools.sort(byText), lostQuorums: lostQuorums.sort(byText) } });
  }

  // Shared risk groups (--order k): minimal cut sets of the critical services.
  const cutSets: FindingContext['cutSets'] = [];
  const analysisErrors: AnalysisResult['analysisErrors'] = [];
  const order = options.order ?? 1;
  const searchOrder = Math.max(order, options.availability ? 2 : 1);
  const criticalIdx = serviceIdx.filter((i) => {
    const n = engine.nodes[i]!;
    return n.kind === 'service' && n.critical;
  });
  let availability: AvailabilityEstimate | undefined;
  if (searchOrder >= 2) {
    const search = minimalCutSets(engine, events, criticalIdx, searchOrder, options.orderBudget);
    if (order >= 2) {
      for (const set of search.sets) {
        if (set.events.length > order) continue;
        engine.evaluate(set.events);
        const hits: ServiceHit[] = set.services.map((i) => {
          const node = engine.nodes[i]!;
          const code = engine.stateOf(i) as StateCode;
          return { service: node.name, critical: node.kind === 'service' && node.critical, state: STATE_NAMES[code], stateCode: code, path: engine.explain(i) };
        });
        hits.sort((a, b) => b.stateCode - a.stateCode || byText(a.service, b.service));
        cutSets.push({ events: set.events, services: hits });
      }
    }
    if (search.capped) {
      analysisErrors.push({
        rule: order >= 2 ? 'shared-risk-group' : 'availability',
        message: `stopped after ${search.evaluated} scenarios at order ${searchOrder}: the ${order >= 2 ? 'shared risk groups listed' : 'availability estimate'} may be incomplete; lower --order or analyze fewer stacks at once`,
      });
    }
    if (options.availability) {
      const isCritical = new Uint8Array(engine.size);
      for (const i of criticalIdx) isCritical[i] = 1;
      const singles = outcomes.map(({ event, outcome }) => ({
        events: [event],
        services: outcome.services.filter((h) => h.critical && h.stateCode >= STRANDED).map((h) => engine.index.get(`service:${h.service}`)!),
      }));
      availability = estimateAvailability(engine, model, searchOrder, [...singles, ...search.sets], criticalIdx);
    }
  }

  const identities: FindingContext['identities'] = [];
  isIdentity.forEach((flag, i) => {
    if (!flag) return;
    const node = engine.nodes[i]!;
    const dependents = engine.dependentServices(i).map((s) => engine.nodes[s]!).filter((n) => n.kind === 'service');
    identities.push({
      id: node.id,
      name: node.name,
      service: node.kind === 'group' || node.kind === 'component' ? node.service : node.name,
      dependents: dependents.map((d) => ({ service: d.name, critical: d.kind === 'service' && d.critical })).sort((a, b) => byText(a.service, b.service)),
      locations: engine.componentsOf(i).flatMap((c) => {
        const n = engine.nodes[c]!;
        return n.kind === 'component' && n.source ? [n.source] : [];
      }),
    });
  });
  identities.sort((a, b) => byText(a.id, b.id));

  const ctx: FindingContext = {
    outcomes,
    cutSets,
    identities,
    recoveryGroups,
    totalServices: services.length,
    serviceNames: services.map((x) => x.name).sort(byText),
    totalCritical,
    groupOf(id) {
      const i = engine.index.get(id);
      const n = i === undefined ? undefined : engine.nodes[i];
      if (!n || n.kind !== 'group') return undefined;
      const members = engine.componentsOf(i!).map((m) => engine.nodes[m]!);
      return {
        id: n.id,
        name: n.name,
        k: n.k,
        n: n.n,
        members: members.map((m) => m.id),
        dependents: engine.dependentServices(i!).map((d) => engine.nodes[d]!).flatMap((d) => (d.kind === 'service' ? [{ service: d.name, critical: d.critical }] : [])),
        locations: members.flatMap((m) => (m.kind === 'component' && m.source ? [m.source] : [])),
      };
    },
    nameOf(id) {
      const i = engine.index.get(id);
      return i === undefined ? id : engine.nodes[i]!.name;
    },
    eventRef: (event) => eventRefOf(engine, event),
    inPolicy,
    inPolicyFor(event, service) {
      const node = engine.nodes[event]!;
      if (node.kind !== 'domain') return true;
      const i = engine.index.get(`service:${service}`);
      const svc = i === undefined ? undefined : engine.nodes[i];
      const tolerate = svc?.kind === 'service' ? svc.tolerate : undefined;
      return node.rank <= (tolerate !== undefined ? model.domainRanks[tolerate]! : policy.tolerateRank);
    },
    locationsOf(event) {
      const node = engine.nodes[event]!;
      return node.kind === 'component' && node.source ? [node.source] : [];
    },
  };

  const findings: Finding[] = [];
  for (const kind of Object.keys(FINDING_KINDS).sort()) {
    try {
      findings.push(...FINDING_KINDS[kind]!.detect(ctx));
    } catch (err) {
      analysisErrors.push({ rule: kind, message: err instanceof Error ? err.message : String(err) });
    }
  }
  findings.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      b.blastRadius.critical - a.blastRadius.critical ||
      b.blastRadius.services - a.blastRadius.services ||
      byText(a.event.id, b.event.id) ||
      byText(a.id, b.id),
  );

  // Nodes that findings name, in the order findings name them (deterministic: findings are sorted).
  const { nodes, note } = nodeCollector(engine);
  for (const f of findings) {
    note(f.event.id);
    f.evidence?.nodes.forEach(note);
    for (const a of f.affected) for (const s of a.path) {
      note(s.node);
      if (s.lostMember) note(s.lostMember);
    }
    for (const g of f.stranded) {
      note(g.group);
      if (g.lostMember) note(g.lostMember);
      g.tools.forEach(note);
      g.survivors.forEach(note);
    }
  }

  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  let components = 0;
  let domains = 0;
  for (const n of engine.nodes) {
    if (n.kind === 'component') components++;
    else if (n.kind === 'domain') domains++;
  }
  return {
    schemaVersion: 1,
    tool: { name: 'firebreak', version: VERSION },
    inputs: inputs.map((i) => ({ input: i.input, kind: i.kind, project: i.project, stack: i.stack, resources: i.resources.length })),
    policy,
    summary: {
      resources: inputs.reduce((n, i) => n + i.resources.length, 0),
      components,
      domains,
      services: services.length,
      criticalServices: totalCritical,
      allCritical: model.allCritical,
      events: events.length,
      domainEvents: events.filter((e) => engine.kindOf(e) === 'domain' && inPolicy(e)).length,
      findings: counts,
    },
    services: services
      .map((s) => ({ name: s.name, critical: s.kind === 'service' && s.critical }))
      .sort((a, b) => byText(a.name, b.name)),
    findings,
    nodes,
    blindSpots: [...model.blindSpots].sort((a, b) => byText(a.kind, b.kind) || byText(a.subject, b.subject)),
    warnings: inputs.flatMap((i) => i.warnings).concat(model.warnings),
    analysisErrors,
    ...(availability ? { availability } : {}),
    ...(options.includeModel ? { model: resultModel(model) } : {}),
  };
}

/** The model as plain data: nodes in the model's order, edges as [source, target, kind]. */
export function resultModel(model: Model): ResultModel {
  const nodes: ResultModel['nodes'] = model.nodes.map((n) => {
    if (n.kind === 'domain') return { id: n.id, kind: n.kind, name: n.name, domainKind: n.domainKind };
    if (n.kind === 'group') return { id: n.id, kind: n.kind, name: n.name, k: n.k, n: n.n, service: n.service };
    if (n.kind === 'service') return { id: n.id, kind: n.kind, name: n.name, critical: n.critical };
    return { id: n.id, kind: n.kind, name: n.name, event: n.event, service: n.service, role: n.role };
  });
  const edges: ResultModel['edges'] = model.edgeKind.map((kind, e) => [model.edgeSource[e]!, model.edgeTarget[e]!, kind]);
  return { nodes, edges };
}

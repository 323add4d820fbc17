/**
 * The plan search as it was before the fast search (wave 5): every candidate
 * set copies the whole graph through graphology and evaluates every single
 * domain loss on a new engine. Kept only as the reference the fast search is
 * checked against (test/analysis/plan.reference.test.ts); not used by src.
 */
import { DirectedGraph } from 'graphology';
// What the fast search did not change is the source's own: only the search and the graph copy are kept here as they were.
import {
  combinations,
  describeFailures,
  failures,
  newGroupNames,
  ordered,
  placedComponent,
  planStart,
  type PlanOptions,
  type PlanResult,
} from '../../src/analysis/plan.js';
import {
  majorityOf,
  modelFromGraph,
  type ComponentNode,
  type DomainNode,
  type GroupNode,
  type Model,
  type ModelEdge,
  type ModelNode,
} from '../../src/model/index.js';
import { VERSION } from '../../src/version.js';
import { judgementOf } from '../../src/analysis/judged.js';

/** The model with each listed component duplicated into the new domain. */
export function referenceDuplicateInto(model: Model, components: string[], domain: DomainNode): Model {
  const base = model.graph();
  const graph = new DirectedGraph<ModelNode, ModelEdge>();
  base.forEachNode((id, attrs) => graph.addNode(id, { ...attrs }));
  base.forEachEdge((_e, attrs, s, t) => graph.addDirectedEdge(s, t, { ...attrs }));
  if (!graph.hasNode(domain.id)) {
    graph.addNode(domain.id, domain);
    if (domain.parent) graph.addDirectedEdge(domain.id, domain.parent, { kind: 'within' });
  }
  const suffix = domain.name;
  for (const id of components) {
    const c = graph.getNodeAttributes(id) as ComponentNode;
    let groupId = c.group;
    if (!groupId) {
      // A lone component becomes a group of itself and its copy; its requirers require the group.
      groupId = `group:${c.service}/${c.name}`;
      const group: GroupNode = { kind: 'group', id: groupId, name: `${c.service}/${c.name}`, service: c.service, k: 1, n: 1, quorum: false };
      graph.addNode(groupId, group);
      for (const e of [...graph.inEdges(id)]) {
        const kind = graph.getEdgeAttribute(e, 'kind');
        if (kind !== 'requires' && kind !== 'recovers-with') continue;
        const from = graph.source(e);
        graph.dropEdge(e);
        if (from !== groupId && !graph.hasDirectedEdge(from, groupId)) graph.addDirectedEdge(from, groupId, { kind });
      }
      // What rebuilding it needed (a lone component's recovers-with) is what the new group fails over with.
      for (const e of [...graph.outEdges(id)]) {
        if (graph.getEdgeAttribute(e, 'kind') !== 'recovers-with') continue;
        const to = graph.target(e);
        graph.dropEdge(e);
        if (!graph.hasDirectedEdge(groupId, to)) graph.addDirectedEdge(groupId, to, { kind: 'recovers-with' });
      }
      graph.addDirectedEdge(id, groupId, { kind: 'member-of' });
      graph.mergeNodeAttributes(id, { group: groupId });
    }
    const g = graph.getNodeAttributes(groupId) as GroupNode;
    graph.mergeNodeAttributes(groupId, { n: g.n + 1, ...(g.majority ? { k: majorityOf(g.n + 1) } : {}) });
    const copyId = `${id}#${suffix}`;
    const copy: ComponentNode = {
      ...c,
      id: copyId,
      urn: `${c.urn}-${suffix}`,
      name: `${c.name}-${suffix}`,
      event: true,
      placedBy: 'firebreak plan',
      group: groupId,
    };
    delete copy.source;
    graph.addNode(copyId, copy);
    graph.addDirectedEdge(copyId, domain.id, { kind: 'placed-in' });
    graph.addDirectedEdge(copyId, groupId, { kind: 'member-of' });
    for (const e of graph.outEdges(id)) {
      if (graph.getEdgeAttribute(e, 'kind') !== 'requires') continue;
      const t = graph.target(e);
      if (t !== groupId && !graph.hasDirectedEdge(copyId, t)) graph.addDirectedEdge(copyId, t, { kind: 'requires' });
    }
  }
  return modelFromGraph(graph, {
    allCritical: model.allCritical,
    domainRanks: model.domainRanks,
    reliability: model.reliability,
    blindSpots: model.blindSpots,
    warnings: model.warnings,
  });
}

export function referencePlan(model: Model, options: PlanOptions, exactLimit = 12): PlanResult {
  const { start, fromIdx, domain, candidates } = planStart(model, options);
  const engine = start.engine;
  const works = (set: string[]): boolean => failures(referenceDuplicateInto(model, set, domain), options.policy.tolerateRank).list.length === 0;

  let chosen: string[] | undefined;
  let method: PlanResult['method'] = 'greedy';
  if (start.list.length === 0) {
    chosen = [];
    method = 'exact';
  } else if (candidates.length <= exactLimit) {
    method = 'exact';
    for (let size = 1; size <= candidates.length && !chosen; size++) {
      for (const set of combinations(candidates, size)) {
        if (works(set)) {
          chosen = set;
          break;
        }
      }
    }
  }
  if (!chosen) {
    method = 'greedy';
    const picked: string[] = [];
    const stuck = new Set<string>();
    for (let round = 0; round < 10_000; round++) {
      const m = referenceDuplicateInto(model, picked, domain);
      const { engine: e, list } = failures(m, options.policy.tolerateRank);
      const open = list.flatMap((f) => f.services.map((s) => ({ d: f.domain, s }))).filter(({ d, s }) => !stuck.has(`${d}:${s}`));
      if (open.length === 0) break;
      const { d, s } = open[0]!;
      e.evaluate([d]);
      const c = placedComponent(e, e.explain(s));
      const id = c === undefined ? undefined : e.ids[c]!;
      if (!id || id.includes('#') || picked.includes(id)) {
        stuck.add(`${d}:${s}`);
        continue;
      }
      picked.push(id);
    }
    // Drop every step the plan can do without, latest first.
    for (let j = picked.length - 1; j >= 0; j--) {
      const without = picked.filter((_, k) => k !== j);
      if (works(without)) picked.splice(j, 1);
    }
    chosen = picked;
  }

  const planned = referenceDuplicateInto(model, chosen, domain);
  const after = failures(planned, options.policy.tolerateRank).list;
  const steps = ordered(engine, chosen, newGroupNames(model));
  return {
    schemaVersion: 1,
    tool: { name: 'firebreak', version: VERSION },
    inputs: options.inputs,
    policy: options.policy,
    newDomain: { id: domain.id, path: domain.path, kind: domain.domainKind, sibling: (engine.nodes[fromIdx] as DomainNode).path },
    method,
    candidates: candidates.length,
    steps,
    waves: steps.reduce((w, s) => Math.max(w, s.wave), 0),
    before: describeFailures(model, start.list),
    after: describeFailures(planned, after),
    ...judgementOf(model, options.resources),
    warnings: [...model.warnings],
  };
}

/**
 * The engine against a brute-force reference on random small models.
 *
 * The reference is written from DESIGN.md's semantics, not from the engine:
 * every node starts up; each round recomputes every node from the current
 * states of its inputs and keeps the worse of old and new, until a round
 * changes nothing (the least fixed point, since every rule is monotone).
 */
import fc from 'fast-check';
import { DirectedGraph } from 'graphology';
import { describe, expect, it } from 'vitest';
import { DOWN, Engine, STATE_NAMES, STRANDED, UP, type PathStep, type StateCode } from '../../src/analysis/engine.js';
import { modelFromGraph, type EdgeKind, type Model, type ModelEdge, type ModelNode } from '../../src/model/index.js';

const SEED = 20240611;
const STATE_CODE: Record<string, StateCode> = { up: 0, degraded: 1, stranded: 2, down: 3 };
const RUNS = 400;

// ---------------------------------------------------------------------------
// Reference evaluator

interface Reference {
  /** State of every node id (domains: down when lost). */
  state: Map<string, StateCode>;
  lostDomains: Set<string>;
}

function bruteForce(model: Model, failed: ReadonlySet<string>): Reference {
  const graph = model.graph();
  const out = (id: string, kind: EdgeKind): string[] => graph.outEdges(id).filter((e) => graph.getEdgeAttribute(e, 'kind') === kind).map((e) => graph.target(e));
  const into = (id: string, kind: EdgeKind): string[] => graph.inEdges(id).filter((e) => graph.getEdgeAttribute(e, 'kind') === kind).map((e) => graph.source(e));

  // A domain is lost when it, or any domain it is within, failed.
  const lostDomains = new Set<string>();
  for (const id of graph.nodes()) {
    if (graph.getNodeAttribute(id, 'kind') !== 'domain') continue;
    for (let d: string | undefined = id; d !== undefined; d = out(d, 'within')[0]) {
      if (failed.has(d)) {
        lostDomains.add(id);
        break;
      }
    }
  }

  const state = new Map<string, StateCode>(graph.nodes().map((id) => [id, UP]));
  const get = (id: string): StateCode => state.get(id)!;
  const worst = (ids: string[]): StateCode => ids.reduce<StateCode>((w, id) => (get(id) > w ? get(id) : w), UP);

  const compute = (node: ModelNode): StateCode => {
    switch (node.kind) {
      case 'domain':
        return lostDomains.has(node.id) ? DOWN : UP;
      case 'component': {
        const places = out(node.id, 'placed-in');
        const ownLoss = failed.has(node.id) || (places.length > 0 && places.every((d) => lostDomains.has(d)));
        return ownLoss ? DOWN : worst(out(node.id, 'requires'));
      }
      case 'group': {
        const members = into(node.id, 'member-of');
        const alive = members.filter((m) => get(m) < STRANDED).length;
        const lostSome = members.some((m) => get(m) >= STRANDED);
        const degradedSome = members.some((m) => get(m) === 1);
        const toolUnusable = out(node.id, 'recovers-with').some((t) => get(t) >= STRANDED);
        if (alive < node.k) return members.filter((m) => get(m) < DOWN).length >= node.k ? STRANDED : DOWN;
        if (lostSome && toolUnusable) return STRANDED;
        if (lostSome || degradedSome) return 1;
        return UP;
      }
      case 'service':
        return worst(out(node.id, 'requires'));
    }
  };

  for (let changed = true, rounds = 0; changed; rounds++) {
    if (rounds > 4 * graph.order + 10) throw new Error('reference did not converge');
    changed = false;
    graph.forEachNode((id, node) => {
      const next = Math.max(get(id), compute(node)) as StateCode;
      if (next !== get(id)) {
        state.set(id, next);
        changed = true;
      }
    });
  }
  return { state, lostDomains };
}

// ---------------------------------------------------------------------------
// Random models

interface RawModel {
  /** Parent seed per domain after the first: parent = seed % (i + 1) - 1 (so -1 is a new root). */
  domainParents: number[];
  components: Array<{ places: number[]; event: boolean; group: number }>;
  groupK: number[];
  requires: Array<[number, number]>;
  tools: number[][];
  services: number[][];
}

const rawModel: fc.Arbitrary<RawModel> = fc.record({
  domainParents: fc.array(fc.nat(), { minLength: 0, maxLength: 6 }),
  components: fc.array(
    fc.record({
      places: fc.array(fc.nat(), { maxLength: 3 }),
      // Mostly basic events; sometimes a component that fails only with its domains.
      event: fc.integer({ min: 0, max: 4 }).map((x) => x !== 0),
      group: fc.integer({ min: -2, max: 2 }),
    }),
    { minLength: 1, maxLength: 10 },
  ),
  groupK: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
  requires: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 14 }),
  // 0, 1 or 2 tools per group, equally likely (stranded needs a tool).
  tools: fc.array(fc.integer({ min: 0, max: 2 }).chain((n) => fc.array(fc.nat(), { minLength: n, maxLength: n })), { minLength: 3, maxLength: 3 }),
  services: fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
});

interface Built {
  model: Model;
  /** Basic events as node ids. */
  events: string[];
  description: string;
}

/** Turns raw numbers into a well-formed model: a domain forest, components, groups (one per component at most), services. */
function buildRandomModel(raw: RawModel): Built {
  const graph = new DirectedGraph<ModelNode, ModelEdge>();
  const lines: string[] = [];
  const edge = (kind: EdgeKind, from: string, to: string): void => {
    // At most one edge per direction between two nodes, and no self-loops (as in buildModel).
    if (from === to || graph.hasDirectedEdge(from, to)) return;
    graph.addDirectedEdge(from, to, { kind });
    lines.push(`  ${from} -${kind}-> ${to}`);
  };

  const domains: string[] = [];
  const parentOf: Array<number> = [-1];
  raw.domainParents.forEach((seed, j) => parentOf.push((seed % (j + 2)) - 1));
  parentOf.forEach((parent, i) => {
    const id = `domain:d${i}`;
    const parentId = parent >= 0 ? domains[parent]! : undefined;
    graph.addNode(id, { kind: 'domain', id, name: `d${i}`, domainKind: 'zone', rank: 4, path: `d${i}`, ...(parentId ? { parent: parentId } : {}) });
    domains.push(id);
  });
  parentOf.forEach((parent, i) => {
    if (parent >= 0) edge('within', domains[i]!, domains[parent]!);
  });

  // Groups: component i joins group (raw.group) when >= 0; groups with no members are dropped.
  const membersOf = new Map<number, number[]>();
  raw.components.forEach((c, i) => {
    if (c.group >= 0) membersOf.set(c.group, [...(membersOf.get(c.group) ?? []), i]);
  });
  const groups: Array<{ id: string; members: number[]; k: number; slot: number }> = [];
  for (const slot of [0, 1, 2]) {
    const members = membersOf.get(slot);
    if (!members) continue;
    const k = 1 + (raw.groupK[slot]! % members.length);
    groups.push({ id: `group:g${slot}`, members, k, slot });
  }
  const groupOfComponent = new Map<number, string>();
  for (const g of groups) for (const m of g.members) groupOfComponent.set(m, g.id);

  const components = raw.components.map((_, i) => `component:c${i}`);
  raw.components.forEach((c, i) => {
    const group = groupOfComponent.get(i);
    graph.addNode(components[i]!, {
      kind: 'component', id: components[i]!, urn: `urn:c${i}`, name: `c${i}`, type: 'test:index:Thing', role: 'compute',
      service: '', stack: 't', project: 't', event: c.event, placedBy: 'test', ...(group ? { group } : {}),
    });
  });
  for (const g of groups) graph.addNode(g.id, { kind: 'group', id: g.id, name: g.id.slice(6), service: '', k: g.k, n: g.members.length, quorum: g.k > 1 });

  raw.components.forEach((c, i) => {
    for (const p of c.places) edge('placed-in', components[i]!, domains[p % domains.length]!);
    const group = groupOfComponent.get(i);
    if (group) edge('member-of', components[i]!, group);
  });

  // Targets of requires and recovers-with: components and groups.
  const targets = [...components, ...groups.map((g) => g.id)];
  for (const [s, t] of raw.requires) {
    const from = components[s % components.length]!;
    const to = targets[t % targets.length]!;
    // A member never requires its own group (buildModel drops that edge).
    if (groupOfComponent.get(s % components.length) === to) continue;
    edge('requires', from, to);
  }
  groups.forEach((g) => {
    for (const t of raw.tools[g.slot]!) edge('recovers-with', g.id, targets[t % targets.length]!);
  });
  raw.services.forEach((reqs, i) => {
    const id = `service:s${i}`;
    graph.addNode(id, { kind: 'service', id, name: `s${i}`, critical: true });
    for (const r of reqs) edge('requires', id, targets[r % targets.length]!);
  });

  const model = modelFromGraph(graph, { allCritical: true, domainRanks: {}, blindSpots: [], warnings: [] });
  const events = [...domains, ...components.filter((_, i) => raw.components[i]!.event)];
  const nodeLines = graph.nodes().map((id) => {
    const n = graph.getNodeAttributes(id);
    return n.kind === 'group' ? `  ${id} (k=${n.k} of ${n.n})` : n.kind === 'component' && !n.event ? `  ${id} (no event)` : `  ${id}`;
  });
  return { model, events, description: ['nodes:', ...nodeLines, 'edges:', ...lines].join('\n') };
}

const scenario = (events: number) => fc.uniqueArray(fc.nat({ max: Math.max(0, events - 1) }), { minLength: 1, maxLength: 3 });

/** A raw model and 1-3 scenarios over its basic events (each a list of event positions). */
const modelAndScenarios = rawModel
  .map((raw) => ({ raw, built: buildRandomModel(raw) }))
  .chain(({ raw, built }) => fc.tuple(fc.constant(raw), fc.constant(built), fc.array(scenario(built.events.length), { minLength: 1, maxLength: 3 })))
  .map(([raw, built, scenarios]) => ({ raw, built, scenarios: scenarios.map((s) => s.map((e) => built.events[e]!)) }));

// ---------------------------------------------------------------------------
// Path validity

function edgeKindBetween(model: Model, from: string, to: string): EdgeKind | undefined {
  const graph = model.graph();
  return graph.hasDirectedEdge(from, to) ? graph.getEdgeAttribute(graph.directedEdge(from, to)!, 'kind') : undefined;
}

/** Why a path is not a valid explanation, or undefined when it is. */
function pathProblem(model: Model, engine: Engine, ref: Reference, failed: ReadonlySet<string>, start: string, path: PathStep[]): string | undefined {
  if (path.length === 0) return 'empty path';
  if (path[0]!.node !== start || path[0]!.edge !== undefined) return `first step is not ${start} itself`;
  for (let j = 0; j < path.length; j++) {
    const step = path[j]!;
    const i = engine.index.get(step.node);
    if (i === undefined) return `unknown node ${step.node}`;
    const node = engine.nodes[i]!;
    if (node.kind === 'domain') {
      if (!ref.lostDomains.has(step.node)) return `step ${j}: domain ${step.node} is not lost`;
    } else if (step.state !== STATE_NAMES[engine.stateOf(i)]) return `step ${j}: state ${step.state} is not the engine's ${STATE_NAMES[engine.stateOf(i)]}`;
    if (step.state === 'up') return `step ${j}: ${step.node} is up`;
    if (j === 0) continue;
    const prev = path[j - 1]!.node;
    const ok = (() => {
      switch (step.edge) {
        case 'requires':
          return edgeKindBetween(model, prev, step.node) === 'requires';
        case 'member':
          return edgeKindBetween(model, step.node, prev) === 'member-of';
        case 'recovers-with':
          return edgeKindBetween(model, prev, step.node) === 'recovers-with';
        case 'placed-in':
          return edgeKindBetween(model, prev, step.node) === 'placed-in';
        case 'within':
          return edgeKindBetween(model, prev, step.node) === 'within';
        default:
          return false;
      }
    })();
    if (!ok) return `step ${j}: no ${step.edge ?? '(missing)'} edge between ${prev} and ${step.node}`;
  }
  const last = path.at(-1)!.node;
  const lastNode = engine.nodes[engine.index.get(last)!]!;
  if (failed.has(last)) return undefined;
  if (lastNode.kind === 'domain' && ref.lostDomains.has(last)) return undefined;
  return `ends at ${last}, which is neither a failed event nor a lost domain`;
}

/**
 * Is some group on a cycle of "depends on" links (requires, group -> member,
 * group -> recovers-with tool)? Through a group a state can come back to a
 * node higher than it left (a stranded member makes its group down).
 */
function hasFeedbackCycle(model: Model): boolean {
  const graph = model.graph();
  const dependsOn = (x: string): string[] => {
    const out = graph.outEdges(x).filter((e) => ['requires', 'recovers-with'].includes(graph.getEdgeAttribute(e, 'kind'))).map((e) => graph.target(e));
    const members = graph.inEdges(x).filter((e) => graph.getEdgeAttribute(e, 'kind') === 'member-of').map((e) => graph.source(e));
    return [...out, ...members];
  };
  for (const g of graph.nodes()) {
    if (graph.getNodeAttribute(g, 'kind') !== 'group') continue;
    const seen = new Set<string>();
    const stack = dependsOn(g);
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (x === g) return true;
      if (seen.has(x)) continue;
      seen.add(x);
      stack.push(...dependsOn(x));
    }
  }
  return false;
}

// ---------------------------------------------------------------------------

describe('engine vs brute-force reference', () => {
  it('agrees on the state of every node, scenario after scenario on one engine', () => {
    const seen = [0, 0, 0, 0];
    fc.assert(
      fc.property(modelAndScenarios, ({ built, scenarios }) => {
        const engine = new Engine(built.model);
        for (const failedIds of scenarios) {
          const failed = new Set(failedIds);
          const hurt = engine.evaluate(failedIds.map((id) => engine.index.get(id)!));
          const ref = bruteForce(built.model, failed);
          const context = `${built.description}\nfailed: ${failedIds.join(', ')}`;
          const actual: Record<string, string> = {};
          const expected: Record<string, string> = {};
          engine.nodes.forEach((node, i) => {
            if (node.kind === 'domain') {
              actual[node.id] = engine.isDomainLost(i) ? 'lost' : 'intact';
              expected[node.id] = ref.lostDomains.has(node.id) ? 'lost' : 'intact';
            } else {
              actual[node.id] = STATE_NAMES[engine.stateOf(i)];
              expected[node.id] = STATE_NAMES[ref.state.get(node.id)!];
            }
          });
          expect(actual, context).toEqual(expected);
          for (const state of new Set(Object.values(actual))) if (state in STATE_CODE) seen[STATE_CODE[state]!]!++;
          // evaluate() reports exactly the components, groups and services that are not up.
          const notUp = engine.nodes.flatMap((n, i) => (n.kind !== 'domain' && engine.stateOf(i) !== UP ? [n.id] : []));
          expect(new Set(hurt.map((i) => engine.ids[i]!)), context).toEqual(new Set(notUp));
          expect(hurt.length, context).toBe(notUp.length);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The generator reaches every state often enough to mean something.
    expect(Math.min(...seen), `scenarios reaching up/degraded/stranded/down: ${seen.join('/')}`).toBeGreaterThan(40);
  });

  it('explains every hurt service (and every hurt node) with a valid path, in models without feedback cycles', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        modelAndScenarios.filter(({ built }) => !hasFeedbackCycle(built.model)),
        ({ built, scenarios }) => {
          const engine = new Engine(built.model);
          for (const failedIds of scenarios) {
            const failed = new Set(failedIds);
            engine.evaluate(failedIds.map((id) => engine.index.get(id)!));
            const ref = bruteForce(built.model, failed);
            engine.nodes.forEach((node, i) => {
              if (node.kind === 'domain' || engine.stateOf(i) === UP) return;
              const path = engine.explain(i);
              const problem = pathProblem(built.model, engine, ref, failed, node.id, path);
              expect(problem, `${built.description}\nfailed: ${failedIds.join(', ')}\nexplain(${node.id}): ${JSON.stringify(path)}`).toBeUndefined();
              if (node.kind === 'service') checked++;
            });
          }
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
    expect(checked).toBeGreaterThan(50);
  });

  /**
   * With a requires cycle from a group's member back into the group
   * (see engine.test.ts, "ends at a failed event even when a group feeds back
   * into its member through a cycle"), the chain of causes loops; explain() then searches.
   */
  it('explains every hurt service with a valid path, in any model', () => {
    fc.assert(
      fc.property(modelAndScenarios, ({ built, scenarios }) => {
        const engine = new Engine(built.model);
        for (const failedIds of scenarios) {
          const failed = new Set(failedIds);
          engine.evaluate(failedIds.map((id) => engine.index.get(id)!));
          const ref = bruteForce(built.model, failed);
          engine.nodes.forEach((node, i) => {
            if (node.kind !== 'service' || engine.stateOf(i) === UP) return;
            const path = engine.explain(i);
            const problem = pathProblem(built.model, engine, ref, failed, node.id, path);
            expect(problem, `${built.description}\nfailed: ${failedIds.join(', ')}\nexplain(${node.id}): ${JSON.stringify(path)}`).toBeUndefined();
          });
        }
      }),
      { numRuns: 3000, seed: SEED },
    );
  });
});

describe('the reference itself', () => {
  it('agrees with a hand-worked stranded example', () => {
    const graph = new DirectedGraph<ModelNode, ModelEdge>();
    const add = (n: ModelNode) => graph.addNode(n.id, n);
    add({ kind: 'domain', id: 'domain:a', name: 'a', domainKind: 'zone', rank: 4, path: 'a' });
    add({ kind: 'domain', id: 'domain:b', name: 'b', domainKind: 'zone', rank: 4, path: 'b' });
    for (const [name, zone] of [['p', 'a'], ['s', 'b'], ['tool', 'a']] as const) {
      add({ kind: 'component', id: `component:${name}`, urn: name, name, type: 't', role: 'compute', service: '', stack: '', project: '', event: true, placedBy: '' });
      graph.addDirectedEdge(`component:${name}`, `domain:${zone}`, { kind: 'placed-in' });
    }
    add({ kind: 'group', id: 'group:db', name: 'db', service: '', k: 1, n: 2, quorum: false });
    graph.addDirectedEdge('component:p', 'group:db', { kind: 'member-of' });
    graph.addDirectedEdge('component:s', 'group:db', { kind: 'member-of' });
    graph.addDirectedEdge('group:db', 'component:tool', { kind: 'recovers-with' });
    add({ kind: 'service', id: 'service:x', name: 'x', critical: true });
    graph.addDirectedEdge('service:x', 'group:db', { kind: 'requires' });
    const model = modelFromGraph(graph);
    const names = (ref: Reference) => Object.fromEntries(['group:db', 'service:x'].map((id) => [id, STATE_NAMES[ref.state.get(id)!]]));
    expect(names(bruteForce(model, new Set(['domain:a'])))).toEqual({ 'group:db': 'stranded', 'service:x': 'stranded' });
    expect(names(bruteForce(model, new Set(['domain:b'])))).toEqual({ 'group:db': 'degraded', 'service:x': 'degraded' });
    expect(names(bruteForce(model, new Set(['domain:a', 'domain:b'])))).toEqual({ 'group:db': 'down', 'service:x': 'down' });
    expect(names(bruteForce(model, new Set(['component:tool'])))).toEqual({ 'group:db': 'up', 'service:x': 'up' });
  });
});

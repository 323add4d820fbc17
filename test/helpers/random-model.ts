/**
 * Random small models and a brute-force reference evaluator, written from
 * DESIGN.md's semantics rather than from the engine: every node starts up;
 * each round recomputes every node from the current states of its inputs and
 * keeps the worse of old and new, until a round changes nothing (the least
 * fixed point, since every rule is monotone).
 */
import fc from 'fast-check';
import { DirectedGraph } from 'graphology';
import { DOWN, STRANDED, UP, type StateCode } from '../../src/analysis/engine.js';
import { majorityOf, modelFromGraph, type EdgeKind, type Model, type ModelEdge, type ModelNode } from '../../src/model/index.js';

// ---------------------------------------------------------------------------
// Reference evaluator

export interface Reference {
  /** State of every node id (domains: down when lost). */
  state: Map<string, StateCode>;
  lostDomains: Set<string>;
}

export function bruteForce(model: Model, failed: ReadonlySet<string>): Reference {
  const graph = model.graph();
  const out = (id: string, kind: EdgeKind): string[] =>
    graph
      .outEdges(id)
      .filter((e) => graph.getEdgeAttribute(e, 'kind') === kind)
      .map((e) => graph.target(e));
  const into = (id: string, kind: EdgeKind): string[] =>
    graph
      .inEdges(id)
      .filter((e) => graph.getEdgeAttribute(e, 'kind') === kind)
      .map((e) => graph.source(e));

  // A domain is lost when it, or any domain it is within (through any of its parents), failed.
  const lostDomains = new Set<string>();
  for (const id of graph.nodes()) {
    if (graph.getNodeAttribute(id, 'kind') !== 'domain') continue;
    const stack = [id];
    const seen = new Set<string>();
    while (stack.length > 0) {
      const d = stack.pop()!;
      if (seen.has(d)) continue;
      seen.add(d);
      if (failed.has(d)) {
        lostDomains.add(id);
        break;
      }
      stack.push(...out(d, 'within'));
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
        // Lost when its placements are: all of them, or (n instances over more zones) downAt of them.
        // With a known capacity, losing some but not enough degrades it.
        const places = out(node.id, 'placed-in');
        const lost = places.filter((d) => lostDomains.has(d)).length;
        const need = node.downAt !== undefined && node.downAt >= 1 && node.downAt < places.length ? node.downAt : places.length;
        const ownLoss = failed.has(node.id) || (places.length > 0 && lost >= need);
        if (ownLoss) return DOWN;
        const partial = node.capacity !== undefined && lost > 0 ? 1 : UP;
        return Math.max(partial, worst(out(node.id, 'requires'))) as StateCode;
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

export interface RawModel {
  /** Parent seed per domain after the first: parent = seed % (i + 1) - 1 (so -1 is a new root). */
  domainParents: number[];
  /** Extra parents (a shared power feed): [child seed, parent seed], kept acyclic (parent index < child index). */
  extraParents: Array<[number, number]>;
  /** capacity: instances it keeps (0: none known); downAt: placements whose loss stops it (0: all). */
  components: Array<{ places: number[]; event: boolean; group: number; capacity: number; downAt: number }>;
  groupK: number[];
  requires: Array<[number, number]>;
  tools: number[][];
  services: number[][];
}

export const rawModel: fc.Arbitrary<RawModel> = fc.record({
  domainParents: fc.array(fc.nat(), { minLength: 0, maxLength: 6 }),
  extraParents: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 2 }),
  components: fc.array(
    fc.record({
      places: fc.array(fc.nat(), { maxLength: 3 }),
      // Mostly basic events; sometimes a component that fails only with its domains.
      event: fc.integer({ min: 0, max: 4 }).map((x) => x !== 0),
      group: fc.integer({ min: -2, max: 2 }),
      // Capacity-derived components: n instances over their zones, lost when downAt of them are.
      capacity: fc.integer({ min: -2, max: 3 }).map((x) => Math.max(0, x)),
      downAt: fc.integer({ min: -1, max: 2 }).map((x) => Math.max(0, x)),
    }),
    { minLength: 1, maxLength: 10 },
  ),
  groupK: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
  requires: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 14 }),
  // 0, 1 or 2 tools per group, equally likely (stranded needs a tool).
  tools: fc.array(
    fc.integer({ min: 0, max: 2 }).chain((n) => fc.array(fc.nat(), { minLength: n, maxLength: n })),
    { minLength: 3, maxLength: 3 },
  ),
  services: fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
});

export interface Built {
  model: Model;
  /** Basic events as node ids. */
  events: string[];
  description: string;
}

/** Turns raw numbers into a well-formed model: a domain forest, components, groups (one per component at most), services. */
export function buildRandomModel(raw: RawModel): Built {
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
  for (const [c, p] of raw.extraParents) {
    if (domains.length < 2) break;
    const child = 1 + (c % (domains.length - 1));
    edge('within', domains[child]!, domains[p % child]!);
  }

  // Groups: component i joins group (raw.group) when >= 0; groups with no members are dropped.
  const membersOf = new Map<number, number[]>();
  raw.components.forEach((c, i) => {
    if (c.group >= 0) membersOf.set(c.group, [...(membersOf.get(c.group) ?? []), i]);
  });
  const groups: Array<{ id: string; members: number[]; k: number; majority: boolean; slot: number }> = [];
  for (const slot of [0, 1, 2]) {
    const members = membersOf.get(slot);
    if (!members) continue;
    const k = 1 + (raw.groupK[slot]! % members.length);
    // Some groups whose k is a majority say so (a majority quorum: its k follows n when plan adds members).
    const majority = members.length >= 2 && k === majorityOf(members.length) && raw.groupK[slot]! % 2 === 0;
    groups.push({ id: `group:g${slot}`, members, k, majority, slot });
  }
  const groupOfComponent = new Map<number, string>();
  for (const g of groups) for (const m of g.members) groupOfComponent.set(m, g.id);

  const components = raw.components.map((_, i) => `component:c${i}`);
  raw.components.forEach((c, i) => {
    const group = groupOfComponent.get(i);
    graph.addNode(components[i]!, {
      kind: 'component',
      id: components[i]!,
      urn: `urn:c${i}`,
      name: `c${i}`,
      type: 'test:index:Thing',
      role: 'compute',
      service: '',
      stack: 't',
      project: 't',
      event: c.event,
      placedBy: 'test',
      ...(group ? { group } : {}),
      ...(c.capacity > 0 ? { capacity: c.capacity } : {}),
      ...(c.capacity > 0 && c.downAt > 0 ? { downAt: c.downAt } : {}),
    });
  });
  for (const g of groups) {
    graph.addNode(g.id, {
      kind: 'group',
      id: g.id,
      name: g.id.slice(6),
      service: '',
      k: g.k,
      n: g.members.length,
      quorum: g.majority || g.k > 1,
      ...(g.majority ? { majority: true as const } : {}),
    });
  }

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
    if (n.kind === 'group') return `  ${id} (k=${n.k} of ${n.n}${n.majority ? ', majority' : ''})`;
    if (n.kind !== 'component') return `  ${id}`;
    const notes = [
      ...(!n.event ? ['no event'] : []),
      ...(n.capacity !== undefined ? [`capacity ${n.capacity}`] : []),
      ...(n.downAt !== undefined ? [`down at ${n.downAt}`] : []),
    ];
    return notes.length > 0 ? `  ${id} (${notes.join(', ')})` : `  ${id}`;
  });
  return { model, events, description: ['nodes:', ...nodeLines, 'edges:', ...lines].join('\n') };
}

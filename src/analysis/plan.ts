/**
 * plan: the smallest set of components to duplicate into a new domain so
 * that every critical service survives the loss of any single domain within
 * the policy, and the order to do it in.
 *
 * Duplicating a component adds a replica of it, placed in the new domain,
 * that requires what the original requires; the original and the copy form
 * a replica group (or the copy joins the original's group), and whatever
 * required the original now requires the group.
 *
 * Search: when at most EXACT_LIMIT components could matter, every subset is
 * tried by increasing size (exact). Otherwise a greedy search follows the
 * explanation path of each remaining failure to the component placed in the
 * lost domain and duplicates it, then drops every step the plan can do
 * without (the result is minimal: no step can be left out; it is not
 * guaranteed to be the smallest). Each candidate plan is evaluated only where
 * it can change anything (Scoped), never on a copy of the whole model.
 */
import { DirectedGraph } from 'graphology';
import { UsageError, type Warning } from '../errors.js';
import type { ResourceRecord, StackInput } from '../ingest/types.js';
import {
  majorityOf,
  type ComponentNode,
  type DomainNode,
  type EdgeKind,
  type GroupNode,
  type Model,
  type ModelEdge,
  type ModelGraph,
  type ModelNode,
} from '../model/index.js';
import { VERSION } from '../version.js';
import { Engine, STRANDED } from './engine.js';
import { resolveEvents } from './whatif.js';
import type { Policy } from './types.js';
import { byText } from '../text.js';
import { judgementOf, type Judgement } from './judged.js';

export const EXACT_LIMIT = 12;

export interface PlanStep {
  /** The component to duplicate (node id) and its resource. */
  component: string;
  urn: string;
  name: string;
  role: string;
  service: string;
  /** Where it runs today (domain paths). */
  from: string[];
  /** The group the original and its copy form (or join). */
  group: string;
  /** 1 = first; a step's wave is after every wave of what it requires. */
  wave: number;
  /** Planned components this one requires (ids), which come in earlier waves. */
  after: string[];
}

export interface PlanResult {
  schemaVersion: 1;
  tool: { name: 'firebreak'; version: string };
  inputs: Array<{ input: string; project: string; stack: string }>;
  policy: Policy;
  newDomain: { id: string; path: string; kind: string; sibling: string };
  method: 'exact' | 'greedy';
  /** Candidate components considered. */
  candidates: number;
  steps: PlanStep[];
  waves: number;
  /** Before the plan: single-domain losses that take a critical service down or strand it. */
  before: Array<{ domain: string; services: string[] }>;
  /** After the plan (empty when the plan works). */
  after: Array<{ domain: string; services: string[] }>;
  /** The inputs' counts of resources by class (as AnalysisResult's summary.coverage): the plan holds for what was judged. */
  coverage: Judgement['coverage'];
  /** As in AnalysisResult: what firebreak could not judge, and the resources counted unjudged. */
  blindSpots: Judgement['blindSpots'];
  unjudged: Judgement['unjudged'];
  /** As in AnalysisResult: what reading the inputs and building the model warned of (the library adds the inputs' own). */
  warnings: Warning[];
}

export interface Failure {
  domain: number;
  services: number[];
}

/** Single in-policy domain losses that take a critical service down or strand it. */
export function failures(model: Model, tolerateRank: number): { engine: Engine; list: Failure[] } {
  const engine = new Engine(model);
  const critical = engine.nodes.flatMap((n, i) => (n.kind === 'service' && n.critical ? [i] : []));
  const list: Failure[] = [];
  engine.nodes.forEach((n, d) => {
    if (n.kind !== 'domain' || n.rank > tolerateRank) return;
    engine.evaluate([d]);
    const lost = critical.filter((s) => engine.stateOf(s) >= STRANDED);
    if (lost.length > 0) list.push({ domain: d, services: lost });
  });
  return { engine, list };
}

/** Edge positions by node: those of node x are data[start[x] .. start[x + 1]), in model order. */
class EdgeLists {
  private readonly start: Int32Array;
  private readonly data: Int32Array;

  constructor(n: number, edges: number, nodeOf: (e: number) => number, keep: (e: number) => boolean = () => true) {
    this.start = new Int32Array(n + 1);
    for (let e = 0; e < edges; e++) if (keep(e)) this.start[nodeOf(e) + 1]!++;
    for (let i = 0; i < n; i++) this.start[i + 1]! += this.start[i]!;
    const fill = this.start.slice(0, n);
    this.data = new Int32Array(this.start[n]!);
    for (let e = 0; e < edges; e++) if (keep(e)) this.data[fill[nodeOf(e)]!++] = e;
  }

  of(x: number): Int32Array {
    return this.data.subarray(this.start[x]!, this.start[x + 1]!);
  }
}

/** A model's edges by source and by target, built once per model and kept. */
interface Adjacency {
  out: EdgeLists;
  into: EdgeLists;
  /** Member-of edges into each node (a group's members: few, where its other in-edges may be thousands). */
  members: EdgeLists;
}

const adjacencies = new WeakMap<Model, Adjacency>();

function adjacencyOf(model: Model): Adjacency {
  let adjacency = adjacencies.get(model);
  if (!adjacency) {
    const n = model.nodes.length;
    const edges = model.edgeKind.length;
    adjacency = {
      out: new EdgeLists(n, edges, (e) => model.edgeSource[e]!),
      into: new EdgeLists(n, edges, (e) => model.edgeTarget[e]!),
      members: new EdgeLists(
        n,
        edges,
        (e) => model.edgeTarget[e]!,
        (e) => model.edgeKind[e] === 'member-of',
      ),
    };
    adjacencies.set(model, adjacency);
  }
  return adjacency;
}

/**
 * The name of the group a lone component and its copy become: `service/name`, or, when a group of the model has that
 * name already or another lone component would take it too, `service/name (its id)`. Made from the whole model, so a
 * cut of it names them the same.
 */
export function newGroupNames(model: Model): (c: ComponentNode) => string {
  const base = (c: ComponentNode): string => `${c.service}/${c.name}`;
  const wanted = new Map<string, number>();
  for (const n of model.nodes) if (n.kind === 'component' && !n.group) wanted.set(base(n), (wanted.get(base(n)) ?? 0) + 1);
  return (c) => {
    const name = base(c);
    return wanted.get(name)! > 1 || model.index.has(`group:${name}`) ? `${name} (${c.id.replace(/^component:/, '')})` : name;
  };
}

/**
 * The model with each listed component duplicated into the new domain.
 *
 * Built on flat arrays, not on a copy of the graph: nodes keep their positions
 * and new ones follow in the order they are made; an edge that is moved (to a
 * new group) is dropped from its place and added at the end, as removing and
 * re-adding it in a graph would. The model given is left as it was.
 */
export function duplicateInto(model: Model, components: string[], domain: DomainNode, groupName: (c: ComponentNode) => string = newGroupNames(model)): Model {
  const base = adjacencyOf(model);
  const nodes: ModelNode[] = model.nodes.slice();
  const index = new Map(model.index);
  const kind: EdgeKind[] = model.edgeKind.slice();
  const source: number[] = model.edgeSource.slice();
  const target: number[] = model.edgeTarget.slice();
  const baseEdges = kind.length;
  const dropped = new Uint8Array(baseEdges);
  const dead = new Set<number>(); // dropped edges among those added here
  const addedOut = new Map<number, number[]>();
  const addedIn = new Map<number, number[]>();
  const alive = (e: number): boolean => (e < baseEdges ? dropped[e] === 0 : !dead.has(e));
  const edgesOf = (x: number, baseList: EdgeLists, added: Map<number, number[]>): number[] => {
    const out: number[] = [];
    if (x < model.nodes.length) for (const e of baseList.of(x)) if (alive(e)) out.push(e);
    for (const e of added.get(x) ?? []) if (alive(e)) out.push(e);
    return out;
  };
  const outEdges = (x: number): number[] => edgesOf(x, base.out, addedOut);
  const inEdges = (x: number): number[] => edgesOf(x, base.into, addedIn);
  const hasEdge = (s: number, t: number): boolean => outEdges(s).some((e) => target[e] === t);
  const addEdge = (s: number, t: number, k: EdgeKind): void => {
    const e = kind.length;
    kind.push(k);
    source.push(s);
    target.push(t);
    (addedOut.get(s) ?? addedOut.set(s, []).get(s)!).push(e);
    (addedIn.get(t) ?? addedIn.set(t, []).get(t)!).push(e);
  };
  const dropEdge = (e: number): void => {
    if (e < baseEdges) dropped[e] = 1;
    else dead.add(e);
  };
  const addNode = (node: ModelNode): number => {
    if (index.has(node.id)) throw new Error(`Graph.addNode: the "${node.id}" node already exist in the graph.`);
    index.set(node.id, nodes.length);
    nodes.push(node);
    return nodes.length - 1;
  };

  let domainAt = index.get(domain.id);
  if (domainAt === undefined) {
    domainAt = addNode(domain);
    if (domain.parent) addEdge(domainAt, index.get(domain.parent)!, 'within');
  }
  const suffix = domain.name;
  for (const id of components) {
    const at = index.get(id)!;
    let c = { ...(nodes[at] as ComponentNode) };
    nodes[at] = c;
    let groupId = c.group;
    let groupAt: number;
    if (!groupId) {
      // A lone component becomes a group of itself and its copy; its requirers require the group.
      const name = groupName(c);
      groupId = `group:${name}`;
      const group: GroupNode = { kind: 'group', id: groupId, name, service: c.service, k: 1, n: 1, quorum: false };
      groupAt = addNode(group);
      for (const e of inEdges(at)) {
        const k = kind[e]!;
        if (k !== 'requires' && k !== 'recovers-with') continue;
        const from = source[e]!;
        dropEdge(e);
        if (from !== groupAt && !hasEdge(from, groupAt)) addEdge(from, groupAt, k);
      }
      // What rebuilding it needed (a lone component's recovers-with) is what the new group fails over with.
      for (const e of outEdges(at)) {
        if (kind[e] !== 'recovers-with') continue;
        const to = target[e]!;
        dropEdge(e);
        if (!hasEdge(groupAt, to)) addEdge(groupAt, to, 'recovers-with');
      }
      addEdge(at, groupAt, 'member-of');
      c = Object.assign(c, { group: groupId });
    } else groupAt = index.get(groupId)!;
    const g = nodes[groupAt] as GroupNode;
    // A majority quorum grows with its members (a fourth etcd member makes the quorum three); a stated count stays.
    nodes[groupAt] = { ...g, n: g.n + 1, ...(g.majority ? { k: majorityOf(g.n + 1) } : {}) };
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
    const copyAt = addNode(copy);
    addEdge(copyAt, domainAt, 'placed-in');
    addEdge(copyAt, groupAt, 'member-of');
    for (const e of outEdges(at)) {
      if (kind[e] !== 'requires') continue;
      const t = target[e]!;
      if (t !== groupAt && !hasEdge(copyAt, t)) addEdge(copyAt, t, 'requires');
    }
  }

  const edgeKind: EdgeKind[] = [];
  const edgeSource: number[] = [];
  const edgeTarget: number[] = [];
  for (let e = 0; e < kind.length; e++) {
    if (!alive(e)) continue;
    edgeKind.push(kind[e]!);
    edgeSource.push(source[e]!);
    edgeTarget.push(target[e]!);
  }
  let graph: ModelGraph | undefined;
  return {
    nodes,
    index,
    edgeKind,
    edgeSource,
    edgeTarget,
    graph: () => {
      if (!graph) {
        graph = new DirectedGraph<ModelNode, ModelEdge>();
        for (const node of nodes) graph.addNode(node.id, { ...node });
        for (let e = 0; e < edgeKind.length; e++) graph.addDirectedEdge(nodes[edgeSource[e]!]!.id, nodes[edgeTarget[e]!]!.id, { kind: edgeKind[e]! });
      }
      return graph;
    },
    allCritical: model.allCritical,
    domainRanks: model.domainRanks,
    reliability: model.reliability,
    blindSpots: model.blindSpots,
    warnings: model.warnings,
  };
}

/**
 * Failures of candidate plans, evaluated only where a plan can change them.
 *
 * A node's state and explanation in a single domain loss depend only on what
 * it depends on: the nodes reachable from it through requires, recovers-with,
 * a group's members and a component's group (a closed set), and the domain
 * tree. Duplicating a component changes nothing outside what depends on it
 * (a lone component's recovers-with counts: duplicated, it is its group's tool).
 * So a plan is evaluated on the model cut down to the closed set of the
 * critical services it can change (every domain kept, nodes and edges in model
 * order), with its components duplicated there: the states and paths of those
 * services are exactly those of the whole planned model (the engine's
 * evaluateFor rests on the same fact), and every other service keeps the
 * failures it had before the plan.
 */
class Scoped {
  private readonly adjacency: Adjacency;
  private readonly critical: number[];
  private readonly isCritical: Uint8Array;
  private readonly dependents = new Map<string, number[]>();
  private readonly mark: Int32Array;
  private stamp = 0;
  private readonly domains: number[];
  /** A cut's position of each model node it keeps (scratch, valid for the last cut made). */
  private readonly position: Int32Array;
  /** Names of the groups lone components become, from the whole model (a cut names them the same). */
  readonly groupName: (c: ComponentNode) => string;

  constructor(
    private readonly model: Model,
    private readonly domain: DomainNode,
    private readonly tolerateRank: number,
  ) {
    this.groupName = newGroupNames(model);
    this.adjacency = adjacencyOf(model);
    this.critical = model.nodes.flatMap((n, i) => (n.kind === 'service' && n.critical ? [i] : []));
    this.isCritical = new Uint8Array(model.nodes.length);
    for (const i of this.critical) this.isCritical[i] = 1;
    this.mark = new Int32Array(model.nodes.length);
    this.position = new Int32Array(model.nodes.length);
    this.domains = model.nodes.flatMap((n, i) => (n.kind === 'domain' ? [i] : []));
  }

  /** The position of a domain in the planned model's order (the new domain comes after every node of the model). */
  orderOf(domainId: string): number {
    return this.model.index.get(domainId) ?? this.model.nodes.length;
  }

  /** Critical services whose state can depend on component `id` (through requirers, its group, groups it is a tool of). */
  dependentsOf(id: string): number[] {
    let out = this.dependents.get(id);
    if (out) return out;
    const m = this.model;
    const seen = new Set<number>();
    const stack = [m.index.get(id)!];
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (seen.has(x)) continue;
      seen.add(x);
      for (const e of this.adjacency.into.of(x)) {
        const k = m.edgeKind[e];
        if (k === 'requires' || k === 'recovers-with') stack.push(m.edgeSource[e]!);
      }
      for (const e of this.adjacency.out.of(x)) if (m.edgeKind[e] === 'member-of') stack.push(m.edgeTarget[e]!);
    }
    out = [...seen].filter((i) => this.isCritical[i] === 1).sort((a, b) => a - b);
    this.dependents.set(id, out);
    return out;
  }

  /** Every critical service. */
  allCritical(): number[] {
    return this.critical;
  }

  /** The last cuts made, by the services they were made for (the exact search asks for the same ones again and again). */
  private readonly cuts = new Map<string, Model>();

  /** The model cut down to what `services` depend on (closed), with every domain. */
  private cut(services: number[]): Model {
    const key = services.join(',');
    const known = this.cuts.get(key);
    if (known) return known;
    const model = this.cutAnew(services);
    if (this.cuts.size >= 8) this.cuts.delete(this.cuts.keys().next().value!);
    this.cuts.set(key, model);
    return model;
  }

  private cutAnew(services: number[]): Model {
    const m = this.model;
    const stamp = ++this.stamp;
    let keep: number[] = [];
    const stack: number[] = [];
    const visit = (x: number): void => {
      if (this.mark[x] !== stamp) {
        this.mark[x] = stamp;
        keep.push(x);
        stack.push(x);
      }
    };
    for (const d of this.domains) visit(d);
    stack.length = 0;
    services.forEach(visit);
    while (stack.length > 0) {
      const x = stack.pop()!;
      const kind = m.nodes[x]!.kind;
      for (const e of this.adjacency.out.of(x)) {
        const k = m.edgeKind[e];
        if (k === 'requires' || k === 'recovers-with' || (k === 'member-of' && kind === 'component')) visit(m.edgeTarget[e]!);
      }
      if (kind === 'group') for (const e of this.adjacency.members.of(x)) visit(m.edgeSource[e]!);
    }
    // Model order: sorted when few, else read off the marks in one pass (so are the edges).
    const n = m.nodes.length;
    const large = keep.length * 16 > n;
    const order = large ? Int32Array.from({ length: n }, (_, i) => i).filter((i) => this.mark[i] === stamp) : Int32Array.from(keep).sort();
    const at = this.position;
    order.forEach((x, j) => (at[x] = j));
    let edges: Int32Array;
    if (large) {
      const list: number[] = [];
      for (let e = 0; e < m.edgeKind.length; e++) if (this.mark[m.edgeSource[e]!] === stamp && this.mark[m.edgeTarget[e]!] === stamp) list.push(e);
      edges = Int32Array.from(list);
    } else {
      const list: number[] = [];
      for (const x of order) for (const e of this.adjacency.out.of(x)) if (this.mark[m.edgeTarget[e]!] === stamp) list.push(e);
      edges = Int32Array.from(list).sort();
    }
    keep = Array.from(order);
    const nodes = keep.map((x) => m.nodes[x]!);
    return {
      nodes,
      index: new Map(nodes.map((n, j) => [n.id, j])),
      edgeKind: Array.from(edges, (e) => m.edgeKind[e]!),
      edgeSource: Array.from(edges, (e) => at[m.edgeSource[e]!]!),
      edgeTarget: Array.from(edges, (e) => at[m.edgeTarget[e]!]!),
      graph: () => {
        throw new Error('a cut model has no graph');
      },
      allCritical: m.allCritical,
      domainRanks: m.domainRanks,
      reliability: m.reliability,
      blindSpots: m.blindSpots,
      warnings: m.warnings,
    };
  }

  /**
   * The planned model for `components`, cut down to what `services` depend on: its engine and,
   * for each of those services (model positions), the in-policy domains whose loss takes it
   * down or strands it (in the planned model's order).
   */
  evaluate(components: string[], services: number[]): { engine: Engine; failing: Map<number, number[]> } {
    const { engine, local } = this.planned(components, services);
    const failing = new Map<number, number[]>(services.map((s) => [s, []]));
    engine.nodes.forEach((n, d) => {
      if (n.kind !== 'domain' || n.rank > this.tolerateRank) return;
      engine.evaluate([d]);
      local.forEach((x, j) => {
        if (engine.stateOf(x) >= STRANDED) failing.get(services[j]!)!.push(this.orderOf(n.id));
      });
    });
    return { engine, failing };
  }

  /**
   * One of `services` that some in-policy domain loss takes down or strands in the planned model for
   * `components`, or undefined when none. The domains in `first` are tried first (where failures were).
   */
  firstFailing(components: string[], services: number[], first: ReadonlySet<string>): number | undefined {
    const { engine, local } = this.planned(components, services);
    const domains = engine.nodes.flatMap((n, d) => (n.kind === 'domain' && n.rank <= this.tolerateRank ? [d] : []));
    const ordered = [...domains.filter((d) => first.has(engine.ids[d]!)), ...domains.filter((d) => !first.has(engine.ids[d]!))];
    for (const d of ordered) {
      engine.evaluate([d]);
      const j = local.findIndex((x) => engine.stateOf(x) >= STRANDED);
      if (j >= 0) return services[j]!;
    }
    return undefined;
  }

  private planned(components: string[], services: number[]): { engine: Engine; local: number[] } {
    const cut = this.cut(services);
    const planned = duplicateInto(
      cut,
      components.filter((id) => cut.index.has(id)),
      this.domain,
      this.groupName,
    );
    const engine = new Engine(planned);
    return { engine, local: services.map((s) => engine.index.get(this.model.nodes[s]!.id)!) };
  }
}

/** The new domain: a sibling of `from` (same parent and kind) named `name`. */
export function newDomainNode(engine: Engine, name: string, from: number): DomainNode {
  const sibling = engine.nodes[from] as DomainNode;
  const parentPath = sibling.parent ? (engine.nodes[engine.index.get(sibling.parent)!] as DomainNode).path : '';
  const path = parentPath ? `${parentPath}/${name}` : name;
  if (engine.index.has(`domain:${path}`)) throw new UsageError((o) => `${o('addDomain')} ${name}: ${path} already exists; name a new domain`);
  return {
    kind: 'domain',
    id: `domain:${path}`,
    name,
    domainKind: sibling.domainKind,
    rank: sibling.rank,
    path,
    ...(sibling.parent ? { parent: sibling.parent } : {}),
  };
}

/** The component whose placement the path ends at (the last component step before placed-in). */
export function placedComponent(engine: Engine, path: Array<{ node: string; edge?: string }>): number | undefined {
  for (let j = path.length - 1; j >= 0; j--) {
    const i = engine.index.get(path[j]!.node);
    if (i !== undefined && engine.nodes[i]!.kind === 'component') return i;
  }
  return undefined;
}

export interface PlanOptions {
  policy: Policy;
  addDomain: string;
  /** The domain the new one stands beside (default: the single domain whose loss hurts the most critical services). */
  from?: string;
  inputs: PlanResult['inputs'];
  /** How many resources the inputs hold (for a model built by hand; default its components). */
  resources?: number;
  /** Search every subset when at most this many candidates (default EXACT_LIMIT; tests lower it to exercise the greedy search). */
  exactLimit?: number;
}

/** Where a plan starts, the same for every search: the failures, the domain the new one stands beside, the new domain, the candidates. */
export interface PlanStart {
  start: { engine: Engine; list: Failure[] };
  fromIdx: number;
  domain: DomainNode;
  /** Components a critical service depends on, placed only in domains whose loss hurts one. */
  candidates: string[];
}

export function planStart(model: Model, options: PlanOptions): PlanStart {
  const start = failures(model, options.policy.tolerateRank);
  const engine = start.engine;
  let fromIdx: number;
  if (options.from) {
    const [i] = resolveEvents(engine, [options.from], 'from');
    if (engine.nodes[i!]!.kind !== 'domain') throw new UsageError((o) => `${o('from')} ${options.from}: name a domain, not a component`);
    fromIdx = i!;
  } else {
    const worst = [...start.list].sort((a, b) => b.services.length - a.services.length || a.domain - b.domain)[0];
    if (!worst) {
      const judged = judgementOf(model, options.resources);
      fromIdx = anyDomainWithin(engine, options.policy, options.addDomain, judged.coverage, judged.blindSpots);
    } else fromIdx = worst.domain;
  }
  const domain = newDomainNode(engine, options.addDomain, fromIdx);
  const failing = new Set(start.list.map((f) => f.domain));
  const inFailing = (d: number): boolean => {
    for (let x: number | undefined = d; x !== undefined;) {
      if (failing.has(x)) return true;
      const parent: string | undefined = (engine.nodes[x] as DomainNode).parent;
      x = parent ? engine.index.get(parent) : undefined;
    }
    return false;
  };
  const candidates: string[] = [];
  engine.nodes.forEach((n, i) => {
    if (n.kind !== 'component') return;
    const places = engine.placementsOf(i);
    if (places.length === 0 || !places.every(inFailing)) return;
    if (
      !engine.dependentServices(i).some((s) => {
        const node = engine.nodes[s]!;
        return node.kind === 'service' && node.critical;
      })
    )
      return;
    candidates.push(n.id);
  });
  return { start, fromIdx, domain, candidates };
}

/** Failures as a plan reports them; they name node positions of the model they were found in. */
export function describeFailures(m: Model, list: Failure[]): PlanResult['before'] {
  return list.map((f) => ({ domain: (m.nodes[f.domain] as DomainNode).path, services: f.services.map((s) => m.nodes[s]!.name).sort(byText) }));
}

export function plan(model: Model, options: PlanOptions): PlanResult {
  const { start, fromIdx, domain, candidates } = planStart(model, options);
  const engine = start.engine;

  // What each critical service fails in (domain positions), in the planned model for `picked`.
  const scoped = new Scoped(model, domain, options.policy.tolerateRank);
  /** The critical services some domain loss takes down or strands in the planned model for `set`, with those domains. */
  const fails = (set: string[]): Map<number, number[]> => {
    const out = new Map<number, number[]>();
    for (const [s, list] of scoped.evaluate(set, scoped.allCritical()).failing) if (list.length > 0) out.set(s, list);
    return out;
  };
  const hot = new Set(start.list.map((f) => engine.ids[f.domain]!));
  // The service that failed the last plan tried: often the next one fails it too, and alone it is cheap to evaluate.
  let witness: number | undefined;
  /**
   * Does the plan `set` work, given `known`, the failing services of a plan that differs from it only in
   * `changed`? Then every service `changed` can affect fails nowhere: the services it names.
   */
  const worksFrom = (known: Map<number, number[]>, set: string[], changed: string[]): number[] | undefined => {
    const dirty = [...new Set(changed.flatMap((id) => scoped.dependentsOf(id)))].sort((a, b) => a - b);
    const isDirty = new Set(dirty);
    for (const s of known.keys()) if (!isDirty.has(s)) return undefined;
    if (witness !== undefined && isDirty.has(witness) && scoped.firstFailing(set, [witness], hot) !== undefined) return undefined;
    const failing = scoped.firstFailing(set, dirty, hot);
    if (failing === undefined) return dirty;
    witness = failing;
    return undefined;
  };

  let chosen: string[] | undefined;
  let method: PlanResult['method'] = 'greedy';
  if (start.list.length === 0) {
    chosen = [];
    method = 'exact';
  } else if (candidates.length <= (options.exactLimit ?? EXACT_LIMIT)) {
    method = 'exact';
    const none = fails([]);
    // A copy only adds a way to survive, so a plan that works still works with more copies, except through a
    // majority quorum (a fourth member makes the quorum three). Unless a candidate is in one, the candidates all
    // together are tried first: when they do not work, no subset does (at 12 candidates, 4,095 plans spared).
    const inMajority = (id: string): boolean => {
      const group = (engine.nodes[engine.index.get(id)!] as ComponentNode).group;
      const at = group === undefined ? undefined : engine.index.get(group);
      return at !== undefined && (engine.nodes[at] as GroupNode).majority === true;
    };
    const hopeless = !candidates.some(inMajority) && !worksFrom(none, candidates, candidates);
    for (let size = 1; size <= candidates.length && !chosen && !hopeless; size++) {
      for (const set of combinations(candidates, size)) {
        if (worksFrom(none, set, set)) {
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
    const known = fails(picked);
    for (let round = 0; round < 10_000; round++) {
      // The first failure (by domain, then service) not given up on.
      let first: { d: number; s: number } | undefined;
      for (const [s, list] of known) {
        for (const d of list) {
          if (stuck.has(`${d}:${s}`)) continue;
          if (!first || d < first.d || (d === first.d && s < first.s)) first = { d, s };
          break;
        }
      }
      if (!first) break;
      const { d, s } = first;
      const { engine: e } = scoped.evaluate(picked, [s]);
      const domainId = d < model.nodes.length ? model.nodes[d]!.id : domain.id;
      e.evaluate([e.index.get(domainId)!]);
      const c = placedComponent(e, e.explain(e.index.get(model.nodes[s]!.id)!));
      const id = c === undefined ? undefined : e.ids[c]!;
      if (!id || id.includes('#') || picked.includes(id)) {
        stuck.add(`${d}:${s}`);
        continue;
      }
      picked.push(id);
      for (const [x, list] of scoped.evaluate(picked, scoped.dependentsOf(id)).failing) {
        if (list.length > 0) known.set(x, list);
        else known.delete(x);
      }
    }
    // Drop every step the plan can do without, latest first.
    for (let j = picked.length - 1; j >= 0; j--) {
      const without = picked.filter((_, k) => k !== j);
      const fixed = worksFrom(known, without, [picked[j]!]);
      if (fixed) {
        for (const x of fixed) known.delete(x);
        picked.splice(j, 1);
      }
    }
    chosen = picked;
  }

  const planned = duplicateInto(model, chosen, domain, scoped.groupName);
  const after = failures(planned, options.policy.tolerateRank).list;
  const steps = ordered(engine, chosen, scoped.groupName);
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

/**
 * The first domain within the policy, for a new one to stand beside when no loss hurts. None: a usage error that
 * says why (nothing is placed in any domain, or every domain is larger than the policy) and what to do.
 */
export function anyDomainWithin(
  engine: Engine,
  policy: Policy,
  addDomain: string,
  coverage: Judgement['coverage'],
  blindSpots: Judgement['blindSpots'] = [],
): number {
  const within = engine.nodes.findIndex((n) => n.kind === 'domain' && n.rank <= policy.tolerateRank);
  if (within >= 0) return within;
  let smallest: DomainNode | undefined;
  for (const n of engine.nodes) if (n.kind === 'domain' && (!smallest || n.rank < smallest.rank)) smallest = n;
  if (!smallest && coverage.resources === 0)
    throw new UsageError(
      (o) =>
        `${o('addDomain')} ${addDomain}: the inputs hold no resources (a stack destroyed or not yet deployed): there is nothing to plan; name a stack that has resources`,
    );
  if (!smallest) {
    const unjudged = coverage.unjudged > 0 ? ` (${coverage.unjudged} of ${coverage.resources} resource${coverage.resources === 1 ? '' : 's'} unjudged)` : '';
    throw new UsageError(
      (o) =>
        `${o('addDomain')} ${addDomain}: the inputs place nothing in any domain${unjudged}, so there is none to stand a new one beside; placement comes from region and zone configuration, firebreak:domain tags or a topology file's domains (docs/tags.md, docs/topology.md)`,
    );
  }
  // Resources whose zone is not known sit in their region: to plan a zone, say which zone they are in.
  const zoneless = blindSpots.filter((b) => b.kind === 'unknown-zone').length;
  const unknown =
    zoneless > 0
      ? `; or, as the zone of ${zoneless} resource${zoneless === 1 ? ' is' : 's are'} not known (blind spots: see \`firebreak analyze\`), give ${zoneless === 1 ? 'its zone' : 'their zones'} (availabilityZone, subnets, or a firebreak:domain tag) to plan a new zone`
      : '';
  throw new UsageError(
    (o) =>
      `${o('addDomain')} ${addDomain}: every domain of the inputs is larger than a ${policy.tolerate} (the smallest: ${smallest.domainKind} ${smallest.path}); add ${o('tolerate')} ${smallest.domainKind} to plan a new ${smallest.domainKind}${unknown}`,
  );
}

export function* combinations<T>(items: T[], size: number, start = 0, prefix: T[] = []): Generator<T[]> {
  if (prefix.length === size) {
    yield [...prefix];
    return;
  }
  for (let i = start; i < items.length; i++) {
    prefix.push(items[i]!);
    yield* combinations(items, size, i + 1, prefix);
    prefix.pop();
  }
}

/** Steps in waves: what a component requires (transitively) is duplicated no later than it. */
export function ordered(engine: Engine, chosen: string[], groupName: (c: ComponentNode) => string): PlanStep[] {
  const set = new Set(chosen.map((id) => engine.index.get(id)!));
  // Planned components each one requires, through requires edges, groups and their members.
  const needs = new Map<number, number[]>();
  for (const c of set) {
    const seen = new Set<number>([c]);
    const stack = [...engine.requiresOf(c)];
    const found: number[] = [];
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (seen.has(x)) continue;
      seen.add(x);
      if (set.has(x)) found.push(x);
      stack.push(...(engine.kindOf(x) === 'group' ? engine.componentsOf(x) : engine.requiresOf(x)));
    }
    needs.set(c, found);
  }
  const wave = new Map<number, number>();
  const waveOf = (c: number, visiting: Set<number>): number => {
    const known = wave.get(c);
    if (known !== undefined) return known;
    if (visiting.has(c)) return 1; // a cycle: same wave
    visiting.add(c);
    const w = 1 + Math.max(0, ...(needs.get(c) ?? []).map((d) => waveOf(d, visiting)));
    visiting.delete(c);
    wave.set(c, w);
    return w;
  };
  const steps = [...set].map((c): PlanStep => {
    const node = engine.nodes[c] as ComponentNode;
    return {
      component: node.id,
      urn: node.urn,
      name: node.name,
      role: node.role,
      service: node.service,
      from: engine
        .placementsOf(c)
        .map((d) => (engine.nodes[d] as DomainNode).path)
        .sort(byText),
      group: node.group ? node.group.slice('group:'.length) : groupName(node),
      wave: waveOf(c, new Set()),
      after: (needs.get(c) ?? []).map((d) => engine.ids[d]!).sort(byText),
    };
  });
  return steps.sort((a, b) => a.wave - b.wave || byText(a.service, b.service) || byText(a.name, b.name));
}

/**
 * The planned estate as resources: every input resource, plus a copy of each
 * planned one placed in the new domain through `firebreak:domain` and grouped
 * with its original through `firebreak:group`, for `plan --apply`.
 */
export function plannedResources(inputs: StackInput[], result: PlanResult, domainTag: string): ResourceRecord[] {
  const byUrn = new Map<string, PlanStep>(result.steps.map((s) => [s.urn, s]));
  const suffix = result.newDomain.path.split('/').pop()!;
  const out: ResourceRecord[] = [];
  for (const input of inputs) {
    for (const r of input.resources) {
      const step = byUrn.get(r.urn);
      if (!step) {
        out.push(r);
        continue;
      }
      const original: ResourceRecord = { ...r, inputs: withTags(r.inputs, { 'firebreak:group': step.group }, false) };
      const copy: ResourceRecord = {
        ...r,
        urn: `${r.urn}-${suffix}`,
        name: `${r.name}-${suffix}`,
        inputs: withTags(r.inputs, { 'firebreak:group': step.group, 'firebreak:domain': domainTag }, true),
        outputs: stripPlacementTags(r.outputs),
      };
      delete copy.id;
      delete copy.source;
      out.push(original, copy);
    }
  }
  return out;
}

const PLACEMENT_KEY = /^firebreak[:_.\-/](?:io\/)?(domain|group)$/;

/** A copy of a property map without firebreak domain and group tags, at any depth up to 3. */
function stripPlacementTags<T>(value: T, depth = 0): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || depth > 3) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value as Record<string, unknown>)) {
    if (PLACEMENT_KEY.test(key)) continue;
    out[key] = stripPlacementTags((value as Record<string, unknown>)[key], depth + 1);
  }
  return out as T;
}

function withTags(map: ResourceRecord['inputs'], tags: Record<string, string>, strip: boolean): ResourceRecord['inputs'] {
  const base = strip ? stripPlacementTags(map) : { ...map };
  const existing = base.tags;
  const merged =
    existing !== null && typeof existing === 'object' && !Array.isArray(existing) ? { ...(existing as Record<string, unknown>), ...tags } : { ...tags };
  return { ...base, tags: merged as ResourceRecord['inputs'][string] };
}

/** The `firebreak:domain` tag value for a domain path of the model: `kind=name/...` from the root. */
export function domainTagOf(model: Model, newDomain: PlanResult['newDomain']): string {
  const segments: string[] = [`${newDomain.kind}=${newDomain.path.split('/').pop()}`];
  const sibling = model.nodes[model.index.get(`domain:${newDomain.sibling}`)!] as DomainNode;
  for (let p = sibling.parent; p;) {
    const d = model.nodes[model.index.get(p)!] as DomainNode;
    segments.unshift(`${d.domainKind}=${d.name}`);
    p = d.parent;
  }
  return segments.join('/');
}

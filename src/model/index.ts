/**
 * model: the failure model.
 *
 * Nodes: domains (a tree), components, replica groups, services.
 * Edges: within (domain -> parent domain), placed-in (component -> domain),
 * member-of (component -> group), requires (service|component -> component|group),
 * recovers-with (group -> component, or the group of replicas of that tool).
 * DESIGN.md fixes their meaning.
 *
 * The model is plain data: nodes in a stable order and edges as parallel
 * arrays, which the engine compiles into flat adjacency without going through
 * a general-purpose graph. `model.graph()` gives the same model as a
 * graphology graph, built on first use, for queries, traversals and renderers.
 */
import { DirectedGraph } from 'graphology';
import type { SourceLocation, Warning } from '../errors.js';
import type {
  BlindSpot,
  Classification,
  ClassifiedResource,
  DomainSegment,
  ExternalIdentityUse,
  Rebuild,
  Reliability,
  ResourceCoverage,
} from '../classify/index.js';
import type { Role } from '../classify/schema.js';
import { byText } from '../text.js';

export interface DomainNode {
  kind: 'domain';
  id: string;
  name: string;
  domainKind: string;
  rank: number;
  /** Names from the root, joined by `/`. */
  path: string;
  parent?: string;
}

export interface ComponentNode {
  kind: 'component';
  id: string;
  urn: string;
  name: string;
  type: string;
  role: Role | 'unclassified';
  service: string;
  stack: string;
  project: string;
  /** Its own loss is a basic event. */
  event: boolean;
  placedBy: string;
  group?: string;
  /**
   * Instances it keeps running, when its rule reads a count: it is then
   * degraded when it loses some of its placements and not enough to stop it.
   */
  capacity?: number;
  /** Lost when this many of its placements are (fewer than all: n instances over more zones). */
  downAt?: number;
  /** A tool only the operator machine runs: what it is and the credential paths it reads there (rules' rebuild). */
  rebuild?: Rebuild;
  source?: SourceLocation;
  /** An external identity provider (placed nowhere, never lost with the user's domains): what uses it. */
  external?: { uses: ExternalIdentityUse[] };
}

export interface GroupNode {
  kind: 'group';
  id: string;
  name: string;
  service: string;
  /** Up while at least k members are up. */
  k: number;
  n: number;
  quorum: boolean;
  /** The quorum is a majority of the members (firebreak:quorum majority): k follows n when members are added (plan). */
  majority?: true;
}

/** How many of n members a majority quorum needs. */
export const majorityOf = (n: number): number => Math.floor(n / 2) + 1;

export interface ServiceNode {
  kind: 'service';
  id: string;
  name: string;
  critical: boolean;
  /** Per-service resilience policy (topology file): the largest domain kind it must survive. */
  tolerate?: string;
}

export type ModelNode = DomainNode | ComponentNode | GroupNode | ServiceNode;
export type EdgeKind = 'within' | 'placed-in' | 'member-of' | 'requires' | 'recovers-with';
export const EDGE_KINDS: readonly EdgeKind[] = ['within', 'placed-in', 'member-of', 'requires', 'recovers-with'];

export interface ModelEdge {
  kind: EdgeKind;
}

export type ModelGraph = DirectedGraph<ModelNode, ModelEdge>;

export interface Model {
  /** Every node, in a stable order. */
  nodes: ModelNode[];
  /** Node id -> position in `nodes`. */
  index: Map<string, number>;
  /** Edges as parallel arrays: kind, source and target positions. */
  edgeKind: EdgeKind[];
  edgeSource: number[];
  edgeTarget: number[];
  /** The model as a graphology graph (built once, on first call). */
  graph(): ModelGraph;
  /** No service was marked critical, so every service counts as critical (but those made only of ops tools). */
  allCritical: boolean;
  domainRanks: Record<string, number>;
  /** --availability assumptions by domain kind (and COMPONENT_RELIABILITY). */
  reliability: Record<string, Reliability>;
  blindSpots: BlindSpot[];
  /** What classify judged, resource by resource (absent from models built by hand). */
  coverage?: ResourceCoverage;
  warnings: Warning[];
  /**
   * The edges (positions in `edgeKind`...) that recovers-with references the rules inferred (no tag said) land on:
   * the topology file replaces the recovers-with ones. Positions, not `group-id tool-id` texts: those were 30k
   * strings of about 200 characters at 100k resources, made and hashed for the topology file alone.
   */
  inferredRecovery?: ReadonlySet<number>;
}

export const domainId = (path: DomainSegment[]): string => `domain:${path.map((s) => s.name).join('/')}`;
export const componentId = (urn: string): string => `component:${urn}`;
export const groupId = (name: string): string => `group:${name}`;
export const serviceId = (name: string): string => `service:${name}`;

const DEFAULT_RANK = 4;

/** What buildModel gathers of a service from its resources. */
interface ServiceSeen {
  /** The nodes its resources land on (a group once per member). */
  nodes: number[];
  critical: boolean;
  internal: boolean;
  userFacing: boolean;
}

/** Collects nodes and edges; between two nodes there is at most one edge (its kind follows from theirs). */
class ModelBuilder {
  readonly nodes: ModelNode[] = [];
  readonly index = new Map<string, number>();
  readonly edgeKind: EdgeKind[] = [];
  readonly edgeSource: number[] = [];
  readonly edgeTarget: number[] = [];
  /**
   * Out-edges of each node as a linked list (newest first): the first edge, and each edge's next; -1 ends. No list
   * per node. Typed arrays grown by doubling: their contents are off the JS heap, so no scavenge scans or copies
   * them (as plain arrays they were about 0.5M numbers at 100k resources, grown by copies on the heap).
   */
  firstOut: Int32Array<ArrayBuffer> = new Int32Array(1024);
  nextOut: Int32Array<ArrayBuffer> = new Int32Array(4096);
  private outCount: Int32Array<ArrayBuffer> = new Int32Array(1024);
  /** For nodes with many out-edges: their targets and the edge to each, to keep edges unique. */
  private readonly seen = new Map<number, Map<number, number>>();

  has(id: string): boolean {
    return this.index.has(id);
  }

  addNode(node: ModelNode): number {
    const i = this.nodes.length;
    this.nodes.push(node);
    this.index.set(node.id, i);
    if (i === this.firstOut.length) {
      this.firstOut = grown(this.firstOut);
      this.outCount = grown(this.outCount);
    }
    this.firstOut[i] = -1;
    return i;
  }

  /** Adds an edge unless there is one between the two nodes already; the edge's position either way (-1: a loop, never added). */
  addEdge(kind: EdgeKind, source: number, target: number): number {
    if (source === target) return -1;
    if (this.outCount[source]! < 32) {
      for (let e = this.firstOut[source]!; e !== -1; e = this.nextOut[e]!) if (this.edgeTarget[e] === target) return e;
    } else {
      let seen = this.seen.get(source);
      if (!seen) {
        seen = new Map();
        for (let e = this.firstOut[source]!; e !== -1; e = this.nextOut[e]!) seen.set(this.edgeTarget[e]!, e);
        this.seen.set(source, seen);
      }
      const at = seen.get(target);
      if (at !== undefined) return at;
      seen.set(target, this.edgeKind.length);
    }
    const edge = this.edgeKind.length;
    this.edgeKind.push(kind);
    this.edgeSource.push(source);
    this.edgeTarget.push(target);
    if (edge === this.nextOut.length) this.nextOut = grown(this.nextOut);
    this.nextOut[edge] = this.firstOut[source]!;
    this.firstOut[source] = edge;
    this.outCount[source]!++;
    return edge;
  }
}

/** A copy twice as long. */
function grown(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** A graphology graph of the model, in node and edge order. */
function toGraph(m: Pick<Model, 'nodes' | 'edgeKind' | 'edgeSource' | 'edgeTarget'>): ModelGraph {
  const graph: ModelGraph = new DirectedGraph<ModelNode, ModelEdge>();
  for (const node of m.nodes) graph.addNode(node.id, node);
  for (let e = 0; e < m.edgeKind.length; e++) {
    graph.addDirectedEdge(m.nodes[m.edgeSource[e]!]!.id, m.nodes[m.edgeTarget[e]!]!.id, { kind: m.edgeKind[e]! });
  }
  return graph;
}

function finish(
  b: Pick<Model, 'nodes' | 'index' | 'edgeKind' | 'edgeSource' | 'edgeTarget'>,
  rest: Omit<Model, 'nodes' | 'index' | 'edgeKind' | 'edgeSource' | 'edgeTarget' | 'graph'>,
): Model {
  let graph: ModelGraph | undefined;
  // The graph is made of these alone: the closure keeps them, not the builder's lists of out-edges (which would
  // live, and be copied by every scavenge, as long as the model: about 0.5M numbers at 100k resources).
  const parts = { nodes: b.nodes, edgeKind: b.edgeKind, edgeSource: b.edgeSource, edgeTarget: b.edgeTarget };
  return {
    nodes: b.nodes,
    index: b.index,
    edgeKind: b.edgeKind,
    edgeSource: b.edgeSource,
    edgeTarget: b.edgeTarget,
    graph: () => (graph ??= toGraph(parts)),
    ...rest,
  };
}

/** A model from a graphology graph (tests and tools that build graphs by hand). */
export function modelFromGraph(
  graph: ModelGraph,
  rest: Partial<Omit<Model, 'nodes' | 'index' | 'edgeKind' | 'edgeSource' | 'edgeTarget' | 'graph'>> = {},
): Model {
  const nodes = graph.nodes().map((id) => graph.getNodeAttributes(id));
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const edgeKind: EdgeKind[] = [];
  const edgeSource: number[] = [];
  const edgeTarget: number[] = [];
  graph.forEachEdge((_e, attrs, s, t) => {
    edgeKind.push(attrs.kind);
    edgeSource.push(index.get(s)!);
    edgeTarget.push(index.get(t)!);
  });
  const model = finish(
    { nodes, index, edgeKind, edgeSource, edgeTarget },
    {
      allCritical: rest.allCritical ?? true,
      domainRanks: rest.domainRanks ?? {},
      reliability: rest.reliability ?? {},
      blindSpots: rest.blindSpots ?? [],
      ...(rest.coverage ? { coverage: rest.coverage } : {}),
      warnings: rest.warnings ?? [],
      ...(rest.inferredRecovery ? { inferredRecovery: rest.inferredRecovery } : {}),
    },
  );
  model.graph = () => graph;
  return model;
}

/**
 * What the passes of buildModel share. Each pass is a function of its own: V8 compiles a hot loop of a function
 * that runs once by on-stack replacement, of the whole function each time, and code not yet run has no type
 * feedback; as one function of six loops buildModel was compiled ten times (about 195 ms of compiler time on the
 * helper threads at 100k resources, --trace-opt) and deoptimized eight.
 */
interface Build {
  b: ModelBuilder;
  failable: ClassifiedResource[];
  warnings: Warning[];
  ranks: Record<string, number>;
  /** Position of the last resource with each URN. */
  positionOf: Map<string, number>;
  /** By resource: the position standing for it (the last with its URN). */
  pos: Int32Array;
  /** By position: the node of the resource's group (-1: none), and of its component. */
  groupAt: Int32Array;
  componentAt: Int32Array;
  /** By group node (the groups are nodes 0 to groupList.length - 1): the resources that are its members. */
  groupList: number[][];
}

export function buildModel(classification: Classification): Model {
  const failable = classification.resources.filter((c) => c.failable);
  const [positionOf, groupMembers] = positions(failable);
  const pos = new Int32Array(failable.length);
  if (positionOf.size === failable.length) for (let i = 0; i < failable.length; i++) pos[i] = i;
  else for (let i = 0; i < failable.length; i++) pos[i] = positionOf.get(failable[i]!.record.urn)!;
  const m: Build = {
    b: new ModelBuilder(),
    failable,
    warnings: [...classification.warnings],
    ranks: classification.domainRanks,
    positionOf,
    pos,
    groupAt: new Int32Array(failable.length).fill(-1),
    componentAt: new Int32Array(failable.length),
    groupList: [],
  };
  // Groups first, so that requires edges can be collapsed onto them.
  addGroups(m, groupMembers);
  addComponents(m);
  const inferredRecovery = addReferences(m);
  const allCritical = addServices(m);
  return finish(m.b, {
    allCritical,
    domainRanks: m.ranks,
    reliability: classification.reliability,
    blindSpots: classification.blindSpots,
    coverage: classification.coverage,
    warnings: m.warnings,
    ...(inferredRecovery.size > 0 ? { inferredRecovery } : {}),
  });
}

/**
 * Resources are looked up by position (arrays), and by URN once per reference only. A URN names the last
 * resource that has it. In the same pass (one read of each resource): the members of each group.
 */
function positions(failable: ClassifiedResource[]): [Map<string, number>, Map<string, number[]>] {
  const positionOf = new Map<string, number>();
  const groupMembers = new Map<string, number[]>();
  for (let i = 0; i < failable.length; i++) {
    const c = failable[i]!;
    positionOf.set(c.record.urn, i);
    if (!c.group) continue;
    const list = groupMembers.get(c.group);
    if (list) list.push(i);
    else groupMembers.set(c.group, [i]);
  }
  return [positionOf, groupMembers];
}

function addGroups(m: Build, groupMembers: Map<string, number[]>): void {
  const { b, failable, pos, groupAt, groupList } = m;
  for (const [name, members] of [...groupMembers.entries()].sort((x, y) => byText(x[0], y[0]))) {
    const n = members.length;
    // A group of one member is that component: it replaces nothing.
    if (n < 2) continue;
    let q: ClassifiedResource['quorum'];
    for (let j = 0; j < n && q === undefined; j++) q = failable[members[j]!]!.quorum;
    let k = q === 'majority' ? majorityOf(n) : (q ?? 1);
    if (k > n) {
      const r = failable[members[0]!]!.record;
      m.warnings.push({
        file: r.source?.file ?? r.urn,
        ...(r.source?.line ? { line: r.source.line } : {}),
        message: `group ${name}: quorum ${k} is more than its ${n} member(s); using ${n}`,
      });
      k = n;
    }
    const node = b.addNode({
      kind: 'group',
      id: groupId(name),
      name,
      service: failable[members[0]!]!.service,
      k,
      n,
      quorum: q !== undefined,
      ...(q === 'majority' ? { majority: true as const } : {}),
    });
    for (let j = 0; j < n; j++) groupAt[pos[members[j]!]!] = node;
    groupList.push(members);
  }
}

/** The domain node of a placement, and of each domain on its path, made on first use. */
function domains(m: Build): (path: DomainSegment[]) => number {
  const { b, ranks } = m;
  const ensureDomain = (path: DomainSegment[]): number => {
    let parent = -1;
    for (let i = 0; i < path.length; i++) {
      const prefix = path.slice(0, i + 1);
      const id = domainId(prefix);
      let at = b.index.get(id);
      if (at === undefined) {
        const seg = prefix[i]!;
        if (ranks[seg.kind] === undefined) {
          m.warnings.push({ file: '(rules)', message: `domain kind "${seg.kind}" of ${id.slice(7)} is not in any rule pack's domainKinds; ranked as a zone` });
          ranks[seg.kind] = DEFAULT_RANK;
        }
        at = b.addNode({
          kind: 'domain',
          id,
          name: seg.name,
          domainKind: seg.kind,
          rank: ranks[seg.kind]!,
          path: prefix.map((s) => s.name).join('/'),
          ...(parent >= 0 ? { parent: b.nodes[parent]!.id } : {}),
        });
        if (parent >= 0) b.addEdge('within', at, parent);
      }
      parent = at;
    }
    return parent;
  };
  // Classification shares one array per domain path: resolve each once.
  const domainAt = new Map<DomainSegment[], number>();
  return (p: DomainSegment[]): number => {
    let at = domainAt.get(p);
    if (at === undefined) {
      at = ensureDomain(p);
      domainAt.set(p, at);
    }
    return at;
  };
}

function addComponents(m: Build): void {
  const { b, failable, pos, groupAt, componentAt } = m;
  const domainOf = domains(m);
  for (let i = 0; i < failable.length; i++) {
    const c = failable[i]!;
    const r = c.record;
    const group = groupAt[pos[i]!]!;
    // The group in the literal when there is one (two thirds of them at 100k), in the same key order: added after,
    // it cost each such node a second store for its properties (another object) and a change of shape.
    const node: ComponentNode =
      group >= 0
        ? {
            kind: 'component',
            id: componentId(r.urn),
            urn: r.urn,
            name: r.name,
            type: r.type,
            role: c.role,
            service: c.service,
            stack: r.stack,
            project: r.project,
            event: c.event,
            placedBy: c.placedBy,
            group: b.nodes[group]!.id,
          }
        : {
            kind: 'component',
            id: componentId(r.urn),
            urn: r.urn,
            name: r.name,
            type: r.type,
            role: c.role,
            service: c.service,
            stack: r.stack,
            project: r.project,
            event: c.event,
            placedBy: c.placedBy,
          };
    if (c.capacity) {
      node.capacity = c.capacity.count;
      if (c.capacity.downAt !== undefined && c.capacity.downAt < c.placements.length) node.downAt = c.capacity.downAt;
    }
    if (c.rebuild) node.rebuild = c.rebuild;
    if (r.source) node.source = r.source;
    if (c.external) node.external = { uses: c.externalUses ?? [] };
    const self = b.addNode(node);
    componentAt[pos[i]!] = self;
    for (let j = 0; j < c.placements.length; j++) b.addEdge('placed-in', self, domainOf(c.placements[j]!));
    if (group >= 0) b.addEdge('member-of', self, group);
  }
}

/** requires and recovers-with edges between components and groups; the recovers-with edges the rules inferred. */
function addReferences(m: Build): Set<number> {
  const { b, failable, pos, groupAt, componentAt, positionOf } = m;
  /** The node a reference to a resource lands on: its group, else its component. */
  const target = (urn: string): number => {
    const p = positionOf.get(urn)!;
    return groupAt[p]! >= 0 ? groupAt[p]! : componentAt[p]!;
  };
  const inferredRecovery = new Set<number>();
  for (let i = 0; i < failable.length; i++) {
    const c = failable[i]!;
    const self = componentAt[pos[i]!]!;
    const own = groupAt[pos[i]!]! >= 0 ? groupAt[pos[i]!]! : undefined;
    for (let j = 0; j < c.requires.length; j++) {
      const t = target(c.requires[j]!);
      if (t !== own) b.addEdge('requires', self, t);
    }
    // A lone component's recovers-with tools are what rebuilding it needs (nothing to fail over to): the engine
    // lets them change no state, recovery-path reads them.
    const from = own ?? self;
    for (let j = 0; j < c.recoversWith.length; j++) {
      const t = target(c.recoversWith[j]!);
      if (t === from) continue;
      const e = b.addEdge('recovers-with', from, t);
      if (c.recoveryWhy) inferredRecovery.add(e);
    }
  }
  return inferredRecovery;
}

/**
 * Services: what people use. A service requires its entry points: the components (or groups) of the service that
 * nothing else in it requires. Whether every service counts as critical (none was marked).
 */
function addServices(m: Build): boolean {
  const [byService, anyCritical] = gatherServices(m);
  const allCritical = !anyCritical;
  const { b, pos, groupAt, componentAt, groupList, failable } = m;
  const groupCount = groupList.length;
  // A group's members share a role (groups form within one tier).
  const roleOf = (n: number): Role | 'unclassified' => (n < groupCount ? failable[groupList[n]![0]!]!.role : (b.nodes[n] as ComponentNode).role);
  const doesWork = (r: Role | 'unclassified'): boolean => r === 'compute' || r === 'datastore' || r === 'identity';
  // Membership of the service at hand and "required inside it", by node: a stamp per service instead of two sets
  // each. Only component and group nodes are marked, all made before the services.
  const inService = new Int32Array(b.nodes.length);
  const requiredInside = new Int32Array(b.nodes.length);
  let stamp = 0;
  // A service's nodes and its entry points: the first `count` and `entryCount` of two arrays reused by every service
  // (not two arrays per service: 15k services at 100k resources).
  const nodes: number[] = [];
  const entries: number[] = [];
  for (const [name, seen] of [...byService.entries()].sort((x, y) => byText(x[0], y[0]))) {
    if (!seen.internal) continue;
    const at = b.addNode({ kind: 'service', id: serviceId(name), name, critical: seen.critical || (allCritical && seen.userFacing) });
    stamp++;
    // Its nodes once each, in the order first seen (a set's order).
    let count = 0;
    for (let x = 0; x < seen.nodes.length; x++) {
      const n = seen.nodes[x]!;
      if (inService[n] === stamp) continue;
      inService[n] = stamp;
      nodes[count++] = n;
    }
    // What each node requires (a group: what its members do; a member whose position another group took is not
    // its member) marks those nodes of the service as required inside it. No list of members per node: the groups'
    // lists of resources, and the out-edges walked here (no callback per node).
    const { firstOut, nextOut, edgeKind, edgeTarget } = b;
    for (let x = 0; x < count; x++) {
      const n = nodes[x]!;
      const members = n < groupCount ? groupList[n]! : undefined;
      for (let y = 0; y < (members ? members.length : 1); y++) {
        let from = n;
        if (members) {
          const p = pos[members[y]!]!;
          if (groupAt[p] !== n) continue;
          from = componentAt[p]!;
        }
        for (let e = firstOut[from]!; e !== -1; e = nextOut[e]!) {
          const t = edgeTarget[e]!;
          if (edgeKind[e] === 'requires' && inService[t] === stamp && t !== n) requiredInside[t] = stamp;
        }
      }
    }
    let entryCount = 0;
    for (let x = 0; x < count; x++) if (requiredInside[nodes[x]!] !== stamp) entries[entryCount++] = nodes[x]!;
    // An ops tool (a deploy-time build, a console, monitoring) beside what does a service's work (compute, a data
    // store, a login) is what the service is recovered with, not what its users use: it is left out of the entry
    // points, so that its loss is judged by recovery-path, not as a single point of the running service. What
    // requires it at run time still does. A service whose work is the tool (a monitoring stack behind its
    // Service or load balancer) keeps it.
    if (seen.userFacing && entryCount > 1) {
      let works = false;
      for (let x = 0; x < entryCount && !works; x++) works = doesWork(roleOf(entries[x]!));
      if (works) {
        let kept = 0;
        for (let x = 0; x < entryCount; x++) if (roleOf(entries[x]!) !== 'ops-tool') entries[kept++] = entries[x]!;
        entryCount = kept;
      }
    }
    if (entryCount > 0) for (let x = 0; x < entryCount; x++) b.addEdge('requires', at, entries[x]!);
    else for (let x = 0; x < count; x++) b.addEdge('requires', at, nodes[x]!);
  }
  return allCritical;
}

/**
 * In one pass: each service's nodes (with repeats, dropped in addServices), whether it is tagged critical, whether
 * users use it (a service made only of ops tools, monitoring or deploy systems, is what others recover with: not
 * critical unless a tag or the topology file says so), and whether it is internal (an external identity provider,
 * placed nowhere, is a dependency, not a service of its own). One map lookup per resource, not a set of nodes and
 * three sets of names (15k services at 100k resources). Whether any resource is tagged critical.
 */
function gatherServices(m: Build): [Map<string, ServiceSeen>, boolean] {
  const { failable, pos, groupAt, componentAt } = m;
  const byService = new Map<string, ServiceSeen>();
  let anyCritical = false;
  for (let i = 0; i < failable.length; i++) {
    const c = failable[i]!;
    const p = pos[i]!;
    const t = groupAt[p]! >= 0 ? groupAt[p]! : componentAt[p]!;
    let seen = byService.get(c.service);
    if (!seen) byService.set(c.service, (seen = { nodes: [], critical: false, internal: false, userFacing: false }));
    seen.nodes.push(t);
    if (c.critical === true) seen.critical = anyCritical = true;
    if (c.external) continue;
    seen.internal = true;
    if (c.role !== 'ops-tool') seen.userFacing = true;
  }
  return [byService, anyCritical];
}

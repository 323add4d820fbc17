/**
 * The scenario view the finding kinds read: every basic event run once as a
 * single failure, with the states it leaves, the explanation paths of the
 * services it hurts, the members and recovery tools it takes from groups;
 * the policy; the minimal cut sets of the run's --order; and lookups.
 */
import type { SourceLocation } from '../../errors.js';
import type { Model } from '../../model/index.js';
import { byText, typedName } from '../../text.js';
import { eventRefOf } from '../describe.js';
import { STRANDED, UP, type Engine, type PathStep, type StateCode } from '../engine.js';
import type { EventRef, Policy } from '../types.js';

/** One scenario: what is lost after some events. */
export interface Scenario {
  /** The events lost together (one for a single failure). */
  readonly events: readonly number[];
  /** How many nodes it leaves not up. */
  readonly size: number;
  /** The k-th node it leaves not up (0 <= k < size), in the order the engine reached them. */
  nodeAt(k: number): number;
  /** The state of the k-th node it leaves not up. */
  stateAt(k: number): StateCode;
  /** How many of the nodes it leaves not up are services or groups (the kinds read little else). */
  readonly notableCount: number;
  /** The position k (for nodeAt and stateAt) of the j-th of its services and groups (0 <= j < notableCount), in order. */
  notableAt(j: number): number;
  /** How many services it leaves stranded or down. */
  readonly lostServices: number;
  stateOf(node: number): StateCode;
  /**
   * The explanation path of a service left stranded or down. Single
   * failures beyond the policy explain only critical services (empty for the others).
   */
  explain(service: number): PathStep[];
  /** The first member a hurt group lost, or -1. */
  lostMemberOf(group: number): number;
  /** The recovers-with tools of a hurt group left stranded or down. */
  lostToolsOf(group: number): number[];
}

export interface GroupInfo {
  id: string;
  name: string;
  k: number;
  n: number;
  members: string[];
  dependents: Array<{ service: string; critical: boolean }>;
  locations: SourceLocation[];
}

export interface ScenarioView {
  /** Read-only lookups on the model (nodes, ids, members, dependents, tools); finding kinds never evaluate on it. */
  readonly engine: Engine;
  readonly policy: Policy;
  /** Every basic event, in order: domains first, then components, each in the model's order. */
  readonly events: readonly number[];
  /** The single failures that leave something not up, in the order of `events`. */
  readonly singles: readonly Scenario[];
  /** Minimal cut sets of order 2..--order (none unless --order is 2 or more): the events and the critical services they take down. */
  readonly cutSets: ReadonlyArray<{ events: number[]; services: number[] }>;
  /** Run a set of events (a cut set); the scenario is valid until the next run. */
  run(events: number[]): Scenario;
  /**
   * Run a set of events for some nodes only (Engine.evaluateFor): their states
   * and paths are run()'s; the scenario's `hurt` lists only what can reach them.
   */
  runFor(events: number[], nodes: number[]): Scenario;
  readonly services: readonly number[];
  /** Every service name, sorted. */
  readonly serviceNames: readonly string[];
  readonly totalServices: number;
  readonly totalCritical: number;
  eventRef(event: number): EventRef;
  /**
   * An event's name for a finding's message: a component named like another component also shows its type's last
   * part (`helloworld (Cluster)` beside `helloworld (Deployment)`), as text paths do. Event refs keep the plain name.
   */
  labelOf(event: number): string;
  /** Within the run's policy: a component, or a domain no larger than --tolerate. */
  inPolicy(event: number): boolean;
  /** Within the policy of this service (its own `tolerate` from the topology file, else the run's). */
  inPolicyFor(event: number, service: string): boolean;
  locationsOf(event: number): SourceLocation[];
  groupOf(id: string): GroupInfo | undefined;
  /** A node's display name, by id. */
  nameOf(id: string): string;
  /** The recovers-with tools of a node, as Engine.toolsOf lists them (one shared list per node: never change it). */
  toolsOf(node: number): readonly number[];
  /** The services that require a node, as finding dependents, sorted by name (one shared list per node: never change it). */
  dependentsOf(node: number): Array<{ service: string; critical: boolean }>;
  /**
   * Where the nodes of an explanation path of a single failure (`explain`) sit in `pathNodes`, or -1 for any other
   * path: from there, each step's node, then its lost member if it names one (nodeCollector.noteIndex; no lookup by id).
   */
  pathNodesAt(path: readonly PathStep[]): number;
  readonly pathNodes: readonly number[];
}

/**
 * What the single failures keep, for all of them in a few flat arrays (no arrays or maps per scenario for the
 * garbage collector to copy): the hurt nodes and their states one scenario after the other, and the positions of
 * the services and groups among them, with each group's first lost member.
 */
class ScenarioStore {
  nodes: Int32Array;
  states: Uint8Array;
  size = 0;
  notable: Int32Array = new Int32Array(1 << 10);
  lostMember: Int32Array = new Int32Array(1 << 10);
  notableSize = 0;

  /** Room for `capacity` hurt nodes at first (grown by doubling past it). */
  constructor(capacity: number) {
    this.nodes = new Int32Array(capacity);
    this.states = new Uint8Array(capacity);
  }

  add(node: number, state: StateCode): void {
    if (this.size === this.nodes.length) {
      this.nodes = grown(this.nodes);
      const states = new Uint8Array(this.states.length * 2);
      states.set(this.states);
      this.states = states;
    }
    this.nodes[this.size] = node;
    this.states[this.size++] = state;
  }

  addNotable(k: number, lostMember: number): void {
    if (this.notableSize === this.notable.length) {
      this.notable = grown(this.notable);
      this.lostMember = grown(this.lostMember);
    }
    this.notable[this.notableSize] = k;
    this.lostMember[this.notableSize++] = lostMember;
  }
}

function grown(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/**
 * The states (and groups' first lost members) of one stored scenario at a time, by node: the kinds read the
 * scenarios one after the other, so the one read last is laid out here (its nodes stamped) instead of a map per
 * scenario.
 */
class StateTable {
  readonly stamp: Int32Array;
  readonly state: Uint8Array;
  readonly lostMember: Int32Array;
  current = 0;
  owner: StoredScenario | undefined;

  constructor(size: number) {
    this.stamp = new Int32Array(size);
    this.state = new Uint8Array(size);
    this.lostMember = new Int32Array(size);
  }
}

/** Times a scenario is laid out in the table before it keeps maps of its own (it is read alternately with others). */
const LOADS_BEFORE_MAP = 4;

/** A single failure, kept: where its hurt nodes and groups' losses sit in the store, its paths and lost tools. */
class StoredScenario implements Scenario {
  private stateMap: Map<number, StateCode> | undefined;
  private memberMap: Map<number, number> | undefined;
  private loads = 0;

  constructor(
    readonly events: readonly number[],
    private readonly store: ScenarioStore,
    /** Its hurt nodes are store.nodes[start .. start + size), its services and groups store.notable[first .. first + notableCount). */
    private readonly start: number,
    readonly size: number,
    private readonly first: number,
    readonly notableCount: number,
    readonly lostServices: number,
    private readonly paths: ReadonlyMap<number, PathStep[]>,
    private readonly lostTools: ReadonlyMap<number, number[]>,
    private readonly table: StateTable,
  ) {}

  nodeAt(k: number): number {
    return this.store.nodes[this.start + k]!;
  }

  stateAt(k: number): StateCode {
    return this.store.states[this.start + k]! as StateCode;
  }

  notableAt(j: number): number {
    return this.store.notable[this.first + j]!;
  }

  /** Lays the scenario out in the table, or (read alternately with others) in maps of its own: false for maps. */
  private load(): boolean {
    if (this.stateMap) return false;
    const t = this.table;
    if (t.owner === this) return true;
    const { nodes, states, lostMember } = this.store;
    const end = this.start + this.size;
    if (++this.loads > LOADS_BEFORE_MAP) {
      const stateMap = new Map<number, StateCode>();
      for (let x = this.start; x < end; x++) stateMap.set(nodes[x]!, states[x]! as StateCode);
      const memberMap = new Map<number, number>();
      for (let j = this.first; j < this.first + this.notableCount; j++) memberMap.set(nodes[this.start + this.store.notable[j]!]!, lostMember[j]!);
      this.stateMap = stateMap;
      this.memberMap = memberMap;
      return false;
    }
    const stamp = ++t.current;
    for (let x = this.start; x < end; x++) {
      const n = nodes[x]!;
      t.stamp[n] = stamp;
      t.state[n] = states[x]!;
      t.lostMember[n] = -1;
    }
    for (let j = this.first; j < this.first + this.notableCount; j++) t.lostMember[nodes[this.start + this.store.notable[j]!]!] = lostMember[j]!;
    t.owner = this;
    return true;
  }

  stateOf(node: number): StateCode {
    if (!this.load()) return this.stateMap!.get(node) ?? UP;
    const t = this.table;
    return t.stamp[node] === t.current ? (t.state[node] as StateCode) : UP;
  }

  explain(service: number): PathStep[] {
    return this.paths.get(service) ?? [];
  }

  lostMemberOf(group: number): number {
    if (!this.load()) return this.memberMap!.get(group) ?? -1;
    const t = this.table;
    return t.stamp[group] === t.current ? t.lostMember[group]! : -1;
  }

  lostToolsOf(group: number): number[] {
    return this.lostTools.get(group) ?? [];
  }
}

const NONE: ReadonlyMap<number, never> = new Map<number, never>();
/** What scenarioView keeps of a hurt node: nothing (a component or domain), a service, a group (with tools). */
const OTHER = 0;
const SERVICE = 1;
const GROUP = 2;
const GROUP_WITH_TOOLS = 3;
const NO_TOOLS: readonly number[] = [];

/** The positions in `hurt` of services and groups, and how many services are stranded or down. */
function notableOf(engine: Engine, hurt: readonly number[], states: readonly StateCode[]): { notable: number[]; lostServices: number } {
  const notable: number[] = [];
  let lostServices = 0;
  for (let k = 0; k < hurt.length; k++) {
    const kind = engine.nodes[hurt[k]!]!.kind;
    if (kind === 'service' || kind === 'group') {
      notable.push(k);
      if (kind === 'service' && states[k]! >= STRANDED) lostServices++;
    }
  }
  return { notable, lostServices };
}

/** Runs every event once and keeps what the finding kinds read. */
export function scenarioView(
  engine: Engine,
  model: Model,
  policy: Policy,
  events: number[],
  cutSets: Array<{ events: number[]; services: number[] }>,
): ScenarioView {
  // Components are in policy without a read of their node object (the kinds ask for each of the 57k single failures).
  const inPolicy = (event: number): boolean => {
    if (!engine.isDomain(event)) return true;
    const node = engine.nodes[event]!;
    return node.kind !== 'domain' || node.rank <= policy.tolerateRank;
  };
  const services: number[] = [];
  for (let i = 0; i < engine.size; i++) if (engine.isService(i)) services.push(i);
  // The model does not change while the kinds read it: each node's dependents are searched once (the kinds ask
  // for the same lone components and groups once per scenario) and the list is shared, read-only.
  const dependentsAt = new Map<number, Array<{ service: string; critical: boolean }>>();
  const dependentsOf = (node: number): Array<{ service: string; critical: boolean }> => {
    let list = dependentsAt.get(node);
    if (list === undefined) {
      list = engine
        .dependentServices(node)
        .map((s) => engine.nodes[s]!)
        .flatMap((d) => (d.kind === 'service' ? [{ service: d.name, critical: d.critical }] : []))
        .sort((a, b) => byText(a.service, b.service));
      dependentsAt.set(node, list);
    }
    return list;
  };

  // The recovers-with tools of each node as a list, made once for the nodes that have any (most have none, and the
  // kinds ask for every node's).
  // A node without tools is answered from the engine's count: no view of its table (an object) and no map lookup
  // (the kinds ask some 200k times at 100k resources, mostly for nodes without).
  const toolsAt = new Map<number, number[]>();
  const toolsOf = (node: number): readonly number[] => {
    if (engine.toolCount(node) === 0) return NO_TOOLS;
    let list = toolsAt.get(node);
    if (list === undefined) {
      // Copied by position: no view of the table and no Array.from over it.
      const count = engine.toolCount(node);
      list = [];
      for (let k = 0; k < count; k++) list.push(engine.toolAt(node, k));
      toolsAt.set(node, list);
    }
    return list;
  };

  // What the loop below keeps of a node, in one byte each: it looks at every hurt node of every scenario, most of
  // them components, and a byte array is read without touching the node objects or the map of tools.
  const notableKind = new Uint8Array(engine.nodes.length);
  for (let i = 0; i < engine.nodes.length; i++) {
    notableKind[i] = engine.isService(i) ? SERVICE : !engine.isGroup(i) ? OTHER : engine.toolCount(i) > 0 ? GROUP_WITH_TOOLS : GROUP;
  }
  const singles: Scenario[] = [];
  const table = new StateTable(engine.nodes.length);
  // Each single failure of a component hurts at least that component: room for twice the events at first, so the
  // store doubles three times at 100k resources (775k hurt nodes for 57k events), not eight from 4k.
  const store = new ScenarioStore(Math.max(1 << 12, 2 * events.length));
  const hurt = engine.hurtView();
  const hurtStates = engine.hurtStatesView();
  // The nodes of every path kept, one path after the other, and where each path's start: analyzeModel notes the
  // nodes the findings name by index from here, not by a lookup of each step's 110-character id (104k steps, 37k
  // paths at 100k resources).
  const pathNodes: number[] = [];
  const pathStart = new Map<readonly PathStep[], number>();
  for (let ei = 0; ei < events.length; ei++) {
    const event = events[ei]!;
    // One array for the evaluation and the scenario (the engine only reads it).
    const set = [event];
    const size = engine.evaluateShared(set);
    if (size === 0) continue;
    // Beyond the policy (info), explain only critical services: a region loss names every service.
    const explainAll = inPolicy(event);
    const start = store.size;
    const first = store.notableSize;
    // Most scenarios hurt no service or group with tools lost: they share the empty maps.
    let paths: Map<number, PathStep[]> | undefined;
    let lostTools: Map<number, number[]> | undefined;
    let lostServices = 0;
    for (let k = 0; k < size; k++) {
      const i = hurt[k]!;
      const code = hurtStates[k]! as StateCode;
      store.add(i, code);
      // Most hurt nodes are components and domains: nothing more to keep for them.
      const kind = notableKind[i]!;
      if (kind === OTHER) continue;
      if (kind === SERVICE) {
        store.addNotable(k, -1);
        if (code < STRANDED) continue;
        lostServices++;
        const node = engine.nodes[i]!;
        if (explainAll || (node.kind === 'service' && node.critical)) {
          const at = pathNodes.length;
          const path = engine.explain(i, pathNodes);
          pathStart.set(path, at);
          (paths ??= new Map()).set(i, path);
        }
      } else {
        store.addNotable(k, engine.lostMemberOf(i));
        // Most groups recover with no tools: no list to ask the engine for.
        if (kind !== GROUP_WITH_TOOLS) continue;
        const tools = engine.lostToolsOf(i);
        if (tools.length > 0) (lostTools ??= new Map()).set(i, tools);
      }
    }
    singles.push(new StoredScenario(set, store, start, size, first, store.notableSize - first, lostServices, paths ?? NONE, lostTools ?? NONE, table));
  }

  const live = (set: number[], hurt: number[]): Scenario => {
    const states = hurt.map((i) => engine.stateOf(i));
    let counted: { notable: number[]; lostServices: number } | undefined;
    const notable = () => (counted ??= notableOf(engine, hurt, states));
    return {
      events: set,
      size: hurt.length,
      nodeAt: (k) => hurt[k]!,
      stateAt: (k) => states[k]!,
      get notableCount() {
        return notable().notable.length;
      },
      notableAt: (j) => notable().notable[j]!,
      get lostServices() {
        return notable().lostServices;
      },
      stateOf: (node) => engine.stateOf(node),
      explain: (service) => (engine.stateOf(service) >= STRANDED ? engine.explain(service) : []),
      lostMemberOf: (group) => engine.lostMemberOf(group),
      lostToolsOf: (group) => engine.lostToolsOf(group),
    };
  };

  // The largest rank a service tolerates, by name (asked per finding and service): looked up once each.
  const toleratedRank = new Map<string, number>();
  const tolerateRankOf = (service: string): number => {
    let rank = toleratedRank.get(service);
    if (rank === undefined) {
      const i = engine.index.get(`service:${service}`);
      const svc = i === undefined ? undefined : engine.nodes[i];
      const tolerate = svc?.kind === 'service' ? svc.tolerate : undefined;
      rank = tolerate !== undefined ? model.domainRanks[tolerate]! : policy.tolerateRank;
      toleratedRank.set(service, rank);
    }
    return rank;
  };

  const serviceNodes = services.map((i) => engine.nodes[i]!);
  let sharedNames: Set<string> | undefined;
  const ownTolerate = serviceNodes.some((s) => s.kind === 'service' && s.tolerate !== undefined);
  return {
    engine,
    policy,
    events,
    singles,
    cutSets,
    run: (set) => live(set, engine.evaluate(set)),
    runFor: (set, nodes) => live(set, engine.evaluateFor(set, nodes)),
    services,
    serviceNames: serviceNodes.map((s) => s.name).sort(byText),
    totalServices: services.length,
    totalCritical: serviceNodes.filter((s) => s.kind === 'service' && s.critical).length,
    eventRef: (event) => eventRefOf(engine, event),
    labelOf(event) {
      const node = engine.nodes[event]!;
      if (node.kind !== 'component') return eventRefOf(engine, event).name;
      if (!sharedNames) {
        // Counted once, on the first message that asks.
        const seen = new Set<string>();
        sharedNames = new Set();
        for (const n of engine.nodes) {
          if (n.kind !== 'component') continue;
          if (seen.has(n.name)) sharedNames.add(n.name);
          else seen.add(n.name);
        }
      }
      return sharedNames.has(node.name) && node.type ? typedName(node.name, node.type) : node.name;
    },
    inPolicy,
    inPolicyFor(event, service) {
      if (!engine.isDomain(event)) return true;
      const node = engine.nodes[event]!;
      if (node.kind !== 'domain') return true;
      // Without a topology file no service has a tolerate of its own: no lookup by name (a region loss asks for
      // each of the 15k services of the 100k export).
      return node.rank <= (ownTolerate ? tolerateRankOf(service) : policy.tolerateRank);
    },
    locationsOf(event) {
      const node = engine.nodes[event]!;
      return node.kind === 'component' && node.source ? [node.source] : [];
    },
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
        dependents: engine
          .dependentServices(i!)
          .map((d) => engine.nodes[d]!)
          .flatMap((d) => (d.kind === 'service' ? [{ service: d.name, critical: d.critical }] : [])),
        locations: members.flatMap((m) => (m.kind === 'component' && m.source ? [m.source] : [])),
      };
    },
    nameOf(id) {
      const i = engine.index.get(id);
      return i === undefined ? id : engine.nodes[i]!.name;
    },
    toolsOf,
    dependentsOf,
    pathNodesAt: (path) => pathStart.get(path) ?? -1,
    pathNodes,
  };
}

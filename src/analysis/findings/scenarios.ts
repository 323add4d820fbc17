/**
 * The scenario view the finding kinds read: every basic event run once as a
 * single failure, with the states it leaves, the explanation paths of the
 * services it hurts, the members and recovery tools it takes from groups;
 * the policy; the minimal cut sets of the run's --order; and lookups.
 */
import type { SourceLocation } from '../../errors.js';
import type { Model } from '../../model/index.js';
import { byText } from '../../text.js';
import { eventRefOf } from '../describe.js';
import { STRANDED, UP, type Engine, type PathStep, type StateCode } from '../engine.js';
import type { EventRef, Policy } from '../types.js';

/** One scenario: what is lost after some events. */
export interface Scenario {
  /** The events lost together (one for a single failure). */
  readonly events: readonly number[];
  /** Nodes left not up, in the order the engine reached them. */
  readonly hurt: readonly number[];
  /** The state of each hurt node (parallel to `hurt`). */
  readonly states: ArrayLike<StateCode>;
  /** The positions in `hurt` of its services and groups, in that order (the kinds read little else). */
  readonly notable: readonly number[];
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
  /** Within the run's policy: a component, or a domain no larger than --tolerate. */
  inPolicy(event: number): boolean;
  /** Within the policy of this service (its own `tolerate` from the topology file, else the run's). */
  inPolicyFor(event: number, service: string): boolean;
  locationsOf(event: number): SourceLocation[];
  groupOf(id: string): GroupInfo | undefined;
  /** A node's display name, by id. */
  nameOf(id: string): string;
  /** The services that require a node, as finding dependents, sorted by name (one shared list per node: never change it). */
  dependentsOf(node: number): Array<{ service: string; critical: boolean }>;
}

/**
 * The states of one stored scenario at a time, by node: the kinds read the scenarios one after the other, so the
 * one read last is laid out here (its nodes stamped) instead of a map per scenario.
 */
class StateTable {
  readonly stamp: Int32Array;
  readonly state: Uint8Array;
  current = 0;
  owner: StoredScenario | undefined;

  constructor(size: number) {
    this.stamp = new Int32Array(size);
    this.state = new Uint8Array(size);
  }
}

/** Times a scenario is laid out in the table before it keeps a map of its own (it is read alternately with others). */
const LOADS_BEFORE_MAP = 4;

/** A single failure, kept: the hurt nodes with their states, the paths and the groups' losses. */
class StoredScenario implements Scenario {
  private stateMap: Map<number, StateCode> | undefined;
  private loads = 0;

  constructor(
    readonly events: readonly number[],
    readonly hurt: readonly number[],
    readonly states: ArrayLike<StateCode>,
    readonly notable: readonly number[],
    readonly lostServices: number,
    private readonly paths: ReadonlyMap<number, PathStep[]>,
    private readonly lostMembers: ReadonlyMap<number, number>,
    private readonly lostTools: ReadonlyMap<number, number[]>,
    private readonly table: StateTable,
  ) {}

  stateOf(node: number): StateCode {
    if (this.stateMap) return this.stateMap.get(node) ?? UP;
    const t = this.table;
    if (t.owner !== this) {
      if (++this.loads > LOADS_BEFORE_MAP) {
        this.stateMap = new Map();
        this.hurt.forEach((n, i) => this.stateMap!.set(n, this.states[i]!));
        return this.stateMap.get(node) ?? UP;
      }
      const stamp = ++t.current;
      for (let k = 0; k < this.hurt.length; k++) {
        const n = this.hurt[k]!;
        t.stamp[n] = stamp;
        t.state[n] = this.states[k]!;
      }
      t.owner = this;
    }
    return t.stamp[node] === t.current ? (t.state[node] as StateCode) : UP;
  }

  explain(service: number): PathStep[] {
    return this.paths.get(service) ?? [];
  }

  lostMemberOf(group: number): number {
    return this.lostMembers.get(group) ?? -1;
  }

  lostToolsOf(group: number): number[] {
    return this.lostTools.get(group) ?? [];
  }
}

const NONE: ReadonlyMap<number, never> = new Map<number, never>();
const NO_POSITIONS: readonly number[] = [];

/** The positions in `hurt` of services and groups, and how many services are stranded or down. */
function notableOf(engine: Engine, hurt: readonly number[], states: ArrayLike<StateCode>): { notable: number[]; lostServices: number } {
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
  const inPolicy = (event: number): boolean => {
    const node = engine.nodes[event]!;
    return node.kind !== 'domain' || node.rank <= policy.tolerateRank;
  };
  const services: number[] = [];
  engine.nodes.forEach((n, i) => {
    if (n.kind === 'service') services.push(i);
  });
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

  const singles: Scenario[] = [];
  const table = new StateTable(engine.nodes.length);
  for (const event of events) {
    const hurt = engine.evaluate([event]);
    if (hurt.length === 0) continue;
    // Beyond the policy (info), explain only critical services: a region loss names every service.
    const explainAll = inPolicy(event);
    const codes = new Uint8Array(hurt.length) as unknown as StateCode[];
    // Most scenarios hurt no service or group: they share the empty maps.
    let paths: Map<number, PathStep[]> | undefined;
    let lostMembers: Map<number, number> | undefined;
    let lostTools: Map<number, number[]> | undefined;
    let notable: number[] | undefined;
    let lostServices = 0;
    for (let k = 0; k < hurt.length; k++) {
      const i = hurt[k]!;
      const code = engine.stateOf(i);
      codes[k] = code;
      const node = engine.nodes[i]!;
      // Most hurt nodes are components and domains: nothing more to keep for them.
      if (node.kind === 'component' || node.kind === 'domain') continue;
      (notable ??= []).push(k);
      if (node.kind === 'service') {
        if (code < STRANDED) continue;
        lostServices++;
        if (explainAll || node.critical) (paths ??= new Map()).set(i, engine.explain(i));
      } else if (node.kind === 'group') {
        const lost = engine.lostMemberOf(i);
        if (lost >= 0) (lostMembers ??= new Map()).set(i, lost);
        const tools = engine.lostToolsOf(i);
        if (tools.length > 0) (lostTools ??= new Map()).set(i, tools);
      }
    }
    singles.push(new StoredScenario([event], hurt, codes, notable ?? NO_POSITIONS, lostServices, paths ?? NONE, lostMembers ?? NONE, lostTools ?? NONE, table));
  }

  const live = (set: number[], hurt: number[]): Scenario => {
    const states = hurt.map((i) => engine.stateOf(i));
    let counted: { notable: number[]; lostServices: number } | undefined;
    return {
      events: set,
      hurt,
      states,
      get notable() {
        return (counted ??= notableOf(engine, hurt, states)).notable;
      },
      get lostServices() {
        return (counted ??= notableOf(engine, hurt, states)).lostServices;
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
    inPolicy,
    inPolicyFor(event, service) {
      const node = engine.nodes[event]!;
      if (node.kind !== 'domain') return true;
      return node.rank <= tolerateRankOf(service);
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
    dependentsOf,
  };
}

/**
 * The failure engine. Compiles the model graph into flat arrays once, then
 * evaluates scenarios (sets of failed basic events) by propagating losses
 * forward from the failed events only, so a scenario costs what it touches.
 *
 * Semantics (DESIGN.md):
 * - A lost domain loses its whole subtree. A component is lost when it fails
 *   itself or when every domain it is placed in is lost (it spans them), or,
 *   with a `downAt` (n instances over more than n zones), when that many are.
 *   A component with a known capacity that lost some placements, not enough
 *   to stop it, is degraded.
 * - requires: a node takes the worst state of what it requires (a service
 *   whose database is degraded is degraded; stranded or down likewise).
 * - A group is stranded or down when fewer than k members are alive (up or
 *   degraded): stranded if at least k members are not down (some are only
 *   stranded, and come back once recovered), down otherwise. With k alive, it
 *   is stranded when it lost members and a recovers-with tool is not usable
 *   (stranded or down); degraded when it lost members or a member is
 *   degraded; up otherwise.
 * States only worsen as losses spread, so every node changes state at most
 * three times per scenario: the least fixed point is reached in linear time.
 * Being the least fixed point, a scenario's states do not depend on the order
 * losses arrive in: extend() adds events to the last scenario and rollback()
 * undoes that (the cut-set search); evaluateFor() evaluates only what can
 * reach some nodes (the explanation of a cut set's services).
 */
import type { Model, ModelNode, EdgeKind } from '../model/index.js';
import type { ResultModel } from './types.js';

export const UP = 0;
export const DEGRADED = 1;
export const STRANDED = 2;
export const DOWN = 3;
export type StateCode = 0 | 1 | 2 | 3;
export const STATE_NAMES = ['up', 'degraded', 'stranded', 'down'] as const;
export type ServiceState = (typeof STATE_NAMES)[number];

const K_DOMAIN = 0;
const K_COMPONENT = 1;
const K_GROUP = 2;
const K_SERVICE = 3;

/** Compressed adjacency: the neighbours of i are data[start[i] .. start[i+1]). */
interface Csr {
  start: Int32Array;
  data: Int32Array;
}

const E_WITHIN = 0;
const E_PLACED_IN = 1;
const E_MEMBER_OF = 2;
const E_REQUIRES = 3;
const E_RECOVERS_WITH = 4;
/** The code of an edge kind (compared with the constants, most frequent first: no lookup by name). */
function edgeCode(kind: EdgeKind): number {
  return kind === 'requires'
    ? E_REQUIRES
    : kind === 'placed-in'
      ? E_PLACED_IN
      : kind === 'member-of'
        ? E_MEMBER_OF
        : kind === 'recovers-with'
          ? E_RECOVERS_WITH
          : E_WITHIN;
}

const EDGE_CODES = 5;

/**
 * The adjacency of the edges of each kind (by code), both ways: out[kind] from source to targets, in[kind] from
 * target to sources, each node's list in edge order. Two passes over the edges for all ten tables (one count, one
 * fill), not two per table.
 */
function tablesOf(n: number, code: Uint8Array, source: ArrayLike<number>, target: ArrayLike<number>): { out: Csr[]; in: Csr[] } {
  const outStart: Int32Array[] = [];
  const inStart: Int32Array[] = [];
  const count = new Int32Array(EDGE_CODES);
  for (let k = 0; k < EDGE_CODES; k++) {
    outStart.push(new Int32Array(n + 1));
    inStart.push(new Int32Array(n + 1));
  }
  for (let e = 0; e < code.length; e++) {
    const k = code[e]!;
    outStart[k]![source[e]! + 1]!++;
    inStart[k]![target[e]! + 1]!++;
    count[k]!++;
  }
  const out: Csr[] = [];
  const into: Csr[] = [];
  const outFill: Int32Array[] = [];
  const inFill: Int32Array[] = [];
  for (let k = 0; k < EDGE_CODES; k++) {
    for (const start of [outStart[k]!, inStart[k]!]) for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
    out.push({ start: outStart[k]!, data: new Int32Array(count[k]!) });
    into.push({ start: inStart[k]!, data: new Int32Array(count[k]!) });
    outFill.push(outStart[k]!.slice(0, n));
    inFill.push(inStart[k]!.slice(0, n));
  }
  for (let e = 0; e < code.length; e++) {
    const k = code[e]!;
    const s = source[e]!;
    const t = target[e]!;
    out[k]!.data[outFill[k]![s]!++] = t;
    into[k]!.data[inFill[k]![t]!++] = s;
  }
  return { out, in: into };
}

export interface PathStep {
  /** How this node is reached from the previous step. */
  edge?: 'requires' | 'member' | 'recovers-with' | 'placed-in' | 'within';
  node: string;
  state: ServiceState;
  /** For a stranded group: the member it could not fail over from. */
  lostMember?: string;
  /** For placed-in: why losing this one of its domains stops the component (fewer instances than zones). */
  note?: string;
}

export interface NodeOutcome {
  id: string;
  state: ServiceState;
}

/** What the engine reads of a model: its nodes and edges (a Model is one). */
export type EngineInput = Pick<Model, 'nodes' | 'index' | 'edgeKind' | 'edgeSource' | 'edgeTarget'>;

/**
 * The engine's input from a result's plain model (`includeModel`), as the html
 * page has it. The engine reads only id, kind, k, n, event, capacity and downAt of a node, which
 * a ResultModel node carries; its other fields are left out, hence the cast.
 */
export function engineInput(model: ResultModel): EngineInput {
  const index = new Map<string, number>();
  model.nodes.forEach((node, i) => index.set(node.id, i));
  return {
    nodes: model.nodes as unknown as ModelNode[],
    index,
    edgeKind: model.edges.map((e) => e[2]),
    edgeSource: model.edges.map((e) => e[0]),
    edgeTarget: model.edges.map((e) => e[1]),
  };
}

export class Engine {
  readonly ids: string[];
  readonly nodes: ModelNode[];
  readonly index: Map<string, number>;
  private readonly kind: Uint8Array;
  private readonly childDomains: Csr;
  private readonly placedHere: Csr;
  private readonly nPlacements: Int32Array;
  /** Placements whose loss stops a component: all of them unless its downAt says fewer. */
  private readonly need: Int32Array;
  /** Components that are degraded by a partial loss of their placements (their capacity is known). */
  private readonly counted: Uint8Array;
  /** Components whose own loss is a basic event (read with the rest of each node in the constructor). */
  private readonly event: Uint8Array;
  private readonly placements: Csr;
  private readonly requirers: Csr;
  private readonly groupsOf: Csr;
  private readonly toolOf: Csr;
  private readonly requiresOut: Csr;
  private readonly toolsOut: Csr;
  private readonly k: Int32Array;
  private readonly n: Int32Array;
  private readonly members: number[][] = [];
  /** Nodes whose members and tools are counted (1): groups, and anything a member-of edge leads to. */
  private readonly tallies: Uint8Array;

  // Per-scenario scratch, valid where stamp === epoch.
  private epoch = 0;
  private readonly stamp: Int32Array;
  private readonly state: Uint8Array;
  private readonly cause: Int32Array;
  private readonly counter: Int32Array; // components: placements lost; groups: members lost
  private readonly degradedMembers: Int32Array;
  private readonly downMembers: Int32Array;
  private readonly toolsLost: Int32Array;
  private readonly firstTool: Int32Array;
  private readonly firstLostMember: Int32Array;
  private readonly domainStamp: Int32Array;
  private readonly domainVia: Int32Array;
  private queue: Int32Array;
  /**
   * The nodes touched in the scenario, in order: touched[0 .. touchedCount). A node is touched at most once per
   * scenario, so one array of the model's size serves every scenario (no array grown per scenario).
   */
  private readonly touched: Int32Array;
  private touchedCount = 0;
  /** evaluateShared's answer, reused likewise: the nodes, and their states. */
  private readonly hurt: Int32Array;
  private readonly hurtStates: Uint8Array;

  // An extension of the last scenario (extend / rollback): each node's scratch before its first change in it.
  private layer = 0;
  private extending = false;
  private readonly savedAt: Int32Array;
  private saved: number[] = [];
  private savedDomains: number[] = [];
  private baseTouched = 0;

  // A scenario restricted to the nodes that can affect some (evaluateFor): the others are left alone.
  private scoped = false;
  private scopeEpoch = 0;
  private readonly scopeStamp: Int32Array;
  /** dependentServices' marks (allocated on first use) and the stamp of its last search. */
  private dependentSeen: Int32Array | undefined;
  private dependentStamp = 0;

  constructor(model: EngineInput) {
    this.nodes = model.nodes;
    const n = this.nodes.length;
    // One read of each node object (100k of them at 100k resources, scattered in the heap), not one per table.
    const ids: string[] = [];
    this.kind = new Uint8Array(n);
    this.k = new Int32Array(n);
    this.n = new Int32Array(n);
    this.counted = new Uint8Array(n);
    this.event = new Uint8Array(n);
    const downAt = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const node = this.nodes[i]!;
      ids.push(node.id);
      this.kind[i] = node.kind === 'domain' ? K_DOMAIN : node.kind === 'component' ? K_COMPONENT : node.kind === 'group' ? K_GROUP : K_SERVICE;
      if (node.kind === 'group') {
        this.k[i] = node.k;
        this.n[i] = node.n;
      } else if (node.kind === 'component') {
        if (node.downAt !== undefined && node.downAt >= 1) downAt[i] = node.downAt;
        if (node.capacity !== undefined) this.counted[i] = 1;
        if (node.event) this.event[i] = 1;
      }
    }
    this.ids = ids;
    this.index = model.index;
    // Each kind's adjacency is read straight off the model's edge arrays (a kind code per edge, then the tables),
    // not from lists per kind pushed edge by edge first.
    const edges = model.edgeKind.length;
    const code = new Uint8Array(edges);
    for (let e = 0; e < edges; e++) code[e] = edgeCode(model.edgeKind[e]!);
    const tables = tablesOf(n, code, model.edgeSource, model.edgeTarget);
    const table = (kind: number, forward: boolean): Csr => (forward ? tables.out[kind]! : tables.in[kind]!);
    this.childDomains = table(E_WITHIN, false);
    this.placedHere = table(E_PLACED_IN, false);
    this.placements = table(E_PLACED_IN, true);
    this.nPlacements = new Int32Array(n);
    for (let i = 0; i < n; i++) this.nPlacements[i] = this.placements.start[i + 1]! - this.placements.start[i]!;
    this.need = this.nPlacements.slice();
    for (let i = 0; i < n; i++) if (downAt[i]! >= 1 && downAt[i]! < this.need[i]!) this.need[i] = downAt[i]!;
    this.requirers = table(E_REQUIRES, false);
    this.requiresOut = table(E_REQUIRES, true);
    this.groupsOf = table(E_MEMBER_OF, true);
    const memberTable = table(E_MEMBER_OF, false);
    // Flagged as the lists are made: no read of the sparse `members` array per node (~5 ms at 100k).
    this.tallies = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (this.kind[i] === K_GROUP) this.tallies[i] = 1;
      const from = memberTable.start[i]!;
      const to = memberTable.start[i + 1]!;
      if (to === from) continue;
      const list: number[] = [];
      for (let e = from; e < to; e++) list.push(memberTable.data[e]!);
      this.members[i] = list;
      this.tallies[i] = 1;
    }
    this.toolOf = table(E_RECOVERS_WITH, false);
    this.toolsOut = table(E_RECOVERS_WITH, true);

    this.stamp = new Int32Array(n);
    this.state = new Uint8Array(n);
    this.cause = new Int32Array(n);
    this.counter = new Int32Array(n);
    this.degradedMembers = new Int32Array(n);
    this.downMembers = new Int32Array(n);
    this.toolsLost = new Int32Array(n);
    this.firstTool = new Int32Array(n).fill(-1);
    this.firstLostMember = new Int32Array(n).fill(-1);
    this.domainStamp = new Int32Array(n);
    this.domainVia = new Int32Array(n);
    this.savedAt = new Int32Array(n);
    this.scopeStamp = new Int32Array(n);
    this.queue = new Int32Array(Math.max(16, n * 4));
    this.touched = new Int32Array(n);
    this.hurt = new Int32Array(n);
    this.hurtStates = new Uint8Array(n);
  }

  get size(): number {
    return this.ids.length;
  }

  private touch(i: number): void {
    if (this.extending && this.savedAt[i] !== this.layer) this.save(i);
    if (this.stamp[i] !== this.epoch) {
      this.stamp[i] = this.epoch;
      this.state[i] = UP;
      this.cause[i] = -1;
      this.counter[i] = 0;
      // Only groups (and whatever a member-of edge leads to) count members and tools; other nodes keep 0 and -1
      // there from the start: five writes to five arrays fewer for each component a scenario touches (775k touches
      // for the 57k single failures at 100k).
      if (this.tallies[i] === 1) {
        this.degradedMembers[i] = 0;
        this.downMembers[i] = 0;
        this.toolsLost[i] = 0;
        this.firstTool[i] = -1;
        this.firstLostMember[i] = -1;
      }
      this.touched[this.touchedCount++] = i;
    }
  }

  private save(i: number): void {
    this.savedAt[i] = this.layer;
    this.saved.push(
      i,
      this.stamp[i]!,
      this.state[i]!,
      this.cause[i]!,
      this.counter[i]!,
      this.degradedMembers[i]!,
      this.downMembers[i]!,
      this.toolsLost[i]!,
      this.firstTool[i]!,
      this.firstLostMember[i]!,
    );
  }

  /** Outside the scope of evaluateFor: nothing there can affect the nodes asked for. */
  private outOfScope(i: number): boolean {
    return this.scoped && this.scopeStamp[i] !== this.scopeEpoch;
  }

  stateOf(i: number): StateCode {
    return (this.stamp[i] === this.epoch ? this.state[i] : UP) as StateCode;
  }

  private qHead = 0;
  private qTail = 0;

  private push(i: number): void {
    if (this.qTail >= this.queue.length) {
      const bigger = new Int32Array(this.queue.length * 2);
      bigger.set(this.queue);
      this.queue = bigger;
    }
    this.queue[this.qTail++] = i;
  }

  private groupState(gi: number): StateCode {
    const lost = this.counter[gi]!;
    if (this.n[gi]! - lost < this.k[gi]!) {
      // Too few members serve. If enough of them are only stranded, the group
      // comes back once they are recovered: stranded; otherwise down.
      return this.n[gi]! - this.downMembers[gi]! >= this.k[gi]! ? STRANDED : DOWN;
    }
    if (lost > 0 && this.toolsLost[gi]! > 0) return STRANDED;
    if (lost > 0 || this.degradedMembers[gi]! > 0) return DEGRADED;
    return UP;
  }

  private raise(i: number, s: StateCode, cause: number): void {
    this.touch(i);
    const old = this.state[i]!;
    if (s <= old) return;
    this.state[i] = s;
    this.cause[i] = cause;
    this.push(i);
    // Membership: update the group's counters for this member's transition.
    for (let e = this.groupsOf.start[i]!; e < this.groupsOf.start[i + 1]!; e++) {
      const gi = this.groupsOf.data[e]!;
      if (this.outOfScope(gi)) continue;
      this.touch(gi);
      if (old < STRANDED && s >= STRANDED) {
        this.counter[gi]!++;
        if (this.firstLostMember[gi] === -1) this.firstLostMember[gi] = i;
        if (old === DEGRADED) this.degradedMembers[gi]!--;
      } else if (old === UP && s === DEGRADED) this.degradedMembers[gi]!++;
      if (old < DOWN && s === DOWN) this.downMembers[gi]!++;
      const gs = this.groupState(gi);
      if (gs > this.state[gi]!) this.raise(gi, gs, gs === STRANDED && this.toolsLost[gi]! > 0 ? this.firstTool[gi]! : i);
    }
    // Recovery tools (a component or a group of them): stranded or down, they cannot fail anything over.
    if (old < STRANDED && s >= STRANDED) {
      for (let e = this.toolOf.start[i]!; e < this.toolOf.start[i + 1]!; e++) {
        const gi = this.toolOf.data[e]!;
        // A lone component's tools are what rebuilding it needs: it has nothing to fail over to, its state stays.
        if (this.kind[gi] !== K_GROUP) continue;
        if (this.outOfScope(gi)) continue;
        this.touch(gi);
        this.toolsLost[gi]!++;
        if (this.firstTool[gi] === -1) this.firstTool[gi] = i;
        const gs = this.groupState(gi);
        if (gs > this.state[gi]!) this.raise(gi, gs, gs === STRANDED ? this.firstTool[gi]! : this.firstLostMember[gi]!);
      }
    }
  }

  private loseDomain(root: number): void {
    // A domain may sit inside several (a data center on a shared power feed):
    // remember through which one each was reached, for explanations.
    const stack = [root, -1];
    while (stack.length > 0) {
      const via = stack.pop()!;
      const d = stack.pop()!;
      if (this.domainStamp[d] === this.epoch) continue;
      if (this.extending) this.savedDomains.push(d, this.domainStamp[d]!, this.domainVia[d]!);
      this.domainStamp[d] = this.epoch;
      this.domainVia[d] = via;
      for (let e = this.placedHere.start[d]!; e < this.placedHere.start[d + 1]!; e++) {
        const c = this.placedHere.data[e]!;
        if (this.outOfScope(c)) continue;
        this.touch(c);
        this.counter[c]!++;
        if (this.counter[c] === this.need[c]) this.raise(c, DOWN, d);
        else if (this.counted[c] && this.counter[c]! < this.need[c]!) this.raise(c, DEGRADED, d);
      }
      for (let e = this.childDomains.start[d]!; e < this.childDomains.start[d + 1]!; e++) stack.push(this.childDomains.data[e]!, d);
    }
  }

  /**
   * Evaluate one scenario. Returns the nodes whose state is not up, in the
   * order they were first reached; read states with stateOf() until the next call.
   */
  evaluate(events: number[]): number[] {
    this.epoch++;
    this.extending = false;
    this.scoped = false;
    this.touchedCount = 0;
    this.propagate(events);
    return this.hurtList();
  }

  /** The touched nodes whose state is not up, in order. */
  private hurtList(): number[] {
    const out: number[] = [];
    for (let t = 0; t < this.touchedCount; t++) if (this.state[this.touched[t]!]! > UP) out.push(this.touched[t]!);
    return out;
  }

  /**
   * evaluate() for a caller that reads the answer before the next evaluation: the same nodes, in the same order,
   * as hurtView()[0 .. count), the count returned; no array is made (the single failures, one per basic event:
   * 57k at 100k resources).
   */
  evaluateShared(events: number[]): number {
    this.epoch++;
    this.extending = false;
    this.scoped = false;
    this.touchedCount = 0;
    this.propagate(events);
    let count = 0;
    for (let t = 0; t < this.touchedCount; t++) {
      const i = this.touched[t]!;
      const s = this.state[i]!;
      if (s === UP) continue;
      this.hurtStates[count] = s;
      this.hurt[count++] = i;
    }
    return count;
  }

  /** The engine's own buffer evaluateShared() answers in (never change it). */
  hurtView(): Int32Array {
    return this.hurt;
  }

  /**
   * The states of the nodes of hurtView(), position by position (stateOf() of each): read in order, not looked up
   * node by node across the model's arrays.
   */
  hurtStatesView(): Uint8Array {
    return this.hurtStates;
  }

  /**
   * Evaluate a scenario for some nodes only: what cannot reach them (through
   * requires, members and tools) is not evaluated; lost domains still lose their
   * whole subtree, but only components in scope count it.
   * Their states and explain() paths, and those of every node that can reach
   * them, are exactly evaluate()'s: nothing outside feeds into them, and the
   * losses inside arrive in the same order. Other nodes read as up.
   */
  evaluateFor(events: number[], nodes: number[]): number[] {
    this.scopeEpoch++;
    const stack: number[] = [];
    const mark = (x: number): void => {
      if (this.scopeStamp[x] !== this.scopeEpoch) {
        this.scopeStamp[x] = this.scopeEpoch;
        stack.push(x);
      }
    };
    const marks = (list: Csr, x: number): void => {
      for (let e = list.start[x]!; e < list.start[x + 1]!; e++) mark(list.data[e]!);
    };
    nodes.forEach(mark);
    while (stack.length > 0) {
      const x = stack.pop()!;
      marks(this.requiresOut, x);
      if (this.kind[x] === K_GROUP) {
        for (const m of this.members[x] ?? []) mark(m);
        marks(this.toolsOut, x);
      }
    }
    this.epoch++;
    this.extending = false;
    this.scoped = true;
    this.touchedCount = 0;
    this.propagate(events);
    return this.hurtList();
  }

  /**
   * Add events to the last scenario, as if it had been evaluated with them
   * (states are the least fixed point, whatever the order losses arrive in).
   * Returns the nodes whose state worsened. Read states with stateOf(), then
   * call rollback() to get the last scenario back, before the next extend().
   * Causes (explain) are not those of a fresh evaluation: use evaluate() for paths.
   */
  extend(events: number[]): number[] {
    if (this.extending) this.rollback();
    this.saved.length = 0;
    this.savedDomains.length = 0;
    this.layer++;
    this.extending = true;
    this.baseTouched = this.touchedCount;
    this.propagate(events);
    const out: number[] = [];
    const saved = this.saved;
    for (let r = 0; r < saved.length; r += 10) {
      const i = saved[r]!;
      if (this.state[i]! > (saved[r + 1] === this.epoch ? saved[r + 2]! : UP)) out.push(i);
    }
    return out;
  }

  /** Undo the last extend(). */
  rollback(): void {
    if (!this.extending) return;
    const saved = this.saved;
    for (let r = saved.length - 10; r >= 0; r -= 10) {
      const i = saved[r]!;
      this.stamp[i] = saved[r + 1]!;
      this.state[i] = saved[r + 2]!;
      this.cause[i] = saved[r + 3]!;
      this.counter[i] = saved[r + 4]!;
      this.degradedMembers[i] = saved[r + 5]!;
      this.downMembers[i] = saved[r + 6]!;
      this.toolsLost[i] = saved[r + 7]!;
      this.firstTool[i] = saved[r + 8]!;
      this.firstLostMember[i] = saved[r + 9]!;
    }
    const domains = this.savedDomains;
    for (let r = domains.length - 3; r >= 0; r -= 3) {
      this.domainStamp[domains[r]!] = domains[r + 1]!;
      this.domainVia[domains[r]!] = domains[r + 2]!;
    }
    saved.length = 0;
    domains.length = 0;
    this.touchedCount = this.baseTouched;
    this.extending = false;
  }

  private propagate(events: number[]): void {
    this.qHead = 0;
    this.qTail = 0;
    for (const ev of events) {
      if (this.kind[ev] === K_DOMAIN) this.loseDomain(ev);
      else if (!this.outOfScope(ev)) this.raise(ev, DOWN, -1);
    }
    while (this.qHead < this.qTail) {
      const x = this.queue[this.qHead++]!;
      const s = this.state[x]! as StateCode;
      for (let e = this.requirers.start[x]!; e < this.requirers.start[x + 1]!; e++) {
        const d = this.requirers.data[e]!;
        if (this.stateOf(d) < s && !this.outOfScope(d)) this.raise(d, s, x);
      }
    }
  }

  /**
   * OR gates the last scenario hit without breaking: groups that lost members
   * or tools yet serve, and components that lost some of their placements.
   * For each: the losses so far (members or placements) and lost tools.
   * A larger scenario can only break such a gate by adding losses to it.
   */
  partialGates(): Array<{ node: number; lost: number; tools: number }> {
    const out: Array<{ node: number; lost: number; tools: number }> = [];
    for (let t = 0; t < this.touchedCount; t++) {
      const i = this.touched[t]!;
      if (this.state[i]! >= STRANDED) continue;
      const kind = this.kind[i];
      if (kind === K_GROUP) {
        if (this.counter[i]! > 0 || this.toolsLost[i]! > 0) out.push({ node: i, lost: this.counter[i]!, tools: this.toolsLost[i]! });
      } else if (kind === K_COMPONENT && this.counter[i]! > 0) out.push({ node: i, lost: this.counter[i]!, tools: 0 });
    }
    return out;
  }

  /** How many more losses gate i absorbs: n - k for a group, placements needed to stop it - 1 for a component. */
  slackOf(i: number): number {
    return this.kind[i] === K_GROUP ? this.n[i]! - this.k[i]! : this.need[i]! - 1;
  }

  /** Can gate i be stranded (a group with recovery tools)? */
  hasTools(i: number): boolean {
    return this.kind[i] === K_GROUP && this.toolsOut.start[i + 1]! > this.toolsOut.start[i]!;
  }

  isDomainLost(i: number): boolean {
    return this.domainStamp[i] === this.epoch;
  }

  private isMemberOf(member: number, group: number): boolean {
    for (let e = this.groupsOf.start[member]!; e < this.groupsOf.start[member + 1]!; e++) if (this.groupsOf.data[e] === group) return true;
    return false;
  }

  /** The step that reaches node c from group or requirer cur. */
  private stepTo(cur: number, c: number): PathStep {
    let edge: PathStep['edge'] = 'requires';
    let lostMember: string | undefined;
    if (this.kind[cur] === K_GROUP) {
      if (this.isMemberOf(c, cur)) edge = 'member';
      else {
        edge = 'recovers-with';
        const m = this.firstLostMember[cur]!;
        if (m >= 0) lostMember = this.ids[m]!;
      }
    }
    const step: PathStep = { edge, node: this.ids[c]!, state: STATE_NAMES[this.stateOf(c)] };
    this.sink?.push(c);
    if (lostMember) {
      step.lostMember = lostMember;
      this.sink?.push(this.firstLostMember[cur]!);
    }
    return step;
  }

  /** placed-in the lost domain d (by component c), then up the tree to the domain whose loss was the event: appended to steps. */
  private domainSteps(d: number, c: number, steps: PathStep[]): PathStep[] {
    const step: PathStep = { edge: 'placed-in', node: this.ids[d]!, state: 'down' };
    const need = this.need[c]!;
    if (need < this.nPlacements[c]!) {
      step.note =
        need === 1
          ? 'one instance: a zone loss stops it until it is rescheduled'
          : `any ${need} of its ${this.nPlacements[c]!} zones may hold all its instances`;
    }
    steps.push(step);
    this.sink?.push(d);
    for (let x = d; this.domainVia[x]! >= 0;) {
      x = this.domainVia[x]!;
      steps.push({ edge: 'within', node: this.ids[x]!, state: 'down' });
      this.sink?.push(x);
    }
    return steps;
  }

  /**
   * One path that explains node i's state in the last scenario, from i down to a failed event. With `nodes`, the
   * node of each step (then its lost member, if it names one) is pushed there too, in the path's order: what a
   * caller noting the path's nodes would look up by id (nodeCollector.noteIndex).
   */
  explain(i: number, nodes?: number[]): PathStep[] {
    const base = nodes?.length ?? 0;
    this.sink = nodes;
    try {
      return this.explainInto(i, base);
    } finally {
      this.sink = undefined;
    }
  }

  /** explain()'s marks of the nodes on a chain of causes (allocated on first use), and the stamp of its last chain. */
  private chainSeen: Int32Array | undefined;
  private chainStamp = 0;

  /** Where stepTo and domainSteps push the nodes of the path explain() makes (its `nodes`), if anywhere. */
  private sink: number[] | undefined;

  private explainInto(i: number, base: number): PathStep[] {
    const steps: PathStep[] = [{ node: this.ids[i]!, state: STATE_NAMES[this.stateOf(i)] }];
    this.sink?.push(i);
    // The nodes on the chain so far, stamped (no Set per path: 37k paths at 100k resources).
    const seen = (this.chainSeen ??= new Int32Array(this.size));
    if (this.chainStamp === 0x7fffffff) {
      seen.fill(0);
      this.chainStamp = 0;
    }
    const stamp = ++this.chainStamp;
    seen[i] = stamp;
    let cur = i;
    for (;;) {
      const c = this.cause[cur]!;
      if (this.stamp[cur] !== this.epoch) break;
      if (c < 0) return steps; // cur failed on its own: the event
      if (this.kind[c] === K_DOMAIN) return this.domainSteps(c, cur, steps);
      if (seen[c] === stamp) break;
      seen[c] = stamp;
      steps.push(this.stepTo(cur, c));
      cur = c;
    }
    // The chain of causes ran into a loop (a group feeding back into its own
    // member): search instead for the shortest path of hurt nodes to an event.
    if (this.sink) this.sink.length = base;
    return this.searchPath(i);
  }

  private searchPath(i: number): PathStep[] {
    const prev = new Map<number, number>([[i, -1]]);
    const queue = [i];
    const hurt = (x: number): boolean => this.stateOf(x) > UP;
    const done = (x: number): PathStep[] => {
      const chain: number[] = [];
      for (let y = x; y !== -1; y = prev.get(y)!) chain.unshift(y);
      const steps: PathStep[] = [{ node: this.ids[i]!, state: STATE_NAMES[this.stateOf(i)] }];
      this.sink?.push(i);
      for (let k = 1; k < chain.length; k++) steps.push(this.stepTo(chain[k - 1]!, chain[k]!));
      return steps;
    };
    for (let q = 0; q < queue.length; q++) {
      const x = queue[q]!;
      if (this.kind[x] === K_COMPONENT && this.stateOf(x) === DOWN && this.cause[x] === -1) return done(x);
      if (this.kind[x] === K_COMPONENT) {
        for (let e = this.placements.start[x]!; e < this.placements.start[x + 1]!; e++) {
          const d = this.placements.data[e]!;
          if (this.isDomainLost(d) && this.counter[x]! >= this.need[x]!) return this.domainSteps(d, x, done(x));
        }
      }
      const next: number[] = [];
      if (this.kind[x] === K_GROUP) {
        next.push(...(this.members[x] ?? []), ...this.toolsOf(x));
      } else {
        next.push(...this.requiresOf(x));
      }
      for (const y of next) {
        if (!prev.has(y) && hurt(y)) {
          prev.set(y, x);
          queue.push(y);
        }
      }
    }
    this.sink?.push(i);
    return [{ node: this.ids[i]!, state: STATE_NAMES[this.stateOf(i)] }];
  }

  /** Basic events: every domain and every component whose own loss counts. */
  basicEvents(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.kind.length; i++) if (this.kind[i] === K_DOMAIN ? !this.sameAsOnlyChild(i) : this.event[i] === 1) out.push(i);
    return out;
  }

  /**
   * A domain that holds nothing but one child domain fails exactly like that
   * child (`aws` with only `us-east-1`): the child stands for both.
   */
  private sameAsOnlyChild(d: number): boolean {
    return this.childDomains.start[d + 1]! - this.childDomains.start[d]! === 1 && this.placedHere.start[d + 1] === this.placedHere.start[d];
  }

  kindOf(i: number): ModelNode['kind'] {
    return this.nodes[i]!.kind;
  }

  // Node kinds from the engine's codes, not the node objects: a scan of every node (100k at 100k resources, scattered
  // in the heap) that reads no object costs about a tenth (~10 ms less per scan).
  isDomain(i: number): boolean {
    return this.kind[i] === K_DOMAIN;
  }

  isComponent(i: number): boolean {
    return this.kind[i] === K_COMPONENT;
  }

  isGroup(i: number): boolean {
    return this.kind[i] === K_GROUP;
  }

  isService(i: number): boolean {
    return this.kind[i] === K_SERVICE;
  }

  requiresOf(i: number): number[] {
    return Array.from(this.requiresOut.data.subarray(this.requiresOut.start[i]!, this.requiresOut.start[i + 1]!));
  }

  /** The recovers-with tools of group i (of a lone component: what rebuilding it needs). */
  toolsOf(i: number): number[] {
    return Array.from(this.toolsView(i));
  }

  /** How many recovers-with tools node i has (toolsOf(i).length, without making the list). */
  toolCount(i: number): number {
    return this.toolsOut.start[i + 1]! - this.toolsOut.start[i]!;
  }

  /** toolsOf as a view of the engine's own table (no copy: never change it). */
  toolsView(i: number): Int32Array {
    return this.toolsOut.data.subarray(this.toolsOut.start[i]!, this.toolsOut.start[i + 1]!);
  }

  /** The recovers-with tools of group i that are unusable (stranded or down) in the last scenario. */
  lostToolsOf(i: number): number[] {
    const out: number[] = [];
    for (let e = this.toolsOut.start[i]!; e < this.toolsOut.start[i + 1]!; e++) {
      const t = this.toolsOut.data[e]!;
      if (this.stateOf(t) >= STRANDED) out.push(t);
    }
    return out;
  }

  /** Services that require node i, directly or through components and groups. */
  dependentServices(i: number): number[] {
    // One marks array for every search, told apart by a stamp (no array of the model's size per call).
    const seen = (this.dependentSeen ??= new Int32Array(this.size));
    if (this.dependentStamp === 0x7fffffff) {
      seen.fill(0);
      this.dependentStamp = 0;
    }
    const stamp = ++this.dependentStamp;
    const out: number[] = [];
    const stack = [i];
    seen[i] = stamp;
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (this.kind[x] === K_SERVICE) out.push(x);
      for (let c = 0; c < 2; c++) {
        const csr = c === 0 ? this.requirers : this.groupsOf;
        for (let e = csr.start[x]!; e < csr.start[x + 1]!; e++) {
          const y = csr.data[e]!;
          if (seen[y] !== stamp) {
            seen[y] = stamp;
            stack.push(y);
          }
        }
      }
    }
    return out.sort((a, b) => a - b);
  }

  /** The components of node i: itself, or a group's members. */
  componentsOf(i: number): number[] {
    if (this.kind[i] !== K_GROUP) return [i];
    return this.members[i] ?? [];
  }

  /** The first member group i lost in the last scenario, or -1. */
  lostMemberOf(i: number): number {
    return this.stamp[i] === this.epoch ? this.firstLostMember[i]! : -1;
  }

  placementsOf(i: number): number[] {
    return Array.from(this.placementsView(i));
  }

  /** How many domains node i is placed in (placementsView(i).length, without making the view). */
  placementCount(i: number): number {
    return this.placements.start[i + 1]! - this.placements.start[i]!;
  }

  /** The k-th domain node i is placed in (placementsView(i)[k], without making the view). */
  placementAt(i: number, k: number): number {
    return this.placements.data[this.placements.start[i]! + k]!;
  }

  /** The k-th recovers-with tool of node i (toolsView(i)[k], without making the view). */
  toolAt(i: number, k: number): number {
    return this.toolsOut.data[this.toolsOut.start[i]! + k]!;
  }

  /** The domains node i is placed in, as a view of the engine's own table (no copy: never change it). */
  placementsView(i: number): Int32Array {
    return this.placements.data.subarray(this.placements.start[i]!, this.placements.start[i + 1]!);
  }
}

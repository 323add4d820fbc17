/**
 * Hand-built failure models for engine tests.
 *
 * Nodes are named briefly and get the model's id scheme:
 *   domain('aws/r1/a', 'zone')  -> `domain:aws/r1/a` (within `domain:aws/r1`, which must exist)
 *   component('db', {...})       -> `component:db`
 *   group('db', k, members)      -> `group:db`
 *   service('pay', requires)     -> `service:pay`
 * A `requires` / `tools` reference is a full id (`component:x`, `group:x`) or a
 * bare name, resolved to the component or group of that name (never both).
 * Edges are added at build(), so nodes may be declared in any order.
 */
import { DirectedGraph } from 'graphology';
import { Engine, STATE_NAMES, type PathStep, type ServiceState } from '../../src/analysis/engine.js';
import { majorityOf, modelFromGraph, type EdgeKind, type Model, type ModelEdge, type ModelNode } from '../../src/model/index.js';
import type { Role } from '../../src/classify/schema.js';
import type { ExternalIdentityUse } from '../../src/classify/types.js';

export const D = (path: string): string => `domain:${path}`;
export const C = (name: string): string => `component:${name}`;
export const G = (name: string): string => `group:${name}`;
export const S = (name: string): string => `service:${name}`;

export interface ComponentOptions {
  /** Domain paths (without the `domain:` prefix). */
  placedIn?: string[];
  requires?: string[];
  /** Its own loss is a basic event (default true). */
  event?: boolean;
  /** compute (default), identity, ops-tool, datastore, ... */
  role?: string;
  /** Instances it keeps running (a count its rule read): degraded when it loses some placements. */
  capacity?: number;
  /** Down when this many of its placements are lost (n instances over more zones). */
  downAt?: number;
  /** An external identity provider (placed nowhere, no event of its own): what uses it. */
  external?: { uses: ExternalIdentityUse[] };
}

/** Domain kinds and their ranks, as in rules/core.yaml. */
const RANKS: Record<string, number> = { host: 0, rack: 1, zone: 4, datacenter: 4, campus: 5, region: 6, provider: 8 };

export class ModelSpec {
  private readonly nodes: ModelNode[] = [];
  private readonly ids = new Set<string>();
  private readonly edges: Array<{ kind: EdgeKind; from: string; to: string }> = [];
  private readonly pending: Array<{ kind: EdgeKind; from: string; to: string }> = [];

  private add(node: ModelNode): void {
    if (this.ids.has(node.id)) throw new Error(`duplicate node ${node.id}`);
    this.ids.add(node.id);
    this.nodes.push(node);
  }

  /** A domain; its parent is the path without its last segment (declare parents first). */
  domain(path: string, domainKind = 'zone'): this {
    const segments = path.split('/');
    const parentPath = segments.slice(0, -1).join('/');
    const parent = parentPath ? D(parentPath) : undefined;
    if (parent && !this.ids.has(parent)) throw new Error(`declare ${parent} before ${D(path)}`);
    this.add({
      kind: 'domain',
      id: D(path),
      name: segments[segments.length - 1]!,
      domainKind,
      rank: RANKS[domainKind] ?? 4,
      path,
      ...(parent ? { parent } : {}),
    });
    if (parent) this.edges.push({ kind: 'within', from: D(path), to: parent });
    return this;
  }

  /** Several domains at once: `domains(['aws', 'provider'], ['aws/r1', 'region'])`. */
  domains(...list: Array<[string, string?]>): this {
    for (const [path, kind] of list) this.domain(path, kind);
    return this;
  }

  component(name: string, options: ComponentOptions = {}): this {
    this.add({
      kind: 'component',
      id: C(name),
      urn: `urn:test::${name}`,
      name,
      type: 'test:index:Thing',
      role: (options.role ?? 'compute') as Role,
      service: '',
      stack: 'test',
      project: 'test',
      event: options.event ?? true,
      placedBy: 'test',
      ...(options.capacity !== undefined ? { capacity: options.capacity } : {}),
      ...(options.downAt !== undefined ? { downAt: options.downAt } : {}),
      ...(options.external ? { external: options.external } : {}),
    });
    for (const p of options.placedIn ?? []) this.edges.push({ kind: 'placed-in', from: C(name), to: D(p) });
    for (const r of options.requires ?? []) this.pending.push({ kind: 'requires', from: C(name), to: r });
    return this;
  }

  /** A group of existing or later components (bare names), k of them needed; tools are recovers-with targets. */
  group(name: string, k: number, members: string[], tools: string[] = []): this {
    this.add({ kind: 'group', id: G(name), name, service: '', k, n: members.length, quorum: k > 1 });
    for (const m of members) this.edges.push({ kind: 'member-of', from: C(m), to: G(name) });
    for (const t of tools) this.pending.push({ kind: 'recovers-with', from: G(name), to: t });
    return this;
  }

  /** A majority quorum of existing or later components (k = a majority of them, and it follows n when plan adds members). */
  majorityGroup(name: string, members: string[]): this {
    this.add({ kind: 'group', id: G(name), name, service: '', k: majorityOf(members.length), n: members.length, quorum: true, majority: true });
    for (const m of members) this.edges.push({ kind: 'member-of', from: C(m), to: G(name) });
    return this;
  }

  service(name: string, requires: string[]): this {
    this.add({ kind: 'service', id: S(name), name, critical: true });
    for (const r of requires) this.pending.push({ kind: 'requires', from: S(name), to: r });
    return this;
  }

  /** A recovers-with edge from a lone component (what rebuilding it needs) or a group. */
  recoversWith(from: string, to: string): this {
    this.pending.push({ kind: 'recovers-with', from: this.resolve(from), to });
    return this;
  }

  /** Extra requires edge (for cycles declared after both ends exist). */
  requires(from: string, to: string): this {
    this.pending.push({ kind: 'requires', from: this.resolve(from), to });
    return this;
  }

  private resolve(ref: string): string {
    if (ref.includes(':')) {
      if (!this.ids.has(ref)) throw new Error(`unknown node ${ref}`);
      return ref;
    }
    const c = this.ids.has(C(ref));
    const g = this.ids.has(G(ref));
    if (c && g) throw new Error(`"${ref}" names both a component and a group; use C() or G()`);
    if (!c && !g) throw new Error(`unknown component or group "${ref}"`);
    return c ? C(ref) : G(ref);
  }

  build(): Model {
    const graph = new DirectedGraph<ModelNode, ModelEdge>();
    for (const node of this.nodes) {
      if (node.kind === 'component') {
        const group = this.edges.find((e) => e.kind === 'member-of' && e.from === node.id)?.to;
        graph.addNode(node.id, group ? { ...node, group } : node);
      } else graph.addNode(node.id, node);
    }
    const all = [...this.edges, ...this.pending.map((e) => ({ ...e, to: this.resolve(e.to) }))];
    for (const e of all) {
      if (!graph.hasNode(e.from)) throw new Error(`unknown node ${e.from}`);
      if (!graph.hasNode(e.to)) throw new Error(`unknown node ${e.to}`);
      graph.addDirectedEdge(e.from, e.to, { kind: e.kind });
    }
    return modelFromGraph(graph, { allCritical: true, domainRanks: RANKS, blindSpots: [], warnings: [] });
  }
}

/** An engine over a model, with scenarios and answers in node ids. */
export class Harness {
  readonly engine: Engine;

  constructor(readonly model: Model) {
    this.engine = new Engine(model);
  }

  idx(id: string): number {
    const i = this.engine.index.get(id);
    if (i === undefined) throw new Error(`no node ${id}`);
    return i;
  }

  /** Evaluate a scenario given as node ids; returns the ids the engine reports as hurt. */
  fail(...ids: string[]): string[] {
    return this.engine.evaluate(ids.map((id) => this.idx(id))).map((i) => this.engine.ids[i]!);
  }

  state(id: string): ServiceState {
    return STATE_NAMES[this.engine.stateOf(this.idx(id))];
  }

  /** States of several nodes, as an object keyed by id (readable diffs). */
  states(ids: string[]): Record<string, ServiceState> {
    return Object.fromEntries(ids.map((id) => [id, this.state(id)]));
  }

  /** States of every component, group and service. */
  allStates(): Record<string, ServiceState> {
    return this.states(this.engine.nodes.filter((n) => n.kind !== 'domain').map((n) => n.id));
  }

  explain(id: string): PathStep[] {
    return this.engine.explain(this.idx(id));
  }
}

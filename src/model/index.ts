/**
 * model: the failure model as a graphology graph.
 *
 * Nodes: domains (a tree), components, replica groups, services.
 * Edges: within (domain -> parent domain), placed-in (component -> domain),
 * member-of (component -> group), requires (service|component -> component|group),
 * recovers-with (group -> component, or the group of replicas of that tool).
 * DESIGN.md fixes their meaning.
 */
import { DirectedGraph } from 'graphology';
import type { SourceLocation, Warning } from '../errors.js';
import type { BlindSpot, Classification, ClassifiedResource, DomainSegment } from '../classify/index.js';
import type { Role } from '../classify/schema.js';

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
  source?: SourceLocation;
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
}

export interface ServiceNode {
  kind: 'service';
  id: string;
  name: string;
  critical: boolean;
}

export type ModelNode = DomainNode | ComponentNode | GroupNode | ServiceNode;
export type EdgeKind = 'within' | 'placed-in' | 'member-of' | 'requires' | 'recovers-with';

export interface ModelEdge {
  kind: EdgeKind;
}

export type ModelGraph = DirectedGraph<ModelNode, ModelEdge>;

export interface Model {
  graph: ModelGraph;
  /** No service was marked critical, so every service counts as critical. */
  allCritical: boolean;
  domainRanks: Record<string, number>;
  blindSpots: BlindSpot[];
  warnings: Warning[];
}

export const domainId = (path: DomainSegment[]): string => `domain:${path.map((s) => s.name).join('/')}`;
export const componentId = (urn: string): string => `component:${urn}`;
export const groupId = (name: string): string => `group:${name}`;
export const serviceId = (name: string): string => `service:${name}`;

// Between two nodes there is at most one edge: its kind follows from the nodes' kinds.
function addEdge(graph: ModelGraph, kind: EdgeKind, source: string, target: string): void {
  if (source !== target && !graph.hasDirectedEdge(source, target)) graph.addDirectedEdge(source, target, { kind });
}

const DEFAULT_RANK = 4;

export function buildModel(classification: Classification): Model {
  const graph: ModelGraph = new DirectedGraph<ModelNode, ModelEdge>();
  const warnings: Warning[] = [...classification.warnings];
  const ranks = classification.domainRanks;
  const failable = classification.resources.filter((c) => c.failable);

  const ensureDomain = (path: DomainSegment[]): string => {
    let parent: string | undefined;
    for (let i = 0; i < path.length; i++) {
      const prefix = path.slice(0, i + 1);
      const id = domainId(prefix);
      const seg = prefix[i]!;
      if (!graph.hasNode(id)) {
        if (ranks[seg.kind] === undefined) {
          warnings.push({ file: '(rules)', message: `domain kind "${seg.kind}" of ${id.slice(7)} is not in any rule pack's domainKinds; ranked as a zone` });
          ranks[seg.kind] = DEFAULT_RANK;
        }
        graph.addNode(id, {
          kind: 'domain', id, name: seg.name, domainKind: seg.kind, rank: ranks[seg.kind]!,
          path: prefix.map((s) => s.name).join('/'), ...(parent ? { parent } : {}),
        });
        if (parent) addEdge(graph, 'within', id, parent);
      }
      parent = id;
    }
    return parent!;
  };

  // Groups first, so that requires edges can be collapsed onto them.
  const groupMembers = new Map<string, ClassifiedResource[]>();
  for (const c of failable) {
    if (!c.group) continue;
    const list = groupMembers.get(c.group);
    if (list) list.push(c);
    else groupMembers.set(c.group, [c]);
  }
  const groupOfUrn = new Map<string, string>();
  for (const [name, members] of [...groupMembers.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const n = members.length;
    const q = members.find((m) => m.quorum !== undefined)?.quorum;
    let k = q === 'majority' ? Math.floor(n / 2) + 1 : (q ?? 1);
    if (k > n) {
      const r = members[0]!.record;
      warnings.push({ file: r.source?.file ?? r.urn, ...(r.source?.line ? { line: r.source.line } : {}), message: `group ${name}: quorum ${k} is more than its ${n} member(s); using ${n}` });
      k = n;
    }
    const id = groupId(name);
    graph.addNode(id, { kind: 'group', id, name, service: members[0]!.service, k, n, quorum: q !== undefined });
    for (const m of members) groupOfUrn.set(m.record.urn, id);
  }

  for (const c of failable) {
    const r = c.record;
    const id = componentId(r.urn);
    const group = groupOfUrn.get(r.urn);
    graph.addNode(id, {
      kind: 'component', id, urn: r.urn, name: r.name, type: r.type, role: c.role, service: c.service,
      stack: r.stack, project: r.project, event: c.event, placedBy: c.placedBy,
      ...(group ? { group } : {}), ...(r.source ? { source: r.source } : {}),
    });
    for (const p of c.placements) addEdge(graph, 'placed-in', id, ensureDomain(p));
    if (group) addEdge(graph, 'member-of', id, group);
  }

  const target = (urn: string): string => groupOfUrn.get(urn) ?? componentId(urn);
  for (const c of failable) {
    const id = componentId(c.record.urn);
    const own = groupOfUrn.get(c.record.urn);
    for (const dep of c.requires) {
      const t = target(dep);
      if (t !== own) addEdge(graph, 'requires', id, t);
    }
    if (own) for (const tool of c.recoversWith) addEdge(graph, 'recovers-with', own, target(tool));
  }

  // Services: what people use. A service requires its entry points: the
  // components (or groups) of the service that nothing else in it requires.
  const byService = new Map<string, string[]>();
  for (const c of failable) {
    const list = byService.get(c.service);
    const t = target(c.record.urn);
    if (list) {
      if (!list.includes(t)) list.push(t);
    } else byService.set(c.service, [t]);
  }
  const explicitCritical = new Set(failable.filter((c) => c.critical === true).map((c) => c.service));
  const allCritical = explicitCritical.size === 0;
  for (const [name, nodes] of [...byService.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const id = serviceId(name);
    graph.addNode(id, { kind: 'service', id, name, critical: allCritical || explicitCritical.has(name) });
    const inService = new Set(nodes);
    const requiredInside = new Set<string>();
    for (const n of nodes) {
      const sources = graph.getNodeAttributes(n).kind === 'group' ? graph.inNeighbors(n).filter((m) => graph.getDirectedEdgeAttributes(m, n).kind === 'member-of') : [n];
      for (const s of sources) {
        graph.forEachOutEdge(s, (_e, attrs, _src, t) => {
          if (attrs.kind === 'requires' && inService.has(t) && t !== n) requiredInside.add(t);
        });
      }
    }
    const entries = nodes.filter((n) => !requiredInside.has(n));
    for (const e of entries.length > 0 ? entries : nodes) addEdge(graph, 'requires', id, e);
  }

  return { graph, allCritical, domainRanks: ranks, blindSpots: classification.blindSpots, warnings };
}

/**
 * The picture behind the graph formats (mermaid, dot): the nodes findings name
 * (result.nodes) plus every service, the edges findings' explanation paths and
 * stranded groups imply, and the domains as a tree of nested clusters
 * (region/datacenter/zone...). Plain data, sorted, so output is deterministic.
 */
import type { AnalysisResult, NodeInfo } from '../analysis/types.js';
import { nodeLabel } from './text.js';

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export type GraphEdgeKind = 'requires' | 'member' | 'placed-in' | 'recovers-with';

export interface GraphNode {
  /** The analysis node id (service:…, group:…, component:…, domain:…). */
  id: string;
  kind: NodeInfo['kind'];
  label: string;
  /** The event of a finding within the policy (not info). */
  spof: boolean;
  /** A service that a finding within the policy takes down or strands. */
  affected: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: GraphEdgeKind;
}

export interface GraphCluster {
  /** The domain path, e.g. aws/us-east-1/us-east-1a. */
  path: string;
  label: string;
  /** The domain is the event of a finding within the policy. */
  spof: boolean;
  clusters: GraphCluster[];
  nodes: GraphNode[];
}

export interface ReportGraph {
  /** All nodes, sorted by id. */
  nodes: GraphNode[];
  /** Deduplicated, sorted by from, to, kind. */
  edges: GraphEdge[];
  /** Top-level domain clusters, sorted by path. */
  clusters: GraphCluster[];
  /** Nodes outside every domain (services, groups, components placed nowhere), sorted by id. */
  topNodes: GraphNode[];
}

const DRAWN_EDGES = new Set<string>(['requires', 'member', 'placed-in', 'recovers-with']);

function kindOf(id: string): NodeInfo['kind'] {
  const prefix = id.slice(0, id.indexOf(':'));
  return prefix === 'domain' || prefix === 'group' || prefix === 'service' ? prefix : 'component';
}

function lastSegment(path: string): string {
  return path.split('/').pop() ?? path;
}

function commonPrefix(paths: string[]): string {
  const split = paths.map((p) => p.split('/'));
  const first = split[0] ?? [];
  let i = 0;
  while (i < first.length && split.every((s) => s[i] === first[i])) i++;
  return first.slice(0, i).join('/');
}

export function buildGraph(result: AnalysisResult): ReportGraph {
  const info = new Map<string, NodeInfo>(Object.entries(result.nodes));
  const domainKinds = new Map<string, string>();
  for (const n of info.values()) if (n.kind === 'domain' && n.domainKind) domainKinds.set(n.name, n.domainKind);

  // Node ids to draw: what findings name, every service, every event.
  const ids = new Set<string>(info.keys());
  for (const s of result.services) ids.add(`service:${s.name}`);
  const spof = new Set<string>();
  const affected = new Set<string>();
  const eventNames = new Map<string, string>();
  for (const f of result.findings) {
    // A shared risk group (event kind set) is drawn as its members, which are
    // not single points of failure on their own: they are drawn, not marked.
    const isSet = f.event.kind === 'set';
    const events = [f.event, ...(f.evidence?.events ?? [])].filter((e) => e.kind !== 'set');
    for (const e of events) {
      ids.add(e.id);
      eventNames.set(e.id, e.name);
      if (e.kind === 'domain') domainKinds.set(e.name, e.what);
      if (f.severity !== 'info' && !isSet) spof.add(e.id);
    }
    if (f.severity === 'info') continue;
    for (const a of f.affected) affected.add(`service:${a.service}`);
    for (const name of f.services ?? []) affected.add(`service:${name}`);
  }

  // Edges: consecutive steps of explanation paths, and stranded groups' members and tools.
  const edgeKeys = new Set<string>();
  const edges: GraphEdge[] = [];
  const addEdge = (from: string, to: string, kind: GraphEdgeKind): void => {
    const key = `${from}\u0000${to}\u0000${kind}`;
    if (from === to || edgeKeys.has(key)) return;
    edgeKeys.add(key);
    ids.add(from);
    ids.add(to);
    edges.push({ from, to, kind });
  };
  for (const f of result.findings) {
    for (const a of f.affected) {
      a.path.forEach((step, i) => {
        if (step.lostMember) addEdge(step.node, step.lostMember, 'member');
        if (i === 0 || !step.edge || !DRAWN_EDGES.has(step.edge)) return; // 'within' is drawn as nesting
        addEdge(a.path[i - 1]!.node, step.node, step.edge as GraphEdgeKind);
      });
    }
    for (const g of f.stranded) {
      if (g.lostMember) addEdge(g.group, g.lostMember, 'member');
      for (const m of g.survivors) addEdge(g.group, m, 'member');
      for (const t of g.tools) addEdge(g.group, t, 'recovers-with');
    }
  }

  // Where each node is drawn: components in the domain they are placed in (or the
  // deepest domain common to all their placements, with placed-in edges to each),
  // domains in their own cluster.
  const home = new Map<string, string>();
  const domainPaths = new Set<string>();
  for (const id of [...ids]) {
    const n = info.get(id);
    const kind = n?.kind ?? kindOf(id);
    if (kind === 'domain') {
      const path = n?.name ?? eventNames.get(id) ?? id.slice('domain:'.length);
      home.set(id, path);
      domainPaths.add(path);
    } else if (kind === 'component' && n?.placedIn && n.placedIn.length > 0) {
      for (const p of n.placedIn) domainPaths.add(p);
      if (n.placedIn.length === 1) {
        home.set(id, n.placedIn[0]!);
      } else {
        const common = commonPrefix(n.placedIn);
        if (common) home.set(id, common);
        for (const p of n.placedIn) addEdge(id, `domain:${p}`, 'placed-in');
      }
    }
  }
  // addEdge may have named new domain anchors: give them a home.
  for (const id of ids) {
    if (!home.has(id) && kindOf(id) === 'domain' && !info.has(id)) {
      const path = eventNames.get(id) ?? id.slice('domain:'.length);
      home.set(id, path);
      domainPaths.add(path);
    }
  }

  const label = (id: string): string => {
    const n = info.get(id);
    if (!n) {
      const kind = kindOf(id);
      const name = eventNames.get(id) ?? id.slice(id.indexOf(':') + 1);
      if (kind === 'domain') return domainKinds.has(name) ? `${domainKinds.get(name)} ${name}` : name;
      if (kind === 'group') return `${name} (replica group)`;
      return name;
    }
    if (n.kind === 'component') return n.role ? `${n.name} (${n.role})` : n.name;
    return nodeLabel(result.nodes, id);
  };

  const nodes: GraphNode[] = [...ids].sort(byText).map((id) => {
    const kind = info.get(id)?.kind ?? kindOf(id);
    return { id, kind, label: label(id), spof: spof.has(id), affected: kind === 'service' && affected.has(id) };
  });

  // The domain tree: every placement path and all its ancestors.
  const allPaths = new Set<string>();
  for (const p of domainPaths) {
    const segs = p.split('/');
    for (let i = 1; i <= segs.length; i++) allPaths.add(segs.slice(0, i).join('/'));
  }
  const clusterOf = new Map<string, GraphCluster>();
  const topClusters: GraphCluster[] = [];
  for (const p of [...allPaths].sort(byText)) {
    const kind = domainKinds.get(p);
    const c: GraphCluster = { path: p, label: kind ? `${kind} ${lastSegment(p)}` : lastSegment(p), spof: spof.has(`domain:${p}`), clusters: [], nodes: [] };
    clusterOf.set(p, c);
    const parent = p.includes('/') ? clusterOf.get(p.slice(0, p.lastIndexOf('/'))) : undefined;
    (parent ? parent.clusters : topClusters).push(c);
  }
  const topNodes: GraphNode[] = [];
  for (const n of nodes) {
    const h = home.get(n.id);
    const c = h === undefined ? undefined : clusterOf.get(h);
    (c ? c.nodes : topNodes).push(n);
  }

  edges.sort((a, b) => byText(a.from, b.from) || byText(a.to, b.to) || byText(a.kind, b.kind));
  return { nodes, edges, clusters: topClusters, topNodes };
}

/** Short ids (n0, n1… in node id order; c0, c1… in cluster path order), safe in any format. */
export function shortIds(graph: ReportGraph): { node: Map<string, string>; cluster: Map<string, string> } {
  const node = new Map<string, string>();
  graph.nodes.forEach((n, i) => node.set(n.id, `n${i}`));
  const paths: string[] = [];
  const walk = (cs: GraphCluster[]): void => {
    for (const c of cs) {
      paths.push(c.path);
      walk(c.clusters);
    }
  };
  walk(graph.clusters);
  const cluster = new Map<string, string>();
  paths.sort(byText).forEach((p, i) => cluster.set(p, `c${i}`));
  return { node, cluster };
}

/** A one-line description of the stacks a result covers. */
export function stacksOf(result: AnalysisResult): string {
  return result.inputs.map((i) => `${i.project}/${i.stack}`).join(', ');
}

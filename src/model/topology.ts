/**
 * The topology file applied to a model: extra domains and nesting, service
 * dependencies, recovery dependencies, critical services and per-service
 * policy. Names that match nothing are errors naming the file and line.
 */
import { DirectedGraph } from 'graphology';
import { InputError, type Problem, type Warning } from '../errors.js';
import type { Topology } from '../ingest/topology.js';
import { modelFromGraph, type DomainNode, type GroupNode, type Model, type ModelEdge, type ModelNode, type ServiceNode } from './index.js';
import { byText } from '../text.js';

/** How deep domains may nest (paths are joined segment by segment, so depth costs length). */
export const MAX_DOMAIN_DEPTH = 64;

/** How many known domains a problem about an unknown one names. */
const KNOWN_SHOWN = 10;

export function applyTopology(model: Model, topology: Topology): Model {
  const problems: Problem[] = [];
  const base = model.graph();
  const graph = new DirectedGraph<ModelNode, ModelEdge>();
  base.forEachNode((id, attrs) => graph.addNode(id, { ...attrs }));
  base.forEachEdge((_e, attrs, s, t) => graph.addDirectedEdge(s, t, { ...attrs }));
  const at = (loc: { line?: number; column?: number }) => ({
    file: topology.file,
    ...(loc.line !== undefined ? { line: loc.line } : {}),
    ...(loc.column !== undefined ? { column: loc.column } : {}),
  });
  const ranks = { ...model.domainRanks };
  const kinds = (): string =>
    Object.keys(ranks)
      .sort((a, b) => ranks[a]! - ranks[b]! || byText(a, b))
      .join(', ');

  // Domains: an existing path, or its last segments when that is unambiguous. Indexed by
  // path and by every trailing run of segments, so 100k domains are not a quadratic scan.
  const byPath = new Set<string>();
  const bySuffix = new Map<string, string[]>();
  // The first KNOWN_SHOWN paths in text order, kept as domains are added: a problem names them without sorting every
  // path again (10,000 domains and 10,000 bad `within`s sorted 10,000 paths per problem).
  const firstKnown: string[] = [];
  const indexDomain = (dpath: string): void => {
    if (byPath.has(dpath)) return;
    byPath.add(dpath);
    if (firstKnown.length < KNOWN_SHOWN || byText(dpath, firstKnown[KNOWN_SHOWN - 1]!) < 0) {
      firstKnown.push(dpath);
      firstKnown.sort(byText);
      if (firstKnown.length > KNOWN_SHOWN) firstKnown.length = KNOWN_SHOWN;
    }
    for (let i = dpath.indexOf('/'); i !== -1; i = dpath.indexOf('/', i + 1)) {
      const suffix = dpath.slice(i + 1);
      const list = bySuffix.get(suffix);
      if (list) list.push(dpath);
      else bySuffix.set(suffix, [dpath]);
    }
  };
  graph.forEachNode((_id, n) => {
    if (n.kind === 'domain') indexDomain((n as DomainNode).path);
  });
  const findDomain = (name: string): string | undefined | 'ambiguous' => {
    if (byPath.has(name)) return `domain:${name}`;
    const matches = bySuffix.get(name) ?? [];
    return matches.length === 1 ? `domain:${matches[0]}` : matches.length > 1 ? 'ambiguous' : undefined;
  };
  const domainProblem = (loc: { line?: number; column?: number }, what: string, name: string, found: string | undefined): void => {
    problems.push({
      ...at(loc),
      reason: `${what} "${name}" ${found === 'ambiguous' ? 'names several domains; give the full path' : `is no domain of the inputs; known: ${firstKnown.join(', ')}${byPath.size > KNOWN_SHOWN ? ', ...' : ''}`}`,
    });
  };
  const containedBy = new Map<string, { line?: number; column?: number }>();
  for (const d of topology.domains) {
    if (ranks[d.kind] === undefined) {
      problems.push({ ...at(d), reason: `domain ${d.name}: kind "${d.kind}" is not in any rule pack's domainKinds; use one of ${kinds()}` });
      continue;
    }
    let parent: string | undefined;
    if (d.within) {
      const found = findDomain(d.within);
      if (!found || found === 'ambiguous') {
        domainProblem(d, `domain ${d.name}: within`, d.within, found);
        continue;
      }
      parent = found;
    }
    const parentPath = parent ? (graph.getNodeAttributes(parent) as DomainNode).path : '';
    const dpath = parentPath ? `${parentPath}/${d.name}` : d.name;
    if (parentPath && dpath.split('/').length > MAX_DOMAIN_DEPTH) {
      problems.push({
        ...at(d),
        reason: `domain ${d.name}: nested more than ${MAX_DOMAIN_DEPTH} levels deep (domains nest provider/region/zone..., a handful of levels)`,
      });
      continue;
    }
    const id = `domain:${dpath}`;
    if (!graph.hasNode(id)) {
      const node: DomainNode = { kind: 'domain', id, name: d.name, domainKind: d.kind, rank: ranks[d.kind]!, path: dpath, ...(parent ? { parent } : {}) };
      graph.addNode(id, node);
      indexDomain(dpath);
      if (parent) graph.addDirectedEdge(id, parent, { kind: 'within' });
    }
    for (const child of d.contains) {
      const found = findDomain(child);
      if (!found || found === 'ambiguous') {
        domainProblem(d, `domain ${d.name}: contains`, child, found);
        continue;
      }
      if (found !== id && !graph.hasDirectedEdge(found, id)) {
        graph.addDirectedEdge(found, id, { kind: 'within' });
        containedBy.set(found, d);
      }
    }
  }
  // Domains form a tree (a DAG, with several parents): a cycle of `within` would make every walk up loop.
  if (problems.length === 0) {
    const cycle = withinCycle(graph);
    if (cycle) {
      const [a, b] = cycle.map((id) => (graph.getNodeAttributes(id) as DomainNode).path);
      const loc = containedBy.get(cycle[0]) ?? containedBy.get(cycle[1]) ?? topology.domains.find((d) => `domain:${d.name}` === cycle[0]) ?? {};
      throw new InputError({ ...at(loc), reason: `domain ${a} is within ${b}, and ${b} is within ${a} (through within/contains): domains must form a tree` });
    }
  }

  // Operator machines: what only the machine that ran `pulumi up` holds is on each of them (lost only with all).
  const warnings = [...model.warnings];
  if (topology.operatorMachines && problems.length === 0) machines(graph, topology.operatorMachines, ranks, at, problems, warnings, indexDomain, findDomain);

  // Services.
  const serviceId = (name: string): string => `service:${name}`;
  const known = graph
    .filterNodes((_id, n) => n.kind === 'service')
    .map((id) => (graph.getNodeAttributes(id) as ServiceNode).name)
    .sort(byText);
  const checkService = (loc: { line?: number; column?: number }, what: string, name: string): boolean => {
    if (graph.hasNode(serviceId(name))) return true;
    problems.push({
      ...at(loc),
      reason: `${what} "${name}" is no service of the inputs; services are: ${known.slice(0, 12).join(', ')}${known.length > 12 ? ', ...' : ''}`,
    });
    return false;
  };
  let allCritical = model.allCritical;
  /** The inferred recovers-with edges as `group-id tool-id`, made when some service names its recoversWith. */
  let inferred: Set<string> | undefined;
  const inferredPairs = (): Set<string> => {
    if (inferred) return inferred;
    inferred = new Set();
    for (const e of model.inferredRecovery ?? []) inferred.add(`${model.nodes[model.edgeSource[e]!]!.id} ${model.nodes[model.edgeTarget[e]!]!.id}`);
    return inferred;
  };
  const markedCritical = topology.services.filter((s) => s.critical === true);
  if (markedCritical.length > 0 && allCritical) {
    // Marking some critical means the others are not (as with firebreak:critical tags).
    graph.forEachNode((id, n) => {
      if (n.kind === 'service') graph.mergeNodeAttributes(id, { critical: false });
    });
    allCritical = false;
  }
  for (const s of topology.services) {
    if (!checkService(s, 'service', s.name)) continue;
    const id = serviceId(s.name);
    if (s.critical !== undefined) graph.mergeNodeAttributes(id, { critical: s.critical });
    if (s.tolerate) {
      if (ranks[s.tolerate] === undefined)
        problems.push({ ...at(s), reason: `service ${s.name}: tolerate "${s.tolerate}" is no domain kind; use one of ${kinds()}` });
      else graph.mergeNodeAttributes(id, { tolerate: s.tolerate });
    }
    for (const r of s.requires) {
      if (!checkService(s, `service ${s.name}: requires`, r)) continue;
      if (r !== s.name && !graph.hasDirectedEdge(id, serviceId(r))) graph.addDirectedEdge(id, serviceId(r), { kind: 'requires' });
    }
    if (s.recoversWith.length > 0) {
      // Its replica groups: those of the service, and the groups it requires directly.
      const groups = [
        ...new Set([
          ...graph.filterNodes((_g, n) => n.kind === 'group' && (n as GroupNode).service === s.name),
          ...graph
            .outNeighbors(id)
            .filter((t) => graph.getNodeAttribute(t, 'kind') === 'group' && graph.getEdgeAttribute(graph.directedEdge(id, t)!, 'kind') === 'requires'),
        ]),
      ].sort(byText);
      if (groups.length === 0) {
        problems.push({ ...at(s), reason: `service ${s.name}: recoversWith needs replica groups to fail over, and ${s.name} has none` });
        continue;
      }
      // The topology file wins over what the rules inferred for these groups.
      for (const g of groups) {
        for (const e of graph.outEdges(g)) {
          if (graph.getEdgeAttribute(e, 'kind') === 'recovers-with' && inferredPairs().has(`${g} ${graph.target(e)}`)) graph.dropEdge(e);
        }
      }
      for (const tool of s.recoversWith) {
        if (!checkService(s, `service ${s.name}: recoversWith`, tool)) continue;
        for (const g of groups) if (!graph.hasDirectedEdge(g, serviceId(tool))) graph.addDirectedEdge(g, serviceId(tool), { kind: 'recovers-with' });
      }
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return modelFromGraph(graph, {
    allCritical,
    domainRanks: ranks,
    reliability: model.reliability,
    blindSpots: model.blindSpots,
    ...(model.coverage ? { coverage: model.coverage } : {}),
    warnings,
  });
}

/** The domain kind of the operator's machine (rules/ops.yaml). */
const WORKSTATION = 'workstation';

/**
 * `operatorMachines`: every component placed in a workstation domain of the inputs (operator-workstation) is
 * placed in each named machine instead, so it is lost only when all are; the emptied domain goes.
 */
function machines(
  graph: DirectedGraph<ModelNode, ModelEdge>,
  list: { names: string[]; line?: number; column?: number },
  ranks: Record<string, number>,
  at: (loc: { line?: number; column?: number }) => { file: string; line?: number; column?: number },
  problems: Problem[],
  warnings: Warning[],
  indexDomain: (path: string) => void,
  findDomain: (name: string) => string | undefined,
): void {
  if (ranks[WORKSTATION] === undefined) {
    problems.push({ ...at(list), reason: `operatorMachines: no rule pack declares the domain kind "${WORKSTATION}" (rules/ops.yaml does)` });
    return;
  }
  const ids: string[] = [];
  for (const name of list.names) {
    const found = findDomain(name);
    const id = found && found !== 'ambiguous' ? found : `domain:${name}`;
    if (found === 'ambiguous' || graph.hasNode(id)) {
      if (found === 'ambiguous') {
        problems.push({ ...at(list), reason: `operatorMachines: "${name}" names several domains of the inputs; name the machine otherwise` });
        continue;
      }
      const n = graph.getNodeAttributes(id) as DomainNode;
      if (n.domainKind !== WORKSTATION) {
        problems.push({ ...at(list), reason: `operatorMachines: "${name}" is a ${n.domainKind} domain of the inputs, not an operator machine` });
        continue;
      }
    } else {
      graph.addNode(id, { kind: 'domain', id, name, domainKind: WORKSTATION, rank: ranks[WORKSTATION]!, path: name } satisfies DomainNode);
      indexDomain(name);
    }
    ids.push(id);
  }
  if (problems.length > 0) return;
  const named = new Set(ids);
  const sources = graph.filterNodes((id, n) => n.kind === 'domain' && (n as DomainNode).domainKind === WORKSTATION && !named.has(id)).sort(byText);
  let moved = 0;
  for (const d of sources) {
    for (const e of graph.inEdges(d)) {
      if (graph.getEdgeAttribute(e, 'kind') !== 'placed-in') continue;
      const c = graph.source(e);
      graph.dropEdge(e);
      for (const m of ids) if (!graph.hasDirectedEdge(c, m)) graph.addDirectedEdge(c, m, { kind: 'placed-in' });
      moved++;
    }
    if (graph.degree(d) === 0) graph.dropNode(d);
  }
  if (moved === 0) {
    warnings.push({
      file: at(list).file,
      ...(list.line !== undefined ? { line: list.line } : {}),
      message: 'operatorMachines: nothing in the inputs is rebuilt only from the operator machine; ignored',
    });
  }
}

/**
 * A cycle among domains' `within` edges, as two domains on it (the edge that
 * closes it: from, to), or undefined. Iterative depth-first search.
 */
export function withinCycle(graph: DirectedGraph<ModelNode, ModelEdge>): [string, string] | undefined {
  const state = new Map<string, 1 | 2>(); // 1 on the stack, 2 done
  const ups = (id: string): string[] =>
    graph
      .outEdges(id)
      .filter((e) => graph.getEdgeAttribute(e, 'kind') === 'within')
      .map((e) => graph.target(e))
      .sort(byText);
  const roots = graph.filterNodes((_id, n) => n.kind === 'domain').sort(byText);
  for (const root of roots) {
    if (state.has(root)) continue;
    const stack: Array<{ id: string; next: string[]; i: number }> = [{ id: root, next: ups(root), i: 0 }];
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.i >= top.next.length) {
        state.set(top.id, 2);
        stack.pop();
        continue;
      }
      const up = top.next[top.i++]!;
      const s = state.get(up);
      if (s === 1) return [top.id, up];
      if (s === undefined) {
        state.set(up, 1);
        stack.push({ id: up, next: ups(up), i: 0 });
      }
    }
  }
  return undefined;
}

/** How a model node is shown in results: as an event reference, and as the node info reports print. */
import type { Engine } from './engine.js';
import type { EventRef, NodeInfo } from './types.js';

/** A domain or component as the event of a finding or a scenario. */
export function eventRefOf(engine: Engine, i: number): EventRef {
  const node = engine.nodes[i]!;
  if (node.kind === 'domain') return { id: node.id, kind: 'domain', name: node.path, what: node.domainKind };
  if (node.kind === 'component') return { id: node.id, kind: 'component', name: node.name, what: node.role === 'unclassified' ? 'component' : node.role };
  return { id: node.id, kind: 'component', name: node.name, what: node.kind };
}

/** What reports need to name a node (docs/json.md, `nodes`). */
export function nodeInfoOf(engine: Engine, i: number): NodeInfo {
  const n = engine.nodes[i]!;
  switch (n.kind) {
    case 'domain':
      return { kind: 'domain', name: n.path, domainKind: n.domainKind };
    case 'component': {
      const placedIn: string[] = [];
      // By position, not through placementsView: no typed-array view per component named (44k at 100k resources).
      const count = engine.placementCount(i);
      for (let k = 0; k < count; k++) {
        const p = engine.nodes[engine.placementAt(i, k)]!;
        if (p.kind === 'domain') placedIn.push(p.path);
      }
      const info: NodeInfo = { kind: 'component', name: n.name, type: n.type, role: n.role, service: n.service, placedIn };
      if (n.source) info.source = n.source;
      return info;
    }
    case 'group':
      return { kind: 'group', name: n.name, service: n.service };
    default:
      return { kind: n.kind, name: n.name };
  }
}

/** A collector of node infos by id, in the order first noted (a plain object, so JSON keeps that order). */
export function nodeCollector(engine: Engine): { nodes: Record<string, NodeInfo>; note(id: string): void; noteIndex(i: number): void } {
  const nodes = Object.create(null) as Record<string, NodeInfo>;
  // Ids are noted many times over: one lookup of the node, then a flag per node answers "seen?" (ids of no node
  // add nothing however often they come).
  const seen = new Uint8Array(engine.nodes.length);
  return {
    nodes,
    note(id) {
      const i = engine.index.get(id);
      if (i === undefined || seen[i] === 1) return;
      seen[i] = 1;
      nodes[id] = nodeInfoOf(engine, i);
    },
    /** note(engine.ids[i]), for a caller that has the node's index: no lookup of the id. */
    noteIndex(i) {
      if (seen[i] === 1) return;
      seen[i] = 1;
      nodes[engine.ids[i]!] = nodeInfoOf(engine, i);
    },
  };
}

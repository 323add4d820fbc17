/**
 * dot: the findings as a Graphviz graph. Domains are nested clusters; single
 * points of failure (events of findings within the policy) are filled red, the
 * services they take down pink. Render with `dot -Tsvg`.
 */
import type { AnalysisResult } from '../analysis/types.js';
import { buildGraph, shortIds, stacksOf, type GraphCluster, type GraphEdgeKind, type GraphNode } from './graph.js';
import type { ReportOptions } from './options.js';
import { visible } from '../visible.js';

const DOT_ENTITIES: Record<string, string> = { '&': '&amp;', '"': '&quot;', '\\': '&#92;&#92;', '<': '&lt;', '>': '&gt;' };

/**
 * A DOT double-quoted string holding the text literally. DOT's lexer knows only
 * `\"`, so a doubled backslash before the closing quote would still escape it:
 * backslash, quote, `&`, `<` and `>` become character entities instead (which
 * Graphviz decodes in every label before its own escapes: a backslash is
 * therefore two `&#92;`, read back as one), so the lexer sees no backslash and
 * no `\N`/`\G`/`\l` escape or HTML reaches Graphviz; line breaks flattened, control and bidi characters shown
 * as visible escapes. Node ids are never names (n0, n1…), and no attribute that
 * takes a URL is ever written.
 */
export function dotString(s: string): string {
  return `"${visible(s.replace(/\r\n|\r|\n/g, ' ')).replace(/[&"\\<>]/g, (ch) => DOT_ENTITIES[ch]!)}"`;
}

const SHAPES: Record<GraphNode['kind'], { shape: string; fill: string }> = {
  service: { shape: 'ellipse', fill: '#e8f0fe' },
  group: { shape: 'box3d', fill: '#f5f5f5' },
  component: { shape: 'box', fill: '#ffffff' },
  domain: { shape: 'hexagon', fill: '#eeeeee' },
};

const EDGE_STYLES: Record<GraphEdgeKind, string> = {
  requires: '',
  member: ' [style=dashed, arrowhead=none]',
  'recovers-with': ' [style=bold, color="#b26a00"]',
  'placed-in': ' [label="placed in", style=dotted]',
};

function nodeLine(n: GraphNode, id: string): string {
  const { shape, fill } = SHAPES[n.kind];
  const attrs = [`label=${dotString(n.label)}`, `shape=${shape}`];
  if (n.spof) attrs.push('fillcolor="#d32f2f"', 'fontcolor="#ffffff"', 'color="#7f0000"', 'penwidth=2');
  else if (n.affected) attrs.push('fillcolor="#ffcdd2"', 'color="#c62828"');
  else attrs.push(`fillcolor="${fill}"`);
  return `${id} [${attrs.join(', ')}];`;
}

export function renderDot(result: AnalysisResult, _options: ReportOptions): string {
  const graph = buildGraph(result);
  const ids = shortIds(graph);
  const out: string[] = [];
  out.push('digraph firebreak {');
  out.push('  // red: single point of failure (within the policy); pink: a service it takes down');
  out.push('  // solid: requires, dashed: member, bold orange: recovers with, dotted: placed in; clusters: domains');
  out.push(`  graph [rankdir=LR, fontname="Helvetica", labelloc=t, label=${dotString(`firebreak: ${stacksOf(result)}`)}];`);
  out.push('  node [fontname="Helvetica", fontsize=11, style="filled,rounded"];');
  out.push('  edge [fontname="Helvetica", fontsize=9];');
  const cluster = (c: GraphCluster, indent: string): void => {
    out.push(`${indent}subgraph cluster_${ids.cluster.get(c.path)} {`);
    out.push(`${indent}  label=${dotString(c.label)};`);
    out.push(`${indent}  style="rounded"; color=${c.spof ? '"#d32f2f"; penwidth=2' : '"#999999"'};`);
    for (const n of c.nodes) out.push(`${indent}  ${nodeLine(n, ids.node.get(n.id)!)}`);
    for (const child of c.clusters) cluster(child, `${indent}  `);
    out.push(`${indent}}`);
  };
  for (const n of graph.topNodes) out.push(`  ${nodeLine(n, ids.node.get(n.id)!)}`);
  for (const c of graph.clusters) cluster(c, '  ');
  for (const e of graph.edges) out.push(`  ${ids.node.get(e.from)} -> ${ids.node.get(e.to)}${EDGE_STYLES[e.kind]};`);
  out.push('}');
  return out.join('\n') + '\n';
}

/**
 * mermaid: the findings as a Mermaid flowchart, for a ```mermaid block in
 * GitHub markdown. Domains are nested subgraphs; single points of failure
 * (events of findings within the policy) get classDef spof, the services they
 * take down classDef affected. Ids are n0, n1… (nodes, in id order) and c0,
 * c1… (domains, in path order); every label is quoted and escaped.
 */
import type { AnalysisResult } from '../analysis/types.js';
import { buildGraph, shortIds, type GraphCluster, type GraphEdgeKind, type GraphNode } from './graph.js';
import type { ReportOptions } from './options.js';
import { visible } from '../visible.js';

const ENTITIES: Record<string, string> = { '"': '#quot;', '#': '#35;', '&': '#amp;', '<': '#lt;', '>': '#gt;', '`': '#96;' };

/**
 * A quoted Mermaid label: quotes, markup, backticks (markdown strings) and
 * `%`, `{`, `}` (Mermaid finds `%%{init}%%` directives anywhere in the text) as
 * Mermaid entity codes (#quot; #35; #37; …);
 * line breaks flattened; control and bidi characters as visible escapes; an
 * empty label as a space (Mermaid rejects `[""]`).
 */
export function mermaidString(s: string): string {
  const text = visible(s.replace(/\r\n|\r|\n/g, ' ')).replace(/["#&<>`%{}]/g, (ch) => ENTITIES[ch] ?? `#${ch.charCodeAt(0)};`);
  return `"${text === '' || /^\s*$/.test(text) ? '#32;' : text}"`;
}

const SHAPES: Record<GraphNode['kind'], [string, string]> = {
  service: ['([', '])'],
  group: ['[[', ']]'],
  component: ['[', ']'],
  domain: ['{{', '}}'],
};

const ARROWS: Record<GraphEdgeKind, string> = {
  requires: '-->',
  member: '-.-',
  'recovers-with': '==>',
  'placed-in': '-.->|placed in|',
};

const CLASS_DEFS = [
  'classDef service fill:#e8f0fe,stroke:#4a6fa5,color:#000',
  'classDef group fill:#f5f5f5,stroke:#666,color:#000',
  'classDef component fill:#fff,stroke:#666,color:#000',
  'classDef domain fill:#eee,stroke:#999,color:#000',
  'classDef spof fill:#d32f2f,stroke:#7f0000,stroke-width:2px,color:#fff',
  'classDef affected fill:#ffcdd2,stroke:#c62828,color:#000',
];

function classOf(n: GraphNode): string {
  return n.spof ? 'spof' : n.affected ? 'affected' : n.kind;
}

export function renderMermaid(result: AnalysisResult, _options: ReportOptions): string {
  const graph = buildGraph(result);
  const ids = shortIds(graph);
  const out: string[] = ['flowchart LR'];
  // No input text in comment lines: a %%{init}%% directive could hide there.
  out.push(`  %% firebreak: ${result.inputs.length} stack(s)`);
  out.push('  %% red: single point of failure (within the policy); pink: a service it takes down');
  out.push('  %% --> requires, -.- member, ==> recovers with, -.-> placed in; subgraphs: domains');
  for (const d of CLASS_DEFS) out.push(`  ${d}`);
  const node = (n: GraphNode, indent: string): void => {
    const [open, close] = SHAPES[n.kind];
    out.push(`${indent}${ids.node.get(n.id)}${open}${mermaidString(n.label)}${close}`);
  };
  const spofClusters: string[] = [];
  const cluster = (c: GraphCluster, indent: string): void => {
    const id = ids.cluster.get(c.path)!;
    if (c.spof) spofClusters.push(id);
    out.push(`${indent}subgraph ${id}[${mermaidString(c.label)}]`);
    for (const n of c.nodes) node(n, `${indent}  `);
    for (const child of c.clusters) cluster(child, `${indent}  `);
    out.push(`${indent}end`);
  };
  for (const n of graph.topNodes) node(n, '  ');
  for (const c of graph.clusters) cluster(c, '  ');
  for (const e of graph.edges) out.push(`  ${ids.node.get(e.from)} ${ARROWS[e.kind]} ${ids.node.get(e.to)}`);
  const byClass = new Map<string, string[]>();
  for (const n of graph.nodes) {
    const c = classOf(n);
    byClass.set(c, [...(byClass.get(c) ?? []), ids.node.get(n.id)!]);
  }
  for (const c of ['service', 'group', 'component', 'domain', 'affected', 'spof']) {
    const members = byClass.get(c);
    if (members) out.push(`  class ${members.join(',')} ${c}`);
  }
  for (const id of spofClusters) out.push(`  style ${id} stroke:#d32f2f,stroke-width:3px`);
  return out.join('\n') + '\n';
}

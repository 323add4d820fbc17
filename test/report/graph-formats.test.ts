/**
 * --format mermaid and --format dot: structural checks (every id an edge,
 * class or style names is declared, labels are escaped, braces balance); the
 * golden files: golden.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { hostileExport, report } from '../helpers/reports.js';

const INPUTS = ['stacks/aws-three-tier@prod', '.@pangyo-2022', 'stacks/two-datacenters@prod', hostileExport('<script>|db"q\\{x};%%', 'shop "x" #1 `end`')];

/** Check a mermaid flowchart line by line; returns the declared node ids. */
function checkMermaid(text: string): { nodes: Set<string>; edges: number } {
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toBe('flowchart LR');
  const nodes = new Set<string>();
  const subgraphs = new Set<string>();
  const classes = new Set<string>();
  const refs: string[] = [];
  const styleRefs: string[] = [];
  let depth = 0;
  let edges = 0;
  const LABEL = '"[^"<>`\\n]*"';
  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    let m: RegExpMatchArray | null;
    if (line.startsWith('%%')) continue;
    if ((m = line.match(/^classDef (\w+) [\w:#,.-]+$/))) classes.add(m[1]!);
    else if ((m = line.match(new RegExp(`^(n\\d+)(?:\\(\\[${LABEL}\\]\\)|\\[\\[${LABEL}\\]\\]|\\[${LABEL}\\]|\\{\\{${LABEL}\\}\\})$`)))) {
      expect(nodes.has(m[1]!), `${m[1]} declared twice`).toBe(false);
      nodes.add(m[1]!);
    } else if ((m = line.match(new RegExp(`^subgraph (c\\d+)\\[${LABEL}\\]$`)))) {
      subgraphs.add(m[1]!);
      depth++;
    } else if (line === 'end') {
      depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
    } else if ((m = line.match(/^(n\d+) (-->|-\.-|==>|-\.->\|placed in\|) (n\d+)$/))) {
      refs.push(m[1]!, m[3]!);
      edges++;
    } else if ((m = line.match(/^class ((?:n\d+,)*n\d+) (\w+)$/))) {
      refs.push(...m[1]!.split(','));
      expect(classes).toContain(m[2]);
    } else if ((m = line.match(/^style (c\d+) [\w:#,-]+$/))) styleRefs.push(m[1]!);
    else expect.unreachable(`unexpected mermaid line: ${line}`);
  }
  expect(depth).toBe(0);
  for (const r of refs) expect(nodes, `${r} is not declared`).toContain(r);
  for (const r of styleRefs) expect(subgraphs, `${r} is not declared`).toContain(r);
  return { nodes, edges };
}

/** Check a DOT digraph structurally; returns the declared node ids. */
function checkDot(text: string): { nodes: Set<string>; edges: number } {
  expect(text.startsWith('digraph firebreak {\n')).toBe(true);
  // Quoted strings out (with their escapes), then comments: what is left is structure.
  const strings: string[] = [];
  const bare = text.replace(/"((?:[^"\\\n]|\\.)*)"/g, (_m, s: string) => {
    strings.push(s);
    return '""';
  });
  for (const s of strings) expect(s.replace(/\\./g, '')).not.toMatch(/["\\]/);
  const structure = bare.replace(/^\s*\/\/.*$/gm, '');
  let depth = 0;
  for (const ch of structure) {
    if (ch === '{') depth++;
    if (ch === '}') depth--;
    expect(depth).toBeGreaterThanOrEqual(0);
  }
  expect(depth).toBe(0);
  const nodes = new Set<string>();
  for (const m of structure.matchAll(/^\s*(n\d+) \[/gm)) {
    expect(nodes.has(m[1]!), `${m[1]} declared twice`).toBe(false);
    nodes.add(m[1]!);
  }
  let edges = 0;
  for (const m of structure.matchAll(/^\s*(\w+) -> (\w+)/gm)) {
    expect(nodes, `${m[1]} is not declared`).toContain(m[1]);
    expect(nodes, `${m[2]} is not declared`).toContain(m[2]);
    edges++;
  }
  for (const line of structure.split('\n')) {
    const l = line.trim();
    if (l === '') continue;
    expect(l, `unexpected dot line: ${l}`).toMatch(
      /^(digraph firebreak \{|subgraph cluster_c\d+ \{|\}|(graph|node|edge) \[.*\];|label="";|style=.*;|n\d+ \[.*\];|n\d+ -> n\d+( \[.*\])?;)$/,
    );
  }
  return { nodes, edges };
}

const hasGraphviz = spawnSync('dot', ['-V']).status === 0;

describe('mermaid and dot reports', () => {
  it.each(INPUTS)('mermaid for %s declares every id it references', async (spec) => {
    const { nodes, edges } = checkMermaid(await report(spec, 'mermaid'));
    expect(nodes.size).toBeGreaterThan(0);
    expect(edges).toBeGreaterThan(0);
  });

  it.each(INPUTS)('dot for %s parses: balanced braces, every edge endpoint declared', async (spec) => {
    const { nodes, edges } = checkDot(await report(spec, 'dot'));
    expect(nodes.size).toBeGreaterThan(0);
    expect(edges).toBeGreaterThan(0);
  });

  it('mermaid and dot draw the same nodes and edges', async () => {
    for (const spec of INPUTS) {
      const m = checkMermaid(await report(spec, 'mermaid'));
      const d = checkDot(await report(spec, 'dot'));
      expect([...m.nodes].sort()).toEqual([...d.nodes].sort());
      expect(m.edges).toBe(d.edges);
    }
  });

  it('marks single points of failure and the services they take down', async () => {
    const mmd = await report('stacks/aws-three-tier@prod', 'mermaid');
    const labels = new Map([...mmd.matchAll(/^\s*(n\d+)\W+"([^"]*)"/gm)].map((m) => [m[2]!, m[1]!]));
    const spof = mmd.match(/^\s*class (\S+) spof$/m)![1]!.split(',');
    expect(spof.sort()).toEqual([labels.get('nat (network-path)'), labels.get('db (datastore)'), labels.get('zone aws/eu-central-1/azs.names[0]')].sort());
    expect(mmd).toMatch(new RegExp(`^\\s*class ${labels.get('shop')} affected$`, 'm'));
    // The region is lost only beyond the policy (info): drawn, not marked.
    expect(spof).not.toContain(labels.get('region aws/eu-central-1'));
    // Domains nest: region inside provider, zone inside region.
    expect(mmd).toMatch(/subgraph c0\["aws"\]\n\s+subgraph c1\["region eu-central-1"\]\n(.*\n)*?\s+subgraph c\d+\["zone azs.names\[0\]"\]/);
    const dot = await report('stacks/aws-three-tier@prod', 'dot');
    expect(dot).toMatch(/label="db \(datastore\)", shape=box, fillcolor="#d32f2f"/);
  });

  it('draws shared risk groups (--order 2) as their members, not as single points of failure', async () => {
    const r = await runCli(['analyze', 'stacks/two-datacenters@prod', '--order', '2', '--format', 'mermaid', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    checkMermaid(r.stdout);
    expect(r.stdout).not.toMatch(/ spof$/m);
    expect(r.stdout).toMatch(/ affected$/m);
    const md = (await runCli(['analyze', 'stacks/two-datacenters@prod', '--order', '2', '--format', 'markdown', '--fail-on', 'none'])).stdout;
    expect(md.split('\n')[2]).toMatch(/^### firebreak: no single point of failure, \d+ shared risk groups \(/);
  });

  it('escapes labels from the stack', async () => {
    const spec = hostileExport('<script>|db"q\\{x};%%', 'shop "x" #1 `end`');
    const mmd = await report(spec, 'mermaid');
    expect(mmd).toContain('"#lt;script#gt;|db#quot;q\\#123;x#125;;#37;#37; (datastore)"');
    expect(mmd).toContain('(["shop #quot;x#quot; #35;1 #96;end#96;"])');
    const dot = await report(spec, 'dot');
    expect(dot).toContain('label="&lt;script&gt;|db&quot;q&#92;&#92;{x};%% (datastore)"');
  });

  it.runIf(hasGraphviz)('graphviz accepts the dot output', async () => {
    for (const spec of INPUTS) {
      const r = spawnSync('dot', ['-Tsvg'], { input: await report(spec, 'dot'), encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
  });
});

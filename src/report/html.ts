/**
 * html: one self-contained, offline page (scripts, styles and data inlined;
 * nothing is fetched when it is viewed). A summary header; the graph of
 * domains (nested boxes), services, replica groups and components, drawn with
 * cytoscape, single points of failure and the services they take down or
 * strand marked; the findings beside it, filterable by severity and service,
 * each lighting up its nodes; and a simulator: click a domain or a component
 * to see every service's state after its loss, with the explanation paths lit.
 * The simulator (html/client.ts) is the engine itself, bundled into the page
 * by esbuild (html/bundle.ts), and needs the whole model (`result.model`, which the CLI asks for with --format html); without
 * it the page draws what findings name (as mermaid and dot do) and cannot simulate.
 *
 * Safety: every text from the stack is first shown as the text report shows it
 * (visibleDeep in src/visible.ts: control, bidi and zero-width characters as
 * escapes, names over 1,000 characters cut with a marker) and travels as JSON inside
 * <script type="application/json"> with `<`, `>`, `&`, U+2028 and U+2029
 * escaped, and the page writes it with textContent only; a
 * Content-Security-Policy lets only the two inlined scripts (by hash) run and
 * nothing be fetched. Deterministic: no
 * timestamps, no random ids; the same result gives the same bytes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { formatLocation } from '../errors.js';
import type { AnalysisResult, ResultModel } from '../analysis/types.js';
import { buildGraph, stacksOf, type GraphCluster } from './graph.js';
import { pageScript } from './html/bundle.js';
import type { ReportOptions } from './options.js';
import { nodeLabel } from './text.js';
import { visibleDeep } from '../visible.js';

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

let cytoscapeSource: string | undefined;

/** cytoscape's browser build (UMD, minified), read from node_modules once. */
function cytoscapeJs(): string {
  if (cytoscapeSource === undefined) {
    const file = createRequire(import.meta.url).resolve('cytoscape/dist/cytoscape.min.js');
    cytoscapeSource = readFileSync(file, 'utf8');
  }
  return cytoscapeSource;
}

/** JSON that is safe inside <script type="application/json">: no `<`, `>` or `&`, nor JS line terminators. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Script text that cannot close or confuse its <script> element. */
export function scriptText(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** Model edges drawn as nesting, and where each node is drawn: its domain, or -1. */
function homes(model: ResultModel): number[] {
  const n = model.nodes.length;
  const parent = new Array<number>(n).fill(-1);
  const placements: number[][] = Array.from({ length: n }, () => []);
  const members: number[][] = Array.from({ length: n }, () => []);
  for (const [s, t, kind] of model.edges) {
    if (kind === 'within') {
      if (parent[s] === -1) parent[s] = t; // drawn inside the first of several
    } else if (kind === 'placed-in') placements[s]!.push(t);
    else if (kind === 'member-of') members[t]!.push(s);
  }
  const chain = (d: number): number[] => {
    const out: number[] = [];
    for (let x = d; x >= 0; x = parent[x]!) out.unshift(x);
    return out;
  };
  /** The deepest domain common to all (or -1). */
  const common = (domains: number[]): number => {
    if (domains.length === 0 || domains.some((d) => d < 0)) return -1;
    const chains = domains.map(chain);
    let at = -1;
    for (let i = 0; chains.every((c) => c[i] !== undefined && c[i] === chains[0]![i]); i++) at = chains[0]![i]!;
    return at;
  };
  const home = new Array<number>(n).fill(-1);
  model.nodes.forEach((node, i) => {
    if (node.kind === 'domain') home[i] = parent[i]!;
    else if (node.kind === 'component') home[i] = common(placements[i]!);
  });
  model.nodes.forEach((node, i) => {
    if (node.kind === 'group') home[i] = common(members[i]!.map((m) => home[m]!));
  });
  return home;
}

/** Without the whole model: what findings name (the graph mermaid and dot draw), as a model. */
function modelFromFindings(result: AnalysisResult): ResultModel {
  const graph = buildGraph(result);
  const nodes: ResultModel['nodes'] = [];
  const at = new Map<string, number>();
  const edges: ResultModel['edges'] = [];
  const walk = (clusters: GraphCluster[], parent: number): void => {
    for (const c of clusters) {
      const id = `domain:${c.path}`;
      const kind = result.nodes[id]?.domainKind;
      at.set(id, nodes.length);
      nodes.push({ id, kind: 'domain', name: c.path.split('/').pop() ?? c.path, ...(kind ? { domainKind: kind } : {}) });
      if (parent >= 0) edges.push([at.get(id)!, parent, 'within']);
      walk(c.clusters, at.get(id)!);
    }
  };
  walk(graph.clusters, -1);
  for (const n of graph.nodes) {
    if (n.kind === 'domain' || at.has(n.id)) continue;
    at.set(n.id, nodes.length);
    const info = result.nodes[n.id];
    nodes.push({
      id: n.id,
      kind: n.kind,
      name: info?.name ?? n.label,
      ...(info?.service ? { service: info.service } : {}),
      ...(info?.role ? { role: info.role } : {}),
    });
  }
  for (const n of graph.nodes) {
    const placedIn = result.nodes[n.id]?.placedIn ?? [];
    for (const p of placedIn) if (at.has(`domain:${p}`)) edges.push([at.get(n.id)!, at.get(`domain:${p}`)!, 'placed-in']);
  }
  for (const e of graph.edges) {
    const s = at.get(e.from);
    const t = at.get(e.to);
    if (s === undefined || t === undefined || e.kind === 'placed-in') continue;
    if (e.kind === 'member') edges.push([t, s, 'member-of']);
    else edges.push([s, t, e.kind]);
  }
  return { nodes, edges };
}

/** The data the page reads: plain, sorted, free of anything but the result. */
function pageData(result: AnalysisResult): unknown {
  const graph = buildGraph(result);
  const model = result.model ?? modelFromFindings(result);

  // Services the findings within the policy take down or strand (the worst state across them).
  const worst = new Map<string, 'down' | 'stranded'>();
  const strandedGroups = new Set<string>();
  for (const f of result.findings) {
    if (f.severity === 'info') continue;
    for (const a of f.affected) {
      if (a.state === 'down') worst.set(a.service, 'down');
      else if (a.state === 'stranded' && worst.get(a.service) !== 'down') worst.set(a.service, 'stranded');
    }
    for (const name of f.services ?? []) if (!worst.has(name)) worst.set(name, 'stranded');
    for (const g of f.stranded) strandedGroups.add(g.group);
  }
  const down = [...worst].filter(([, s]) => s === 'down').map(([n]) => `service:${n}`);
  const stranded = [...worst].filter(([, s]) => s === 'stranded').map(([n]) => `service:${n}`);
  for (const g of strandedGroups) stranded.push(g);

  const first = result.findings.find((f) => f.severity !== 'info');
  // Path labels as the text report writes them; with the whole model the page makes its own.
  const labels: Record<string, string> = {};
  if (!result.model) for (const id of Object.keys(result.nodes).sort(byText)) labels[id] = nodeLabel(result.nodes, id);

  return {
    stacks: stacksOf(result),
    version: result.tool.version,
    tolerate: result.policy.tolerate,
    summary: result.summary,
    headline: {
      worst: first
        ? {
            finding: first.id,
            severity: first.severity,
            what: first.event.what,
            name: first.event.name,
            services: first.blastRadius.services,
            ofServices: first.blastRadius.ofServices,
            critical: first.blastRadius.critical,
            ofCritical: first.blastRadius.ofCritical,
          }
        : null,
      atRisk: worst.size,
      ofServices: result.services.length,
      blindSpots: result.blindSpots.length,
    },
    services: result.services,
    findings: result.findings.map((f) => ({
      id: f.id,
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      event: f.event,
      inPolicy: f.inPolicy,
      blastRadius: f.blastRadius,
      affected: f.affected,
      stranded: f.stranded,
      ...(f.services ? { services: f.services } : {}),
      ...(f.evidence ? { evidence: f.evidence } : {}),
      locations: f.locations.map(formatLocation),
      ...(f.baseline ? { baseline: f.baseline } : {}),
    })),
    labels,
    marks: {
      spof: graph.nodes
        .filter((n) => n.spof)
        .map((n) => n.id)
        .concat(collectSpofClusters(graph.clusters))
        .sort(byText),
      down: down.sort(byText),
      stranded: stranded.sort(byText),
    },
    model,
    complete: result.model !== undefined,
    home: homes(model),
    blindSpots: result.blindSpots.map((b) => ({ kind: b.kind, subject: b.subject, message: b.message, ...(b.count !== undefined ? { count: b.count } : {}) })),
    warnings: result.warnings.length,
  };
}

function collectSpofClusters(clusters: GraphCluster[]): string[] {
  return clusters.flatMap((c) => [...(c.spof ? [`domain:${c.path}`] : []), ...collectSpofClusters(c.clusters)]);
}

const CSS = `
*{box-sizing:border-box}
html,body{margin:0;height:100%;font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;background:#fff}
body{display:flex;flex-direction:column}
header{padding:10px 16px;border-bottom:1px solid #d0d7de;background:#f6f8fa}
header h1{font-size:18px;margin:0 0 2px}
#meta{color:#57606a;font-size:12px}
#stats{display:flex;gap:10px;flex-wrap:wrap;margin-top:8px}
.stat{flex:1 1 200px;border:1px solid #d0d7de;border-left-width:6px;border-radius:6px;padding:6px 10px;background:#fff;min-width:0}
.stat-label{font-size:11px;text-transform:uppercase;color:#57606a;letter-spacing:.04em}
.stat-value{font-size:16px;font-weight:600;overflow-wrap:anywhere}
.stat-detail{font-size:12px;color:#57606a}
.stat.sev-critical{border-left-color:#b71c1c}.stat.sev-high{border-left-color:#e53935}.stat.sev-medium{border-left-color:#fb8c00}.stat.sev-none{border-left-color:#9aa4b2}
main{flex:1;display:flex;min-height:0}
#graph-panel{flex:1 1 auto;display:flex;flex-direction:column;min-width:0;border-right:1px solid #d0d7de}
#toolbar{display:flex;gap:6px;align-items:center;padding:6px 8px;border-bottom:1px solid #d0d7de;flex-wrap:wrap}
#toolbar input[type=search]{width:220px;padding:3px 6px}
#toolbar button,#toolbar select{padding:3px 8px}
#search-count,#view-note{color:#57606a;font-size:12px}
#cy{flex:1;min-height:300px;position:relative}
#statusbar{display:flex;justify-content:space-between;gap:12px;padding:4px 8px;border-top:1px solid #d0d7de;font-size:12px;color:#57606a;min-height:26px}
#legend span{margin-right:10px;white-space:nowrap}
.sw{display:inline-block;width:10px;height:10px;border:1px solid #555;vertical-align:middle;margin-right:3px}
aside{flex:0 0 440px;max-width:45%;overflow:auto;padding:8px 12px}
aside h2{font-size:15px;margin:10px 0 6px}
.muted{color:#57606a;font-size:12px}
.chip{display:inline-block;min-width:62px;text-align:center;border-radius:10px;padding:0 6px;font-size:11px;font-weight:600;margin-right:4px}
.chip.st-up{background:#c8e6c9;color:#1b5e20}.chip.st-degraded{background:#fff59d;color:#5d4300}.chip.st-stranded{background:#ffb74d;color:#4e2600}.chip.st-down{background:#b71c1c;color:#fff}
ul.services,ul#findings,ul.paths{list-style:none;margin:0;padding:0}
li.svc{padding:3px 4px;border-bottom:1px solid #eaeef2;cursor:default}
li.svc .path{font-size:12px;color:#57606a;margin:2px 0 0 70px;overflow-wrap:anywhere}
li.svc.selected{background:#f3e5f5}
.counts{font-weight:600}
.event-names{font-weight:normal}
#filters{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin-bottom:6px}
.sev-toggle{font-size:12px;white-space:nowrap}
li.finding{border:1px solid #d0d7de;border-left-width:5px;border-radius:6px;padding:6px 8px;margin-bottom:6px;cursor:pointer}
li.finding.selected{background:#f6f8fa;box-shadow:0 0 0 2px #d500f9 inset}
li.finding.sev-critical{border-left-color:#b71c1c}li.finding.sev-high{border-left-color:#e53935}li.finding.sev-medium{border-left-color:#fb8c00}li.finding.sev-low{border-left-color:#fdd835}li.finding.sev-info{border-left-color:#9aa4b2}
.sev{display:inline-block;font-size:11px;font-weight:700;text-transform:uppercase;margin-right:6px}
.sev.sev-critical{color:#b71c1c}.sev.sev-high{color:#e53935}.sev.sev-medium{color:#ef6c00}.sev.sev-low{color:#9e7d00}.sev.sev-info{color:#57606a}
.tag{font-size:11px;background:#ddf4ff;border-radius:8px;padding:0 5px;margin-right:6px}
.finding-msg{overflow-wrap:anywhere}
.finding-body{margin-top:6px;font-size:12px}
ul.paths li{margin:3px 0;overflow-wrap:anywhere}
button.simulate{margin-top:6px}
noscript{display:block;padding:16px;background:#fff3cd}
`;

const BODY = `<noscript>This report draws its graph and runs its simulations with JavaScript; enable it to see them.</noscript>
<header>
<h1>firebreak: <span id="stacks"></span></h1>
<div id="meta"></div>
<div id="stats"></div>
</header>
<main>
<section id="graph-panel">
<div id="toolbar">
<input id="search" type="search" placeholder="Search nodes (Enter to zoom)" aria-label="Search nodes">
<span id="search-count"></span>
<label>View <select id="view"><option value="detail">every node</option><option value="overview">by service and domain</option><option value="focus" disabled>focus</option></select></label>
<button id="zoom-in" title="Zoom in">+</button><button id="zoom-out" title="Zoom out">&minus;</button><button id="fit" title="Fit the graph">Fit</button>
<button id="clear" title="Clear the simulation and the highlight">Clear</button>
<span id="view-note"></span>
</div>
<div id="cy"></div>
<div id="statusbar"><span id="hover"></span><span id="legend"><span><i class="sw" style="background:#d32f2f"></i>single point of failure</span><span><i class="sw" style="background:#ffcdd2"></i>service it takes down</span><span><i class="sw" style="background:#ffe0b2"></i>stranded</span><span><i class="sw" style="background:#f6f8fa;border-style:dashed"></i>domain</span><span>&rarr; requires &middot; <span style="color:#ef6c00">&rarr; recovers with</span> &middot; dashed: member</span></span></div>
</section>
<aside>
<section id="sim"></section>
<section id="findings-panel">
<h2>Findings <span id="findings-count" class="muted"></span></h2>
<div id="filters"><span id="severity-filter"></span><select id="service-filter" aria-label="Filter by service"></select></div>
<ul id="findings"></ul>
<div id="blind"></div>
</section>
</aside>
</main>`;

export function renderHtml(result: AnalysisResult, _options: ReportOptions): string {
  // Every name cut to MAX_SHOWN_CHARS (with a marker), so the page stays linear in the model, not in name length.
  const data = jsonForScript(visibleDeep(pageData(result))); // names as the text report shows them: escapes for control, bidi and zero-width characters, long ones cut
  // client.ts with the failure engine, bundled by esbuild (html/bundle.ts).
  const client = scriptText(pageScript());
  const library = scriptText(cytoscapeJs());
  // Only these two scripts may run: no inline handler, nothing injected, nothing fetched.
  const hash = (code: string): string => `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`;
  const csp = `default-src 'none'; script-src ${hash(library)} ${hash(client)}; style-src 'unsafe-inline'; img-src data:`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="generator" content="firebreak">',
    '<title>firebreak report</title>',
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    BODY,
    `<script type="application/json" id="firebreak-data">${data}</script>`,
    `<script>${library}</script>`,
    `<script>${client}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

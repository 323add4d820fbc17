/**
 * The html report's page script, run in the browser (not in Node).
 *
 * esbuild bundles this module, with the failure engine it imports, into one
 * script that html.ts inlines (src/report/html/bundle.ts; `npm run build`
 * writes it to dist/report/html/page.js). It reads the report's data from
 * <script type="application/json" id="firebreak-data">, draws the graph with
 * cytoscape (inlined before it) and simulates losses with the engine itself
 * (simulation.ts): no copy of it. Every name from the stack is written with
 * textContent (or as a cytoscape label, drawn on a canvas), never as HTML.
 *
 * Loaded where there is no report page (Node, for the parity test) it starts
 * nothing and only offers `simulateScenarios`.
 *
 * The build has no DOM types: browser globals are declared loosely here.
 */
import type { ResultModel } from '../../analysis/types.js';
import { PageSimulation } from './simulation.js';

export { simulateScenarios } from './simulation.js';

declare const document: any;
declare const window: any;
declare const cytoscape: any;

function firebreakPage(): void {
  'use strict';
  type State = 'up' | 'degraded' | 'stranded' | 'down';
  type EdgeKind = 'within' | 'placed-in' | 'member-of' | 'requires' | 'recovers-with';
  type MNode = ResultModel['nodes'][number];
  interface Step {
    edge?: string;
    node: string;
    state: State;
    lostMember?: string;
  }
  interface Finding {
    id: string;
    rule: string;
    severity: string;
    message: string;
    event: { id: string; kind: string; name: string; what: string };
    inPolicy: boolean;
    blastRadius: { services: number; ofServices: number; critical: number; ofCritical: number };
    affected: Array<{ service: string; critical: boolean; state: State; path: Step[] }>;
    stranded: Array<{ group: string; lostMember?: string; survivors: string[]; tools: string[] }>;
    services?: string[];
    evidence?: { nodes: string[]; events: Array<{ id: string; kind: string; name: string; what: string }> };
    locations: string[];
    baseline?: string;
  }
  interface Data {
    stacks: string;
    version: string;
    tolerate: string;
    summary: {
      resources: number;
      components: number;
      domains: number;
      services: number;
      criticalServices: number;
      events: number;
      findings: Record<string, number>;
      coverage: { resources: number; modelled: number; configOnly: number; components: number; unjudged: number };
    };
    headline: {
      worst: null | {
        finding: string;
        severity: string;
        what: string;
        name: string;
        services: number;
        ofServices: number;
        critical: number;
        ofCritical: number;
      };
      atRisk: number;
      ofServices: number;
      blindSpots: number;
    };
    services: Array<{ name: string; critical: boolean }>;
    findings: Finding[];
    labels: Record<string, string>;
    marks: { spof: string[]; down: string[]; stranded: string[] };
    /** The whole model (complete) or what findings name (then no simulation). */
    model: { nodes: MNode[]; edges: Array<[number, number, EdgeKind]> };
    complete: boolean;
    /** Where each model node is drawn: the position of its domain, or -1. */
    home: number[];
    blindSpots: Array<{ kind: string; subject: string; message: string; count?: number }>;
    warnings: number;
  }

  const UP = 0;
  const DEGRADED = 1;
  const STRANDED = 2;
  const DOWN = 3;
  const NAMES: State[] = ['up', 'degraded', 'stranded', 'down'];
  const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
  const DETAIL_LIMIT = 1200;
  const MAX_LIT_PATHS = 40;
  const MAX_LISTED_UP = 200;

  const $ = (id: string): any => document.getElementById(id);
  const el = (tag: string, cls?: string, text?: string): any => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

  const data: Data = JSON.parse($('firebreak-data').textContent);
  const nodes = data.model.nodes;
  const N = nodes.length;
  const index = new Map<string, number>();
  nodes.forEach((n, i) => index.set(n.id, i));

  // ---------------------------------------------------------------- the model's edges, for drawing
  const K_DOMAIN = 0;
  const K_COMPONENT = 1;
  const K_GROUP = 2;
  const kind = new Uint8Array(N);
  nodes.forEach((n, i) => (kind[i] = n.kind === 'domain' ? K_DOMAIN : n.kind === 'component' ? K_COMPONENT : n.kind === 'group' ? K_GROUP : 3));
  const list = (): number[][] => Array.from({ length: N }, () => [] as number[]);
  const placements = list();
  const requiresOut = list();
  const members = list();
  const toolsOut = list();
  const domainParent = new Int32Array(N).fill(-1);
  for (const [s, t, k] of data.model.edges) {
    if (k === 'within') {
      // A domain may sit inside several: it is drawn inside the first.
      if (domainParent[s] === -1) domainParent[s] = t;
    } else if (k === 'placed-in') placements[s]!.push(t);
    else if (k === 'requires') requiresOut[s]!.push(t);
    else if (k === 'member-of') members[t]!.push(s);
    else if (k === 'recovers-with') toolsOut[s]!.push(t);
  }

  // ---------------------------------------------------------------- the simulation: the engine itself (simulation.ts)
  const sim = new PageSimulation(data.model);

  // ---------------------------------------------------------------- labels
  const shortLabel = (i: number): string => {
    const n = nodes[i]!;
    if (n.kind === 'domain') return n.domainKind ? `${n.domainKind} ${n.name}` : n.name;
    if (n.kind === 'group' && n.k !== undefined && n.n !== undefined) return n.k === 1 ? `${n.name} ×${n.n}` : `${n.name} ${n.k} of ${n.n}`;
    return n.name;
  };
  const domainPath = (i: number): string => {
    const parts: string[] = [];
    for (let x = i; x >= 0; x = domainParent[x]!) parts.unshift(nodes[x]!.name);
    return parts.join('/');
  };
  /** The label of a node in explanation paths (the text report's). */
  const pathLabel = (id: string): string => {
    const known = data.labels[id];
    if (known !== undefined) return known;
    const i = index.get(id);
    if (i === undefined) return id;
    const n = nodes[i]!;
    if (n.kind === 'domain') return `${n.domainKind ?? 'domain'} ${domainPath(i)}`;
    if (n.kind === 'group') return `${n.name} (replica group)`;
    if (n.kind === 'component' && placements[i]!.length > 0) return `${n.name} [${placements[i]!.map((d) => nodes[d]!.name).join(', ')}]`;
    return n.name;
  };

  // ---------------------------------------------------------------- header
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const h = data.headline;
  document.title = `firebreak: ${data.stacks}`;
  $('stacks').textContent = data.stacks;
  $('meta').textContent =
    `${plural(data.summary.resources, 'resource')}, ${plural(data.summary.components, 'component')} in ${plural(data.summary.domains, 'domain')}, ${plural(data.summary.services, 'service')} (${data.summary.criticalServices} critical), ${plural(data.summary.events, 'single-failure event')} checked · policy: survive any component and any domain up to a ${data.tolerate} · firebreak ${data.version}`;
  const stat = (label: string, value: string, detail: string, cls: string): void => {
    const box = el('div', `stat ${cls}`);
    box.appendChild(el('div', 'stat-label', label));
    box.appendChild(el('div', 'stat-value', value));
    box.appendChild(el('div', 'stat-detail', detail));
    $('stats').appendChild(box);
  };
  if (h.worst) {
    stat(
      'Worst event',
      `${h.worst.what} ${h.worst.name}`,
      `${h.worst.severity}: ${h.worst.services} of ${h.worst.ofServices} services down or stranded (${h.worst.critical} of ${h.worst.ofCritical} critical)`,
      `sev-${h.worst.severity}`,
    );
  } else if (data.summary.coverage.unjudged > 0) stat('Worst event', 'none found', 'not clean: some resources could not be judged', 'sev-medium');
  else stat('Worst event', 'none', 'no single point of failure within the policy', 'sev-none');
  const cov = data.summary.coverage;
  stat(
    'Unjudged',
    `${cov.unjudged} of ${cov.resources}`,
    `${cov.modelled} modelled, ${cov.configOnly} configuration only, ${cov.components} component resources; unjudged: could fail, not judged (see --format text)`,
    cov.unjudged > 0 ? 'sev-medium' : 'sev-none',
  );
  stat('Services at risk', `${h.atRisk} of ${h.ofServices}`, 'down or stranded by a single point of failure', h.atRisk > 0 ? 'sev-high' : 'sev-none');
  stat(
    'Blind spots',
    String(h.blindSpots),
    h.blindSpots > 0 ? 'resources firebreak could not place or classify' : 'every resource was placed and classified',
    h.blindSpots > 0 ? 'sev-medium' : 'sev-none',
  );
  stat('Findings', String(data.findings.length), SEVERITIES.map((s) => `${data.summary.findings[s] ?? 0} ${s}`).join(' · '), 'sev-none');

  // ---------------------------------------------------------------- what is drawn
  const home = data.home;
  const isBox = new Uint8Array(N); // domains with something drawn inside
  const drawnOwner = (i: number): string => nodes[i]!.service ?? nodes[i]!.name;
  type View = { name: string; service?: string };
  let view: View = { name: N <= DETAIL_LIMIT ? 'detail' : 'overview' };
  /** Model node -> id of the drawn element that stands for it in the current view (or undefined). */
  let rep: (i: number) => string | undefined = (i) => nodes[i]!.id;

  const spof = new Set(data.marks.spof);
  const markDown = new Set(data.marks.down);
  const markStranded = new Set(data.marks.stranded);

  interface DrawNode {
    id: string;
    label: string;
    kind: string;
    parent: string | null;
    classes: string[];
    model?: number;
    service?: string;
    count?: number;
  }

  function domainChainHas(d: number, set: Set<number>): void {
    for (let x = d; x >= 0; x = domainParent[x]!) set.add(x);
  }

  /** Elements of the detail view (all nodes, or those a focus keeps). */
  function detailElements(keep: ((i: number) => boolean) | null): { draw: DrawNode[]; edges: Array<[string, string, string]> } {
    const drawn = new Set<number>();
    for (let i = 0; i < N; i++) if (kind[i] !== K_DOMAIN && (!keep || keep(i))) drawn.add(i);
    const domains = new Set<number>();
    for (const i of drawn) {
      if (home[i]! >= 0) domainChainHas(home[i]!, domains);
      for (const d of placements[i]!) domainChainHas(d, domains);
    }
    if (!keep) for (let i = 0; i < N; i++) if (kind[i] === K_DOMAIN) domains.add(i);
    isBox.fill(0);
    for (const i of drawn) if (home[i]! >= 0) isBox[home[i]!] = 1;
    for (const d of domains) if (domainParent[d]! >= 0) isBox[domainParent[d]!] = 1;
    const draw: DrawNode[] = [];
    for (const d of domains) {
      const p = domainParent[d]!;
      draw.push({
        id: nodes[d]!.id,
        label: shortLabel(d),
        kind: 'domain',
        parent: p >= 0 ? nodes[p]!.id : null,
        classes: ['domain', isBox[d] ? 'box' : 'leafdomain'],
        model: d,
      });
    }
    for (const i of drawn) {
      const n = nodes[i]!;
      const classes: string[] = [n.kind];
      if (n.kind === 'service' && n.critical) classes.push('critical');
      if (n.kind === 'component' && n.role) classes.push(`role-${n.role}`);
      const item: DrawNode = { id: n.id, label: shortLabel(i), kind: n.kind, parent: home[i]! >= 0 ? nodes[home[i]!]!.id : null, classes, model: i };
      if (n.service !== undefined) item.service = n.service;
      draw.push(item);
    }
    rep = (i) => (drawn.has(i) || domains.has(i) ? nodes[i]!.id : undefined);
    return { draw, edges: drawnEdges() };
  }

  /**
   * The overview: services, domains, and per service and domain one node for
   * its components and groups; with too many of those, one per domain.
   */
  function overviewElements(): { draw: DrawNode[]; edges: Array<[string, string, string]> } {
    const draw: DrawNode[] = [];
    const repOf: Array<string | undefined> = new Array(N);
    isBox.fill(0);
    const group = (byService: boolean): Map<string, DrawNode> => {
      const aggs = new Map<string, DrawNode>();
      for (let i = 0; i < N; i++) {
        const n = nodes[i]!;
        if (n.kind === 'domain' || n.kind === 'service') continue;
        const owner = drawnOwner(i);
        const h = home[i]!;
        const id = byService ? `agg:${h}:${owner}` : `agg:${h}`;
        let a = aggs.get(id);
        if (!a) {
          a = { id, label: '', kind: 'aggregate', parent: h >= 0 ? nodes[h]!.id : null, classes: ['aggregate'], count: 0 };
          if (byService) a.service = owner;
          aggs.set(id, a);
        }
        a.count!++;
        repOf[i] = id;
      }
      return aggs;
    };
    let aggs = group(true);
    const byService = aggs.size <= 600;
    if (!byService) aggs = group(false);
    for (let i = 0; i < N; i++) {
      const n = nodes[i]!;
      if (n.kind === 'domain') repOf[i] = n.id;
      else if (n.kind === 'service') {
        repOf[i] = n.id;
        draw.push({ id: n.id, label: n.name, kind: 'service', parent: null, classes: n.critical ? ['service', 'critical'] : ['service'], model: i });
      }
    }
    for (const a of aggs.values()) if (a.parent !== null) isBox[index.get(a.parent)!] = 1;
    for (let d = 0; d < N; d++) if (kind[d] === K_DOMAIN && domainParent[d]! >= 0) isBox[domainParent[d]!] = 1;
    for (let d = 0; d < N; d++) {
      if (kind[d] !== K_DOMAIN) continue;
      const p = domainParent[d]!;
      draw.push({
        id: nodes[d]!.id,
        label: shortLabel(d),
        kind: 'domain',
        parent: p >= 0 ? nodes[p]!.id : null,
        classes: ['domain', isBox[d] ? 'box' : 'leafdomain'],
        model: d,
      });
    }
    for (const a of [...aggs.values()].sort((x, y) => byText(x.id, y.id))) {
      a.label = byService ? `${a.service} · ${a.count}` : `${a.count} components and groups${a.parent === null ? ' placed nowhere' : ''}`;
      draw.push(a);
    }
    rep = (i) => repOf[i];
    return { draw, edges: drawnEdges() };
  }

  /** Model edges between drawn representatives, deduplicated; within and single placements are nesting. */
  function drawnEdges(): Array<[string, string, string]> {
    const seen = new Set<string>();
    const out: Array<[string, string, string]> = [];
    for (const [s, t, k] of data.model.edges) {
      if (k === 'within' && domainParent[s] === t) continue;
      if (k === 'placed-in' && placements[s]!.length === 1) continue;
      const a = rep(s);
      const b = rep(t);
      if (a === undefined || b === undefined || a === b) continue;
      const key = `${a}\u0000${b}\u0000${k}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push([a, b, k]);
    }
    return out;
  }

  // ---------------------------------------------------------------- layout: nested boxes, deterministic
  const CW = 172;
  const CH = 58;
  const PAD = 24;
  const GAP = 48;
  const KIND_ORDER: Record<string, number> = { service: 0, group: 1, aggregate: 2, component: 3, domain: 4 };

  function layout(draw: DrawNode[]): Map<string, { x: number; y: number }> {
    const children = new Map<string | null, DrawNode[]>();
    const boxes = new Set<string>();
    for (const d of draw) {
      const list = children.get(d.parent);
      if (list) list.push(d);
      else children.set(d.parent, [d]);
      if (d.parent !== null) boxes.add(d.parent);
    }
    const order = (a: DrawNode, b: DrawNode): number =>
      (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) || byText(a.service ?? '', b.service ?? '') || byText(a.label, b.label) || byText(a.id, b.id);
    const pos = new Map<string, { x: number; y: number }>();
    const size = new Map<string, { w: number; h: number }>();
    const gridCols = (n: number, minWidth: number): number => Math.max(1, Math.min(n, Math.max(Math.ceil(Math.sqrt(n * 1.2)), Math.floor(minWidth / CW))));
    /** Rows of boxes no wider than maxW (at least one per row). */
    const pack = (items: DrawNode[], maxW: number): DrawNode[][] => {
      const rows: DrawNode[][] = [];
      let row: DrawNode[] = [];
      let w = 0;
      for (const b of items) {
        const bw = size.get(b.id)!.w;
        if (row.length > 0 && w + GAP + bw > maxW) {
          rows.push(row);
          row = [];
          w = 0;
        }
        w += (row.length > 0 ? GAP : 0) + bw;
        row.push(b);
      }
      if (row.length > 0) rows.push(row);
      return rows;
    };
    const rowWidth = (row: DrawNode[]): number => row.reduce((w, b, i) => w + size.get(b.id)!.w + (i > 0 ? GAP : 0), 0);
    const rowHeight = (row: DrawNode[]): number => Math.max(...row.map((b) => size.get(b.id)!.h));
    const areaWidth = (items: DrawNode[]): number => Math.sqrt(items.reduce((a, b) => a + size.get(b.id)!.w * size.get(b.id)!.h, 0) * 3);

    // Sizes, bottom-up (children first).
    const measure = (id: string): void => {
      const kids = (children.get(id) ?? []).slice().sort(order);
      const subs = kids.filter((k) => boxes.has(k.id));
      const leaves = kids.filter((k) => !boxes.has(k.id));
      for (const s of subs) measure(s.id);
      const subW = subs.length > 0 ? Math.max(...subs.map((s) => size.get(s.id)!.w)) : 0;
      const maxW = Math.max(subW, areaWidth(subs));
      const rows = pack(subs, maxW);
      const rowsW = rows.length > 0 ? Math.max(...rows.map(rowWidth)) : 0;
      const cols = gridCols(leaves.length, 0);
      const gridW = leaves.length > 0 ? cols * CW : 0;
      const gridH = leaves.length > 0 ? Math.ceil(leaves.length / cols) * CH : 0;
      const rowsH = rows.reduce((hh, r) => hh + rowHeight(r), 0) + GAP * Math.max(0, rows.length - 1);
      size.set(id, { w: Math.max(gridW, rowsW) + 2 * PAD, h: gridH + rowsH + (gridH > 0 && rowsH > 0 ? GAP : 0) + 2 * PAD });
    };
    const placeGrid = (items: DrawNode[], x0: number, y0: number, width: number): number => {
      if (items.length === 0) return 0;
      const cols = Math.max(1, Math.min(items.length, Math.floor(width / CW)));
      const used = Math.min(cols, items.length) * CW;
      const off = (width - used) / 2;
      items.forEach((it, k) => pos.set(it.id, { x: x0 + off + (k % cols) * CW + CW / 2, y: y0 + Math.floor(k / cols) * CH + CH / 2 }));
      return Math.ceil(items.length / cols) * CH;
    };
    const place = (id: string, x0: number, y0: number): void => {
      const kids = (children.get(id) ?? []).slice().sort(order);
      const subs = kids.filter((k) => boxes.has(k.id));
      const leaves = kids.filter((k) => !boxes.has(k.id));
      const sz = size.get(id)!;
      const inner = sz.w - 2 * PAD;
      const cols = gridCols(leaves.length, 0);
      const gridH = leaves.length > 0 ? Math.ceil(leaves.length / cols) * CH : 0;
      const gridW = cols * CW;
      placeGrid(leaves, x0 + PAD + (inner - gridW) / 2, y0 + PAD, gridW);
      let y = y0 + PAD + gridH + (gridH > 0 ? GAP : 0);
      const subW = subs.length > 0 ? Math.max(...subs.map((s) => size.get(s.id)!.w)) : 0;
      for (const row of pack(subs, Math.max(subW, areaWidth(subs), inner))) {
        let x = x0 + PAD + (inner - rowWidth(row)) / 2;
        for (const b of row) {
          place(b.id, x, y);
          x += size.get(b.id)!.w + GAP;
        }
        y += rowHeight(row) + GAP;
      }
    };
    const top = (children.get(null) ?? []).slice().sort(order);
    const topBoxes = top.filter((t) => boxes.has(t.id));
    for (const b of topBoxes) measure(b.id);
    const services = top.filter((t) => !boxes.has(t.id) && t.kind === 'service');
    const others = top.filter((t) => !boxes.has(t.id) && t.kind !== 'service');
    const boxW = topBoxes.length > 0 ? Math.max(...topBoxes.map((b) => size.get(b.id)!.w)) : 0;
    const rows = pack(topBoxes, Math.max(boxW, areaWidth(topBoxes)));
    const width = Math.max(
      rows.length > 0 ? Math.max(...rows.map(rowWidth)) : 0,
      Math.ceil(Math.sqrt(services.length * 3)) * CW,
      Math.ceil(Math.sqrt(others.length * 2)) * CW,
    );
    let y = 0;
    const placeBoxes = (): void => {
      for (const row of rows) {
        let x = (width - rowWidth(row)) / 2;
        for (const b of row) {
          place(b.id, x, y);
          x += size.get(b.id)!.w + GAP;
        }
        y += rowHeight(row) + GAP;
      }
    };
    // Services on top, then what they require; past a few hundred services, the domains first.
    const domainsFirst = services.length > 200;
    if (domainsFirst) placeBoxes();
    y += placeGrid(services, 0, y, width);
    if (services.length > 0) y += GAP;
    y += placeGrid(others, 0, y, width);
    if (others.length > 0) y += GAP;
    if (!domainsFirst) placeBoxes();
    return pos;
  }

  // ---------------------------------------------------------------- cytoscape
  const STYLE = [
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        'font-family': 'system-ui, sans-serif',
        'font-size': 11,
        'text-valign': 'center',
        'text-halign': 'center',
        'text-wrap': 'ellipsis',
        'text-max-width': '136px',
        width: 148,
        height: 34,
        shape: 'round-rectangle',
        'background-color': '#ffffff',
        'border-width': 1,
        'border-color': '#8a8f98',
        color: '#1f2328',
      },
    },
    { selector: 'node.service', style: { 'background-color': '#e8f0fe', 'border-color': '#4a6fa5', 'font-weight': 'bold', shape: 'ellipse', height: 40 } },
    { selector: 'node.service.critical', style: { 'border-width': 3 } },
    { selector: 'node.group', style: { 'background-color': '#f3f4f6', 'border-style': 'double', 'border-width': 4, 'border-color': '#6b7280' } },
    { selector: 'node.aggregate', style: { 'background-color': '#f3f4f6', 'border-color': '#6b7280', shape: 'round-rectangle' } },
    { selector: 'node.component', style: { shape: 'rectangle' } },
    { selector: 'node.role-datastore', style: { shape: 'barrel' } },
    { selector: 'node.role-identity', style: { shape: 'cut-rectangle' } },
    { selector: 'node.role-ops-tool', style: { shape: 'tag' } },
    { selector: 'node.leafdomain', style: { shape: 'hexagon', 'background-color': '#eceff1', 'border-style': 'dashed' } },
    {
      selector: 'node.box',
      style: {
        shape: 'round-rectangle',
        'background-color': '#f6f8fa',
        'background-opacity': 0.6,
        'border-style': 'dashed',
        'border-color': '#9aa4b2',
        'border-width': 2,
        'text-valign': 'top',
        'text-halign': 'center',
        'text-margin-y': -4,
        'font-size': 13,
        'font-weight': 'bold',
        color: '#4b5563',
        padding: '14px',
        'text-max-width': '600px',
      },
    },
    { selector: 'node.spof', style: { 'background-color': '#d32f2f', 'border-color': '#7f0000', 'border-width': 3, color: '#ffffff' } },
    {
      selector: 'node.box.spof',
      style: {
        'background-color': '#fdecea',
        'background-opacity': 0.8,
        'border-color': '#d32f2f',
        'border-style': 'solid',
        'border-width': 4,
        color: '#b71c1c',
      },
    },
    { selector: 'node.risk-down', style: { 'background-color': '#ffcdd2', 'border-color': '#c62828' } },
    { selector: 'node.risk-stranded', style: { 'background-color': '#ffe0b2', 'border-color': '#ef6c00', 'border-style': 'dashed' } },
    {
      selector: 'edge',
      style: {
        width: 1.2,
        'line-color': '#9aa4b2',
        'target-arrow-color': '#9aa4b2',
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8,
        'curve-style': 'bezier',
        opacity: 0.75,
      },
    },
    { selector: 'edge.member-of', style: { 'line-style': 'dashed', 'target-arrow-shape': 'none', 'line-color': '#b0b7c3' } },
    { selector: 'edge.recovers-with', style: { 'line-color': '#ef6c00', 'target-arrow-color': '#ef6c00', width: 1.5, opacity: 0.55 } },
    { selector: 'edge.placed-in', style: { 'line-style': 'dotted', 'line-color': '#6b7280' } },
    // Simulation states.
    { selector: 'node.st-up', style: { 'background-color': '#c8e6c9', 'border-color': '#2e7d32', color: '#1f2328' } },
    { selector: 'node.st-degraded', style: { 'background-color': '#fff59d', 'border-color': '#f9a825', color: '#1f2328' } },
    { selector: 'node.st-stranded', style: { 'background-color': '#ffb74d', 'border-color': '#e65100', 'border-style': 'dashed', color: '#1f2328' } },
    { selector: 'node.st-down', style: { 'background-color': '#b71c1c', 'border-color': '#4a0000', color: '#ffffff' } },
    {
      selector: 'node.box.st-down',
      style: {
        'background-color': '#ffcdd2',
        'background-opacity': 0.8,
        'border-color': '#b71c1c',
        'border-style': 'solid',
        'border-width': 4,
        color: '#b71c1c',
      },
    },
    { selector: 'node.sim-event', style: { 'border-color': '#000000', 'border-width': 5, 'border-style': 'solid' } },
    { selector: 'node.lit', style: { 'border-color': '#d500f9', 'border-width': 4, 'border-style': 'solid' } },
    { selector: 'edge.lit', style: { 'line-color': '#d500f9', 'target-arrow-color': '#d500f9', width: 4, opacity: 1, 'z-index': 10 } },
    { selector: 'node.match', style: { 'border-color': '#1565c0', 'border-width': 5, 'border-style': 'solid' } },
    { selector: '.faded', style: { opacity: 0.2 } },
    { selector: 'node.box.faded', style: { opacity: 0.45 } },
  ];

  const cy = cytoscape({
    container: $('cy'),
    style: STYLE,
    minZoom: 0.02,
    maxZoom: 4,
    boxSelectionEnabled: false,
    autoungrabify: false,
    textureOnViewport: N > DETAIL_LIMIT,
    hideEdgesOnViewport: N > DETAIL_LIMIT,
    pixelRatio: N > DETAIL_LIMIT ? 1 : 'auto',
  });

  /** Drawn edges between two drawn nodes (either way), by `a\u0000b`. */
  const edgeIndex = new Map<string, string[]>();

  function draw(): void {
    const built =
      view.name === 'overview' ? overviewElements() : view.name === 'focus' && view.service !== undefined ? focusElements(view.service) : detailElements(null);
    const pos = layout(built.draw);
    const elements: any[] = [];
    for (const d of built.draw) {
      const classes = d.classes.slice();
      if (spof.has(d.id)) classes.push('spof');
      if (markDown.has(d.id)) classes.push('risk-down');
      else if (markStranded.has(d.id)) classes.push('risk-stranded');
      const item: any = { group: 'nodes', data: { id: d.id, label: d.label, kind: d.kind }, classes: classes.join(' ') };
      if (d.parent !== null) item.data.parent = d.parent;
      if (d.model !== undefined) item.data.model = d.model;
      if (d.service !== undefined) item.data.service = d.service;
      const p = pos.get(d.id);
      if (p) item.position = { x: p.x, y: p.y };
      elements.push(item);
    }
    edgeIndex.clear();
    built.edges.forEach(([a, b, k], i) => {
      elements.push({ group: 'edges', data: { id: `e${i}`, source: a, target: b, kind: k }, classes: k });
      for (const key of [`${a}\u0000${b}`, `${b}\u0000${a}`]) {
        const ids = edgeIndex.get(key);
        if (ids) ids.push(`e${i}`);
        else edgeIndex.set(key, [`e${i}`]);
      }
    });
    cy.batch(() => {
      cy.elements().remove();
      cy.add(elements);
    });
    const large = built.draw.length > DETAIL_LIMIT;
    cy.edges().style('curve-style', large ? 'haystack' : 'bezier');
    cy.layout({ name: 'preset', fit: true, padding: 30 }).run();
    $('view').value = view.name === 'focus' ? `focus` : view.name;
    $('view-note').textContent =
      view.name === 'overview'
        ? 'One box per service and domain; click a service to focus on it.'
        : view.name === 'focus'
          ? `Focus: ${view.service} and what it depends on.`
          : '';
    applyScenario();
    applySearch();
  }

  /** A service and everything it requires, directly or not (members, recovery tools), in detail. */
  function focusElements(service: string): { draw: DrawNode[]; edges: Array<[string, string, string]> } {
    const keep = new Uint8Array(N);
    const stack: number[] = [];
    for (let i = 0; i < N; i++) {
      const n = nodes[i]!;
      if ((n.kind === 'service' && n.name === service) || (n.kind !== 'service' && n.kind !== 'domain' && n.service === service)) {
        keep[i] = 1;
        stack.push(i);
      }
    }
    while (stack.length > 0) {
      const x = stack.pop()!;
      for (const y of [...requiresOut[x]!, ...members[x]!, ...toolsOut[x]!]) {
        if (!keep[y]) {
          keep[y] = 1;
          stack.push(y);
        }
      }
    }
    return detailElements((i) => keep[i] === 1);
  }

  // ---------------------------------------------------------------- simulation state
  /** The scenario shown, if any: its failed events; the states are the simulation's. */
  let scenario: { events: number[] } | null = null;
  let litService: number | null = null;

  function serviceStates(): Record<string, State> {
    if (scenario) return sim.serviceStates();
    const out: Record<string, State> = {};
    for (let i = 0; i < N; i++) if (nodes[i]!.kind === 'service') out[nodes[i]!.name] = 'up';
    return out;
  }

  function servicePaths(): Record<string, Step[]> {
    return scenario ? sim.servicePaths() : {};
  }

  function clearMarks(): void {
    cy.elements().removeClass('st-up st-degraded st-stranded st-down sim-event lit faded match');
  }

  /** Light up a path (model ids) in the current view: its nodes, and edges between consecutive drawn steps. */
  function lightPath(path: Step[]): void {
    let prev: string | undefined;
    for (const step of path) {
      const i = index.get(step.node);
      const r = i === undefined ? undefined : rep(i);
      if (r === undefined) continue;
      const node = cy.getElementById(r);
      node.addClass('lit');
      if (prev !== undefined && prev !== r) for (const e of edgeIndex.get(`${prev}\u0000${r}`) ?? []) cy.getElementById(e).addClass('lit');
      prev = r;
    }
  }

  function applyScenario(): void {
    cy.batch(() => {
      clearMarks();
      if (!scenario) return;
      const sc = scenario;
      const worst = new Map<string, number>();
      for (let i = 0; i < N; i++) {
        const r = rep(i);
        if (r === undefined) continue;
        const s = sim.stateOf(i);
        const k = kind[i];
        // Up is shown for services only (and what stands for them): the rest stays quiet.
        if (s === UP && k !== 3 && !r.startsWith('agg:')) continue;
        worst.set(r, Math.max(worst.get(r) ?? 0, s));
      }
      for (const [r, s] of worst) cy.getElementById(r).addClass(`st-${NAMES[s]}`);
      for (const ev of sc.events) {
        const r = rep(ev);
        if (r !== undefined) cy.getElementById(r).addClass('sim-event');
      }
      // Every explanation path, or the chosen service's (many paths at once light up everything).
      if (litService !== null) lightPath(sim.explain(litService));
      else {
        const paths = Object.values(servicePaths());
        if (paths.length <= MAX_LIT_PATHS) for (const path of paths) lightPath(path);
      }
    });
  }

  function renderSimulation(): void {
    const box = $('sim');
    box.replaceChildren();
    if (!data.complete) {
      box.appendChild(el('p', 'muted', 'Simulation needs the whole model: render this report with `firebreak analyze --format html`.'));
      return;
    }
    if (!scenario) {
      box.appendChild(el('h2', '', 'Simulate a loss'));
      box.appendChild(
        el('p', 'muted', 'Click a domain or a component in the graph to see what its loss does to every service (shift-click to lose several at once).'),
      );
      return;
    }
    const sc = scenario;
    const head = el('h2', '', 'Simulated loss: ');
    head.appendChild(el('span', 'event-names', sc.events.map((e) => pathLabel(nodes[e]!.id)).join(' + ')));
    box.appendChild(head);
    const states = serviceStates();
    const counts = [0, 0, 0, 0];
    const rows: Array<{ name: string; s: number; i: number }> = [];
    for (let i = 0; i < N; i++) {
      if (nodes[i]!.kind !== 'service') continue;
      const s = NAMES.indexOf(states[nodes[i]!.name]!);
      counts[s]!++;
      rows.push({ name: nodes[i]!.name, s, i });
    }
    rows.sort((a, b) => b.s - a.s || byText(a.name, b.name));
    box.appendChild(el('p', 'counts', `${counts[DOWN]} down · ${counts[STRANDED]} stranded · ${counts[DEGRADED]} degraded · ${counts[UP]} up`));
    const hurt = counts[DOWN]! + counts[STRANDED]!;
    box.appendChild(
      el(
        'p',
        'muted',
        hurt > MAX_LIT_PATHS && litService === null
          ? 'Click a service to light up its explanation path.'
          : 'Lit in the graph: the explanation paths (click a service to show only its own).',
      ),
    );
    const ul = el('ul', 'services');
    const up = rows.filter((r) => r.s === UP);
    const listed = up.length > MAX_LISTED_UP ? rows.filter((r) => r.s !== UP) : rows;
    for (const r of listed) {
      const li = el('li', `svc ${litService === r.i ? 'selected' : ''}`);
      li.appendChild(el('span', `chip st-${NAMES[r.s]}`, NAMES[r.s]));
      li.appendChild(el('span', 'svc-name', r.name + (nodes[r.i]!.critical ? ' (critical)' : '')));
      li.dataset.service = r.name;
      if (r.s >= STRANDED) {
        const p = el('div', 'path');
        p.textContent = sim
          .explain(r.i)
          .map((st, k) => (k === 0 ? pathLabel(st.node) : ` -${st.edge}-> ${pathLabel(st.node)}${st.state === 'stranded' ? ' [stranded]' : ''}`))
          .join('');
        li.appendChild(p);
        li.addEventListener('click', () => {
          litService = litService === r.i ? null : r.i;
          applyScenario();
          renderSimulation();
        });
      }
      ul.appendChild(li);
    }
    box.appendChild(ul);
    if (listed.length < rows.length) {
      const more = el('details', '');
      more.appendChild(el('summary', '', `${up.length} services up`));
      more.appendChild(el('p', 'muted', up.map((r) => r.name).join(', ')));
      box.appendChild(more);
    }
  }

  function simulate(ids: string[]): Record<string, State> {
    const events = sim.eventsOf(ids);
    litService = null;
    scenario = null;
    if (events.length > 0 && data.complete) {
      sim.run(events);
      scenario = { events };
    }
    applyScenario();
    renderSimulation();
    return serviceStates();
  }

  // ---------------------------------------------------------------- findings
  const sevFilter = new Set(SEVERITIES);
  let serviceFilter = '';
  let selectedFinding: string | null = null;

  function findingServices(f: Finding): string[] {
    return [...new Set([...f.affected.map((a) => a.service), ...(f.services ?? [])])];
  }

  function findingNodes(f: Finding): Step[][] {
    const paths: Step[][] = f.affected.map((a) => a.path);
    for (const g of f.stranded) {
      paths.push([{ node: g.group, state: 'stranded' }, ...(g.lostMember ? [{ node: g.lostMember, state: 'down' as State }] : [])]);
      for (const t of g.tools)
        paths.push([
          { node: g.group, state: 'stranded' },
          { node: t, state: 'down' },
        ]);
    }
    const single = [
      f.event.id,
      ...(f.evidence?.nodes ?? []),
      ...(f.evidence?.events ?? []).map((e) => e.id),
      ...(f.services ?? []).map((name) => `service:${name}`),
    ];
    for (const id of single) paths.push([{ node: id, state: 'down' }]);
    return paths;
  }

  /** Show these elements, no closer than a readable zoom. */
  function zoomTo(eles: any): void {
    cy.fit(eles, 80);
    if (cy.zoom() > 1.2) {
      cy.zoom(1.2);
      cy.center(eles);
    }
  }

  function highlightFinding(f: Finding | null): void {
    cy.batch(() => {
      cy.elements().removeClass('lit faded');
      if (!f) {
        applyScenario();
        return;
      }
      for (const p of findingNodes(f)) lightPath(p);
      cy.elements().not('.lit').not(cy.$('.lit').ancestors()).addClass('faded');
    });
    const lit = cy.$('node.lit');
    if (lit.length > 0) zoomTo(lit);
  }

  function renderFindings(): void {
    const ul = $('findings');
    ul.replaceChildren();
    let shown = 0;
    for (const f of data.findings) {
      if (!sevFilter.has(f.severity)) continue;
      if (serviceFilter && !findingServices(f).includes(serviceFilter)) continue;
      shown++;
      const li = el('li', `finding sev-${f.severity}${selectedFinding === f.id ? ' selected' : ''}`);
      li.dataset.id = f.id;
      const head = el('div', 'finding-head');
      head.appendChild(el('span', `sev sev-${f.severity}`, f.severity));
      if (f.baseline) head.appendChild(el('span', 'tag', f.baseline === 'new' ? 'new' : 'in the baseline'));
      head.appendChild(el('span', 'finding-msg', f.message));
      li.appendChild(head);
      if (selectedFinding === f.id) {
        const body = el('div', 'finding-body');
        body.appendChild(
          el(
            'div',
            'muted',
            `${f.id}${f.inPolicy ? '' : ` · beyond the policy (--tolerate ${data.tolerate})`}${f.locations.length > 0 ? ` · at ${f.locations.join(', ')}` : ''}`,
          ),
        );
        const paths = el('ul', 'paths');
        for (const a of f.affected) {
          const text =
            a.path.length > 0
              ? a.path
                  .map((st, k) => (k === 0 ? pathLabel(st.node) : ` -${st.edge}-> ${pathLabel(st.node)}${st.state === 'stranded' ? ' [stranded]' : ''}`))
                  .join('')
              : `${a.service} (not critical: no path shown beyond the policy)`;
          const p = el('li', '');
          p.appendChild(el('span', `chip st-${a.state}`, a.state));
          p.appendChild(el('span', '', ` ${text}`));
          paths.appendChild(p);
        }
        for (const g of f.stranded) {
          const p = el('li', '');
          p.appendChild(el('span', 'chip st-stranded', 'stranded'));
          const survivors = g.survivors.length > 0 ? g.survivors.map(pathLabel).join(', ') : 'its surviving replicas';
          p.appendChild(
            el(
              'span',
              '',
              ` ${pathLabel(g.group)}:${g.lostMember ? ` lost ${pathLabel(g.lostMember)};` : ''} ${survivors} cannot take over without ${g.tools.map(pathLabel).join(', ')}`,
            ),
          );
          paths.appendChild(p);
        }
        body.appendChild(paths);
        const ev = index.get(f.event.id);
        if (data.complete && ev !== undefined && (kind[ev] === K_DOMAIN || kind[ev] === K_COMPONENT)) {
          const b = el('button', 'simulate', 'Simulate this loss');
          b.addEventListener('click', (e: any) => {
            e.stopPropagation();
            simulate([f.event.id]);
          });
          body.appendChild(b);
        }
        li.appendChild(body);
      }
      li.addEventListener('click', () => {
        selectedFinding = selectedFinding === f.id ? null : f.id;
        renderFindings();
        highlightFinding(selectedFinding === f.id ? f : null);
      });
      ul.appendChild(li);
    }
    $('findings-count').textContent = `${shown} of ${data.findings.length}`;
    if (data.findings.length === 0) ul.appendChild(el('li', 'muted', 'No findings.'));
  }

  const sevBox = $('severity-filter');
  for (const s of SEVERITIES) {
    const label = el('label', `sev-toggle sev-${s}`);
    const input = el('input');
    input.type = 'checkbox';
    input.checked = true;
    input.value = s;
    input.addEventListener('change', () => {
      if (input.checked) sevFilter.add(s);
      else sevFilter.delete(s);
      renderFindings();
    });
    label.appendChild(input);
    label.appendChild(el('span', '', ` ${s} (${data.summary.findings[s] ?? 0})`));
    sevBox.appendChild(label);
  }
  const svcSelect = $('service-filter');
  svcSelect.appendChild(el('option', '', 'all services'));
  svcSelect.firstChild.value = '';
  for (const s of data.services) {
    const o = el('option', '', s.critical ? `${s.name} (critical)` : s.name);
    o.value = s.name;
    svcSelect.appendChild(o);
  }
  svcSelect.addEventListener('change', () => {
    serviceFilter = svcSelect.value;
    renderFindings();
  });

  // Blind spots and warnings.
  const blind = $('blind');
  if (data.blindSpots.length > 0) {
    const details = el('details', '');
    details.appendChild(el('summary', '', `Blind spots (${data.blindSpots.length})`));
    const ul = el('ul', '');
    for (const b of data.blindSpots) ul.appendChild(el('li', '', `${b.kind}: ${b.message}`));
    details.appendChild(ul);
    blind.appendChild(details);
  }
  if (data.warnings > 0) blind.appendChild(el('p', 'muted', `${data.warnings} warning(s): see --format text or json.`));

  // ---------------------------------------------------------------- search
  function applySearch(): void {
    const q = String($('search').value ?? '')
      .trim()
      .toLowerCase();
    cy.batch(() => {
      cy.nodes().removeClass('match');
      if (!q) {
        $('search-count').textContent = '';
        return;
      }
      const hits = new Set<string>();
      let modelHits = 0;
      for (let i = 0; i < N; i++) {
        const n = nodes[i]!;
        if (n.name.toLowerCase().includes(q) || n.id.toLowerCase().includes(q)) {
          modelHits++;
          const r = rep(i);
          if (r !== undefined) hits.add(r);
        }
      }
      for (const a of cy.nodes()) if (String(a.data('label')).toLowerCase().includes(q)) hits.add(a.id());
      for (const id of hits) cy.getElementById(id).addClass('match');
      $('search-count').textContent = `${modelHits} match${modelHits === 1 ? '' : 'es'}`;
    });
  }
  $('search').addEventListener('input', applySearch);
  $('search').addEventListener('keydown', (e: any) => {
    if (e.key !== 'Enter') return;
    const q = String($('search').value ?? '')
      .trim()
      .toLowerCase();
    if (!q) return;
    // A component or group the overview only counts: focus on its service.
    if (view.name === 'overview') {
      for (let i = 0; i < N; i++) {
        const n = nodes[i]!;
        if ((n.kind === 'component' || n.kind === 'group') && (n.name.toLowerCase().includes(q) || n.id.toLowerCase().includes(q))) {
          view = { name: 'focus', service: drawnOwner(i) };
          draw();
          break;
        }
      }
    }
    const m = cy.$('node.match');
    if (m.length > 0) zoomTo(m);
  });

  // ---------------------------------------------------------------- toolbar and clicks
  $('view').addEventListener('change', () => {
    const v = $('view').value;
    if (v === 'focus') return;
    view = { name: v };
    draw();
  });
  $('zoom-in').addEventListener('click', () => cy.zoom({ level: cy.zoom() * 1.3, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } }));
  $('zoom-out').addEventListener('click', () => cy.zoom({ level: cy.zoom() / 1.3, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } }));
  $('fit').addEventListener('click', () => cy.fit(undefined, 30));
  $('clear').addEventListener('click', () => {
    selectedFinding = null;
    renderFindings();
    simulate([]);
  });

  cy.on('tap', 'node', (evt: any) => {
    const node = evt.target;
    // Taps bubble to compound parents: handle the node that was hit only.
    if (evt.originalEvent && evt.originalEvent.__firebreakHandled) return;
    if (evt.originalEvent) evt.originalEvent.__firebreakHandled = true;
    const k = node.data('kind');
    const i = node.data('model');
    if (k === 'aggregate' && node.data('service') === undefined) return;
    if (k === 'aggregate' || (k === 'service' && view.name === 'overview')) {
      view = { name: 'focus', service: node.data('service') ?? node.data('label') };
      draw();
      return;
    }
    if (typeof i !== 'number') return;
    if (k === 'domain' || k === 'component') {
      const shift = evt.originalEvent && evt.originalEvent.shiftKey;
      const ids = shift && scenario ? scenario.events.map((e) => nodes[e]!.id) : [];
      const id = nodes[i]!.id;
      const at = ids.indexOf(id);
      if (at >= 0) ids.splice(at, 1);
      else ids.push(id);
      selectedFinding = null;
      renderFindings();
      simulate(ids);
    } else if (k === 'service' && scenario && sim.stateOf(i) >= STRANDED) {
      litService = litService === i ? null : i;
      applyScenario();
      renderSimulation();
    }
  });
  cy.on('mouseover', 'node', (evt: any) => {
    const i = evt.target.data('model');
    const k = evt.target.data('kind');
    let text = String(evt.target.data('label'));
    if (typeof i === 'number') {
      const n = nodes[i]!;
      text = `${n.kind}: ${pathLabel(n.id)}${n.role ? ` · ${n.role}` : ''}${n.service && n.kind !== 'service' ? ` · service ${n.service}` : ''}${n.kind === 'domain' || n.kind === 'component' ? ' · click to simulate its loss' : ''}`;
    } else if (k === 'aggregate') text = `${evt.target.data('label')} components and groups · click to focus`;
    $('hover').textContent = text;
  });
  cy.on('mouseout', 'node', () => ($('hover').textContent = ''));

  draw();
  renderFindings();
  renderSimulation();

  // For tests and the curious: the graph, the simulation and its results.
  window.firebreak = {
    cy,
    simulate,
    states: serviceStates,
    paths: servicePaths,
    clear: () => simulate([]),
    view: (name: string, service?: string) => {
      view = service !== undefined ? { name, service } : { name };
      draw();
    },
    ready: true,
  };
}

if (typeof document !== 'undefined' && document.getElementById('firebreak-data')) firebreakPage();

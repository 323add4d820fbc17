/** Reports of `firebreak whatif`: text, json and markdown. */
import pc from 'picocolors';
import type { WhatIfResult, WhatIfService } from '../analysis/whatif.js';
import { escapeMarkdown as md } from './markdown.js';
import type { ReportOptions } from './options.js';
import { nodeLabel, renderPath } from './text.js';
import { visibleDeep } from '../visible.js';

type Colors = ReturnType<typeof pc.createColors>;

function stateLabel(c: Colors, s: WhatIfService['state']): string {
  const label = s.padEnd(8);
  return s === 'down' ? c.red(label) : s === 'stranded' ? c.yellow(label) : s === 'degraded' ? c.cyan(label) : c.green(label);
}

function remedy(r: WhatIfResult, s: WhatIfService): string {
  if (s.state === 'up' || s.state === 'degraded') return '';
  const tools = s.waitsFor.length > 0 ? `; its failover waits for ${s.waitsFor.map((t) => nodeLabel(r.nodes, t)).join(', ')}` : '';
  if (s.restoreAll) return `back only when several of the failed events are restored${tools}`;
  return `back when ${s.bringsBack.map((e) => `${e.what} ${e.name}`).join(' or ')} is restored${tools}`;
}

export function renderWhatIfText(r: WhatIfResult, options: ReportOptions): string {
  r = visibleDeep(r); // names from input, shown on a terminal
  const c = pc.createColors(options.color);
  const out: string[] = [];
  out.push(c.bold(`firebreak whatif: ${r.inputs.map((i) => `${i.project}/${i.stack}`).join(', ')}`));
  out.push(`Failed: ${r.failed.map((e) => `${e.what} ${e.name}`).join(', ')}`);
  out.push(`Services: ${r.summary.down} down, ${r.summary.stranded} stranded, ${r.summary.degraded} degraded, ${r.summary.up} up (of ${r.summary.services})`);
  out.push('');
  for (const s of r.services) {
    out.push(`${stateLabel(c, s.state)} ${s.critical ? c.bold(s.name) : s.name}${s.critical ? '' : c.dim(' (not critical)')}`);
    if (s.path.length > 0 && s.state !== 'degraded') out.push(`         why: ${renderPath(r, s.path, c)}`);
    else if (s.path.length > 0) out.push(`         ${c.dim(`lost replicas: ${renderPath(r, s.path, c)}`)}`);
    const fix = remedy(r, s);
    if (fix) out.push(`         ${fix}`);
  }
  return out.join('\n') + '\n';
}

export function renderWhatIfMarkdown(r: WhatIfResult): string {
  const plain = pc.createColors(false);
  const out = [
    `### firebreak whatif: ${md(r.failed.map((e) => `${e.what} ${e.name}`).join(', '))} lost`,
    '',
    `${r.summary.down} down, ${r.summary.stranded} stranded, ${r.summary.degraded} degraded, ${r.summary.up} up (of ${r.summary.services} services)`,
    '',
    '| service | state | why | what brings it back |',
    '| --- | --- | --- | --- |',
  ];
  for (const s of r.services) {
    out.push(
      `| ${md(s.name)}${s.critical ? '' : ' (not critical)'} | ${s.state} | ${s.state === 'up' ? '' : md(renderPath(r, s.path, plain))} | ${md(remedy(r, s))} |`,
    );
  }
  return out.join('\n') + '\n';
}

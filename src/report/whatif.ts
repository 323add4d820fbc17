/** Reports of `firebreak whatif`: text, json and markdown. */
import pc from 'picocolors';
import type { WhatIfResult, WhatIfService } from '../analysis/whatif.js';
import { coverageMarkdown, escapeMarkdown as md, judgementMarkdown, warningsMarkdown } from './markdown.js';
import type { ReportOptions } from './options.js';
import { coverageText, judgementText, nodeLabel, notJudged, renderPath, warningsText } from './text.js';
import { visibleDeep } from '../visible.js';

type Colors = ReturnType<typeof pc.createColors>;

function stateLabel(c: Colors, s: WhatIfService['state']): string {
  const label = s.padEnd(8);
  return s === 'down' ? c.red(label) : s === 'stranded' ? c.yellow(label) : s === 'degraded' ? c.cyan(label) : c.green(label);
}

/** The service counts, qualified when something was not judged: `…, 1 up (of 1), as far as firebreak could judge (1 blind spot: see below)`. */
function counts(r: WhatIfResult, of: string): string {
  const what = notJudged(r);
  const s = r.summary;
  return `${s.down} down, ${s.stranded} stranded, ${s.degraded} degraded, ${s.up} up (of ${of})${what ? `, as far as firebreak could judge (${what}: see below)` : ''}`;
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
  out.push(`Services: ${counts(r, `${r.summary.services}`)}`);
  out.push(coverageText(r.coverage));
  out.push('');
  for (const s of r.services) {
    out.push(`${stateLabel(c, s.state)} ${s.critical ? c.bold(s.name) : s.name}${s.critical ? '' : c.dim(' (not critical)')}`);
    if (s.path.length > 0 && s.state !== 'degraded') out.push(`         why: ${renderPath(r, s.path, c)}`);
    else if (s.path.length > 0) out.push(`         ${c.dim(`lost replicas: ${renderPath(r, s.path, c)}`)}`);
    const fix = remedy(r, s);
    if (fix) out.push(`         ${fix}`);
  }
  const lists = [...judgementText(r, c), ...warningsText(r.warnings, c)];
  if (lists.length > 0) out.push('', ...lists.slice(0, -1));
  return out.join('\n') + '\n';
}

export function renderWhatIfMarkdown(r: WhatIfResult): string {
  const plain = pc.createColors(false);
  const out = [
    `### firebreak whatif: ${md(r.failed.map((e) => `${e.what} ${e.name}`).join(', '))} lost`,
    '',
    counts(r, `${r.summary.services} services`),
    '',
    coverageMarkdown(r.coverage),
    '',
    '| service | state | why | what brings it back |',
    '| --- | --- | --- | --- |',
  ];
  for (const s of r.services) {
    out.push(
      `| ${md(s.name)}${s.critical ? '' : ' (not critical)'} | ${s.state} | ${s.state === 'up' ? '' : md(renderPath(r, s.path, plain))} | ${md(remedy(r, s))} |`,
    );
  }
  for (const block of [...judgementMarkdown(r), ...warningsMarkdown(r.warnings)]) out.push('', block);
  return out.join('\n') + '\n';
}

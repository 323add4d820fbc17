/**
 * markdown: a compact pull-request comment. A headline, a severity table, a
 * table of the findings within the policy, then each finding's explanation in
 * a collapsed <details>; info findings, blind spots and warnings collapsed at
 * the end. Names come from stacks, so every one is escaped; the whole comment
 * stays under GitHub's comment limit (details are dropped first, with a note).
 */
import { formatLocation, formatWarning, type Warning } from '../errors.js';
import { SEVERITIES, type AnalysisResult, type Finding, type Severity } from '../analysis/types.js';
import { stacksOf } from './graph.js';
import { inWhatJudged, nodeLabel, plainPath, unjudgedHeadline } from './text.js';
import { visible } from '../visible.js';
import type { ReportOptions } from './options.js';
import type { CoverageCounts } from '../classify/index.js';
import type { Judgement } from '../analysis/judged.js';
import { failingFindings } from '../analysis/gate.js';
import { findingDocsUrl } from './docs-links.js';
import { criticalNote, hiddenNote, sharedRiskNone, shownFindings } from './display.js';

/** GitHub rejects comments over 65,536 characters; keep a margin. */
export const MARKDOWN_MAX_CHARS = 65_000;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '|': '&#124;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '\\': '&#92;',
  '~': '&#126;',
  '@': '&#64;',
  '#': '&#35;',
};

/**
 * Text from a stack as literal text in markdown, in a table cell and inside HTML
 * (<summary>) alike: markdown-significant characters as character references,
 * which neither markdown nor HTML interprets; line breaks flattened.
 */
export function escapeMarkdown(s: string): string {
  // `://`, `@`, `#` and `www.` escaped so GitHub makes no autolink, mention or issue link of a name;
  // control and bidi characters as visible escapes (visible() runs first: its `\` is escaped after).
  return visible(s.replace(/\r\n|\r|\n/g, ' '))
    .replace(/[&<>|`*_[\]\\~@#]/g, (ch) => ESCAPES[ch]!)
    .replace(/:(?=\/\/)/g, '&#58;')
    .replace(/(w)(ww)\./gi, '$1$2&#46;');
}

/** A finding id as code: a code span when it is plain (ids are generated), else `<code>` with escaped text. */
export function markdownCode(s: string): string {
  return /^[\w./-]+$/.test(s) ? `\`${s}\`` : `<code>${escapeMarkdown(s)}</code>`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function locations(f: Finding): string {
  return f.locations.length > 0 ? ` · at ${f.locations.map((l) => escapeMarkdown(formatLocation(l))).join(', ')}` : '';
}

function eventLabel(f: Finding): string {
  return escapeMarkdown(f.event.kind === 'set' ? `${f.event.name} (${f.event.what})` : `${f.event.what} ${f.event.name}`);
}

function servicesCell(f: Finding): string {
  const b = f.blastRadius;
  const names = [...new Set(f.affected.length > 0 ? f.affected.map((a) => a.service) : (f.services ?? []))];
  const count = `${b.services} of ${b.ofServices}${b.critical > 0 ? ` (${b.critical} critical)` : ''}`;
  if (names.length === 0) return count;
  const shown = names.slice(0, 3).map(escapeMarkdown).join(', ');
  return `${count}: ${shown}${names.length > 3 ? ` and ${names.length - 3} more` : ''}`;
}

/** The explanation of one finding: its paths and stranded groups, as list items. */
function explanation(result: AnalysisResult, f: Finding, maxPaths: number, indent = ''): string[] {
  const lines: string[] = [];
  for (const a of f.affected.slice(0, maxPaths)) {
    const path = a.path.length > 0 ? plainPath(result, a.path) : `${a.service}${a.critical ? '' : ' (not critical: no path shown)'}`;
    lines.push(`${indent}- **${a.state}**: ${escapeMarkdown(path)}`);
  }
  if (f.affected.length > maxPaths) lines.push(`${indent}- … and ${f.affected.length - maxPaths} more (see \`--format json\`)`);
  for (const g of f.stranded.slice(0, maxPaths)) {
    const lost = g.lostMember ? ` lost ${nodeLabel(result.nodes, g.lostMember)};` : '';
    const tools = g.tools.map((t) => result.nodes[t]?.name ?? t).join(', ');
    const survivors = g.survivors.length > 0 ? g.survivors.map((m) => nodeLabel(result.nodes, m)).join(', ') : 'its surviving replicas';
    const text = `${nodeLabel(result.nodes, g.group)}:${lost} ${survivors} cannot take over without ${tools}, lost in the same event`;
    lines.push(`${indent}- **stranded**: ${escapeMarkdown(text)}`);
  }
  if (f.stranded.length > maxPaths) lines.push(`${indent}- … and ${f.stranded.length - maxPaths} more stranded groups (see \`--format json\`)`);
  return lines;
}

/** Against a baseline: " · **new**" or " · in the baseline". */
function baselineMark(f: Finding, html: boolean): string {
  if (f.baseline === 'new') return html ? ' · <b>new</b>' : ' · **new**';
  if (f.baseline === 'unchanged') return ' · in the baseline';
  return '';
}

function findingDetails(result: AnalysisResult, f: Finding, maxPaths: number): string {
  const lines = [`<details><summary><b>${f.severity}</b>${baselineMark(f, true)}: ${escapeMarkdown(f.message)}</summary>`, ''];
  lines.push(`id ${markdownCode(f.id)}${locations(f)}`, '');
  const body = explanation(result, f, maxPaths);
  if (body.length > 0) lines.push(...body, '');
  lines.push('</details>');
  return lines.join('\n');
}

/** The first line: passed or failed, against which threshold and baseline (as `firebreak check` decides). */
function verdict(result: AnalysisResult, failOn: Severity | 'none', failOnUnjudged: boolean): string {
  const b = result.baseline;
  const against = b ? ` not in the baseline ${escapeMarkdown(b.file)}` : '';
  const unjudged = result.summary.coverage.unjudged;
  // Never "passed" plain while something that could fail was not judged.
  const notClean = unjudged > 0 ? ` Not clean: ${unjudgedHeadline(result)}.` : '';
  const failing = failOn === 'none' ? 0 : failingFindings(result, failOn).length;
  if (failing > 0)
    return `**firebreak: failed**: ${plural(failing, 'finding')} at or above ${failOn}${against}${b ? ` (${b.unchanged} in the baseline)` : ''}.${notClean}`;
  if (failOnUnjudged && unjudged > 0) return `**firebreak: failed**: ${unjudgedHeadline(result)} (--fail-on-unjudged).`;
  if (failOn === 'none') return `**firebreak: passed**: not gated (--fail-on none).${notClean}`;
  return `**firebreak: passed**: no finding at or above ${failOn}${against}${b ? ` (${b.unchanged} in the baseline)` : ''}.${notClean}`;
}

function collapsed(summary: string, items: string[]): string {
  return [`<details><summary>${summary}</summary>`, '', ...items, '', '</details>'].join('\n');
}

/** The most items a collapsed list shows. */
const LIST_MAX = 50;

/**
 * The Coverage line, the unjudged count in bold (label: Coverage, or e.g. `Coverage after`); `listed`: the unjudged
 * resources are listed below (says so when there are some).
 */
export function coverageMarkdown(cov: CoverageCounts, label = 'Coverage', listed = true): string {
  return `${label}: ${cov.modelled} modelled, ${cov.configOnly} configuration only, ${cov.components} component resources (judged through their children), **${cov.unjudged} unjudged**, of ${cov.resources} resource${cov.resources === 1 ? '' : 's'}${listed && cov.unjudged > 0 ? ' (listed below)' : ''}.`;
}

/** The Warnings list (the first 50), a collapsed block; none when empty. */
export function warningsMarkdown(warnings: readonly Warning[]): string[] {
  if (warnings.length === 0) return [];
  const items = warnings.slice(0, LIST_MAX).map((w) => `- ${escapeMarkdown(formatWarning(w))}`);
  if (warnings.length > LIST_MAX) items.push(`- … and ${warnings.length - LIST_MAX} more (see \`--format json\`)`);
  return [collapsed(`Warnings (${warnings.length})`, items)];
}

/** The Unjudged and Blind spots lists (the first 50 of each), each a collapsed block; none when empty. */
export function judgementMarkdown(j: Pick<Judgement, 'unjudged' | 'blindSpots'>): string[] {
  const out: string[] = [];
  if (j.unjudged.length > 0) {
    const items = j.unjudged
      .slice(0, LIST_MAX)
      .map((u) => `- ${escapeMarkdown(u.message)}${u.source ? ` · at ${escapeMarkdown(formatLocation(u.source))}` : ''}`);
    if (j.unjudged.length > LIST_MAX) items.push(`- … and ${j.unjudged.length - LIST_MAX} more (see \`--format json\`)`);
    out.push(collapsed(`Unjudged (${j.unjudged.length}): resources that could fail but were not judged`, items));
  }
  if (j.blindSpots.length > 0) {
    const items = j.blindSpots.slice(0, LIST_MAX).map((b) => `- ${escapeMarkdown(b.message)}`);
    if (j.blindSpots.length > LIST_MAX) items.push(`- … and ${j.blindSpots.length - LIST_MAX} more (see \`--format json\`)`);
    out.push(collapsed(`Blind spots (${j.blindSpots.length}): what firebreak could not judge`, items));
  }
  return out;
}

export function renderMarkdown(result: AnalysisResult, options: ReportOptions): string {
  const maxPaths = options.maxPaths ?? 10;
  const s = result.summary;
  const shown = shownFindings(result, options);
  if (options.quiet) {
    // --quiet: the verdict, then only the failing findings (those --severity shows).
    const failing = new Set(failingFindings(result, options.failOn ?? 'high').map((f) => f.id));
    const list = shown.filter((f) => failing.has(f.id));
    const rows = list.map((f) => `| ${f.severity}${baselineMark(f, false)} | ${eventLabel(f)} | ${servicesCell(f)} | ${markdownCode(f.id)} |`);
    return fit(
      `${verdict(result, options.failOn ?? 'high', options.failOnUnjudged ?? false)}\n`,
      rows,
      list.map((f) => findingDetails(result, f, maxPaths)),
      [],
    );
  }
  const main = shown.filter((f) => f.severity !== 'info');
  const info = shown.filter((f) => f.severity === 'info');

  const head: string[] = [verdict(result, options.failOn ?? 'high', options.failOnUnjudged ?? false), ''];
  const singles = new Set(main.filter((f) => f.event.kind !== 'set').map((f) => f.event.id)).size;
  const sets = new Set(main.filter((f) => f.event.kind === 'set').map((f) => f.event.id)).size;
  const setsText = sets > 0 ? plural(sets, 'shared risk group') : '';
  const cov = s.coverage;
  if (main.length === 0 && cov.unjudged > 0) {
    head.push(
      `### firebreak: ${unjudgedHeadline(result)}; no single point of failure among the rest${info.length > 0 ? ` (${plural(info.length, 'info finding')} beyond the policy)` : ''}`,
    );
  } else if (main.length === 0) {
    const q = inWhatJudged({ coverage: cov, blindSpots: result.blindSpots });
    head.push(
      `### firebreak: no single point of failure${escapeMarkdown(q)}${info.length > 0 ? `${q ? '; ' : ' ('}${plural(info.length, 'info finding')} beyond the policy${q ? '' : ')'}` : ''}`,
    );
  } else {
    const counts = SEVERITIES.filter((sev) => sev !== 'info' && s.findings[sev] > 0).map((sev) => `${s.findings[sev]} ${sev}`);
    const found =
      singles > 0
        ? `found ${plural(singles, 'single point of failure', 'single points of failure')}${sets > 0 ? ` and ${setsText}` : ''}`
        : `: no single point of failure, ${setsText}`;
    head.push(`### firebreak${singles > 0 ? ' ' : ''}${found} (${plural(main.length, 'finding')}: ${counts.join(', ')})`);
  }
  head.push('');
  head.push(
    `**${escapeMarkdown(stacksOf(result))}**: ${plural(s.resources, 'resource')}, ${plural(s.components, 'component')} in ${plural(s.domains, 'domain')}, ${plural(s.services, 'service')} (${criticalNote(s)}), ${plural(s.events, 'single-failure event')} checked. ` +
      `Policy: every critical service must survive the loss of any single component and of any domain up to a ${escapeMarkdown(result.policy.tolerate)}.`,
  );
  head.push('');
  head.push(coverageMarkdown(cov), '');
  // --order 2 or more: the search ran, and found no shared risk group.
  const srgNone = sharedRiskNone(result);
  if (srgNone) head.push(`${srgNone}.`, '');
  if (result.baseline) {
    const b = result.baseline;
    head.push(`Against the baseline ${escapeMarkdown(b.file)}: **${b.new} new**, ${b.unchanged} unchanged (accepted), ${b.absent.length} fixed.`, '');
  }
  for (const e of result.analysisErrors) head.push(`> **Analysis error** in ${escapeMarkdown(e.rule)}: ${escapeMarkdown(e.message)}`, '');
  head.push('| severity | count |', '| --- | ---: |');
  for (const sev of SEVERITIES) head.push(`| ${sev} | ${s.findings[sev]} |`);
  head.push('');
  const hidden = hiddenNote(result, options);
  if (hidden) head.push(`_${escapeMarkdown(hidden)}._`, '');
  const kinds = [...new Set(result.findings.map((f) => f.rule))].sort();
  if (kinds.length > 0) {
    const count = (k: string): number => result.findings.filter((f) => f.rule === k).length;
    head.push(
      `Finding kinds (what they mean, how to fix them): ${kinds.map((k) => `[${escapeMarkdown(k)}](${findingDocsUrl(k)}) (${count(k)})`).join(', ')}`,
      '',
    );
  }

  const rows = main.map((f) => `| ${f.severity}${baselineMark(f, false)} | ${eventLabel(f)} | ${servicesCell(f)} | ${markdownCode(f.id)} |`);
  const details = main.map((f) => findingDetails(result, f, maxPaths));

  const tail: string[] = [];
  if (info.length > 0) {
    const items = info.flatMap((f) => [
      `- **info**: ${escapeMarkdown(f.message)} (id ${markdownCode(f.id)}${locations(f)})`,
      ...explanation(result, f, maxPaths, '  '),
    ]);
    tail.push(collapsed(`${plural(info.length, 'info finding')} beyond the policy (larger than a ${escapeMarkdown(result.policy.tolerate)})`, items));
  }
  if (result.baseline && result.baseline.absent.length > 0) {
    const absent = result.baseline.absent;
    const items = absent.slice(0, LIST_MAX).map((a) => `- ${escapeMarkdown(a.id)}${a.message ? `: ${escapeMarkdown(a.message)}` : ''}`);
    if (absent.length > LIST_MAX) items.push(`- … and ${absent.length - LIST_MAX} more`);
    tail.push(collapsed(`${plural(absent.length, 'finding')} of the baseline fixed (no longer found)`, items));
  }
  tail.push(...judgementMarkdown(result));
  tail.push(...warningsMarkdown(result.warnings));

  return fit(head.join('\n'), rows, details, tail);
}

/**
 * Assemble within MARKDOWN_MAX_CHARS: the head always; then table rows, finding
 * details and the closing sections while they fit, each whole; what is left out
 * is counted in a note.
 */
function fit(head: string, rows: string[], details: string[], tail: string[]): string {
  const NOTE_RESERVE = 200;
  const budget = MARKDOWN_MAX_CHARS - NOTE_RESERVE;
  let out = head;
  let omittedRows = 0;
  let omittedBlocks = 0;
  if (rows.length > 0) {
    out += '\n| severity | event | services affected | id |\n| --- | --- | --- | --- |';
    for (const r of rows) {
      if (omittedRows === 0 && out.length + r.length + 1 <= budget) out += `\n${r}`;
      else omittedRows++;
    }
    out += '\n';
  }
  for (const block of [...details, ...tail]) {
    if (omittedBlocks === 0 && out.length + block.length + 2 <= budget) out += `\n${block}\n`;
    else omittedBlocks++;
  }
  if (omittedRows > 0 || omittedBlocks > 0) {
    const what = [omittedRows > 0 ? plural(omittedRows, 'table row') : '', omittedBlocks > 0 ? plural(omittedBlocks, 'section') : '']
      .filter(Boolean)
      .join(' and ');
    out += `\n_Truncated to fit a comment: ${what} left out. Run \`firebreak analyze --format text\` or \`--format json\` for the full report._\n`;
  }
  return out;
}

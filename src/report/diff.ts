/** Reports of `firebreak diff`: text, json and markdown. */
import pc from 'picocolors';
import type { DiffResult, ServiceSurvival } from '../analysis/compare.js';
import type { Finding } from '../analysis/types.js';
import { coverageMarkdown, escapeMarkdown as md, judgementMarkdown, markdownCode, warningsMarkdown } from './markdown.js';
import type { ReportOptions } from './options.js';
import { coverageText, judgementText, notJudged, warningsText } from './text.js';
import { visibleDeep } from '../visible.js';

const survives = (s?: ServiceSurvival): string => (s ? `${s.survives}/${s.of}` : '-');

/** What `-` in the survival table means, when a service is on one side only (added, removed, or a destroy's empty stack). */
function absentNote(d: DiffResult): string | undefined {
  const gone = d.services.filter((s) => !s.after).length;
  const added = d.services.filter((s) => !s.before).length;
  if (gone === 0 && added === 0) return undefined;
  const parts = [...(gone > 0 ? [`${gone} not in the after side (removed)`] : []), ...(added > 0 ? [`${added} not in the before side (added)`] : [])];
  return `-: the service is not in that side's input; ${parts.join(', ')}`;
}

/**
 * The qualification of the survival counts when something was not judged: ` of those firebreak could judge (before: 2
 * resources unjudged; after: 1 blind spot: see below)`; empty when both sides were judged whole. The lists are the after side's.
 */
function qualifier(d: DiffResult): string {
  const parts: string[] = [];
  const before = d.coverage.before.unjudged;
  if (before > 0) parts.push(`before: ${before} resource${before === 1 ? '' : 's'} unjudged`);
  const after = notJudged({ coverage: d.coverage.after, blindSpots: d.blindSpots });
  if (after) parts.push(`after: ${after}: see below`);
  return parts.length > 0 ? ` of those firebreak could judge (${parts.join('; ')})` : '';
}

function line(f: Finding): string {
  return `${f.severity.toUpperCase().padEnd(8)} ${f.message}  (${f.id})`;
}

export function renderDiffText(d: DiffResult, options: ReportOptions): string {
  d = visibleDeep(d); // names from input, shown on a terminal
  const c = pc.createColors(options.color);
  const stacks = (x: DiffResult['before']): string => x.map((i) => `${i.project}/${i.stack}`).join(', ');
  const out = [
    c.bold(`firebreak diff: ${stacks(d.before)} -> ${stacks(d.after)}`),
    `${d.resolved.length} resolved, ${d.introduced.length} introduced, ${d.unchanged.length} unchanged`,
    coverageText(d.coverage.before, 'Coverage before'),
    coverageText(d.coverage.after, 'Coverage after'),
    '',
  ];
  const section = (title: string, list: Finding[], paint: (s: string) => string): void => {
    if (list.length === 0) return;
    out.push(c.bold(`${title} (${list.length})`));
    for (const f of list) out.push(paint(`  ${line(f)}`));
    out.push('');
  };
  section('Resolved', d.resolved, c.green);
  section('Introduced', d.introduced, c.red);
  section('Unchanged', d.unchanged, c.dim);
  const width = Math.max(7, ...d.services.map((s) => s.name.length));
  out.push(c.bold(`Single-domain losses each service survives (within the policy)${qualifier(d)}`));
  out.push(`  ${'service'.padEnd(width)}  before  after`);
  for (const s of d.services) {
    const changed = survives(s.before) !== survives(s.after);
    const row = `  ${s.name.padEnd(width)}  ${survives(s.before).padEnd(6)}  ${survives(s.after)}`;
    out.push(changed ? c.bold(row) : row);
  }
  const note = absentNote(d);
  if (note) out.push(c.dim(`  ${note}`));
  const lists = [...judgementText(d, c), ...warningsText(d.warnings, c)];
  if (lists.length > 0) out.push('', ...lists.slice(0, -1));
  return out.join('\n') + '\n';
}

export function renderDiffMarkdown(d: DiffResult): string {
  const out = [
    `### firebreak diff: ${d.resolved.length} resolved, ${d.introduced.length} introduced, ${d.unchanged.length} unchanged`,
    '',
    coverageMarkdown(d.coverage.before, 'Coverage before', false),
    '',
    coverageMarkdown(d.coverage.after, 'Coverage after'),
    '',
  ];
  const table = (title: string, list: Finding[]): void => {
    if (list.length === 0) return;
    out.push(`**${title}**`, '', '| severity | finding | id |', '| --- | --- | --- |');
    for (const f of list) out.push(`| ${f.severity} | ${md(f.message)} | ${markdownCode(f.id)} |`);
    out.push('');
  };
  table('Introduced', d.introduced);
  table('Resolved', d.resolved);
  out.push(
    `<details><summary>Single-domain losses each service survives${md(qualifier(d))}</summary>`,
    '',
    '| service | before | after |',
    '| --- | ---: | ---: |',
  );
  for (const s of d.services) out.push(`| ${md(s.name)} | ${survives(s.before)} | ${survives(s.after)} |`);
  const note = absentNote(d);
  if (note) out.push('', md(note));
  out.push('', '</details>');
  for (const block of [...judgementMarkdown(d), ...warningsMarkdown(d.warnings)]) out.push('', block);
  return out.join('\n') + '\n';
}

/** text: for people. Grouped by severity, most damaging first, with the paths that explain. */
import pc from 'picocolors';
import { formatLocation, formatWarning, type Warning } from '../errors.js';
import type { PathStep } from '../analysis/engine.js';
import { SEVERITIES, type AnalysisResult, type Finding, type NodeInfo, type Severity } from '../analysis/types.js';
import type { ReportOptions } from './options.js';
import type { CoverageCounts } from '../classify/index.js';
import type { Judgement } from '../analysis/judged.js';
import { visibleDeep } from '../visible.js';
import { typedName } from '../text.js';
import { findingDocsUrl } from './docs-links.js';
import { criticalNote, failing, hiddenNote, plural, sharedRiskNone, shownFindings, unjudgedOf, verdictText } from './display.js';

export type Colors = ReturnType<typeof pc.createColors>;

function severityLabel(c: Colors, s: Severity): string {
  const label = s.toUpperCase().padEnd(8);
  switch (s) {
    case 'critical':
      return c.bold(c.red(label));
    case 'high':
      return c.red(label);
    case 'medium':
      return c.yellow(label);
    case 'low':
      return c.cyan(label);
    default:
      return c.dim(label);
  }
}

/** `withType`: a component named like another node of the same path also shows its type's last part (`web (Service)`). */
export function nodeLabel(nodes: Record<string, NodeInfo>, id: string, withType = false): string {
  const n = nodes[id];
  if (!n) return id;
  switch (n.kind) {
    case 'domain':
      return `${n.domainKind} ${n.name}`;
    case 'group':
      return `${n.name} (replica group)`;
    case 'component': {
      const name = withType && n.type ? typedName(n.name, n.type) : n.name;
      return n.placedIn && n.placedIn.length > 0 ? `${name} [${n.placedIn.map((p) => p.split('/').pop()).join(', ')}]` : name;
    }
    default:
      return n.name;
  }
}

export function renderPath(result: { nodes: Record<string, NodeInfo> }, path: PathStep[], c: Colors): string {
  // Names that several nodes of this path share (a Kubernetes Service and its Deployment, both `web`).
  const named = new Map<string, Set<string>>();
  for (const step of path) {
    const name = result.nodes[step.node]?.name;
    if (name !== undefined) named.set(name, (named.get(name) ?? new Set()).add(step.node));
  }
  return path
    .map((step, i) => {
      const name = result.nodes[step.node]?.name;
      let label = nodeLabel(result.nodes, step.node, name !== undefined && named.get(name)!.size > 1);
      if (i > 0 && step.state === 'stranded') label += c.yellow(' [stranded]');
      if (step.note) label += c.dim(` (${step.note})`);
      return i === 0 ? c.bold(label) : `${c.dim(`-${step.edge}->`)} ${label}`;
    })
    .join(' ');
}

const plain = pc.createColors(false);

/** An explanation path as plain text (no colour), for reports other than text. */
export function plainPath(result: { nodes: Record<string, NodeInfo> }, path: PathStep[]): string {
  return renderPath(result, path, plain);
}

function renderFinding(result: AnalysisResult, f: Finding, c: Colors, maxPaths: number): string[] {
  if (f.baseline === 'unchanged') return [`${severityLabel(c, f.severity)} ${c.dim(`${f.message} (in the baseline, ${f.id})`)}`];
  const lines = [`${severityLabel(c, f.severity)} ${f.baseline === 'new' ? `${c.bold('NEW')} ` : ''}${f.message}`];
  const meta = [`id ${f.id}`];
  if (f.accepted) meta.push(`accepted: ${f.accepted.reason}${f.accepted.expires ? ` (until ${f.accepted.expires})` : ''}`);
  if (!f.inPolicy) meta.push(`beyond the policy (--tolerate ${result.policy.tolerate})`);
  if (f.locations.length > 0) meta.push(`at ${f.locations.map(formatLocation).join(', ')}`);
  lines.push(`         ${c.dim(meta.join('  '))}`);
  for (const a of f.affected.slice(0, maxPaths)) {
    const explained = a.path.length > 0 ? renderPath(result, a.path, c) : `${a.service} ${c.dim('(not critical: no path shown beyond the policy)')}`;
    lines.push(`         ${a.state === 'stranded' ? c.yellow('stranded') : c.red('down    ')} ${explained}`);
  }
  if (f.affected.length > maxPaths) lines.push(`         ${c.dim(`... and ${f.affected.length - maxPaths} more (see --format json)`)}`);
  for (const g of f.stranded.slice(0, maxPaths)) {
    const lost = g.lostMember ? ` lost ${nodeLabel(result.nodes, g.lostMember)};` : '';
    const tools = g.tools.map((t) => result.nodes[t]?.name ?? t).join(', ');
    const survivors = g.survivors.length > 0 ? g.survivors.map((m) => nodeLabel(result.nodes, m)).join(', ') : 'its surviving replicas';
    lines.push(
      `         ${c.yellow('stranded')} ${nodeLabel(result.nodes, g.group)}:${lost} ${survivors} cannot take over without ${tools}, lost in the same event`,
    );
  }
  if (f.stranded.length > maxPaths) lines.push(`         ${c.dim(`... and ${f.stranded.length - maxPaths} more stranded groups (see --format json)`)}`);
  return lines;
}

/** "N of M resources could not be judged", the headline of a result with unjudged resources. */
export function unjudgedHeadline(result: AnalysisResult): string {
  const cov = result.summary.coverage;
  return unjudgedOf(cov.unjudged, cov.resources);
}

/** The Coverage line: every resource in exactly one class (`label`: Coverage, or e.g. `Coverage after`). */
export function coverageText(cov: CoverageCounts, label = 'Coverage'): string {
  return `${label}: ${cov.modelled} modelled, ${cov.configOnly} configuration only, ${cov.components} component resources (judged through their children), ${cov.unjudged} unjudged, of ${cov.resources} resource${cov.resources === 1 ? '' : 's'}`;
}

/** The Warnings section (every warning, each once as given), followed by a blank line; none when empty. */
export function warningsText(warnings: readonly Warning[], c: Colors): string[] {
  if (warnings.length === 0) return [];
  return [c.bold(`Warnings (${warnings.length})`), ...warnings.map((w) => `  - ${formatWarning(w)}`), ''];
}

/** The Unjudged and Blind spots sections (the first 20 of each), each followed by a blank line; none when empty. Names as given: escape first. */
export function judgementText(j: Pick<Judgement, 'unjudged' | 'blindSpots'>, c: Colors): string[] {
  const out: string[] = [];
  if (j.unjudged.length > 0) {
    out.push(c.bold(`Unjudged (${j.unjudged.length}): resources that could fail but were not judged`));
    for (const u of j.unjudged.slice(0, 20)) out.push(`  - ${u.message}${u.source ? ` (${formatLocation(u.source)})` : ''}`);
    if (j.unjudged.length > 20) out.push(c.dim(`  ... and ${j.unjudged.length - 20} more (see --format json)`));
    out.push('');
  }
  if (j.blindSpots.length > 0) {
    out.push(c.bold(`Blind spots (${j.blindSpots.length}): what firebreak could not judge`));
    for (const b of j.blindSpots.slice(0, 20)) out.push(`  - ${b.message}`);
    if (j.blindSpots.length > 20) out.push(c.dim(`  ... and ${j.blindSpots.length - 20} more (see --format json)`));
    out.push('');
  }
  return out;
}

/**
 * What was not judged, for a sentence that claims survival: `1 resource unjudged, 1 blind spot`
 * (empty when everything was judged).
 */
export function notJudged(j: Pick<Judgement, 'coverage' | 'blindSpots'>): string {
  const parts: string[] = [];
  const n = j.coverage.unjudged;
  if (n > 0) parts.push(`${n} resource${n === 1 ? '' : 's'} unjudged`);
  const b = j.blindSpots.length;
  if (b > 0) parts.push(`${b} blind spot${b === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** The qualification of a survival claim: ` firebreak could judge (1 blind spot: see below)`, or empty when everything was judged. */
export function judgedQualifier(j: Pick<Judgement, 'coverage' | 'blindSpots'>): string {
  const what = notJudged(j);
  return what ? ` firebreak could judge (${what}: see below)` : '';
}

/** ` in what firebreak could judge (2 blind spots: see below)` for a clean verdict, or empty when everything was judged. */
export function inWhatJudged(j: Pick<Judgement, 'coverage' | 'blindSpots'>): string {
  const q = judgedQualifier(j);
  return q ? ` in what${q}` : '';
}

export function renderText(result: AnalysisResult, options: ReportOptions): string {
  result = visibleDeep(result); // names from input, shown on a terminal
  const c = pc.createColors(options.color);
  const maxPaths = options.maxPaths ?? 10;
  const out: string[] = [];
  const s = result.summary;
  const stacks = result.inputs.map((i) => `${i.project}/${i.stack}`).join(', ');
  if (options.quiet) {
    // --quiet: the verdict, then only the findings that fail it (those shown by --severity).
    const v = verdictText(result, options);
    out.push(`${v.passed ? c.green(`firebreak ${v.text}`) : c.red(`firebreak ${v.text}`)} (${stacks})`);
    const shownIds = new Set(shownFindings(result, options).map((f) => f.id));
    for (const f of failing(result, options).filter((x) => shownIds.has(x.id))) out.push('', ...renderFinding(result, f, c, maxPaths));
    return wrapLines(out.join('\n'), options.width) + '\n';
  }
  const shown = shownFindings(result, options);
  out.push(c.bold(`firebreak ${result.tool.version}: ${stacks}`));
  out.push(
    `${plural(s.resources, 'resource')}, ${plural(s.components, 'component')} in ${plural(s.domains, 'domain')}, ${plural(s.services, 'service')} (${criticalNote(s)}), ${plural(s.events, 'single-failure event')} checked`,
  );
  const cov = s.coverage;
  out.push(coverageText(cov));
  out.push(
    c.dim(
      `Policy: every critical service must survive the loss of any single component and of any domain up to a ${result.policy.tolerate}; larger domains are shown as info.`,
    ),
  );
  out.push('');
  // Never clean while something that could fail was not judged.
  if (cov.unjudged > 0) out.push(c.yellow(`${unjudgedHeadline(result)} — see below.`));
  else if (result.findings.length === 0 && cov.modelled === 0 && s.components === 0)
    out.push(
      c.green(`No single point of failure found: nothing in the input can fail (${cov.configOnly} configuration only, ${cov.components} component resources).`),
    );
  // With blind spots, a clean verdict holds for what firebreak could judge, and says so.
  else if (result.findings.length === 0)
    out.push(c.green(`No single point of failure found${inWhatJudged({ coverage: cov, blindSpots: result.blindSpots })}.`));
  else if (result.findings.every((f) => f.severity === 'info')) {
    const n = result.findings.length;
    const q = inWhatJudged({ coverage: cov, blindSpots: result.blindSpots });
    out.push(
      c.green(`No single point of failure within the policy${q ? `${q}; ` : ' ('}${n} info finding${n === 1 ? '' : 's'} beyond it, below${q ? '' : ')'}.`),
    );
  }
  // --order 2 or more: the search ran, and found no shared risk group.
  const srgNone = sharedRiskNone(result);
  if (srgNone) out.push(`${srgNone}.`);
  // A blank line between the verdict and what follows (findings, warnings).
  if (out[out.length - 1] !== '') out.push('');
  for (const sev of SEVERITIES) {
    const list = shown.filter((f) => f.severity === sev);
    if (list.length === 0) continue;
    out.push(c.bold(`${sev.toUpperCase()} (${list.length})`));
    for (const f of list) out.push(...renderFinding(result, f, c, maxPaths), '');
  }
  // What to do: each kind's page says what it means and how to fix it (as markdown's "Finding kinds" line and SARIF's help).
  const kinds = [...new Set(shown.map((f) => f.rule))].sort();
  if (kinds.length > 0) {
    out.push(c.bold('What to do: how to fix each kind of finding'));
    const width = Math.max(...kinds.map((k) => k.length));
    for (const k of kinds) out.push(`  ${k.padEnd(width)}  ${findingDocsUrl(k)}`);
    out.push('');
  }
  out.push(...judgementText(result, c));
  out.push(...warningsText(result.warnings, c));
  for (const e of result.analysisErrors) out.push(c.red(`analysis error in ${e.rule}: ${e.message}`));
  if (result.availability) {
    const a = result.availability;
    out.push(c.bold('Availability estimate') + c.dim(` (${a.method})`));
    const width = Math.max(7, ...a.services.map((x) => x.service.length));
    for (const x of a.services) {
      const cause = x.causes[0] ? `  mostly: ${x.causes[0].events.join(' + ')} (${Math.round(x.causes[0].share * 100)}%)` : '';
      out.push(
        `  ${x.service.padEnd(width)}  ${x.availability.padStart(12)}  ${x.nines === null ? 'no cut set found' : `${x.nines.toFixed(2)} nines`}  ${x.downtimeHoursPerYear} h/year${cause}`,
      );
    }
    if (a.unassumed.length > 0) out.push(c.dim(`  no failure rate assumed for: ${a.unassumed.join(', ')} (counted as never lost)`));
    out.push('');
  }
  if (result.baseline) {
    const b = result.baseline;
    out.push(`${c.bold('Baseline')} ${b.file}: ${b.new} new, ${b.unchanged} unchanged, ${b.absent.length} fixed (in the baseline, no longer found)`);
    for (const gone of b.absent.slice(0, 20)) out.push(c.green(`  fixed ${gone.id}${gone.message ? `: ${gone.message}` : ''}`));
  }
  const hidden = hiddenNote(result, options);
  if (hidden) out.push(c.dim(hidden));
  const counts = SEVERITIES.map((sev) => `${s.findings[sev]} ${sev}`).join(', ');
  out.push(`${c.bold('Findings:')} ${counts}`);
  return wrapLines(out.join('\n'), options.width) + '\n';
}

/** Visible length: ANSI colour codes take no room. */
function visibleLength(s: string): number {
  return s.replace(/\x1b\[[0-9;]*m/g, '').length;
}

/**
 * Lines wrapped at spaces to `width` columns (the terminal's), continuing under their
 * own indentation plus two; a word longer than the room stays whole. No width: as is.
 */
export function wrapLines(text: string, width?: number): string {
  if (width === undefined || width < 40) return text;
  return text
    .split('\n')
    .flatMap((line) => {
      if (visibleLength(line) <= width) return [line];
      const indent = ' '.repeat((/^ */.exec(line)?.[0].length ?? 0) + 2);
      const words = line.trimStart().split(' ');
      const lines: string[] = [];
      let cur = line.slice(0, line.length - line.trimStart().length);
      let started = false;
      for (const w of words) {
        if (started && visibleLength(cur) + 1 + visibleLength(w) > width) {
          lines.push(cur);
          cur = indent + w;
        } else {
          cur += (started ? ' ' : '') + w;
        }
        started = true;
      }
      lines.push(cur);
      return lines;
    })
    .join('\n');
}

/** Reports of `firebreak plan`: a checklist in text and markdown, and json. */
import pc from 'picocolors';
import type { PlanResult, PlanStep } from '../analysis/plan.js';
import { coverageMarkdown, escapeMarkdown as md, judgementMarkdown, warningsMarkdown } from './markdown.js';
import type { ReportOptions } from './options.js';
import { coverageText, judgedQualifier, judgementText, notJudged, warningsText } from './text.js';
import { visibleDeep } from '../visible.js';

const last = (path: string): string => path.split('/').pop()!;

function headline(p: PlanResult): string {
  const name = last(p.newDomain.path);
  if (p.steps.length === 0)
    return p.before.length === 0
      ? `Nothing to duplicate: every critical service already survives any single ${p.policy.tolerate}-level loss${judgedQualifier(p)}.`
      : `No duplication into ${name} helps.`;
  const how =
    p.method === 'exact'
      ? 'the fewest possible (exact search)'
      : 'a minimal set: no step can be left out (greedy search; the fewest possible is not guaranteed)';
  return `Duplicate ${p.steps.length} component${p.steps.length === 1 ? '' : 's'} into ${p.newDomain.kind} ${name}, in ${p.waves} wave${p.waves === 1 ? '' : 's'}: ${how}.`;
}

function stepText(s: PlanStep): string {
  const after = s.after.length > 0 ? `; after ${s.after.map((a) => a.split('::').pop()).join(', ')}` : '';
  return `${s.name} (${s.role}, ${s.service}) from ${s.from.map(last).join(', ')}, into group ${s.group}${after}`;
}

function outcome(p: PlanResult): string[] {
  const what = notJudged(p);
  if (p.after.length === 0)
    return [
      `After the plan, every critical service survives the loss of any single domain up to a ${p.policy.tolerate}${what ? ' firebreak could judge' : ''} (${p.before.length} failing loss${p.before.length === 1 ? '' : 'es'} before${what ? `; ${what}: see below` : ''}).`,
    ];
  return [`Still failing after the plan:`, ...p.after.map((f) => `  - losing ${f.domain} still takes down ${f.services.join(', ')}`)];
}

export function renderPlanText(p: PlanResult, options: ReportOptions): string {
  p = visibleDeep(p); // names from input, shown on a terminal
  const c = pc.createColors(options.color);
  const out = [c.bold(`firebreak plan: add ${p.newDomain.kind} ${p.newDomain.path} beside ${p.newDomain.sibling}`), headline(p), coverageText(p.coverage), ''];
  for (let w = 1; w <= p.waves; w++) {
    out.push(c.bold(`Wave ${w}`));
    for (const s of p.steps.filter((x) => x.wave === w)) out.push(`  [ ] ${stepText(s)}`);
    out.push('');
  }
  out.push(...outcome(p));
  const lists = [...judgementText(p, c), ...warningsText(p.warnings, c)];
  if (lists.length > 0) out.push('', ...lists.slice(0, -1));
  return out.join('\n') + '\n';
}

export function renderPlanMarkdown(p: PlanResult): string {
  const out = [`### firebreak plan: add ${md(p.newDomain.kind)} ${md(p.newDomain.path)}`, '', md(headline(p)), '', coverageMarkdown(p.coverage), ''];
  for (let w = 1; w <= p.waves; w++) {
    out.push(`**Wave ${w}**`, '');
    for (const s of p.steps.filter((x) => x.wave === w)) out.push(`- [ ] ${md(stepText(s))}`);
    out.push('');
  }
  out.push(...outcome(p).map(md));
  for (const block of [...judgementMarkdown(p), ...warningsMarkdown(p.warnings)]) out.push('', block);
  return out.join('\n') + '\n';
}

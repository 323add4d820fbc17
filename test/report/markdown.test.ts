/**
 * --format markdown: a pull-request comment. Escaping of names from stacks,
 * and the comment size cap (the golden files: golden.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { MARKDOWN_MAX_CHARS, escapeMarkdown, renderMarkdown } from '../../src/report/markdown.js';
import { runCli } from '../helpers/cli.js';
import { hostileExport, report } from '../helpers/reports.js';

async function json(spec: string): Promise<AnalysisResult> {
  return JSON.parse(await report(spec, 'json')) as AnalysisResult;
}

describe('markdown report', () => {
  it('summarises findings in a headline, a severity table and a findings table', async () => {
    const md = await report('stacks/aws-three-tier@prod', 'markdown');
    expect(md.split('\n')[2]).toBe('### firebreak found 3 single points of failure (3 findings: 3 high)');
    expect(md).toContain('| severity | count |');
    expect(md).toContain('| high | 3 |');
    expect(md).toContain('| severity | event | services affected | id |');
    expect(md.match(/<details>/g)?.length).toBe(md.match(/<\/details>/g)?.length);
    // The info finding is only in the collapsed section, not in the findings table.
    expect(md).not.toMatch(/^\| info \| region/m);
    expect(md).toContain('<details><summary>1 info finding beyond the policy');
  });

  it('counts one of each in the singular in the summary line', async () => {
    const r = await json('stacks/aws-three-tier@prod');
    const one = { ...r, summary: { ...r.summary, resources: 1, components: 1, domains: 1, services: 1, events: 1 } };
    expect(renderMarkdown(one, { color: false })).toContain(': 1 resource, 1 component in 1 domain, 1 service (');
    expect(renderMarkdown(one, { color: false })).toContain('), 1 single-failure event checked.');
    const cov = { ...r.summary.coverage, resources: 1, modelled: 1 };
    expect(renderMarkdown({ ...one, summary: { ...one.summary, coverage: cov } }, { color: false })).toContain('unjudged**, of 1 resource.');
  });

  it('does not say all services count as critical when the ops-tools-only ones do not', async () => {
    const r = await json('stacks/aws-three-tier@prod');
    const md = renderMarkdown({ ...r, summary: { ...r.summary, services: 4, criticalServices: 2, allCritical: true } }, { color: false });
    expect(md).toContain('4 services (none marked critical, so all count as critical but the 2 made only of ops tools: 2 critical)');
  });

  it('says so when there is no single point of failure', async () => {
    const md = await report('stacks/two-datacenters@prod', 'markdown');
    expect(md.split('\n')[2]).toBe('### firebreak: no single point of failure (1 info finding beyond the policy)');
    expect(md).not.toContain('| severity | event |');
  });

  it('escapes markdown and HTML in names that come from the stack', async () => {
    const r = await runCli(['analyze', hostileExport('<script>|db*_`[x]', '<img src=x>|`svc`'), '--format', 'markdown', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(md).toContain('&lt;script&gt;&#124;db&#42;&#95;&#96;&#91;x&#93;');
    expect(md).not.toMatch(/<script|<img/);
    // Every row of the findings table keeps its four cells.
    const rows = md.split('\n').filter((l) => /^\| (critical|high|medium|low) \| /.test(l) && !/ \| \d+ \|$/.test(l));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.split('|').length, row).toBe(6);
    // No stray code spans or emphasis from names: backticks only around ids and flags.
    for (const m of md.matchAll(/`([^`]*)`/g)) expect(m[1]).toMatch(/^([a-z-]+\/[0-9a-f]{12}|--format json)$/);
  });

  it('escapeMarkdown leaves no markdown-significant character', () => {
    expect(escapeMarkdown('a|b<c>d`e*f_g[h]i\\j\nk&l')).toBe('a&#124;b&lt;c&gt;d&#96;e&#42;f&#95;g&#91;h&#93;i&#92;j k&amp;l');
  });

  it(`stays within ${MARKDOWN_MAX_CHARS} characters, truncating details with a note`, async () => {
    const base = await json('.@pangyo-2022');
    const many: AnalysisResult = {
      ...base,
      findings: Array.from({ length: 400 }, (_, i) => ({ ...base.findings[i % 3]!, id: `single-point-of-failure/${i.toString(16).padStart(12, '0')}` })),
    };
    const md = renderMarkdown(many, { color: false });
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_MAX_CHARS);
    expect(md).toMatch(/_Truncated to fit a comment: .* left out\./);
    expect(md.match(/<details>/g)?.length).toBe(md.match(/<\/details>/g)?.length);
    expect(md.endsWith('\n')).toBe(true);
    // The untruncated demo is well below the cap and has no note.
    expect(renderMarkdown(base, { color: false })).not.toContain('Truncated');
  });
});

/**
 * Findings users can look up: every finding kind has a docs page (docs/findings/<id>.md)
 * at one docs URL base; `firebreak rules list --findings` lists them; markdown starts
 * with the verdict and links the kinds; text wraps to the terminal width.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_KINDS } from '../../src/analysis/findings/index.js';
import { DOCS_BASE, findingDocsPath, findingDocsUrl, findingKindLinks } from '../../src/report/docs-links.js';
import { wrapLines } from '../../src/report/text.js';
import { analyze, loadInputs, loadRules, render } from '../../src/index.js';
import { repoRoot, runCli, tempFile } from '../helpers/cli.js';

describe('finding docs links', () => {
  it('every kind has a docs page under one base URL', async () => {
    const kinds = findingKindLinks();
    expect(kinds.map((k) => k.id)).toEqual(Object.keys(FINDING_KINDS).sort());
    for (const k of kinds) {
      expect(k.url).toBe(`${DOCS_BASE}/findings/${k.id}.md`);
      expect(existsSync(path.join(repoRoot, 'docs', findingDocsPath(k.id)))).toBe(true);
    }
    expect(findingDocsUrl('a b')).toBe(`${DOCS_BASE}/findings/a%20b.md`);
  });

  it('`rules list --findings` lists each kind with its docs URL, in text and json', async () => {
    const text = await runCli(['rules', 'list', '--findings']);
    expect(text.code).toBe(0);
    for (const k of findingKindLinks()) expect(text.stdout).toMatch(new RegExp(`^${k.id} +${k.defaultSeverity} +.*\\n +${k.url.replace(/[.]/g, '\\.')}$`, 'm'));
    const json = JSON.parse((await runCli(['rules', 'list', '--findings', '--format', 'json'])).stdout) as { findings: Array<{ id: string; url: string }> };
    expect(json.findings.map((f) => f.id)).toEqual(findingKindLinks().map((k) => k.id));
  });
});

describe('markdown verdict', () => {
  it('starts with passed or failed against the threshold and the baseline, and links the kinds present', async () => {
    const twoZones = 'test/fixtures/exports/two-zones-single-db.json';
    const failed = await runCli(['check', twoZones, '--format', 'markdown']);
    expect(failed.code).toBe(1);
    expect(failed.stdout.split('\n')[0]).toMatch(/^\*\*firebreak: failed\*\*: \d+ findings? at or above high\.$/);
    expect(failed.stdout).toContain(`[single-point-of-failure](${findingDocsUrl('single-point-of-failure')})`);
    expect((await runCli(['check', twoZones, '--format', 'markdown', '--fail-on', 'critical'])).stdout.split('\n')[0]).toMatch(
      /^\*\*firebreak: (passed|failed)\*\*: .* critical/,
    );
    expect((await runCli(['check', twoZones, '--format', 'markdown', '--fail-on', 'none'])).stdout.split('\n')[0]).toBe(
      '**firebreak: passed**: not gated (--fail-on none).',
    );
    const baseline = tempFile('baseline.yaml', '');
    await runCli(['check', twoZones, '--baseline', baseline, '--update-baseline']);
    const passed = await runCli(['check', twoZones, '--baseline', baseline, '--format', 'markdown']);
    expect(passed.code).toBe(0);
    expect(passed.stdout.split('\n')[0]).toMatch(
      /^\*\*firebreak: passed\*\*: no finding at or above high not in the baseline .*baseline\.yaml \(\d+ in the baseline\)\.$/,
    );
  });
});

describe('text width', () => {
  it('wraps long lines at spaces under their indentation, and leaves text alone without a width', async () => {
    expect(wrapLines('  aaa bbb ccc ddd eee fff ggg hhh iii jjj kkk lll mmm nnn ooo ppp', 40)).toBe(
      '  aaa bbb ccc ddd eee fff ggg hhh iii\n    jjj kkk lll mmm nnn ooo ppp',
    );
    expect(wrapLines('short\n  also short', 40)).toBe('short\n  also short');
    expect(wrapLines('x'.repeat(100), 40)).toBe('x'.repeat(100));
    const rules = loadRules();
    const result = analyze(await loadInputs([`${repoRoot}@pangyo-2022`], { keepProperties: rules.properties }), { packs: rules.packs });
    const plain = render(result, 'text');
    const narrow = render(result, 'text', { width: 60, color: true });
    expect(plain.split('\n').some((l) => l.length > 60)).toBe(true);
    for (const line of narrow.split('\n')) {
      const visible = line.replace(/\x1b\[[0-9;]*m/g, '');
      if (visible.length > 60) expect(visible.trim()).not.toContain(' ');
    }
    expect(narrow.replace(/\x1b\[[0-9;]*m/g, '').replace(/\s+/g, ' ')).toBe(
      render(result, 'text', { color: true })
        .replace(/\x1b\[[0-9;]*m/g, '')
        .replace(/\s+/g, ' '),
    );
  });
});

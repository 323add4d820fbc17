/**
 * `--order 2` or more that finds no shared risk group: text and markdown say the search ran and found none (one
 * line), only when it ran; the JSON records what was searched in `summary.sharedRiskGroups`, only then.
 */
import { describe, expect, it } from 'vitest';
import { analyze, loadInputs, loadRules, renderDocument } from '../../src/index.js';
import { fixture, runCli } from '../helpers/cli.js';

const oneInstance = fixture('judgement', 'one-instance');
const twoZones = fixture('exports', 'two-zones-single-db.json');
const NONE = /^Shared risk groups: none among sets of up to (\d) events \((\d+) scenarios? searched\)\.$/m;

const out = async (target: string, args: string[]) => {
  const r = await runCli(['analyze', target, '--fail-on', 'none', ...args]);
  expect(r.code).toBe(0);
  return r.stdout;
};

describe('shared risk groups searched and none found', () => {
  it('text and markdown say so in one line, with the order and the scenarios of the search (as the JSON records them)', async () => {
    for (const order of ['2', '3']) {
      const doc = JSON.parse(await out(oneInstance, ['--order', order, '--format', 'json']));
      expect(doc.findings.some((f: { rule: string }) => f.rule === 'shared-risk-group')).toBe(false);
      expect(doc.summary.sharedRiskGroups).toEqual({ order: Number(order), scenarios: expect.any(Number) });
      expect(doc.summary.sharedRiskGroups.scenarios).toBeGreaterThan(0);
      for (const format of ['text', 'markdown']) {
        const report = await out(oneInstance, ['--order', order, '--format', format]);
        const m = NONE.exec(report);
        expect(m, `${format} --order ${order}`).not.toBeNull();
        expect(Number(m![1])).toBe(Number(order));
        expect(Number(m![2])).toBe(doc.summary.sharedRiskGroups.scenarios);
        expect(report.match(/Shared risk groups:/g)).toHaveLength(1);
      }
    }
  });

  it('says nothing when the search did not run (--order 1, or --availability alone), and the JSON has no field', async () => {
    for (const args of [[], ['--order', '1'], ['--availability']]) {
      for (const format of ['text', 'markdown']) expect(await out(oneInstance, [...args, '--format', format])).not.toContain('Shared risk groups');
      expect(JSON.parse(await out(oneInstance, [...args, '--format', 'json'])).summary).not.toHaveProperty('sharedRiskGroups');
    }
  });

  it('says nothing when one was found (the findings say it)', async () => {
    const doc = JSON.parse(await out(twoZones, ['--order', '2', '--format', 'json']));
    expect(doc.findings.some((f: { rule: string }) => f.rule === 'shared-risk-group')).toBe(true);
    expect(doc.summary.sharedRiskGroups.order).toBe(2);
    for (const format of ['text', 'markdown']) expect(await out(twoZones, ['--order', '2', '--format', format])).not.toContain('Shared risk groups:');
  });

  it('a search stopped early says none was found before it stopped, not that there is none', async () => {
    const rules = loadRules();
    const inputs = await loadInputs([oneInstance], { keepProperties: rules.properties });
    const searched = analyze(inputs, { packs: rules.packs, order: 2 });
    // As analyze records a search its budget or time limit stopped (this small input never reaches one).
    const result = { ...searched, analysisErrors: [{ rule: 'shared-risk-group', message: 'stopped at its scenario budget after 2 scenarios at order 2' }] };
    expect(renderDocument('analysis', searched, 'text')).toMatch(NONE);
    for (const format of ['text', 'markdown'] as const) {
      const report = renderDocument('analysis', result, format, { color: false });
      expect(report).toContain('Shared risk groups: none found before the search stopped');
      expect(report).not.toMatch(NONE);
    }
  });
});

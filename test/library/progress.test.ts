/**
 * onProgress: loadInputs and analyze tell a library caller how far they are, phase by phase,
 * the way the CLI's progress line learns it (the CLI draws its line from these calls).
 */
import { describe, expect, it } from 'vitest';
import { analyze, loadInputs, loadRules, plan, whatif, type ProgressPhase } from '../../src/index.js';
import { fixture, runCli } from '../helpers/cli.js';

type Call = [ProgressPhase, number, number, string?];

const rules = loadRules();
const twoZones = fixture('exports', 'two-zones-single-db.json');
const network = fixture('exports', 'stackref-network.json');

function recorder(): { calls: Call[]; onProgress: (phase: ProgressPhase, done: number, total: number, what?: string) => void } {
  const calls: Call[] = [];
  return { calls, onProgress: (phase, done, total, what) => void calls.push(what === undefined ? [phase, done, total] : [phase, done, total, what]) };
}

describe('loadInputs onProgress', () => {
  it('reports each input named before it is read, then all of them done', async () => {
    const { calls, onProgress } = recorder();
    const seen: string[] = [];
    const inputs = await loadInputs([twoZones, network], { keepProperties: rules.properties, onProgress, onInput: (spec) => void seen.push(spec) });
    expect(inputs.length).toBe(2);
    expect(calls).toEqual([
      ['read', 0, 2, twoZones],
      ['read', 1, 2, network],
      ['read', 2, 2],
    ]);
    // onInput still hears of each input too.
    expect(seen).toEqual([twoZones, network]);
  });

  it('reports nothing after a failed read, and changes nothing without a callback', async () => {
    const { calls, onProgress } = recorder();
    await expect(loadInputs([fixture('exports', 'no-such-file.json')], { onProgress })).rejects.toThrow();
    expect(calls).toEqual([['read', 0, 1, fixture('exports', 'no-such-file.json')]]);
    expect((await loadInputs([twoZones])).length).toBe(1);
  });
});

describe('analyze onProgress', () => {
  it('reports classify, model, scenarios and findings in order, each from 0 to its total; the result is the same without it', async () => {
    const inputs = await loadInputs([twoZones], { keepProperties: rules.properties });
    const resources = inputs[0]!.resources.length;
    const { calls, onProgress } = recorder();
    const result = analyze(inputs, { packs: rules.packs, onProgress });
    expect(result).toEqual(analyze(inputs, { packs: rules.packs }));
    const phases = [...new Set(calls.map((c) => c[0]))];
    expect(phases).toEqual(['classify', 'model', 'scenarios', 'findings']);
    expect(calls.slice(0, 4)).toEqual([
      ['classify', 0, resources],
      ['classify', resources, resources],
      ['model', 0, resources],
      ['model', resources, resources],
    ]);
    for (const phase of phases) {
      const own = calls.filter((c) => c[0] === phase);
      expect(own[0]![1], phase).toBe(0);
      expect(own.at(-1)![1], phase).toBe(own.at(-1)![2]);
      // Never backwards, never past the total.
      for (let k = 1; k < own.length; k++) expect(own[k]![1]).toBeGreaterThanOrEqual(own[k - 1]![1]);
      for (const c of own) expect(c[1]).toBeLessThanOrEqual(c[2]);
    }
  });

  it('with order 2, reports the shared-risk-group search per set size, before the scenarios', async () => {
    const inputs = await loadInputs(['.@pangyo-2022'], { keepProperties: rules.properties });
    const { calls, onProgress } = recorder();
    analyze(inputs, { packs: rules.packs, order: 2, onProgress });
    const search = calls.filter((c) => c[0] === 'search');
    expect(search.length).toBeGreaterThanOrEqual(2);
    expect(search.every((c) => c[3] === 'sets of 2')).toBe(true);
    expect(search[0]![1]).toBe(0);
    expect(search.at(-1)![1]).toBe(search.at(-1)![2]);
    expect(calls.findIndex((c) => c[0] === 'search')).toBeLessThan(calls.findIndex((c) => c[0] === 'scenarios'));
    // Order 1 searches nothing.
    const single = recorder();
    analyze(inputs, { packs: rules.packs, onProgress: single.onProgress });
    expect(single.calls.some((c) => c[0] === 'search')).toBe(false);
  });

  it('whatif and plan report the classify and model phases they run', async () => {
    const inputs = await loadInputs([twoZones]);
    for (const run of [
      (onProgress: ReturnType<typeof recorder>['onProgress']) => whatif(inputs, ['us-east-1a'], { packs: rules.packs, onProgress }),
      (onProgress: ReturnType<typeof recorder>['onProgress']) => plan(inputs, { packs: rules.packs, addDomain: 'us-east-1c', onProgress }),
    ]) {
      const { calls, onProgress } = recorder();
      run(onProgress);
      expect([...new Set(calls.map((c) => c[0]))]).toEqual(['classify', 'model']);
    }
  });
});

describe('the CLI progress line comes from onProgress', () => {
  it('on a terminal, names the search of shared risk groups; elsewhere, nothing', async () => {
    const args = ['analyze', '.@pangyo-2022', '--order', '2', '--format', 'json', '--fail-on', 'none'];
    const tty = await runCli(args, { stderrIsTTY: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toMatch(/firebreak: analyzing \d+ resources\.\.\./);
    expect(tty.stderr).toMatch(/firebreak: analyzing \d+ resources: sets of 2 events \(0 of \d+\)\.\.\./);
    expect(tty.stderr.endsWith('\r\u001b[2K')).toBe(true);
    const pipe = await runCli(args);
    expect(pipe.stderr).toBe('');
    expect(pipe.stdout).toBe(tty.stdout);
  });
});

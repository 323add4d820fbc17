/**
 * Reporters against golden files, from saved analyses (test/fixtures/results):
 * a reporter change is tested without the pipeline. UPDATE_GOLDEN=1 rewrites
 * the golden files and the saved results; one test keeps the saved results
 * equal to what the pipeline gives today.
 */
import { describe, expect, it } from 'vitest';
import { render } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { SAVED_RESULTS, expectGolden, savedResult } from '../helpers/reports.js';

const GOLDEN_FORMATS = [
  ['markdown', 'md'],
  ['mermaid', 'mmd'],
  ['dot', 'dot'],
] as const;

const names = Object.keys(SAVED_RESULTS);

describe('golden reports', () => {
  it.each(names)('the saved analysis of %s is what the pipeline gives today', async (name) => {
    const r = await runCli(['analyze', SAVED_RESULTS[name]!, '--format', 'json', '--fail-on', 'none']);
    expect(r.stderr).toBe('');
    expectGolden(`../results/${name}.json`, r.stdout);
  });

  it.each(names.flatMap((name) => GOLDEN_FORMATS.map(([format, ext]) => [name, format, ext] as const)))(
    '%s renders as %s to its golden file',
    (name, format, ext) => {
      expectGolden(`${name}.${ext}`, render(savedResult(name), format));
    },
  );

  it('renders the saved analysis to the same json, byte for byte', () => {
    for (const name of names) expectGolden(`../results/${name}.json`, render(savedResult(name), 'json'));
  });
});

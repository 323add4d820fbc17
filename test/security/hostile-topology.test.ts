/**
 * A topology file with many domains and many problems: each problem names the first known domains without sorting
 * every domain path again (counted through byText, the one text order), and says the same as before.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { tempFile } from '../helpers/cli.js';

// byText counted in a module graph of its own, imported after the mock: test files may share a worker's modules
// (vitest.config.ts: isolate is off), so a hoisted vi.mock could miss modules an earlier file imported. Undone after.
vi.resetModules();
vi.doMock('../../src/text.js', async (original) => {
  const m = await original<typeof import('../../src/text.js')>();
  return { ...m, byText: vi.fn(m.byText) };
});
const text = await import('../../src/text.js');
const { runCli } = await import('../helpers/cli.js');
afterAll(() => {
  vi.doUnmock('../../src/text.js');
  vi.resetModules();
});

const STATE = JSON.stringify({
  version: 3,
  deployment: {
    manifest: {},
    resources: [
      { urn: 'urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev', type: 'pulumi:pulumi:Stack', custom: false },
      {
        urn: 'urn:pulumi:dev::p::aws:ec2/instance:Instance::web',
        type: 'aws:ec2/instance:Instance',
        custom: true,
        id: 'i-1',
        parent: 'urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev',
        inputs: { availabilityZone: 'us-east-1a' },
        outputs: { availabilityZone: 'us-east-1a' },
      },
    ],
  },
});

describe('a topology file with thousands of domains and of unknown `within`s', () => {
  it('names the first ten known domains in each problem with a bounded number of comparisons', async () => {
    const n = 2000;
    const lines = ['domains:'];
    for (let i = 0; i < n; i++) lines.push(`  - {name: d${i}, kind: zone}`);
    for (let i = 0; i < n; i++) lines.push(`  - {name: e${i}, kind: zone, within: nowhere${i}}`);
    const topology = tempFile('firebreak.yaml', `${lines.join('\n')}\n`);
    const state = tempFile('state.json', STATE);
    const byText = vi.mocked(text.byText);
    byText.mockClear();
    const r = await runCli(['analyze', state, '--topology', topology, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    const out = r.stderr.trim().split('\n');
    expect(out[0]).toBe(
      `firebreak: error: ${topology}:${n + 2}:5: domain e0: within "nowhere0" is no domain of the inputs; known: aws, aws/us-east-1, aws/us-east-1/us-east-1a, d0, d1, d10, d100, d1000, d1001, d1002, ...`,
    );
    expect(out).toHaveLength(11);
    // Sorting every path for each problem: about 2,000 x 2,000 x 11 comparisons. Counted at all: the pipeline uses the mock.
    expect(byText.mock.calls.length).toBeGreaterThan(0);
    expect(byText.mock.calls.length).toBeLessThan(20 * 2 * n * 10);
  });
});

/**
 * Hostile shapes of otherwise valid input (wave 5): deep nesting, long chains and wide fan-outs in the input
 * formats that bypass the whole-file JSON checks. Each test fails without its fix; none times anything.
 */
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/ingest/json.js';
import { runCli, tempFile } from '../helpers/cli.js';

const URN = 'urn:pulumi:dev::p::aws:s3/bucket:Bucket::b';

/** `{"tags":{"tags":...}}`, `depth` levels. */
function nested(depth: number): string {
  return '{"tags":'.repeat(depth) + '"x"' + '}'.repeat(depth);
}

describe('engine event logs', () => {
  it('refuse an event nested beyond the JSON limit with its event and line, not a stack overflow', async () => {
    const lines = [
      JSON.stringify({ sequence: 0, timestamp: 1, preludeEvent: { config: {} } }),
      `{"sequence":1,"timestamp":1,"resourcePreEvent":{"metadata":{"op":"create","urn":"${URN}","type":"aws:s3/bucket:Bucket",` +
        `"new":{"urn":"${URN}","type":"aws:s3/bucket:Bucket","custom":true,"inputs":${nested(20_000)},"outputs":{}}}}}`,
    ];
    const file = tempFile('deep-events.json', lines.join('\n') + '\n');
    const r = await runCli(['analyze', file, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `firebreak: error: ${file}:2: event 2: JSON nested too deeply: firebreak reads at most ${MAX_JSON_DEPTH} levels of nesting`,
    ]);
  });

  it('still read an event nested just within the limit', async () => {
    const lines = [
      JSON.stringify({ sequence: 0, timestamp: 1, preludeEvent: { config: {} } }),
      `{"sequence":1,"timestamp":1,"resourcePreEvent":{"metadata":{"op":"create","urn":"${URN}","type":"aws:s3/bucket:Bucket",` +
        `"new":{"urn":"${URN}","type":"aws:s3/bucket:Bucket","custom":true,"inputs":${nested(MAX_JSON_DEPTH - 10)},"outputs":{}}}}}`,
    ];
    const r = await runCli(['analyze', tempFile('within-events.json', lines.join('\n') + '\n'), '--fail-on', 'none']);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 resources');
  });
});

/**
 * Bad bytes in a streamed state (src/ingest/scan.ts, stream.ts): a file
 * never fully written (NUL bytes where its end should be), bytes that JSON
 * never holds outside a string, and faults that only a parse finds before
 * them. The streamed reader names the place the whole parse names, and stops
 * reading at the first bad byte instead of carrying the rest of the file.
 */
import { closeSync, mkdtempSync, openSync, readSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadInputs } from '../../src/ingest/index.js';
import { parseJson } from '../../src/ingest/json.js';
import { parseBatch } from '../../src/ingest/batch.js';
import { scanState, ScanFault } from '../../src/ingest/scan.js';
import { faultError, streamState, StreamFault } from '../../src/ingest/stream.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'firebreak-scan-faults-'));
const head = '{"version": 3, "deployment": {"manifest": {"time": "2026-12-01T00:00:00Z"}, "resources": [';
const resource = (n: number): string =>
  `{"urn": "urn:pulumi:prod::shop::aws:ec2/instance:Instance::web-${n}", "custom": true, "type": "aws:ec2/instance:Instance", "inputs": {"availabilityZone": "us-east-1a", "tags": {"Name": "web-${n}"}}}`;
/** The resources as `pulumi stack export` indents them. */
const pretty = (count: number): string =>
  JSON.stringify({ version: 3, deployment: { resources: Array.from({ length: count }, (_, n) => JSON.parse(resource(n)) as unknown) } }, null, 4);
const nul = (bytes: number): string => '\0'.repeat(bytes);

const lineColumn = (message: string): string | undefined => /:(\d+:\d+): /.exec(message)?.[1];

/** The whole parse's error, and the streamed reader's (its own line and column, as beyond the whole-parse size), with 1 and 2 threads. */
async function errors(name: string, content: string): Promise<{ whole: string; streamed: string[] }> {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, content);
  const whole = await loadInputs([file], { streamMinBytes: Number.MAX_SAFE_INTEGER }).then(
    () => 'ok',
    (e: Error) => e.message,
  );
  const streamed: string[] = [];
  for (const jobs of [1, 2]) {
    const fault = await streamState(file, { jobs, batchBytes: 256, chunkBytes: 4096 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(fault).toBeInstanceOf(StreamFault);
    streamed.push(faultError(file, fault as StreamFault, Buffer.byteLength(content)).message);
  }
  return { whole, streamed };
}

describe('streamed state: bad bytes', () => {
  const cases: Array<[string, string]> = [
    ['NUL bytes where the list should go on', `${head}\n${resource(1)},\n${nul(20_000)}`],
    ['NUL bytes inside a resource', `${head}\n${resource(1)},\n  {"urn": "urn:pulumi:prod::shop::aws:s3/bucket:Bucket::b", ${nul(20_000)}`],
    ['NUL bytes after a pretty-printed list was cut', `${pretty(40).slice(0, -200)}${nul(30_000)}`],
    ['a bad byte after a fault only a parse finds (missing colon)', `${head}\n${resource(1)},\n  {"urn" "b", "custom": true ; }]}}`],
    ['a bad scalar in the list', `${head}\n${resource(1)},\n  tru\u0001e]}}`],
    ['NUL bytes in the header', `{"version": 3, ${nul(20_000)}`],
    ['a fault in the header before a bad byte', `{"version" 3, "deployment": {"resources": []}} ${nul(10)}`],
    ['a bad byte after the list', `${head}\n${resource(1)}\n], "x": 1 ; }}`],
    ['a fault after the list before a bad byte', `${head}\n${resource(1)}\n], "x" 1 ; }}`],
    [
      'a fault in an early resource, a bad separator later',
      `${head}\n${resource(1).replace('true', 'tru')},\n${resource(2)},\n${resource(3)};\n${resource(4)}]}}`,
    ],
  ];
  it.each(cases)('%s: the place the whole parse names', async (name, content) => {
    const { whole, streamed } = await errors(name.replace(/\W+/g, '-'), content);
    expect(whole).not.toBe('ok');
    expect(lineColumn(whole)).toBeDefined();
    for (const message of streamed) {
      expect(lineColumn(message)).toBe(lineColumn(whole));
      expect(message.split('\n')).toHaveLength(1);
      expect(message).not.toContain('\0');
    }
  });

  it('stops reading at the first bad byte: a file of NUL bytes after its start is not carried to its end', async () => {
    const chunk = 16 * 1024;
    for (const [name, content] of [
      ['exact', `${head}\n${resource(1)},\n${nul(4 * 2 ** 20)}`],
      ['scalar', `${head}\n${nul(4 * 2 ** 20)}`],
      ['guessed', `${pretty(40).slice(0, -200)}${nul(4 * 2 ** 20)}`],
    ] as const) {
      const file = path.join(dir, `long-${name}.json`);
      writeFileSync(file, content);
      const fd = openSync(file, 'r');
      let read = 0;
      let error: unknown;
      try {
        await scanState(
          (into) => {
            const n = readSync(fd, into, 0, into.length, null);
            read += n;
            return n;
          },
          { header() {}, batch() {} },
          { chunkBytes: chunk, batchBytes: 512 },
        );
      } catch (err) {
        error = err;
      } finally {
        closeSync(fd);
      }
      expect(error, name).toBeInstanceOf(ScanFault);
      // Guessing looks at most 32 batches ahead before it scans exactly; then one chunk more.
      expect(read, name).toBeLessThan(32 * 512 + content.indexOf('\0') + 4 * chunk);
    }
  });

  it('a resource longer than many chunks still reads as the whole parse reads it', async () => {
    const big = `{"urn": "urn:pulumi:prod::shop::aws:s3/bucket:Bucket::big", "custom": true, "type": "aws:s3/bucket:Bucket", "outputs": {"policy": "${'x\\"'.repeat(200_000)}"}}`;
    for (const content of [`${head}\n${resource(1)},\n${big},\n${resource(2)}]}}`, pretty(3).replace('[\n', `[\n${big},\n`)]) {
      const file = path.join(dir, 'big-resource.json');
      writeFileSync(file, content);
      const r = await streamState(file, { jobs: 1, batchBytes: 512, chunkBytes: 4096 });
      expect(r.items?.map((item) => ('record' in item ? item.record.name : '?'))).toEqual(
        (JSON.parse(content) as { deployment: { resources: Array<{ urn: string }> } }).deployment.resources.map((x) => x.urn.split('::').pop()),
      );
    }
  });
});

describe('streamed state against the whole parse, on random damage', () => {
  // A reference: JSON.parse of the whole text, and json.ts's jsonFault for where it fails. The streamed reader, with
  // batches and chunks far smaller than the file, must find the same first fault or none.
  const base = [`${head}\n${[1, 2, 3, 4, 5].map(resource).join(',\n')}\n]}}`, pretty(6)];
  const alphabet = ['\0', '\u0001', ' ', '\n', '{', '}', '[', ']', ',', ':', '"', '\\', 't', '1', '-', 'e', 'x', ';', 'é'];
  const damage = fc.record({
    base: fc.integer({ min: 0, max: base.length - 1 }),
    edits: fc.array(
      fc.record({
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        cut: fc.integer({ min: 0, max: 3 }),
        put: fc.array(fc.constantFrom(...alphabet), { maxLength: 3 }),
      }),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
  });
  it('the same first fault (line and column), or none', async () => {
    const file = path.join(dir, 'damaged.json');
    await fc.assert(
      fc.asyncProperty(damage, async ({ base: b, edits }) => {
        let text = base[b]!;
        for (const e of edits) {
          const at = Math.floor(e.at * text.length);
          text = text.slice(0, at) + e.put.join('') + text.slice(at + e.cut);
        }
        writeFileSync(file, text);
        let whole: string | undefined;
        try {
          parseJson(text, file);
        } catch (err) {
          whole = lineColumn((err as Error).message);
        }
        const fault = await streamState(file, { jobs: 1, batchBytes: 200, chunkBytes: 256 }).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (whole === undefined) {
          expect(fault instanceof StreamFault).toBe(false);
          return;
        }
        expect(fault).toBeInstanceOf(StreamFault);
        expect(lineColumn(faultError(file, fault as StreamFault, Buffer.byteLength(text)).message)).toBe(whole);
      }),
      { numRuns: 400, seed: 20261201 },
    );
  });
});

describe('a state with many bad resources', () => {
  it('streamed, names the same first problems as the whole read, and explains no more of them than it shows', async () => {
    const file = path.join(dir, 'many-bad.json');
    writeFileSync(file, `${head}\n${Array.from({ length: 60 }, (_, n) => (n % 2 === 0 ? `"web-${n}"` : resource(n))).join(',\n')}\n]}}`);
    const message = (e: Error): string => e.message;
    const whole = await loadInputs([file], { streamMinBytes: Number.MAX_SAFE_INTEGER }).then(() => 'ok', message);
    expect(whole.split('\n')).toHaveLength(10);
    for (const jobs of [1, 2]) {
      const streamed = await loadInputs([file], { streamMinBytes: 0, workerMinBytes: 0, streamBatchBytes: 1024, jobs }).then(() => 'ok', message);
      expect(streamed).toBe(whole);
    }
    // One batch of them all: parseBatch stops explaining at the tenth bad resource (readState reads no further).
    const list = Array.from({ length: 40 }, (_, n) => `"bad-${n}"`).join(',');
    const batch = parseBatch({ bytes: Buffer.from(`[${list}]`), at: 0, index: 0, path: 'deployment.resources' }, undefined);
    expect('items' in batch && batch.items.map((item) => 'bad' in item)).toEqual(Array<boolean>(10).fill(true));
  });
});

describe('nesting beyond the limit, streamed', () => {
  const deep = (n: number, open = '['): string => open.repeat(n);
  const cases: Array<[string, string]> = [
    ['unclosed, in a resource', `${head}\n${resource(1)},\n{"a": ${deep(1200)}`],
    ['closed, in a resource', `${head}\n${resource(1)},\n{"a": ${deep(1200)}${']'.repeat(1200)}}]}}`],
    ['as an element', `${head}\n${deep(1200)}`],
    ['in the header', `{"version": 3, "x": ${deep(1200, '{"a":')}`],
    ['after a syntax fault in the same resource', `${head}\n{"a" ${deep(1200)}`],
  ];
  it.each(cases)('%s: the error of the whole parse, without parsing the whole', async (name, content) => {
    const file = path.join(dir, `deep-${name.replace(/\W+/g, '-')}.json`);
    writeFileSync(file, content);
    const whole = await loadInputs([file], { streamMinBytes: Number.MAX_SAFE_INTEGER }).then(
      () => 'ok',
      (e: Error) => e.message,
    );
    const streamed = await loadInputs([file], { streamMinBytes: 0 }).then(
      () => 'ok',
      (e: Error) => e.message,
    );
    expect(whole).toMatch(/:\d+:\d+: (JSON nested too deeply|invalid JSON)/);
    expect(streamed).toBe(whole);
  });
});

/**
 * The streaming reader (src/ingest/stream.ts, scan.ts) gives the same records
 * as the whole parse, whatever the number of workers and the batch size, on
 * the corpus states and on generated exports; bad JSON gives the same error.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { mkdtempSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadInputs } from '../../src/ingest/index.js';
import { streamState, StreamFault, StreamPool, faultError } from '../../src/ingest/stream.js';
import { asSpecial } from '../../src/ingest/types.js';
import { generateExport, writeExport } from '../../src/bench/generate.js';
import { loadRules } from '../../src/index.js';
import { corpusDir } from '../helpers/cli.js';
import { InputError, problemLines } from '../../src/errors.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'firebreak-stream-'));
const keep = loadRules().properties;

/**
 * One pool of worker threads per --jobs value, shared by the file's reads (as loadInputs shares one between the files of
 * a load): each worker started from TypeScript source loads through tsx, about 0.4 s. Reads with jobs 1 never use one.
 * The pool of 4 counts its runs (see 'small state files are parsed on the main thread').
 */
class Counting extends StreamPool {
  runs = 0;
  override run(job: Parameters<StreamPool['run']>[0], keepList: string[] | undefined) {
    this.runs++;
    return super.run(job, keepList);
  }
}
const pools = new Map<number, Counting>();
const poolFor = (jobs: number): { jobs: number; pool?: StreamPool } => {
  if (jobs <= 1) return { jobs };
  let pool = pools.get(jobs);
  if (!pool) pools.set(jobs, (pool = new Counting(jobs)));
  return { jobs, pool };
};
afterAll(async () => {
  await Promise.all([...pools.values()].map((p) => p.close()));
});

/** Records as text, special values included (JSON.stringify would drop their symbol key). */
const text = (inputs: unknown): string =>
  JSON.stringify(inputs, (_k, v: unknown) => {
    const sp = asSpecial(v);
    return sp ? { $special: sp } : v;
  });

async function both(file: string, jobs: number, withKeep: boolean): Promise<[string, string]> {
  const k = withKeep ? { keepProperties: keep } : {};
  const whole = await loadInputs([file], { ...k, streamMinBytes: Number.MAX_SAFE_INTEGER });
  const streamed = await loadInputs([file], { ...k, streamMinBytes: 0, workerMinBytes: 0, ...poolFor(jobs) });
  return [text(whole), text(streamed)];
}

const corpus = [
  'pulumi-pulumi/checkpoints/checkpoint-v3.json',
  'pulumi-pulumi/checkpoints/checkpoint-v4.json',
  'pulumi-pulumi/checkpoints/checkpoint-secrets.json',
  'kloudlib/stacks/local.json',
].map((f) => path.join(corpusDir, f));

describe('streaming ingest: the same records as a whole parse', () => {
  const present = corpus.filter((f) => existsSync(f));
  if (present.length === 0) console.warn(`corpus states not found under ${corpusDir}: those cases are skipped`);
  it.each(present.flatMap((f) => [1, 2].map((jobs) => ({ f, jobs, name: path.basename(f) }))))('$name with --jobs $jobs', async ({ f, jobs }) => {
    for (const withKeep of [true, false]) {
      const [a, b] = await both(f, jobs, withKeep);
      expect(b).toBe(a);
    }
  });

  it('a generated export, with 1, 2 and 4 workers and small batches', async () => {
    const file = path.join(dir, 'gen.json');
    await writeExport(file, { resources: 3000, seed: 3 });
    const whole = text(await loadInputs([file], { keepProperties: keep, streamMinBytes: Number.MAX_SAFE_INTEGER }));
    for (const jobs of [1, 2, 4]) {
      const r = await streamState(file, { keep, ...poolFor(jobs), batchBytes: 20_000, chunkBytes: 65536 });
      expect(r.scan.elements).toBe(3000);
      expect(r.scan.path).toBe('deployment.resources');
      const streamed = text(await loadInputs([file], { keepProperties: keep, streamMinBytes: 0, workerMinBytes: 0, ...poolFor(jobs) }));
      expect(streamed).toBe(whole);
    }
  });

  it('a compact checkpoint with strings full of escapes, brackets and non-ASCII', async () => {
    const doc = generateExport({ resources: 200, seed: 5 });
    const resources = doc.deployment.resources as Array<Record<string, unknown>>;
    resources[5]!.outputs = { tags: { Name: 'a "quoted" ] } [ { \\ name', note: 'zone ü€ 😀 \\"' } };
    const file = path.join(dir, 'checkpoint.json');
    writeFileSync(file, JSON.stringify({ version: 3, checkpoint: { stack: 'org/p/prod', latest: { manifest: {}, resources } } }));
    const [a, b] = await both(file, 2, false);
    expect(b).toBe(a);
    const r = await streamState(file, { jobs: 1, batchBytes: 1000, chunkBytes: 4096 });
    expect(r.scan.path).toBe('checkpoint.latest.resources');
    expect(r.items).toHaveLength(200);
  });

  it('a repeated key falls back to the whole parse (which keeps the last)', async () => {
    const file = path.join(dir, 'dup.json');
    const r = (n: string) => ({ urn: `urn:pulumi:dev::p::aws:s3/bucket:Bucket::${n}`, custom: true, type: 'aws:s3/bucket:Bucket' });
    writeFileSync(file, `{"version":3,"deployment":{"resources":[${JSON.stringify(r('first'))}],"resources":[${JSON.stringify(r('last'))}]}}`);
    const [a, b] = await both(file, 1, false);
    expect(b).toBe(a);
    expect(b).toContain('::last');
    expect(b).not.toContain('::first');
  });
});

describe('streaming ingest: bad JSON', () => {
  const bad: Array<[string, string]> = [
    ['missing comma between resources', '{"version":3,"deployment":{"resources":[{"urn":"a"}\n {"urn":"b"}]}}'],
    ['trailing comma', '{"version":3,"deployment":{"resources":[{"urn":"a"},\n]}}'],
    ['bad value in a resource', '{"version":3,"deployment":{"resources":[{"urn":"a"},\n  {"urn": tru}]}}'],
    ['bad value after non-ASCII on its line', '{"version":3,"deployment":{"resources":[{"urn":"zone ü€ 😀"}, {"urn": tru}]}}'],
    ['truncated inside the list', '{"version":3,"deployment":{"resources":[{"urn":"a"},\n  {"urn": "b"'],
    ['bad header after the list', '{"version":3,"deployment":{"resources":[{"urn":"a"}], "x": }}'],
    ['too deep', `{"version":3,"deployment":{"resources":[${'['.repeat(1200)}${']'.repeat(1200)}]}}`],
  ];
  it.each(bad)('%s: the same error as the whole parse', async (_name, content) => {
    const file = path.join(dir, `bad-${_name.replace(/\W/g, '-')}.json`);
    writeFileSync(file, content);
    const whole = await loadInputs([file], { streamMinBytes: Number.MAX_SAFE_INTEGER }).then(
      () => 'ok',
      (e: Error) => e.message,
    );
    const streamed = await loadInputs([file], { streamMinBytes: 0, workerMinBytes: 0, ...poolFor(2) }).then(
      () => 'ok',
      (e: Error) => e.message,
    );
    expect(whole).not.toBe('ok');
    expect(streamed).toBe(whole);
    // Beyond the whole-parse size the stream computes line and column itself: the same place.
    let fault: StreamFault | undefined;
    await streamState(file, { jobs: 1 }).catch((e: unknown) => {
      if (e instanceof StreamFault) fault = e;
    });
    if (fault) {
      const own = faultError(file, fault, content.length);
      expect(own).toBeInstanceOf(InputError);
      const line = (s: string) => /:(\d+):(\d+):/.exec(s)?.slice(1).join(':');
      expect(line(own.message)).toBe(line(whole));
    }
  });
});

describe('streaming ingest: byte order marks and UTF-16', () => {
  const state = (): string => {
    const doc = generateExport({ resources: 50, seed: 11 });
    return JSON.stringify(doc, null, 2);
  };

  it('a UTF-8 byte order mark is skipped, as the whole parse skips it', async () => {
    const file = path.join(dir, 'bom.json');
    writeFileSync(file, '\ufeff' + state());
    const r = await streamState(file, { jobs: 1, batchBytes: 2000, chunkBytes: 4096 });
    expect(r.scan.path).toBe('deployment.resources');
    expect(r.items).toHaveLength(50);
    for (const jobs of [1, 2]) {
      const [a, b] = await both(file, jobs, true);
      expect(b).toBe(a);
    }
  });

  it('bad JSON after a byte order mark: the line and column of the whole parse, in the header and in the list', async () => {
    for (const [name, content] of [
      ['header', '\ufeff{"version":3, x "deployment":{"resources":[{"urn":"a"}]}}'],
      ['list', '\ufeff{"version":3,"deployment":{"resources":[{"urn":"a"} {"urn":"b"}]}}'],
      ['after the list', '\ufeff{"version":3,"deployment":{"resources":[{"urn":"a"}], "x": }}'],
    ] as const) {
      const file = path.join(dir, `bom-bad-${name}.json`);
      writeFileSync(file, content);
      const whole = await loadInputs([file], { streamMinBytes: Number.MAX_SAFE_INTEGER }).then(
        () => 'ok',
        (e: Error) => e.message,
      );
      expect(whole, name).toMatch(/:1:\d+:/);
      const fault = await streamState(file, { jobs: 1 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(fault, name).toBeInstanceOf(StreamFault);
      const own = faultError(file, fault as StreamFault, Buffer.byteLength(content));
      const where = (s: string) => /:(\d+):(\d+):/.exec(s)?.slice(1).join(':');
      expect(where(own.message), name).toBe(where(whole));
    }
  });

  it.each([
    ['UTF-16 LE with a byte order mark', 'utf16le', '\ufeff'],
    ['UTF-16 LE without one', 'utf16le', ''],
    ['UTF-16 BE with a byte order mark', 'utf16be', '\ufeff'],
  ] as const)('%s is refused with what to do, never read as bad JSON', async (_name, encoding, bom) => {
    const file = path.join(dir, `utf16-${encoding}-${bom ? 'bom' : 'plain'}.json`);
    const le = Buffer.from(bom + state(), 'utf16le');
    writeFileSync(file, encoding === 'utf16be' ? le.swap16() : le);
    const err = await streamState(file, { jobs: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/UTF-16.*write it as UTF-8/);
    const whole = await loadInputs([file], { streamMinBytes: Number.MAX_SAFE_INTEGER }).then(
      () => 'ok',
      (e: Error) => e.message,
    );
    const streamed = await loadInputs([file], { streamMinBytes: 0, workerMinBytes: 0, jobs: 1 }).then(
      () => 'ok',
      (e: Error) => e.message,
    );
    expect(streamed).toBe(whole);
    expect(streamed).toContain(file);
  });
});

describe('streaming ingest: a worker that fails', () => {
  it('ends the read with one clear error, never a hang or a partial answer', async () => {
    const file = path.join(dir, 'crash.json');
    await writeExport(file, { resources: 400, seed: 2 });
    class Crashing extends StreamPool {
      override run(job: Parameters<StreamPool['run']>[0], keepList: string[] | undefined) {
        const p = super.run(job, keepList);
        for (const s of (this as unknown as { slots: Array<{ worker: { terminate(): Promise<number> } }> }).slots) void s.worker.terminate();
        return p;
      }
    }
    const pool = new Crashing(2);
    try {
      const err = await streamState(file, { jobs: 2, pool, batchBytes: 20_000 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InputError);
      // The library names its option; the CLI, its flag.
      expect((err as Error).message).toMatch(/crash\.json: reading the resources in a worker thread failed \(.*\); try jobs 1/);
      expect(problemLines((err as InputError).problems, (o) => `--${o}`)[0]).toMatch(/; try --jobs 1$/);
    } finally {
      await pool.close();
    }
  });
});

describe('streaming ingest: byte-identical reports', () => {
  it('analyze --format json and text are the same, read whole or streamed with 1, 2 and 4 workers', async () => {
    const { analyze, render } = await import('../../src/index.js');
    const rules = loadRules();
    const file = path.join(dir, 'report.json');
    await writeExport(file, { resources: 2500, seed: 9 });
    // The corpus checkpoints are one stack (countdown/foo) in several versions: each is analyzed beside the export, apart
    // from the others (one stack read twice is refused).
    const sets = [[file], ...corpus.filter((f) => existsSync(f) && !f.includes('unsupported')).map((f) => [file, f])];
    const report = async (o: { streamMinBytes: number; workerMinBytes?: number; jobs?: number; pool?: StreamPool }) => {
      let out = '';
      for (const files of sets) {
        const inputs = await loadInputs(files, { keepProperties: rules.properties, ...o });
        const result = analyze(inputs, { packs: rules.packs });
        out += render(result, 'json') + render(result, 'text');
      }
      return out;
    };
    const whole = await report({ streamMinBytes: Number.MAX_SAFE_INTEGER });
    for (const jobs of [1, 2, 4]) expect(await report({ streamMinBytes: 0, workerMinBytes: 0, ...poolFor(jobs) })).toBe(whole);
  });
});

describe('--jobs', () => {
  it('is an option of analyze and check, a whole number of at least 1', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const file = path.join(dir, 'cli.json');
    await writeExport(file, { resources: 300, seed: 4 });
    const a = await runCli(['analyze', file, '--format', 'json', '--fail-on', 'none', '--jobs', '1']);
    const b = await runCli(['analyze', file, '--format', 'json', '--fail-on', 'none', '--jobs', '3']);
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    const c = await runCli(['check', file, '--jobs', '2']);
    expect([0, 1]).toContain(c.code);
    const bad = await runCli(['analyze', file, '--jobs', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--jobs/);
  });
});

describe('additionalSecretOutputs when streamed', () => {
  it('is a secret in the worker path as in the whole read, with 1 and 2 workers', async () => {
    const doc = {
      version: 3,
      deployment: {
        manifest: { time: '2026-01-01T00:00:00Z', magic: '', version: 'v3.0.0' },
        resources: [
          { urn: 'urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod', type: 'pulumi:pulumi:Stack', custom: false },
          {
            urn: 'urn:pulumi:prod::shop::aws:rds/instance:Instance::orders-db',
            type: 'aws:rds/instance:Instance',
            custom: true,
            id: 'db-1',
            inputs: { availabilityZone: 'us-east-1a', password: 'pl4nted-password' },
            outputs: { availabilityZone: 'us-east-1a', password: 'pl4nted-password', endpoint: 'db:5432' },
            additionalSecretOutputs: ['password', 'endpoint'],
          },
        ],
      },
    };
    const file = path.join(dir, 'secret-outputs.json');
    writeFileSync(file, JSON.stringify(doc));
    for (const options of [
      { streamMinBytes: Number.MAX_SAFE_INTEGER },
      { streamMinBytes: 0, workerMinBytes: 0, jobs: 1 },
      { streamMinBytes: 0, workerMinBytes: 0, ...poolFor(2) },
    ]) {
      const [input] = await loadInputs([file], options);
      const db = input!.resources.find((r) => r.name === 'orders-db')!;
      expect(asSpecial(db.outputs.password)?.kind).toBe('secret');
      expect(asSpecial(db.outputs.endpoint)?.kind).toBe('secret');
      expect(asSpecial(db.inputs.password)?.kind).toBe('secret');
      expect(db.outputs.availabilityZone).toBe('us-east-1a');
      expect(JSON.stringify(input)).not.toContain('pl4nted-password');
    }
  });
});

describe('streaming ingest: guessed cuts in a pretty-printed list', () => {
  const rules = loadRules();
  /** A pretty-printed export of generated resources (as `pulumi stack export` writes it), with `edit` applied to its text. */
  const pretty = (name: string, edit: (text: string) => string, extra: Record<string, unknown> = {}): string => {
    const doc = generateExport({ resources: 120, seed: 11 });
    Object.assign(doc.deployment, extra);
    const file = path.join(dir, `guess-${name}.json`);
    writeFileSync(file, edit(JSON.stringify(doc, null, 2)));
    return file;
  };
  const outcome = (p: Promise<unknown>): Promise<string> =>
    p.then(
      (inputs) => text(inputs),
      (e: Error) => `error: ${e.message}`,
    );
  const same = async (file: string): Promise<string> => {
    const whole = await outcome(loadInputs([file], { keepProperties: rules.properties, streamMinBytes: Number.MAX_SAFE_INTEGER }));
    for (const jobs of [1, 2]) {
      const streamed = await outcome(loadInputs([file], { keepProperties: rules.properties, streamMinBytes: 0, streamBatchBytes: 300, ...poolFor(jobs) }));
      expect(streamed).toBe(whole);
    }
    return whole;
  };

  it('cuts without counting elements, and reads the same records', async () => {
    const file = pretty('plain', (t) => t);
    const { scanState } = await import('../../src/ingest/scan.js');
    const { openSync, readSync, closeSync } = await import('node:fs');
    const fd = openSync(file, 'r');
    const indexes: number[] = [];
    try {
      await scanState(
        (into) => readSync(fd, into, 0, into.length, null),
        { header() {}, batch: (_b, _c, _at, index) => void indexes.push(index) },
        { batchBytes: 300 },
      );
    } finally {
      closeSync(fd);
    }
    expect(indexes.length).toBeGreaterThan(10);
    expect(indexes.every((i) => i === -1)).toBe(true);
    const r = await streamState(file, { keep: rules.properties, jobs: 1, batchBytes: 300 });
    expect(r.scan.elements).toBe(120);
    expect(await same(file)).not.toMatch(/^error/);
  });

  it('a nested list of objects indented like the resources (a wrong cut) is read again exactly', async () => {
    const trap = '"ingress": [\n      {\n        "port": 443\n      },\n      {\n        "port": 80\n      }\n    ]';
    const file = pretty('nested', (t) => t.replaceAll('"outputs": {', `"outputs": { ${trap},`));
    expect((await same(file)).match(/"port"/g) ?? []).toHaveLength(0); // not a property any rule reads: projected away
    const all = await outcome(loadInputs([file], { streamMinBytes: 0, workerMinBytes: 0, streamBatchBytes: 300, ...poolFor(2) }));
    expect(all).toBe(await outcome(loadInputs([file], { streamMinBytes: Number.MAX_SAFE_INTEGER })));
    expect(all).toContain('"port":443');
  });

  it('pending operations indented like the resources, after the list', async () => {
    const op = (n: string) => ({
      resource: { urn: `urn:pulumi:prod::org::aws:s3/bucket:Bucket::${n}`, custom: true, type: 'aws:s3/bucket:Bucket' },
      type: 'creating',
    });
    const file = pretty('pending', (t) => t, { pending_operations: [op('a'), op('b'), op('c')] });
    expect(await same(file)).toContain('3 pending operation');
  });

  it('a bad resource in the middle is named by its index, as the whole parse names it', async () => {
    const file = pretty('bad-resource', (t) => {
      const at = t.indexOf('"urn"', Math.floor(t.length / 2));
      return `${t.slice(0, at)}"urn": 7, "was"${t.slice(at + 5)}`;
    });
    expect(await same(file)).toMatch(/^error: .*deployment\.resources\[\d+\]/);
  });

  it('bad JSON and too deep nesting in the middle give the error of the whole parse', async () => {
    const mid = (t: string) => t.indexOf('"custom"', Math.floor(t.length / 2));
    const bad = pretty('bad-json', (t) => `${t.slice(0, mid(t))}"custom": tru,${t.slice(mid(t))}`);
    expect(await same(bad)).toMatch(/^error: .*:\d+:\d+: invalid JSON/);
    const deep = pretty('deep', (t) => `${t.slice(0, mid(t))}"deep": ${'['.repeat(1200)}${']'.repeat(1200)},${t.slice(mid(t))}`);
    expect(await same(deep)).toMatch(/nested too deeply/);
    const header = pretty('bad-header', (t) => t.replace('"after": 1', '"after": '), { after: 1 });
    expect(await same(header)).toMatch(/^error: .*:\d+:\d+: invalid JSON/);
    for (const file of [bad, deep, header]) {
      const fault = await streamState(file, { jobs: 1, batchBytes: 300 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(fault).toBeInstanceOf(StreamFault);
      const whole = await outcome(loadInputs([file], { streamMinBytes: Number.MAX_SAFE_INTEGER }));
      const line = (s: string) => /:(\d+):(\d+):/.exec(s)?.slice(1).join(':');
      const size = (await import('node:fs')).statSync(file).size;
      expect(line(faultError(file, fault as StreamFault, size).message)).toBe(line(whole));
    }
  });
});

describe("streaming ingest: a worker's compact reply", () => {
  it('decodes to the very items parseBatch gives on the main thread (every optional field, and the items that are not records)', async () => {
    const { parseBatch, encodeBatch, decodeBatch } = await import('../../src/ingest/batch.js');
    const { asSpecial } = await import('../../src/ingest/types.js');
    const vpc = 'urn:pulumi:prod::shop::aws:ec2/vpc:Vpc::main';
    const provider = 'urn:pulumi:prod::shop::pulumi:providers:aws::default';
    const resources = [
      { urn: provider, custom: true, id: 'p-1', type: 'pulumi:providers:aws', inputs: { region: 'eu-west-1' } },
      { urn: vpc, custom: true, id: 'vpc-1', type: 'aws:ec2/vpc:Vpc', provider: `${provider}::p-1`, external: true },
      {
        urn: 'urn:pulumi:prod::shop::aws:ec2/subnet:Subnet::a',
        custom: true,
        id: '',
        type: 'aws:ec2/subnet:Subnet',
        parent: vpc,
        provider: `${provider}::p-1`,
        dependencies: [vpc, vpc],
        // A property named __proto__ is just a name (JSON.parse makes it an own key; an object literal would not).
        propertyDependencies: JSON.parse(JSON.stringify({ vpcId: [vpc], proto: [vpc], empty: [] }).replace('"proto"', '"__proto__"')) as unknown,
        inputs: { availabilityZone: 'eu-west-1a', tags: { Name: 'a' } },
        outputs: { availabilityZone: 'eu-west-1a', arn: { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', value: 'x' } },
        sourcePosition: 'project:///index.ts#12,3',
      },
      { urn: 'urn:pulumi:prod::shop::aws:s3/bucket:Bucket::old', custom: true, type: 'aws:s3/bucket:Bucket', delete: true },
      { urn: 'not a urn', custom: true, type: 'aws:s3/bucket:Bucket' },
      { urn: 42 },
    ];
    const job = { bytes: Buffer.from(JSON.stringify(resources)), at: 0, index: 0, path: 'deployment.resources' };
    for (const keepSet of [undefined, keep]) {
      // A worker's items (values not decoded) sent back, against the items of the main thread's parse (decoded).
      const text = encodeBatch(parseBatch({ ...job, bytes: Buffer.from(job.bytes) }, keepSet));
      const direct = parseBatch({ ...job, bytes: Buffer.from(job.bytes) }, keepSet, true);
      const back = decodeBatch(text);
      // The same items, field for field and in the same key order, values decoded alike.
      expect(JSON.stringify(back)).toBe(JSON.stringify(direct));
      expect(back).toEqual(direct);
      if (!('items' in back) || !('items' in direct)) throw new Error('expected items');
      expect(back.items.map((i) => Object.keys('record' in i ? i.record : i))).toEqual(direct.items.map((i) => Object.keys('record' in i ? i.record : i)));
      const subnet = back.items[2]!;
      if (!('record' in subnet)) throw new Error('expected a record');
      expect(Object.getPrototypeOf(subnet.record.propertyDependencies)).toBe(null);
      expect(Object.keys(subnet.record.propertyDependencies)).toEqual(['vpcId', '__proto__']);
      expect(asSpecial(subnet.record.outputs.arn)?.kind).toBe('secret');
      // A URN named several times is one string, sent once.
      expect(text.split(vpc).length - 1).toBe(1);
    }
    expect(decodeBatch(encodeBatch({ retry: true }))).toEqual({ retry: true });
    expect(decodeBatch(encodeBatch({ fault: { at: 9, expected: 'a value' } }))).toEqual({ fault: { at: 9, expected: 'a value' } });
  });

  it('small state files are parsed on the main thread, whatever --jobs says', async () => {
    const file = path.join(dir, 'small.json');
    await writeExport(file, { resources: 300, seed: 4 });
    const { pool } = poolFor(4);
    const counting = pool as Counting;
    const before = counting.runs;
    const small = await loadInputs([file], { streamMinBytes: 0, streamBatchBytes: 2000, jobs: 4, pool });
    expect(counting.runs - before).toBe(0);
    const large = await loadInputs([file], { streamMinBytes: 0, workerMinBytes: 0, streamBatchBytes: 2000, jobs: 4, pool });
    expect(counting.runs - before).toBeGreaterThan(0);
    expect(text(large)).toBe(text(small));
  });
});

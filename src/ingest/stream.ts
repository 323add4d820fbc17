/**
 * Streaming, parallel reading of a Pulumi state file: the file is read in
 * chunks (never as one string, so files beyond V8's largest string work),
 * split at resource boundaries by src/ingest/scan.ts, and the batches of
 * resources (cut by a guess when the list is pretty-printed, see scan.ts;
 * read again with the exact scan when a batch shows the guess wrong) are
 * parsed, checked and projected in worker threads (--jobs N,
 * default the core count; --jobs 1 parses them here). The items come back in
 * file order and readState turns them into the same records as a whole parse.
 *
 * Bad JSON: for a file that readInputText can read whole, the reader falls
 * back to that path, so the error (file, line:column, words) is exactly the
 * one a whole parse gives; beyond that size the line and column are computed
 * from the byte offset of the first fault.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, optionReason } from '../errors.js';
import { isUtf16Head, jsonFault, jsonFaultReason, UTF16_REASON, utf8BomLength } from './json.js';
import { MAX_INPUT_BYTES, noteInput } from './read.js';
import { scanState, ScanFault, type ScanResult } from './scan.js';
import { decodeBatch, parseBatch, type BatchJob, type BatchResult } from './batch.js';
import type { ResourceItem } from './state.js';

/** Files smaller than this are read whole (a worker's start costs more than it saves). */
export const STREAM_MIN_BYTES = 8 * 2 ** 20;

/**
 * Files smaller than this are parsed on the main thread even when --jobs allows workers: below it, starting a
 * worker and sending its records back cost more than parsing the rest on one thread saves (measured: a 20 MB state
 * took 650 ms with a worker against 540 ms without).
 */
export const WORKER_MIN_BYTES = 64 * 2 ** 20;

/** Worker threads to use by default: one per core. */
export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

interface Slot {
  worker: Worker;
  busy: number;
}

/**
 * Worker threads that parse batches; shared by the files of one load, closed at its end. With `jobs` N, N - 1
 * workers: the main thread parses a batch itself whenever every worker has two waiting (sending a batch's records
 * back costs about a third of what parsing it does, so a main thread that only waited would waste its core).
 */
export class StreamPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, { resolve: (r: BatchResult) => void; reject: (e: Error) => void; slot: Slot }>();
  private nextId = 1;
  private failure: Error | undefined;
  /**
   * Buffers the workers handed back with their replies, to copy the next batches into: a fresh buffer per batch cost
   * page faults and zeroing on the main thread (about 1 ms per 2 MB batch).
   */
  private readonly spare: ArrayBuffer[] = [];

  constructor(readonly jobs: number) {}

  private get workers(): number {
    return Math.max(1, this.jobs - 1);
  }

  /** Whether a worker could take a batch now (at most two waiting on each). */
  hasRoom(): boolean {
    return this.failure !== undefined || this.slots.length < this.workers || this.slots.some((s) => s.busy < 2);
  }

  /** Parse a batch in a worker; its bytes are copied first (the caller's may be a view the scanner reuses). */
  run(job: BatchJob, keep: string[] | undefined): Promise<BatchResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.slots.length < this.workers && this.slots.every((s) => s.busy > 0)) this.spawn();
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    const size = job.bytes.length;
    const k = this.spare.findIndex((b) => b.byteLength >= size);
    const buffer = k >= 0 ? this.spare.splice(k, 1)[0]! : new ArrayBuffer(size + (size >> 3));
    const bytes = new Uint8Array(buffer, 0, size);
    bytes.set(job.bytes);
    return new Promise<BatchResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      if (slot.busy++ === 0) slot.worker.ref();
      slot.worker.postMessage({ id, job: { ...job, bytes }, keep }, [buffer]);
    });
  }

  private spawn(): void {
    const self = import.meta.url;
    // Run from TypeScript source (tests, tsx): the worker loads its .ts file through tsx.
    const worker = self.endsWith('.ts')
      ? new Worker(
          `import(${JSON.stringify(tsxEsmApi(self))}).then((m) => { m.register(); return import(${JSON.stringify(new URL('./worker.ts', self).href)}); });`,
          { eval: true },
        )
      : // A worker only parses a few batches at a time: a small young generation keeps its memory small (16 MB, not 8:
        // at 8 most of a 2 MB batch's objects outlive a scavenge and are copied, about 0.4 s more CPU at 100k resources).
        new Worker(new URL('./worker.js', self), { resourceLimits: { maxYoungGenerationSizeMb: 16 } });
    const slot: Slot = { worker, busy: 0 };
    worker.unref();
    worker.on('message', (msg: { id: number; json?: string; error?: string; buffer?: ArrayBuffer }) => {
      // A few buffers are enough: as many as batches can be in flight.
      if (msg.buffer && this.spare.length < 4 * this.workers) this.spare.push(msg.buffer);
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (--slot.busy === 0) worker.unref();
      if (msg.json !== undefined) p.resolve(decodeBatch(msg.json));
      else p.reject(new Error(msg.error ?? 'no result'));
    });
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => {
      if ([...this.pending.values()].some((p) => p.slot === slot)) this.fail(new Error(`the worker stopped (exit code ${code})`));
    });
    this.slots.push(slot);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
    for (const s of this.slots) void s.worker.terminate();
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}

/** tsx's ESM register API, for a worker run from TypeScript source. */
function tsxEsmApi(from: string): string {
  const pkg = createRequire(from).resolve('tsx/package.json');
  return pathToFileURL(path.join(path.dirname(pkg), 'dist', 'esm', 'api', 'index.mjs')).href;
}

/** A JSON fault at a byte offset of the file. */
export class StreamFault extends Error {
  constructor(
    readonly at: number,
    readonly expected: string,
  ) {
    super(`invalid JSON at byte ${at}`);
  }
}

export interface StreamOptions {
  keep?: ReadonlySet<string>;
  /** Worker threads (1: parse here). */
  jobs?: number;
  pool?: StreamPool;
  /** Sizes, for tests. */
  batchBytes?: number;
  chunkBytes?: number;
}

export interface StreamRead {
  /** The document without its resource list (the list left empty), or the whole document when it has none. */
  doc: unknown;
  scan: ScanResult;
  /** The list's resources, checked, projected and decoded, in file order (when a list was found). */
  items?: ResourceItem[];
}

/**
 * Read a state file by streaming. Throws StreamFault for bad JSON (the
 * caller turns it into an error with line and column), InputError otherwise.
 */
export async function streamState(file: string, options: StreamOptions = {}): Promise<StreamRead> {
  return (await streamOnce(file, options, true)) ?? (await streamOnce(file, options, false))!;
}

/** One read; with guessed cuts, undefined when the file must be read again with the exact scan. */
async function streamOnce(file: string, options: StreamOptions, guess: boolean): Promise<StreamRead | undefined> {
  const jobs = options.jobs ?? defaultJobs();
  const keepList = options.keep ? [...options.keep] : undefined;
  const batchBytes = options.batchBytes ?? 2 * 2 ** 20;
  let ownPool: StreamPool | undefined;
  const pool = (): StreamPool => options.pool ?? (ownPool ??= new StreamPool(jobs));
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new InputError({ file, reason: `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
  }
  // The first bytes, once (no cost per byte): UTF-16 is refused as the whole parse refuses it; a UTF-8 byte order mark
  // is skipped by the scan, so the header starts after it.
  let bom: number;
  try {
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, head.length, 0);
    if (isUtf16Head(head.subarray(0, n))) throw new InputError({ file, reason: UTF16_REASON });
    bom = utf8BomLength(head.subarray(0, n));
  } catch (err) {
    closeSync(fd);
    if (err instanceof InputError) throw err;
    throw new InputError({ file, reason: `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
  }
  const header: Buffer[] = [];
  let headerBytes = 0;
  const results: Array<Promise<BatchResult> | BatchResult> = [];
  const window = Math.max(2, jobs * 2);
  try {
    let scan: ScanResult;
    try {
      scan = await scanState(
        (into) => {
          try {
            return readSync(fd, into, 0, into.length, null);
          } catch (err) {
            throw new InputError({ file, reason: `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
          }
        },
        {
          header(bytes) {
            headerBytes += bytes.length;
            if (headerBytes > MAX_INPUT_BYTES) {
              throw new InputError({
                file,
                reason: `the file holds more than ${MAX_INPUT_BYTES / 2 ** 20} MB outside a state's resource list; firebreak reads at most that`,
              });
            }
            header.push(Buffer.from(bytes));
          },
          async batch(bytes, _count, at, index, path) {
            const job: BatchJob = { bytes, at, index, path: `${path}` };
            if (jobs <= 1) {
              results.push(parseBatch(job, options.keep, true));
              return;
            }
            // Let the workers' replies in first: each frees its worker for the next batch.
            await new Promise<void>((resolve) => setImmediate(resolve));
            if (!pool().hasRoom()) {
              results.push(parseBatch(job, options.keep, true));
              return;
            }
            // Decoded as it arrives (decodeBatch): the main thread does that while a worker parses the next batch.
            const p = pool().run(job, keepList);
            p.catch(() => undefined); // awaited below; never unhandled
            results.push(p);
            // Keep a bounded number of batches in flight: memory stays a few batches per worker.
            if (results.length > window) {
              try {
                await results[results.length - 1 - window];
              } catch (err) {
                throw workerError(file, err);
              }
            }
          },
        },
        { batchBytes, guess, ...(options.chunkBytes ? { chunkBytes: options.chunkBytes } : {}) },
      );
    } catch (err) {
      // With guessed cuts, a batch before the fault may hold an earlier one: the exact scan tells the first.
      if (err instanceof ScanFault) {
        if (guess) return undefined;
        // The scan checks separators and bytes, not the JSON of each batch nor of the header: one of those may
        // hold a fault before this one.
        const settled = await Promise.allSettled(results);
        const batch = settled.find((r) => r.status === 'fulfilled' && 'fault' in r.value);
        const before = batch?.status === 'fulfilled' && 'fault' in batch.value ? batch.value.fault : undefined;
        const inHeader = headerFault(Buffer.concat(header).toString('utf8'), bom, err.listStart, err.listEnd, true);
        throw firstFault([before && new StreamFault(before.at, before.expected), inHeader, new StreamFault(err.at, err.expected)]);
      }
      throw err;
    }
    let done: BatchResult[];
    try {
      done = await Promise.all(results);
    } catch (err) {
      throw workerError(file, err);
    }
    const items: ResourceItem[] = [];
    if (done.some((r) => 'retry' in r)) return undefined;
    let batchFault: StreamFault | undefined;
    for (const r of done) {
      if ('retry' in r) continue;
      if ('fault' in r) {
        batchFault = new StreamFault(r.fault.at, r.fault.expected);
        break;
      }
      for (const item of r.items) items.push(item);
    }
    scan.elements = items.length; // a scan that guessed its cuts did not count them
    const text = Buffer.concat(header).toString('utf8');
    header.length = 0;
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      // Where in the header: the file offset of that character; a fault in a batch may come first.
      throw firstFault([batchFault, headerFault(text, bom, scan.listStart, scan.listEnd, false)]);
    }
    if (batchFault) throw batchFault;
    noteInput(file);
    return { doc, scan, ...(scan.path !== undefined ? { items } : {}) };
  } finally {
    closeSync(fd);
    if (ownPool) await ownPool.close();
  }
}

/**
 * The fault in a state's header (the text outside its resource list, the list left as `[]`), at its file offset;
 * with `partial` (the header read so far, up to a fault the scan found) only a fault before its end counts. The header
 * starts at file offset `origin` (after a byte order mark).
 */
function headerFault(text: string, origin: number, listStart: number, listEnd: number, partial: boolean): StreamFault | undefined {
  const f = jsonFault(text);
  if (!f && partial) return undefined;
  const { offset, expected } = f ?? { offset: 0, expected: 'valid JSON' };
  if (partial && offset >= text.length) return undefined;
  const hb = origin + Buffer.byteLength(text.slice(0, offset));
  return new StreamFault(listStart >= 0 && hb >= listStart ? hb - listStart + listEnd : hb, expected);
}

/** Of faults found apart, the one first in the file. */
function firstFault(faults: Array<StreamFault | undefined>): StreamFault {
  let first: StreamFault | undefined;
  for (const f of faults) if (f && (!first || f.at < first.at)) first = f;
  return first!;
}

function workerError(file: string, err: unknown): InputError {
  return err instanceof InputError
    ? err
    : new InputError({ file, ...optionReason((o) => `reading the resources in a worker thread failed (${workerFailure(err)}); try ${o('jobs')} 1`) });
}

/** What a failed worker says, without quoting input. */
function workerFailure(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    if (/^the worker stopped \(exit code -?\d+\)$/.test(err.message)) return err.message;
    return code ? `${err.name} ${code}` : err.name;
  }
  return 'unknown error';
}

/** The error for a JSON fault at a byte offset: line and column as a whole parse counts them (UTF-16 units). */
export function faultError(file: string, fault: StreamFault, size: number): InputError {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(8 * 2 ** 20);
    let line = 1;
    let lineStart = 0;
    for (let pos = 0; pos < fault.at;) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, fault.at - pos), pos);
      if (n === 0) break;
      for (let k = buf.indexOf(0x0a, 0); k !== -1 && k < n; k = buf.indexOf(0x0a, k + 1)) {
        line++;
        lineStart = pos + k + 1;
      }
      pos += n;
    }
    const lineBytes = Buffer.alloc(Math.min(Math.max(0, fault.at - lineStart), 64 * 2 ** 20));
    readSync(fd, lineBytes, 0, lineBytes.length, fault.at - lineBytes.length);
    // On the first line, a byte order mark is no column (the whole parse drops it).
    const lineText = lineBytes.toString('utf8');
    const column = lineText.length + 1 - (lineStart === 0 && lineText.charCodeAt(0) === 0xfeff ? 1 : 0);
    // Truncated: nothing but white space from the fault to the end.
    const tail = Buffer.alloc(Math.min(size - fault.at, 65536));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    const truncated = size - fault.at <= 65536 && /^\s*$/.test(tail.subarray(Math.max(0, tail.length - (size - fault.at))).toString('latin1'));
    return new InputError({ file, line, column, reason: jsonFaultReason(fault.expected, truncated) });
  } finally {
    closeSync(fd);
  }
}

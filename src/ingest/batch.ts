/**
 * One batch of a state's resource list, as the streaming reader hands it to
 * a worker (or parses it in place with --jobs 1): the bytes of whole
 * elements, parsed with one JSON.parse, each checked and projected as
 * readState does. Shared by src/ingest/stream.ts and src/ingest/worker.ts.
 */
import { jsonFault, MAX_JSON_DEPTH } from './json.js';
import { Mentions, noPropertyDependencies, resourceItem, type ResourceItem } from './state.js';
import type { ResourceRecord } from './types.js';
import { decodeMap } from './values.js';

export interface BatchJob {
  /** `[`, the elements' bytes as the file has them, `]`. */
  bytes: Uint8Array;
  /** File offset of the first element (bytes[1]). */
  at: number;
  /** Index of the first element in the resource list; -1 when the cuts were guessed (src/ingest/scan.ts). */
  index: number;
  /** The list's path (for messages: `deployment.resources[7]...`). */
  path: string;
}

/** `retry`: a batch of guessed cuts did not parse, or holds what needs its index to be told: the file must be scanned exactly. */
export type BatchResult = { items: ResourceItem[] } | { fault: { at: number; expected: string } } | { retry: true };

/** Whether a parsed value nests `left` levels or more (recursion: the value came from at most a few MB of JSON, and stops at `left`). */
function nestsBeyond(value: object, left: number): boolean {
  if (left <= 0) return true;
  if (Array.isArray(value)) {
    for (let k = 0; k < value.length; k++) {
      const v: unknown = value[k];
      if (v !== null && typeof v === 'object' && nestsBeyond(v, left - 1)) return true;
    }
    return false;
  }
  for (const key in value) {
    const v: unknown = (value as Record<string, unknown>)[key];
    if (v !== null && typeof v === 'object' && nestsBeyond(v, left - 1)) return true;
  }
  return false;
}

/** The batch's items; with `decode` (on the main thread) their values decoded, else left for decodeMap (see resourceItem). */
export function parseBatch(job: BatchJob, keep: ReadonlySet<string> | undefined, decode = false): BatchResult {
  // As UTF-8, even when the bytes are plain ASCII: Latin-1 decoding is five times cheaper, but Node makes a Latin-1
  // string of more than about 1 MB an external one, whose memory the collector frees only in a full collection (at 1M
  // resources in ten files that doubled ingest's CPU, 19 -> 40 s); in pieces joined, it was slower than UTF-8.
  const text = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength).toString('utf8');
  let list: unknown[];
  try {
    list = JSON.parse(text) as unknown[];
  } catch {
    if (job.index < 0) return { retry: true };
    const f = jsonFault(text) ?? { offset: 1, expected: 'valid JSON' };
    // Back from a character offset in `[elements]` to a byte offset in the file.
    const chars = Math.max(0, Math.min(text.length - 2, f.offset - 1));
    return { fault: { at: job.at + Buffer.byteLength(text.slice(1, 1 + chars)), expected: f.expected } };
  }
  const items: ResourceItem[] = new Array<ResourceItem>(list.length);
  const mentions = new Mentions();
  if (job.index < 0) {
    // Guessed cuts: near the nesting limit, or a resource whose message names its index, the exact scan decides.
    for (let k = 0; k < list.length; k++) {
      const raw = list[k];
      if (raw !== null && typeof raw === 'object' && nestsBeyond(raw, MAX_JSON_DEPTH - 16)) return { retry: true };
      const item = resourceItem(raw, job.path, -1, keep, mentions, decode);
      if ('bad' in item || 'urnProblem' in item) return { retry: true };
      items[k] = item;
    }
    return { items };
  }
  let bad = 0;
  for (let k = 0; k < list.length; k++) {
    const item = resourceItem(list[k], job.path, job.index + k, keep, mentions, decode);
    items[k] = item;
    // readState stops at the tenth bad resource: the rest of the batch would never be read (and explaining each of
    // millions of bad elements is what takes the time).
    if ('bad' in item && ++bad >= 10) {
      items.length = k + 1;
      break;
    }
  }
  return { items };
}

/**
 * A worker's reply as JSON text, compact: each record a row whose URNs, types, stacks and projects are indices into
 * one list of the batch's distinct strings (a provider or network URN that fifty resources name is sent once, and
 * is one string on the main thread). About half the text of the records themselves, so cheaper on both threads.
 */
export function encodeBatch(result: BatchResult): string {
  if (!('items' in result)) return JSON.stringify(result);
  const strings: string[] = [];
  const at = new Map<string, number>();
  const ref = (s: string): number => {
    let k = at.get(s);
    if (k === undefined) {
      k = strings.length;
      strings.push(s);
      at.set(s, k);
    }
    return k;
  };
  const refs = (list: string[]): number[] => {
    const out = new Array<number>(list.length);
    for (let k = 0; k < list.length; k++) out[k] = ref(list[k]!);
    return out;
  };
  const rows: unknown[] = new Array<unknown>(result.items.length);
  for (let k = 0; k < result.items.length; k++) {
    const item = result.items[k]!;
    if (!('record' in item)) {
      rows[k] = item;
      continue;
    }
    const r = item.record;
    let pd: Record<string, number[]> | 0 = 0;
    // Null prototype: a property named __proto__ is just a name.
    for (const key in r.propertyDependencies) (pd ||= Object.create(null) as Record<string, number[]>)[key] = refs(r.propertyDependencies[key]!);
    const row: unknown[] = [
      ref(r.urn),
      ref(r.type),
      r.name,
      ref(r.stack),
      ref(r.project),
      r.custom ? 1 : 0,
      r.inputs,
      r.outputs,
      refs(r.dependencies),
      pd,
      r.id ?? 0,
      r.parent !== undefined ? ref(r.parent) : -1,
      r.provider !== undefined ? ref(r.provider) : -1,
    ];
    if (r.external !== undefined || r.source !== undefined) row.push(r.external ?? 0, r.source ?? 0);
    rows[k] = row;
  }
  return JSON.stringify([strings, rows]);
}

/** The items of encodeBatch's text, as parseBatch gave them (the same records, keys in the same order), their values decoded. */
export function decodeBatch(text: string): BatchResult {
  const parsed = JSON.parse(text) as [string[], unknown[]] | Exclude<BatchResult, { items: ResourceItem[] }>;
  if (!Array.isArray(parsed)) return parsed;
  const [s, rows] = parsed;
  const items = new Array<ResourceItem>(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const row = rows[k];
    if (!Array.isArray(row)) {
      items[k] = row as ResourceItem;
      continue;
    }
    // The parsed lists of indices become the lists of URNs in place, and the parsed map of property dependencies
    // the record's (its prototype set to null, as recordFromRaw's): no copy of each, nor a dictionary object, per
    // record (100k with --jobs 2, whole run: scavenges promoted 314 -> 293 MB).
    const dependencies = row[8] as Array<number | string>;
    for (let d = 0; d < dependencies.length; d++) dependencies[d] = s[dependencies[d] as number]!;
    const pd = row[9] as Record<string, Array<number | string>> | 0;
    if (pd !== 0) {
      for (const key in pd) {
        const list = pd[key]!;
        for (let d = 0; d < list.length; d++) list[d] = s[list[d] as number]!;
      }
    }
    // Null prototype: a property named __proto__ is just a name (JSON.parse made it an own property).
    const propertyDependencies = (pd === 0 ? noPropertyDependencies() : Object.setPrototypeOf(pd, null)) as Record<string, string[]>;
    const record: ResourceRecord = {
      urn: s[row[0] as number]!,
      type: s[row[1] as number]!,
      name: row[2] as string,
      stack: s[row[3] as number]!,
      project: s[row[4] as number]!,
      custom: row[5] === 1,
      // Decoded here, on the main thread (decoded values do not cross threads), not in a later pass over the batch.
      inputs: decodeMap(row[6]),
      outputs: decodeMap(row[7]),
      dependencies: dependencies as string[],
      propertyDependencies,
    };
    if (row[10] !== 0) record.id = row[10] as string;
    if (row[11] !== -1) record.parent = s[row[11] as number]!;
    if (row[12] !== -1) record.provider = s[row[12] as number]!;
    if (row.length > 13) {
      if (row[13] !== 0) record.external = row[13] as boolean;
      if (row[14] !== 0) record.source = row[14] as NonNullable<ResourceRecord['source']>;
    }
    items[k] = { record };
  }
  return { items };
}

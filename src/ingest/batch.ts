/**
 * One batch of a state's resource list, as the streaming reader hands it to
 * a worker (or parses it in place with --jobs 1): the bytes of whole
 * elements, parsed with one JSON.parse, each checked and projected as
 * readState does. Shared by src/ingest/stream.ts and src/ingest/worker.ts.
 */
import { jsonFault, MAX_JSON_DEPTH } from './json.js';
import { resourceItem, type ResourceItem } from './state.js';

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

export function parseBatch(job: BatchJob, keep: ReadonlySet<string> | undefined): BatchResult {
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
  if (job.index < 0) {
    // Guessed cuts: near the nesting limit, or a resource whose message names its index, the exact scan decides.
    for (let k = 0; k < list.length; k++) {
      const raw = list[k];
      if (raw !== null && typeof raw === 'object' && nestsBeyond(raw, MAX_JSON_DEPTH - 16)) return { retry: true };
      const item = resourceItem(raw, job.path, -1, keep);
      if ('bad' in item || 'urnProblem' in item) return { retry: true };
      items[k] = item;
    }
    return { items };
  }
  for (let k = 0; k < list.length; k++) items[k] = resourceItem(list[k], job.path, job.index + k, keep);
  return { items };
}

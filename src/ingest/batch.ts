/**
 * One batch of a state's resource list, as the streaming reader hands it to
 * a worker (or parses it in place with --jobs 1): the bytes of whole
 * elements, parsed with one JSON.parse, each checked and projected as
 * readState does. Shared by src/ingest/stream.ts and src/ingest/worker.ts.
 */
import { jsonFault } from './json.js';
import { resourceItem, type ResourceItem } from './state.js';

export interface BatchJob {
  bytes: Uint8Array;
  /** File offset of bytes[0]. */
  at: number;
  /** Index of the first element in the resource list. */
  index: number;
  /** The list's path (for messages: `deployment.resources[7]...`). */
  path: string;
}

export type BatchResult = { items: ResourceItem[] } | { fault: { at: number; expected: string } };

export function parseBatch(job: BatchJob, keep: ReadonlySet<string> | undefined): BatchResult {
  const text = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength).toString('utf8');
  let list: unknown[];
  try {
    list = JSON.parse(`[${text}]`) as unknown[];
  } catch {
    const f = jsonFault(`[${text}]`) ?? { offset: 1, expected: 'valid JSON' };
    // Back from a character offset in `[text]` to a byte offset in the file.
    const chars = Math.max(0, Math.min(text.length, f.offset - 1));
    return { fault: { at: job.at + Buffer.byteLength(text.slice(0, chars)), expected: f.expected } };
  }
  const items: ResourceItem[] = new Array<ResourceItem>(list.length);
  for (let k = 0; k < list.length; k++) items[k] = resourceItem(list[k], job.path, job.index + k, keep);
  return { items };
}

/**
 * A worker thread of the streaming reader: parses batches of resources
 * (src/ingest/batch.ts) and posts back the checked, projected items, as JSON text.
 */
import { parentPort } from 'node:worker_threads';
import { encodeBatch, parseBatch, type BatchJob } from './batch.js';

// The projection comes with each job; the last one's set is kept.
let lastKeep: string | undefined;
let keepSet: ReadonlySet<string> | undefined;

parentPort!.on('message', (msg: { id: number; job: BatchJob; keep?: string[] }) => {
  let reply: { id: number; json: string } | { id: number; error: string };
  try {
    const key = msg.keep ? msg.keep.join('\0') : undefined;
    if (key !== lastKeep) {
      lastKeep = key;
      keepSet = msg.keep ? new Set(msg.keep) : undefined;
    }
    // As JSON text (JSON.parse of it on the main thread costs about half what a structured clone of the items does),
    // compact: see encodeBatch.
    reply = { id: msg.id, json: encodeBatch(parseBatch(msg.job, keepSet)) };
  } catch (err) {
    reply = { id: msg.id, error: err instanceof Error ? err.message : String(err) };
  }
  // The batch's buffer goes back, for the next batch to be copied into (see StreamPool.run).
  const buffer = msg.job.bytes.buffer as ArrayBuffer;
  parentPort!.postMessage({ ...reply, buffer }, [buffer]);
});

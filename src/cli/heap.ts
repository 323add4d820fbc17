/**
 * A heap for large inputs. Node gives a process a fixed heap limit (about
 * 4 GB on a 64-bit machine, whatever its memory); an organisation's exports
 * (1M resources in 2 GB of state files) need close to that, and a heap near
 * its limit spends its time in garbage collection, or ends the process. So
 * when the files named on the command line are large, the binary runs itself
 * again with a limit that fits them (at most three quarters of the machine's
 * memory), unless NODE_OPTIONS or node's own flags already set one
 * (--max-old-space-size or --max-heap-size).
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Set in the environment of the process run again, so that it never runs itself once more. */
export const RESPAWNED_ENV = 'FIREBREAK_RESPAWNED';

/** Heap per byte of state read: the peak (measured: about 1.75-3 bytes per byte, see `npm run bench`) with room for the collector. */
const HEAP_PER_INPUT_BYTE = 4;
/** Entries a directory argument (a DIY backend) is walked for before its size is taken as known. */
const MAX_ENTRIES = 10_000;

export interface HeapContext {
  /** The current heap limit, in MB (v8.getHeapStatistics().heap_size_limit). */
  limitMB: number;
  /** The machine's memory, in MB. */
  totalMB: number;
  execArgv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * The heap limit (MB) to run again with, for inputs of `inputBytes` bytes; undefined to run as is:
 * the inputs fit in the current limit, a limit is already set, or this is the process run again.
 */
export function heapToRespawn(inputBytes: number, ctx: HeapContext): number | undefined {
  if (ctx.env[RESPAWNED_ENV]) return undefined;
  const setByUser = (s: string | undefined): boolean => s !== undefined && /--max[-_](?:old[-_]space|heap)[-_]size\b/.test(s);
  if (ctx.execArgv.some(setByUser) || setByUser(ctx.env.NODE_OPTIONS)) return undefined;
  const needMB = Math.ceil((inputBytes * HEAP_PER_INPUT_BYTE) / 2 ** 20);
  if (needMB <= ctx.limitMB) return undefined;
  const want = Math.min(Math.floor(ctx.totalMB * 0.75), needMB);
  return want > ctx.limitMB ? want : undefined;
}

/** The bytes of the files the arguments name (a directory: the files under it); other arguments count nothing. */
export function inputBytesOf(args: readonly string[], cwd: string): number {
  let total = 0;
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    // What is written (a report from an earlier run may be large) is not read.
    if (a === '-o' || a === '--output') k++;
    if (a.startsWith('-')) continue;
    const budget = { left: MAX_ENTRIES };
    let bytes = sizeOf(path.resolve(cwd, a), budget);
    // `dir@stack`, `Pulumi.yaml@stack`: the part before the stack selector.
    const at = a.lastIndexOf('@');
    if (bytes === 0 && at > 0) bytes = sizeOf(path.resolve(cwd, a.slice(0, at)), budget);
    total += bytes;
  }
  return total;
}

function sizeOf(file: string, budget: { left: number }): number {
  try {
    const s = statSync(file);
    if (s.isFile()) return s.size;
    if (!s.isDirectory()) return 0;
    let total = 0;
    for (const e of readdirSync(file, { withFileTypes: true })) {
      if (--budget.left < 0) break;
      if (e.name === 'node_modules' || e.name === '.git') continue;
      if (e.isDirectory() || (e.isFile() && e.name.endsWith('.json'))) total += sizeOf(path.join(file, e.name), budget);
    }
    return total;
  } catch {
    return 0;
  }
}

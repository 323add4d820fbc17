/**
 * Files a test run writes where the source looks for the build's output (src/rules-cache.json, src/ingest/nodejs/runner.js)
 * and removes at the end: two runs in the same checkout at once (the whole suite, and one file run beside it) share them.
 * Each run leaves a marker beside the file (FILE.PID.run) while it lasts; the file is replaced in one rename, never removed
 * first, and the last run to end removes it. Removing it under a running suite would not break that run, only slow it.
 */
import { readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const markerOf = (file: string): string => `${file}.${process.pid}.run`;

/** The process ids of the other runs that still use FILE (their markers; a marker of a process that is gone is removed). */
function otherRuns(file: string): number[] {
  const prefix = `${path.basename(file)}.`;
  return readdirSync(path.dirname(file)).flatMap((f) => {
    const m = f.startsWith(prefix) ? /^(\d+)\.run$/.exec(f.slice(prefix.length)) : null;
    if (!m || Number(m[1]) === process.pid) return [];
    try {
      process.kill(Number(m[1]), 0);
      return [Number(m[1])];
    } catch {
      rmSync(path.join(path.dirname(file), f), { force: true });
      return [];
    }
  });
}

/** This run uses FILE: its marker, dated like the file (not newer than the sources). */
export function claim(file: string): void {
  writeFileSync(markerOf(file), '');
  utimesSync(markerOf(file), 0, 0);
}

/**
 * FILE's new text, replaced in one rename. Dated 1970: ensureBuilt (test/helpers/build.ts) must not take dist/ for stale
 * because of a file the run wrote under src/.
 */
export function put(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  utimesSync(tmp, 0, 0);
  renameSync(tmp, file);
}

/** This run is done with FILE: its marker removed, and FILE too when no other run uses it. */
export function release(file: string): void {
  rmSync(markerOf(file), { force: true });
  if (otherRuns(file).length === 0) rmSync(file, { force: true });
}

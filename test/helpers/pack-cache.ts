/**
 * vitest globalSetup: the parsed built-in rule packs, written once per run where the source looks for the build's cache
 * (src/rules-cache.json, beside src/classify/; dist/rules-cache.json in the package), and removed at the end.
 *
 * Each test file runs in a fresh module graph, so without it every file that classifies parses the 1 MB of YAML of
 * rules/ again (about 0.7 s a file, some fifty files). The cache is written by this run's own parser (packCacheText)
 * from this run's rules/, each entry is used only for a pack file of the same sha256, and
 * test/rules/pack-cache.test.ts checks that every pack read from it equals the pack parsed from its YAML.
 *
 * Two runs in the same checkout at once (the whole suite, and one file run beside it): the file is replaced in one
 * rename, never removed first, and the last run to end removes it (each run leaves a marker, src/rules-cache.json.PID.run,
 * while it lasts). Removing it under a running suite would not break it, only make every later file parse the YAML.
 */
import { readdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packCacheText } from '../../src/classify/packs.js';

/** The file src/classify/packs.ts reads (its PACK_CACHE_FILE when run from the source). */
export const SOURCE_PACK_CACHE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'rules-cache.json');
const marker = `${SOURCE_PACK_CACHE}.${process.pid}.run`;

/** The process ids of the runs that still use the cache (their markers; a marker of a process that is gone is removed). */
function otherRuns(): number[] {
  const prefix = `${path.basename(SOURCE_PACK_CACHE)}.`;
  return readdirSync(path.dirname(SOURCE_PACK_CACHE)).flatMap((f) => {
    const m = f.startsWith(prefix) ? /^(\d+)\.run$/.exec(f.slice(prefix.length)) : null;
    if (!m || Number(m[1]) === process.pid) return [];
    try {
      process.kill(Number(m[1]), 0);
      return [Number(m[1])];
    } catch {
      rmSync(path.join(path.dirname(SOURCE_PACK_CACHE), f), { force: true });
      return [];
    }
  });
}

export function setup(): void {
  writeFileSync(marker, '');
  // Like the cache, not newer than the sources (ensureBuilt compares dist/ with the newest file under src/).
  utimesSync(marker, 0, 0);
  let text: string;
  try {
    text = packCacheText();
  } catch {
    // A built-in pack that does not parse: no cache, so each test that loads it fails as it would without one.
    rmSync(SOURCE_PACK_CACHE, { force: true });
    return;
  }
  const tmp = `${SOURCE_PACK_CACHE}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  // Not newer than the sources: ensureBuilt (test/helpers/build.ts) must not take dist/ for stale because of it.
  utimesSync(tmp, 0, 0);
  renameSync(tmp, SOURCE_PACK_CACHE);
}

export function teardown(): void {
  rmSync(marker, { force: true });
  if (otherRuns().length === 0) rmSync(SOURCE_PACK_CACHE, { force: true });
}

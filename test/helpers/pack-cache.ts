/**
 * vitest globalSetup: the parsed built-in rule packs, written once per run where the source looks for the build's cache
 * (src/rules-cache.json, beside src/classify/; dist/rules-cache.json in the package), and removed at the end.
 *
 * Each test file runs in a fresh module graph, so without it every file that classifies parses the 1 MB of YAML of
 * rules/ again (about 0.7 s a file, some fifty files). The cache is written by this run's own parser (packCacheText)
 * from this run's rules/, each entry is used only for a pack file of the same sha256, and
 * test/rules/pack-cache.test.ts checks that every pack read from it equals the pack parsed from its YAML.
 * Two runs in the same checkout at once share it (test/helpers/run-markers.ts).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packCacheText } from '../../src/classify/packs.js';
import { claim, put, release } from './run-markers.js';

/** The file src/classify/packs.ts reads (its PACK_CACHE_FILE when run from the source). */
export const SOURCE_PACK_CACHE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'rules-cache.json');

export function setup(): void {
  claim(SOURCE_PACK_CACHE);
  let text: string;
  try {
    text = packCacheText();
  } catch {
    // A built-in pack that does not parse: no cache, so each test that loads it fails as it would without one.
    rmSync(SOURCE_PACK_CACHE, { force: true });
    return;
  }
  put(SOURCE_PACK_CACHE, text);
}

export function teardown(): void {
  release(SOURCE_PACK_CACHE);
}

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRulesDir, generatedRulesDir, loadPackFile, packCacheText, parsePack, type PackCache } from '../../src/classify/packs.js';

const cache = JSON.parse(packCacheText()) as PackCache;
const files = [builtinRulesDir(), generatedRulesDir()].flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => path.join(dir, f)),
);

describe('the parsed-pack cache of the build (dist/rules-cache.json)', () => {
  it('holds every built-in pack, generated ones included', () => {
    expect(Object.keys(cache.packs).sort()).toEqual(files.map((f) => path.relative(builtinRulesDir(), f).split(path.sep).join('/')).sort());
    expect(Object.keys(cache.packs)).toContain('generated/azure-native-generated.yaml');
  });

  it('gives each pack exactly as parsing its YAML does', () => {
    for (const file of files) expect(loadPackFile(file, cache)).toEqual(parsePack(readFileSync(file, 'utf8'), file));
  });

  it('is not used for a pack whose text changed since the build: the file is parsed again', () => {
    const file = path.join(builtinRulesDir(), 'core.yaml');
    const rel = 'core.yaml';
    const stale: PackCache = { version: 1, packs: { [rel]: { ...cache.packs[rel]!, pack: { ...cache.packs[rel]!.pack, description: 'stale' } } } };
    // Same text, so the stale entry is taken: the test can tell which path was used.
    expect(loadPackFile(file, stale).description).toBe('stale');
    stale.packs[rel]!.sha256 = '0'.repeat(64);
    expect(loadPackFile(file, stale).description).toBe(parsePack(readFileSync(file, 'utf8'), file).description);
  });

  it('hands out copies: changing one loaded pack does not change the next', () => {
    const file = path.join(builtinRulesDir(), 'core.yaml');
    const first = loadPackFile(file, cache);
    first.rules.length = 0;
    expect(loadPackFile(file, cache).rules.length).toBeGreaterThan(0);
  });
});

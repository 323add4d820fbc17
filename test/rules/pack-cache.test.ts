import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { builtinRulesDir, generatedRulesDir, loadPackFile, packCacheText, parsePack, type PackCache } from '../../src/classify/packs.js';
import { repoRoot } from '../helpers/cli.js';

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

/**
 * The guard of src/classify/packs.ts's own cache file (rules-cache.json beside src/ or dist/), read once per process:
 * run from the sources it counts only under the test runner (VITEST), which writes it with this run's parser
 * (test/helpers/pack-cache.ts); a file left by a stopped run could come from an older parser, so `tsx` scripts parse the
 * YAML. And whoever reads it takes it only when it is version 1 JSON, and each entry only for a pack file of its sha256.
 * Shown on a copy of src/ and rules/core.yaml in a temporary directory, whose planted cache holds core.yaml under its
 * true sha256 but with another description: the description a load gives tells which path was taken.
 */
describe('the cache file rules-cache.json is used only when it may be', () => {
  const PLANTED = 'planted by the guard test';
  const coreText = readFileSync(path.join(builtinRulesDir(), 'core.yaml'), 'utf8');
  const parsedDescription = parsePack(coreText, 'core.yaml').description;
  const copy = mkdtempSync(path.join(tmpdir(), 'firebreak-pack-guard-'));
  cpSync(path.join(repoRoot, 'src'), path.join(copy, 'src'), { recursive: true, filter: (f) => !f.endsWith('rules-cache.json') });
  mkdirSync(path.join(copy, 'rules'));
  writeFileSync(path.join(copy, 'rules', 'core.yaml'), coreText);
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  // ESM, as in the repository (tsx would otherwise load the copy as CommonJS).
  writeFileSync(path.join(copy, 'package.json'), JSON.stringify({ type: 'module' }));
  const cacheFile = path.join(copy, 'src', 'rules-cache.json');
  const packsModule = path.join(copy, 'src', 'classify', 'packs.ts');
  const coreFile = path.join(copy, 'rules', 'core.yaml');
  const planted = (sha: string, version = 1): string =>
    JSON.stringify({ version, packs: { 'core.yaml': { sha256: sha, pack: { ...cache.packs['core.yaml']!.pack, description: PLANTED } } } });
  const trueSha = cache.packs['core.yaml']!.sha256;

  /** core.yaml's description as the copy's loadPackFile gives it in a fresh module (the cache file is read once per module). */
  async function loadedDescription(cacheText: string | undefined): Promise<string> {
    rmSync(cacheFile, { force: true });
    if (cacheText !== undefined) writeFileSync(cacheFile, cacheText);
    vi.resetModules();
    const packs = (await import(/* @vite-ignore */ packsModule)) as typeof import('../../src/classify/packs.js');
    return packs.loadPackFile(coreFile).description;
  }

  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('under the test runner, a fresh cache is used (so the cases below can tell it was not)', async () => {
    expect(PLANTED).not.toBe(parsedDescription);
    expect(await loadedDescription(planted(trueSha))).toBe(PLANTED);
  });

  it('an entry whose sha256 is not the pack file’s is not used: the YAML is parsed', async () => {
    expect(await loadedDescription(planted('0'.repeat(64)))).toBe(parsedDescription);
  });

  it('a cache of another version, one that is not JSON, or none at all: the YAML is parsed', async () => {
    expect(await loadedDescription(planted(trueSha, 2))).toBe(parsedDescription);
    expect(await loadedDescription(planted(trueSha).slice(0, -10))).toBe(parsedDescription);
    expect(await loadedDescription('null')).toBe(parsedDescription);
    expect(await loadedDescription(undefined)).toBe(parsedDescription);
  });

  it('run from the sources outside the test runner (a tsx script), even a fresh-looking cache is not used', () => {
    writeFileSync(cacheFile, planted(trueSha));
    const script = `const m = await import(${JSON.stringify(pathToFileURL(packsModule).href)}); console.log(m.loadPackFile(${JSON.stringify(coreFile)}).description);`;
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: copy, env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(parsedDescription);
  });
});

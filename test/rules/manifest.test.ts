/**
 * Pack manifests: the rule ids of every curated pack are pinned in
 * test/rules/manifest.yaml, so a rule that disappears or is renamed fails
 * here. Generated packs are checked by generated.test.ts instead.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { builtinRulesDir, loadPacks } from '../../src/classify/packs.js';
import { repoRoot } from '../helpers/cli.js';

const manifest = parse(readFileSync(path.join(repoRoot, 'test', 'rules', 'manifest.yaml'), 'utf8')) as Record<string, string[]>;
const packs = loadPacks(builtinRulesDir());

describe('pack manifests', () => {
  it('lists exactly the curated packs', () => {
    expect(Object.keys(manifest).sort()).toEqual(packs.map((p) => p.pack).sort());
  });

  it.each(packs.map((p) => [p.pack, p] as const))('%s has the pinned rules, in order', (name, pack) => {
    expect(pack.generated, 'a curated pack is not marked generated').toBeUndefined();
    expect(pack.rules.map((r) => r.id)).toEqual(manifest[name]);
  });

  it('rule ids are unique across the curated packs', () => {
    const ids = packs.flatMap((p) => p.rules.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

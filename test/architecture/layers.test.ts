/**
 * Imports point downward only: cli -> index -> ingest -> classify -> model ->
 * analysis -> report. Only the cli (and the bench harness) prints or exits.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

const src = path.join(repoRoot, 'src');
const ORDER = ['ingest', 'classify', 'model', 'analysis', 'report', 'cli'] as const;
/** What each stage may import (besides itself and the shared top-level files). */
const ALLOWED: Record<string, string[]> = {
  ingest: [],
  classify: ['ingest'],
  model: ['ingest', 'classify'],
  analysis: ['ingest', 'classify', 'model'],
  report: ['analysis', 'classify'],
  cli: ['*'],
  bench: ['*'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const all = files(src);

describe('architecture', () => {
  it('has the pipeline stages as folders', () => {
    for (const stage of ORDER) expect(statSync(path.join(src, stage)).isDirectory()).toBe(true);
  });

  it.each(all.map((f) => [path.relative(src, f), f]))('%s imports only downward', (_rel, file) => {
    const rel = path.relative(src, file);
    const stage = rel.includes(path.sep) ? rel.split(path.sep)[0]! : undefined;
    if (!stage || !ALLOWED[stage] || ALLOWED[stage]!.includes('*')) return;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/from '(\.[^']+)'/g)) {
      const target = path.relative(src, path.resolve(path.dirname(file), m[1]!));
      const targetStage = target.includes(path.sep) ? target.split(path.sep)[0]! : undefined;
      if (!targetStage || targetStage === stage) continue;
      expect(ALLOWED[stage], `${rel} imports ${target}`).toContain(targetStage);
    }
  });

  it('the cli holds no analysis and no rendering: its commands go through the library (src/index.ts)', () => {
    // rules.ts (list, validate, explain) still reads rule packs itself.
    const LIBRARY = new Set(['index.ts', 'errors.ts', 'version.ts']);
    for (const file of all) {
      const rel = path.relative(src, file);
      if (!rel.startsWith(`cli${path.sep}`) || rel === path.join('cli', 'rules.ts')) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const target = path.relative(src, path.resolve(path.dirname(file), m[1]!)).replace(/\.js$/, '.ts');
        if (target.startsWith(`cli${path.sep}`)) continue;
        expect(LIBRARY.has(target), `${rel} imports ${target}`).toBe(true);
      }
    }
  });

  it('prints and exits only in the cli', () => {
    for (const file of all) {
      const rel = path.relative(src, file);
      if (rel.startsWith(`cli${path.sep}`) || rel.startsWith(`bench${path.sep}`)) continue;
      const text = readFileSync(file, 'utf8');
      expect(text, rel).not.toMatch(/process\.exit|process\.stdout|process\.stderr|console\.(log|error|warn)/);
    }
  });
});

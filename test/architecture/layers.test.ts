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

/** Top-level files only the cli (and the bench harness) may import: the library API. */
const TOP_LEVEL_FOR_CLI_ONLY = new Set(['index.ts']);

/**
 * The src/ files a file imports, as paths relative to src/ with a .ts ending: static imports and
 * re-exports (`from '...'`), dynamic `import('...')` and `new URL('...', import.meta.url)` (worker files).
 */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...text.matchAll(/from '(\.[^']+)'/g),
    ...text.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g),
    ...text.matchAll(/new URL\(\s*'(\.[^']+)',\s*import\.meta\.url\s*\)/g),
  ].map((m) => m[1]!);
  return specs.map((spec) => path.relative(src, path.resolve(path.dirname(file), spec)).replace(/\.js$/, '.ts'));
}

describe('architecture', () => {
  it('has the pipeline stages as folders', () => {
    for (const stage of ORDER) expect(statSync(path.join(src, stage)).isDirectory()).toBe(true);
  });

  it.each(all.map((f) => [path.relative(src, f), f]))('%s imports only downward', (_rel, file) => {
    const rel = path.relative(src, file);
    const stage = rel.includes(path.sep) ? rel.split(path.sep)[0]! : undefined;
    if (!stage || !ALLOWED[stage] || ALLOWED[stage]!.includes('*')) return;
    for (const target of importsOf(file)) {
      const targetStage = target.includes(path.sep) ? target.split(path.sep)[0]! : undefined;
      // A top-level file: the shared helpers (errors, text, glob...) are open to all; the library API (index) and the version are the cli's.
      if (!targetStage) {
        expect(TOP_LEVEL_FOR_CLI_ONLY.has(target), `${rel} imports ${target}, which only the cli may import`).toBe(false);
        continue;
      }
      if (targetStage === stage) continue;
      expect(ALLOWED[stage], `${rel} imports ${target}`).toContain(targetStage);
    }
  });

  it('the cli holds no analysis and no rendering: its commands go through the library (src/index.ts)', () => {
    const LIBRARY = new Set(['index.ts', 'errors.ts', 'version.ts']);
    for (const file of all) {
      const rel = path.relative(src, file);
      if (!rel.startsWith(`cli${path.sep}`)) continue;
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

  it('sees dynamic imports too (the check above would miss a stage reached through import())', () => {
    const dynamic = all.filter((f) => /\bimport\(\s*'\./.test(readFileSync(f, 'utf8')));
    expect(dynamic.length).toBeGreaterThan(0);
    for (const f of dynamic) expect(importsOf(f).length).toBeGreaterThan(0);
  });

  it('has no import cycle among the source files (type-only imports aside)', () => {
    // Edges of value imports: an `import type` cycle costs nothing at run time.
    const graph = new Map<string, string[]>();
    for (const file of all) {
      const rel = path.relative(src, file);
      const text = readFileSync(file, 'utf8')
        .replace(/^import type [^;]+;$/gm, '')
        .replace(/^export type [^;]+;$/gm, '');
      const specs = [...text.matchAll(/from '(\.[^']+)'/g), ...text.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g)].map((m) => m[1]!);
      graph.set(
        rel,
        specs.map((spec) => path.relative(src, path.resolve(path.dirname(file), spec)).replace(/\.js$/, '.ts')).filter((t) => t !== rel),
      );
    }
    // Iterative depth-first search with colours; a grey target is a cycle.
    const colour = new Map<string, 1 | 2>();
    const cycles: string[] = [];
    for (const start of [...graph.keys()].sort()) {
      if (colour.has(start)) continue;
      const stack: Array<{ node: string; next: number }> = [{ node: start, next: 0 }];
      const onPath: string[] = [start];
      colour.set(start, 1);
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const targets = graph.get(top.node) ?? [];
        if (top.next < targets.length) {
          const t = targets[top.next++]!;
          if (!graph.has(t)) continue;
          const c = colour.get(t);
          if (c === 1) cycles.push([...onPath.slice(onPath.indexOf(t)), t].join(' -> '));
          else if (c === undefined) {
            colour.set(t, 1);
            stack.push({ node: t, next: 0 });
            onPath.push(t);
          }
        } else {
          colour.set(top.node, 2);
          stack.pop();
          onPath.pop();
        }
      }
    }
    expect(cycles).toEqual([]);
  });
});

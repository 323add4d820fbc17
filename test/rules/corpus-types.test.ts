/**
 * Every resource type in ../shared/corpus that firebreak models has a
 * specific rule: custom resources of the states, and every resource of the
 * Pulumi YAML programs (a program shows components alone). Component
 * resources of a state are not modelled (their children are) and need none.
 * Skipped when the corpus is absent.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Classifier } from '../../src/classify/index.js';
import { loadRuleSet } from '../../src/classify/packs.js';
import { corpusDir } from '../helpers/cli.js';

const present = existsSync(corpusDir);
if (!present) console.warn(`corpus type check skipped: ${corpusDir} not found`);
const walk = (d: string): string[] =>
  readdirSync(d)
    .sort()
    .flatMap((f) => (statSync(path.join(d, f)).isDirectory() ? walk(path.join(d, f)) : [path.join(d, f)]));

describe.skipIf(!present)('corpus types', () => {
  it('no modelled type is left without a rule', () => {
    const types = new Set<string>();
    for (const f of walk(corpusDir)) {
      const text = readFileSync(f, 'utf8');
      if (f.endsWith('.json') && /"(deployment|checkpoint|latest)"/.test(text.slice(0, 4000))) {
        let doc: { deployment?: { resources?: unknown[] }; checkpoint?: { latest?: { resources?: unknown[] } }; latest?: { resources?: unknown[] } };
        try {
          doc = JSON.parse(text);
        } catch {
          continue;
        }
        const res = (doc.deployment ?? doc.checkpoint?.latest ?? doc.latest)?.resources ?? [];
        for (const r of res as Array<{ type?: string; custom?: boolean }>) if (r.custom && r.type && !r.type.startsWith('pulumi:providers:')) types.add(r.type);
      } else if (/\.ya?ml$/.test(f)) {
        for (const m of text.matchAll(/^\s+type:\s*["']?([a-z][\w-]*:[\w./-]*:[A-Za-z]\w*)["']?\s*$/gm)) types.add(m[1]!);
      }
    }
    expect(types.size).toBeGreaterThan(20);
    const c = new Classifier(loadRuleSet());
    expect([...types].sort().filter((t) => !c.matchingRules(t).some((m) => !m.catchAll))).toEqual([]);
  });
});

/**
 * A Pulumi YAML program with a broken declaration that many others read,
 * directly or down a long chain: the one problem, with its line, once; the
 * broken declaration is evaluated once (src/ingest/yaml/evaluate.ts
 * remembers failures), not again, deeper, from each reader.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadYamlProject } from '../../src/ingest/yaml/index.js';

function program(text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-yaml-broken-'));
  writeFileSync(path.join(dir, 'Pulumi.yaml'), text);
  return dir;
}

const problems = (dir: string): string[] => {
  try {
    loadYamlProject(dir, {});
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as InputError).problems.map((p) => `${p.line}:${p.column}: ${p.reason}`);
  }
  throw new Error('the program loaded');
};

describe('a broken declaration that many read', () => {
  it('at the end of a chain of 20,000 resources (deeper than the call stack): one problem, with its line', () => {
    const n = 20_000;
    const lines = ['name: chain', 'runtime: yaml', 'resources:'];
    // r0 reads r1, which reads r2, ... the last reads a resource that is not there.
    for (let i = 0; i < n; i++) lines.push(`  r${i}:\n    type: aws:s3:Bucket\n    properties:\n      next: \${r${i + 1}.id}`);
    expect(problems(program(`${lines.join('\n')}\n`))).toEqual([
      `${3 + 4 * n}:13: unknown reference \${r${n}.id}: no resource, variable or config key named "r${n}"`,
    ]);
  });

  it('a broken variable read by a thousand resources, and a cycle, each said once', () => {
    const lines = ['name: many', 'runtime: yaml', 'variables:', '  broken: ${nowhere}', 'resources:'];
    for (let i = 0; i < 1000; i++) lines.push(`  b${i}:\n    type: aws:s3:Bucket\n    properties:\n      tag: \${broken}`);
    lines.push('  x:\n    type: aws:s3:Bucket\n    properties:\n      other: ${y.id}', '  y:\n    type: aws:s3:Bucket\n    properties:\n      other: ${x.id}');
    const found = problems(program(`${lines.join('\n')}\n`));
    expect(found.filter((p) => p.includes('"nowhere"'))).toHaveLength(1);
    expect(found.filter((p) => p.includes('reference cycle'))).not.toHaveLength(0);
  });
});

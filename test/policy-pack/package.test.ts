/**
 * The pack folder as Pulumi installs and runs it: `npm install` in the folder (a
 * published pack gets nothing else), then @pulumi/pulumi's run-policy-pack loads
 * the package.json `main` through ts-node, type-checking it with the pack's own
 * TypeScript if it has one, else with the TypeScript 3.8 @pulumi/pulumi vendors
 * (which rejects the pack's tsconfig.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PACK_DIR } from './engine.js';

const pack = JSON.parse(readFileSync(path.join(PACK_DIR, 'package.json'), 'utf8')) as {
  main: string;
  version: string;
  dependencies: Record<string, string>;
};
const root = JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe('policy-pack/package.json', () => {
  it('names a main that exists, and the version @pulumi/policy requires (the pack version Pulumi shows)', () => {
    expect(existsSync(path.join(PACK_DIR, pack.main))).toBe(true);
    expect(pack.version).toBe(root.version);
    expect(parse(readFileSync(path.join(PACK_DIR, 'PulumiPolicy.yaml'), 'utf8'))).toMatchObject({ runtime: 'nodejs' });
  });

  it('depends on everything it loads, typescript and @types/node included, at the versions the repository tests', () => {
    for (const dep of ['@pulumi/policy', '@pulumi/pulumi', 'tsx', 'typescript', '@types/node', 'zod']) {
      expect(pack.dependencies, dep).toHaveProperty(dep);
      expect(pack.dependencies[dep], dep).toBe(root.dependencies[dep] ?? root.devDependencies[dep]);
      expect(pack.dependencies[dep], dep).toMatch(/^\d+\.\d+\.\d+$/);
    }
    expect(pack.dependencies.firebreak).toBe('file:..');
    // What the pack's TypeScript files import from packages is declared.
    const imported = new Set<string>();
    for (const f of ['index.ts', 'main.ts', 'policies.ts', 'secrets.ts']) {
      const text = readFileSync(path.join(PACK_DIR, f), 'utf8');
      for (const m of text.matchAll(/(?:from |require\()'([^.'][^']*)'/g)) {
        const spec = m[1]!;
        if (spec.startsWith('node:')) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    expect([...imported].sort()).toEqual(['@pulumi/policy', 'firebreak', 'tsx', 'zod']);
    for (const i of imported) expect(pack.dependencies).toHaveProperty(i);
  });
});

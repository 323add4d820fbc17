/**
 * package.json `engines.node` admits no Node.js the package cannot run on: its
 * minimum is at least every runtime dependency's minimum and the version that
 * added each Node.js API the code imports by name (an ES module's named import
 * of a missing built-in export fails before any code runs).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

type Version = [number, number, number];
const parseMin = (range: string): Version | undefined => {
  const m = /^\s*>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(range);
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
};
const atLeast = (a: Version, b: Version): boolean => (a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] > b[1] : a[2] >= b[2]);

/** Node.js APIs imported by name, with the Node 20 release that added them. */
const ADDED: Array<{ module: string; name: string; since: Version }> = [
  { module: 'node:crypto', name: 'hash', since: [20, 12, 0] },
  { module: 'node:util', name: 'styleText', since: [20, 12, 0] },
  { module: 'node:process', name: 'getBuiltinModule', since: [20, 16, 0] },
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('engines.node', () => {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    engines: { node: string };
    dependencies: Record<string, string>;
  };
  const min = parseMin(pkg.engines.node)!;

  it('is a plain minimum', () => {
    expect(min, pkg.engines.node).toBeDefined();
  });

  it('is at least every runtime dependency minimum', () => {
    for (const dep of Object.keys(pkg.dependencies)) {
      const theirs = (JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', dep, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines
        ?.node;
      const their = theirs ? parseMin(theirs) : undefined;
      if (their) expect(atLeast(min, their), `${dep} needs node ${theirs}`).toBe(true);
    }
  });

  it('is at least the release that added each Node.js API the code imports by name', () => {
    const used: string[] = [];
    for (const file of sources(path.join(repoRoot, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(node:[a-z_/]+)'/g)) {
        const names = m[1]!.split(',').map((n) =>
          n
            .trim()
            .split(/\s+as\s+/)[0]!
            .replace(/^type\s+/, ''),
        );
        for (const a of ADDED) {
          if (m[2] === a.module && names.includes(a.name)) {
            used.push(`${a.module} ${a.name}`);
            expect(atLeast(min, a.since), `${path.relative(repoRoot, file)} imports ${a.name} from ${a.module} (Node ${a.since.join('.')})`).toBe(true);
          }
        }
      }
    }
    expect(used.length).toBeGreaterThan(0);
  });
});

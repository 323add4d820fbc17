/**
 * vitest's own order (longest or failed files first from its cache; without one, as in CI, larger files first), with one
 * change when dist/ is stale: the build starts in the background at once (test/helpers/build.ts), and the files that
 * spawn the built binary (they call ensureBuilt) move to after about a third of the estimated work, so neither worker
 * waits for the build while there are in-process tests to run. With dist/ fresh the order is vitest's.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { startBuildInBackground } from './build.js';

/** The share of the estimated work run before the files that need dist/ (the build takes about a quarter of a run). */
const BEFORE_BUILT = 1 / 3;

const needsDist = (file: string): boolean => {
  try {
    return /\bensureBuilt\b/.test(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
};

export default class Sequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const built = sorted.filter((f) => needsDist(f.moduleId));
    if (built.length === 0 || !startBuildInBackground()) return sorted;
    const rest = sorted.filter((f) => !built.includes(f));
    // Each file's last duration where vitest's cache has one, else its size (a rough proxy, scaled alike).
    const estimate = (f: TestSpecification): number => {
      const key = `${f.project.name}:${path.relative(this.ctx.config.root, f.moduleId)}`;
      return this.ctx.cache.getFileTestResults(key)?.duration ?? statSync(f.moduleId).size;
    };
    const total = rest.reduce((sum, f) => sum + estimate(f), 0);
    let at = 0;
    for (let sum = 0; at < rest.length && sum < total * BEFORE_BUILT; at++) sum += estimate(rest[at]!);
    return [...rest.slice(0, at), ...built, ...rest.slice(at)];
  }
}

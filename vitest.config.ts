import { defineConfig } from 'vitest/config';
import Sequencer from './test/helpers/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // smoke.test.ts builds dist/ first when it is stale.
    hookTimeout: 120_000,
    // Three workers even on two cores (vitest's default there is one): many tests wait on child processes (Node.js programs,
    // the browser, the binary, tsc), most of them blocked in spawnSync (about 36 s of a run). Measured on this 2-core
    // machine, whole suite: 2 workers 119-128 s, 3 workers 109 s.
    maxWorkers: 3,
    // As many kept as started: a worker tinypool ends while the run goes on (idle, above minWorkers) rejects with
    // "Terminating worker thread", an unhandled rejection that fails the run (seen with minWorkers 1 and 3 workers;
    // vitest-dev/vitest#8564).
    minWorkers: 3,
    // Worker threads, not child processes: setting one up costs less (no process to spawn; measured: 24 quick files
    // 14-17 s wall with forks, 10-13 s with threads). No test or in-process source changes the working directory (which a
    // thread cannot).
    pool: 'threads',
    // Test files that run in the same worker share its modules (src/, the helpers, node_modules): each file's own module
    // is fresh, but src/ is loaded, compiled and warmed up once per worker, not once per file. Measured on 43 files of
    // test/{rules,cli,analysis,classify,library}: 66 s of CPU with isolation, 41 s without, same 793 tests passing. What
    // this asks of tests: no vi.mock of a module another file may have loaded (test/security/hostile-topology.test.ts
    // shows the way: vi.resetModules, vi.doMock, a dynamic import, undone after), no change to process-wide state left
    // behind. `npx vitest run --poolOptions.threads.isolate=true` runs them isolated, to check.
    poolOptions: { threads: { isolate: false } },
    // The built-in rule packs parsed once per run, not once per test file (test/helpers/pack-cache.ts), and the Node.js
    // program runner built as the package has it, so programs do not start under tsx (test/helpers/runner-build.ts).
    globalSetup: ['test/helpers/pack-cache.ts', 'test/helpers/runner-build.ts'],
    // When dist/ is stale (always in CI: a fresh clone), it is built in the background as the run starts, and the files
    // that spawn the binary run after a third of the work (test/helpers/sequencer.ts), not first with a worker waiting.
    sequence: { sequencer: Sequencer },
  },
});

#!/usr/bin/env node
/**
 * The firebreak binary: run.ts's `run` wired to this process's arguments,
 * streams, environment and exit code. The cli is the only place that prints or exits.
 */
import { spawnSync } from 'node:child_process';
import { constants, totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { heapToRespawn, inputBytesOf, RESPAWNED_ENV } from './heap.js';
import { processIo, run } from './run.js';
import { EXIT_USAGE } from './shared.js';

// A reader that stops early (`firebreak ... | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    // A full disk or a closed descriptor: one line on stderr (if it still takes one), exit 2.
    try {
      if (stream === process.stdout) process.stderr.write(`firebreak: error: cannot write the output to stdout (${err.code ?? 'write error'})\n`);
    } finally {
      process.exit(EXIT_USAGE);
    }
  });
}

const args = process.argv.slice(2);
// Large inputs: run again with a heap that fits them (heap.ts).
const heapMB = heapToRespawn(inputBytesOf(args, process.cwd()), {
  limitMB: getHeapStatistics().heap_size_limit / 2 ** 20,
  totalMB: totalmem() / 2 ** 20,
  execArgv: process.execArgv,
  env: process.env,
});
if (heapMB !== undefined) {
  if (args.includes('--debug')) process.stderr.write(`firebreak: large inputs: running with a ${heapMB} MB heap\n`);
  const child = spawnSync(process.execPath, [...process.execArgv, `--max-old-space-size=${heapMB}`, process.argv[1]!, ...args], {
    stdio: 'inherit',
    env: { ...process.env, [RESPAWNED_ENV]: '1' },
  });
  if (child.error) {
    process.stderr.write(
      `firebreak: error: cannot run with a larger heap (${(child.error as NodeJS.ErrnoException).code ?? child.error.name}); set NODE_OPTIONS=--max-old-space-size=${heapMB} and run again\n`,
    );
    process.exit(EXIT_USAGE);
  }
  process.exit(child.status ?? 128 + (child.signal ? (constants.signals[child.signal] ?? 0) : 0));
}
process.exitCode = await run(args, processIo());

#!/usr/bin/env node
/**
 * The firebreak binary: run.ts's `run` wired to this process's arguments,
 * streams, environment and exit code. The cli is the only place that prints or exits.
 */
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

process.exitCode = await run(process.argv.slice(2), processIo());

/** --debug prints the stack of an unexpected error: each line with visible escapes, as its message line is. */
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import type { Io } from '../../src/cli/io.js';

async function failing(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const io: Io = {
    stdout: () => undefined,
    stderr: (t) => void (stderr += t),
    // An unexpected failure whose message carries bytes of the input: a terminal title and colour escape.
    readStdin: () => Promise.reject(new Error('bad \x1b]0;pwned\x07 \x1b[31mred\u202e')),
    env: { NO_COLOR: '1' },
    cwd: process.cwd(),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdinIsPiped: true,
  };
  const code = await run(args, io);
  return { code, stderr };
}

describe('an internal error', () => {
  it('is one escaped line without --debug, and an escaped stack with it', async () => {
    const plain = await failing(['analyze', '-']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('bad \\x1b]0;pwned\\x07 \\x1b[31mred\\u202e');
    expect(plain.stderr.trim().split('\n')).toHaveLength(1);
    const debug = await failing(['analyze', '-', '--debug']);
    expect(debug.code).toBe(2);
    expect(debug.stderr.split('\n').length).toBeGreaterThan(2);
    expect(debug.stderr).not.toMatch(/[\x1b\x07\u202e]/);
    expect(debug.stderr).toMatch(/^\s+at /m);
  });
});

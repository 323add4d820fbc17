/**
 * Where colour is decided (src/cli/shared.ts wantColor): on a terminal, unless --no-color, NO_COLOR or FORCE_COLOR=0
 * (or false), Node's convention; never on a pipe.
 */
import { describe, expect, it } from 'vitest';
import { run, type Io } from '../../src/cli/run.js';
import { fixture, repoRoot } from '../helpers/cli.js';

const ANSI = /\x1b\[[0-9;]*m/;
const twoZones = fixture('exports', 'two-zones-single-db.json');

/** `firebreak ARGS` with standard output a terminal (or not) and exactly this environment. */
async function onTerminal(args: string[], env: Record<string, string>, tty = true): Promise<string> {
  let stdout = '';
  const io: Io = {
    stdout: (text) => void (stdout += text),
    stderr: () => undefined,
    readStdin: async () => '',
    env: { PATH: process.env.PATH ?? '', ...env },
    cwd: repoRoot,
    stdoutIsTTY: tty,
    stderrIsTTY: false,
    stdinIsPiped: false,
  };
  expect(await run(args, io)).toBe(0);
  return stdout;
}

describe('colour', () => {
  const commands = [
    ['analyze', twoZones, '--fail-on', 'none'],
    ['whatif', twoZones, '--fail', 'us-east-1a'],
  ];

  it('is on for a terminal, and off with FORCE_COLOR=0 or false, NO_COLOR or --no-color', async () => {
    for (const args of commands) {
      expect(await onTerminal(args, {}), args[0]).toMatch(ANSI);
      for (const env of [{ FORCE_COLOR: '0' }, { FORCE_COLOR: 'false' }, { NO_COLOR: '1' }] as Array<Record<string, string>>) {
        const out = await onTerminal(args, env);
        expect(out, `${args[0]} ${JSON.stringify(env)}`).not.toMatch(ANSI);
        // The same report, less the colour.
        expect(out).toBe((await onTerminal(args, {})).replace(/\x1b\[[0-9;]*m/g, ''));
      }
      expect(await onTerminal([...args, '--no-color'], {})).not.toMatch(ANSI);
    }
  });

  it('is off for a pipe, whatever FORCE_COLOR says; FORCE_COLOR=1 keeps it on a terminal', async () => {
    for (const env of [{}, { FORCE_COLOR: '1' }, { FORCE_COLOR: '0' }] as Array<Record<string, string>>)
      expect(await onTerminal(commands[0]!, env, false)).not.toMatch(ANSI);
    expect(await onTerminal(commands[0]!, { FORCE_COLOR: '1' })).toMatch(ANSI);
  });
});

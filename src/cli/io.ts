/**
 * What a command may touch of the world: its output streams, standard input,
 * the environment and the working directory. `run` takes one; the bin entry
 * (bin.ts) passes the process's, tests pass captured ones.
 */
import { fstatSync } from 'node:fs';
import path from 'node:path';
import { isatty } from 'node:tty';

export interface Io {
  /** Write to standard output. */
  stdout(text: string): void;
  /** Write to standard error. */
  stderr(text: string): void;
  /** All of standard input, as text. */
  readStdin(): Promise<string>;
  env: Readonly<Record<string, string | undefined>>;
  /** The directory relative paths resolve against. */
  cwd: string;
  /** Whether standard output / standard error is a terminal (colour, progress lines). */
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /**
   * Whether standard input is piped or redirected (a pipe, socket or file, not a terminal
   * or /dev/null): then a command given no inputs reads it. Default: no.
   */
  stdinIsPiped?: boolean;
  /** The width of the terminal, when there is one (help text wraps to it; else 80). */
  stdoutColumns?: number;
  stderrColumns?: number;
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function stdinPiped(): boolean {
  try {
    const s = fstatSync(0);
    return s.isFIFO() || s.isFile() || s.isSocket();
  } catch {
    return false;
  }
}

/** The process's own streams, environment and working directory. */
export function processIo(): Io {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readStdin: readProcessStdin,
    env: process.env,
    cwd: process.cwd(),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    stdinIsPiped: !isatty(0) && stdinPiped(),
    ...(process.stdout.isTTY ? { stdoutColumns: process.stdout.columns } : {}),
    ...(process.stderr.isTTY ? { stderrColumns: process.stderr.columns } : {}),
  };
}

/**
 * A path the user gave, for the file system: relative paths resolve against
 * io.cwd. When io.cwd is the process's working directory the path is kept as
 * written, so messages name files the way the user did.
 */
export function resolvePath(io: Io, file: string): string {
  if (file === '-' || /^[a-z][a-z0-9+.-]*:\/\//i.test(file) || path.isAbsolute(file) || path.resolve(io.cwd) === process.cwd()) return file;
  return path.resolve(io.cwd, file);
}

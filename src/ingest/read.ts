/**
 * Reading an input file: only a regular file (a FIFO, `/dev/zero` or a socket
 * would block or never end), at most MAX_INPUT_BYTES, as UTF-8. Errors name
 * the file and say why, never quote its bytes.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { InputError } from '../errors.js';

/** The largest input firebreak reads (a stack export of 100k resources is ~60 MB). */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/** The files read as inputs in this process (real paths), so a report is never written over one. */
const inputsRead = new Set<string>();

function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

/** Whether this file (after links) was read as an input. */
export function wasReadAsInput(file: string): boolean {
  return inputsRead.has(realPath(file));
}

/** Start a new run: no file counts as read (the CLI's run() calls it, so in-process runs stay apart). */
export function forgetInputsRead(): void {
  inputsRead.clear();
}

/** Note a file read as an input by other means (a project's program files). */
export function noteInput(file: string): void {
  inputsRead.add(realPath(file));
}

export function readInputText(file: string, what = 'the file'): string {
  const size = inputFileSize(file, what);
  if (size > MAX_INPUT_BYTES)
    throw new InputError({ file, reason: `${what} is ${Math.round(size / 2 ** 20)} MB; firebreak reads at most ${MAX_INPUT_BYTES / 2 ** 20} MB` });
  try {
    const text = readFileSync(file, 'utf8');
    noteInput(file);
    return text;
  } catch (err) {
    throw new InputError({ file, reason: `cannot read ${what}: ${readErrorText(err)}` });
  }
}

/** Why a read failed, in words for the common cases (the code otherwise). */
export function readErrorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'a directory';
  return code ?? String(err);
}

/** The size of an input file, which must be a regular file (errors as readInputText gives them). */
export function inputFileSize(file: string, what = 'the file'): number {
  let size: number;
  try {
    const s = statSync(file);
    if (!s.isFile()) {
      throw new InputError({
        file,
        reason: `cannot read ${what}: ${s.isDirectory() ? 'a directory' : 'not a regular file (a FIFO, device or socket)'}; give a file, or \`-\` for stdin`,
      });
    }
    size = s.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError({ file, reason: `cannot read ${what}: ${readErrorText(err)}` });
  }
  return size;
}

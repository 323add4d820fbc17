/**
 * What a Pulumi YAML program may read: files inside its project directory
 * (after symlinks are resolved), regular files only, of a bounded size. A
 * program comes from a pull request as often as from its author, so
 * `fn::readFile: /proc/self/environ` must not put a CI job's environment into
 * a report, `/dev/zero` must not fill memory and a FIFO must not block.
 * `--allow-outside-project` lifts the directory bound, never the other two.
 */
import { closeSync, fstatSync, openSync, readSync, realpathSync, constants } from 'node:fs';
import path from 'node:path';
import { InputError, optionReason, type SourceLocation } from '../../errors.js';

/** The most a program may read from one file (fn::readFile and friends). */
export const MAX_READ_BYTES = 16 * 1024 * 1024;

/** The real path of p, or of its nearest existing ancestor joined with the rest. */
function realish(p: string): string {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

export class Confinement {
  private readonly root: string;

  constructor(
    projectDir: string,
    readonly allowOutside: boolean,
  ) {
    this.root = realish(projectDir);
  }

  /** Is p inside the project directory (symlinks resolved)? */
  inside(p: string): boolean {
    const rel = path.relative(this.root, realish(p));
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  }

  /** Refuse a `main:` or `stackConfigDir` outside the project (unless allowed). */
  check(p: string, where: SourceLocation, what: string): void {
    if (this.allowOutside || this.inside(p)) return;
    throw new InputError({
      ...where,
      ...optionReason((o) => `${what} points outside the project directory; firebreak reads only inside it (pass ${o('allowOutsideProject')} to allow this)`),
    });
  }

  /** Read a file for the program: a Buffer, or the reason it may not be read (without the file's bytes). */
  read(p: string): Buffer | { refused: string } {
    if (!this.allowOutside && !this.inside(p)) return { refused: 'the path is outside the project directory (pass --allow-outside-project to allow it)' };
    let fd: number;
    try {
      // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below as not a regular file.
      fd = openSync(p, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    } catch (err) {
      return { refused: `cannot read it: ${(err as NodeJS.ErrnoException).code ?? 'error'}` };
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) return { refused: 'not a regular file' };
      if (st.size > MAX_READ_BYTES) return { refused: `larger than ${MAX_READ_BYTES / 1024 / 1024} MiB` };
      const buf = Buffer.alloc(Math.min(st.size, MAX_READ_BYTES) + 1);
      let n = 0;
      for (;;) {
        const got = readSync(fd, buf, n, buf.length - n, null);
        if (got === 0) break;
        n += got;
        if (n > MAX_READ_BYTES) return { refused: `larger than ${MAX_READ_BYTES / 1024 / 1024} MiB` };
        if (n === buf.length) break;
      }
      return buf.subarray(0, n);
    } finally {
      closeSync(fd);
    }
  }
}

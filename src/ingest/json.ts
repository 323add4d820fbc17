import { InputError } from '../errors.js';

/** Line and column (1-based) of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * JSON.parse with errors that name the file, line and column, and say what is
 * wrong in words a user can act on.
 */
export function parseJson(text: string, file: string): unknown {
  if (text.trim() === '') {
    throw new InputError({ file, reason: 'the file is empty; expected the JSON of `pulumi stack export`, a checkpoint or `pulumi preview --json`' });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const pos = /position (\d+)/.exec(message);
    const offset = pos ? Number(pos[1]) : /end of JSON|Unterminated/i.test(message) ? text.length : undefined;
    const where = offset === undefined ? {} : lineColumnAt(text, offset);
    const truncated = offset !== undefined && offset >= text.trimEnd().length;
    const detail = message.replace(/^JSON\.parse: /, '').replace(/ in JSON at position \d+.*$/, '').replace(/, ".*$/, '');
    throw new InputError({
      file,
      ...where,
      reason: truncated ? `invalid JSON: the file ends too early (truncated?): ${detail}` : `invalid JSON: ${detail}`,
    });
  }
}

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

/** How deep JSON may nest. Pulumi state nests a few dozen levels; deeper is hostile or broken. */
export const MAX_JSON_DEPTH = 1000;

/** Where JSON text first goes wrong and what was expected there; never the text itself. */
export interface JsonFault {
  offset: number;
  expected: string;
}

/**
 * Where JSON text first goes wrong, for error messages: an iterative scan (no
 * recursion, so any nesting depth is safe) that builds no values. Returns
 * undefined for valid JSON within MAX_JSON_DEPTH.
 */
export function jsonFault(text: string, maxDepth = MAX_JSON_DEPTH): JsonFault | undefined {
  let i = 0;
  const n = text.length;
  const stack: string[] = []; // '{' or '['
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const string = (): string | undefined => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return 'a closing quote (a line break or control character inside a string must be escaped)';
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return 'four hex digits after \\u';
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) return 'a valid escape after a backslash (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)';
        i += 2;
        continue;
      }
      i++;
    }
    return 'a closing quote';
  };
  // A value starts at i; on success i is after it.
  /** A property name and its `:` (at i, after white space); a fault when it is not there. */
  const propertyName = (expected: string): JsonFault | undefined => {
    if (text[i] !== '"') return { offset: i, expected };
    const bad = string();
    if (bad) return { offset: i, expected: bad };
    ws();
    if (text[i] !== ':') return { offset: i, expected: '`:` after a property name' };
    i++;
    return undefined;
  };
  const scalar = (): string | undefined => {
    const c = text[i];
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (c === word[0]) {
        if (text.startsWith(word, i)) {
          i += word.length;
          return undefined;
        }
        return `\`${word}\``;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') return 'a value (object, array, string, number, true, false or null)';
    i += m[0].length;
    return undefined;
  };
  // state: 'value' (a value is expected), 'after' (a value just ended)
  let state: 'value' | 'after' = 'value';
  for (;;) {
    ws();
    if (state === 'value') {
      if (i >= n) return { offset: i, expected: 'a value' };
      const c = text[i];
      if (c === '{' || c === '[') {
        if (stack.length >= maxDepth) return { offset: i, expected: `at most ${maxDepth} levels of nesting` };
        stack.push(c);
        i++;
        ws();
        if (c === '{') {
          if (text[i] === '}') {
            stack.pop();
            i++;
            state = 'after';
            continue;
          }
          const bad = propertyName('a property name in double quotes or `}`');
          if (bad) return bad;
          state = 'value';
          continue;
        }
        if (text[i] === ']') {
          stack.pop();
          i++;
          state = 'after';
        }
        continue;
      }
      const bad = scalar();
      if (bad) return { offset: i, expected: bad };
      state = 'after';
      continue;
    }
    // after a value
    const top = stack[stack.length - 1];
    if (top === undefined) return i < n ? { offset: i, expected: 'the end of the file after the top-level value' } : undefined;
    const c = text[i];
    if (c === ',') {
      i++;
      if (top === '{') {
        ws();
        const bad = propertyName('a property name in double quotes');
        if (bad) return bad;
      }
      state = 'value';
      continue;
    }
    if ((top === '{' && c === '}') || (top === '[' && c === ']')) {
      stack.pop();
      i++;
      continue;
    }
    return { offset: i, expected: top === '{' ? '`,` or `}`' : '`,` or `]`' };
  }
}

/** Whether a parsed value nests deeper than max (arrays and objects), by an iterative walk. */
export function depthOver(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d >= max) return true;
    if (Array.isArray(v)) {
      for (const x of v) if (x !== null && typeof x === 'object') stack.push([x, d + 1]);
    } else {
      for (const x of Object.values(v)) if (x !== null && typeof x === 'object') stack.push([x, d + 1]);
    }
  }
  return false;
}

/** Where JSON text first goes wrong (kept for callers that want only the offset). */
export function jsonErrorOffset(text: string): number {
  return jsonFault(text)?.offset ?? text.length;
}

/** Why a UTF-16 input is refused, and what to do (the whole parse and the streaming reader say the same). */
export const UTF16_REASON =
  'the file is UTF-16 text (as Windows PowerShell 5 `>` writes it), not UTF-8: write it as UTF-8, e.g. `pulumi stack export --file stack.json`';

/** The length of a UTF-8 byte order mark at the start of these bytes (3), or 0. */
export function utf8BomLength(head: Uint8Array): number {
  return head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
}

/** Whether a file's first bytes are UTF-16's: a byte order mark (FF FE, FE FF), or ASCII with NUL bytes between (as parseJson tells). */
export function isUtf16Head(head: Uint8Array): boolean {
  const [a, b, c, d] = head;
  if ((a === 0xff || a === 0xfe) && (b === 0xff || b === 0xfe)) return true;
  if (a === undefined || b === undefined || c === undefined) return false;
  // `\0X\0` (big-endian ASCII) or `X\0Y\0` (little-endian ASCII).
  return (a === 0 && b !== 0 && c === 0) || (d !== undefined && a !== 0 && b === 0 && c !== 0 && d === 0);
}

/**
 * JSON.parse with errors that name the file, line and column, and say what was
 * expected there, in words a user can act on. The message never quotes the
 * input: its bytes may be part of a secret. Nesting deeper than MAX_JSON_DEPTH
 * is refused before parsing, so no later walk can run out of stack.
 */
export function parseJson(text: string, file: string): unknown {
  // A UTF-8 byte order mark (Windows editors, `Out-File -Encoding utf8`) is no part of the JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // UTF-16 read as UTF-8: its byte order mark is two replacement characters, or ASCII comes with NUL bytes between.
  if (text.startsWith('\ufffd\ufffd') || /^[^\0]?\0[^\0]\0/.test(text)) throw new InputError({ file, reason: UTF16_REASON });
  if (!/\S/.test(text)) {
    throw new InputError({ file, reason: 'the file is empty; expected the JSON of `pulumi stack export`, a checkpoint or `pulumi preview --json`' });
  }
  let value: unknown;
  let fault: JsonFault | undefined;
  try {
    value = JSON.parse(text);
  } catch {
    fault = jsonFault(text) ?? { offset: 0, expected: 'valid JSON' };
  }
  if (!fault) {
    if (depthOver(value, MAX_JSON_DEPTH)) fault = jsonFault(text) ?? { offset: 0, expected: `at most ${MAX_JSON_DEPTH} levels of nesting` };
    else return value;
  }
  const where = lineColumnAt(text, fault.offset);
  throw new InputError({ file, ...where, reason: jsonFaultReason(fault.expected, fault.offset >= text.trimEnd().length) });
}

/** Whether a fault's `expected` is the nesting limit (not a syntax error). */
export function isDepthFault(expected: string): boolean {
  return expected.startsWith('at most');
}

/** The words of a JSON error: what was expected, and whether the file ends too early. */
export function jsonFaultReason(expected: string, truncated: boolean): string {
  return isDepthFault(expected)
    ? `JSON nested too deeply: firebreak reads ${expected}`
    : truncated
      ? `invalid JSON: the file ends too early (truncated?): expected ${expected}`
      : `invalid JSON: expected ${expected}`;
}

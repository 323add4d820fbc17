/**
 * Text from input made safe to show: control characters (C0, DEL, C1), bidi
 * controls (U+202A-U+202E, U+2066-U+2069, U+200E/U+200F, U+061C), line and
 * paragraph separators, the invisible zero-width space, word joiner and byte-order
 * mark (U+200B, U+2060, U+FEFF), and lone surrogates become visible escapes such as
 * `\x1b` or `\u202e`. A backslash stays a backslash. Used by the text report,
 * markdown, the graph formats and every error and warning line, so a name
 * cannot move the cursor, set a terminal title, add a hyperlink, reverse the
 * text after it or start a second line.
 */

const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u2060\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const UNSAFE_ONE = new RegExp(UNSAFE.source);

function escapeChar(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with every unsafe character as a visible escape (`\x1b`, `\u202e`). */
export function visible(s: string): string {
  return UNSAFE_ONE.test(s) ? s.replace(UNSAFE, escapeChar) : s;
}

/** Whether the text has a character visible() would escape. */
export function hasUnsafe(s: string): boolean {
  return UNSAFE_ONE.test(s);
}

/** A deep copy of plain data with every string (not object keys) passed through visible(). Iterative. */
export function visibleDeep<T>(value: T): T {
  const root: { v: unknown } = { v: value };
  const stack: Array<[Record<string | number, unknown>, string | number]> = [[root as Record<string, unknown>, 'v']];
  while (stack.length > 0) {
    const [holder, key] = stack.pop()!;
    const v = holder[key];
    if (typeof v === 'string') holder[key] = visible(truncated(v));
    else if (Array.isArray(v)) {
      const copy = v.slice();
      holder[key] = copy;
      for (let i = 0; i < copy.length; i++) stack.push([copy as unknown as Record<number, unknown>, i]);
    } else if (v !== null && typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
      const copy: Record<string, unknown> = {};
      for (const k of Object.keys(v)) {
        // keys of records (node ids) are names too: make them visible, keep the value.
        Object.defineProperty(copy, visible(k), { value: (v as Record<string, unknown>)[k], enumerable: true, writable: true, configurable: true });
      }
      holder[key] = copy;
      for (const k of Object.keys(copy)) stack.push([copy, k]);
    }
  }
  return root.v as T;
}

/** The longest text a report shows of one name or value; longer ones are cut with a marker. */
export const MAX_SHOWN_CHARS = 1000;

/** The text cut to max characters with a marker saying how much was cut. */
export function truncated(s: string, max = MAX_SHOWN_CHARS): string {
  return s.length <= max ? s : `${s.slice(0, max)}…[${s.length - max} more characters]`;
}

/** A deep copy of plain data with every string (and key) cut to max characters. Iterative. */
export function truncatedDeep<T>(value: T, max = MAX_SHOWN_CHARS): T {
  const root: { v: unknown } = { v: value };
  const stack: Array<[Record<string | number, unknown>, string | number]> = [[root as Record<string, unknown>, 'v']];
  while (stack.length > 0) {
    const [holder, key] = stack.pop()!;
    const v = holder[key];
    if (typeof v === 'string') holder[key] = truncated(v, max);
    else if (Array.isArray(v)) {
      const copy = v.slice();
      holder[key] = copy;
      for (let i = 0; i < copy.length; i++) stack.push([copy as unknown as Record<number, unknown>, i]);
    } else if (v !== null && typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
      const copy: Record<string, unknown> = {};
      for (const k of Object.keys(v)) {
        Object.defineProperty(copy, truncated(k, max), { value: (v as Record<string, unknown>)[k], enumerable: true, writable: true, configurable: true });
      }
      holder[key] = copy;
      for (const k of Object.keys(copy)) stack.push([copy, k]);
    }
  }
  return root.v as T;
}

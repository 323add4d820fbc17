/**
 * Globs over names and ids: `*` matches any run of characters (also none);
 * every other character matches itself (`?`, `.`, `[` are literal). The whole
 * text must match. Matching is the greedy two-pointer wildcard algorithm: at
 * most pattern length × text length steps, never the exponential backtracking
 * of a regular expression built from the pattern (`************X`).
 */

/** Longest pattern accepted; a longer one is an input error for its caller to report. */
export const MAX_GLOB_LENGTH = 1000;

export function compileGlob(pattern: string): (text: string) => boolean {
  if (pattern.length > MAX_GLOB_LENGTH) throw new RangeError(`a pattern is at most ${MAX_GLOB_LENGTH} characters long`);
  // Runs of `*` are one `*`.
  const p = pattern.replace(/\*{2,}/g, '*');
  if (!p.includes('*')) return (text) => text === p;
  const parts = p.split('*');
  const head = parts[0]!;
  const tail = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1);
  return (text: string): boolean => {
    if (text.length < head.length + tail.length) return false;
    if (!text.startsWith(head) || !text.endsWith(tail)) return false;
    // Each middle part at its leftmost place after the previous one: greedy is exact for `*`-only globs.
    let at = head.length;
    const end = text.length - tail.length;
    for (const part of middle) {
      const found = text.indexOf(part, at);
      if (found === -1 || found + part.length > end) return false;
      at = found + part.length;
    }
    return true;
  };
}

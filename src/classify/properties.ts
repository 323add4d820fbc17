/** Reading property paths (`a.b[0].c`) out of decoded property maps. */
import { asSpecial, type PropertyValue } from '../ingest/types.js';

/** A path segment `[*]`: every element of a list. */
export const ANY = '\u0000*';

const pathCache = new Map<string, Array<string | number>>();

/** `a.b[0].c`, `a["x/y"]`, and `a[*].b` (every element of the list `a`; ANY stands for `[*]`). */
export function parsePath(path: string): Array<string | number> {
  let parsed = pathCache.get(path);
  if (!parsed) {
    parsed = [];
    for (const m of path.matchAll(/\[\*\]|([^.[\]]+)|\[(\d+)\]|\["([^"]*)"\]/g)) {
      if (m[0] === '[*]') parsed.push(ANY);
      else if (m[2] !== undefined) parsed.push(Number(m[2]));
      else parsed.push(m[3] ?? m[1]!);
    }
    pathCache.set(path, parsed);
  }
  return parsed;
}

/** The value at parsed path segments from `from` on (getPath with the path parsed once by the caller). */
export function walk(root: PropertyValue | undefined, segs: Array<string | number>, from: number): PropertyValue | undefined {
  let cur: PropertyValue | undefined = root;
  for (let i = from; i < segs.length; i++) {
    const seg = segs[i]!;
    // A special value (secret, unknown, asset...) has nothing under it. Lists never are one; a map is asked only
    // when it holds the key (most paths are missing: no check for them).
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    if (seg === ANY) {
      // Every element: the values found under each, lists flattened one level.
      if (!Array.isArray(cur)) return undefined;
      const out: PropertyValue[] = [];
      for (const item of cur) {
        const v = walk(item, segs, i + 1);
        if (v === undefined || v === null) continue;
        if (Array.isArray(v)) out.push(...v);
        else out.push(v);
      }
      return out.length > 0 ? out : undefined;
    }
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg];
    } else {
      if (Array.isArray(cur)) return undefined;
      const next: PropertyValue | undefined = (cur as Record<string, PropertyValue>)[seg];
      if (next !== undefined && asSpecial(cur)) return undefined;
      cur = next;
    }
  }
  return cur;
}

/** The value at a path; with `[*]` in it, the list of the values found under every element. */
export function getPath(root: PropertyValue | undefined, path: string): PropertyValue | undefined {
  return walk(root, parsePath(path), 0);
}

/** A scalar placement value: a known string, or an unknown's symbol. */
export interface ScalarValue {
  text: string;
  symbolic: boolean;
}

/** The strings a value holds (a string, or a list of strings), with unknown symbols kept. */
export function scalarStrings(value: PropertyValue | undefined): { values: ScalarValue[]; unknown: boolean } {
  const out: ScalarValue[] = [];
  let unknown = false;
  const visit = (v: PropertyValue | undefined): void => {
    if (v === undefined || v === null) return;
    if (typeof v === 'string') {
      if (v !== '') out.push({ text: v, symbolic: false });
      return;
    }
    if (typeof v === 'number') {
      out.push({ text: String(v), symbolic: false });
      return;
    }
    if (Array.isArray(v)) {
      for (const item of v) visit(item);
      return;
    }
    const s = asSpecial(v);
    if (s) {
      if (s.kind === 'unknown' && s.symbol) out.push({ text: s.symbol, symbolic: true });
      else if (s.kind === 'unknown' || s.kind === 'secret') unknown = true;
    }
  };
  visit(value);
  return { values: out, unknown };
}

/** A path that starts so (`$provider.region`) is read on the resource's provider resource. */
export const PROVIDER_PREFIX = '$provider.';

/** Reading property paths (`a.b[0].c`) out of decoded property maps. */
import { asSpecial, type PropertyValue } from '../ingest/types.js';

/** A path segment `[*]`: every element of a list. */
export const ANY = '\u0000*';

/** A path segment `[key="v",other="w"]`: the elements of a list whose fields hold those strings (each one), like `[*]` over them. */
export interface WhereSegment {
  where: Array<[string, string]>;
}
export type PathSegment = string | number | WhereSegment;

const pathCache = new Map<string, PathSegment[]>();

/**
 * `a.b[0].c`, `a["x/y"]`, `a[*].b` (every element of the list `a`; ANY stands for `[*]`), and
 * `a[key="x/y",operator="In"].b` (the elements of `a` whose `key` is "x/y" and `operator` "In").
 */
export function parsePath(path: string): PathSegment[] {
  let parsed = pathCache.get(path);
  if (!parsed) {
    parsed = [];
    for (const m of path.matchAll(/\[\*\]|([^.[\]]+)|\[(\d+)\]|\["([^"]*)"\]|\[(\w+="[^"]*"(?:,\w+="[^"]*")*)\]/g)) {
      if (m[0] === '[*]') parsed.push(ANY);
      else if (m[2] !== undefined) parsed.push(Number(m[2]));
      else if (m[4] !== undefined) parsed.push({ where: [...m[4].matchAll(/(\w+)="([^"]*)"/g)].map((c) => [c[1]!, c[2]!] as [string, string]) });
      else parsed.push(m[3] ?? m[1]!);
    }
    pathCache.set(path, parsed);
  }
  return parsed;
}

/** The value at parsed path segments from `from` on (getPath with the path parsed once by the caller). */
export function walk(root: PropertyValue | undefined, segs: PathSegment[], from: number): PropertyValue | undefined {
  let cur: PropertyValue | undefined = root;
  for (let i = from; i < segs.length; i++) {
    const seg = segs[i]!;
    // A special value (secret, unknown, asset...) has nothing under it. Lists never are one; a map is asked only
    // when it holds the key (most paths are missing: no check for them).
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    if (seg === ANY || typeof seg === 'object') {
      // Every element (or those whose fields hold the strings given): the values found under each, lists flattened one level.
      if (!Array.isArray(cur)) return undefined;
      const out: PropertyValue[] = [];
      for (const item of cur) {
        if (typeof seg === 'object' && !holds(item, seg)) continue;
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

/** A list element is a map (not a secret or unknown) whose fields hold every string of a `[key="v"]` segment. */
function holds(item: PropertyValue, seg: WhereSegment): boolean {
  if (item === null || typeof item !== 'object' || Array.isArray(item) || asSpecial(item)) return false;
  const map = item as Record<string, PropertyValue>;
  return seg.where.every(([k, v]) => map[k] === v);
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

const NO_STRINGS: { values: ScalarValue[]; unknown: boolean } = { values: [], unknown: false };

/** The strings a value holds (a string, or a list of strings), with unknown symbols kept. */
export function scalarStrings(value: PropertyValue | undefined): { values: ScalarValue[]; unknown: boolean } {
  // Most reads find nothing (a region the provider gives): one shared answer, never added to, not three objects.
  if (value === undefined || value === null) return NO_STRINGS;
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

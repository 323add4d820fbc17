/** Reading property paths (`a.b[0].c`) out of decoded property maps. */
import { asSpecial, type PropertyValue } from '../ingest/types.js';

const pathCache = new Map<string, Array<string | number>>();

export function parsePath(path: string): Array<string | number> {
  let parsed = pathCache.get(path);
  if (!parsed) {
    parsed = [];
    for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]|\["([^"]*)"\]/g)) {
      if (m[2] !== undefined) parsed.push(Number(m[2]));
      else parsed.push(m[3] ?? m[1]!);
    }
    pathCache.set(path, parsed);
  }
  return parsed;
}

export function getPath(root: PropertyValue | undefined, path: string): PropertyValue | undefined {
  let cur: PropertyValue | undefined = root;
  for (const seg of parsePath(path)) {
    if (cur === null || cur === undefined || typeof cur !== 'object' || asSpecial(cur)) return undefined;
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[seg];
    } else {
      if (Array.isArray(cur)) return undefined;
      cur = (cur as Record<string, PropertyValue>)[seg];
    }
  }
  return cur;
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

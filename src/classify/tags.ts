/**
 * firebreak tags: where the packs say tags live (`tags.paths`) and the key
 * prefixes they declare (`tags.prefixes`: `firebreak:`, `firebreak_`, or a
 * user pack's own), matched without regard to case; and the tag value forms.
 */
import type { PropertyMap, PropertyValue, ResourceRecord } from '../ingest/types.js';
import { asSpecial } from '../ingest/types.js';
import type { LoadedPack } from './packs.js';
import { ANY, parsePath, walk, type PathSegment } from './properties.js';
import type { DomainSegment } from './types.js';

/** A resource's firebreak tags by name, as classify reads them (a ReadonlyMap is one). */
export interface Tags {
  get(name: string): string | undefined;
  has(name: string): boolean;
  readonly size: number;
}

const NO_TAGS: ReadonlyMap<string, string> = new Map();

/**
 * A resource's only firebreak tag (most tagged resources have one, firebreak:service); more make a Map. The tags of
 * every resource live to the end of classify: a Map of one entry is ~180 bytes (a JSMap and its hash table) the
 * scavenger copies, this ~24 (100k tagged resources: ~15 MB less to allocate and copy).
 */
class OneTag implements Tags {
  constructor(
    readonly name: string,
    readonly value: string,
  ) {}
  get size(): number {
    return 1;
  }
  get(name: string): string | undefined {
    return name === this.name ? this.value : undefined;
  }
  has(name: string): boolean {
    return name === this.name;
  }
}

export class TagReader {
  /** The packs' tag paths, parsed once. */
  private readonly parsed: PathSegment[][] = [];
  /**
   * Per path, an earlier path that is a proper prefix of it (`metadata` of `metadata.labels`), or -1: the longer one
   * is walked on from the value found at the shorter, and not at all when there is none (most resources have no
   * `metadata`: 4 of the 14 property reads per resource saved with the core pack's paths).
   */
  private readonly prefixOf: number[] = [];
  /** The values found at each path in the source being scanned (scratch, reused: scan is not re-entrant). */
  private readonly found: Array<PropertyValue | undefined> = [];
  /** Lower-cased. */
  private readonly prefixes: string[] = [];
  /** The first characters of the prefixes, both cases: a key starting with another is no tag (checked first, it is cheap). */
  private readonly firstChars = new Set<number>();
  private readonly nameCache = new Map<string, string | null>();

  constructor(packs: LoadedPack[]) {
    for (const pack of packs) {
      if (!pack.tags) continue;
      for (const p of pack.tags.paths) this.parsed.push(parsePath(p));
      for (const prefix of pack.tags.prefixes) {
        if (prefix === '') continue; // an empty prefix would make every key a tag
        const lower = prefix.toLowerCase();
        this.prefixes.push(lower);
        this.firstChars.add(lower.charCodeAt(0));
        this.firstChars.add(prefix.toUpperCase().charCodeAt(0));
      }
    }
    for (let i = 0; i < this.parsed.length; i++) this.prefixOf.push(TagReader.prefixIndex(this.parsed, i));
  }

  /** The index of the longest earlier path that is a proper prefix of path i without `[*]` or `[key="v"]` (walked on from), or -1. */
  private static prefixIndex(parsed: ReadonlyArray<ReadonlyArray<PathSegment>>, i: number): number {
    const segs = parsed[i]!;
    let best = -1;
    for (let j = 0; j < i; j++) {
      const pre = parsed[j]!;
      if (pre.length >= segs.length || pre.some((seg) => seg === ANY || typeof seg === 'object') || (best >= 0 && parsed[best]!.length >= pre.length)) continue;
      if (pre.every((seg, k) => segs[k] === seg)) best = j;
    }
    return best;
  }

  /** The tag name of a key (`firebreak:service` -> `service`, `firebreak_recovers_with` -> `recovers-with`), or null. */
  tagName(key: string): string | null {
    let name = this.nameCache.get(key);
    if (name === undefined) {
      const lower = key.toLowerCase();
      const prefix = this.prefixes.find((pre) => lower.startsWith(pre));
      name = prefix && lower.length > prefix.length ? lower.slice(prefix.length).replace(/_/g, '-') : null;
      this.nameCache.set(key, name);
    }
    return name;
  }

  /** The firebreak tags of a resource, by name (outputs win over inputs). */
  tagsOf(record: ResourceRecord): ReadonlyMap<string, string> {
    const tags = this.scan(record, undefined);
    return tags instanceof OneTag ? new Map([[tags.name, tags.value]]) : (tags as ReadonlyMap<string, string>);
  }

  /** The names of a resource's firebreak tags whose value is a secret: never read, since the value was never kept. */
  secretTagsOf(record: ResourceRecord): string[] {
    const names: string[] = [];
    this.scan(record, names);
    return names;
  }

  /**
   * Both in one pass over the tag maps: the tags, and (when `secrets` is given) the names of the secret ones
   * added to it, each once in the order first met.
   */
  tagsAndSecretsOf(record: ResourceRecord, secrets: string[]): Tags {
    return this.scan(record, secrets);
  }

  /** A OneTag while one name is found, then a Map (the first name first: a Map's order, values overwritten as by set). */
  private scan(record: ResourceRecord, secrets: string[] | undefined): Tags {
    let tags: Map<string, string> | OneTag | undefined;
    for (let s = 0; s < 2; s++) {
      const source = s === 0 ? record.outputs : record.inputs;
      const parsed = this.parsed;
      const found = this.found;
      for (let p = 0; p < parsed.length; p++) {
        const j = this.prefixOf[p]!;
        let map: PropertyValue | undefined;
        if (j < 0) map = walk(source, parsed[p]!, 0);
        else {
          // The same as walking from the root: the walk passes through the value at the prefix (or stops before it).
          const base = found[j];
          map = base !== null && typeof base === 'object' ? walk(base, parsed[p]!, parsed[j]!.length) : undefined;
        }
        found[p] = map;
        // A special value (a secret map) has no keys to list: no need to ask whether it is one.
        if (!map || typeof map !== 'object' || Array.isArray(map)) continue;
        for (const key in map as PropertyMap) {
          if (!this.firstChars.has(key.charCodeAt(0))) continue;
          const value = (map as PropertyMap)[key];
          if (typeof value === 'string') {
            const name = this.tagName(key);
            if (name) {
              if (tags === undefined || (tags instanceof OneTag && tags.name === name)) tags = new OneTag(name, value);
              else if (tags instanceof OneTag)
                tags = new Map([
                  [tags.name, tags.value],
                  [name, value],
                ]);
              else tags.set(name, value);
            }
          } else if (secrets && asSpecial(value)?.kind === 'secret') {
            const name = this.tagName(key);
            if (name && !secrets.includes(name)) secrets.push(name);
          }
        }
      }
    }
    return tags ?? NO_TAGS;
  }
}

/** `a, b ,c` -> [a, b, c]. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `region=seoul/datacenter=pangyo`, or plain `kakao/pangyo` (last segment a datacenter, the others sites). */
export function parseDomainTag(value: string): DomainSegment[] {
  const segments = value
    .split('/')
    .map((s) => s.trim())
    .filter(Boolean);
  return segments.map((seg, i) => {
    const eq = seg.indexOf('=');
    if (eq > 0) return { kind: seg.slice(0, eq).trim(), name: seg.slice(eq + 1).trim() };
    return { kind: i === segments.length - 1 ? 'datacenter' : 'site', name: seg };
  });
}

const TRUE = new Set(['true', 'yes', '1', 'on']);
const FALSE = new Set(['false', 'no', '0', 'off']);

/** A yes/no tag value (`true`, `yes`, `on`, `1` and their opposites), or undefined for anything else. */
export function parseFlag(value: string | undefined): boolean | undefined {
  const v = value?.toLowerCase();
  if (v === undefined) return undefined;
  return TRUE.has(v) ? true : FALSE.has(v) ? false : undefined;
}

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

/**
 * Two to four firebreak tags (firebreak:service, role, group: the most a resource has in practice), in the order
 * first met, a value overwritten as by a Map's set. One object of fixed fields, ~96 bytes, where a Map built from
 * two entries cost ~260 (a JSMap, its hash table grown once, the entry arrays it was built from; ~13 MB at 100k).
 */
class FewTags implements Tags {
  size = 2;
  n2 = '';
  v2 = '';
  n3 = '';
  v3 = '';
  constructor(
    readonly n0: string,
    public v0: string,
    readonly n1: string,
    public v1: string,
  ) {}
  get(name: string): string | undefined {
    if (name === this.n0) return this.v0;
    if (name === this.n1) return this.v1;
    if (this.size > 2 && name === this.n2) return this.v2;
    if (this.size > 3 && name === this.n3) return this.v3;
    return undefined;
  }
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
  /** Sets a tag; false when a fifth name would not fit (the caller makes a Map). */
  set(name: string, value: string): boolean {
    if (name === this.n0) this.v0 = value;
    else if (name === this.n1) this.v1 = value;
    else if (this.size > 2 && name === this.n2) this.v2 = value;
    else if (this.size > 3 && name === this.n3) this.v3 = value;
    else if (this.size === 2) {
      this.n2 = name;
      this.v2 = value;
      this.size = 3;
    } else if (this.size === 3) {
      this.n3 = name;
      this.v3 = value;
      this.size = 4;
    } else return false;
    return true;
  }
  toMap(): Map<string, string> {
    const m = new Map([
      [this.n0, this.v0],
      [this.n1, this.v1],
    ]);
    if (this.size > 2) m.set(this.n2, this.v2);
    if (this.size > 3) m.set(this.n3, this.v3);
    return m;
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
  /**
   * firstChars' ASCII members as a table by code: a typed-array read per key of a tag map, not a Set lookup (a hash
   * per key: ~1M keys at 100k resources with five tags each in outputs and inputs).
   */
  private readonly firstAscii = new Uint8Array(128);
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
    for (const c of this.firstChars) if (c < 128) this.firstAscii[c] = 1;
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
    if (tags instanceof OneTag) return new Map([[tags.name, tags.value]]);
    return tags instanceof FewTags ? tags.toMap() : (tags as ReadonlyMap<string, string>);
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

  /**
   * A OneTag while one name is found, a FewTags up to four, then a Map (the first name first: a Map's order, values
   * overwritten as by set).
   */
  private scan(record: ResourceRecord, secrets: string[] | undefined): Tags {
    let tags: Map<string, string> | FewTags | OneTag | undefined;
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
        const ascii = this.firstAscii;
        for (const key in map as PropertyMap) {
          const c = key.charCodeAt(0);
          if (c < 128 ? ascii[c] === 0 : !this.firstChars.has(c)) continue;
          const value = (map as PropertyMap)[key];
          if (typeof value === 'string') {
            const name = this.tagName(key);
            if (name) {
              if (tags === undefined) tags = new OneTag(name, value);
              else if (tags instanceof OneTag) {
                // The same tag met again (in `tags` of the outputs and of the inputs) with the same value: nothing new.
                if (tags.name !== name) tags = new FewTags(tags.name, tags.value, name, value);
                else if (tags.value !== value) tags = new OneTag(name, value);
              } else if (tags instanceof FewTags) {
                if (!tags.set(name, value)) (tags = tags.toMap()).set(name, value);
              } else tags.set(name, value);
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
  // One item (most lists: a firebreak:recovers-with of one tool): one array, not the three of split, map and filter.
  if (!value.includes(',')) {
    const item = value.trim();
    return item === '' ? [] : [item];
  }
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

/**
 * Capacity: how many instances a resource keeps running, read from its own
 * properties by its rule's `replicas` (rules/*.yaml), and what that means for
 * its verdict. One instance is a single point, and it sits in one zone at a
 * time; n instances over z zones hold min(n, z) of them (which ones is not
 * known, so firebreak assumes the worst: any min(n, z) zones).
 */
import type { Warning } from '../errors.js';
import type { PropertyValue, ResourceRecord } from '../ingest/types.js';
import { asSpecial } from '../ingest/types.js';
import { getPath } from './properties.js';
import { conditionHolds, type MergedRule } from './rules.js';
import { resourceWarning, type BlindSpot, type Capacity, type DomainSegment } from './types.js';

/** What a resource's count properties say: a number (with the path it came from), an unknown, or nothing usable. */
export type CountReading = { kind: 'count'; count: number; from: string } | { kind: 'unknown'; what: string } | { kind: 'none' };

/** No count, and no verdict: shared answers, never mutated (most resources count nothing: two objects per resource). */
const NO_COUNT: CountReading = { kind: 'none' };
const NO_VERDICT: CapacityVerdict = {};

function valuesAt(r: ResourceRecord, path: string): PropertyValue[] | undefined {
  let v = getPath(r.outputs, path);
  if (v === undefined || v === null) v = getPath(r.inputs, path);
  if (v === undefined || v === null) return undefined;
  const list = (Array.isArray(v) ? v : [v]).filter((x) => x !== null && x !== undefined);
  return list.length > 0 ? list : undefined;
}

/** One number from a property value; an unknown or a bad value stops the count. */
function countOf(r: ResourceRecord, path: string, v: PropertyValue, warnings: Warning[]): number | { what: string } | undefined {
  const s = asSpecial(v);
  if (s?.kind === 'unknown')
    return { what: s.symbol ? (s.symbol.startsWith('<') ? `config ${s.symbol.slice(1, -1)}` : s.symbol) : `${path}, known only after deploy` };
  if (s?.kind === 'secret') return { what: `${path}, a secret` };
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0) {
    warnings.push(resourceWarning(r, `${r.name}: ${path} is not a count of instances (a whole number, 0 or more); its capacity is not judged`));
    return undefined;
  }
  return n;
}

/** The first of the paths set on a value (a resource's outputs then inputs, or one element of a list), summed over a list. */
function firstCount(r: ResourceRecord, paths: string[], at: (path: string) => PropertyValue[] | undefined, warnings: Warning[]): CountReading | undefined {
  for (const path of paths) {
    const values = at(path);
    if (!values) continue;
    let sum = 0;
    for (const v of values) {
      const n = countOf(r, path, v, warnings);
      if (n === undefined) return NO_COUNT;
      if (typeof n !== 'number') return { kind: 'unknown', what: n.what };
      sum += n;
    }
    return { kind: 'count', count: sum, from: path };
  }
  return undefined;
}

/**
 * The instance count a rule's `replicas` reads: the first of its paths that
 * is set. Paths into one list (`agentPoolProfiles[*].minCount`,
 * `agentPoolProfiles[*].count`) are read per element (a pool's minCount, else
 * its count, else the default) and summed. Bad values are warned about.
 */
/**
 * The one list every path of a rule's `replicas` reads into (`agentPoolProfiles` of `agentPoolProfiles[*].count`),
 * or '' (paths into no list, or into several): by the rule's long-lived object, worked out once, not with a Set,
 * two arrays and a closure per resource counted (~3.5 MB at 100k). Bounded for a long-lived library process.
 */
const oneLists = new Map<NonNullable<MergedRule['replicas']>, string>();

function oneListOf(replicas: NonNullable<MergedRule['replicas']>): string {
  let list = oneLists.get(replicas);
  if (list === undefined) {
    const lists = new Set(replicas.property.map((p) => (p.includes('[*].') ? p.slice(0, p.indexOf('[*].')) : '')));
    list = lists.size === 1 ? ([...lists][0] ?? '') : '';
    if (oneLists.size > 10_000) oneLists.clear();
    oneLists.set(replicas, list);
  }
  return list;
}

export function readCount(r: ResourceRecord, rules: MergedRule, warnings: Warning[]): CountReading {
  const replicas = rules.replicas;
  if (!replicas) return NO_COUNT;
  if (replicas.unless !== undefined && replicas.unless.some((c) => conditionHolds(r, c))) return NO_COUNT;
  const list = oneListOf(replicas);
  if (list) {
    const elements = valuesAt(r, list);
    if (!elements) return replicas.default !== undefined ? { kind: 'count', count: replicas.default, from: `the default of ${replicas.default}` } : NO_COUNT;
    const rel = replicas.property.map((p) => p.slice(list.length + 4));
    let sum = 0;
    const from = new Set<string>();
    for (const e of elements) {
      const one = firstCount(
        r,
        rel,
        (p) => {
          const v = getPath(e, p);
          return v === undefined || v === null ? undefined : Array.isArray(v) ? v : [v];
        },
        warnings,
      );
      if (one && one.kind !== 'count') return one;
      if (one) {
        sum += one.count;
        from.add(`${list}[*].${one.from}`);
      } else if (replicas.default !== undefined) {
        sum += replicas.default;
        from.add(`the default of ${replicas.default}`);
      } else return NO_COUNT;
    }
    return { kind: 'count', count: sum, from: [...from].join(' + ') };
  }
  const found = firstCount(r, replicas.property, (p) => valuesAt(r, p), warnings);
  if (found) return found;
  if (replicas.default !== undefined) return { kind: 'count', count: replicas.default, from: `the default of ${replicas.default}` };
  return NO_COUNT;
}

function pathText(p: DomainSegment[]): string {
  return p.map((s) => s.name).join('/');
}

export interface CapacityVerdict {
  capacity?: Capacity;
  /** Overrides the event flag when the count decides it. */
  event?: boolean;
}

/**
 * What a count means for a placed resource. Placements of zones: n instances
 * over z zones are lost when min(n, z) of them are (the worst case of which
 * zones hold them); one instance is a single point and any of its zones stops
 * it until it is rescheduled. In one domain (a region, a zone): one instance
 * is a single point; two or more replace each other.
 */
export function judgeCapacity(
  r: ResourceRecord,
  rules: MergedRule,
  reading: CountReading,
  placements: DomainSegment[][],
  redundant: boolean,
  blindSpots: BlindSpot[],
  unspread = false,
): CapacityVerdict {
  if (reading.kind === 'unknown') {
    blindSpots.push({
      kind: 'unknown-capacity',
      subject: r.urn,
      message: `${r.name} (${r.type}): capacity depends on ${reading.what}; judged by its placement alone`,
    });
    return NO_VERDICT;
  }
  if (reading.kind !== 'count') return NO_VERDICT;
  const perZone = rules.replicas?.perZone === true;
  const zones = placements.length;
  if (reading.count === 0) {
    blindSpots.push({
      kind: 'unknown-capacity',
      subject: r.urn,
      message: `${r.name} (${r.type}): ${reading.from} is 0 (scaled to zero, or left to an autoscaler): its capacity is not judged`,
    });
    return NO_VERDICT;
  }
  // A count per zone over a region whose zones are not listed: as many zones as the provider picks; not judged by count.
  if (perZone && zones <= 1 && redundant) return NO_VERDICT;
  const total = perZone ? reading.count * Math.max(1, zones) : reading.count;
  const from = perZone ? `${reading.from} per zone` : reading.from;
  if (total === 1) {
    if (zones > 1) {
      return {
        event: true,
        capacity: { count: 1, from, downAt: 1, note: 'one instance: a zone loss stops it until it is rescheduled' },
      };
    }
    const one = placements[0];
    const last = one?.[one.length - 1];
    if (one && last && last.kind !== 'zone' && redundant) {
      blindSpots.push({
        kind: 'unknown-zone',
        subject: r.urn,
        message: `${r.name} (${r.type}) runs one instance, in one zone of ${pathText(one)} that is not known: a loss of that zone stops it until it is rescheduled`,
      });
    }
    return { event: true, capacity: { count: 1, from, note: 'one instance' } };
  }
  // Not proved spread over its host's zones: its instances may all sit in one of them, so it stays judged as one.
  if (unspread)
    return { capacity: { count: total, from, note: `${total} instances, not proved spread over the zones of what it runs on: they may all sit in one zone` } };
  const downAt = perZone ? zones : Math.min(total, Math.max(1, zones));
  return {
    event: false,
    capacity: {
      count: total,
      from,
      ...(zones > 1 ? { downAt } : {}),
      note:
        zones > 1
          ? downAt < zones
            ? `${total} instances over ${zones} zones: any ${downAt} of them may hold them all`
            : `${total} instances over ${zones} zones: a zone loss leaves the others`
          : `${total} instances replace each other`,
    },
  };
}

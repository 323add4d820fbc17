/**
 * Rules generated from a provider schema where the schema says enough: a type
 * with a zone property is zonal, one with a list of zones or subnets spans
 * them, one with only a region or location is regional, and wiring types
 * (attachments, policies, memberships, records, ...) only configure. Which
 * property and type names mean what is data (scripts/generate-rules.yaml);
 * types a curated pack already classifies are left out, so curated rules
 * always decide them. Pure: a schema, the heuristics and the curated packs in,
 * a pack out.
 */
import { Classifier } from './index.js';
import type { LoadedPack } from './packs.js';
import type { Pack, Rule, TypeNames } from './schema.js';
import type { PackageSchema } from '../ingest/provider-schema.js';

export interface GenerateHeuristics {
  /** A type whose name (the part after the last `:`) matches one of these regular expressions only configures. */
  configOnlyNames: string[];
  /** Types matching these globs are left alone (e.g. data-source-like or deprecated ones). */
  skipTypes?: string[];
  /** Input properties naming one zone: the type is zonal. */
  zoneProperties: string[];
  /** Input properties referencing one zonal resource (a subnet): the type is zonal, in its zone. */
  zoneViaProperties: string[];
  /** Input properties listing zones, or zonal resources: the type spans them (regional). */
  multiZoneProperties: string[];
  multiZoneViaProperties: string[];
  /** Input properties naming a region: the type is regional. */
  regionProperties: string[];
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    '^' +
      glob
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
  );
}

interface Decision {
  key: string;
  rule: Omit<Rule, 'id' | 'info' | 'match'>;
  info: string;
}

function decide(props: string[], name: string, h: GenerateHeuristics, configOnly: RegExp[]): Decision | undefined {
  if (configOnly.some((re) => re.test(name)))
    return {
      key: 'config-only',
      rule: { role: 'config-only' },
      info: 'Wiring (an attachment, association, policy, permission, membership, record, subscription or target): it configures other resources and never fails on its own.',
    };
  const has = (list: string[]): string[] => list.filter((p) => props.includes(p));
  const zone = has(h.zoneProperties);
  const zoneVia = has(h.zoneViaProperties);
  if (zone.length > 0 || zoneVia.length > 0) {
    return {
      key: `zonal-${[...zone, ...zoneVia].join('-').toLowerCase()}`,
      rule: { scope: 'zonal', ...(zone.length ? { zone } : {}), ...(zoneVia.length ? { zoneVia } : {}) },
      info: `The schema gives it one zone (${[...zone, ...zoneVia].join(', ')}): it lives in that zone.`,
    };
  }
  const multi = has(h.multiZoneProperties);
  const multiVia = has(h.multiZoneViaProperties);
  if (multi.length > 0 || multiVia.length > 0) {
    return {
      key: `zones-${[...multi, ...multiVia].join('-').toLowerCase()}`,
      rule: { scope: 'regional', ...(multi.length ? { zone: multi } : {}), ...(multiVia.length ? { zoneVia: multiVia } : {}) },
      info: `The schema lists its zones (${[...multi, ...multiVia].join(', ')}): it sits in the zones listed, regional when none are.`,
    };
  }
  const region = has(h.regionProperties);
  if (region.length > 0) {
    return {
      key: `regional-${region.join('-').toLowerCase()}`,
      rule: { scope: 'regional', region },
      info: `The schema gives it only a region (${region.join(', ')}): it is regional.`,
    };
  }
  return undefined;
}

/** Whether a curated rule specifically classifies the type (a role or a placement, not a catch-all). */
function curatedCovers(classifier: Classifier, type: string): boolean {
  return classifier
    .matchingRules(type)
    .some(
      (m) =>
        !m.catchAll &&
        (m.rule.role !== undefined ||
          m.rule.scope !== undefined ||
          m.rule.zone !== undefined ||
          m.rule.zoneVia !== undefined ||
          m.rule.region !== undefined ||
          m.rule.spans !== undefined ||
          m.rule.runsOn !== undefined),
    );
}

/** A token without its module's version: `azure-native:app/v20220301:ContainerApp` -> `azure-native:app:ContainerApp`. */
function unversioned(token: string): string {
  const [pkg = '', mod = '', name = ''] = token.split(':');
  return `${pkg}:${mod.replace(/\/v\d+(?:(?:alpha|beta|preview)\d*)?$/, '')}:${name}`;
}

export function generatePack(schema: PackageSchema, h: GenerateHeuristics, curated: LoadedPack[], packName: string): Pack {
  const renames: NonNullable<TypeNames['types']> = [];
  for (const type of Object.keys(schema.resources).sort()) {
    // Aliases that dropping the version does not already turn into this type (a module move, or a versioned canonical token) resolve to it.
    for (const a of [...schema.resources[type]!.aliases].sort()) if (unversioned(a) !== type && a.split(':').length === 3) renames.push({ from: a, to: type });
  }
  const classifier = new Classifier([...curated, { pack: 'renames', description: '', file: '', typeNames: { types: renames }, rules: [] }]);
  const configOnly = h.configOnlyNames.map((s) => new RegExp(s));
  const skip = (h.skipTypes ?? []).map(globToRegExp);
  const groups = new Map<string, { d: Decision; types: string[] }>();
  for (const type of Object.keys(schema.resources).sort()) {
    const res = schema.resources[type]!;
    if (skip.some((re) => re.test(type)) || curatedCovers(classifier, type)) continue;
    const d = decide(Object.keys(res.inputProperties), type.split(':').pop() ?? type, h, configOnly);
    if (!d) continue;
    const g = groups.get(d.key) ?? { d, types: [] };
    g.types.push(type);
    groups.set(d.key, g);
  }
  const rules: Rule[] = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, g]) => ({ id: `${packName}-${key}`.replace(/[^a-z0-9-]/g, '-'), info: g.d.info, match: { type: g.types }, ...g.d.rule }) as Rule);
  return {
    pack: packName,
    description: `Generated from the ${schema.name} schema (${schema.source}) by npm run rules:generate; curated packs override it.`,
    generated: { source: schema.source, version: schema.version },
    ...(renames.length > 0 ? { typeNames: { types: renames } } : {}),
    rules,
  };
}

/**
 * Rule coverage of a provider schema: for every resource type, the rules that
 * classify it; which types carry a placement or capacity property
 * (placement-bearing); and which of those no rule places. Pure: a schema and
 * the packs in, a report out.
 */
import type { PackageSchema } from '../ingest/provider-schema.js';
import { Classifier } from './index.js';
import type { LoadedPack } from './packs.js';
import type { Rule } from './schema.js';

export interface CoverageType {
  type: string;
  /** Placement or capacity properties it has (`spec.replicas` when nested one level). */
  placementProperties: string[];
  placementBearing: boolean;
  /** pack/id of every specific (not catch-all) rule that decides its role or placement. */
  rules: string[];
  covered: boolean;
  /** Other tokens of the type (schema aliases). */
  aliases: string[];
}

export interface CoverageReport {
  schema: { name: string; version: string; source: string };
  types: number;
  placementBearing: number;
  covered: number;
  /** Covered share of the placement-bearing types, in percent (100 when there are none). */
  percent: number;
  /** Every type, sorted by token. */
  entries: CoverageType[];
  /** Placement-bearing types no rule places, sorted. */
  uncovered: string[];
}

/** Whether a rule decides anything coverage counts: a role or a placement. */
function decides(rule: Rule): boolean {
  return (
    rule.role !== undefined ||
    rule.scope !== undefined ||
    rule.zone !== undefined ||
    rule.zoneVia !== undefined ||
    rule.region !== undefined ||
    rule.spans !== undefined ||
    rule.runsOn !== undefined ||
    rule.managed !== undefined
  );
}

/** The placement and capacity property names the packs declare (core.yaml `coverage:`). */
export function coverageProperties(packs: LoadedPack[]): { placement: Set<string>; capacity: Set<string> } {
  const placement = new Set<string>();
  const capacity = new Set<string>();
  for (const p of packs) {
    for (const n of p.coverage?.placement ?? []) placement.add(n);
    for (const n of p.coverage?.capacity ?? []) capacity.add(n);
  }
  return { placement, capacity };
}

/** Placement and capacity properties of a resource type: top-level inputs, and inputs of the object types they hold (one level). */
export function placementPropertiesOf(schema: PackageSchema, type: string, names: Set<string>): string[] {
  const found: string[] = [];
  const inputs = schema.resources[type]?.inputProperties ?? {};
  for (const [k, v] of Object.entries(inputs)) {
    if (names.has(k)) found.push(k);
    const nested = v.ref ? schema.types[v.ref] : undefined;
    if (nested) for (const n of Object.keys(nested)) if (names.has(n)) found.push(`${k}.${n}`);
  }
  return found.sort();
}

export function ruleCoverage(schema: PackageSchema, packs: LoadedPack[]): CoverageReport {
  const classifier = new Classifier(packs);
  const { placement, capacity } = coverageProperties(packs);
  const names = new Set([...placement, ...capacity]);
  const entries: CoverageType[] = [];
  for (const type of Object.keys(schema.resources).sort()) {
    const props = placementPropertiesOf(schema, type, names);
    const rules = classifier
      .matchingRules(type)
      .filter((m) => !m.catchAll && decides(m.rule))
      .map((m) => `${m.pack}/${m.rule.id}`);
    entries.push({
      type,
      placementProperties: props,
      placementBearing: props.length > 0,
      rules: [...new Set(rules)],
      covered: rules.length > 0,
      aliases: [...schema.resources[type]!.aliases].sort(),
    });
  }
  const bearing = entries.filter((e) => e.placementBearing);
  const covered = bearing.filter((e) => e.covered).length;
  return {
    schema: { name: schema.name, version: schema.version, source: schema.source },
    types: entries.length,
    placementBearing: bearing.length,
    covered,
    percent: bearing.length === 0 ? 100 : Math.floor((covered / bearing.length) * 1000) / 10,
    entries,
    uncovered: bearing.filter((e) => !e.covered).map((e) => e.type),
  };
}

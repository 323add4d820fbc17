/**
 * Explaining one resource: which rules matched its type (in merge order) and
 * what each decided, the merged result, the firebreak tags that override the
 * rules, and what classification finally decided. Read-only: it runs the same
 * Classifier and classify() the analysis uses.
 */
import { DECIDED_FIELDS, type DecidedField } from './rules.js';
import { UsageError } from '../errors.js';
import { STACK_TYPE } from '../pulumi.js';
import { byText } from '../text.js';
import type { ResourceRecord, StackInput, PropertyValue } from '../ingest/types.js';
import { asSpecial } from '../ingest/types.js';
import { classify, Classifier, conditionHolds, ruleDecision, type BlindSpot, type DomainSegment } from './index.js';
import type { LoadedPack } from './packs.js';
import { getPath } from './properties.js';
import {
  ROLES,
  type AuthenticatesThrough,
  type Condition,
  type LocalImages,
  type LoginThrough,
  type RecoverySelector,
  type Replicas,
  type Role,
  type RunsOn,
  type Scope,
  type Tool,
} from './schema.js';
import type { Capacity, GroupEvidence } from './types.js';

export interface Span {
  property: string;
  equals: string | number | boolean;
  /** Further conditions that must all hold too. */
  and?: Condition[];
  scope: Scope;
}

/** One matching rule and the fields it sets. */
export interface RuleDecision {
  pack: string;
  id: string;
  info: string;
  catchAll: boolean;
  /** match.property of the rule, with the resource's value there. */
  matchedProperty?: { path: string; pattern: string; value?: string };
  decides: {
    role?: Role;
    scope?: Scope;
    managed?: boolean;
    zone?: string[];
    zoneVia?: string[];
    region?: string[];
    regionDefault?: string;
    zoneConfigDefault?: boolean;
    spans?: Span[];
    runsOn?: RunsOn;
    replicas?: Replicas;
    replicaOf?: string[];
    tool?: Tool;
    domain?: string;
    rebuild?: { what: string; keys?: string[] };
    localImages?: LocalImages;
    deploys?: string;
    loginThrough?: LoginThrough;
    authenticatesThrough?: AuthenticatesThrough;
    operatorRecovery?: string;
    recoversWith?: RecoverySelector[];
  };
}

export type MergedField = DecidedField;
const MERGED_FIELDS = DECIDED_FIELDS;

export interface ConditionCheck extends Condition {
  /** The resource's values at the condition's paths, as text. */
  values: Array<{ path: string; value: string }>;
  holds: boolean;
}

export interface PathValue {
  path: string;
  /** The value on the resource (outputs first, then inputs), shown as text; absent when not set. */
  value?: string;
}

export interface SpanCheck extends Span {
  /** The resource's value of the property, as text; absent when not set. */
  value?: string;
  holds: boolean;
}

export interface Explanation {
  resource: {
    urn: string;
    name: string;
    type: string;
    project: string;
    stack: string;
    custom: boolean;
    input: string;
    source?: { file: string; line?: number };
  };
  rules: RuleDecision[];
  merged: {
    role?: Role;
    scope?: Scope;
    managed?: boolean;
    zone: PathValue[];
    zoneVia: PathValue[];
    region: PathValue[];
    /** The region the provider documents when none is set (a rule's regionDefault). */
    regionDefault?: string;
    /** The provider's zone config places it when it names no location (a rule's zoneConfigDefault). */
    zoneConfigDefault?: boolean;
    spans: SpanCheck[];
    /** Placement through a host (a cluster): the references followed, the host found, whether it spreads over the host's zones. */
    runsOn?: {
      via: string[];
      host?: string;
      /** runsOn.zone: the paths of the zone it names itself, with its values there. */
      zone?: PathValue[];
      spreads: boolean | ConditionCheck[];
      spreadHolds: boolean;
    };
    /** Its capacity rule (replicas): the count paths, with the resource's values there. */
    replicas?: { property: PathValue[]; default?: number; perZone: boolean };
    /** A rule other than a catch-all matched. */
    specific: boolean;
    /** For each field set, the id of the rule whose value won. */
    decidedBy: Partial<Record<MergedField, string>>;
  };
  /** firebreak tags of the resource (names without their prefix). */
  tags: Record<string, string>;
  /** Where a tag overrode (or was meant to override) the rules, in words. */
  overrides: Array<{ tag: string; value: string; effect: string }>;
  result: {
    role: string;
    failable: boolean;
    event: boolean;
    placements: Array<{ path: string; kinds: string; segments: DomainSegment[] }>;
    placedBy: string;
    service: string;
    serviceFrom: string;
    group?: string;
    groupFrom?: string;
    /** What made its group (a tag; alike names and properties of stateless resources). */
    groupEvidence?: GroupEvidence;
    /** Its capacity, when its rule reads a count. */
    capacity?: Capacity;
    quorum?: number | 'majority';
    critical?: boolean;
    requires: string[];
    recoversWith: string[];
    /** How inferred recovery tools were found (absent when a tag decided or none was inferred). */
    recoversWithFrom?: string[];
    /** The external identities it uses (operators log in through, its control plane authenticates through), with the rule and any break-glass path. */
    identities?: string[];
    tool?: string;
    rules: string[];
  };
  blindSpots: BlindSpot[];
}

/** Every resource of the inputs, with the input it came from. */
function records(inputs: StackInput[]): Array<{ record: ResourceRecord; input: StackInput }> {
  return inputs.flatMap((input) => input.resources.map((record) => ({ record, input })));
}

/** The resource a URN or logical name names; a usage error when none or several do. */
export function findResource(inputs: StackInput[], query: string): { record: ResourceRecord; input: StackInput } {
  const all = records(inputs);
  const byUrn = all.find((x) => x.record.urn === query);
  if (byUrn) return byUrn;
  const named = all.filter((x) => x.record.name === query);
  const distinct = [...new Map(named.map((x) => [x.record.urn, x])).values()];
  if (distinct.length === 1) return distinct[0]!;
  if (distinct.length > 1) {
    // One line (errors are one line; a newline would be printed escaped): the URNs, as whatif --fail lists them.
    throw new UsageError(`"${query}" names ${distinct.length} resources; give one URN: ${distinct.map((x) => x.record.urn).join(', ')}`);
  }
  const lower = query.toLowerCase();
  const near = [...new Set(all.filter((x) => x.record.name.toLowerCase().includes(lower)).map((x) => x.record.name))].slice(0, 5);
  const where = inputs.map((i) => i.input).join(', ');
  throw new UsageError(`no resource has the URN or name "${query}" in ${where}${near.length > 0 ? ` (similar names: ${near.join(', ')})` : ''}`);
}

/** A property value as one line of text. */
export function showValue(v: PropertyValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => showValue(x) ?? 'null').join(', ')}]`;
  const s = asSpecial(v);
  if (s) {
    if (s.kind === 'unknown') return s.symbol ? `(unknown until apply: ${s.symbol})` : '(unknown until apply)';
    if (s.kind === 'secret') return '(secret)';
    if (s.kind === 'resource-ref') return `(reference to ${s.urn})`;
    return '(asset)';
  }
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(r: ResourceRecord, path: string): PropertyValue | undefined {
  for (const m of [r.outputs, r.inputs]) {
    const v = getPath(m, path);
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

const TAG_KEY = (name: string): string => `firebreak:${name}`;

export function explainResource(inputs: StackInput[], packs: LoadedPack[], query: string): Explanation {
  const { record: r, input } = findResource(inputs, query);
  const classifier = new Classifier(packs);
  const classification = classify(inputs, packs, classifier);
  const c = classification.resources.find((x) => x.record === r);
  if (!c) throw new Error(`classification lost ${r.urn}`);

  const rules: RuleDecision[] = classifier.matchingRules(r.type, r).map(({ rule, pack, catchAll }) => {
    const prop = rule.match.property;
    const value = prop ? showValue(valueAt(r, prop.path)) : undefined;
    return {
      pack,
      id: rule.id,
      info: rule.info,
      catchAll,
      ...(prop ? { matchedProperty: { path: prop.path, pattern: prop.pattern, ...(value !== undefined ? { value } : {}) } } : {}),
      decides: ruleDecision(rule),
    };
  });
  const decidedBy: Partial<Record<MergedField, string>> = {};
  for (const rule of rules) for (const f of MERGED_FIELDS) if (rule.decides[f] !== undefined) decidedBy[f] = rule.id;
  const m = classifier.rulesFor(r.type, r);
  const paths = (list: string[]): PathValue[] =>
    list.map((p) => {
      const value = showValue(valueAt(r, p));
      return value === undefined ? { path: p } : { path: p, value };
    });
  const spans: SpanCheck[] = m.spans.map((s) => {
    const v = getPath(r.outputs, s.property) ?? getPath(r.inputs, s.property);
    const value = showValue(v);
    return { ...s, ...(value !== undefined ? { value } : {}), holds: v === s.equals && (s.and ?? []).every((c) => conditionHolds(r, c)) };
  });
  let runsOn: Explanation['merged']['runsOn'];
  if (m.runsOn) {
    const spreads: boolean | ConditionCheck[] = Array.isArray(m.runsOn.spreads)
      ? m.runsOn.spreads.map((cond) => ({
          ...cond,
          values: cond.property.flatMap((p) => {
            const value = showValue(valueAt(r, p));
            return value === undefined ? [] : [{ path: p, value }];
          }),
          holds: conditionHolds(r, cond),
        }))
      : (m.runsOn.spreads ?? false);
    runsOn = {
      via: m.runsOn.via,
      ...(c.host ? { host: c.host } : {}),
      ...(m.runsOn.zone
        ? {
            zone: m.runsOn.zone.map((p) => {
              const value = showValue(valueAt(r, p));
              return value === undefined ? { path: p } : { path: p, value };
            }),
          }
        : {}),
      spreads,
      spreadHolds: Array.isArray(spreads) ? spreads.every((x) => x.holds) : spreads,
    };
  }

  const tagMap = classifier.tagsOf(r);
  const tags = Object.fromEntries([...tagMap.entries()].sort(([a], [b]) => byText(a, b)));
  const overrides: Explanation['overrides'] = [];
  const tagRole = tagMap.get('role');
  if (tagRole !== undefined) {
    const ruleRole = m.role ? `${m.role} (rule ${decidedBy.role})` : 'none';
    if (!r.custom) {
      overrides.push({ tag: TAG_KEY('role'), value: tagRole, effect: 'ignored: a component resource is not itself part of the model' });
    } else if (!(ROLES as readonly string[]).includes(tagRole)) {
      overrides.push({ tag: TAG_KEY('role'), value: tagRole, effect: `ignored: not a role (use ${ROLES.join(', ')}); the role stays ${ruleRole}` });
    } else if (tagRole === m.role) {
      overrides.push({ tag: TAG_KEY('role'), value: tagRole, effect: `sets role ${tagRole}, the same as the rules` });
    } else {
      overrides.push({ tag: TAG_KEY('role'), value: tagRole, effect: `overrides the rules' role: ${tagRole} instead of ${ruleRole}` });
    }
    if (!m.specific && r.custom)
      overrides.push({ tag: TAG_KEY('role'), value: tagRole, effect: 'no specific rule matched: the tag makes it a component judged on its own' });
  }
  const domainTag = tagMap.get('domain');
  if (domainTag !== undefined && c.failable) {
    overrides.push({
      tag: TAG_KEY('domain'),
      value: domainTag,
      effect:
        c.placedBy === 'firebreak:domain tag' ? "overrides the rules' placement (zone, zoneVia, region and spans are not read)" : 'names no domain; ignored',
    });
  }

  let serviceFrom = 'the project';
  if (c.failable) {
    if (tagMap.get('service')) serviceFrom = `its ${TAG_KEY('service')} tag`;
    else {
      const byUrn = new Map(inputs.flatMap((i) => i.resources).map((x) => [x.urn, x]));
      let top: ResourceRecord | undefined;
      let found: string | undefined;
      for (let p = r.parent ? byUrn.get(r.parent) : undefined; p; p = p.parent ? byUrn.get(p.parent) : undefined) {
        if (classifier.tagsOf(p).get('service')) {
          found = `the ${TAG_KEY('service')} tag of its parent ${p.name}`;
          break;
        }
        if (!p.custom && p.type !== STACK_TYPE) top = p;
      }
      serviceFrom =
        found ??
        (top
          ? `its top component resource ${top.name}`
          : c.role === 'ops-tool'
            ? `the project ${r.project} (an ops tool: its ops tools)`
            : `the project ${r.project}`);
    }
  }
  const groupFrom =
    c.group === undefined
      ? undefined
      : tagMap.get('group')
        ? `its ${TAG_KEY('group')} tag`
        : (c.groupEvidence?.detail ?? 'replicas named alike (the core grouping name suffix)');

  const result: Explanation['result'] = {
    role: c.role,
    failable: c.failable,
    event: c.event,
    placements: c.placements.map((p) => ({ path: p.map((s) => s.name).join('/'), kinds: p.map((s) => s.kind).join('/'), segments: p })),
    placedBy: c.placedBy,
    service: c.service,
    serviceFrom,
    ...(c.group !== undefined ? { group: c.group, groupFrom: groupFrom! } : {}),
    ...(c.groupEvidence ? { groupEvidence: c.groupEvidence } : {}),
    ...(c.capacity ? { capacity: c.capacity } : {}),
    ...(c.quorum !== undefined ? { quorum: c.quorum } : {}),
    ...(c.critical !== undefined ? { critical: c.critical } : {}),
    requires: c.requires,
    recoversWith: c.recoversWith,
    ...(c.recoveryWhy ? { recoversWithFrom: c.recoveryWhy } : {}),
    ...(c.identityWhy ? { identities: c.identityWhy } : {}),
    ...(c.tool ? { tool: c.tool } : {}),
    rules: c.rules,
  };

  return {
    resource: {
      urn: r.urn,
      name: r.name,
      type: r.type,
      project: r.project,
      stack: r.stack,
      custom: r.custom,
      input: input.input,
      ...(r.source ? { source: { file: r.source.file, ...(r.source.line !== undefined ? { line: r.source.line } : {}) } } : {}),
    },
    rules,
    merged: {
      ...(m.role !== undefined ? { role: m.role } : {}),
      ...(m.scope !== undefined ? { scope: m.scope } : {}),
      ...(m.managed !== undefined ? { managed: m.managed } : {}),
      zone: paths(m.zone),
      zoneVia: paths(m.zoneVia),
      region: paths(m.region),
      ...(m.regionDefault !== undefined ? { regionDefault: m.regionDefault } : {}),
      ...(m.zoneConfigDefault ? { zoneConfigDefault: true } : {}),
      spans,
      ...(runsOn ? { runsOn } : {}),
      ...(m.replicas
        ? {
            replicas: {
              property: paths(m.replicas.property),
              ...(m.replicas.default !== undefined ? { default: m.replicas.default } : {}),
              perZone: m.replicas.perZone === true,
            },
          }
        : {}),
      specific: m.specific,
      decidedBy,
    },
    tags,
    overrides,
    result,
    blindSpots: classification.blindSpots.filter((b) => b.subject === r.urn || (b.kind === 'no-rule' && b.subject === r.type && c.failable)),
  };
}

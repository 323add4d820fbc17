/**
 * `firebreak rules` documents: the rule listing (`rules list`), how one resource was
 * classified (`rules explain`) and the finding kinds (`rules list --findings`), as text
 * and JSON. The CLI prints exactly these; a library caller renders the same documents.
 */
import path from 'node:path';
import type { Explanation, PathValue } from '../classify/explain.js';
import type { BreakGlass, Condition, LoginThrough, Replicas } from '../classify/schema.js';
import { visible } from '../visible.js';
import type { ReportOptions } from './options.js';

/** One rule pack of a listing, in precedence order (`order` counts from 1). */
export interface ListedPack {
  order: number;
  name: string;
  file: string;
  /** A pack shipped with firebreak (rules/ or rules/generated/), not one of the user's. */
  builtin: boolean;
  description: string;
  /** How many rules it holds. */
  rules: number;
}

/** One rule of a listing: what it matches and what it decides of role, scope, management and capacity. */
export interface ListedRule {
  pack: string;
  id: string;
  /** The resource types it matches (globs). */
  match: string[];
  role?: string;
  scope?: string;
  managed?: boolean;
  replicas?: Replicas;
  replicaOf?: string[];
  info: string;
}

/** `firebreak rules list`: every loaded pack and rule, in precedence order (the library's listRules). */
export interface RuleListing {
  packs: ListedPack[];
  rules: ListedRule[];
}

/** `firebreak rules list --findings`: each finding kind, its default severity, title and docs page, sorted by id. */
export type FindingKindList = Array<{ id: string; title: string; defaultSeverity: string; url: string }>;

/** A path relative to cwd when it lies inside it; as given without a cwd. */
function shown(file: string, cwd: string | undefined): string {
  if (cwd === undefined) return file;
  const rel = path.relative(cwd, path.resolve(cwd, file));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Rows as columns padded to the widest cell; the last column is not padded (also the coverage report's). */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

// ---------------------------------------------------------------- list

export function renderRuleListingJson(listing: RuleListing): string {
  return JSON.stringify({ schemaVersion: 1, packs: listing.packs, rules: listing.rules }, null, 2) + '\n';
}

/** The listing as two tables; pack files inside options.cwd are shown relative to it. */
export function renderRuleListingText(listing: RuleListing, options: Partial<ReportOptions> = {}): string {
  const { packs, rules } = listing;
  const lines: string[] = [];
  lines.push(`Rule packs, in precedence order (for the same field a later matching rule wins; catch-all rules apply first):`, '');
  lines.push(
    ...table([
      ['#', 'PACK', 'FILE', 'RULES', 'DESCRIPTION'],
      ...packs.map((p) => [String(p.order), p.name, `${shown(p.file, options.cwd)}${p.builtin ? '' : ' (user)'}`, String(p.rules), p.description]),
    ]),
  );
  lines.push('', 'Rules:', '');
  const rows: string[][] = [['PACK', 'ID', 'ROLE', 'MATCH', 'INFO']];
  for (const r of rules) {
    const [first = '', ...more] = r.match;
    rows.push([r.pack, r.id, r.role ?? '-', first, r.info]);
    // Every further type on a line of its own, under MATCH.
    for (const t of more) rows.push(['', '', '', t, '']);
    if (r.replicas) rows.push(['', '', '', '', `capacity: ${replicasText(r.replicas)}`]);
    if (r.replicaOf) rows.push(['', '', '', '', `replica group: the members of the cluster ${r.replicaOf.join(' or ')} names`]);
  }
  lines.push(...table(rows));
  lines.push('', `${plural(packs.length, 'pack')}, ${plural(rules.length, 'rule')}.`);
  // Names, descriptions and types come from pack files: no control character reaches the terminal.
  return lines.map(visible).join('\n') + '\n';
}

// ---------------------------------------------------------------- finding kinds

export function renderFindingKindsJson(kinds: FindingKindList): string {
  return JSON.stringify({ findings: kinds }, null, 2) + '\n';
}

export function renderFindingKindsText(kinds: FindingKindList): string {
  const width = Math.max(...kinds.map((k) => k.id.length));
  return kinds.map((k) => `${k.id.padEnd(width)}  ${k.defaultSeverity.padEnd(8)}  ${k.title}\n${' '.repeat(width + 2)}${k.url}`).join('\n') + '\n';
}

// ---------------------------------------------------------------- explain

export function renderExplanationJson(e: Explanation): string {
  return JSON.stringify({ schemaVersion: 1, ...e }, null, 2) + '\n';
}

function showPaths(list: PathValue[]): string {
  if (list.length === 0) return '-';
  return list.map((p) => (p.value !== undefined ? `${p.path} = ${p.value}` : p.path)).join(', ');
}

/** A rule condition in words: `spec.replicas >= 2`, `chart ~ /argo-cd/`, `multiAz = true`. */
function conditionText(c: Condition): string {
  const paths = c.property.join(' or ');
  if (c.atLeast !== undefined) return `${paths} >= ${c.atLeast}`;
  if (c.matches !== undefined) return `${paths} ~ /${c.matches}/`;
  return `${paths} = ${String(c.equals)}`;
}

/** A capacity rule in words: `desiredCount, default 1, unless schedulingStrategy = DAEMON`. */
function replicasText(r: Replicas): string {
  const parts = [r.property.join(' or ')];
  if (r.perZone) parts.push('per zone');
  if (r.default !== undefined) parts.push(`default ${r.default}`);
  if (r.unless) parts.push(`unless ${r.unless.map(conditionText).join(' or ')}`);
  return parts.join(', ');
}

function decisionText(d: Explanation['rules'][number]['decides']): string {
  const parts: string[] = [];
  if (d.role) parts.push(`role ${d.role}`);
  if (d.scope) parts.push(`scope ${d.scope}`);
  if (d.managed !== undefined) parts.push(`managed ${d.managed}`);
  if (d.zone) parts.push(`zone [${d.zone.join(', ')}]`);
  if (d.zoneVia) parts.push(`zoneVia [${d.zoneVia.join(', ')}]`);
  if (d.region) parts.push(`region [${d.region.join(', ')}]`);
  if (d.spans)
    parts.push(
      `spans ${d.spans.map((s) => `${s.scope} when ${s.property} = ${String(s.equals)}${s.and ? ` and ${s.and.map(conditionText).join(' and ')}` : ''}`).join('; ')}`,
    );
  if (d.replicas) parts.push(`capacity ${replicasText(d.replicas)}`);
  if (d.replicaOf) parts.push(`replica of what ${d.replicaOf.join(', ')} names`);
  if (d.runsOn)
    parts.push(
      `runs on what ${d.runsOn.via.join(', ')} name${d.runsOn.spreads === true ? ', spread over its zones' : Array.isArray(d.runsOn.spreads) ? `, spread when ${d.runsOn.spreads.map(conditionText).join(' and ')}` : ''}`,
    );
  if (d.tool) parts.push(`ops tool (${d.tool})`);
  if (d.domain) parts.push(`domain ${d.domain}`);
  if (d.loginThrough)
    parts.push(
      `operators ${d.loginThrough.host ? `of its host (what ${d.loginThrough.host.via.join(', ')} reaches) ` : ''}log in through ${d.loginThrough.issuer ? issuerText(d.loginThrough.issuer, d.loginThrough.identity) : d.loginThrough.identity}${d.loginThrough.when ? ` when ${d.loginThrough.when.map(conditionText).join(' and ')}` : ''}${
        d.loginThrough.breakGlass ? `; break-glass: ${d.loginThrough.breakGlass.map(breakGlassText).join('; or ')}` : ''
      }`,
    );
  if (d.authenticatesThrough)
    parts.push(
      `authenticates to its provider through ${d.authenticatesThrough.identity} (${d.authenticatesThrough.via})${d.authenticatesThrough.when ? ` when ${d.authenticatesThrough.when.map(conditionText).join(' and ')}` : ''}`,
    );
  if (d.operatorRecovery) parts.push(`operators recover it by hand (${d.operatorRecovery}): it recovers with the identity they log in through`);
  if (d.recoversWith)
    parts.push(
      d.recoversWith.length === 0
        ? 'recovers with nothing inferred'
        : `recovers with ${d.recoversWith.map((r) => `the ${r.tool} tool${r.one ? '' : 's'} of ${r.scope.join(', else ')}`).join(', ')}`,
    );
  return parts.length > 0 ? parts.join('; ') : 'nothing';
}

/** Where a rule's issuer names the identity, in words: `the identity oidc.issuerUrl names (...)`. */
function issuerText(issuer: NonNullable<LoginThrough['issuer']>, identity: string): string {
  const known = [...new Set((issuer.known ?? []).map((k) => k.identity))];
  return `the identity ${issuer.property} names (an identity of the inputs it references; else ${known.length > 0 ? `${known.join(', ')} by host; else ` : ''}one the resource dependsOn; else ${identity} <host>)`;
}

/** A rule's break-glass way in, in words: `admin kubeconfig (a stack output named adminKubeconfig, or from fn)`. */
function breakGlassText(b: BreakGlass): string {
  const where = [...(b.outputs ? [`a stack output named ${b.outputs.join(', ')}`] : []), ...(b.invokes ? [`one from ${b.invokes.join(', ')}`] : [])];
  return [
    b.credential,
    ...(where.length > 0 ? [`(${where.join(', or ')})`] : []),
    ...(b.when ? [`when ${b.when.map(conditionText).join(' and ')}`] : []),
    ...(b.unless ? [`unless ${b.unless.map(conditionText).join(' or ')}`] : []),
  ].join(' ');
}

export function renderExplanationText(e: Explanation): string {
  const r = e.resource;
  const out: string[] = [];
  out.push(`${r.name} (${r.type})`);
  out.push(`  ${r.urn}`);
  out.push(
    `  from ${r.input}${r.source ? ` (${r.source.file}${r.source.line !== undefined ? `:${r.source.line}` : ''})` : ''}; stack ${r.stack}, project ${r.project}`,
  );
  if (!r.custom) out.push('  a component resource (or the stack): not itself part of the model');
  out.push('');

  if (e.rules.length === 0) out.push(`No rule matches ${r.type}.`);
  else {
    out.push(`Rules matching ${r.type}, in merge order (later wins for the same field):`);
    e.rules.forEach((rule, i) => {
      out.push(`  ${i + 1}. ${rule.pack}/${rule.id}${rule.catchAll ? ' (catch-all)' : ''}: ${decisionText(rule.decides)}`);
      out.push(`     ${rule.info}`);
    });
  }
  out.push('');

  const m = e.merged;
  const by = (f: keyof typeof m.decidedBy): string => (m.decidedBy[f] ? `  (${m.decidedBy[f]})` : '');
  out.push(`Merged${m.specific ? '' : ' (no specific rule: only catch-alls)'}:`);
  out.push(
    ...table([
      ['  role', `${m.role ?? '-'}${by('role')}`],
      ['  scope', `${m.scope ?? '-'}${by('scope')}`],
      ['  managed', `${m.managed ?? '-'}${by('managed')}`],
      ['  zone', `${showPaths(m.zone)}${by('zone')}`],
      ['  zoneVia', `${showPaths(m.zoneVia)}${by('zoneVia')}`],
      ['  region', `${showPaths(m.region)}${by('region')}`],
      ...(m.regionDefault !== undefined ? [['  region default', `${m.regionDefault}${by('regionDefault')}`]] : []),
      ...(m.zoneConfigDefault ? [['  zone default', `the provider's zone config${by('zoneConfigDefault')}`]] : []),
      [
        '  spans',
        m.spans.length === 0
          ? '-'
          : m.spans
              .map(
                (s) =>
                  `${s.scope} when ${s.property} = ${String(s.equals)}${s.and ? ` and ${s.and.map(conditionText).join(' and ')}` : ''}: ${s.holds ? 'holds' : 'does not hold'} (${s.property} is ${s.value ?? 'not set'})`,
              )
              .join('; ') + by('spans'),
      ],
      ...(m.runsOn
        ? [
            [
              '  runs on',
              `${m.runsOn.host ?? 'no host found'} (through ${m.runsOn.via.join(', ')}); spreads over its zones: ${
                typeof m.runsOn.spreads === 'boolean'
                  ? String(m.runsOn.spreads)
                  : `${m.runsOn.spreadHolds ? 'yes' : 'no'}, when ${m.runsOn.spreads.map((c) => `${conditionText(c)} (${c.holds ? 'holds' : 'does not hold'})`).join(' and ')}`
              }${by('runsOn')}`,
            ],
          ]
        : []),
    ]),
  );
  out.push('');

  const tagNames = Object.keys(e.tags);
  if (tagNames.length === 0) out.push('Tags: no firebreak tags.');
  else {
    out.push('Tags:');
    for (const t of tagNames) out.push(`  firebreak:${t} = ${e.tags[t]}`);
  }
  if (e.overrides.length > 0) {
    out.push('', 'Tags over rules:');
    for (const o of e.overrides) out.push(`  ${o.tag}: ${o.effect}`);
  }
  out.push('');

  const c = e.result;
  out.push('Classification:');
  const rows: string[][] = [['  role', c.role]];
  if (c.failable) {
    rows.push(['  placement', c.placements.length === 0 ? 'unknown' : c.placements.map((p) => `${p.path} (${p.kinds})`).join(', ')]);
    rows.push(['  placed by', c.placedBy]);
    rows.push(['  service', `${c.service}  (from ${c.serviceFrom})`]);
    rows.push(['  group', c.group !== undefined ? `${c.group}  (from ${c.groupFrom})` : '-']);
    if (c.capacity) rows.push(['  capacity', `${c.capacity.count} (from ${c.capacity.from}): ${c.capacity.note}`]);
    if (c.quorum !== undefined) rows.push(['  quorum', String(c.quorum)]);
    rows.push(['  critical', c.critical === undefined ? 'not marked' : String(c.critical)]);
    rows.push(['  event', c.event ? 'yes: its own loss is a basic event' : 'no: it fails only with its domains (managed, spanning, or no specific rule)']);
    rows.push(['  requires', c.requires.length === 0 ? '-' : c.requires[0]!]);
    for (const u of c.requires.slice(1)) rows.push(['', u]);
    rows.push(['  recovers with', c.recoversWith.length === 0 ? '-' : c.recoversWith[0]!]);
    for (const u of c.recoversWith.slice(1)) rows.push(['', u]);
    if (c.recoversWithFrom) {
      rows.push(['  inferred', c.recoversWithFrom[0]!]);
      for (const u of c.recoversWithFrom.slice(1)) rows.push(['', u]);
    }
    if (c.identities) {
      rows.push(['  identities', c.identities[0]!]);
      for (const u of c.identities.slice(1)) rows.push(['', u]);
    }
    if (c.tool) rows.push(['  ops tool', c.tool]);
  } else {
    rows.push([
      '  failable',
      r.custom ? 'no: it configures other resources and never fails on its own' : 'no: a component resource or the stack is not itself part of the model',
    ]);
    // What it configures of its host's login (the aws-auth ConfigMap).
    for (const [k, u] of (c.identities ?? []).entries()) rows.push([k === 0 ? '  identities' : '', u]);
  }
  out.push(...table(rows));
  if (e.blindSpots.length > 0) {
    out.push('', 'Blind spots:');
    for (const b of e.blindSpots) out.push(`  ${b.message}`);
  }
  // Names, types, URNs and property values come from the input: no control character or line break in one reaches the terminal.
  return out.map(visible).join('\n') + '\n';
}

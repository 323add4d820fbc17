/**
 * `firebreak rules`: list the loaded rule packs and rules, validate pack
 * files, and explain how one resource was classified.
 */
import path from 'node:path';
import { Command, Option } from 'commander';
import { InputError, formatProblem } from '../errors.js';
import {
  explainResource,
  findingKindLinks,
  loadInputs,
  loadRules,
  readProviderSchema,
  renderCoverageJson,
  renderCoverageText,
  ruleCoverage,
  validatePacks,
  type Explanation,
  type LoadedPack,
} from '../index.js';
import { builtinRulesDir } from '../classify/packs.js';
import type { PathValue } from '../classify/explain.js';
import type { BreakGlass, Condition, LoginThrough, Replicas } from '../classify/schema.js';
import { processIo, resolvePath, type Io } from './io.js';
import type { Cli } from './shared.js';

const EXIT_OK = 0;
const EXIT_INVALID = 2;
const FORMATS = ['text', 'json'];

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A path relative to the working directory when it lies inside it. */
function shown(file: string, cwd: string): string {
  const rel = path.relative(cwd, path.resolve(cwd, file));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Rows as columns padded to the widest cell; the last column is not padded. */
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

function isBuiltin(pack: LoadedPack): boolean {
  const dir = path.dirname(path.resolve(pack.file));
  return dir === builtinRulesDir() || dir === path.join(builtinRulesDir(), 'generated');
}

export function renderListJson(packs: LoadedPack[]): string {
  const out = {
    schemaVersion: 1,
    packs: packs.map((p, i) => ({ order: i + 1, name: p.pack, file: p.file, builtin: isBuiltin(p), description: p.description, rules: p.rules.length })),
    rules: packs.flatMap((p) =>
      p.rules.map((r) => ({
        pack: p.pack,
        id: r.id,
        match: r.match.type,
        ...(r.role !== undefined ? { role: r.role } : {}),
        ...(r.scope !== undefined ? { scope: r.scope } : {}),
        ...(r.managed !== undefined ? { managed: r.managed } : {}),
        ...(r.replicas !== undefined ? { replicas: r.replicas } : {}),
        ...(r.replicaOf !== undefined ? { replicaOf: r.replicaOf } : {}),
        info: r.info,
      })),
    ),
  };
  return JSON.stringify(out, null, 2) + '\n';
}

export function renderListText(packs: LoadedPack[], cwd = process.cwd()): string {
  const lines: string[] = [];
  lines.push(`Rule packs, in precedence order (for the same field a later matching rule wins; catch-all rules apply first):`, '');
  lines.push(
    ...table([
      ['#', 'PACK', 'FILE', 'RULES', 'DESCRIPTION'],
      ...packs.map((p, i) => [String(i + 1), p.pack, `${shown(p.file, cwd)}${isBuiltin(p) ? '' : ' (user)'}`, String(p.rules.length), p.description]),
    ]),
  );
  lines.push('', 'Rules:', '');
  const rows: string[][] = [['PACK', 'ID', 'ROLE', 'MATCH', 'INFO']];
  for (const p of packs) {
    for (const r of p.rules) {
      const [first = '', ...more] = r.match.type;
      rows.push([p.pack, r.id, r.role ?? '-', first, r.info]);
      // Every further type on a line of its own, under MATCH.
      for (const t of more) rows.push(['', '', '', t, '']);
      if (r.replicas) rows.push(['', '', '', '', `capacity: ${replicasText(r.replicas)}`]);
      if (r.replicaOf) rows.push(['', '', '', '', `replica group: the members of the cluster ${r.replicaOf.join(' or ')} names`]);
    }
  }
  lines.push(...table(rows));
  const total = packs.reduce((n, p) => n + p.rules.length, 0);
  lines.push('', `${plural(packs.length, 'pack')}, ${plural(total, 'rule')}.`);
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------- validate

/** Validate pack files: `ok:` lines on stdout, `file:line:col: path: message` lines on stderr. */
export function runValidate(targets: string[], io: Io = processIo()): number {
  const { files, conflicts } = validatePacks(targets.map((t) => resolvePath(io, t)));
  for (const f of files) {
    if (f.pack) io.stdout(`ok: ${f.file} (${plural(f.pack.rules.length, 'rule')})\n`);
    else for (const p of f.problems) io.stderr(`${formatProblem(p)}\n`);
  }
  for (const p of conflicts) io.stderr(`${formatProblem(p)}\n`);
  return files.some((f) => !f.pack) || conflicts.length > 0 ? EXIT_INVALID : EXIT_OK;
}

// ---------------------------------------------------------------- explain

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

export function renderExplainText(e: Explanation): string {
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
  return out.join('\n') + '\n';
}

/** The finding kinds, each with its default severity, title and docs page. */
function renderFindingKinds(format: string): string {
  const kinds = findingKindLinks();
  if (format === 'json') return JSON.stringify({ findings: kinds }, null, 2) + '\n';
  const width = Math.max(...kinds.map((k) => k.id.length));
  return kinds.map((k) => `${k.id.padEnd(width)}  ${k.defaultSeverity.padEnd(8)}  ${k.title}\n${' '.repeat(width + 2)}${k.url}`).join('\n') + '\n';
}

// ---------------------------------------------------------------- command

export function addRulesCommand(program: Command, cli: Cli): void {
  const rules = program.command('rules').description('list, validate and explain rule packs');

  rules
    .command('list')
    .description('every loaded rule pack and rule, in precedence order')
    .option('--rules <path>', 'extra rule pack file or directory (repeatable; later packs take precedence)', collect, [])
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--findings', 'list the finding kinds instead, each with its default severity and docs URL')
    .addHelpText(
      'after',
      `
Examples:
  $ firebreak rules list
  $ firebreak rules list --findings             # what each finding kind means, and where its docs are
  $ firebreak rules list --rules my-rules/ --format json`,
    )
    .action((flags: { rules: string[]; format: string; findings?: boolean }) => {
      if (flags.findings) {
        cli.io.stdout(renderFindingKinds(flags.format));
        cli.exitCode = EXIT_OK;
        return;
      }
      const packs = loadRules(flags.rules.map((p) => resolvePath(cli.io, p))).packs;
      cli.io.stdout(flags.format === 'json' ? renderListJson(packs) : renderListText(packs, cli.io.cwd));
      cli.exitCode = EXIT_OK;
    });

  rules
    .command('coverage')
    .description('which rules classify each resource type of a provider schema, and the placement-bearing types no rule places')
    .argument(
      '<schemas...>',
      'Pulumi package schemas (schema.json, as `pulumi package get-schema` prints) or installed provider SDK directories (node_modules/@pulumi/aws)',
    )
    .option('--rules <path>', 'extra rule pack file or directory (repeatable; later packs take precedence)', collect, [])
    .option('--min-coverage <percent>', 'exit 1 when any schema has less than this share of its placement-bearing types placed')
    .option('--all', 'list every type and its rules, not only the uncovered ones')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  $ firebreak rules coverage node_modules/@pulumi/aws --min-coverage 95
  $ firebreak rules coverage schema.json --all --format json

Exit codes: 0 covered enough (or no --min-coverage), 1 below --min-coverage, 2 a schema or pack does not load.`,
    )
    .action((schemas: string[], flags: { rules: string[]; minCoverage?: string; all?: boolean; format: string }) => {
      const min = flags.minCoverage !== undefined ? Number(flags.minCoverage) : undefined;
      if (min !== undefined && !(min >= 0 && min <= 100)) throw new InputError({ file: '--min-coverage', reason: 'expected a percentage from 0 to 100' });
      const packs = loadRules(flags.rules.map((p) => resolvePath(cli.io, p))).packs;
      const reports = schemas.map((s) => ruleCoverage(readProviderSchema(resolvePath(cli.io, s)), packs));
      cli.io.stdout(flags.format === 'json' ? renderCoverageJson(reports) : renderCoverageText(reports, flags.all === true));
      cli.exitCode = min !== undefined && reports.some((r) => r.percent < min) ? 1 : EXIT_OK;
    });

  rules
    .command('validate')
    .description('check rule pack files against the pack format')
    .argument('<files...>', 'rule pack files (or directories of *.yaml packs)')
    .addHelpText(
      'after',
      `
Prints "ok: FILE (N rules)" for each valid pack, and "FILE:LINE:COL: PATH: MESSAGE" on
stderr for each problem.

Exit codes: 0 every pack is valid, 2 otherwise.`,
    )
    .action((files: string[]) => {
      cli.exitCode = runValidate(files, cli.io);
    });

  rules
    .command('explain')
    .description('how one resource was classified: the rules that matched its type, what each decided, tags, and the result')
    .argument('<urn-or-name>', "the resource's URN or logical name")
    .argument('[inputs...]', 'stack exports / checkpoints / previews, `-` for stdin, or Pulumi project directories (DIR or DIR@STACK); default: .')
    .option('-s, --stack <name>', 'stack of project directories that do not name one as DIR@STACK')
    .option('--rules <path>', 'extra rule pack file or directory (repeatable; later packs take precedence)', collect, [])
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'))
    .addHelpText(
      'after',
      `
Examples:
  $ firebreak rules explain orders-db stack.json
  $ firebreak rules explain login-api-1 .@pangyo-2022 --format json`,
    )
    .action(async (query: string, specs: string[], flags: { stack?: string; rules: string[]; format: string }) => {
      const loadedRules = loadRules(flags.rules.map((p) => resolvePath(cli.io, p)));
      const inputs = await loadInputs(
        (specs.length > 0 ? specs : ['.']).map((s) => resolvePath(cli.io, s)),
        {
          keepProperties: loadedRules.properties,
          readStdin: () => cli.io.readStdin(),
          ...(flags.stack ? { stack: flags.stack } : {}),
        },
      );
      const e = explainResource(inputs, loadedRules.packs, query);
      cli.io.stdout(flags.format === 'json' ? JSON.stringify({ schemaVersion: 1, ...e }, null, 2) + '\n' : renderExplainText(e));
      cli.exitCode = EXIT_OK;
    });
}

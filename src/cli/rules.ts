/**
 * `firebreak rules`: list the loaded rule packs and rules, validate pack
 * files, and explain how one resource was classified.
 */
import { Command, Option } from 'commander';
import { InputError, formatProblem } from '../errors.js';
import {
  explainResource,
  findingKindLinks,
  listRules,
  loadInputs,
  loadRules,
  readProviderSchema,
  renderCoverageJson,
  renderCoverageText,
  renderDocument,
  ruleCoverage,
  validatePacks,
} from '../index.js';
import { processIo, resolvePath, type Io } from './io.js';
import { clearProgress, inputSpecs, loadOptions, options, type Cli } from './shared.js';

const EXIT_OK = 0;
const EXIT_INVALID = 2;
const FORMATS = ['text', 'json'];

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
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
        cli.io.stdout(renderDocument('findingKinds', findingKindLinks(), flags.format));
        cli.exitCode = EXIT_OK;
        return;
      }
      const packs = loadRules(flags.rules.map((p) => resolvePath(cli.io, p))).packs;
      cli.io.stdout(renderDocument('rules', listRules(packs), flags.format, { cwd: cli.io.cwd }));
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
Examples:
  $ firebreak rules validate my-rules/
  $ firebreak rules validate my-rules/datacenters.yaml && firebreak analyze stack.json --rules my-rules/

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
    .addOption(options.stack())
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
      // The inputs and the stack as analyze chooses them: piped stdin when none is named, --stack, PULUMI_STACK, `pulumi stack select`'s.
      const inputs = await loadInputs(await inputSpecs(cli.io, specs), loadOptions(cli.io, flags, loadedRules.properties));
      const e = explainResource(inputs, loadedRules.packs, query);
      clearProgress(cli.io);
      cli.io.stdout(renderDocument('explanation', e, flags.format));
      cli.exitCode = EXIT_OK;
    });
}

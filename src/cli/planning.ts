/** Planning a move: `firebreak whatif`, `firebreak diff`, `firebreak plan` (docs/planning.md). */
import type { Command } from 'commander';
import {
  analyze,
  diff,
  formatsOf,
  introducedAtOrAbove,
  loadInputs,
  loadRules,
  plan,
  plannedCheckpoint,
  renderDocument,
  whatif,
  type DocumentKind,
  type Documents,
} from '../index.js';
import { UsageError, visible } from '../errors.js';
import {
  EXIT_FINDINGS,
  EXIT_OK,
  INPUTS_ARG,
  jobsOption,
  clearProgress,
  collect,
  flagOf,
  inputSpecs,
  loadOptions,
  options,
  output,
  outputTargets,
  programTimeoutOption,
  allowOutsideProjectOption,
  progress,
  progressLine,
  rulePaths,
  today,
  topologyFor,
  wantColor,
  withOptions,
  writeText,
  type AnalyzeFlags,
  type Cli,
} from './shared.js';
import type { Io } from './io.js';

/**
 * A planning document in the chosen format: json, markdown, or text (coloured on a terminal).
 * With -o FILE and no --format, the format the file's name says (.json, .md, .txt).
 */
function emit<K extends DocumentKind>(
  io: Io,
  kind: K,
  doc: Documents[K],
  flags: { format: string; color?: boolean; output?: string; formatGiven?: boolean },
): void {
  const [target] = outputTargets({ format: flags.format, ...(flags.output ? { output: flags.output } : {}) }, flags.formatGiven === true, formatsOf(kind));
  output(io, renderDocument(kind, doc, target!.format, { color: wantColor(io, flags) }), { ...flags, format: target!.format });
}

/** Whether --format was given on the command line (else -o's file name may choose it). */
function formatGiven<T extends object>(flags: T, cmd: Command): T & { formatGiven: boolean } {
  return Object.assign(flags, { formatGiven: cmd.getOptionValueSource('format') === 'cli' });
}

async function runWhatIf(io: Io, specs: string[], flags: AnalyzeFlags & { fail: string[] }): Promise<number> {
  // Before reading anything: a usage error comes first.
  if (flags.fail.length === 0) throw new UsageError('whatif needs at least one --fail <domain|component>');
  const inputs = await inputSpecs(io, specs);
  const rules = loadRules(rulePaths(io, flags.rules));
  progress(io, `firebreak: reading ${visible(inputs.join(', '))}...`);
  const loaded = await loadInputs(inputs, loadOptions(io, flags, rules.properties));
  const topology = topologyFor(io, flags, inputs);
  const result = whatif(loaded, flags.fail, { packs: rules.packs, onProgress: progressLine(io), ...(topology ? { topology } : {}) });
  clearProgress(io);
  emit(io, 'whatif', result, flags);
  return EXIT_OK;
}

async function runDiff(io: Io, before: string, after: string, flags: AnalyzeFlags): Promise<number> {
  const rules = loadRules(rulePaths(io, flags.rules));
  // On a terminal: which side is read, then the analysis of it (and how far an --order search is).
  const load = async (spec: string, side: string) => {
    progress(io, `firebreak: reading ${side} ${visible(spec)}...`);
    return loadInputs([spec], loadOptions(io, flags, rules.properties));
  };
  const options = (spec: string) => {
    const topology = topologyFor(io, flags, [spec]);
    return {
      onProgress: progressLine(io),
      tolerate: flags.tolerate,
      packs: rules.packs,
      order: flags.order,
      ...(flags.maxSeconds !== undefined ? { maxSeconds: flags.maxSeconds } : {}),
      optionName: flagOf,
      ...(topology ? { topology, today: today(io) } : {}),
    };
  };
  const [b, a] = (await inputSpecs(io, [before, after])) as [string, string];
  const d = diff(analyze(await load(b, 'before:'), options(b)), analyze(await load(a, 'after:'), options(a)));
  clearProgress(io);
  emit(io, 'diff', d, flags);
  return introducedAtOrAbove(d, flags.failOn).length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

interface PlanFlags extends AnalyzeFlags {
  addDomain: string;
  from?: string;
  apply?: string;
}

async function runPlan(io: Io, specs: string[], flags: PlanFlags): Promise<number> {
  const inputs = await inputSpecs(io, specs);
  const rules = loadRules(rulePaths(io, flags.rules));
  progress(io, `firebreak: reading ${visible(inputs.join(', '))}...`);
  // Every property is kept: --apply writes the resources back out.
  const loaded = await loadInputs(inputs, loadOptions(io, flags));
  const topology = topologyFor(io, flags, inputs);
  const modelOptions = { packs: rules.packs, ...(topology ? { topology } : {}) };
  progress(io, 'firebreak: planning...');
  const result = plan(loaded, { ...modelOptions, tolerate: flags.tolerate, addDomain: flags.addDomain, ...(flags.from ? { from: flags.from } : {}) });
  clearProgress(io);
  emit(io, 'plan', result, flags);
  if (flags.apply) {
    writeText(io, flags.apply, JSON.stringify(plannedCheckpoint(loaded, result, modelOptions), null, 2) + '\n', 'planned state', true);
    io.stderr(`firebreak: wrote the planned estate to ${flags.apply}; check it with \`firebreak analyze ${flags.apply}\`\n`);
  }
  return result.after.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}

export function addPlanningCommands(program: Command, cli: Cli): void {
  withOptions(
    program
      .command('whatif')
      .description('the state of every service after the failures you name, why, and what brings each back')
      .argument('[inputs...]', INPUTS_ARG)
      .option('--fail <name>', 'a domain (path or last segments, e.g. pangyo) or component (name or URN) to fail; repeatable', collect, []),
    [
      options.format(formatsOf('whatif')),
      options.output(),
      options.stack(),
      options.rules(),
      options.topology(),
      programTimeoutOption(),
      jobsOption(),
      allowOutsideProjectOption(),
      options.noColor(),
    ],
  )
    .addHelpText(
      'after',
      `
Examples:
  $ firebreak whatif --fail pangyo .@pangyo-2022
  $ firebreak whatif --fail us-east-1a --fail orders-db stack.json --format json

Exit codes: 0 the report was made (whatever is down), 2 usage or input error.`,
    )
    .action(async (specs: string[], flags: AnalyzeFlags & { fail: string[] }, cmd: Command) => {
      cli.exitCode = await runWhatIf(cli.io, specs, formatGiven(flags, cmd));
    });

  withOptions(
    program
      .command('diff')
      .description('findings resolved, introduced and unchanged between two inputs, and the domain losses each service survives')
      .argument('<before>', 'one input as analyze reads it: an export, checkpoint, preview, event log, `-`, DIR or DIR@STACK, or a DIY backend')
      .argument('<after>', "the same, after the change (a destroy's event log: the empty stack it leaves)"),
    [
      options.format(formatsOf('diff')),
      options.output(),
      options.stack(),
      options.failOn('exit 1 when the after side introduces a finding at or above this severity'),
      options.tolerate(),
      options.order('also compare shared risk groups of up to k events (1 to 4)'),
      options.maxSeconds('stop the --order search of each side after this many seconds; the report says what it covered'),
      options.rules(),
      options.topology(),
      programTimeoutOption(),
      jobsOption(),
      allowOutsideProjectOption(),
      options.noColor(),
    ],
  )
    .addHelpText(
      'after',
      `
Examples:
  $ firebreak diff .@pangyo-2022 .@ansan-2023
  $ firebreak diff stack.json preview.json --format markdown

Exit codes: 0 nothing introduced at or above --fail-on, 1 otherwise, 2 usage or input error.`,
    )
    .action(async (before: string, after: string, flags: AnalyzeFlags, cmd: Command) => {
      cli.exitCode = await runDiff(cli.io, before, after, formatGiven(flags, cmd));
    });

  withOptions(
    program
      .command('plan')
      .description('the fewest components to duplicate into a new domain so every critical service survives any single domain loss, in waves')
      .argument('[inputs...]', INPUTS_ARG)
      .requiredOption('--add-domain <name>', 'the new domain (a data center, zone...) to duplicate into')
      .option('--from <domain>', 'the domain the new one stands beside (same parent and kind); default: the one whose loss hurts most')
      .option('--apply <file>', 'also write the planned estate as a Pulumi checkpoint, to analyze and prove the plan'),
    [
      options.format(formatsOf('plan')),
      options.output('plan'),
      options.stack(),
      options.tolerate(),
      options.rules(),
      options.topology(),
      programTimeoutOption(),
      jobsOption(),
      allowOutsideProjectOption(),
      options.noColor(),
    ],
  )
    .addHelpText(
      'after',
      `
Examples:
  $ firebreak plan --add-domain ansan .@pangyo-2022
  $ firebreak plan --add-domain ansan --from pangyo .@pangyo-2022 --apply planned.json && firebreak analyze planned.json

Exit codes: 0 the plan makes every critical service survive any single domain loss, 1 it cannot, 2 usage or input error.`,
    )
    .action(async (specs: string[], flags: PlanFlags, cmd: Command) => {
      cli.exitCode = await runPlan(cli.io, specs, formatGiven(flags, cmd));
    });
}

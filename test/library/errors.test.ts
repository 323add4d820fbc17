/**
 * A library caller's usage errors name options as the library spells them (`tolerate`, `addDomain`, `from`, `fail`);
 * the CLI's name its flags (`--tolerate`, `--add-domain`...), from the same error (UsageError.messageWith).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, UsageError, analyze, loadInputs, loadRules, plan, problemLines, whatif, type StackInput } from '../../src/index.js';
import { flagOf } from '../../src/cli/run.js';
import { fixture, repoRoot, runCli } from '../helpers/cli.js';

const rules = loadRules();
const twoZones = fixture('exports', 'two-zones-single-db.json');
const load = (spec: string): Promise<StackInput[]> => loadInputs([spec], { keepProperties: rules.properties });

function thrown(f: () => unknown): UsageError {
  try {
    f();
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error('expected a UsageError');
}

describe('usage errors, in the library and the CLI', () => {
  it('an unknown domain kind to tolerate', async () => {
    const err = thrown(() => analyze([], { tolerate: 'galaxy' }));
    expect(err.message).toMatch(/^tolerate galaxy: unknown domain kind; use one of /);
    expect(err.options).toEqual(['tolerate']);
    const cli = await runCli(['analyze', twoZones, '--tolerate', 'galaxy']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toBe(`firebreak: error: --${err.message}\n`);
  });

  it('a failure that names nothing, and none at all', async () => {
    const inputs = await load(twoZones);
    const err = thrown(() => whatif(inputs, ['nowhere'], { packs: rules.packs }));
    expect(err.message).toMatch(/^fail nowhere: no domain or component of that name; domains are: /);
    const cli = await runCli(['whatif', '--fail', 'nowhere', twoZones]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toBe(`firebreak: error: --${err.message}\n`);
    // None: the library says what is missing; the CLI, before reading anything, its own flag.
    expect(thrown(() => whatif(inputs, [])).message).toBe('whatif needs at least one domain or component to fail (fail is empty)');
    expect((await runCli(['whatif', twoZones])).stderr).toBe('firebreak: error: whatif needs at least one --fail <domain|component>\n');
  });

  it('a plan beside a component, or into a domain that exists', async () => {
    const inputs = await load('.@pangyo-2022');
    const component = inputs[0]!.resources.find((r) => r.custom && !r.type.startsWith('pulumi:'))!.name;
    const beside = thrown(() => plan(inputs, { packs: rules.packs, addDomain: 'ansan', from: component }));
    expect(beside.options[0]).toBe('from');
    expect(beside.message).toMatch(/^from /);
    const exists = thrown(() => plan(inputs, { packs: rules.packs, addDomain: 'pangyo', from: 'pangyo' }));
    expect(exists.message).toMatch(/^addDomain pangyo: \S+ already exists; name a new domain$/);
    expect(exists.options).toEqual(['addDomain']);
    for (const [err, args] of [
      [beside, ['--add-domain', 'ansan', '--from', component]],
      [exists, ['--add-domain', 'pangyo', '--from', 'pangyo']],
    ] as const) {
      const cli = await runCli(['plan', ...args, '.@pangyo-2022']);
      expect(cli.code).toBe(2);
      expect(cli.stderr).toBe(`firebreak: error: ${err.messageWith(flagOf)}\n`);
      expect(cli.stderr).toMatch(/^firebreak: error: --(from|add-domain) /);
    }
  });

  it('messageWith spells every option the message names; a plain message is left as it is', () => {
    const err = new UsageError((o) => `${o('addDomain')} x: add ${o('tolerate')} region or ${o('maxSeconds')} 5`);
    expect(err.message).toBe('addDomain x: add tolerate region or maxSeconds 5');
    expect(err.options).toEqual(['addDomain', 'tolerate', 'maxSeconds']);
    expect(err.messageWith(flagOf)).toBe('--add-domain x: add --tolerate region or --max-seconds 5');
    const plain = new UsageError('unknown format "pdf"');
    expect(plain.options).toEqual([]);
    expect(plain.messageWith(flagOf)).toBe(plain.message);
    // Control characters in names are escaped either way.
    expect(new UsageError((o) => `${o('fail')} a\u001b[2Jb`).messageWith(flagOf)).toBe('--fail a\\x1b[2Jb');
  });

  it('no usage error outside src/cli spells a CLI flag itself', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const p = path.join(dir, f);
        return statSync(p).isDirectory() ? (f === 'cli' || f === 'bench' ? [] : files(p)) : p.endsWith('.ts') ? [p] : [];
      });
    const offenders = files(path.join(repoRoot, 'src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/new UsageError\(\s*[`'"]([^`'"]*)/g)].filter((m) => /(^|\s)--[a-z]/.test(m[1]!)).map((m) => `${file}: ${m[1]}`),
    );
    expect(offenders).toEqual([]);
  });
});

describe('input errors that name an option, in the library and the CLI', () => {
  async function problem(spec: string, options: Parameters<typeof loadInputs>[1] = {}): Promise<{ reason: string; line: string }> {
    try {
      await loadInputs([spec], options);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      return { reason: err.problems[0]!.reason, line: problemLines(err.problems, flagOf)[0]! };
    }
    throw new Error('expected an InputError');
  }

  it('a project of several stacks, none chosen: name one with stack / --stack', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'firebreak-home-'));
    const { reason, line } = await problem(repoRoot, { pulumiHome: home });
    expect(reason).toMatch(/the project has several stacks \(ansan-2023, pangyo-2022\): name one with stack NAME, PULUMI_STACK=NAME/);
    expect(line).toContain('name one with --stack NAME, PULUMI_STACK=NAME');
    const cli = await runCli(['analyze', repoRoot], { env: { PULUMI_HOME: home, PULUMI_STACK: '' } });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toBe(`firebreak: error: ${line}\n`);
  });

  it('a stack config file named as the program: or stack NAME / --stack NAME', async () => {
    const file = path.join(repoRoot, 'stacks', 'Pulumi.pangyo-2022.yaml');
    const { reason, line } = await problem(file);
    expect(reason).toMatch(/, or stack pangyo-2022\)$/);
    expect(line).toMatch(/, or --stack pangyo-2022\)$/);
    expect((await runCli(['analyze', file])).stderr).toBe(`firebreak: error: ${line}\n`);
  });

  it('a program outside its project: allowOutsideProject / --allow-outside-project', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-outside-'));
    mkdirSync(path.join(dir, 'project'));
    mkdirSync(path.join(dir, 'elsewhere'));
    writeFileSync(path.join(dir, 'project', 'Pulumi.yaml'), 'name: outside\nruntime: yaml\nmain: ../elsewhere/\n');
    writeFileSync(path.join(dir, 'elsewhere', 'Pulumi.yaml'), 'name: outside\nruntime: yaml\nresources: {}\n');
    const spec = path.join(dir, 'project');
    const { reason, line } = await problem(spec, { stack: 'dev' });
    expect(reason).toContain('(pass allowOutsideProject to allow this)');
    expect(line).toContain('(pass --allow-outside-project to allow this)');
    expect((await runCli(['analyze', spec, '--stack', 'dev'])).stderr).toBe(`firebreak: error: ${line}\n`);
  });

  it('a search cut short says which option to change, spelled as the caller asks', async () => {
    const inputs = await load('.@pangyo-2022');
    const capped = (optionName?: (o: string) => string) =>
      analyze(inputs, { packs: rules.packs, order: 2, orderBudget: 1, ...(optionName ? { optionName } : {}) }).analysisErrors[0]!.message;
    expect(capped()).toMatch(/^stopped at its scenario budget .*; lower order or analyze fewer stacks at once$/);
    expect(capped(flagOf)).toMatch(/; lower --order or analyze fewer stacks at once$/);
  });
});

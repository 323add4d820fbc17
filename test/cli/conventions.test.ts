/**
 * Pulumi's conventions: the stack from --stack, then PULUMI_STACK, then the stack
 * `pulumi stack select` recorded; the project searched for upward; standard input
 * read when it is piped and no input is named; a stack config file refused as a program.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runCli } from '../helpers/cli.js';

/** A project (name multi) with two stacks, one and two, whose config files are in stacks/. */
const project = fixture('yaml', 'stacks');
const exportFile = fixture('exports', 'two-zones-single-db.json');
const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'firebreak-conventions-'));

/** A Pulumi home where `pulumi stack select` chose `stack` for the project file. */
function pulumiHomeSelecting(projectFile: string, stack: string): string {
  const home = tmp();
  mkdirSync(path.join(home, 'workspaces'));
  const hash = createHash('sha1').update(path.resolve(projectFile)).digest('hex');
  writeFileSync(path.join(home, 'workspaces', `multi-${hash}-workspace.json`), JSON.stringify({ stack }, null, 4));
  return home;
}

async function stackOf(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<string> {
  const r = await runCli(['analyze', ...args, '--format', 'json', '--fail-on', 'none'], {
    env: { PULUMI_STACK: '', PULUMI_HOME: tmp(), ...env },
    ...(cwd ? { cwd } : {}),
  });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout)
    .inputs.map((i: { project: string; stack: string }) => `${i.project}/${i.stack}`)
    .join(',');
}

describe('the stack, as the Pulumi CLI chooses it', () => {
  it('--stack, then PULUMI_STACK, then the selected stack; DIR@STACK above all', async () => {
    const home = pulumiHomeSelecting(path.join(project, 'Pulumi.yaml'), 'organization/multi/two');
    const none = await runCli(['analyze', project], { env: { PULUMI_STACK: '', PULUMI_HOME: tmp() } });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/several stacks \(one, two\)/);
    expect(await stackOf([project], { PULUMI_STACK: 'one' })).toBe('multi/one');
    expect(await stackOf([project], { PULUMI_STACK: 'acme/multi/one' })).toBe('multi/one');
    expect(await stackOf([project, '--stack', 'acme/two'])).toBe('multi/two');
    expect(await stackOf([project, '--stack', 'two'], { PULUMI_STACK: 'one' })).toBe('multi/two');
    expect(await stackOf([project], { PULUMI_HOME: home })).toBe('multi/two');
    expect(await stackOf([project], { PULUMI_HOME: home, PULUMI_STACK: 'one' })).toBe('multi/one');
    expect(await stackOf([`${project}@one`], { PULUMI_HOME: home })).toBe('multi/one');
    // A selected stack the project has no config for: the error says where the name came from.
    const gone = await runCli(['analyze', project], {
      env: { PULUMI_STACK: '', PULUMI_HOME: pulumiHomeSelecting(path.join(project, 'Pulumi.yaml'), 'three') },
    });
    expect(gone.code).toBe(2);
    expect(gone.stderr).toMatch(/no stack "three": available stacks are one, two \(the stack `pulumi stack select` chose; name another with --stack\)/);
  });

  it('finds the selected stack under HOME/.pulumi without PULUMI_HOME, and ignores a record it cannot read', async () => {
    const home = tmp();
    const pulumi = pulumiHomeSelecting(path.join(project, 'Pulumi.yaml'), 'two');
    mkdirSync(path.join(home, '.pulumi'));
    mkdirSync(path.join(home, '.pulumi', 'workspaces'));
    const [file] = readdirSync(path.join(pulumi, 'workspaces'));
    writeFileSync(path.join(home, '.pulumi', 'workspaces', file!), readFileSync(path.join(pulumi, 'workspaces', file!)));
    expect(await stackOf([project], { HOME: home, PULUMI_HOME: '' })).toBe('multi/two');
    writeFileSync(path.join(home, '.pulumi', 'workspaces', file!), '{not json');
    const r = await runCli(['analyze', project], { env: { HOME: home, PULUMI_HOME: '', PULUMI_STACK: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/several stacks/);
  });

  it('with no input named, reads the project of the working directory or the nearest one above it', async () => {
    expect(await stackOf([], { PULUMI_STACK: 'two' }, path.join(project, 'stacks'))).toBe('multi/two');
    expect(await stackOf([], { PULUMI_STACK: 'one' }, project)).toBe('multi/one');
  });

  it('with no input named and no project here or above, says what to name (not that . has no Pulumi.yaml)', async () => {
    const empty = tmp();
    for (const args of [['analyze'], ['check'], ['whatif', '--fail', 'x'], ['plan', '--add-domain', 'x']]) {
      const r = await runCli(args, { cwd: empty, env: { PULUMI_BACKEND_URL: '' } });
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr).toBe(
        'firebreak: error: no input named, and no Pulumi project (Pulumi.yaml) here or above: name a `pulumi stack export` file, a preview or a project directory, or pipe one in (`pulumi stack export | firebreak analyze`)\n',
      );
    }
  });
});

describe('standard input', () => {
  it('is read when it is piped and no input is named', async () => {
    const r = await runCli(['analyze', '--format', 'json', '--fail-on', 'none'], { input: readFileSync(exportFile, 'utf8'), cwd: project });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).inputs.map((i: { stack: string }) => i.stack)).toEqual(['prod']);
  });

  it('takes the firebreak.yaml of the project here or above, with its cli: defaults', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'Pulumi.yaml'), 'name: shop\nruntime: yaml\n');
    writeFileSync(path.join(dir, 'firebreak.yaml'), 'cli:\n  format: json\n  failOn: none\n');
    mkdirSync(path.join(dir, 'sub'));
    const r = await runCli(['analyze'], { input: readFileSync(exportFile, 'utf8'), cwd: path.join(dir, 'sub') });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).inputs[0].stack).toBe('prod');
  });

  it('when piped but empty, gives way to the default input', async () => {
    expect(
      await runCli(['analyze', '--format', 'json', '--fail-on', 'none'], { input: '', cwd: project, env: { PULUMI_STACK: 'one' } }).then(
        (r) => JSON.parse(r.stdout).inputs[0].stack,
      ),
    ).toBe('one');
  });

  it('is not read when an input is named', async () => {
    const r = await runCli(['analyze', exportFile, '--format', 'json', '--fail-on', 'none'], { input: '{not json' });
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('a stack config file given as the program', () => {
  it('is refused with the project it belongs to and the command to run instead', async () => {
    const r = await runCli(['analyze', path.join(project, 'stacks', 'Pulumi.one.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `Pulumi.one.yaml: this is the config of stack "one" of the project "multi" in ${path.join(project, 'Pulumi.yaml')}, not a program`,
    );
    expect(r.stderr).toContain(`${project}@one`);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('is refused when no project is found too', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'Pulumi.dev.yaml'), 'config:\n  aws:region: us-east-1\n');
    const r = await runCli(['analyze', 'Pulumi.dev.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/this is the config of stack "dev", not a program: analyze the project directory instead \(DIR@dev, or --stack dev\)/);
  });
});

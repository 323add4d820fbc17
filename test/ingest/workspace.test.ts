/** Pulumi's workspace conventions: the project file searched upward, the stack `pulumi stack select` recorded, stack config files. */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultInputs, loadInput } from '../../src/ingest/index.js';
import { readPreview } from '../../src/ingest/preview.js';
import { findProjectFileUpward, pulumiHome, selectedStack, stackConfigFileOwner } from '../../src/ingest/workspace.js';
import { fixture } from '../helpers/cli.js';

const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'firebreak-workspace-'));

function project(name = 'shop'): string {
  const dir = tmp();
  writeFileSync(path.join(dir, 'Pulumi.yaml'), `name: ${name}\nruntime: yaml\n`);
  mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
  return dir;
}

function record(home: string, projectFile: string, name: string, content: string): void {
  mkdirSync(path.join(home, 'workspaces'), { recursive: true });
  const hash = createHash('sha1').update(path.resolve(projectFile)).digest('hex');
  writeFileSync(path.join(home, 'workspaces', `${name}-${hash}-workspace.json`), content);
}

describe('the project, searched for upward', () => {
  it('finds Pulumi.yaml in the directory or the nearest above, and nothing outside a project', () => {
    const dir = project();
    expect(findProjectFileUpward(path.join(dir, 'a', 'b'))).toBe(path.join(dir, 'Pulumi.yaml'));
    expect(findProjectFileUpward(dir)).toBe(path.join(dir, 'Pulumi.yaml'));
    expect(findProjectFileUpward(tmp())).toBeUndefined();
    expect(defaultInputs({}, path.join(dir, 'a', 'b'))).toEqual([path.join('..', '..')]);
    expect(defaultInputs({}, dir)).toEqual(['.']);
    expect(defaultInputs({ PULUMI_BACKEND_URL: 'file:///srv/state' }, tmp())).toEqual(['file:///srv/state']);
    // Inside a project, the project wins over the backend URL, as for the Pulumi CLI.
    expect(defaultInputs({ PULUMI_BACKEND_URL: 'file:///srv/state' }, dir)).toEqual(['.']);
  });
});

describe('the selected stack', () => {
  it('reads the workspace record of this project file, as its short name', () => {
    const dir = project();
    const home = tmp();
    const file = path.join(dir, 'Pulumi.yaml');
    expect(selectedStack(file, home)).toBeUndefined();
    record(home, file, 'shop', '{\n    "stack": "acme/shop/prod"\n}');
    expect(selectedStack(file, home)).toBe('prod');
    // Another project's record (another path, same name) is not this one's.
    expect(selectedStack(path.join(project(), 'Pulumi.yaml'), home)).toBeUndefined();
    record(home, file, 'shop', '{"stack": ""}');
    expect(selectedStack(file, home)).toBeUndefined();
    record(home, file, 'shop', 'not json');
    expect(selectedStack(file, home)).toBeUndefined();
    expect(selectedStack(file, undefined)).toBeUndefined();
  });

  it('PULUMI_HOME, else HOME/.pulumi', () => {
    expect(pulumiHome({ PULUMI_HOME: '/p', HOME: '/h' })).toBe('/p');
    expect(pulumiHome({ HOME: '/h' })).toBe(path.join('/h', '.pulumi'));
    expect(pulumiHome({})).toBeUndefined();
  });
});

describe('stack config files', () => {
  it('name their stack and project; other files are not stack config files', () => {
    const dir = project('shop');
    expect(stackConfigFileOwner(path.join(dir, 'Pulumi.prod.yaml'))).toEqual({ stack: 'prod', projectFile: path.join(dir, 'Pulumi.yaml'), project: 'shop' });
    expect(stackConfigFileOwner(path.join(dir, 'a', 'Pulumi.eu.west.yml'))).toMatchObject({ stack: 'eu.west', project: 'shop' });
    expect(stackConfigFileOwner(path.join(dir, 'Pulumi.yaml'))).toBeUndefined();
    expect(stackConfigFileOwner(path.join(dir, 'Main.yaml'))).toBeUndefined();
  });

  it('are refused as programs, a program file is not', async () => {
    const dir = project('shop');
    writeFileSync(path.join(dir, 'Pulumi.prod.yaml'), 'config: {}\n');
    await expect(loadInput(path.join(dir, 'Pulumi.prod.yaml'))).rejects.toThrow(/config of stack "prod" of the project "shop"/);
    writeFileSync(path.join(dir, 'program.yaml'), 'resources: {}\n');
    await expect(loadInput(path.join(dir, 'program.yaml'))).resolves.toMatchObject({ kind: 'yaml-program' });
  });
});

describe('previews without --show-sames', () => {
  it('are marked partial; whole previews are not', () => {
    const partial = readPreview(JSON.parse(readFileSync(fixture('previews', 'changes-only.json'), 'utf8')), 'p.json', 'p.json');
    expect(partial.partialPreview).toEqual({ unshown: 6, dropped: 1 });
    const whole = readPreview(JSON.parse(readFileSync(fixture('previews', 'delete-last-replica-outside-zone-a.json'), 'utf8')), 'w.json', 'w.json');
    expect(whole.partialPreview).toBeUndefined();
    // All creates (a new stack): nothing is missing.
    const creates = readPreview({ steps: [], changeSummary: { create: 0 } }, 'c.json', 'c.json');
    expect(creates.partialPreview).toBeUndefined();
  });
});

/**
 * What the second sweep of real public TypeScript programs showed (docs/real-programs.md, "Sweep II"):
 * a package.json "main" that was never built, a SyntaxError thrown while the program runs (JSON.parse of a
 * value the mocks left undefined), a callback function Pulumi cannot serialize, and a module that is not
 * installed. The fixtures use only @pulumi/pulumi, linked as `npm install` would provide it.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInput } from '../../src/ingest/index.js';
import { linkPulumi, programDir, runCli } from '../helpers/cli.js';

/** A program in a temporary directory: its files (path -> text), Pulumi.yaml and package.json included. */
const program = (name: string, files: Record<string, string>): string => programDir(name, files, 'firebreak-sweep-');

const pkg = (main: string): string => JSON.stringify({ name: 'app', main, dependencies: { '@pulumi/pulumi': '3.228.0' } });

describe('a package.json "main" that does not exist (a TypeScript program never built)', () => {
  it('runs the folder index instead, as the Pulumi CLI does, with a warning naming package.json', async () => {
    const dir = program('unbuilt', {
      'Pulumi.yaml': 'name: unbuilt\nruntime: nodejs\n',
      'package.json': pkg('index.js'),
      'index.ts': ['import * as pulumi from "@pulumi/pulumi";', 'new pulumi.CustomResource("aws:ecs/service:Service", "web", { desiredCount: 1 });', ''].join(
        '\n',
      ),
    });
    const input = await loadInput(dir);
    expect(input.resources.map((r) => r.name)).toContain('web');
    expect(input.warnings).toContainEqual({
      file: path.join(dir, 'package.json'),
      message: 'package.json "main" (index.js) does not exist; running index.ts instead, as the Pulumi CLI does',
    });
  }, 60_000);

  it('is still an error when the folder has no index file either, naming both', async () => {
    const dir = program('nothing', { 'Pulumi.yaml': 'name: nothing\nruntime: nodejs\n', 'package.json': pkg('bin/index.js'), 'app.ts': 'export {};\n' });
    const r = await runCli(['analyze', dir, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no program entry in the project directory: looked for package.json "main": bin/index.js, then index.ts or index.js');
  }, 60_000);

  it('a "main" that exists is used, with no warning', async () => {
    const dir = program('built', {
      'Pulumi.yaml': 'name: built\nruntime: nodejs\n',
      'package.json': pkg('bin/index.js'),
      'bin/index.js': 'const pulumi = require("@pulumi/pulumi");\nnew pulumi.CustomResource("aws:ecs/service:Service", "built-web", {});\n',
      'index.ts': 'throw new Error("not this one");\n',
    });
    const input = await loadInput(dir);
    expect(input.resources.map((r) => r.name)).toContain('built-web');
    expect(input.warnings.filter((w) => w.message.includes('package.json'))).toEqual([]);
  }, 60_000);
});

describe('errors of programs that run but fail', () => {
  it('a SyntaxError thrown by running code (JSON.parse of a lookup the mocks left empty) is a failure at its line, not a compile error', async () => {
    const dir = program('parses-lookup', {
      'Pulumi.yaml': 'name: parses-lookup\nruntime: nodejs\n',
      'package.json': pkg('index.js'),
      'index.js': [
        'const pulumi = require("@pulumi/pulumi");',
        'module.exports = async () => {',
        '  const p = await pulumi.runtime.invoke("aws:ssm/getParameter:getParameter", { name: "/aws/service/ecs/optimized-ami" });',
        '  const ami = JSON.parse(p.value).image_id;',
        '  new pulumi.CustomResource("aws:ec2/instance:Instance", "web", { ami });',
        '};',
        '',
      ].join('\n'),
    });
    const r = await runCli(['analyze', dir, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /index\.js:4:\d+: the program failed: "undefined" is not valid JSON \(under mocks no data source answers, and these returned nothing: aws:ssm\/getParameter:getParameter;/,
    );
    expect(r.stderr).not.toContain('does not compile');
  }, 60_000);

  it('a real syntax error is still one', async () => {
    const dir = program('bad-syntax', { 'Pulumi.yaml': 'name: bad-syntax\nruntime: nodejs\n', 'package.json': pkg('index.js'), 'index.js': 'const x = ;\n' });
    const r = await runCli(['analyze', dir, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the program does not compile');
  }, 60_000);

  it('a failure in a dependency hoisted to a parent node_modules (a workspace) is named as inside the dependencies', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'firebreak-sweep-ws-'));
    mkdirSync(path.join(root, 'node_modules', 'fake-lookup'), { recursive: true });
    writeFileSync(path.join(root, 'node_modules', 'fake-lookup', 'package.json'), JSON.stringify({ name: 'fake-lookup', main: 'index.js' }));
    writeFileSync(path.join(root, 'node_modules', 'fake-lookup', 'index.js'), 'exports.image = (p) => JSON.parse(p.value).image_id;\n');
    const dir = path.join(root, 'app');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'Pulumi.yaml'), 'name: app\nruntime: nodejs\n');
    writeFileSync(path.join(dir, 'package.json'), pkg('index.js'));
    writeFileSync(path.join(dir, 'index.js'), 'require("fake-lookup").image({});\n');
    linkPulumi(dir);
    const r = await runCli(['analyze', dir, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('index.js:1:');
    expect(r.stderr).toContain('the program failed inside its dependencies, at ../node_modules/fake-lookup/index.js:1: "undefined" is not valid JSON');
  }, 60_000);

  it('a callback function Pulumi cannot serialize: names the captured variable and what to do, on one line', async () => {
    const dir = program('callback', {
      'Pulumi.yaml': 'name: callback\nruntime: nodejs\n',
      'package.json': pkg('index.js'),
      'index.js': [
        'const pulumi = require("@pulumi/pulumi");',
        '// What `import * as cp from "child_process"` becomes under a transpiler: a copy of the module, not the module.',
        'const cp = { ...require("child_process") };',
        'module.exports = async () => {',
        '  const code = await pulumi.runtime.serializeFunction(async () => cp.execSync("ls").toString());',
        '  new pulumi.CustomResource("aws:lambda/function:Function", "exec", { code: code.text });',
        '};',
        '',
      ].join('\n'),
    });
    const r = await runCli(['analyze', dir, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("Error serializing '");
    expect(lines[0]).toContain("this one captures the variable 'cp', which reaches something that cannot be serialized (it was a native code function)");
    expect(lines[0]).toContain('a module it needs can be required inside the function instead');
  }, 60_000);

  it('a callback that the serializer fails on under tsx (a default import of a CommonJS constructor): says to install ts-node, deterministically', async () => {
    const dir = program('callback-tsx', {
      'Pulumi.yaml': 'name: callback-tsx\nruntime: nodejs\n',
      'package.json': pkg('index.ts'),
      // As `import S3 from "aws-sdk/clients/s3"`: module.exports is a constructor function.
      'lib/client.js': 'function Client() { this.ok = true; }\nClient.prototype.list = function () { return []; };\nmodule.exports = Client;\n',
      'index.ts': [
        'import * as pulumi from "@pulumi/pulumi";',
        'import Client from "./lib/client";',
        'export = async () => {',
        '  const code = await pulumi.runtime.serializeFunction(async () => new Client().list());',
        '  new pulumi.CustomResource("aws:lambda/function:Function", "cleanup", { code: code.text });',
        '};',
        '',
      ].join('\n'),
    });
    const first = await runCli(['analyze', dir, '--fail-on', 'none']);
    expect(first.code).toBe(2);
    expect(first.stderr).toContain("Pulumi's function serializer failed on code transpiled by tsx");
    expect(first.stderr).toContain('install it in the project (`npm install --save-dev ts-node`)');
    // The v8 inspector's object ids are not in it: the same program gives the same error.
    expect(first.stderr).not.toContain('objectId');
    const second = await runCli(['analyze', dir, '--fail-on', 'none']);
    expect(second.stderr).toBe(first.stderr);
  }, 90_000);

  it('an argument the SDK requires and the program does not give: a failure of the program at its line, with what to do (container-azure-typescript)', async () => {
    // As @pulumi/docker-build 0.0.6 checks an Image's arguments in its constructor (its `push` has no default).
    const root = mkdtempSync(path.join(tmpdir(), 'firebreak-sweep-req-'));
    mkdirSync(path.join(root, 'node_modules', 'fake-build'), { recursive: true });
    writeFileSync(path.join(root, 'node_modules', 'fake-build', 'package.json'), JSON.stringify({ name: 'fake-build', main: 'index.js' }));
    writeFileSync(
      path.join(root, 'node_modules', 'fake-build', 'index.js'),
      [
        'class Image {',
        '  constructor(name, args) {',
        '    if (!args || args.push === undefined) throw new Error("Missing required property \'push\'");',
        '  }',
        '}',
        'exports.Image = Image;',
        '',
      ].join('\n'),
    );
    const dir = path.join(root, 'app');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'Pulumi.yaml'), 'name: app\nruntime: nodejs\n');
    writeFileSync(path.join(dir, 'package.json'), pkg('index.js'));
    writeFileSync(path.join(dir, 'index.js'), 'const build = require("fake-build");\n\nconst image = new build.Image("image", { tags: ["app:latest"] });\n');
    linkPulumi(dir);
    const r = await runCli(['analyze', dir, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("index.js:3:15: the program failed: Missing required property 'push'");
    expect(lines[0]).not.toContain('inside its dependencies');
    expect(lines[0]).toContain("lacks the argument 'push', which the installed version of its SDK requires; `pulumi preview` fails the same way");
  }, 60_000);

  it('a module that is not installed: says to install the dependencies', async () => {
    const dir = program('missing-module', {
      'Pulumi.yaml': 'name: missing-module\nruntime: nodejs\n',
      'package.json': pkg('index.js'),
      'index.js': 'const S3 = require("aws-sdk-not-installed/clients/s3");\n',
    });
    const r = await runCli(['analyze', dir, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Cannot find module 'aws-sdk-not-installed/clients/s3'");
    expect(r.stderr).toContain(`a module it imports is not installed: run \`npm install\` in ${dir}, then try again`);
  }, 60_000);
});

describe('resources registered when the event loop empties', () => {
  it('are captured, as @pulumi/aws registers a bucket notification in a beforeExit listener', async () => {
    const dir = program('before-exit', {
      'Pulumi.yaml': 'name: before-exit\nruntime: nodejs\n',
      'package.json': pkg('index.js'),
      'index.js': [
        'const pulumi = require("@pulumi/pulumi");',
        'const bucket = new pulumi.CustomResource("aws:s3/bucket:Bucket", "uploads", {});',
        'const fn = new pulumi.CustomResource("aws:lambda/function:Function", "on-upload", {});',
        'let done = false;',
        'process.on("beforeExit", () => {',
        '  if (done) return;',
        '  done = true;',
        '  new pulumi.CustomResource("aws:s3/bucketNotification:BucketNotification", "uploads", { bucket: bucket.id, lambdaFunctions: [{ lambdaFunctionArn: fn.id }] });',
        '});',
        '',
      ].join('\n'),
    });
    const input = await loadInput(dir);
    const notification = input.resources.find((r) => r.type === 'aws:s3/bucketNotification:BucketNotification');
    expect(notification?.name).toBe('uploads');
    expect(notification?.dependencies).toEqual(expect.arrayContaining(input.resources.filter((r) => r.name === 'on-upload').map((r) => r.urn)));
  }, 60_000);

  it('a program that leaves a timer running still finishes, with what it registered', async () => {
    const dir = program('open-handle', {
      'Pulumi.yaml': 'name: open-handle\nruntime: nodejs\n',
      'package.json': pkg('index.js'),
      'index.js': [
        'const pulumi = require("@pulumi/pulumi");',
        'new pulumi.CustomResource("aws:sqs/queue:Queue", "jobs", {});',
        'setInterval(() => undefined, 1000);',
        '',
      ].join('\n'),
    });
    const started = Date.now();
    const input = await loadInput(dir, { programTimeout: 30 });
    expect(input.resources.map((r) => r.name)).toContain('jobs');
    expect(Date.now() - started).toBeLessThan(25_000);
  }, 60_000);
});

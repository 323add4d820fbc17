import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, tempFile } from '../helpers/cli.js';

const res = (name: string, extra: Record<string, unknown> = {}) => ({
  urn: `urn:pulumi:dev::p::aws:ec2/instance:Instance::${name}`,
  custom: true,
  type: 'aws:ec2/instance:Instance',
  ...extra,
});
const exportOf = (resources: unknown[]) => JSON.stringify({ version: 3, deployment: { manifest: {}, resources } }, null, 2);

const cases: Array<{ name: string; file: string; content: string; message: RegExp }> = [
  { name: 'not JSON', file: 'notjson.json', content: 'hello: world\n', message: /notjson\.json:1:1: invalid JSON/ },
  {
    name: 'truncated JSON',
    file: 'trunc.json',
    content: '{\n  "version": 3,\n  "deployment": {\n    "resources": [',
    message: /trunc\.json:4:\d+: invalid JSON: the file ends too early/,
  },
  { name: 'JSON of the wrong shape', file: 'shape.json', content: '{"hello": 1}', message: /shape\.json: not a Pulumi state/ },
  {
    // As a DIY backend writes it beside each history checkpoint (Go backend.UpdateInfo).
    name: 'an update-history record',
    file: 'prod-1700000000000000000.history.json',
    content: JSON.stringify({
      kind: 'update',
      startTime: 1700000000,
      message: '',
      environment: {},
      config: {},
      result: 'succeeded',
      endTime: 1700000009,
      resourceChanges: { create: 3 },
    }),
    message:
      /history\.json: a record of stack updates \(a DIY backend \.history\.json, or `pulumi stack history --json`\), not a state: analyze `pulumi stack export` output/,
  },
  {
    name: 'pulumi stack history --json output',
    file: 'history.json',
    content: JSON.stringify([{ version: 2, kind: 'update', startTime: 1700000000, result: 'succeeded', resourceChanges: { same: 3 } }]),
    message: /history\.json: a record of stack updates/,
  },
  {
    name: 'a resource of the wrong shape',
    file: 'res.json',
    content: exportOf([{ urn: 42 }]),
    message: /res\.json: not a Pulumi state: deployment\.resources\[0\]\.urn/,
  },
  { name: 'an empty file', file: 'empty.json', content: '', message: /empty\.json: the file is empty/ },
  {
    name: 'a dangling dependency URN',
    file: 'dangling.json',
    content: exportOf([res('a', { dependencies: ['urn:pulumi:dev::p::aws:ec2/instance:Instance::ghost'] })]),
    message: /dangling\.json: .*dependency urn:pulumi:dev::p::aws:ec2\/instance:Instance::ghost is not in the state/,
  },
  { name: 'duplicate URNs', file: 'dup.json', content: exportOf([res('a'), res('a')]), message: /dup\.json: duplicate URN/ },
  {
    name: 'a dependency cycle',
    file: 'cycle.json',
    content: exportOf([res('a', { dependencies: [res('b').urn] }), res('b', { dependencies: [res('a').urn] })]),
    message: /cycle\.json: dependency cycle: .*::a -> .*::b -> .*::a|cycle\.json: dependency cycle: .*::b -> .*::a -> .*::b/,
  },
  {
    name: 'an unsupported version',
    file: 'v9.json',
    content: JSON.stringify({ version: 9, deployment: {} }),
    message: /v9\.json: deployment version 9 is not supported/,
  },
  {
    name: 'an unknown v4 feature',
    file: 'v4.json',
    content: JSON.stringify({ version: 4, features: ['teleport'], deployment: { resources: [] } }),
    message: /v4\.json: .*teleport/,
  },
];

describe('bad input: exit 2 and one clear line naming the file', () => {
  it.each(cases)('$name', async ({ file, content, message }) => {
    const path = tempFile(file, content);
    const r = await runCli(['analyze', path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
  });

  it('reads a UTF-8 file that starts with a byte order mark, from a file and from stdin', async () => {
    const text = '\ufeff' + exportOf([res('a')]);
    const file = tempFile('bom.json', text);
    for (const r of [await runCli(['analyze', file, '--format', 'json']), await runCli(['analyze', '-', '--format', 'json'], { input: text })]) {
      expect(r.stderr).not.toMatch(/error/);
      expect(JSON.parse(r.stdout).summary.resources).toBe(1);
    }
  });

  it('says a UTF-16 file is UTF-16 (Windows PowerShell 5 writes it), with and without a byte order mark', async () => {
    for (const [name, bytes] of [
      ['le.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(exportOf([res('a')]), 'utf16le')])],
      ['be.json', Buffer.from(exportOf([res('a')]), 'utf16le').swap16()],
    ] as const) {
      const file = tempFile(name, '');
      writeFileSync(file, bytes);
      const r = await runCli(['analyze', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `firebreak: error: ${file}: the file is UTF-16 text (as Windows PowerShell 5 \`>\` writes it), not UTF-8: write it as UTF-8, e.g. \`pulumi stack export --file stack.json\`\n`,
      );
    }
  });

  it('refuses one stack read twice (the same file, or a copy), which would hide its single points; other stacks of one name are fine', async () => {
    const text = exportOf([res('db'), res('web')]);
    const a = tempFile('stack.json', text);
    const copy = tempFile('copy.json', text);
    for (const args of [
      [a, a],
      [a, copy],
    ]) {
      const r = await runCli(['analyze', ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `firebreak: error: ${args[1]}: stack p/dev is read twice, here and in ${a} (2 resources with the same URN): each copy would count as a replica of the other; name each stack once\n`,
      );
    }
    // Same project and stack name, other resources (another organization's stack): both read.
    const other = tempFile('other.json', exportOf([res('cache')]));
    const both = await runCli(['analyze', a, other, '--format', 'json', '--fail-on', 'none']);
    expect(both.code, both.stderr).toBe(0);
    expect(JSON.parse(both.stdout).summary.resources).toBe(3);
    // diff compares a stack with itself: allowed.
    expect((await runCli(['diff', a, copy])).code).toBe(0);
  });

  it('a missing topology file says no such file, in words (not ENOENT)', async () => {
    const stack = tempFile('stack.json', exportOf([res('a')]));
    const r = await runCli(['analyze', stack, '--topology', 'no/such/firebreak.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no\/such\/firebreak\.yaml: cannot read the topology file: no such file\n$/);
  });

  it('a missing file', async () => {
    const r = await runCli(['analyze', 'no/such/stack.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no\/such\/stack\.json: no such file or directory/);
  });

  it('prints a stack trace only with --debug', async () => {
    const path = tempFile('x.json', '{');
    expect((await runCli(['analyze', path])).stderr).not.toMatch(/\n\s+at .*\.[jt]s\b/);
    const debug = await runCli(['--debug', 'analyze', path]);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/\n\s+at .*\.[jt]s\b/);
  });

  it('warns, without failing, about old copies pending deletion', async () => {
    const path = tempFile('pending.json', exportOf([res('a'), res('a', { delete: true })]));
    const r = await runCli(['analyze', path, '--format', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.warnings.map((w: { message: string }) => w.message).join('\n')).toMatch(/skipped 1 old resource copy marked for deletion/);
  });
});

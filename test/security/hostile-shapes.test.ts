/**
 * Hostile shapes of otherwise valid input (wave 5): deep nesting, long chains and wide fan-outs in the input
 * formats that bypass the whole-file JSON checks. Each test fails without its fix; none times anything.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chainText, InputError } from '../../src/errors.js';
import type { Context } from '../../src/classify/context.js';
import { compilePattern, LinearPattern } from '../../src/classify/regex-engine.js';
import { serviceResolver } from '../../src/classify/services.js';
import { piecesMatch, textMatches } from '../../src/classify/text-match.js';
import { MAX_JSON_DEPTH } from '../../src/ingest/json.js';
import { MAX_EVALUATION_DEPTH } from '../../src/ingest/yaml/evaluate.js';
import { loadYamlProject } from '../../src/ingest/yaml/index.js';
import type { ResourceRecord } from '../../src/ingest/types.js';
import { runCli, tempFile } from '../helpers/cli.js';

const URN = 'urn:pulumi:dev::p::aws:s3/bucket:Bucket::b';

/** `{"tags":{"tags":...}}`, `depth` levels. */
function nested(depth: number): string {
  return '{"tags":'.repeat(depth) + '"x"' + '}'.repeat(depth);
}

describe('engine event logs', () => {
  it('refuse an event nested beyond the JSON limit with its event and line, not a stack overflow', async () => {
    const lines = [
      JSON.stringify({ sequence: 0, timestamp: 1, preludeEvent: { config: {} } }),
      `{"sequence":1,"timestamp":1,"resourcePreEvent":{"metadata":{"op":"create","urn":"${URN}","type":"aws:s3/bucket:Bucket",` +
        `"new":{"urn":"${URN}","type":"aws:s3/bucket:Bucket","custom":true,"inputs":${nested(20_000)},"outputs":{}}}}}`,
    ];
    const file = tempFile('deep-events.json', lines.join('\n') + '\n');
    const r = await runCli(['analyze', file, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `firebreak: error: ${file}:2: event 2: JSON nested too deeply: firebreak reads at most ${MAX_JSON_DEPTH} levels of nesting`,
    ]);
  });

  it('still read an event nested just within the limit', async () => {
    const lines = [
      JSON.stringify({ sequence: 0, timestamp: 1, preludeEvent: { config: {} } }),
      `{"sequence":1,"timestamp":1,"resourcePreEvent":{"metadata":{"op":"create","urn":"${URN}","type":"aws:s3/bucket:Bucket",` +
        `"new":{"urn":"${URN}","type":"aws:s3/bucket:Bucket","custom":true,"inputs":${nested(MAX_JSON_DEPTH - 10)},"outputs":{}}}}}`,
    ];
    const r = await runCli(['analyze', tempFile('within-events.json', lines.join('\n') + '\n'), '--fail-on', 'none']);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 resource,');
  });
});

describe('services in a deep component tree', () => {
  /** A chain of `depth` nested components, each with one custom resource; the stack at the top. */
  function chain(depth: number, tagAt?: number): { records: ResourceRecord[]; leaves: ResourceRecord[]; tags: Map<ResourceRecord, Map<string, string>> } {
    const rec = (type: string, name: string, custom: boolean, parent?: string): ResourceRecord => ({
      urn: `urn:pulumi:dev::p::${type}::${name}`,
      type,
      name,
      stack: 'dev',
      project: 'p',
      custom,
      inputs: {},
      outputs: {},
      ...(parent ? { parent } : {}),
      dependencies: [],
      propertyDependencies: {},
    });
    const stack = rec('pulumi:pulumi:Stack', 'p-dev', false);
    const records = [stack];
    const leaves: ResourceRecord[] = [];
    const tags = new Map<ResourceRecord, Map<string, string>>();
    let parent = stack.urn;
    for (let i = 0; i < depth; i++) {
      const c = rec('my:index:Tier', `c${i}`, false, parent);
      if (i === tagAt) tags.set(c, new Map([['service', 'tagged']]));
      const leaf = rec('aws:ec2/instance:Instance', `i${i}`, true, c.urn);
      records.push(c, leaf);
      leaves.push(leaf);
      parent = c.urn;
    }
    return { records, leaves, tags };
  }

  /** A Map that counts its lookups. */
  class CountingMap<K, V> extends Map<K, V> {
    gets = 0;
    override get(key: K): V | undefined {
      this.gets++;
      return super.get(key);
    }
  }

  it('resolve every resource of a 2,000-deep chain with a linear number of lookups, not one walk per resource', () => {
    const { records, leaves, tags } = chain(2000);
    const byUrn = new CountingMap(records.map((r) => [r.urn, r] as const));
    const serviceOf = serviceResolver({ byUrn } as unknown as Context, tags);
    const services = new Set(leaves.map((l) => serviceOf(l)));
    expect([...services]).toEqual(['c0']); // the top component names the service
    expect(byUrn.gets).toBeLessThan(4 * records.length); // a walk per resource: about 2,000,000
  });

  it('still take the nearest service tag above a resource, and the top component below none', () => {
    const { records, leaves, tags } = chain(50, 20);
    const serviceOf = serviceResolver({ byUrn: new Map(records.map((r) => [r.urn, r])) } as unknown as Context, tags);
    // Resolved deepest first, then top first: the memo gives the same either way.
    const deepFirst = [...leaves].reverse().map((l) => serviceOf(l));
    expect(deepFirst.reverse()).toEqual(leaves.map((_, i) => (i >= 20 ? 'tagged' : 'c0')));
    const fresh = serviceResolver({ byUrn: new Map(records.map((r) => [r.urn, r])) } as unknown as Context, tags);
    expect(leaves.map((l) => fresh(l))).toEqual(leaves.map((_, i) => (i >= 20 ? 'tagged' : 'c0')));
    expect(fresh(records[0]!, (p) => `project ${p}`)).toBe('project p');
  });
});

describe('Pulumi YAML reference cycles', () => {
  /** The problems of a program whose variables v0 -> v1 -> ... -> v(n-1) -> v0 form one cycle, a resource reading v0. */
  function cycleProblems(n: number): string[] {
    const lines = ['name: ring', 'runtime: yaml', 'variables:'];
    for (let i = 0; i < n; i++) lines.push(`  v${i}: \${v${(i + 1) % n}}`);
    lines.push('resources:', '  b:', '    type: aws:s3:Bucket', '    properties:', '      bucket: ${v0}');
    const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-yaml-ring-'));
    writeFileSync(path.join(dir, 'Pulumi.yaml'), `${lines.join('\n')}\n`);
    try {
      loadYamlProject(dir, {});
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      return (err as InputError).problems.map((p) => `${p.line}: ${p.reason}`);
    }
    throw new Error('the program loaded');
  }

  it('a cycle of 5,000 variables is one problem naming the cycle, not a RangeError', () => {
    const found = cycleProblems(5000);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^\d+: reference cycle: v4999 -> v0 -> v1 -> v2 -> v3 -> v4 -> \.\.\. \(4990 more\) -> v4995 -> v4996 -> v4997 -> v4998 -> v4999$/,
    );
  });

  it('a cycle just longer than the evaluation depth is one problem too; a short one is still named in full', () => {
    expect(cycleProblems(MAX_EVALUATION_DEPTH + 5)).toHaveLength(1);
    expect(cycleProblems(3).map((p) => p.replace(/^\d+: /, ''))).toContain('reference cycle: v2 -> v0 -> v1 -> v2');
  });

  it('chainText shows a long chain by its ends and a short one whole', () => {
    expect(chainText(['a', 'b', 'a'])).toBe('a -> b -> a');
    const long = Array.from({ length: 100 }, (_, i) => `n${i}`);
    expect(chainText(long)).toBe('n0 -> n1 -> n2 -> n3 -> n4 -> n5 -> ... (89 more) -> n95 -> n96 -> n97 -> n98 -> n99');
  });
});

describe('a state with a long dependency cycle', () => {
  it('names the cycle by its ends on one short line, not every URN of it', async () => {
    const n = 10_000;
    const urn = (i: number): string => `urn:pulumi:dev::p::aws:ec2/instance:Instance::i${i}`;
    const resources = Array.from({ length: n }, (_, i) => ({
      urn: urn(i),
      type: 'aws:ec2/instance:Instance',
      custom: true,
      id: `x${i}`,
      dependencies: [urn((i + 1) % n)],
    }));
    const file = tempFile('ring.json', JSON.stringify({ version: 3, deployment: { manifest: {}, resources } }));
    const r = await runCli(['analyze', file, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`dependency cycle: ${urn(0)} -> ${urn(1)} -> `);
    expect(lines[0]).toContain(`(${n + 1 - 11} more)`);
    expect(lines[0]!.length).toBeLessThan(1000); // every URN: 550,000 characters
  });
});

describe("a rule pack's patterns against long values", () => {
  const pack = (pattern: string): string => `pack: my-rules
description: A user pack whose pattern backtracks.
rules:
  - id: widget-by-name
    info: Widgets named so are zonal.
    match: { type: ["acme:widget:Widget"], property: { path: name, pattern: '${pattern}' } }
    role: compute
    scope: zonal
`;
  const widget = (name: string): string =>
    JSON.stringify({
      version: 3,
      deployment: {
        manifest: {},
        resources: [
          { urn: 'urn:pulumi:dev::p::acme:widget:Widget::w', type: 'acme:widget:Widget', custom: true, id: 'w-1', inputs: { name }, outputs: { name } },
        ],
      },
    });

  it('a catastrophic pattern runs in the linear-time engine and ends, with the right answer (it used to run for ever)', async () => {
    const re = compilePattern('(a+)+$');
    expect(re).toBeInstanceOf(LinearPattern);
    expect(textMatches(re, `${'a'.repeat(5000)}!`)).toBe(false);
    expect(textMatches(re, 'a'.repeat(5000))).toBe(true);
    expect(piecesMatch(re, ['x-', `${'a'.repeat(5000)}!`])).toBe(false);
    expect(piecesMatch(re, ['x-', 'a'.repeat(5000)])).toBe(true);
    const r = await runCli([
      'analyze',
      tempFile('w.json', widget(`${'a'.repeat(5000)}!`)),
      '--rules',
      tempFile('p.yaml', pack('(a+)+$')),
      '--fail-on',
      'none',
      '--format',
      'json',
    ]);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    // The rule applies as RegExp would say (RegExp itself needs 2^5000 steps for the first): not with the `!`, else yes.
    for (const [name, applies] of [
      [`${'a'.repeat(5000)}!`, false],
      ['a'.repeat(5000), true],
    ] as const) {
      const e = await runCli(['rules', 'explain', 'w', tempFile('w.json', widget(name)), '--rules', tempFile('p.yaml', pack('(a+)+$'))]);
      expect(e.code).toBe(0);
      expect(e.stdout.includes('my-rules/widget-by-name: role compute'), name.slice(-3)).toBe(applies);
    }
  });

  it('one the linear-time engine cannot run (a lookaround, a backreference) is refused when the pack loads, with its file and line', async () => {
    for (const [pattern, what] of [
      ['(a+)+(?!b)$', 'a lookahead'],
      ['^(?!db)web', 'a lookahead'],
      ['(?<=x)y', 'a lookbehind'],
      ['(a)\\1', 'a backreference'],
    ] as const) {
      const file = tempFile('p.yaml', pack(pattern));
      const r = await runCli(['rules', 'list', '--rules', file]);
      expect(r.code, pattern).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^firebreak: error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6:\\d+: .*linear-time engine.*\\(${what}`));
      expect(lines[0]).not.toContain(pattern);
    }
  });

  it('a built-in pack keeps its lookarounds (RegExp runs them); the same pattern in a user pack is refused', async () => {
    const lookaround = '(^|[-_.])(login|sso|keycloak|idp|oauth)(?![-_.]?(db|database|sql|redis|cache)([-_.0-9]|$))([-_.0-9]|$)'; // rules/ops.yaml
    expect((await runCli(['rules', 'list'])).code).toBe(0);
    const r = await runCli(['rules', 'list', '--rules', tempFile('p.yaml', pack(lookaround))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a lookahead');
  });

  it('a long literal piece of an interpolation is matched in linear time, with the same answers at its edges', () => {
    const long = 'a'.repeat(2_000_000);
    expect(piecesMatch(/keycloak/, ['', long])).toBe(false); // a lookbehind read back from every position: hours
    expect(piecesMatch(/keycloak/, ['', `${long}keycloak`])).toBe(true);
    expect(piecesMatch(/^a/, ['', 'ab'])).toBe(false);
    expect(piecesMatch(/^a/, ['ab', ''])).toBe(true);
    expect(piecesMatch(/b$/, ['ab', ''])).toBe(false);
    expect(piecesMatch(/b$/, ['', 'ab'])).toBe(true);
    expect(piecesMatch(/ab/, ['x', 'yaby', 'z'])).toBe(true);
    expect(piecesMatch(/./, ['', ''])).toBe(false);
  });
});

describe('a rule pack that is not a regular file', () => {
  it.skipIf(process.platform === 'win32')('a FIFO given with --rules is refused with one line, not waited on for ever', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-fifo-pack-'));
    const fifo = path.join(dir, 'pack.yaml');
    execFileSync('mkfifo', [fifo]);
    const r = await runCli(['rules', 'list', '--rules', fifo]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`firebreak: error: ${fifo}: cannot read the rule pack: not a regular file (a FIFO, device or socket)`]);
  });
});

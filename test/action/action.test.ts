/**
 * The GitHub Action: action.yml is a composite action whose actions are pinned by
 * commit, and its script, run locally on the demo against a fake GitHub API: SARIF
 * written, the report in the job summary, one comment created then updated (found
 * by its hidden marker), the exit code of --fail-on.
 */
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bin, ensureBuilt, repoRoot } from '../helpers/cli.js';
// @ts-expect-error: a plain JavaScript module without types (it runs on the Actions runner as is).
import { MARKER, main, splitArgs } from '../../action/firebreak-action.mjs';

const run = main as (env: Record<string, string | undefined>) => Promise<number>;
const split = splitArgs as (text: string | undefined) => string[];

interface Comment {
  id: number;
  body: string;
}
const comments: Comment[] = [];
const requests: string[] = [];
let server: Server;
let api = '';

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    requests.push(`${req.method} ${req.url?.replace(/\?.*/, '')}`);
    expect(req.headers.authorization).toBe('Bearer t0ken');
    const text = await body(req);
    res.setHeader('content-type', 'application/json');
    // A new connection per request: a kept-alive one the server closes after its idle timeout (5 s) while fetch reuses
    // it fails the request ("fetch failed"), which a slow run of the binary between two requests made happen.
    res.setHeader('connection', 'close');
    if (req.method === 'GET' && /\/repos\/acme\/infra\/issues\/7\/comments/.test(req.url ?? ''))
      return res.end(JSON.stringify([{ id: 1, body: 'LGTM' }, ...comments]));
    if (req.method === 'POST' && req.url === '/repos/acme/infra/issues/7/comments') {
      const c = { id: 100 + comments.length, body: JSON.parse(text).body as string };
      comments.push(c);
      res.statusCode = 201;
      return res.end(JSON.stringify(c));
    }
    const m = /^\/repos\/acme\/infra\/issues\/comments\/(\d+)$/.exec(req.url ?? '');
    if (req.method === 'PATCH' && m) {
      const c = comments.find((x) => x.id === Number(m[1]))!;
      c.body = JSON.parse(text).body;
      return res.end(JSON.stringify(c));
    }
    res.statusCode = 404;
    res.end('{}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

function env(extra: Record<string, string> = {}): { env: Record<string, string>; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-action-'));
  const event = path.join(dir, 'event.json');
  writeFileSync(event, JSON.stringify({ pull_request: { number: 7 } }));
  for (const f of ['summary.md', 'output.txt']) writeFileSync(path.join(dir, f), '');
  return {
    dir,
    env: {
      FIREBREAK_COMMAND: JSON.stringify([process.execPath, bin]),
      FIREBREAK_INPUTS: `${repoRoot}@pangyo-2022`,
      FIREBREAK_SARIF: path.join(dir, 'firebreak.sarif'),
      GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
      GITHUB_OUTPUT: path.join(dir, 'output.txt'),
      GITHUB_EVENT_PATH: event,
      GITHUB_REPOSITORY: 'acme/infra',
      GITHUB_API_URL: api,
      GITHUB_TOKEN: 't0ken',
      NO_COLOR: '1',
      ...extra,
    },
  };
}

beforeAll(ensureBuilt);

describe('action.yml', () => {
  const action = parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as {
    runs: { using: string; steps: Array<{ uses?: string; run?: string; env?: Record<string, string> }> };
    inputs: Record<string, unknown>;
  };

  it('is a composite action whose actions are pinned to a commit, running the script in this repository', async () => {
    expect(action.runs.using).toBe('composite');
    const uses = action.runs.steps.flatMap((s) => (s.uses ? [s.uses] : []));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    const script = action.runs.steps.find((s) => s.run?.includes('firebreak-action.mjs'))!;
    expect(existsSync(path.join(repoRoot, 'action', 'firebreak-action.mjs'))).toBe(true);
    for (const i of ['input', 'baseline', 'fail-on', 'sarif-file', 'comment']) expect(action.inputs).toHaveProperty(i);
    expect(Object.keys(script.env!)).toEqual(
      expect.arrayContaining(['FIREBREAK_INPUTS', 'FIREBREAK_BASELINE', 'FIREBREAK_FAIL_ON', 'FIREBREAK_SARIF', 'GITHUB_TOKEN']),
    );
  });

  it('installs the release of this package by default, and a failed upload does not skip the gate', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect((action.inputs.version as { default: string }).default).toBe(pkg.version);
    const steps = action.runs.steps as Array<{ name?: string; uses?: string; 'continue-on-error'?: boolean; if?: string }>;
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload['continue-on-error']).toBe(true);
    const gate = steps[steps.length - 1]!;
    expect(gate.name).toBe('Gate');
    expect(gate.if).toBeUndefined();
  });

  it('docs/ci.md names exactly the inputs and outputs action.yml has', () => {
    const ci = readFileSync(path.join(repoRoot, 'docs', 'ci.md'), 'utf8');
    const para = /^Inputs: [\s\S]*?\n\n/m.exec(ci)![0];
    const [ins, outs] = para.split('Outputs:') as [string, string];
    const named = (text: string) => [...new Set([...text.matchAll(/`([a-z][a-z-]*)`/g)].map((m) => m[1]!))].sort();
    const outputs = (parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as { outputs: Record<string, unknown> }).outputs;
    expect(named(ins).filter((n) => !['true', 'high', 'check'].includes(n) && !n.startsWith('pulumi-') && !n.includes('preview'))).toEqual(
      Object.keys(action.inputs).sort(),
    );
    expect(named(outs.split('.')[0]!)).toEqual(Object.keys(outputs).sort());
  });
});

describe('the action script, its arguments (a stand-in for firebreak that records them)', () => {
  // Writes the SARIF and Markdown files it is asked for, records its argv, and exits with FAKE_EXIT.
  const fake = `const fs = require('node:fs'); const a = process.argv.slice(1);
fs.writeFileSync(process.env.FAKE_ARGV, JSON.stringify(a));
const o = a.indexOf('-o'); if (o >= 0) fs.writeFileSync(a[o + 1], '{}');
const m = a.indexOf('--output-format'); if (m >= 0) fs.writeFileSync(a[m + 1].slice('markdown='.length), '**firebreak: passed**\\n');
if (process.env.FAKE_EXIT === '2') process.stderr.write('firebreak: error: my stack.json: not JSON\\n');
process.exit(Number(process.env.FAKE_EXIT));`;

  it('splits args as a shell splits plain words, keeps quoted blanks, and refuses an open quote', () => {
    expect(split('--tolerate region\n--fail-on-unjudged')).toEqual(['--tolerate', 'region', '--fail-on-unjudged']);
    expect(split(`  --rules "my packs/"  --topology 'infra/fire break.yaml'\n`)).toEqual(['--rules', 'my packs/', '--topology', 'infra/fire break.yaml']);
    expect(split(`--sarif-root ""`)).toEqual(['--sarif-root', '']);
    expect(split(undefined)).toEqual([]);
    expect(() => split('--rules "my packs/')).toThrow(/quote is not closed/);
  });

  it('runs one check with both reports, inputs with spaces as one argument each, and exit 2 into the summary', async () => {
    const e = env({ FIREBREAK_COMMENT: 'false' });
    const argv = path.join(e.dir, 'argv.json');
    const sarif = path.join(e.dir, 'out dir', 'fire break.sarif');
    const base = {
      ...e.env,
      FIREBREAK_COMMAND: JSON.stringify([process.execPath, '-e', fake]),
      FIREBREAK_INPUTS: 'stacks/my prod/preview.json\n\n  stacks/staging.json  \n',
      FIREBREAK_BASELINE: 'fire break baseline.yaml',
      FIREBREAK_ARGS: '--tolerate region\n--rules "my packs/"',
      FIREBREAK_SARIF: sarif,
      FAKE_ARGV: argv,
    };
    await import('node:fs').then((fs) => fs.mkdirSync(path.dirname(sarif), { recursive: true }));
    expect(await run({ ...base, FAKE_EXIT: '0' })).toBe(0);
    const args = JSON.parse(readFileSync(argv, 'utf8')) as string[];
    expect(args.slice(0, 9)).toEqual([
      'check',
      'stacks/my prod/preview.json',
      'stacks/staging.json',
      '--baseline',
      'fire break baseline.yaml',
      '--tolerate',
      'region',
      '--rules',
      'my packs/',
    ]);
    expect(args.slice(9, 15)).toEqual(['--fail-on', 'high', '--format', 'sarif', '-o', sarif]);
    expect(args[15]).toBe('--output-format');
    expect(args[16]).toMatch(/^markdown=.*report\.md$/);
    expect(existsSync(args[16]!.slice('markdown='.length))).toBe(false);
    expect(readFileSync(e.env.GITHUB_STEP_SUMMARY!, 'utf8')).toBe('**firebreak: passed**\n');

    expect(await run({ ...base, FAKE_EXIT: '1' })).toBe(1);
    expect(readFileSync(e.env.GITHUB_OUTPUT!, 'utf8')).toContain('exit-code=1\n');

    const bad = env({ FIREBREAK_COMMENT: 'false' });
    expect(await run({ ...base, GITHUB_STEP_SUMMARY: bad.env.GITHUB_STEP_SUMMARY!, GITHUB_OUTPUT: bad.env.GITHUB_OUTPUT!, FAKE_EXIT: '2' })).toBe(2);
    const summary = readFileSync(bad.env.GITHUB_STEP_SUMMARY!, 'utf8');
    expect(summary).toMatch(/^\*\*firebreak: error\*\* \(exit 2\)/);
    expect(summary).toContain('firebreak: error: my stack.json: not JSON');
    expect(readFileSync(bad.env.GITHUB_OUTPUT!, 'utf8')).toBe(`exit-code=2\nsarif-file=${sarif}\n`);

    const open = env({ FIREBREAK_COMMENT: 'false' });
    expect(
      await run({
        ...base,
        GITHUB_STEP_SUMMARY: open.env.GITHUB_STEP_SUMMARY!,
        GITHUB_OUTPUT: open.env.GITHUB_OUTPUT!,
        FIREBREAK_ARGS: '--rules "x',
        FAKE_EXIT: '0',
      }),
    ).toBe(2);
    expect(readFileSync(open.env.GITHUB_STEP_SUMMARY!, 'utf8')).toContain('args: a " quote is not closed');
    expect(readFileSync(open.env.GITHUB_OUTPUT!, 'utf8')).toBe('exit-code=2\n');
  });
});

describe('the action script, on the demo', () => {
  it('writes SARIF and the job summary, creates one comment then updates it, and fails by --fail-on', async () => {
    const first = env();
    expect(await run(first.env)).toBe(1);
    const sarif = JSON.parse(readFileSync(first.env.FIREBREAK_SARIF!, 'utf8'));
    expect(sarif.runs[0].results.length).toBeGreaterThan(0);
    const summary = readFileSync(first.env.GITHUB_STEP_SUMMARY!, 'utf8');
    expect(summary).toMatch(/^\*\*firebreak: (failed|passed)/);
    expect(readFileSync(first.env.GITHUB_OUTPUT!, 'utf8')).toContain('exit-code=1\n');
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body.startsWith(`${MARKER}\n`)).toBe(true);
    expect(comments[0]!.body).toContain(summary.split('\n')[0]);

    const second = env({ FIREBREAK_FAIL_ON: 'none' });
    expect(await run(second.env)).toBe(0);
    expect(comments).toHaveLength(1);
    expect(requests.filter((r) => r.startsWith('PATCH'))).toEqual([`PATCH /repos/acme/infra/issues/comments/${comments[0]!.id}`]);
    expect(comments[0]!.body).toMatch(/passed/);
  });

  it('outside a pull request: no comment; bad input: exit 2 and no report', async () => {
    const before = requests.length;
    const push = env({ GITHUB_EVENT_PATH: '/nonexistent/event.json', FIREBREAK_FAIL_ON: 'none' });
    expect(await run(push.env)).toBe(0);
    expect(requests.length).toBe(before);
    const bad = env({ FIREBREAK_INPUTS: path.join(push.dir, 'missing.json') });
    expect(await run(bad.env)).toBe(2);
    // No report: the summary says the check did not run, with firebreak's error naming the file.
    const summary = readFileSync(bad.env.GITHUB_STEP_SUMMARY!, 'utf8');
    expect(summary).toMatch(/^\*\*firebreak: error\*\* \(exit 2\)/);
    expect(summary).toContain('missing.json');
    expect(requests.length).toBe(before);
  });

  it('a baseline input naming a file that is not there: exit 2, and the summary says how to write it', async () => {
    const e = env({ FIREBREAK_BASELINE: 'no-such-baseline.yaml', FIREBREAK_COMMENT: 'false' });
    expect(await run(e.env)).toBe(2);
    const summary = readFileSync(e.env.GITHUB_STEP_SUMMARY!, 'utf8');
    expect(summary).toContain('no-such-baseline.yaml');
    expect(summary).toContain('--update-baseline');
  });
});

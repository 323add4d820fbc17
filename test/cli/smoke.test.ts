/**
 * Smoke tests of the built binary (dist/cli/main.js), spawned as a user runs it:
 * the process wiring that in-process tests (runCli) do not see — argv, exit
 * codes, stream errors. Everything else runs the source in-process. The binary
 * is built first when dist/ is missing or older than src/.
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { bin, ensureBuilt, repoRoot, runBin, tempFile } from '../helpers/cli.js';
import { VERSION } from '../../src/version.js';

beforeAll(ensureBuilt);

describe('the built binary', () => {
  it('prints its version and its help, exit 0', () => {
    const v = runBin(['--version']);
    expect(v).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    const h = runBin(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^Usage: firebreak \[options\] \[command\]\n/);
    for (const c of ['analyze', 'check', 'whatif', 'diff', 'plan', 'rules']) expect(h.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    expect(h.stderr).toBe('');
  });

  it('analyzes the demo and exits 1 for its critical findings', () => {
    const r = runBin(['analyze', '.@pangyo-2022']);
    expect(r.stdout).toMatch(/^firebreak \S+: kakao-estate\/pangyo-2022\n/);
    expect(r.stdout).toMatch(/^CRITICAL \(\d+\)$/m);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
  });

  it('reads standard input', () => {
    const r = runBin(['analyze', '-', '--format', 'json', '--fail-on', 'none'], { input: '{"version": 3, "deployment": {"resources": []}}' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary.resources).toBe(0);
  });

  it('on bad input, exits 2 with one line naming the file and no stack trace', () => {
    const file = tempFile('broken.json', '{"version": 3, "deployment": {');
    const r = runBin(['analyze', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 on an unknown option, with commander's message on stderr", () => {
    const r = runBin(['analyze', '--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^firebreak: error: unknown option '--no-such-option'/);
  });

  it('stops quietly when the reader of its output goes away (`| head`)', () => {
    // The help is written in many small writes: the second one after `head` has gone fails with EPIPE.
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${bin}" check --help | head -1`], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.stdout).toBe('Usage: firebreak check [options] [inputs...]\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.runIf(process.platform === 'linux')('a full disk on stdout is a one-line error', () => {
    const r = spawnSync('sh', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} analyze .@pangyo-2022 --fail-on none > /dev/full`], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual(['firebreak: error: cannot write the output to stdout (ENOSPC)']);
  });
});

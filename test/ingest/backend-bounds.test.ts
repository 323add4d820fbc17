/**
 * A DIY backend's stack files are read within the input size limit: a gzip bomb is refused as it inflates (it used
 * to fill memory and end in an internal error), a FIFO named like a stack file is refused, not waited on.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { readBackendStack } from '../../src/ingest/backend.js';
import { runCli } from '../helpers/cli.js';

function backend(): { dir: string; stacks: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-backend-bounds-'));
  const stacks = path.join(dir, '.pulumi', 'stacks', 'p');
  mkdirSync(stacks, { recursive: true });
  return { dir, stacks };
}

const checkpoint = (padding: number): string => `{"version":3,"checkpoint":{"stack":"dev","latest":{"resources":[]}}}${' '.repeat(padding)}`;

describe('DIY backend stack files', () => {
  it('refuse a gzipped stack that inflates beyond the limit, as it inflates, with one line naming the file', () => {
    const { stacks } = backend();
    const file = path.join(stacks, 'dev.json.gz');
    writeFileSync(file, gzipSync(checkpoint(4 * 2 ** 20))); // a few KB that inflate to 4 MB
    let err: unknown;
    try {
      readBackendStack(file, 2 ** 20);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems).toEqual([
      {
        file,
        reason:
          "gunzipped, the file is more than 1 MB: firebreak reads at most 1 MB of a DIY backend's stack file (give the state itself as an input, gunzipped: it is streamed)",
      },
    ]);
    expect(readBackendStack(file, 8 * 2 ** 20)).toMatchObject({ version: 3 }); // within the limit, read
  });

  it('refuse a plain stack file over the limit before reading it', () => {
    const { stacks } = backend();
    const file = path.join(stacks, 'dev.json');
    writeFileSync(file, checkpoint(2 * 2 ** 20));
    expect(() => readBackendStack(file, 2 ** 20)).toThrow(/the file is 2 MB: firebreak reads at most 1 MB of a DIY backend's stack file/);
  });

  it.skipIf(process.platform === 'win32')('refuse a FIFO named like a stack file instead of waiting on it', async () => {
    const { dir, stacks } = backend();
    execFileSync('mkfifo', [path.join(stacks, 'dev.json')]);
    const r = await runCli(['analyze', dir, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/dev\.json: cannot read the file: not a regular file/)]);
  });
});

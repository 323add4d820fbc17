/**
 * What the action writes for GitHub from bytes it did not make (an API response, an error message): a workflow
 * command's message cannot start a second command, and a response's bytes are never quoted.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module without types (it runs on the Actions runner as is).
import { MARKER, commandData, upsertComment } from '../../action/firebreak-action.mjs';

const escape = commandData as (text: string) => string;
const upsert = upsertComment as (o: { api: string; repo: string; issue: number; token: string; body: string }) => Promise<string>;

let server: Server;
let api = '';
const patched: string[] = [];
let listBody = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('connection', 'close');
    if (req.method === 'GET') return res.end(listBody);
    patched.push(`${req.method} ${req.url}`);
    res.statusCode = 201;
    res.end('{}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

describe('the action, on bytes it did not write', () => {
  it('escapes a workflow command message as @actions/core does', () => {
    expect(escape('100% down\r\n::error::injected')).toBe('100%25 down%0D%0A::error::injected');
    expect(escape('plain')).toBe('plain');
  });

  it('a comment listing that is not JSON is an error naming what was wrong, without the response bytes', async () => {
    listBody = 'not json\n::error::injected';
    const err = await upsert({ api, repo: 'acme/infra', issue: 7, token: 't', body: 'x' }).then(
      () => new Error('no error'),
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('listing comments: the response is not a JSON list');
    expect(err.message).not.toContain('injected');
  });

  it('a listed comment whose id is not a number is not one to update', async () => {
    listBody = JSON.stringify([{ id: '../../../user', body: `${MARKER}\nold` }]);
    expect(await upsert({ api, repo: 'acme/infra', issue: 7, token: 't', body: 'x' })).toBe('created');
    expect(patched).toEqual(['POST /repos/acme/infra/issues/7/comments']);
  });
});

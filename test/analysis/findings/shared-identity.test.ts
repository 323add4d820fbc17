/** The shared-identity finding kind on a small hand-built topology, through the whole analysis: there with the pattern, gone when it is fixed. */
import { describe, expect, it } from 'vitest';
import { D } from '../../helpers/model-builder.js';
import { analyze, of, region } from './helpers.js';

describe('shared-identity', () => {
  const topology = (replicated: boolean) => {
    const spec = region()
      .component('login-1', { placedIn: ['r1/a'], role: 'identity' })
      .component('pay-1', { placedIn: ['r1/a'], requires: ['login'] })
      .component('pay-2', { placedIn: ['r1/b'], requires: ['login'] })
      .component('chat-1', { placedIn: ['r1/a'], requires: ['login'] })
      .component('chat-2', { placedIn: ['r1/c'], requires: ['login'] })
      .group('pay', 1, ['pay-1', 'pay-2'])
      .group('chat', 1, ['chat-1', 'chat-2'])
      .service('pay', ['pay'])
      .service('chat', ['chat']);
    if (replicated) spec.component('login-2', { placedIn: ['r1/b'], role: 'identity' }).group('login', 1, ['login-1', 'login-2']);
    else spec.group('login', 1, ['login-1']);
    return spec;
  };

  it('names every service that logs in through a login kept in one zone', () => {
    const [f, ...rest] = of(analyze(topology(false)), 'shared-identity');
    expect(rest).toEqual([]);
    expect(f!.message).toMatch(/chat and pay/);
    expect(f!.blastRadius.services).toBe(2);
    expect(f!.evidence!.events.map((e) => e.id)).toContain(D('r1/a'));
  });

  it('is gone when the login has a replica in another zone', () => {
    expect(of(analyze(topology(true)), 'shared-identity')).toEqual([]);
  });
});

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

  describe('on the recovery path', () => {
    // A Keycloak operators log in through to fail the app over (its recovers-with tool); no service requires it.
    const recoveryTopology = (usersToo: boolean) => {
      const spec = region()
        .component('keycloak', { placedIn: ['r1/c'], role: 'identity' })
        .component('app-1', { placedIn: ['r1/a'], ...(usersToo ? { requires: ['keycloak'] } : {}) })
        .component('app-2', { placedIn: ['r1/b'], ...(usersToo ? { requires: ['keycloak'] } : {}) })
        .component('chat-1', { placedIn: ['r1/a'], ...(usersToo ? { requires: ['keycloak'] } : {}) })
        .group('app', 1, ['app-1', 'app-2'], ['keycloak'])
        .service('shop', ['app']);
      if (usersToo) spec.service('chat', ['chat-1']);
      return spec;
    };

    it('says operators, not users, log in through an identity only on the recovery path', () => {
      const [f, ...rest] = of(analyze(recoveryTopology(false)), 'shared-identity');
      expect(rest).toEqual([]);
      expect(f!.message).toMatch(
        /keycloak \(\) is an identity single point on the recovery path only: operators, not users, log in through it to fail over 1 replica group\(s\) of shop, and losing /,
      );
      expect(f!.services).toEqual(['shop']);
    });

    it('adds the recovery path to the message when users log in through it too', () => {
      const [f] = of(analyze(recoveryTopology(true)), 'shared-identity');
      expect(f!.message).toMatch(/2 services log in through it \(chat and shop\)/);
      expect(f!.message).toMatch(/; operators also log in through it to fail over 1 replica group\(s\) of shop$/);
    });

    it('leaves an external identity (placed nowhere) to external-identity', () => {
      const spec = region()
        .component('entra', { role: 'identity', event: false, external: { uses: [] } })
        .component('app-1', { placedIn: ['r1/a'], requires: ['entra'] })
        .component('chat-1', { placedIn: ['r1/b'], requires: ['entra'] })
        .service('shop', ['app-1'])
        .service('chat', ['chat-1']);
      expect(of(analyze(spec), 'shared-identity')).toEqual([]);
    });
  });
});

/** A rule's regionDefault: the region a provider documents when none is set (a Spaces bucket: nyc3), and what explain says of it. */
import { describe, expect, it } from 'vitest';
import { loadInputs } from '../../src/index.js';
import { explainResource } from '../../src/classify/explain.js';
import { loadRuleSet } from '../../src/classify/packs.js';
import { runCli } from '../helpers/cli.js';
import { StackExport } from '../rules/helpers.js';

function stack(): string {
  const s = new StackExport('assets', 'dev');
  s.provider('digitalocean', {}, '4.56.0');
  s.add('digitalocean:index/spacesBucket:SpacesBucket', 'static-assets', { inputs: { name: 'static-assets', acl: 'private' } });
  s.add('digitalocean:index/spacesBucket:SpacesBucket', 'backups', { inputs: { name: 'backups', region: 'ams3' } });
  // A region set to a secret is set: which one is not known here, and the default would be a guess.
  const secret = { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', ciphertext: 'AAABAHtVx0mQkGPVjGq3Y1lG' };
  s.add('digitalocean:index/spacesBucket:SpacesBucket', 'ledger', { inputs: { name: 'ledger', region: secret } });
  return s.write();
}

describe('regionDefault', () => {
  it('places a resource with no region in the documented default, and says so; a region set wins', async () => {
    const inputs = await loadInputs([stack()]);
    const packs = loadRuleSet();
    const unset = explainResource(inputs, packs, 'static-assets');
    expect(unset.result.placements.map((p) => p.path)).toEqual(['digitalocean/nyc3']);
    expect(unset.result.placedBy).toBe('the region its provider documents when none is set (nyc3)');
    expect(unset.merged.regionDefault).toBe('nyc3');
    const set = explainResource(inputs, packs, 'backups');
    expect(set.result.placements.map((p) => p.path)).toEqual(['digitalocean/ams3']);
    expect(set.result.placedBy).toBe('its region');
    const hidden = explainResource(inputs, packs, 'ledger');
    expect(hidden.result.placements).toEqual([]);
  });

  it('rules explain prints the default and the rule that sets it', async () => {
    const r = await runCli(['rules', 'explain', 'static-assets', stack()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/region default +nyc3 +\(digitalocean-spaces-bucket-region\)/);
  });
});

/**
 * Providers whose region is one datacenter with no zones (DigitalOcean, Linode, Civo: `regionIsDatacenter` in
 * their packs). A lone machine there is one host: its own loss is a single point, and its zone is not "unknown",
 * since its region has none. Shaped like the linode-typescript template (one instance) and a pair of droplets
 * behind a load balancer.
 */
import { describe, expect, it } from 'vitest';
import { analyze, explain, singlePoints, StackExport } from './helpers.js';

function lone() {
  const s = new StackExport('lone', 'dev');
  s.provider('linode', {}, '4.39.0');
  s.provider('civo', {}, '2.4.0');
  s.add('linode:index/instance:Instance', 'my-instance', { inputs: { type: 'g6-nanode-1', region: 'us-east', image: 'linode/ubuntu24.04' } });
  s.add('civo:index/instance:Instance', 'worker', { inputs: { size: 'g3.small', region: 'LON1' } });
  return s.write();
}

function pair() {
  const s = new StackExport('pair', 'dev');
  s.provider('digitalocean', {}, '4.80.1');
  const web = [1, 2].map((i) =>
    s.add('digitalocean:index/droplet:Droplet', `web-${i}`, { inputs: { region: 'nyc3', size: 's-1vcpu-1gb', image: 'ubuntu-24-04-x64', tags: ['web'] } }),
  );
  s.add('digitalocean:index/loadBalancer:LoadBalancer', 'public', {
    inputs: {
      region: 'nyc3',
      dropletIds: web.map((w) => w.ref()),
      forwardingRules: [{ entryPort: 80, entryProtocol: 'http', targetPort: 80, targetProtocol: 'http' }],
    },
  });
  return s.write();
}

describe('a region that is one datacenter', () => {
  it('judges a lone machine as a single point, with no unknown-zone blind spot', async () => {
    const file = lone();
    const report = await analyze(file);
    expect(singlePoints(report)).toEqual(expect.arrayContaining(['compute my-instance', 'compute worker']));
    for (const name of ['my-instance', 'worker']) {
      const e = await explain(file, name);
      expect(e.result.event, name).toBe(true);
      expect(e.blindSpots, name).toEqual([]);
    }
  });

  it('does not call either of two alike droplets behind a load balancer a single point', async () => {
    const file = pair();
    const report = await analyze(file);
    expect(singlePoints(report).filter((s) => s.startsWith('compute'))).toEqual([]);
    // They replace each other: one replica group of two, in the one datacenter.
    const e = await explain(file, 'web-1');
    expect(e.result.group).toBeTruthy();
    expect(e.result.group).toBe((await explain(file, 'web-2')).result.group);
  });
});

/**
 * The built-in openstack pack (rules/openstack.yaml) on realistic
 * pulumi-openstack resources: Nova instances and Cinder volumes in
 * availability zones, an Octavia load balancer, and the configuration around them.
 */
import { describe, expect, it } from 'vitest';
import { analyze, expectConfigOnly, explain, noRule, placedIn, ruleIds, singlePoints, StackExport } from './helpers.js';

function estate(dbZone: string) {
  const s = new StackExport('estate', 'prod');
  s.provider('openstack', { region: 'RegionOne', authUrl: 'https://keystone.example.internal:5000/v3' }, '3.15.0');
  const net = s.add('openstack:networking/network:Network', 'app-net', { inputs: { name: 'app-net', adminStateUp: true } });
  const subnet = s.add('openstack:networking/subnet:Subnet', 'app-subnet', { inputs: { networkId: net.ref(), cidr: '10.20.0.0/24', ipVersion: 4 } });
  const sg = s.add('openstack:networking/secGroup:SecGroup', 'app-sg', { inputs: { name: 'app-sg', description: 'app' } });
  const key = s.add('openstack:compute/keypair:Keypair', 'ops-key', { inputs: { name: 'ops-key', publicKey: 'ssh-ed25519 AAAAC3Nza ops' } });
  const db = s.add('openstack:compute/instance:Instance', 'db-1', {
    inputs: {
      name: 'db-1',
      flavorName: 'm1.large',
      imageName: 'ubuntu-24.04',
      availabilityZone: dbZone,
      keyPair: key.ref('name'),
      securityGroups: [sg.ref('name')],
      networks: [{ uuid: net.ref() }],
    },
    outputs: { accessIpV4: '10.20.0.11' },
  });
  const data = s.add('openstack:blockstorage/volume:Volume', 'db-data', {
    inputs: { name: 'db-data', size: 200, availabilityZone: dbZone, volumeType: 'ssd' },
  });
  s.add('openstack:compute/volumeAttach:VolumeAttach', 'db-data-attach', { inputs: { instanceId: db.ref(), volumeId: data.ref() } });
  const web = ['nova-a', 'nova-b'].map((zone, i) =>
    s.add('openstack:compute/instance:Instance', `web-${i + 1}`, {
      inputs: {
        name: `web-${i + 1}`,
        flavorName: 'm1.small',
        imageName: 'ubuntu-24.04',
        availabilityZone: zone,
        securityGroups: [sg.ref('name')],
        networks: [{ uuid: net.ref() }],
        userData: db.ref('accessIpV4'),
      },
    }),
  );
  s.add('openstack:loadbalancer/loadBalancer:LoadBalancer', 'web-lb', {
    inputs: { name: 'web-lb', vipSubnetId: subnet.ref(), availabilityZone: 'nova-a' },
    dependsOn: web,
  });
  return s.write();
}

describe('openstack pack', () => {
  const file = estate('nova-a');

  it('places instances and volumes in their availability zones under the region', async () => {
    for (const [name, rule, role] of [
      ['db-1', 'openstack/openstack-compute-instance', 'compute'],
      ['web-2', 'openstack/openstack-compute-instance', 'compute'],
      ['db-data', 'openstack/openstack-volume', 'datastore'],
      ['web-lb', 'openstack/openstack-load-balancer', 'network-path'],
    ] as const) {
      const e = await explain(file, name);
      expect(ruleIds(e), name).toContain(rule);
      expect(e.result.role, name).toBe(role);
      expect(e.blindSpots, name).toEqual([]);
    }
    expect(placedIn(await explain(file, 'web-2'))).toEqual(['openstack/RegionOne/nova-b']);
    expect(placedIn(await explain(file, 'db-data'))).toEqual(['openstack/RegionOne/nova-a']);
  });

  it.each(['app-net', 'app-subnet', 'app-sg', 'ops-key', 'db-data-attach'])('%s is config-only', async (name) => {
    await expectConfigOnly(file, name, name === 'db-data-attach' ? 'openstack/openstack-volume-attach' : 'openstack/openstack-config-only');
  });

  it('finds the zone of the lone database as a single point of failure, and no rule is missing', async () => {
    const report = await analyze(file);
    expect(noRule(report)).toEqual([]);
    expect(singlePoints(report)).toContain('zone openstack/RegionOne/nova-a');
    expect(singlePoints(report)).not.toContain('zone openstack/RegionOne/nova-b');
    expect(singlePoints(report)).toContain('compute db-1');
  });
});

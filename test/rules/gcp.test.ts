/**
 * The built-in gcp pack (rules/gcp.yaml) on realistic pulumi-gcp resources:
 * what each rule decides (role, placement) through `rules explain`, and what
 * that makes of a small stack through `analyze`.
 */
import { describe, expect, it } from 'vitest';
import { analyze, expectConfigOnly, expectNothingToJudge, explain, noRule, placedIn, ruleIds, singlePoints, StackExport, type Resource } from './helpers.js';

const PROJECT = 'shop-prod-4821';
const REGION = 'us-central1';
const selfLink = (path: string): string => `https://www.googleapis.com/compute/v1/projects/${PROJECT}/${path}`;

interface Base {
  s: StackExport;
  network: Resource;
  subnet: Resource;
  sa: Resource;
}

/** A provider for us-central1, a VPC network, a subnetwork, a firewall and a service account. */
function base(project = 'shop'): Base {
  const s = new StackExport(project, 'prod');
  s.provider('gcp', { project: PROJECT, region: REGION }, '8.10.0');
  const network = s.add('gcp:compute/network:Network', 'vpc', {
    id: `projects/${PROJECT}/global/networks/vpc-3f2a1b0`,
    inputs: { autoCreateSubnetworks: false, routingMode: 'REGIONAL' },
    outputs: { selfLink: selfLink('global/networks/vpc-3f2a1b0'), name: 'vpc-3f2a1b0', numericId: '4512345678901234567' },
  });
  const subnet = s.add('gcp:compute/subnetwork:Subnetwork', 'app-subnet', {
    id: `projects/${PROJECT}/regions/${REGION}/subnetworks/app-subnet-9c8d7e6`,
    inputs: { ipCidrRange: '10.10.0.0/20', region: REGION, network: network.ref(), privateIpGoogleAccess: true },
    outputs: { selfLink: selfLink(`regions/${REGION}/subnetworks/app-subnet-9c8d7e6`), gatewayAddress: '10.10.0.1', name: 'app-subnet-9c8d7e6' },
  });
  s.add('gcp:compute/firewall:Firewall', 'allow-lb', {
    id: `projects/${PROJECT}/global/firewalls/allow-lb-1a2b3c4`,
    inputs: {
      network: network.ref('selfLink'),
      direction: 'INGRESS',
      sourceRanges: ['35.191.0.0/16', '130.211.0.0/22'],
      allows: [{ protocol: 'tcp', ports: ['8080'] }],
    },
  });
  const sa = s.add('gcp:serviceaccount/account:Account', 'app-sa', {
    id: `projects/${PROJECT}/serviceAccounts/app@${PROJECT}.iam.gserviceaccount.com`,
    inputs: { accountId: 'app', displayName: 'app servers' },
    outputs: { email: `app@${PROJECT}.iam.gserviceaccount.com`, uniqueId: '109876543210987654321' },
  });
  return { s, network, subnet, sa };
}

/** An instance template whose startup metadata carries what the app connects to (so the dependency is recorded on it). */
function template(b: Base, name: string, connectsTo?: Resource): Resource {
  return b.s.add('gcp:compute/instanceTemplate:InstanceTemplate', name, {
    id: `projects/${PROJECT}/global/instanceTemplates/${name}-20260302091407`,
    inputs: {
      machineType: 'e2-standard-2',
      disks: [{ sourceImage: 'debian-cloud/debian-12', autoDelete: true, boot: true }],
      networkInterfaces: [{ network: b.network.ref(), subnetwork: b.subnet.ref() }],
      serviceAccount: { email: b.sa.ref('email'), scopes: ['cloud-platform'] },
      metadata: connectsTo ? { 'db-connection': connectsTo.ref('connectionName') } : { 'enable-oslogin': 'TRUE' },
    },
    outputs: {
      selfLink: selfLink(`global/instanceTemplates/${name}-20260302091407`),
      selfLinkUnique: selfLink(`global/instanceTemplates/${name}-20260302091407?uniqueId=123`),
    },
  });
}

/** A regional managed instance group over three zones of us-central1. */
function regionalMig(b: Base, name: string, tpl: Resource): Resource {
  const hc = b.s.add('gcp:compute/healthCheck:HealthCheck', `${name}-hc`, {
    id: `projects/${PROJECT}/global/healthChecks/${name}-hc`,
    inputs: { httpHealthCheck: { port: 8080, requestPath: '/healthz' }, checkIntervalSec: 10 },
    outputs: { selfLink: selfLink(`global/healthChecks/${name}-hc`) },
  });
  return b.s.add('gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager', name, {
    id: `projects/${PROJECT}/regions/${REGION}/instanceGroupManagers/${name}`,
    inputs: {
      baseInstanceName: name,
      region: REGION,
      targetSize: 3,
      versions: [{ instanceTemplate: tpl.ref('selfLinkUnique'), name: 'primary' }],
      autoHealingPolicies: { healthCheck: hc.ref(), initialDelaySec: 120 },
      distributionPolicyTargetShape: 'EVEN',
    },
    outputs: {
      distributionPolicyZones: ['us-central1-a', 'us-central1-b', 'us-central1-f'],
      instanceGroup: selfLink(`regions/${REGION}/instanceGroups/${name}`),
      selfLink: selfLink(`regions/${REGION}/instanceGroupManagers/${name}`),
      status: [{ isStable: true }],
    },
  });
}

/** A Cloud SQL for PostgreSQL instance, ZONAL in us-central1-c or REGIONAL. */
function sql(b: Base, name: string, availabilityType: 'ZONAL' | 'REGIONAL'): Resource {
  const db = b.s.add('gcp:sql/databaseInstance:DatabaseInstance', name, {
    id: name,
    inputs: {
      databaseVersion: 'POSTGRES_16',
      region: REGION,
      deletionProtection: true,
      settings: {
        tier: 'db-custom-2-7680',
        availabilityType,
        locationPreference: { zone: 'us-central1-c' },
        backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true },
        ipConfiguration: { ipv4Enabled: false, privateNetwork: b.network.ref() },
      },
    },
    outputs: {
      connectionName: `${PROJECT}:${REGION}:${name}`,
      gceZone: 'us-central1-c',
      selfLink: `https://sqladmin.googleapis.com/sql/v1beta4/projects/${PROJECT}/instances/${name}`,
      privateIpAddress: '10.20.0.3',
      serviceAccountEmailAddress: `p1234-abcd@gcp-sa-cloud-sql.iam.gserviceaccount.com`,
    },
  });
  b.s.add('gcp:sql/database:Database', `${name}-orders`, {
    id: `projects/${PROJECT}/instances/${name}/databases/orders`,
    inputs: { instance: db.ref('id'), name: 'orders' },
  });
  b.s.add('gcp:sql/user:User', `${name}-app`, {
    id: `app//${name}`,
    inputs: {
      instance: db.ref('id'),
      name: 'app',
      password: { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', ciphertext: 'v1:abc:def' },
    },
  });
  return db;
}

/** A GKE cluster at `location` (a zone or a region) with one node pool over `nodeLocations`. */
function gke(b: Base, location: string, nodeLocations: string[]): { cluster: Resource; pool: Resource } {
  const cluster = b.s.add('gcp:container/cluster:Cluster', 'main-gke', {
    id: `projects/${PROJECT}/locations/${location}/clusters/main-gke`,
    inputs: {
      location,
      initialNodeCount: 1,
      removeDefaultNodePool: true,
      network: b.network.ref('selfLink'),
      subnetwork: b.subnet.ref('selfLink'),
      releaseChannel: { channel: 'REGULAR' },
      deletionProtection: true,
    },
    outputs: {
      endpoint: '34.118.10.20',
      masterVersion: '1.30.5-gke.1014001',
      selfLink: `https://container.googleapis.com/v1/projects/${PROJECT}/locations/${location}/clusters/main-gke`,
      name: 'main-gke',
      nodeLocations: [],
    },
  });
  const pool = b.s.add('gcp:container/nodePool:NodePool', 'general', {
    id: `projects/${PROJECT}/locations/${location}/clusters/main-gke/nodePools/general`,
    inputs: {
      cluster: cluster.ref('name'),
      location,
      nodeLocations,
      autoscaling: { minNodeCount: 1, maxNodeCount: 5 },
      management: { autoRepair: true, autoUpgrade: true },
      nodeConfig: { machineType: 'e2-standard-4', serviceAccount: b.sa.ref('email'), oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'] },
    },
    outputs: {
      instanceGroupUrls: nodeLocations.map((z) => selfLink(`zones/${z}/instanceGroupManagers/gke-main-gke-general-${z.slice(-1)}`)),
      version: '1.30.5-gke.1014001',
    },
  });
  return { cluster, pool };
}

describe('gcp pack: configuration resources', () => {
  const b = base();
  template(b, 'web-tpl');
  b.s.add('gcp:compute/healthCheck:HealthCheck', 'web-hc', {
    id: `projects/${PROJECT}/global/healthChecks/web-hc`,
    inputs: { httpHealthCheck: { port: 8080 } },
  });
  b.s.add('gcp:projects/iAMMember:IAMMember', 'app-logs', {
    id: `${PROJECT}/roles/logging.logWriter/serviceAccount:app@${PROJECT}.iam.gserviceaccount.com`,
    inputs: { project: PROJECT, role: 'roles/logging.logWriter', member: `serviceAccount:app@${PROJECT}.iam.gserviceaccount.com` },
  });
  const file = b.s.write();

  it.each(['vpc', 'app-subnet', 'allow-lb', 'app-sa', 'web-tpl', 'web-hc', 'app-logs'])('%s is config-only: it never fails on its own', async (name) => {
    await expectConfigOnly(file, name, 'gcp/gcp-config-only');
  });

  it('leaves no blind spot and no component', async () => await expectNothingToJudge(file));
});

describe('gcp pack: instances and managed instance groups', () => {
  const b = base();
  b.s.add('gcp:compute/instance:Instance', 'bastion', {
    id: `projects/${PROJECT}/zones/us-central1-a/instances/bastion`,
    inputs: {
      machineType: 'e2-micro',
      zone: 'us-central1-a',
      bootDisk: { initializeParams: { image: 'debian-cloud/debian-12' } },
      networkInterfaces: [{ network: b.network.ref(), subnetwork: b.subnet.ref(), accessConfigs: [{}] }],
      allowStoppingForUpdate: true,
    },
    outputs: {
      instanceId: '5123456789012345678',
      selfLink: selfLink('zones/us-central1-a/instances/bastion'),
      currentStatus: 'RUNNING',
      cpuPlatform: 'Intel Broadwell',
    },
  });
  const tpl = template(b, 'batch-tpl');
  b.s.add('gcp:compute/instanceGroupManager:InstanceGroupManager', 'batch', {
    id: `projects/${PROJECT}/zones/us-central1-b/instanceGroupManagers/batch`,
    inputs: { baseInstanceName: 'batch', zone: 'us-central1-b', targetSize: 2, versions: [{ instanceTemplate: tpl.ref('selfLinkUnique') }] },
    outputs: { instanceGroup: selfLink('zones/us-central1-b/instanceGroups/batch'), selfLink: selfLink('zones/us-central1-b/instanceGroupManagers/batch') },
  });
  regionalMig(b, 'web', template(b, 'web-tpl'));
  const file = b.s.write();

  it('a Compute Engine instance is compute in its zone', async () => {
    const e = await explain(file, 'bastion');
    expect(ruleIds(e)).toEqual(['core/core-placement', 'gcp/gcp-compute-instance']);
    expect(e.result).toMatchObject({ role: 'compute', event: true, placedBy: 'its zone' });
    expect(placedIn(e)).toEqual(['gcp/us-central1/us-central1-a']);
    expect(e.blindSpots).toEqual([]);
  });

  it('a zonal managed instance group is managed compute in its zone', async () => {
    const e = await explain(file, 'batch');
    expect(ruleIds(e)).toEqual(['core/core-placement', 'gcp/gcp-instance-group-manager']);
    expect(e.result).toMatchObject({ role: 'compute', event: false });
    expect(placedIn(e)).toEqual(['gcp/us-central1/us-central1-b']);
  });

  it('a regional managed instance group spans its distribution policy zones', async () => {
    const e = await explain(file, 'web');
    expect(ruleIds(e)).toEqual(['core/core-placement', 'gcp/gcp-region-instance-group-manager']);
    expect(e.result).toMatchObject({ role: 'compute', event: false });
    expect(placedIn(e)).toEqual(['gcp/us-central1/us-central1-a', 'gcp/us-central1/us-central1-b', 'gcp/us-central1/us-central1-f']);
  });

  it("the lone instance, its zone and the zonal group's zone are single points; the regional group is not; no rule is missing", async () => {
    const report = await analyze(file);
    expect(singlePoints(report)).toEqual(['compute bastion', 'zone gcp/us-central1/us-central1-a', 'zone gcp/us-central1/us-central1-b']);
    expect(report.blindSpots).toEqual([]);
  });
});

describe('gcp pack: GKE clusters and node pools', () => {
  it('a zonal cluster lives in its zone: the zone is a single point even with nodes in two zones', async () => {
    const b = base();
    const { cluster } = gke(b, 'us-central1-a', ['us-central1-a', 'us-central1-b']);
    const file = b.s.write();
    const c = await explain(file, 'main-gke');
    expect(ruleIds(c)).toEqual(['core/core-placement', 'gcp/gcp-gke-cluster']);
    expect(c.result).toMatchObject({ role: 'compute', event: false });
    expect(placedIn(c)).toEqual(['gcp/us-central1/us-central1-a']);
    const p = await explain(file, 'general');
    expect(ruleIds(p)).toEqual(['core/core-placement', 'gcp/gcp-gke-node-pool', 'ops/gke-node-service-account']);
    expect(p.result).toMatchObject({ role: 'compute', event: false });
    expect(p.result.requires).toEqual([cluster.urn]);
    expect(placedIn(p)).toEqual(['gcp/us-central1/us-central1-a', 'gcp/us-central1/us-central1-b']);
    const report = await analyze(file);
    expect(singlePoints(report)).toEqual(['zone gcp/us-central1/us-central1-a']);
    expect(report.blindSpots).toEqual([]);
  });

  it('a regional cluster spans its region: no zone is a single point', async () => {
    const b = base();
    gke(b, REGION, ['us-central1-a', 'us-central1-b', 'us-central1-c']);
    const file = b.s.write();
    const c = await explain(file, 'main-gke');
    expect(c.result).toMatchObject({ placedBy: 'its region', event: false });
    expect(placedIn(c)).toEqual(['gcp/us-central1']);
    expect(placedIn(await explain(file, 'general'))).toEqual([
      'gcp/us-central1/us-central1-a',
      'gcp/us-central1/us-central1-b',
      'gcp/us-central1/us-central1-c',
    ]);
    const report = await analyze(file);
    expect(singlePoints(report)).toEqual([]);
    expect(report.blindSpots).toEqual([]);
  });

  it('a cluster with no location and no gcp:zone is still zonal, in a zone not known, never spread over the region (gcp-ts-gke-hello-world)', async () => {
    const b = base();
    b.s.add('gcp:container/cluster:Cluster', 'lab-gke', { inputs: { initialNodeCount: 1, removeDefaultNodePool: true } });
    const file = b.s.write();
    const c = await explain(file, 'lab-gke');
    expect(placedIn(c)).toEqual(['gcp/us-central1']);
    expect(c.result.placedBy).toBe("its provider's zone (gcp:zone), which has no value: one zone of us-central1");
    const report = await analyze(file);
    expect(report.blindSpots.map((x) => x.message)).toContainEqual(
      'lab-gke (gcp:container/cluster:Cluster) names no location, so its provider puts it in the zone gcp:zone names, which has no value: it lives in one zone that is not known; placed in region us-central1',
    );
  });

  it("a node pool of a zonal cluster without nodeLocations lives in the cluster's zone", async () => {
    const b = base();
    gke(b, 'us-central1-f', []);
    const p = await explain(b.s.write(), 'general');
    expect(placedIn(p)).toEqual(['gcp/us-central1/us-central1-f']);
    expect(p.blindSpots).toEqual([]);
  });
});

describe('gcp pack: Cloud SQL', () => {
  it('a ZONAL instance under a regional group: the instance and its zone are single points', async () => {
    const b = base();
    const db = sql(b, 'orders-sql', 'ZONAL');
    regionalMig(b, 'web', template(b, 'web-tpl', db));
    const file = b.s.write();
    const e = await explain(file, 'orders-sql');
    expect(ruleIds(e)).toEqual(['core/core-placement', 'gcp/gcp-sql-instance']);
    expect(e.merged.spans).toEqual([expect.objectContaining({ property: 'settings.availabilityType', holds: false })]);
    expect(e.result).toMatchObject({ role: 'datastore', event: true, placedBy: 'its zone' });
    expect(placedIn(e)).toEqual(['gcp/us-central1/us-central1-c']);
    // The group reaches the database through its instance template (config-only).
    expect((await explain(file, 'web')).result.requires).toEqual([db.urn]);
    for (const name of ['orders-sql-orders', 'orders-sql-app']) expect((await explain(file, name)).result.role).toBe('config-only');
    const report = await analyze(file);
    expect(singlePoints(report)).toEqual(['datastore orders-sql', 'zone gcp/us-central1/us-central1-c']);
    expect(report.blindSpots).toEqual([]);
  });

  it('a REGIONAL instance spans its region: no single point within the policy', async () => {
    const b = base();
    const db = sql(b, 'orders-sql', 'REGIONAL');
    regionalMig(b, 'web', template(b, 'web-tpl', db));
    const file = b.s.write();
    const e = await explain(file, 'orders-sql');
    expect(e.result).toMatchObject({ placedBy: 'settings.availabilityType = REGIONAL', event: false });
    expect(placedIn(e)).toEqual(['gcp/us-central1']);
    const report = await analyze(file);
    expect(singlePoints(report)).toEqual([]);
    expect(report.blindSpots).toEqual([]);
  });
});

describe('gcp pack: Spanner, Cloud Storage, Memorystore, Cloud DNS, Identity Platform, Cloud Run', () => {
  const b = base();
  const regional = b.s.add('gcp:spanner/instance:Instance', 'ledger', {
    id: `${PROJECT}/ledger`,
    inputs: { config: 'regional-us-central1', displayName: 'ledger', processingUnits: 1000 },
    outputs: { name: 'ledger', state: 'READY', numNodes: 1 },
  });
  b.s.add('gcp:spanner/database:Database', 'ledger-db', {
    id: `${PROJECT}/ledger/ledger-db`,
    inputs: { instance: regional.ref('name'), name: 'ledger-db', deletionProtection: true },
    outputs: { state: 'READY' },
  });
  b.s.add('gcp:spanner/instance:Instance', 'accounts', {
    id: `${PROJECT}/accounts`,
    inputs: { config: 'nam3', displayName: 'accounts', numNodes: 3 },
    outputs: { name: 'accounts', state: 'READY' },
  });
  b.s.add('gcp:spanner/instance:Instance', 'payments', {
    id: `${PROJECT}/payments`,
    inputs: { config: 'nam-eur-asia1', displayName: 'payments', processingUnits: 3000 },
    outputs: { name: 'payments', state: 'READY' },
  });
  b.s.add('gcp:storage/bucket:Bucket', 'media', {
    id: 'shop-media-5e4d3c2',
    inputs: { location: 'US', storageClass: 'STANDARD', uniformBucketLevelAccess: true },
    outputs: { name: 'shop-media-5e4d3c2', url: 'gs://shop-media-5e4d3c2', selfLink: 'https://www.googleapis.com/storage/v1/b/shop-media-5e4d3c2' },
  });
  // pulumi-gcp records a bucket's location in upper case.
  b.s.add('gcp:storage/bucket:Bucket', 'exports', {
    id: 'shop-exports-1a0b9c8',
    inputs: { location: 'us-central1', storageClass: 'STANDARD' },
    outputs: { location: 'US-CENTRAL1', name: 'shop-exports-1a0b9c8', url: 'gs://shop-exports-1a0b9c8' },
  });
  b.s.add('gcp:redis/instance:Instance', 'sessions', {
    id: `projects/${PROJECT}/locations/${REGION}/instances/sessions`,
    inputs: {
      tier: 'STANDARD_HA',
      memorySizeGb: 5,
      region: REGION,
      locationId: 'us-central1-a',
      alternativeLocationId: 'us-central1-b',
      authorizedNetwork: b.network.ref(),
      redisVersion: 'REDIS_7_2',
    },
    outputs: { host: '10.30.0.4', port: 6379, currentLocationId: 'us-central1-a' },
  });
  b.s.add('gcp:redis/instance:Instance', 'rate-limits', {
    id: `projects/${PROJECT}/locations/${REGION}/instances/rate-limits`,
    inputs: { tier: 'BASIC', memorySizeGb: 1, region: REGION, authorizedNetwork: b.network.ref(), redisVersion: 'REDIS_7_2' },
    outputs: { locationId: 'us-central1-b', currentLocationId: 'us-central1-b', host: '10.30.0.12', port: 6379 },
  });
  const zone = b.s.add('gcp:dns/managedZone:ManagedZone', 'shop-zone', {
    id: `projects/${PROJECT}/managedZones/shop-zone`,
    inputs: { dnsName: 'shop.example.com.', visibility: 'public', description: 'shop' },
    outputs: { name: 'shop-zone', managedZoneId: 1234567890123456, nameServers: ['ns-cloud-a1.googledomains.com.'] },
  });
  b.s.add('gcp:dns/recordSet:RecordSet', 'www', {
    id: `projects/${PROJECT}/managedZones/shop-zone/rrsets/www.shop.example.com./A`,
    inputs: { managedZone: zone.ref('name'), name: 'www.shop.example.com.', type: 'A', ttl: 300, rrdatas: ['34.120.1.2'] },
  });
  b.s.add('gcp:identityplatform/config:Config', 'identity', {
    id: `projects/${PROJECT}/config`,
    inputs: { signIn: { email: { enabled: true, passwordRequired: true } }, authorizedDomains: ['shop.example.com'], autodeleteAnonymousUsers: true },
    outputs: { name: `projects/${PROJECT}/config` },
  });
  b.s.add('gcp:identityplatform/tenant:Tenant', 'partners', {
    id: `projects/${PROJECT}/tenants/partners-4k2j`,
    inputs: { displayName: 'partners', allowPasswordSignup: true },
    outputs: { name: 'partners-4k2j' },
  });
  b.s.add('gcp:cloudrunv2/service:Service', 'api', {
    id: `projects/${PROJECT}/locations/${REGION}/services/api`,
    inputs: {
      location: REGION,
      ingress: 'INGRESS_TRAFFIC_ALL',
      template: { containers: [{ image: 'us-docker.pkg.dev/shop/api:1.4.2' }], serviceAccount: b.sa.ref('email') },
    },
    outputs: { uri: 'https://api-abcdefghij-uc.a.run.app', uid: '3b1c5d7e-0000-4000-8000-123456789abc' },
  });
  const file = b.s.write();

  it("a regional Spanner instance is a managed datastore in the provider's region (the region of its config is not read)", async () => {
    const e = await explain(file, 'ledger');
    expect(ruleIds(e)).toEqual(['core/core-placement', 'gcp/gcp-spanner-instance']);
    expect(e.result).toMatchObject({ role: 'datastore', event: false, placedBy: 'its region' });
    expect(placedIn(e)).toEqual(['gcp/us-central1']);
    expect((await explain(file, 'ledger-db')).result.role).toBe('config-only');
  });

  it.each(['accounts', 'payments'])('a multi-region Spanner instance (%s) survives its region', async (name) => {
    const e = await explain(file, name);
    expect(ruleIds(e)).toEqual(['core/core-placement', 'gcp/gcp-spanner-instance', 'gcp/gcp-spanner-multi-region']);
    expect(e.result).toMatchObject({ role: 'datastore', event: false, placedBy: 'a global service' });
    expect(placedIn(e)).toEqual(['gcp']);
  });

  it('a multi-region bucket survives its region', async () => {
    const e = await explain(file, 'media');
    expect(ruleIds(e)).toEqual(['core/core-placement', 'gcp/gcp-storage-bucket']);
    expect(e.result).toMatchObject({ role: 'datastore', event: false, placedBy: 'location = US' });
    expect(placedIn(e)).toEqual(['gcp']);
  });

  it('a regional bucket is placed in its region, whatever the case the provider records it in', async () => {
    const e = await explain(file, 'exports');
    expect(e.result).toMatchObject({ role: 'datastore', event: false, placedBy: 'its region' });
    expect(placedIn(e)).toEqual(['gcp/us-central1']);
  });

  it('a STANDARD_HA Memorystore instance spans its region; a BASIC one lives in its zone', async () => {
    const ha = await explain(file, 'sessions');
    expect(ruleIds(ha)).toEqual(['core/core-placement', 'gcp/gcp-redis-instance']);
    expect(ha.result).toMatchObject({ role: 'datastore', event: false, placedBy: 'tier = STANDARD_HA' });
    expect(placedIn(ha)).toEqual(['gcp/us-central1']);
    const basic = await explain(file, 'rate-limits');
    expect(basic.result).toMatchObject({ role: 'datastore', event: true, placedBy: 'its zone' });
    expect(placedIn(basic)).toEqual(['gcp/us-central1/us-central1-b']);
  });

  it.each(['shop-zone', 'www'])('Cloud DNS %s is a global network path', async (name) => {
    const e = await explain(file, name);
    expect(ruleIds(e).at(-1)).toBe('gcp/gcp-dns');
    expect(e.result).toMatchObject({ role: 'network-path', event: false, placedBy: 'a global service' });
    expect(placedIn(e)).toEqual(['gcp']);
  });

  it('Identity Platform is a global identity service; a tenant configures it', async () => {
    const e = await explain(file, 'identity');
    expect(ruleIds(e)).toEqual(['core/core-placement', 'gcp/gcp-config-only', 'gcp/gcp-identity-platform']);
    expect(e.result).toMatchObject({ role: 'identity', event: false, placedBy: 'a global service' });
    expect(placedIn(e)).toEqual(['gcp']);
    expect((await explain(file, 'partners')).result).toMatchObject({ role: 'config-only', failable: false });
  });

  it('Cloud Run is regional managed compute', async () => {
    const e = await explain(file, 'api');
    expect(ruleIds(e).at(-1)).toBe('gcp/gcp-regional-managed');
    expect(e.result).toMatchObject({ role: 'compute', event: false, placedBy: 'its region' });
    expect(placedIn(e)).toEqual(['gcp/us-central1']);
  });

  it('only the BASIC cache and its zone are single points; no rule is missing', async () => {
    const report = await analyze(file);
    expect(singlePoints(report)).toEqual(['datastore rate-limits', 'zone gcp/us-central1/us-central1-b']);
    expect(noRule(report)).toEqual([]);
    expect(report.blindSpots).toEqual([]);
  });
});

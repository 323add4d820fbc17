/**
 * The built-in aws pack (rules/aws.yaml) on realistic pulumi-aws resources:
 * what each rule decides (role, placement) through `rules explain`, and what
 * that makes of a small stack through `analyze`.
 */
import { describe, expect, it } from 'vitest';
import { analyze, expectConfigOnly, expectNothingToJudge, explain, noRule, placedIn, ruleIds, singlePoints, StackExport, type Resource } from './helpers.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const arn = (service: string, rest: string): string => `arn:aws:${service}:${REGION}:${ACCOUNT}:${rest}`;

interface Network {
  s: StackExport;
  vpc: Resource;
  privateA: Resource;
  privateB: Resource;
  privateC: Resource;
  publicA: Resource;
  publicB: Resource;
  publicC: Resource;
  sg: Resource;
}

/** A provider in us-east-1, a VPC with a private and a public subnet in each of three zones, a security group. */
function network(project = 'shop'): Network {
  const s = new StackExport(project, 'prod');
  s.provider('aws', { region: REGION, skipCredentialsValidation: 'false' });
  const vpc = s.add('aws:ec2/vpc:Vpc', 'main', {
    id: 'vpc-0a1b2c3d4e5f60718',
    inputs: { cidrBlock: '10.0.0.0/16', enableDnsHostnames: true, tags: { Name: 'main' } },
    outputs: { arn: arn('ec2', 'vpc/vpc-0a1b2c3d4e5f60718'), defaultSecurityGroupId: 'sg-0d0d0d0d0d0d0d0d0', mainRouteTableId: 'rtb-0e0e0e0e0e0e0e0e0' },
  });
  const subnet = (name: string, id: string, cidr: string, zone: string, zoneId: string): Resource =>
    s.add('aws:ec2/subnet:Subnet', name, {
      id,
      inputs: { vpcId: vpc.ref(), cidrBlock: cidr, availabilityZone: zone, tags: { Name: name } },
      outputs: { arn: arn('ec2', `subnet/${id}`), availabilityZoneId: zoneId, mapPublicIpOnLaunch: name.startsWith('public') },
    });
  const privateA = subnet('private-a', 'subnet-0aa11aa11aa11aa11', '10.0.10.0/24', 'us-east-1a', 'use1-az1');
  const privateB = subnet('private-b', 'subnet-0bb22bb22bb22bb22', '10.0.11.0/24', 'us-east-1b', 'use1-az2');
  const privateC = subnet('private-c', 'subnet-0cc33cc33cc33cc33', '10.0.12.0/24', 'us-east-1c', 'use1-az4');
  const publicA = subnet('public-a', 'subnet-0dd44dd44dd44dd44', '10.0.0.0/24', 'us-east-1a', 'use1-az1');
  const publicB = subnet('public-b', 'subnet-0ee55ee55ee55ee55', '10.0.1.0/24', 'us-east-1b', 'use1-az2');
  const publicC = subnet('public-c', 'subnet-0ff66ff66ff66ff66', '10.0.2.0/24', 'us-east-1c', 'use1-az4');
  const sg = s.add('aws:ec2/securityGroup:SecurityGroup', 'app-sg', {
    id: 'sg-0123456789abcdef0',
    inputs: {
      vpcId: vpc.ref(),
      description: 'app servers',
      ingress: [{ protocol: 'tcp', fromPort: 8080, toPort: 8080, cidrBlocks: ['10.0.0.0/16'] }],
      egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'] }],
    },
    outputs: { arn: arn('ec2', 'security-group/sg-0123456789abcdef0'), ownerId: ACCOUNT },
  });
  return { s, vpc, privateA, privateB, privateC, publicA, publicB, publicC, sg };
}

/** An auto scaling group over the given subnets (as pulumi-aws records it: availabilityZones computed from them unless told otherwise). */
function asg(n: Network, name: string, subnets: Resource[], opts: { computedZones?: boolean; dependsOn?: Resource[] } = {}): Resource {
  const role = n.s.add('aws:iam/role:Role', `${name}-role`, {
    id: `${name}-role`,
    inputs: {
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    },
    outputs: { arn: `arn:aws:iam::${ACCOUNT}:role/${name}-role`, uniqueId: 'AROAEXAMPLE1234567890' },
  });
  const profile = n.s.add('aws:iam/instanceProfile:InstanceProfile', `${name}-profile`, {
    id: `${name}-profile`,
    inputs: { role: role.ref('id') },
    outputs: { arn: `arn:aws:iam::${ACCOUNT}:instance-profile/${name}-profile` },
  });
  const lt = n.s.add('aws:ec2/launchTemplate:LaunchTemplate', `${name}-lt`, {
    id: 'lt-0abc1234def567890',
    inputs: {
      imageId: 'ami-0c02fb55956c7d316',
      instanceType: 't3.medium',
      vpcSecurityGroupIds: [n.sg.ref()],
      iamInstanceProfile: { arn: profile.ref('arn') },
      userData: 'IyEvYmluL2Jhc2gK',
    },
    outputs: { arn: arn('ec2', 'launch-template/lt-0abc1234def567890'), latestVersion: 3, defaultVersion: 1 },
  });
  const zones = subnets.map((x) => x.outputs.availabilityZone as string);
  return n.s.add('aws:autoscaling/group:Group', name, {
    id: name,
    inputs: {
      vpcZoneIdentifiers: subnets.map((x) => x.ref()),
      minSize: 2,
      maxSize: 6,
      desiredCapacity: 2,
      healthCheckType: 'ELB',
      launchTemplate: { id: lt.ref(), version: '$Latest' },
      tags: [{ key: 'Name', value: name, propagateAtLaunch: true }],
    },
    outputs: {
      arn: `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:0f0e0d0c-1111-2222-3333-444455556666:autoScalingGroupName/${name}`,
      ...(opts.computedZones === false ? {} : { availabilityZones: zones }),
    },
    ...(opts.dependsOn ? { dependsOn: opts.dependsOn } : {}),
  });
}

/** An RDS PostgreSQL instance, single-AZ in us-east-1a or Multi-AZ. */
function rds(n: Network, name: string, multiAz: boolean): Resource {
  const subnets = n.s.add('aws:rds/subnetGroup:SubnetGroup', `${name}-subnets`, {
    id: `${name}-subnets`,
    inputs: { subnetIds: [n.privateA.ref(), n.privateB.ref(), n.privateC.ref()] },
    outputs: { arn: arn('rds', `subgrp:${name}-subnets`), vpcId: n.vpc.id },
  });
  return n.s.add('aws:rds/instance:Instance', name, {
    id: `db-ABCDEFGHIJKLMNOPQRSTUVWX${name.length}`,
    inputs: {
      engine: 'postgres',
      engineVersion: '16.3',
      instanceClass: 'db.r6g.large',
      allocatedStorage: 100,
      multiAz,
      dbSubnetGroupName: subnets.ref('id'),
      vpcSecurityGroupIds: [n.sg.ref()],
      username: 'shop',
      password: { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', ciphertext: 'v1:abc:def' },
      skipFinalSnapshot: false,
    },
    outputs: {
      arn: arn('rds', `db:${name}`),
      availabilityZone: 'us-east-1a',
      endpoint: `${name}.c9akciq32.us-east-1.rds.amazonaws.com:5432`,
      address: `${name}.c9akciq32.us-east-1.rds.amazonaws.com`,
      identifier: name,
      // pulumi-aws keeps the standby's zone to itself: only the primary's zone is recorded.
      secondaryAvailabilityZone: multiAz ? 'us-east-1b' : null,
    },
  });
}

/** An app tier (an ASG over two zones) that reads a database: the dependency goes through the launch template's userData. */
function appOver(n: Network, db: Resource, subnets = [n.privateA, n.privateB]): Resource {
  const lt = n.s.add('aws:ec2/launchTemplate:LaunchTemplate', 'app-lt', {
    id: 'lt-0feedfacecafe0001',
    inputs: { imageId: 'ami-0c02fb55956c7d316', instanceType: 't3.medium', vpcSecurityGroupIds: [n.sg.ref()], userData: db.ref('endpoint') },
    outputs: { arn: arn('ec2', 'launch-template/lt-0feedfacecafe0001'), latestVersion: 1 },
  });
  return n.s.add('aws:autoscaling/group:Group', 'app', {
    id: 'app',
    inputs: { vpcZoneIdentifiers: subnets.map((x) => x.ref()), minSize: 2, maxSize: 4, launchTemplate: { id: lt.ref(), version: '$Latest' } },
    outputs: {
      arn: `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:1:autoScalingGroupName/app`,
      availabilityZones: subnets.map((x) => x.outputs.availabilityZone),
    },
  });
}

describe('aws pack: configuration resources', () => {
  const n = network();
  const role = n.s.add('aws:iam/role:Role', 'web-role', {
    id: 'web-role',
    inputs: { assumeRolePolicy: '{"Version":"2012-10-17","Statement":[]}' },
    outputs: { arn: `arn:aws:iam::${ACCOUNT}:role/web-role` },
  });
  n.s.add('aws:iam/rolePolicyAttachment:RolePolicyAttachment', 'web-ssm', {
    id: 'web-role-20260302091407',
    inputs: { role: role.ref('id'), policyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' },
  });
  n.s.add('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule', 'https-in', {
    id: 'sgr-0a1b2c3d4e5f67890',
    inputs: { securityGroupId: n.sg.ref(), cidrIpv4: '0.0.0.0/0', fromPort: 443, toPort: 443, ipProtocol: 'tcp' },
  });
  n.s.add('aws:ec2/securityGroupRule:SecurityGroupRule', 'ssh-in', {
    id: 'sgrule-1234567890',
    inputs: { type: 'ingress', securityGroupId: n.sg.ref(), cidrBlocks: ['10.0.0.0/8'], fromPort: 22, toPort: 22, protocol: 'tcp' },
  });
  n.s.add('aws:ec2/launchTemplate:LaunchTemplate', 'web-lt', {
    id: 'lt-0abc1234def567890',
    inputs: { imageId: 'ami-0c02fb55956c7d316', instanceType: 't3.small', vpcSecurityGroupIds: [n.sg.ref()] },
    outputs: { arn: arn('ec2', 'launch-template/lt-0abc1234def567890'), latestVersion: 1 },
  });
  const file = n.s.write();

  it.each([
    ['web-role', 'aws/aws-config-only'],
    ['web-ssm', 'aws/aws-config-only'],
    ['app-sg', 'aws/aws-config-only'],
    ['https-in', 'aws/aws-config-only'],
    ['ssh-in', 'aws/aws-config-only'],
    ['private-a', 'aws/aws-config-only'],
    ['main', 'aws/aws-config-only'],
    ['web-lt', 'aws/aws-launch-template'],
  ])('%s is config-only (%s): it never fails on its own', async (name, rule) => {
    await expectConfigOnly(file, name, rule);
  });

  it('leaves no blind spot and no component', async () => await expectNothingToJudge(file));
});

describe('aws pack: EC2 instances and EBS volumes', () => {
  const n = network();
  n.s.add('aws:ec2/instance:Instance', 'bastion', {
    id: 'i-0123456789abcdef0',
    inputs: { ami: 'ami-0c02fb55956c7d316', instanceType: 't3.micro', subnetId: n.publicB.ref(), vpcSecurityGroupIds: [n.sg.ref()] },
    outputs: { arn: arn('ec2', 'instance/i-0123456789abcdef0'), availabilityZone: 'us-east-1b', privateIp: '10.0.1.17', instanceState: 'running' },
  });
  // Before the first apply (or in a hand-written export) only the subnet says where it is.
  n.s.add('aws:ec2/instance:Instance', 'worker', {
    id: 'i-0fedcba9876543210',
    inputs: { ami: 'ami-0c02fb55956c7d316', instanceType: 't3.micro', subnetId: n.privateC.ref() },
  });
  n.s.add('aws:ebs/volume:Volume', 'bastion-data', {
    id: 'vol-0a1b2c3d4e5f60718',
    inputs: { availabilityZone: 'us-east-1b', size: 50, type: 'gp3', encrypted: true },
    outputs: { arn: arn('ec2', 'volume/vol-0a1b2c3d4e5f60718'), iops: 3000, throughput: 125 },
  });
  const file = n.s.write();

  it('an instance is compute in the zone it reports', async () => {
    const e = await explain(file, 'bastion');
    expect(ruleIds(e)).toEqual(['core/core-placement', 'aws/aws-ec2-instance']);
    expect(e.result).toMatchObject({ role: 'compute', event: true, placedBy: 'its zone' });
    expect(placedIn(e)).toEqual(['aws/us-east-1/us-east-1b']);
    expect(e.blindSpots).toEqual([]);
  });

  it('an instance without availabilityZone takes the zone of its subnet', async () => {
    const e = await explain(file, 'worker');
    expect(placedIn(e)).toEqual(['aws/us-east-1/us-east-1c']);
    expect(e.blindSpots).toEqual([]);
  });

  it('an EBS volume is a datastore in its zone', async () => {
    const e = await explain(file, 'bastion-data');
    expect(ruleIds(e)).toContain('aws/aws-ebs-volume');
    expect(e.result).toMatchObject({ role: 'datastore', event: true });
    expect(placedIn(e)).toEqual(['aws/us-east-1/us-east-1b']);
  });

  it('no rule is missing', async () => {
    expect((await analyze(file)).blindSpots).toEqual([]);
  });
});

describe('aws pack: auto scaling groups and RDS', () => {
  it('an ASG spans the zones of its vpcZoneIdentifiers (followed through the subnets when availabilityZones is not recorded)', async () => {
    const n = network();
    asg(n, 'web', [n.privateA, n.privateB], { computedZones: false });
    const file = n.s.write();
    const e = await explain(file, 'web');
    expect(ruleIds(e)).toEqual(['core/core-placement', 'aws/aws-autoscaling-group']);
    expect(e.result).toMatchObject({ role: 'compute', event: false });
    expect(placedIn(e)).toEqual(['aws/us-east-1/us-east-1a', 'aws/us-east-1/us-east-1b']);
    expect(e.blindSpots).toEqual([]);
    for (const name of ['web-lt', 'web-role', 'web-profile']) expect((await explain(file, name)).result.role).toBe('config-only');
  });

  it('an ASG with computed availabilityZones is placed in them', async () => {
    const n = network();
    asg(n, 'web', [n.privateA, n.privateB, n.privateC]);
    const e = await explain(n.s.write(), 'web');
    expect(placedIn(e)).toEqual(['aws/us-east-1/us-east-1a', 'aws/us-east-1/us-east-1b', 'aws/us-east-1/us-east-1c']);
  });

  it('a single-AZ RDS instance under an ASG over two zones: its zone and itself are single points', async () => {
    const n = network();
    const db = rds(n, 'orders-db', false);
    appOver(n, db);
    const file = n.s.write();
    const e = await explain(file, 'orders-db');
    expect(e.result).toMatchObject({ role: 'datastore', event: true, placedBy: 'its zone' });
    expect(placedIn(e)).toEqual(['aws/us-east-1/us-east-1a']);
    // The app reaches the database through its launch template (config-only).
    expect((await explain(file, 'app')).result.requires).toEqual([db.urn]);
    const report = await analyze(file);
    expect(singlePoints(report)).toEqual(['datastore orders-db', 'zone aws/us-east-1/us-east-1a']);
    expect(report.blindSpots).toEqual([]);
  });

  it('a Multi-AZ RDS instance spans its region: no single point within the policy', async () => {
    const n = network();
    const db = rds(n, 'orders-db', true);
    appOver(n, db);
    const file = n.s.write();
    const e = await explain(file, 'orders-db');
    expect(e.merged.spans).toEqual([expect.objectContaining({ property: 'multiAz', holds: true })]);
    expect(e.result).toMatchObject({ placedBy: 'multiAz = true', event: false });
    expect(placedIn(e)).toEqual(['aws/us-east-1']);
    const report = await analyze(file);
    expect(singlePoints(report)).toEqual([]);
    expect(report.blindSpots).toEqual([]);
  });

  it('an ASG over one subnet makes its zone a single point', async () => {
    const n = network();
    asg(n, 'web', [n.privateB]);
    const report = await analyze(n.s.write());
    expect(singlePoints(report)).toEqual(['zone aws/us-east-1/us-east-1b']);
  });
});

describe('aws pack: load balancers and NAT gateways', () => {
  const n = network();
  const eip = n.s.add('aws:ec2/eip:Eip', 'nat-eip', {
    id: 'eipalloc-0a1b2c3d4e5f60718',
    inputs: { domain: 'vpc' },
    outputs: { publicIp: '203.0.113.10', allocationId: 'eipalloc-0a1b2c3d4e5f60718' },
  });
  const nat = n.s.add('aws:ec2/natGateway:NatGateway', 'nat', {
    id: 'nat-0a1b2c3d4e5f60718',
    inputs: { subnetId: n.publicA.ref(), allocationId: eip.ref(), connectivityType: 'public' },
    outputs: { networkInterfaceId: 'eni-0a1b2c3d4e5f60718', privateIp: '10.0.0.44', publicIp: '203.0.113.10' },
  });
  n.s.add('aws:ec2/routeTable:RouteTable', 'private-routes', {
    id: 'rtb-0a1b2c3d4e5f60718',
    inputs: { vpcId: n.vpc.ref(), routes: [{ cidrBlock: '0.0.0.0/0', natGatewayId: nat.ref() }] },
  });
  // App servers call out through the NAT gateway: a dependency written down with dependsOn.
  asg(n, 'app', [n.privateA, n.privateB, n.privateC], { dependsOn: [nat] });
  n.s.add('aws:lb/loadBalancer:LoadBalancer', 'web-alb', {
    id: arn('elasticloadbalancing', 'loadbalancer/app/web-alb/50dc6c495c0c9188'),
    inputs: { loadBalancerType: 'application', internal: false, subnets: [n.publicA.ref(), n.publicB.ref(), n.publicC.ref()], securityGroups: [n.sg.ref()] },
    outputs: {
      arn: arn('elasticloadbalancing', 'loadbalancer/app/web-alb/50dc6c495c0c9188'),
      dnsName: 'web-alb-1234567890.us-east-1.elb.amazonaws.com',
      zoneId: 'Z35SXDOTRQ7X7K',
      vpcId: n.vpc.id,
    },
  });
  n.s.add('aws:lb/loadBalancer:LoadBalancer', 'edge-nlb', {
    id: arn('elasticloadbalancing', 'loadbalancer/net/edge-nlb/8a4f2c1e9b7d6e5f'),
    inputs: {
      loadBalancerType: 'network',
      subnetMappings: [
        { subnetId: n.publicA.ref(), allocationId: 'eipalloc-0aaaaaaaaaaaaaaa1' },
        { subnetId: n.publicB.ref(), allocationId: 'eipalloc-0aaaaaaaaaaaaaaa2' },
      ],
    },
    outputs: {
      arn: arn('elasticloadbalancing', 'loadbalancer/net/edge-nlb/8a4f2c1e9b7d6e5f'),
      dnsName: 'edge-nlb-8a4f2c1e9b7d6e5f.elb.us-east-1.amazonaws.com',
    },
  });
  // Subnet ids written into the program (no property dependency): read through subnetMappings[*].subnetId.
  n.s.add('aws:lb/loadBalancer:LoadBalancer', 'partner-nlb', {
    id: arn('elasticloadbalancing', 'loadbalancer/net/partner-nlb/1c2d3e4f5a6b7c8d'),
    inputs: {
      loadBalancerType: 'network',
      internal: true,
      subnetMappings: [{ subnetId: n.privateB.id }, { subnetId: n.privateC.id, privateIpv4Address: '10.0.12.10' }],
    },
    outputs: { arn: arn('elasticloadbalancing', 'loadbalancer/net/partner-nlb/1c2d3e4f5a6b7c8d') },
  });
  n.s.add('aws:elb/loadBalancer:LoadBalancer', 'legacy-elb', {
    id: 'legacy-elb',
    inputs: { availabilityZones: ['us-east-1a', 'us-east-1c'], listeners: [{ instancePort: 8080, instanceProtocol: 'http', lbPort: 80, lbProtocol: 'http' }] },
    outputs: { arn: arn('elasticloadbalancing', 'loadbalancer/legacy-elb'), dnsName: 'legacy-elb-1234.us-east-1.elb.amazonaws.com' },
  });
  const file = n.s.write();

  it('an ALB is a managed network path over the zones of its subnets', async () => {
    const e = await explain(file, 'web-alb');
    expect(ruleIds(e)).toEqual(['core/core-placement', 'aws/aws-load-balancer']);
    expect(e.result).toMatchObject({ role: 'network-path', event: false });
    expect(placedIn(e)).toEqual(['aws/us-east-1/us-east-1a', 'aws/us-east-1/us-east-1b', 'aws/us-east-1/us-east-1c']);
    expect(e.blindSpots).toEqual([]);
  });

  it('an NLB with subnetMappings takes their zones from its property dependencies', async () => {
    const e = await explain(file, 'edge-nlb');
    expect(placedIn(e)).toEqual(['aws/us-east-1/us-east-1a', 'aws/us-east-1/us-east-1b']);
  });

  it('an NLB with subnetMappings by id takes the zones of those subnets', async () => {
    const e = await explain(file, 'partner-nlb');
    expect(placedIn(e)).toEqual(['aws/us-east-1/us-east-1b', 'aws/us-east-1/us-east-1c']);
  });

  it('a classic ELB is placed in its availabilityZones', async () => {
    const e = await explain(file, 'legacy-elb');
    expect(e.result.role).toBe('network-path');
    expect(placedIn(e)).toEqual(['aws/us-east-1/us-east-1a', 'aws/us-east-1/us-east-1c']);
  });

  it('a NAT gateway is a network path in the zone of its subnet', async () => {
    const e = await explain(file, 'nat');
    expect(ruleIds(e)).toEqual(['core/core-placement', 'aws/aws-nat-gateway']);
    expect(e.result).toMatchObject({ role: 'network-path', event: true, placedBy: 'its zone' });
    expect(placedIn(e)).toEqual(['aws/us-east-1/us-east-1a']);
  });

  it('the single NAT gateway and its zone are the single points of an app over three zones', async () => {
    const report = await analyze(file);
    expect(singlePoints(report)).toEqual(['network-path nat', 'zone aws/us-east-1/us-east-1a']);
    expect(noRule(report)).toEqual([]);
    expect(report.blindSpots).toEqual([]);
  });
});

describe('aws pack: Aurora, ElastiCache and DynamoDB', () => {
  const n = network();
  const cluster = n.s.add('aws:rds/cluster:Cluster', 'orders', {
    id: 'orders',
    inputs: {
      engine: 'aurora-postgresql',
      engineVersion: '16.2',
      masterUsername: 'shop',
      manageMasterUserPassword: true,
      dbSubnetGroupName: 'orders-subnets',
      storageEncrypted: true,
    },
    outputs: {
      arn: arn('rds', 'cluster:orders'),
      availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
      endpoint: 'orders.cluster-c9akciq32.us-east-1.rds.amazonaws.com',
      readerEndpoint: 'orders.cluster-ro-c9akciq32.us-east-1.rds.amazonaws.com',
      clusterMembers: ['orders-1', 'orders-2'],
    },
  });
  for (const [i, zone] of [
    [1, 'us-east-1a'],
    [2, 'us-east-1b'],
  ] as const) {
    n.s.add('aws:rds/clusterInstance:ClusterInstance', `orders-${i}`, {
      id: `orders-${i}`,
      inputs: { clusterIdentifier: cluster.ref(), instanceClass: 'db.r6g.large', engine: 'aurora-postgresql', identifier: `orders-${i}` },
      outputs: { arn: arn('rds', `db:orders-${i}`), availabilityZone: zone, writer: i === 1, endpoint: `orders-${i}.c9akciq32.us-east-1.rds.amazonaws.com` },
    });
  }
  // A cluster recorded before AWS filled in its zones.
  n.s.add('aws:rds/cluster:Cluster', 'reports', {
    id: 'reports',
    inputs: { engine: 'aurora-mysql', masterUsername: 'reports' },
    outputs: { arn: arn('rds', 'cluster:reports'), endpoint: 'reports.cluster-c9akciq32.us-east-1.rds.amazonaws.com' },
  });
  const cacheSubnets = n.s.add('aws:elasticache/subnetGroup:SubnetGroup', 'cache-subnets', {
    id: 'cache-subnets',
    inputs: { subnetIds: [n.privateA.ref(), n.privateB.ref()] },
  });
  n.s.add('aws:elasticache/replicationGroup:ReplicationGroup', 'sessions', {
    id: 'sessions',
    inputs: {
      description: 'web sessions',
      engine: 'redis',
      nodeType: 'cache.r7g.large',
      numCacheClusters: 2,
      automaticFailoverEnabled: true,
      multiAzEnabled: true,
      subnetGroupName: cacheSubnets.ref('id'),
      preferredCacheClusterAzs: ['us-east-1a', 'us-east-1b'],
    },
    outputs: {
      arn: arn('elasticache', 'replicationgroup:sessions'),
      primaryEndpointAddress: 'master.sessions.abc123.use1.cache.amazonaws.com',
      memberClusters: ['sessions-001', 'sessions-002'],
    },
  });
  n.s.add('aws:elasticache/replicationGroup:ReplicationGroup', 'rate-limits', {
    id: 'rate-limits',
    inputs: {
      description: 'rate limits',
      engine: 'redis',
      nodeType: 'cache.t4g.small',
      numCacheClusters: 2,
      automaticFailoverEnabled: false,
      multiAzEnabled: false,
      subnetGroupName: cacheSubnets.ref('id'),
      preferredCacheClusterAzs: ['us-east-1b', 'us-east-1a'],
    },
    outputs: { arn: arn('elasticache', 'replicationgroup:rate-limits'), primaryEndpointAddress: 'master.rate-limits.abc123.use1.cache.amazonaws.com' },
  });
  n.s.add('aws:elasticache/replicationGroup:ReplicationGroup', 'feeds', {
    id: 'feeds',
    inputs: {
      description: 'feeds (cluster mode)',
      engine: 'redis',
      nodeType: 'cache.r7g.large',
      numNodeGroups: 3,
      replicasPerNodeGroup: 1,
      automaticFailoverEnabled: true,
      subnetGroupName: cacheSubnets.ref('id'),
      preferredCacheClusterAzs: ['us-east-1c'],
    },
    outputs: { arn: arn('elasticache', 'replicationgroup:feeds'), configurationEndpointAddress: 'feeds.abc123.clustercfg.use1.cache.amazonaws.com' },
  });
  n.s.add('aws:elasticache/replicationGroup:ReplicationGroup', 'lone-primary', {
    id: 'lone-primary',
    inputs: {
      description: 'failover asked for, nothing to fail over to',
      engine: 'redis',
      nodeType: 'cache.t4g.small',
      numCacheClusters: 1,
      automaticFailoverEnabled: true,
      subnetGroupName: cacheSubnets.ref('id'),
      preferredCacheClusterAzs: ['us-east-1c'],
    },
    outputs: { arn: arn('elasticache', 'replicationgroup:lone-primary'), primaryEndpointAddress: 'master.lone-primary.abc123.use1.cache.amazonaws.com' },
  });
  n.s.add('aws:elasticache/cluster:Cluster', 'fragments', {
    id: 'fragments',
    inputs: { engine: 'memcached', nodeType: 'cache.t4g.small', numCacheNodes: 1, availabilityZone: 'us-east-1c', subnetGroupName: cacheSubnets.ref('id') },
    outputs: { arn: arn('elasticache', 'cluster:fragments'), clusterAddress: 'fragments.abc123.cfg.use1.cache.amazonaws.com' },
  });
  n.s.add('aws:dynamodb/table:Table', 'carts', {
    id: 'carts',
    inputs: {
      billingMode: 'PAY_PER_REQUEST',
      hashKey: 'cartId',
      attributes: [{ name: 'cartId', type: 'S' }],
      streamEnabled: true,
      streamViewType: 'NEW_AND_OLD_IMAGES',
      replicas: [{ regionName: 'us-west-2' }, { regionName: 'eu-west-1' }],
    },
    outputs: { arn: arn('dynamodb', 'table/carts'), streamArn: arn('dynamodb', 'table/carts/stream/2026-03-02T09:14:07.120') },
  });
  n.s.add('aws:dynamodb/table:Table', 'stock', {
    id: 'stock',
    inputs: {
      billingMode: 'PROVISIONED',
      readCapacity: 20,
      writeCapacity: 10,
      hashKey: 'sku',
      attributes: [{ name: 'sku', type: 'S' }],
      pointInTimeRecovery: { enabled: true },
    },
    outputs: { arn: arn('dynamodb', 'table/stock'), replicas: [] },
  });
  const file = n.s.write();

  it('an Aurora cluster spans its availabilityZones', async () => {
    const e = await explain(file, 'orders');
    expect(ruleIds(e)).toEqual(['core/core-placement', 'aws/aws-rds-cluster']);
    expect(e.result).toMatchObject({ role: 'datastore', event: false });
    expect(placedIn(e)).toEqual(['aws/us-east-1/us-east-1a', 'aws/us-east-1/us-east-1b', 'aws/us-east-1/us-east-1c']);
  });

  it('an Aurora cluster whose zones are not recorded is placed in its region', async () => {
    const e = await explain(file, 'reports');
    expect(e.result).toMatchObject({ placedBy: 'its region', event: false });
    expect(placedIn(e)).toEqual(['aws/us-east-1']);
    expect(e.blindSpots).toEqual([]);
  });

  it('Aurora cluster instances are zonal replicas of one group', async () => {
    const e = await explain(file, 'orders-2');
    expect(ruleIds(e)).toContain('aws/aws-rds-cluster-instance');
    expect(e.result).toMatchObject({ role: 'datastore', event: true, group: 'shop/orders' });
    expect(placedIn(e)).toEqual(['aws/us-east-1/us-east-1b']);
  });

  it('a replication group with Multi-AZ spans its region', async () => {
    const e = await explain(file, 'sessions');
    expect(ruleIds(e)).toEqual(['core/core-placement', 'aws/aws-elasticache-replication-group']);
    expect(e.result).toMatchObject({ role: 'datastore', event: false, placedBy: 'automaticFailoverEnabled = true' });
    expect(placedIn(e)).toEqual(['aws/us-east-1']);
  });

  it("a replication group without failover lives in its primary's zone (the first preferred zone)", async () => {
    const e = await explain(file, 'rate-limits');
    expect(e.merged.spans.map((s) => s.holds)).toEqual([false, false, false, false]);
    expect(e.result).toMatchObject({ event: true, placedBy: 'its zone' });
    expect(placedIn(e)).toEqual(['aws/us-east-1/us-east-1b']);
  });

  it('a cluster-mode group with a replica per shard spans its region; failover with one node does not', async () => {
    expect(placedIn(await explain(file, 'feeds'))).toEqual(['aws/us-east-1']);
    const lone = await explain(file, 'lone-primary');
    expect(lone.merged.spans.map((s) => s.holds)).toEqual([false, false, false, false]);
    expect(placedIn(lone)).toEqual(['aws/us-east-1/us-east-1c']);
  });

  it('a memcached cluster sits in its zone', async () => {
    const e = await explain(file, 'fragments');
    expect(ruleIds(e)).toContain('aws/aws-elasticache-cluster');
    expect(placedIn(e)).toEqual(['aws/us-east-1/us-east-1c']);
  });

  it('a DynamoDB table is a regional managed datastore', async () => {
    const e = await explain(file, 'stock');
    expect(ruleIds(e)).toEqual(['core/core-placement', 'aws/aws-dynamodb-table']);
    expect(e.result).toMatchObject({ role: 'datastore', event: false, placedBy: 'its region' });
    expect(placedIn(e)).toEqual(['aws/us-east-1']);
  });

  it('a DynamoDB global table (replicas in other regions) survives its region: placed under the provider as a whole', async () => {
    const e = await explain(file, 'carts');
    expect(ruleIds(e)).toEqual(['core/core-placement', 'aws/aws-dynamodb-table', 'aws/aws-dynamodb-global-table']);
    expect(e.result).toMatchObject({ role: 'datastore', event: false, placedBy: 'a global service' });
    expect(placedIn(e)).toEqual(['aws']);
  });

  it('the Aurora cluster and its two instances in two zones are no single point; the lone cache nodes (one without a replica to fail over to) and their zones are; no rule is missing', async () => {
    const report = await analyze(file);
    expect(singlePoints(report)).toEqual([
      'datastore fragments',
      'datastore lone-primary',
      'datastore rate-limits',
      'zone aws/us-east-1/us-east-1b',
      'zone aws/us-east-1/us-east-1c',
    ]);
    expect(report.blindSpots).toEqual([]);
  });
});

describe('aws pack: S3, Lambda, Cognito, Route 53 and regional services', () => {
  const n = network();
  const bucket = n.s.add('aws:s3/bucketV2:BucketV2', 'assets', {
    id: 'assets-7f3a9c1',
    inputs: { bucketPrefix: 'assets-', forceDestroy: false },
    outputs: {
      arn: 'arn:aws:s3:::assets-7f3a9c1',
      bucket: 'assets-7f3a9c1',
      region: REGION,
      bucketRegionalDomainName: 'assets-7f3a9c1.s3.us-east-1.amazonaws.com',
    },
  });
  n.s.add('aws:s3/bucketVersioningV2:BucketVersioningV2', 'assets-versioning', {
    id: 'assets-7f3a9c1',
    inputs: { bucket: bucket.ref(), versioningConfiguration: { status: 'Enabled' } },
  });
  n.s.add('aws:s3/bucketPolicy:BucketPolicy', 'assets-policy', {
    id: 'assets-7f3a9c1',
    inputs: { bucket: bucket.ref(), policy: '{"Version":"2012-10-17","Statement":[]}' },
  });
  n.s.add('aws:s3/bucket:Bucket', 'logs', {
    id: 'logs-2b8e4d0',
    inputs: { acl: 'private' },
    outputs: { arn: 'arn:aws:s3:::logs-2b8e4d0', bucket: 'logs-2b8e4d0', region: REGION },
  });
  const lambdaRole = n.s.add('aws:iam/role:Role', 'fn-role', {
    id: 'fn-role',
    inputs: { assumeRolePolicy: '{"Version":"2012-10-17","Statement":[]}' },
    outputs: { arn: `arn:aws:iam::${ACCOUNT}:role/fn-role` },
  });
  n.s.add('aws:lambda/function:Function', 'thumbnails', {
    id: 'thumbnails-1a2b3c4',
    inputs: {
      role: lambdaRole.ref('arn'),
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      memorySize: 512,
      environment: { variables: { BUCKET: bucket.ref('bucket') } },
    },
    outputs: {
      arn: arn('lambda', 'function:thumbnails-1a2b3c4'),
      invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn('lambda', 'function:thumbnails-1a2b3c4')}/invocations`,
      version: '$LATEST',
    },
  });
  n.s.add('aws:lambda/function:Function', 'ledger-sync', {
    id: 'ledger-sync-9f8e7d6',
    inputs: {
      role: lambdaRole.ref('arn'),
      runtime: 'python3.12',
      handler: 'main.handler',
      vpcConfig: { subnetIds: [n.privateA.ref(), n.privateB.ref()], securityGroupIds: [n.sg.ref()] },
    },
    outputs: { arn: arn('lambda', 'function:ledger-sync-9f8e7d6'), version: '$LATEST' },
  });
  n.s.add('aws:lambda/permission:Permission', 'thumbnails-from-s3', {
    id: 'AllowExecutionFromS3',
    inputs: { action: 'lambda:InvokeFunction', function: 'thumbnails-1a2b3c4', principal: 's3.amazonaws.com', sourceArn: bucket.ref('arn') },
  });
  n.s.add('aws:sqs/queue:Queue', 'jobs', {
    id: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/jobs-4c5d6e7`,
    inputs: { visibilityTimeoutSeconds: 60 },
    outputs: { arn: arn('sqs', 'jobs-4c5d6e7'), url: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/jobs-4c5d6e7` },
  });
  const pool = n.s.add('aws:cognito/userPool:UserPool', 'customers', {
    id: 'us-east-1_AbCdEfGhI',
    inputs: { autoVerifiedAttributes: ['email'], mfaConfiguration: 'OPTIONAL' },
    outputs: { arn: arn('cognito-idp', 'userpool/us-east-1_AbCdEfGhI'), endpoint: 'cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI' },
  });
  n.s.add('aws:cognito/userPoolClient:UserPoolClient', 'web-client', {
    id: '1example23456789',
    inputs: { userPoolId: pool.ref(), generateSecret: false, explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
  });
  const zone = n.s.add('aws:route53/zone:Zone', 'shop-zone', {
    id: 'Z0123456789ABCDEFGHIJ',
    inputs: { name: 'shop.example.com' },
    outputs: { arn: 'arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ', zoneId: 'Z0123456789ABCDEFGHIJ', nameServers: ['ns-1.awsdns-01.org'] },
  });
  n.s.add('aws:route53/record:Record', 'www', {
    id: 'Z0123456789ABCDEFGHIJ_www.shop.example.com_CNAME',
    inputs: { zoneId: zone.ref('zoneId'), name: 'www.shop.example.com', type: 'CNAME', ttl: 300, records: ['d111111abcdef8.cloudfront.net'] },
    outputs: { fqdn: 'www.shop.example.com' },
  });
  n.s.add('aws:route53/resolverEndpoint:ResolverEndpoint', 'onprem-dns', {
    id: 'rslvr-out-0a1b2c3d4e5f67890',
    inputs: { direction: 'OUTBOUND', securityGroupIds: [n.sg.ref()], ipAddresses: [{ subnetId: n.privateA.ref() }, { subnetId: n.privateB.ref() }] },
    outputs: { arn: arn('route53resolver', 'resolver-endpoint/rslvr-out-0a1b2c3d4e5f67890'), hostVpcId: n.vpc.id },
  });
  const file = n.s.write();

  it.each([
    ['assets', 'datastore', 'aws/aws-s3-bucket'],
    ['logs', 'datastore', 'aws/aws-s3-bucket'],
    ['thumbnails', 'compute', 'aws/aws-lambda-function'],
    ['jobs', 'datastore', 'aws/aws-regional-managed'],
    ['customers', 'identity', 'aws/aws-cognito'],
  ])('%s is a regional managed %s (%s)', async (name, role, rule) => {
    const e = await explain(file, name);
    expect(ruleIds(e).at(-1)).toBe(rule);
    expect(e.result).toMatchObject({ role, event: false, placedBy: 'its region' });
    expect(placedIn(e)).toEqual(['aws/us-east-1']);
    expect(e.blindSpots).toEqual([]);
  });

  it.each(['assets-versioning', 'assets-policy', 'thumbnails-from-s3', 'web-client'])('%s configures and is config-only', async (name) => {
    expect((await explain(file, name)).result).toMatchObject({ role: 'config-only', failable: false });
  });

  it('a Lambda function inside a VPC is placed in the zones of its subnets', async () => {
    const e = await explain(file, 'ledger-sync');
    expect(e.result).toMatchObject({ role: 'compute', event: false });
    expect(placedIn(e)).toEqual(['aws/us-east-1/us-east-1a', 'aws/us-east-1/us-east-1b']);
  });

  it.each(['shop-zone', 'www'])('Route 53 %s is a global network path', async (name) => {
    const e = await explain(file, name);
    expect(ruleIds(e).at(-1)).toBe('aws/aws-route53');
    expect(e.result).toMatchObject({ role: 'network-path', event: false, placedBy: 'a global service' });
    expect(placedIn(e)).toEqual(['aws']);
  });

  it('a Route 53 Resolver endpoint is regional, over the zones of the subnets in ipAddresses', async () => {
    const e = await explain(file, 'onprem-dns');
    expect(ruleIds(e).at(-1)).toBe('aws/aws-route53-resolver-endpoint');
    expect(placedIn(e)).toEqual(['aws/us-east-1/us-east-1a', 'aws/us-east-1/us-east-1b']);
  });

  it('nothing within a zone can take these down; no rule is missing', async () => {
    const report = await analyze(file);
    expect(singlePoints(report)).toEqual([]);
    expect(report.blindSpots).toEqual([]);
  });
});

describe('aws pack: EKS and ECS', () => {
  const n = network();
  const clusterRole = n.s.add('aws:iam/role:Role', 'eks-role', {
    id: 'eks-role',
    inputs: { assumeRolePolicy: '{"Version":"2012-10-17","Statement":[]}' },
    outputs: { arn: `arn:aws:iam::${ACCOUNT}:role/eks-role` },
  });
  const eks = n.s.add('aws:eks/cluster:Cluster', 'main-eks', {
    id: 'main-eks',
    inputs: {
      roleArn: clusterRole.ref('arn'),
      version: '1.30',
      vpcConfig: { subnetIds: [n.privateA.ref(), n.privateB.ref(), n.privateC.ref()], endpointPrivateAccess: true, endpointPublicAccess: false },
    },
    outputs: {
      arn: arn('eks', 'cluster/main-eks'),
      endpoint: 'https://ABCDEF0123456789.gr7.us-east-1.eks.amazonaws.com',
      platformVersion: 'eks.8',
      status: 'ACTIVE',
    },
  });
  n.s.add('aws:eks/nodeGroup:NodeGroup', 'general', {
    id: 'main-eks:general',
    inputs: {
      clusterName: eks.ref('id'),
      nodeRoleArn: clusterRole.ref('arn'),
      subnetIds: [n.privateA.ref(), n.privateB.ref(), n.privateC.ref()],
      scalingConfig: { desiredSize: 3, minSize: 3, maxSize: 6 },
      instanceTypes: ['m6i.large'],
    },
    outputs: {
      arn: arn('eks', 'nodegroup/main-eks/general/5ec8a2b4'),
      status: 'ACTIVE',
      resources: [{ autoscalingGroups: [{ name: 'eks-general-5ec8a2b4' }] }],
    },
  });
  n.s.add('aws:eks/nodeGroup:NodeGroup', 'gpu', {
    id: 'main-eks:gpu',
    inputs: {
      clusterName: eks.ref('id'),
      nodeRoleArn: clusterRole.ref('arn'),
      subnetIds: [n.privateC.ref()],
      scalingConfig: { desiredSize: 1, minSize: 1, maxSize: 2 },
      instanceTypes: ['g5.xlarge'],
    },
    outputs: { arn: arn('eks', 'nodegroup/main-eks/gpu/7ab1c3d5'), status: 'ACTIVE' },
  });
  const ecs = n.s.add('aws:ecs/cluster:Cluster', 'services', {
    id: arn('ecs', 'cluster/services'),
    inputs: { settings: [{ name: 'containerInsights', value: 'enabled' }] },
    outputs: { arn: arn('ecs', 'cluster/services'), name: 'services' },
  });
  const task = n.s.add('aws:ecs/taskDefinition:TaskDefinition', 'api-task', {
    id: 'api-task',
    inputs: {
      family: 'api',
      cpu: '512',
      memory: '1024',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      containerDefinitions: '[{"name":"api","image":"api:1.4.2"}]',
    },
    outputs: { arn: arn('ecs', 'task-definition/api:7'), revision: 7 },
  });
  n.s.add('aws:ecs/service:Service', 'api', {
    id: arn('ecs', 'service/services/api'),
    inputs: {
      cluster: ecs.ref('arn'),
      taskDefinition: task.ref('arn'),
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: { subnets: [n.privateA.ref(), n.privateB.ref()], securityGroups: [n.sg.ref()], assignPublicIp: false },
    },
    outputs: { name: 'api' },
  });
  const file = n.s.write();

  it('an EKS cluster is a regional managed control plane', async () => {
    const e = await explain(file, 'main-eks');
    expect(ruleIds(e)).toEqual(['core/core-placement', 'aws/aws-eks-cluster', 'ops/eks-cluster-role']);
    expect(e.result).toMatchObject({ role: 'compute', event: false, placedBy: 'its region' });
    expect(placedIn(e)).toEqual(['aws/us-east-1']);
  });

  it('an EKS node group spans the zones of its subnets and requires its cluster', async () => {
    const e = await explain(file, 'general');
    expect(ruleIds(e)).toEqual(['core/core-placement', 'aws/aws-eks-node-group']);
    expect(e.result).toMatchObject({ role: 'compute', event: false });
    expect(e.result.requires).toEqual([eks.urn]);
    expect(placedIn(e)).toEqual(['aws/us-east-1/us-east-1a', 'aws/us-east-1/us-east-1b', 'aws/us-east-1/us-east-1c']);
  });

  it('an ECS cluster is a regional managed control plane; a Fargate service spans the zones of its subnets', async () => {
    const c = await explain(file, 'services');
    expect(c.result).toMatchObject({ role: 'compute', event: false });
    expect(placedIn(c)).toEqual(['aws/us-east-1']);
    const e = await explain(file, 'api');
    expect(ruleIds(e)).toEqual(['core/core-placement', 'aws/aws-ecs-service']);
    expect(e.result).toMatchObject({ role: 'compute', event: false });
    expect(e.result.requires).toEqual([ecs.urn]);
    expect(placedIn(e)).toEqual(['aws/us-east-1/us-east-1a', 'aws/us-east-1/us-east-1b']);
    expect((await explain(file, 'api-task')).result.role).toBe('config-only');
  });

  it('a node group in one subnet makes its zone a single point, and with minSize 1 itself too; no rule is missing', async () => {
    const report = await analyze(file);
    expect(singlePoints(report)).toEqual(['compute gpu', 'zone aws/us-east-1/us-east-1c']);
    expect(report.blindSpots).toEqual([]);
  });
});

/** rules/core.yaml on realistic resources: what never fails on its own. */
import { describe, expect, it } from 'vitest';
import { analyze, expectConfigOnly, noRule, StackExport } from './helpers.js';

describe('core pack', () => {
  const s = new StackExport('web', 'prod');
  s.provider('aws', { region: 'us-east-1' });
  s.provider('command', {}, '1.2.1');
  s.provider('pulumi', {}, '3.245.0');
  const server = s.add('aws:ec2/instance:Instance', 'web-server', { inputs: { instanceType: 't3.small', availabilityZone: 'us-east-1a' }, outputs: { publicIp: '54.12.0.7' } });
  s.add('command:remote:Command', 'install-nginx', { inputs: { create: 'sudo apt-get install -y nginx', connection: { host: server.ref('publicIp') } } });
  s.add('command:local:Command', 'run-playbook', { inputs: { create: 'ansible-playbook site.yml' }, dependsOn: [server] });
  s.add('pulumi:pulumi:StackReference', 'network', { inputs: { name: 'acme/network/prod' }, outputs: { outputs: { vpcId: 'vpc-0abc' } } });
  const file = s.write();

  it.each([
    ['install-nginx', 'core/core-provisioning-commands'],
    ['run-playbook', 'core/core-provisioning-commands'],
    ['network', 'core/core-stack-reference'],
  ])('%s is config-only (%s)', async (name, rule) => await expectConfigOnly(file, name, rule));

  it('leaves the instance as the only component: provisioning commands are not services of their own', async () => {
    const report = await analyze(file);
    expect(noRule(report)).toEqual([]);
    expect(report.summary.components).toBe(1);
  });
});

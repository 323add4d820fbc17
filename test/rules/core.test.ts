/** rules/core.yaml on realistic resources: what never fails on its own. */
import { describe, expect, it } from 'vitest';
import { analyze, expectConfigOnly, explain, noRule, StackExport } from './helpers.js';

describe('core pack', () => {
  const s = new StackExport('web', 'prod');
  s.provider('aws', { region: 'us-east-1' });
  s.provider('command', {}, '1.2.1');
  s.provider('pulumi', {}, '3.245.0');
  const server = s.add('aws:ec2/instance:Instance', 'web-server', {
    inputs: { instanceType: 't3.small', availabilityZone: 'us-east-1a' },
    outputs: { publicIp: '54.12.0.7' },
  });
  s.add('command:remote:Command', 'install-nginx', { inputs: { create: 'sudo apt-get install -y nginx', connection: { host: server.ref('publicIp') } } });
  s.add('command:local:Command', 'run-playbook', { inputs: { create: 'ansible-playbook site.yml' }, dependsOn: [server] });
  s.add('pulumi:pulumi:StackReference', 'network', { inputs: { name: 'acme/network/prod' }, outputs: { outputs: { vpcId: 'vpc-0abc' } } });
  const file = s.write();

  it.each([['network', 'core/core-stack-reference']])('%s is config-only (%s)', async (name, rule) => await expectConfigOnly(file, name, rule));

  it.each(['install-nginx', 'run-playbook'])('%s: the core rule matches; the ops pack makes it a tool of the operator workstation', async (name) => {
    const e = await explain(file, name);
    expect(e.rules.map((r) => `${r.pack}/${r.id}`)).toEqual(expect.arrayContaining(['core/core-provisioning-commands', 'ops/workstation-commands']));
    expect(e.result).toMatchObject({ role: 'ops-tool', failable: true, placedBy: 'rule domain workstation=operator-workstation' });
  });

  it('the commands are no run-time requirement of the instance: the instance requires neither', async () => {
    const report = await analyze(file);
    expect(noRule(report)).toEqual([]);
    expect(report.summary.components).toBe(3);
    const web = await explain(file, 'web-server');
    expect(web.result.requires).toEqual([]);
  });
});

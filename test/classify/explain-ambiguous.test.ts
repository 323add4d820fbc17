/** `rules explain` of a name several resources share (aws-ts-eks-hello-world names a cluster, a Deployment and a Service alike). */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { StackExport } from '../rules/helpers.js';

describe('rules explain of a name several resources share', () => {
  it('lists their URNs on one line (exit 2), with no escaped newline', async () => {
    const s = new StackExport('hello', 'dev');
    s.provider('aws', { region: 'us-west-2' }, '7.23.0');
    s.add('aws:ec2/instance:Instance', 'helloworld', { inputs: { availabilityZone: 'us-west-2a' } });
    s.add('aws:ecs/service:Service', 'helloworld', { inputs: { desiredCount: 1 } });
    const r = await runCli(['rules', 'explain', 'helloworld', s.write()]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain('\\x0a');
    expect(r.stderr).toContain(
      '"helloworld" names 2 resources; give one URN: urn:pulumi:dev::hello::aws:ec2/instance:Instance::helloworld, urn:pulumi:dev::hello::aws:ecs/service:Service::helloworld',
    );
  });
});

/** The single-point-of-failure finding kind on a small hand-built topology, through the whole analysis: there with the pattern, gone when it is fixed. */
import { describe, expect, it } from 'vitest';
import { C, D, G } from '../../helpers/model-builder.js';
import { analyze, of, region } from './helpers.js';
import { runCli } from '../../helpers/cli.js';
import { StackExport } from '../../rules/helpers.js';

describe('single-point-of-failure', () => {
  const topology = (dbPlaces: string[]) =>
    region()
      .component('w1', { placedIn: ['r1/a'], requires: ['db'] })
      .component('w2', { placedIn: ['r1/b'], requires: ['db'] })
      .component('db', { placedIn: dbPlaces, role: 'datastore' })
      .group('web', 1, ['w1', 'w2'])
      .service('shop', ['web']);

  it('names the zone of the single-zone database, with the path, and the database itself', () => {
    const findings = of(analyze(topology(['r1/a'])), 'single-point-of-failure');
    const zone = findings.find((f) => f.event.id === D('r1/a'))!;
    expect(zone.severity).toBe('high');
    expect(zone.affected[0]!.path.map((s) => s.node)).toEqual(['service:shop', G('web'), C('w2'), C('db'), D('r1/a')]);
    expect(findings.find((f) => f.event.id === C('db'))?.severity).toBe('high');
    expect(findings.some((f) => f.event.id === D('r1/b'))).toBe(false);
    expect(findings.find((f) => f.event.id === D('r1'))?.severity).toBe('info');
  });

  it('has no zone-level finding once the database spans two zones', () => {
    const findings = of(analyze(topology(['r1/a', 'r1/b'])), 'single-point-of-failure');
    expect(findings.filter((f) => f.event.kind === 'domain' && f.inPolicy)).toEqual([]);
  });
});

describe('single-point-of-failure messages of components that share a name', () => {
  /** As aws-ts-eks-hello-world names its cluster, Deployment and Service all `helloworld`. */
  const stack = (): string => {
    const s = new StackExport('hello', 'dev');
    s.provider('aws', { region: 'us-west-2' }, '7.23.0');
    s.add('aws:ec2/instance:Instance', 'helloworld', { inputs: { instanceType: 't3.micro', availabilityZone: 'us-west-2a' } });
    s.add('aws:ecs/service:Service', 'helloworld', { inputs: { desiredCount: 1, launchType: 'FARGATE' } });
    s.add('aws:ec2/instance:Instance', 'bastion', { inputs: { instanceType: 't3.micro', availabilityZone: 'us-west-2b' } });
    return s.write();
  };

  it("add the type's last part to a shared name, and keep a unique one and the event's name plain", async () => {
    const r = await runCli(['analyze', stack(), '--format', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { findings: Array<{ message: string; event: { kind: string; name: string } }> };
    const messages = doc.findings.filter((f) => f.event.kind === 'component').map((f) => f.message);
    expect(messages).toContainEqual(expect.stringMatching(/^Losing compute helloworld \(Instance\) takes down/));
    expect(messages).toContainEqual(expect.stringMatching(/^Losing compute helloworld \(Service\) takes down/));
    expect(messages).toContainEqual(expect.stringMatching(/^Losing compute bastion takes down/));
    expect(doc.findings.filter((f) => f.event.name === 'helloworld')).toHaveLength(2);
  });
});

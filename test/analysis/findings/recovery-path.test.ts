/** The recovery-path finding kind on a small hand-built topology, through the whole analysis: there with the pattern, gone when it is fixed. */
import { describe, expect, it } from 'vitest';
import { C, D, G } from '../../helpers/model-builder.js';
import { analyze, of, region } from './helpers.js';
import { runCli } from '../../helpers/cli.js';
import { StackExport } from '../../rules/helpers.js';

describe('recovery-path', () => {
  const topology = (consoles: string[][]) => {
    const spec = region()
      .component('app-1', { placedIn: ['r1/a'] })
      .component('app-2', { placedIn: ['r1/b'] });
    consoles.forEach((places, i) => spec.component(`console-${i}`, { placedIn: places, role: 'ops-tool' }));
    return spec
      .group(
        'console',
        1,
        consoles.map((_, i) => `console-${i}`),
      )
      .group('app', 1, ['app-1', 'app-2'], ['console'])
      .service('talk', ['app']);
  };

  it('reports the zone that holds every recovery tool, naming the tools and the stranded service', () => {
    const result = analyze(topology([['r1/a']]));
    const found = of(result, 'recovery-path');
    // The zone, and the lone console itself.
    expect(found.map((x) => x.event.id).sort()).toEqual([C('console-0'), D('r1/a')]);
    const f = found.find((x) => x.event.id === D('r1/a'));
    expect(f!.message).toMatch(/talk/);
    expect(f!.evidence!.nodes).toContain(G('console'));
    expect(f!.evidence!.events.map((e) => e.id)).toContain(D('r1/a'));
    // The zone strands talk: its runtime survives, its failover does not.
    const spof = of(result, 'single-point-of-failure').find((x) => x.event.id === D('r1/a'))!;
    expect(spof.affected[0]!.state).toBe('stranded');
  });

  it('is gone when a console sits in another zone too', () => {
    expect(of(analyze(topology([['r1/a'], ['r1/b']])), 'recovery-path')).toEqual([]);
  });

  describe('a lone component', () => {
    const lone = (toolDomain: string, kind?: string) =>
      (kind ? region().domain(toolDomain, kind) : region())
        .component('db', { placedIn: ['r1/a'] })
        .component('deploy', { placedIn: [toolDomain], role: 'ops-tool' })
        .recoversWith('db', C('deploy'))
        .service('talk', ['db']);

    it("losing the operator's machine, which alone can rebuild it, is a recovery-path finding", () => {
      const found = of(analyze(lone('r1/laptop', 'workstation')), 'recovery-path');
      expect(found.map((x) => x.event.id)).toEqual([D('r1/laptop')]);
      expect(found[0]!.message).toMatch(/^Rebuilding db needs deploy on the machine that ran `pulumi up`/);
    });

    it('losing another zone that holds its tools is no finding: it is hurt only if it fails too (two events)', () => {
      expect(of(analyze(lone('r1/b')), 'recovery-path')).toEqual([]);
    });
  });
});

describe('recovery-path messages of components that share a name', () => {
  /** As aws-ts-k8s-voting-app names an awsx ECR Image and the Deployment that runs it alike. */
  const stack = (): string => {
    const s = new StackExport('voting', 'dev');
    s.provider('aws', { region: 'us-west-2' }, '7.23.0');
    s.provider('awsx', {}, '2.22.0');
    const repo = s.add('aws:ecr/repository:Repository', 'repository', {
      inputs: { forceDelete: true },
      outputs: { repositoryUrl: '123456789012.dkr.ecr.us-west-2.amazonaws.com/api' },
    });
    const image = s.add('awsx:ecr:Image', 'api', {
      inputs: { repositoryUrl: repo.ref('repositoryUrl'), context: './api' },
      outputs: { imageUri: 'repo/api:1' },
    });
    s.add('aws:ecs/service:Service', 'api', { inputs: { desiredCount: 1, launchType: 'FARGATE', taskDefinition: image.ref('imageUri') } });
    return s.write();
  };

  it("names the rebuilt component and the image build with their types' last part", async () => {
    const r = await runCli(['analyze', stack(), '--format', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { findings: Array<{ message: string }> };
    const messages = doc.findings.map((f) => f.message);
    expect(messages).toContainEqual(expect.stringMatching(/^Rebuilding api \(Service\) needs an image build \(api \(Image\)\) on the machine/));
    // A name no other component has stays plain.
    expect(messages).toContainEqual(expect.stringMatching(/^Rebuilding repository needs an image build \(api \(Image\)\)/));
  });
});

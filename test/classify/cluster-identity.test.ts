/**
 * A workload on a cluster no resource of the inputs is: the cluster behind its
 * provider is named by the rule's `runsOn.cluster` (name inputs, then config
 * inputs), never by a property name the code knows.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/classify/index.js';
import { loadRuleSet, parsePack } from '../../src/classify/packs.js';
import type { ResourceRecord, StackInput } from '../../src/ingest/types.js';
import { exportInput, record } from '../helpers/records.js';

const input = (resources: ResourceRecord[]): StackInput => exportInput(resources);

function placedIn(packs: ReturnType<typeof loadRuleSet>, providerType: string, providerInputs: Record<string, string>, type: string): string[] {
  const provider = record(providerType, 'prod-cluster', { inputs: providerInputs });
  const app = record(type, 'app', { provider: provider.urn, inputs: { spec: { replicas: 3 } } });
  const c = classify([input([provider, app])], packs);
  return c.resources.find((r) => r.record.name === 'app')!.placements.map((p) => p.map((s) => s.name).join('/'));
}

describe('the cluster behind a provider', () => {
  it("is named by the kubernetes pack's config input (kubeconfig) when no context is set", () => {
    const placements = placedIn(loadRuleSet(), 'pulumi:providers:kubernetes', { kubeconfig: '{"apiVersion":"v1"}' }, 'kubernetes:apps/v1:Deployment');
    expect(placements).toEqual(['kubernetes/kubeconfig of prod-cluster']);
  });

  it('is the ambient kubeconfig when the provider sets neither', () => {
    expect(placedIn(loadRuleSet(), 'pulumi:providers:kubernetes', {}, 'kubernetes:apps/v1:Deployment')).toEqual(['kubernetes/ambient kubeconfig']);
  });

  it("is named by a pack's own config input: the code knows no property name of a provider", () => {
    const pack = parsePack(
      [
        'pack: nomad',
        'description: Nomad jobs run on the cluster their provider addresses.',
        'providers:',
        '  - { package: nomad, domain: nomad }',
        'rules:',
        '  - id: nomad-job',
        '    info: A job runs on its cluster.',
        '    match: { type: ["nomad:index/job:Job"] }',
        '    role: compute',
        '    runsOn:',
        '      via: ["$provider.address"]',
        '      cluster: { kind: cluster, name: [region], config: [address] }',
      ].join('\n'),
      'nomad.yaml',
    );
    const packs = [...loadRuleSet(), pack];
    expect(placedIn(packs, 'pulumi:providers:nomad', { address: 'https://nomad.internal:4646' }, 'nomad:index/job:Job')).toEqual([
      'nomad/address of prod-cluster',
    ]);
    // A kubeconfig input means nothing to a pack that does not list it.
    expect(placedIn(packs, 'pulumi:providers:nomad', { kubeconfig: 'x' }, 'nomad:index/job:Job')).toEqual(['nomad/ambient config']);
  });
});

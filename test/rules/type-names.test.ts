/**
 * Type names as Pulumi knows them (src/classify/type-names.ts with the table
 * in rules/type-names.yaml and the generated packs): renamed modules, moved
 * types, API versions and YAML short forms match the same rules as the
 * canonical token.
 */
import { describe, expect, it } from 'vitest';
import { Classifier } from '../../src/classify/index.js';
import { loadRuleSet } from '../../src/classify/packs.js';
import { TypeNameTable } from '../../src/classify/type-names.js';

const classifier = new Classifier(loadRuleSet());
const ids = (type: string): string[] =>
  classifier
    .matchingRules(type)
    .filter((m) => !m.catchAll)
    .map((m) => `${m.pack}/${m.rule.id}`);

describe('type names', () => {
  it.each([
    ['aws:elasticloadbalancingv2/loadBalancer:LoadBalancer', 'aws:lb/loadBalancer:LoadBalancer'],
    ['aws:applicationloadbalancing/loadBalancer:LoadBalancer', 'aws:alb/loadBalancer:LoadBalancer'],
    ['aws:elasticloadbalancing/loadBalancer:LoadBalancer', 'aws:elb/loadBalancer:LoadBalancer'],
    ['aws:s3:Bucket', 'aws:s3/bucket:Bucket'],
    ['aws:ec2:Instance', 'aws:ec2/instance:Instance'],
    ['azure-native:web/v20220301:WebApp', 'azure-native:web:WebApp'],
    ['azure-native:web:ContainerApp', 'azure-native:app:ContainerApp'],
    ['azure-native:app/v20230501:ContainerApp', 'azure-native:app:ContainerApp'],
    ['kubernetes:apps/v1beta2:StatefulSet', 'kubernetes:apps/v1:StatefulSet'],
    ['kubernetes:extensions/v1beta1:Deployment', 'kubernetes:apps/v1:Deployment'],
    ['google-native:compute/v1:Instance', 'google-native:compute/beta:Instance'],
    // Pulumi YAML's pkg:Type is pkg:index:Type (pulumi-yaml's token resolution).
    ['digitalocean:SpacesBucket', 'digitalocean:index/spacesBucket:SpacesBucket'],
    ['docker:RegistryImage', 'docker:index/registryImage:RegistryImage'],
    ['eks:Cluster', 'eks:index:Cluster'],
  ])('%s matches the rules of %s', (alias, canonical) => {
    const want = ids(canonical);
    expect(want.length, `${canonical} has rules`).toBeGreaterThan(0);
    expect(ids(alias)).toEqual(expect.arrayContaining(want));
  });

  it('an unrelated module is not renamed', () => {
    expect(ids('digitalocean:Bucket')).toEqual([]);
    expect(ids('aws:elasticloadbalancingv3/loadBalancer:LoadBalancer')).toEqual([]);
    expect(ids('azure-native:web:StaticSite')).not.toContain('azure/azure-regional-managed');
  });

  it('the table expands renames transitively and stops on cycles', () => {
    const t = new TypeNameTable();
    t.add({
      modules: [{ from: 'p:old', to: 'p:new' }],
      types: [
        { from: 'p:a:A', to: 'p:b:B' },
        { from: 'p:b:B', to: 'p:a:A' },
        { from: 'p:b:B', to: 'p:old/c:C' },
      ],
    });
    const v = t.variants('p:a:A');
    expect(v[0]).toBe('p:a:A');
    expect(v).toEqual(expect.arrayContaining(['p:b:B', 'p:old/c:C', 'p:new/c:C', 'p:new:C']));
    expect(new Set(v).size).toBe(v.length);
  });
});

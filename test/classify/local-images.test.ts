/**
 * Images only in a local daemon: which container properties name the image and its pull policy is the rule's
 * (localImages.image, localImages.pullPolicy: `image` and `imagePullPolicy` in rules/ops.yaml), not the code's.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/classify/index.js';
import { loadRuleSet, parsePack } from '../../src/classify/packs.js';
import type { ResourceRecord, StackInput } from '../../src/ingest/types.js';
import { exportInput, record as testRecord } from '../helpers/records.js';

const LAB = { stack: 'dev', project: 'lab' };
const record = (type: string, name: string, inputs: ResourceRecord['inputs']): ResourceRecord => testRecord(type, name, { inputs }, LAB);
const input = (resources: ResourceRecord[]): StackInput => exportInput(resources, { 'acme:region': 'lab-1' }, LAB);

const ACME = parsePack(
  [
    'pack: acme-tasks',
    'description: Acme tasks run artifacts fetched by a policy of their own.',
    'providers: [{ package: acme, domain: acme, regionConfig: "acme:region" }]',
    'rules:',
    '  - id: acme-task',
    '    info: A task runs its artifacts; one never fetched lives only on the machine that built it.',
    '    match: { type: ["acme:index/task:Task"] }',
    '    role: compute',
    '    scope: regional',
    '    localImages:',
    '      containers: [steps]',
    '      image: artifact',
    '      pullPolicy: fetch',
    '      never: [never]',
    '      unsure: []',
    '      domain: workstation=operator-workstation',
  ].join('\n'),
  'acme.yaml',
);

const recoversWith = (resources: ResourceRecord[], name: string): string[] => {
  const c = classify([input(resources)], [...loadRuleSet(), ACME]);
  const task = c.resources.find((r) => r.record.name === name)!;
  return task.recoversWith.map((u) => c.resources.find((r) => r.record.urn === u)?.record.type ?? u);
};

describe('images only in a local daemon, by the properties the rule names', () => {
  it("reads a user pack's image and pull-policy properties", () => {
    const task = record('acme:index/task:Task', 'etl', { steps: [{ artifact: 'etl-job:dev', fetch: 'never' }] });
    expect(recoversWith([task], 'etl')).toEqual(['firebreak:local:Image']);
  });

  it("ignores Kubernetes' property names in a pack that does not name them", () => {
    const task = record('acme:index/task:Task', 'etl', { steps: [{ image: 'etl-job:dev', imagePullPolicy: 'never' }] });
    expect(recoversWith([task], 'etl')).toEqual([]);
  });
});

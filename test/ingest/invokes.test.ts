/**
 * Invokes whose answer is the default provider's own config come from the rule packs (providers[].invokes,
 * rules/aws.yaml for aws:getRegion and aws:getAvailabilityZones), never from token literals in the code.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { invokeAnswers, loadRuleSet, parsePack } from '../../src/classify/packs.js';
import { loadInputs } from '../../src/index.js';
import { mockAnswers, regionCode, type InvokeAnswer } from '../../src/ingest/invokes.js';
import { asSpecial } from '../../src/ingest/types.js';
import { loadYamlProject } from '../../src/ingest/yaml/index.js';

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(path.join(tmpdir(), 'firebreak-invokes-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(d, name), text);
  return d;
}

const VULTR_PACK = [
  'pack: vultr-edge',
  'description: Vultr instances, and where the provider runs.',
  'providers:',
  '  - package: vultr',
  '    domain: vultr',
  '    regionConfig: vultr:region',
  '    invokes:',
  '      - function: vultr:index/getRegion:getRegion',
  '        result: { id: "{region}", city: "somewhere near {region}" }',
  'rules:',
  '  - { id: vultr-instance, info: One VM., match: { type: ["vultr:index/instance:Instance"] }, role: compute, scope: regional, region: [region] }',
].join('\n');

const PROGRAM = [
  'name: edge',
  'runtime: yaml',
  'config:',
  '  vultr:region: ewr',
  '  aws:region: eu-west-1',
  'variables:',
  '  here:',
  '    fn::invoke:',
  '      function: vultr:getRegion',
  '  aws:',
  '    fn::invoke:',
  '      function: aws:getRegion',
  '      return: name',
  'resources:',
  '  vm:',
  '    type: vultr:index/instance:Instance',
  '    properties:',
  '      region: ${here.id}',
  '      city: ${here.city}',
  '      awsRegion: ${aws}',
  '',
].join('\n');

describe('invokes answered from the rule packs', () => {
  it('shortens a region as zone IDs begin, by the words the pack gives', () => {
    const words = { southeast: 'se', northeast: 'ne' };
    expect(regionCode('us-east-1', words)).toBe('use1');
    expect(regionCode('ap-southeast-2', words)).toBe('apse2');
    expect(regionCode('us-gov-west-1', words)).toBe('usgw1');
    expect(regionCode('ap-southeast-2')).toBe('aps2');
    // Not a region of that form: as it is.
    expect(regionCode('westeurope', words)).toBe('westeurope');
  });

  it("fills in a pack's answers from the region config, else the pack's assumed region with a warning, never a secret region", () => {
    const aws = invokeAnswers(loadRuleSet());
    const zones = 'aws:index/getAvailabilityZones:getAvailabilityZones';
    const set = mockAnswers(aws, { 'aws:region': 'ap-northeast-2' }, []);
    expect(set[zones]).toEqual({
      result: {
        id: 'ap-northeast-2',
        names: ['ap-northeast-2a', 'ap-northeast-2b', 'ap-northeast-2c'],
        zoneIds: ['apne2-az1', 'apne2-az2', 'apne2-az3'],
        groupNames: ['ap-northeast-2'],
      },
    });
    const unset = mockAnswers(aws, {}, []);
    expect(unset['aws:index/getRegion:getRegion']!.result.endpoint).toBe('ec2.us-east-1.amazonaws.com');
    expect(unset['aws:index/getRegion:getRegion']!.warning).toBe(
      'an aws invoke asked for the region, and the stack config has no aws:region: us-east-1 was assumed, for the invokes and for where the resources of the default aws provider are placed',
    );
    expect(mockAnswers(aws, { 'aws:region': 'ap-northeast-2' }, ['aws:region'])).toEqual({});
    // A pack without an assumed region leaves the invoke unanswered when the config has none.
    const own: InvokeAnswer = { function: 'x:index/getRegion:getRegion', regionConfig: 'x:region', result: { id: '{region}' } };
    expect(mockAnswers([own], {}, [])).toEqual({});
    expect(mockAnswers([own], { 'x:region': 'r1' }, [])).toEqual({ 'x:index/getRegion:getRegion': { result: { id: 'r1' } } });
  });

  it('a later pack replaces an earlier one for the same function (any token form)', () => {
    const later = parsePack(
      [
        'pack: aws-mine',
        'description: My region answers.',
        'providers:',
        '  - package: aws',
        '    domain: aws',
        '    regionConfig: aws:region',
        '    invokes: [{ function: "aws:getRegion", result: { name: "{region}" } }]',
      ].join('\n'),
      'mine.yaml',
    );
    const answers = invokeAnswers([...loadRuleSet(), later]);
    expect(answers.filter((a) => a.function.includes('getRegion'))).toEqual([
      { function: 'aws:getRegion', regionConfig: 'aws:region', result: { name: '{region}' } },
    ]);
  });

  it("answers a Pulumi YAML program's invoke of a user pack's provider, its region fields only; nothing when no pack says", async () => {
    const project = dir({ 'Pulumi.yaml': PROGRAM, 'vultr.yaml': VULTR_PACK });
    const [input] = await loadInputs([project], { rules: [path.join(project, 'vultr.yaml')] });
    const vm = input!.resources.find((r) => r.name === 'vm')!;
    expect(vm.inputs.region).toBe('ewr');
    expect(vm.inputs.awsRegion).toBe('eu-west-1');
    // A field that is more than the region is only known at deploy.
    expect(asSpecial(vm.inputs.city)?.kind).toBe('unknown');
    // The built-in packs do not know vultr; and with no packs the code answers nothing, aws included.
    const [plain] = await loadInputs([project]);
    expect(asSpecial(plain!.resources.find((r) => r.name === 'vm')!.inputs.region)?.kind).toBe('unknown');
    const bare = loadYamlProject(project, {}).resources.find((r) => r.name === 'vm')!;
    expect(asSpecial(bare.inputs.awsRegion)?.kind).toBe('unknown');
  });
});

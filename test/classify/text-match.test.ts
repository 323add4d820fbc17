/**
 * Rules matching text (match.property, a condition's `matches`) on a Pulumi YAML interpolation left for deploy:
 * a match only when the literal pieces alone make it, whatever fills the placeholders; secrets never.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { piecesMatch, textMatches } from '../../src/classify/text-match.js';
import { conditionHolds } from '../../src/classify/rules.js';
import { asSpecial, special, type ResourceRecord } from '../../src/ingest/types.js';
import { loadYamlProject } from '../../src/ingest/yaml/index.js';

const PLAYBOOK = /(^|[\s/;&|])ansible-playbook(\s|$)/;
const template = (...pieces: string[]) => special({ kind: 'unknown', symbol: pieces.join('${x}'), pieces });

describe('text matching on interpolations left for deploy', () => {
  it('matches when a literal piece makes the match on its own', () => {
    expect(textMatches(PLAYBOOK, template("ansible-playbook -i '", ",' --private-key ~/.ssh/deploy.pem site.yml"))).toBe(true);
    expect(textMatches(PLAYBOOK, template('cd ', ' && ansible-playbook site.yml'))).toBe(true);
    expect(textMatches(PLAYBOOK, template('', ' ansible-playbook site.yml'))).toBe(true);
    expect(textMatches(PLAYBOOK, template('ANSIBLE_HOST_KEY_CHECKING=False ansible-playbook ', ''))).toBe(true);
  });

  it('does not match when the match needs a placeholder: a string start or end it may not be, or text it may not hold', () => {
    // `${x}ansible-playbook site.yml`: x = "my" makes myansible-playbook.
    expect(textMatches(PLAYBOOK, template('', 'ansible-playbook site.yml'))).toBe(false);
    // `ansible-playbook${x}`: x = "-lint" makes another tool.
    expect(textMatches(PLAYBOOK, template('echo ansible-playbook', ''))).toBe(false);
    // The text is only in the placeholder.
    expect(textMatches(PLAYBOOK, template('', ''))).toBe(false);
    expect(textMatches(PLAYBOOK, template('ansible-', 'playbook site.yml'))).toBe(false);
    // A greedy pattern may not run into a placeholder: `playbook.*yml` is made inside the first piece, `\S` never by a placeholder.
    expect(piecesMatch(/playbook .*yml/, ['ansible-playbook site.yml ', ' x'])).toBe(true);
    expect(piecesMatch(/ansible-playbook\S/, ['ansible-playbook', ' x'])).toBe(false);
    expect(piecesMatch(/ansible-playbook$/, ['echo ansible-playbook', ''])).toBe(false);
    expect(piecesMatch(/^echo/, ['', 'echo hi'])).toBe(false);
    expect(piecesMatch(/^echo/, ['echo ', ''])).toBe(true);
    expect(piecesMatch(/hi$/, ['', ' echo hi'])).toBe(true);
  });

  it('never matches a pattern that reads beside its match (word boundaries, lookarounds)', () => {
    expect(piecesMatch(/\bansible-playbook\b/, ['', ' ansible-playbook site.yml'])).toBe(false);
    expect(piecesMatch(/ansible-playbook(?= )/, ['ansible-playbook ', ''])).toBe(false);
    expect(textMatches(/\bansible-playbook\b/, 'ansible-playbook site.yml')).toBe(true);
  });

  it('never matches a secret, an unknown with no pieces, or a name standing for a whole unknown', () => {
    expect(textMatches(PLAYBOOK, special({ kind: 'secret' }))).toBe(false);
    expect(textMatches(PLAYBOOK, special({ kind: 'unknown' }))).toBe(false);
    expect(textMatches(PLAYBOOK, special({ kind: 'unknown', symbol: 'ansible-playbook site.yml' }))).toBe(false);
    expect(textMatches(/^1$/, 1)).toBe(false);
    expect(textMatches(/^1$/, 1, true)).toBe(true);
  });

  it('reads conditions (`matches`) the same way', () => {
    const r = { inputs: { key: template('topology.kubernetes.io/zone', '') }, outputs: {} } as unknown as ResourceRecord;
    expect(conditionHolds(r, { property: ['key'], matches: 'topology\\.kubernetes\\.io/zone' })).toBe(true);
    expect(conditionHolds(r, { property: ['key'], matches: '^topology\\.kubernetes\\.io/zone$' })).toBe(false);
  });
});

describe('Pulumi YAML interpolations keep their literal pieces', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-pieces-'));
  writeFileSync(
    path.join(dir, 'Pulumi.yaml'),
    [
      'name: p',
      'runtime: yaml',
      'config:',
      '  user: { type: string }',
      'variables:',
      '  inventory: "-i \'${web.publicIp},\'"',
      '  secretCmd: { fn::secret: "ansible-playbook --private-key ~/.ssh/ops.pem site.yml" }',
      'resources:',
      '  web: { type: aws:ec2:Instance, properties: { ami: ami-1, instanceType: t3.micro } }',
      '  a: { type: command:local:Command, properties: { create: "ansible-playbook ${inventory} -u ${user} site.yml" } }',
      '  b: { type: command:local:Command, properties: { create: "${web.publicIp}" } }',
      '  c: { type: command:local:Command, properties: { create: "${secretCmd} -i ${web.publicIp}," } }',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(dir, 'Pulumi.dev.yaml'), 'config:\n  p:user: ubuntu\n');

  it('nested interpolations add their pieces; a whole reference or a secret keeps none of its text', () => {
    const rs = loadYamlProject(dir, {}).resources;
    const at = (name: string) => asSpecial(rs.find((r) => r.name === name)!.inputs.create);
    // (Its symbol wraps the variable's text in `${...}`, braces inside braces: the pieces, not the symbol, are the text.)
    expect(at('a')).toMatchObject({ kind: 'unknown', pieces: ["ansible-playbook -i '", ",' -u ubuntu site.yml"] });
    expect(at('b')).toEqual({ kind: 'unknown', symbol: 'web.publicIp' });
    expect(at('c')).toEqual({ kind: 'secret' });
  });
});

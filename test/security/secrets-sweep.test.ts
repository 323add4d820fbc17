/**
 * The secret sweep (issue 21): every way Pulumi marks a value secret, planted
 * with a unique value per source, through every command and every format it
 * offers. No planted value, nor its JSON-escaped, base64 or hex form, may
 * appear on stdout, stderr or in any file a run writes (reports, baselines,
 * `plan --apply` checkpoints).
 *
 * Sources: secret envelopes with plaintext (a `--show-secrets` export or
 * checkpoint) and with ciphertext, outputs named in `additionalSecretOutputs`,
 * a preview's secrets, and in a Pulumi YAML program: `secure:` stack config,
 * `secret: true` declarations (in both `config:` and `configuration:`),
 * `fn::secret`, and the secret inputs of an explicit provider. The planted
 * values sit where rules read: tags (the `firebreak:service` tag too),
 * `availabilityZone`, name-like properties.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusDir, runCli } from '../helpers/cli.js';

const SIG = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

/** One planted value per source: unique, with characters JSON escapes, so every form differs. */
const planted = new Map<string, string>();
function plant(source: string): string {
  const token = `Zq${source.replace(/[^a-z0-9]/gi, '')}${(planted.size * 7919 + 1009).toString(36)}X`;
  const value = `s"\\${token}`;
  planted.set(token, value);
  return value;
}

/** The forms a planted value must never take. */
function forms(token: string, value: string): string[] {
  return [
    token,
    value,
    JSON.stringify(value).slice(1, -1),
    JSON.stringify(JSON.stringify(value)).slice(1, -1),
    Buffer.from(value).toString('base64'),
    Buffer.from(value).toString('hex'),
    Buffer.from(token).toString('base64'),
    Buffer.from(token).toString('hex'),
  ];
}

const plaintext = (v: string) => ({ [SIG]: SECRET_SIG, plaintext: JSON.stringify(v) });
const ciphertext = (v: string) => ({ [SIG]: SECRET_SIG, ciphertext: v });

const root = mkdtempSync(path.join(tmpdir(), 'firebreak-secrets-'));

function exportDoc(stack: string, seal: (v: string) => unknown, tag: string): unknown {
  const p = `urn:pulumi:${stack}::shop::`;
  const provider = `${p}pulumi:providers:aws::default_6_0_0`;
  const ref = `${provider}::0f0e0d0c`;
  const vpc = `${p}aws:ec2/vpc:Vpc::main`;
  const subnet = (z: string) => `${p}aws:ec2/subnet:Subnet::private-${z}`;
  const db = `${p}aws:rds/instance:Instance::orders-db`;
  const res = (name: string, type: string, inputs: object, outputs: object, extra: object = {}) => ({
    urn: `${p}${type}::${name}`,
    custom: true,
    id: `${name}-id`,
    type,
    provider: ref,
    inputs,
    outputs,
    ...extra,
  });
  return {
    version: 3,
    deployment: {
      manifest: { time: '2026-01-01T00:00:00Z', magic: '', version: 'v3.140.0' },
      secrets_providers: { type: 'passphrase', state: { salt: 'v1:abc' } },
      resources: [
        {
          urn: `${p}pulumi:pulumi:Stack::shop-${stack}`,
          custom: false,
          type: 'pulumi:pulumi:Stack',
          outputs: { dbPassword: seal(plant(`${tag}-stack-output`)) },
        },
        {
          urn: provider,
          custom: true,
          id: '0f0e0d0c',
          type: 'pulumi:providers:aws',
          inputs: { region: 'us-east-1', secretKey: seal(plant(`${tag}-provider-secretkey`)), accessKey: seal(plant(`${tag}-provider-accesskey`)) },
          outputs: { region: 'us-east-1' },
        },
        res(
          'main',
          'aws:ec2/vpc:Vpc',
          { cidrBlock: '10.0.0.0/16', tags: { Name: seal(plant(`${tag}-vpc-name-tag`)) } },
          { cidrBlock: '10.0.0.0/16', id: 'vpc-1' },
        ),
        ...['a', 'b'].map((z) =>
          res(
            `private-${z}`,
            'aws:ec2/subnet:Subnet',
            { vpcId: 'vpc-1', availabilityZone: `us-east-1${z}` },
            { vpcId: 'vpc-1', availabilityZone: `us-east-1${z}` },
            { dependencies: [vpc], propertyDependencies: { vpcId: [vpc] } },
          ),
        ),
        res(
          'orders-db',
          'aws:rds/instance:Instance',
          {
            engine: 'postgres',
            multiAz: false,
            password: seal(plant(`${tag}-db-password`)),
            identifier: seal(plant(`${tag}-db-identifier`)),
            tags: { 'firebreak:service': 'shop', Owner: seal(plant(`${tag}-db-owner-tag`)) },
          },
          // availabilityZone as an additional secret output: plain in this file, secret by the list.
          {
            engine: 'postgres',
            multiAz: false,
            availabilityZone: 'us-east-1a',
            endpoint: plant(`${tag}-db-aso-endpoint`),
            password: seal(plant(`${tag}-db-password-out`)),
          },
          { additionalSecretOutputs: ['endpoint'], dependencies: [subnet('a')] },
        ),
        ...['1', '2'].map((n) =>
          res(
            `web-${n}`,
            'aws:ec2/instance:Instance',
            {
              subnetId: n === '1' ? 'subnet-a' : 'subnet-b',
              tags: { 'firebreak:service': 'shop', Name: seal(plant(`${tag}-web${n}-name`)) },
              userData: seal(plant(`${tag}-web${n}-userdata`)),
            },
            { subnetId: n === '1' ? 'subnet-a' : 'subnet-b', availabilityZone: n === '1' ? 'us-east-1a' : 'us-east-1b', tags: { 'firebreak:service': 'shop' } },
            { dependencies: [n === '1' ? subnet('a') : subnet('b'), db] },
          ),
        ),
        // A secret availability zone and a secret service tag: placement and service unknown, never shown.
        res(
          'worker',
          'aws:ec2/instance:Instance',
          { tags: { 'firebreak:service': seal(plant(`${tag}-worker-service-tag`)) }, availabilityZone: seal(plant(`${tag}-worker-az`)) },
          { availabilityZone: seal(plant(`${tag}-worker-az-out`)), tags: { 'firebreak:service': seal(plant(`${tag}-worker-service-tag-out`)) } },
          { dependencies: [db] },
        ),
      ],
    },
  };
}

function previewDoc(): unknown {
  const exp = exportDoc('prod', plaintext, 'preview') as { deployment: { resources: Array<{ urn: string }> } };
  return {
    config: { 'aws:region': 'us-east-1', 'shop:dbPassword': '[secret]' },
    steps: exp.deployment.resources.map((r) => ({ op: 'same', urn: r.urn, newState: r })),
    changeSummary: { same: exp.deployment.resources.length },
  };
}

function checkpointDoc(): unknown {
  const exp = exportDoc('prod', plaintext, 'checkpoint') as { deployment: unknown };
  const config = {
    'aws:region': 'us-east-1',
    'aws:secretKey': plant('checkpoint-config-plain-secretkey'),
    'shop:dbPassword': { secure: `v1:${plant('checkpoint-config-secure')}` },
  };
  return { version: 3, checkpoint: { stack: 'organization/shop/prod', config, latest: exp.deployment } };
}

/** A Pulumi YAML project; `form` is the config section's spelling. */
function yamlProject(dir: string, form: 'config' | 'configuration'): void {
  mkdirSync(dir, { recursive: true });
  const t = form;
  const project = [
    'name: shop',
    'runtime: yaml',
    `${form}:`,
    '  zone:',
    '    type: string',
    '  dbPassword:',
    '    type: string',
    '    secret: true',
    '  serviceName:',
    '    type: string',
    '    secret: true',
    '  declaredZone:',
    '    type: string',
    '    secret: true',
    `    default: ${JSON.stringify(plant(`${t}-declared-default`))}`,
    'resources:',
    '  aws:',
    '    type: pulumi:providers:aws',
    '    properties:',
    '      region: us-east-1',
    `      secretKey: ${JSON.stringify(plant(`${t}-provider-secretkey`))}`,
    `      accessKey: ${JSON.stringify(plant(`${t}-provider-accesskey`))}`,
    `      token: ${JSON.stringify(plant(`${t}-provider-token`))}`,
    '  subnetA:',
    '    type: aws:ec2:Subnet',
    '    properties:',
    '      vpcId: vpc-1',
    '      availabilityZone: us-east-1a',
    '    options:',
    '      provider: ${aws}',
    '  subnetB:',
    '    type: aws:ec2:Subnet',
    '    properties:',
    '      vpcId: vpc-1',
    '      availabilityZone: us-east-1b',
    '    options:',
    '      provider: ${aws}',
    '  ordersDb:',
    '    type: aws:rds:Instance',
    '    properties:',
    '      engine: postgres',
    '      availabilityZone: us-east-1a',
    '      password: ${dbPassword}',
    `      dbName: ${JSON.stringify(plant(`${t}-aso-dbname`))}`,
    '      identifier:',
    `        fn::secret: ${JSON.stringify(plant(`${t}-fn-secret-identifier`))}`,
    '      tags:',
    '        firebreak:service: shop',
    '        Name:',
    `          fn::secret: ${JSON.stringify(plant(`${t}-fn-secret-name-tag`))}`,
    '    options:',
    '      provider: ${aws}',
    '      additionalSecretOutputs: [endpoint, dbName]',
    '  web1:',
    '    type: aws:ec2:Instance',
    '    properties:',
    '      subnetId: ${subnetA.id}',
    '      userData: ${ordersDb.dbName}',
    '      keyName: ${ordersDb.endpoint}',
    '      tags:',
    '        firebreak:service: shop',
    '        Name: ${dbPassword}',
    '    options:',
    '      provider: ${aws}',
    '      dependsOn: ["${ordersDb}"]',
    '  web2:',
    '    type: aws:ec2:Instance',
    '    properties:',
    '      subnetId: ${subnetB.id}',
    '      tags:',
    '        firebreak:service: shop',
    '    options:',
    '      provider: ${aws}',
    '      dependsOn: ["${ordersDb}"]',
    '  worker:',
    '    type: aws:ec2:Instance',
    '    properties:',
    '      availabilityZone: ${declaredZone}',
    '      tags:',
    '        firebreak:service: ${serviceName}',
    '        Zone: ${zone}',
    '    options:',
    '      provider: ${aws}',
    '      dependsOn: ["${ordersDb}"]',
    '  cache:',
    '    type: aws:ec2:Instance',
    '    properties:',
    '      availabilityZone:',
    `        fn::secret: ${JSON.stringify(plant(`${t}-fn-secret-az`))}`,
    '      tags:',
    '        firebreak:service:',
    `          fn::secret: ${JSON.stringify(plant(`${t}-fn-secret-service`))}`,
    '    options:',
    '      provider: ${aws}',
    'outputs:',
    '  password: ${dbPassword}',
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'Pulumi.yaml'), project);
  const stack = [
    'config:',
    `  shop:zone:`,
    `    secure: ${JSON.stringify(`v1:${plant(`${t}-secure-zone`)}`)}`,
    `  shop:dbPassword:`,
    `    secure: ${JSON.stringify(`v1:${plant(`${t}-secure-password`)}`)}`,
    // Declared `secret: true`, yet written in plain text: still a secret.
    `  shop:serviceName: ${JSON.stringify(plant(`${t}-declared-secret-plain`))}`,
    `  aws:secretKey:`,
    `    secure: ${JSON.stringify(`v1:${plant(`${t}-secure-aws-secretkey`)}`)}`,
    // A provider credential in plain text: the provider's schema makes it a secret.
    `  aws:accessKey: ${JSON.stringify(plant(`${t}-plain-aws-accesskey`))}`,
    '  aws:region: us-east-1',
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'Pulumi.dev.yaml'), stack);
}

interface Source {
  name: string;
  /** The input arguments. */
  inputs: string[];
  /** A second input for diff (after). */
  after: string[];
  /** Resources for `rules explain` (the first a component for `whatif --fail`). */
  explain: string[];
}

const sources: Source[] = [];

beforeAll(() => {
  const write = (name: string, doc: unknown): string => {
    const file = path.join(root, name);
    writeFileSync(file, JSON.stringify(doc, null, 1));
    return file;
  };
  const exp = write('export.json', exportDoc('prod', plaintext, 'export-plain'));
  const cipher = write('export-cipher.json', exportDoc('prod', ciphertext, 'export-cipher'));
  const preview = write('preview.json', previewDoc());
  const checkpoint = write('checkpoint.json', checkpointDoc());
  const yamlA = path.join(root, 'yaml-config');
  const yamlB = path.join(root, 'yaml-configuration');
  yamlProject(yamlA, 'config');
  yamlProject(yamlB, 'configuration');
  sources.push(
    { name: 'export (plaintext envelopes)', inputs: [exp], after: [cipher], explain: ['worker', 'web-1', 'orders-db'] },
    { name: 'export (ciphertext envelopes)', inputs: [cipher], after: [preview], explain: ['worker', 'web-1', 'orders-db'] },
    { name: 'preview', inputs: [preview], after: [exp], explain: ['worker', 'web-1', 'orders-db'] },
    { name: 'checkpoint', inputs: [checkpoint], after: [exp], explain: ['worker', 'web-1', 'orders-db'] },
    { name: 'yaml (config:)', inputs: [`${yamlA}@dev`], after: [`${yamlB}@dev`], explain: ['worker', 'cache', 'aws', 'ordersDb'] },
    { name: 'yaml (configuration:)', inputs: [`${yamlB}@dev`], after: [`${yamlA}@dev`], explain: ['worker', 'cache', 'aws', 'ordersDb'] },
  );
});

const REPORT_FORMATS = ['text', 'json', 'markdown', 'sarif', 'junit', 'mermaid', 'dot', 'html'];
const SHORT_FORMATS = ['text', 'json', 'markdown'];

interface Seen {
  what: string;
  text: string;
}

/** Every file under dir (what a run wrote). */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

async function sweep(source: Source): Promise<Seen[]> {
  const seen: Seen[] = [];
  const out = mkdtempSync(path.join(root, 'out-'));
  let n = 0;
  const go = async (args: string[]): Promise<void> => {
    const r = await runCli(args, { cwd: out });
    const label = args.map((a) => (a.startsWith(root) ? path.basename(a) : a)).join(' ');
    expect(r.code, `${label}: ${r.stderr}`).toBeLessThan(2);
    seen.push({ what: `${label} (stdout)`, text: r.stdout }, { what: `${label} (stderr)`, text: r.stderr });
  };
  const file = (ext: string) => path.join(out, `f${n++}.${ext}`);
  for (const format of REPORT_FORMATS) {
    await go(['analyze', ...source.inputs, '--format', format]);
    await go(['analyze', ...source.inputs, '--format', format, '--order', '2', '-o', file(format)]);
    await go(['check', ...source.inputs, '--format', format]);
  }
  const baseline = file('json');
  await go(['check', ...source.inputs, '--baseline', baseline, '--update-baseline']);
  for (const format of REPORT_FORMATS) await go(['check', ...source.inputs, '--baseline', baseline, '--format', format]);
  for (const format of SHORT_FORMATS) {
    await go(['whatif', ...source.inputs, '--fail', 'us-east-1a', '--format', format]);
    await go(['whatif', ...source.inputs, '--fail', source.explain.at(-1)!, '--format', format]);
    await go(['diff', source.inputs[0]!, source.after[0]!, '--format', format]);
    await go(['plan', ...source.inputs, '--add-domain', 'us-east-1c', '--format', format, '--apply', file('json')]);
  }
  for (const format of ['text', 'json']) for (const name of source.explain) await go(['rules', 'explain', name, ...source.inputs, '--format', format]);
  for (const f of filesUnder(out)) seen.push({ what: `written file ${path.basename(f)}`, text: readFileSync(f, 'utf8') });
  return seen;
}

describe('secret sweep: every command × every format × every secret source', () => {
  it('plants unique values in every source', () => {
    expect(planted.size).toBeGreaterThan(40);
  });

  for (const name of ['export (plaintext envelopes)', 'export (ciphertext envelopes)', 'preview', 'checkpoint', 'yaml (config:)', 'yaml (configuration:)']) {
    it(`${name}: no planted value in any output, error, warning or written file`, async () => {
      const source = sources.find((s) => s.name === name)!;
      const seen = await sweep(source);
      expect(seen.length).toBeGreaterThan(100);
      const leaks: string[] = [];
      for (const [token, value] of planted) {
        const all = forms(token, value);
        const hex = Buffer.from(token).toString('hex');
        for (const s of seen) {
          // A form that holds the token (or its hex) can be in a text only if the token (or its hex) is: two scans of
          // the text settle those forms (over 2 MB of output per source, 40-odd tokens), and only a hit looks further.
          const hasToken = s.text.includes(token);
          const hasHex = s.text.includes(hex);
          for (const form of all) {
            if ((!hasToken && form.includes(token)) || (!hasHex && form.includes(hex))) continue;
            if (s.text.includes(form)) leaks.push(`${token} as ${JSON.stringify(form)} in ${s.what}`);
          }
        }
      }
      expect([...new Set(leaks)].slice(0, 20).join('\n')).toBe('');
    }, 120_000);
  }
});

describe('secret sweep: the sources are real and are honoured', () => {
  it('every planted value is in some input, so the sweep can see a leak', () => {
    const all = filesUnder(root)
      .filter((f) => !path.basename(path.dirname(f)).startsWith('out-'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const [token] of planted) expect(all, token).toContain(token);
  });

  it('a secret firebreak:service tag names no service and is warned about without its value', async () => {
    for (const source of sources) {
      const r = await runCli(['analyze', ...source.inputs, '--format', 'json'], { cwd: root });
      expect(r.code, r.stderr).toBeLessThan(2);
      const doc = JSON.parse(r.stdout) as { warnings?: Array<{ message: string }> };
      const messages = JSON.stringify(doc);
      expect(messages, source.name).toMatch(/worker: the firebreak:service tag is a secret; its value is not read/);
    }
  });

  it("plan --apply writes secrets as empty secret envelopes, providers' secret inputs too", async () => {
    for (const source of sources.filter((s) => s.name.startsWith('yaml'))) {
      const out = path.join(mkdtempSync(path.join(root, 'out-')), 'planned.json');
      const r = await runCli(['plan', ...source.inputs, '--add-domain', 'us-east-1c', '--apply', out], { cwd: root });
      expect(r.code, r.stderr).toBeLessThan(2);
      const doc = JSON.parse(readFileSync(out, 'utf8')) as { checkpoint: { latest: { resources: Array<{ type: string; inputs: Record<string, unknown> }> } } };
      const provider = doc.checkpoint.latest.resources.find((x) => x.type === 'pulumi:providers:aws')!;
      for (const key of ['secretKey', 'accessKey', 'token']) expect(provider.inputs[key], key).toEqual({ [SIG]: SECRET_SIG, ciphertext: '' });
      expect(provider.inputs.region).toBe('us-east-1');
      const db = doc.checkpoint.latest.resources.find((x) => x.type === 'aws:rds:Instance')!;
      for (const key of ['password', 'identifier', 'dbName']) expect(db.inputs[key], key).toEqual({ [SIG]: SECRET_SIG, ciphertext: '' });
    }
  });
});

describe('secret sweep: errors', () => {
  it('inputs that fail carry no planted value into their errors', async () => {
    const dir = mkdtempSync(path.join(root, 'err-'));
    const mine = new Map<string, string>();
    const put = (source: string): string => {
      const v = plant(source);
      mine.set([...planted.entries()].find(([, x]) => x === v)![0], v);
      return v;
    };
    const inputs: string[][] = [];
    // A state whose broken resource holds secrets: a bad URN, a dangling dependency.
    const bad = exportDoc('prod', plaintext, 'err-export') as { deployment: { resources: Array<Record<string, unknown>> } };
    bad.deployment.resources.push({
      urn: `not-a-urn-${put('err-urn-neighbour')}`,
      type: 'aws:ec2/instance:Instance',
      inputs: { password: plaintext(put('err-urn-password')) },
    });
    bad.deployment.resources.push({
      urn: 'urn:pulumi:prod::shop::aws:ec2/instance:Instance::dangling',
      type: 'aws:ec2/instance:Instance',
      dependencies: ['urn:pulumi:prod::shop::x:y:Z::gone'],
      inputs: { token: ciphertext(put('err-dangling-cipher')) },
    });
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(bad));
    inputs.push([path.join(dir, 'bad.json')]);
    // Malformed JSON right after a plaintext secret.
    writeFileSync(
      path.join(dir, 'broken.json'),
      `{"version":3,"deployment":{"resources":[{"urn":"u","inputs":{"p":{"${SIG}":"${SECRET_SIG}","plaintext":${JSON.stringify(JSON.stringify(put('err-json-plaintext')))}}, "x": True}}]}}`,
    );
    inputs.push([path.join(dir, 'broken.json')]);
    // A preview step without newState next to steps with secrets.
    const preview = previewDoc() as { steps: Array<Record<string, unknown>> };
    preview.steps.push({
      op: 'update',
      urn: 'urn:pulumi:prod::shop::aws:ec2/instance:Instance::empty',
      oldState: { inputs: { password: plaintext(put('err-preview-old')) } },
    });
    writeFileSync(path.join(dir, 'preview.json'), JSON.stringify(preview));
    inputs.push([path.join(dir, 'preview.json')]);
    // YAML programs that fail where a secret is used.
    const yamlCases = [
      `resources:\n  a:\n    type: aws:ec2:Instance\n    properties:\n      x:\n        fn::split: [",", 12]\n      p:\n        fn::secret: ${JSON.stringify(put('err-yaml-split'))}\n`,
      `resources:\n  a:\n    type: aws:ec2:Instance\n    options:\n      dependsOn:\n        fn::secret: ${JSON.stringify(put('err-yaml-dependson'))}\n`,
      `resources:\n  a:\n    type: aws:ec2:Instance\n    properties:\n      p: \${dbPassword.nope}\n      q: \${nothing}\n`,
      `resources:\n  a:\n    type: aws:ec2:Instance\n    properties:\n      p: "\${dbPassword"\n`,
      `resources:\n  a:\n    type: aws:ec2:Instance\n    properties:\n      p: { q: "${put('err-yaml-unclosed')}\n`,
    ];
    yamlCases.forEach((program, i) => {
      const d = path.join(dir, `yaml-${i}`);
      mkdirSync(d);
      writeFileSync(
        path.join(d, 'Pulumi.yaml'),
        `name: shop\nruntime: yaml\nconfig:\n  dbPassword:\n    type: integer\n    secret: true\n  count:\n    type: integer\n${program}`,
      );
      writeFileSync(
        path.join(d, 'Pulumi.dev.yaml'),
        `config:\n  shop:dbPassword:\n    secure: v1:${put(`err-yaml-secure-${i}`)}\n  shop:count: ${JSON.stringify(put(`err-yaml-count-${i}`))}\n`,
      );
      inputs.push([`${d}@dev`]);
    });
    let failures = 0;
    for (const input of inputs) {
      for (const args of [
        ['analyze', ...input],
        ['check', ...input, '--format', 'sarif'],
        ['plan', ...input, '--add-domain', 'x', '--format', 'json'],
        ['rules', 'explain', 'a', ...input],
      ]) {
        const r = await runCli(args, { cwd: dir });
        if (r.code === 2) failures++;
        for (const [token, value] of mine)
          for (const form of forms(token, value)) expect(`${r.stdout}\n${r.stderr}`.includes(form), `${token} in ${args.join(' ')}: ${r.stderr}`).toBe(false);
      }
    }
    // Nearly every case must fail (the YAML case with a missing reference is analysed with an unknown).
    expect(failures).toBeGreaterThanOrEqual((inputs.length - 1) * 4);
  });
});

describe('secret sweep: a real checkpoint with secrets', () => {
  const file = path.join(corpusDir, 'pulumi-pulumi', 'checkpoints', 'checkpoint-secrets.json');
  it.runIf(existsSync(file))(
    'no ciphertext of pulumi/pulumi checkpoint-secrets.json, nor its decoded text, in any format or in plan --apply output',
    async () => {
      const ciphertexts: string[] = [];
      // The document with every secret envelope taken out: what is not secret in it.
      const open = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(open);
        if (v && typeof v === 'object') {
          const o = v as Record<string, unknown>;
          if (o[SIG] === SECRET_SIG && typeof o.ciphertext === 'string') {
            ciphertexts.push(o.ciphertext);
            return null;
          }
          return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, open(x)]));
        }
        return v;
      };
      const plain = JSON.stringify(open(JSON.parse(readFileSync(file, 'utf8'))));
      expect(ciphertexts.length).toBeGreaterThan(0);
      // The b64 secrets provider: the ciphertext is the base64 of the value's JSON. This fixture also holds
      // some of its secret values in plain text elsewhere (a resource id, an ARN): only values secret everywhere count.
      const needles = [
        ...new Set(
          ciphertexts.flatMap((c) => {
            const decoded = JSON.parse(Buffer.from(c, 'base64').toString('utf8')) as unknown;
            const text = typeof decoded === 'string' ? decoded : JSON.stringify(decoded);
            return [c, ...(plain.includes(JSON.stringify(text).slice(1, -1)) ? [] : [text, JSON.stringify(text).slice(1, -1)])];
          }),
        ),
      ].filter((n) => n.length >= 8);
      expect(needles.length).toBeGreaterThan(ciphertexts.length / 2);
      const out = mkdtempSync(path.join(root, 'out-'));
      const texts: string[] = [];
      for (const format of REPORT_FORMATS) {
        const r = await runCli(['analyze', file, '--format', format], { cwd: out });
        expect(r.code, r.stderr).toBeLessThan(2);
        texts.push(r.stdout, r.stderr);
      }
      const r = await runCli(['plan', file, '--add-domain', 'us-west-2', '--from', 'us-east-2', '--apply', path.join(out, 'planned.json')], { cwd: out });
      expect(r.code, r.stderr).toBeLessThan(2);
      // The secrets are still marked in the written checkpoint, their values gone.
      expect(readFileSync(path.join(out, 'planned.json'), 'utf8')).toContain(SECRET_SIG);
      texts.push(r.stdout, r.stderr, ...filesUnder(out).map((f) => readFileSync(f, 'utf8')));
      for (const n of needles) for (const t of texts) expect(t.includes(n)).toBe(false);
    },
  );
  it.skipIf(existsSync(file))('skipped: ../shared/corpus is absent', () => {
    expect(existsSync(file)).toBe(false);
  });
});

/**
 * The fuzz suite (issue 21): seeded fast-check over stack exports, previews,
 * topology files and Pulumi YAML programs, mutated with hostile names, planted secrets, truncation,
 * junk and deep nesting. Every run must end in a result or in input errors
 * (never another exception), every format must be well-formed, no planted
 * secret (nor its JSON-escaped, base64 or hex form) may appear anywhere, and
 * every case must finish within a time bound. A few hundred cases per target
 * by default; FIREBREAK_FUZZ_RUNS=N runs N per target. FIREBREAK_FUZZ_SEED
 * changes the seed (the failing seed and path are printed by fast-check).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { stringify as toYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { FORMATS, InputError, UsageError, analyze, loadInput, loadInputs, loadRules, readTopology, render, type StackInput } from '../../src/index.js';
import { formatProblem } from '../../src/errors.js';
import { fixture } from '../helpers/cli.js';

const RUNS = Number(process.env.FIREBREAK_FUZZ_RUNS ?? '150');
const SEED = Number(process.env.FIREBREAK_FUZZ_SEED ?? '21');
const SIG = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

const NASTY = [
  '"',
  '\\',
  '\n',
  '`',
  '|',
  '<',
  '>',
  '&',
  '#',
  '%%{init: {}}%%',
  '{',
  '}',
  '[',
  ']',
  '\x1b[2J',
  '\x1b]8;;http://x\x07',
  '\u202e',
  ' ',
  '__proto__',
  'constructor',
  '*',
  'javascript:',
  '</script>',
];
const hostileName = fc.oneof(
  fc.array(fc.constantFrom(...NASTY, 'a', 'b', '-'), { minLength: 1, maxLength: 8 }).map((a) => a.join('')),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
);

/** A unique planted secret and the forms it must never take in any output. */
function secretForms(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Mutations of a parsed document: rename strings, plant secrets as envelopes, drop keys. */
function mutate(doc: Json, names: string[], secret: string, drops: number[]): Json {
  let n = 0;
  let s = 0;
  const walk = (v: Json, key: string | undefined): Json => {
    n++;
    if (typeof v === 'string') {
      if (key === 'urn' || key === 'parent' || key === 'provider' || key === 'type') {
        // Hostile resource names inside valid URNs.
        return names.length > 0 && v.includes('::') ? v.replace(/::([^:]+)$/, `::$1${names[n % names.length]!.replace(/::/g, ':')}`) : v;
      }
      if (names.length > 0 && n % 3 === 0) return names[n % names.length]!;
      return v;
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === 'object') {
      const out: { [k: string]: Json } = {};
      for (const [k, x] of Object.entries(v)) {
        if (drops.includes(n % 97) && k !== 'deployment' && k !== 'resources') continue;
        out[k] = walk(x, k);
      }
      if (key === 'inputs' || key === 'outputs') {
        s++;
        out[`planted${s}`] =
          s % 2 === 0 ? { [SIG]: SECRET_SIG, plaintext: JSON.stringify(secret) } : { [SIG]: SECRET_SIG, ciphertext: Buffer.from(secret).toString('base64') };
      }
      return out;
    }
    return v;
  };
  return walk(doc, undefined);
}

/** Text-level damage: truncation, inserted junk, deep nesting. */
const damage = fc.oneof(
  { arbitrary: fc.constant((t: string) => t), weight: 12 },
  { arbitrary: fc.nat().map((k) => (t: string) => t.slice(0, k % (t.length + 1))), weight: 1 },
  {
    arbitrary: fc.tuple(fc.nat(), fc.string({ maxLength: 5 })).map(
      ([k, junk]) =>
        (t: string) =>
          t.slice(0, k % (t.length + 1)) + junk + t.slice(k % (t.length + 1)),
    ),
    weight: 1,
  },
  {
    arbitrary: fc.integer({ min: 900, max: 3000 }).map((d) => (t: string) => t.replace('"resources":', `"resources":${'['.repeat(d)}${']'.repeat(d)},"x":`)),
    weight: 1,
  },
);

interface Outcome {
  texts: string[];
  errors: string[];
}

/** Analyze and render in every format; collect every text a user could see. */
async function run(load: () => Promise<StackInput[]>, topologyFile?: string): Promise<Outcome> {
  const texts: string[] = [];
  const errors: string[] = [];
  try {
    const inputs = await load();
    const topology = topologyFile ? readTopology(topologyFile) : undefined;
    const { packs } = rules;
    const result = analyze(inputs, { packs, order: 2, orderBudget: 20_000, includeModel: true, ...(topology ? { topology, today: '2026-01-01' } : {}) });
    for (const w of result.warnings) texts.push(formatProblem({ ...w, reason: w.message }));
    for (const format of FORMATS) {
      const out = render(result, format, { color: false });
      texts.push(out);
      wellFormed(format, out);
    }
  } catch (err) {
    if (err instanceof InputError) errors.push(...err.problems.map(formatProblem));
    else if (err instanceof UsageError) errors.push(err.message);
    else throw err; // an internal error: the property fails
  }
  for (const e of errors) expect(e, 'one line per problem').not.toMatch(/[\n\r]/);
  for (const e of errors) expect(e).not.toMatch(/\n\s+at /);
  return { texts, errors };
}

function wellFormed(format: string, out: string): void {
  switch (format) {
    case 'json':
    case 'sarif':
      JSON.parse(out);
      break;
    case 'junit':
      expect(XMLValidator.validate(out)).toBe(true);
      new XMLParser().parse(out);
      break;
    case 'mermaid':
      expect(out.startsWith('flowchart LR\n')).toBe(true);
      expect(out).not.toContain('%%{');
      // One expect for all lines (an expect per line is most of this check's time): the lines that break the rule.
      expect(out.split('\n').filter((line) => line.trim().startsWith('%%') && !/^\s*%% [^{}%"]*$/.test(line))).toEqual([]);
      break;
    case 'dot':
      expect(out.startsWith('digraph firebreak {\n')).toBe(true);
      // Strings closed on their line; no backslash in any (entities instead).
      expect(out.split('\n').filter((line) => (line.replace(/"[^"\\\n]*"/g, '').match(/"/g) ?? []).length !== 0)).toEqual([]);
      break;
    case 'html':
      expect(out.match(/<\/script>/g)?.length).toBe(3);
      break;
    case 'text':
      expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]/);
      break;
    default:
      break;
  }
}

function noSecret(o: Outcome, secret: string): void {
  const texts = [...o.texts, ...o.errors];
  // One expect: the forms of the secret found in any text (an expect per form and text costs more than the search).
  expect(
    secretForms(secret).filter((form) => texts.some((t) => t.includes(form))),
    'planted secret in output',
  ).toEqual([]);
}

let rules: ReturnType<typeof loadRules>;
const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-fuzz-'));
let pangyo: StackInput[];

beforeAll(async () => {
  rules = loadRules();
  pangyo = await loadInputs(['.@pangyo-2022'], { keepProperties: rules.properties });
});

/** One case. No clock is read (speed is the bench's): a case that blew up would run into the test's timeout. */
const runCase = async <T>(f: () => Promise<T>): Promise<T> => f();

const secretArb = fc.stringMatching(/^[A-Za-z0-9]{12}$/).map((s) => `pl4nted-${s}`);

describe('fuzz', () => {
  for (const file of [
    'exports/two-zones-single-db.json',
    'exports/stackref-app.json',
    'previews/delete-last-replica-outside-zone-a.json',
    'previews/changes-only.json',
  ]) {
    it(`${file}: mutated documents end in a result or one-line errors, well-formed, no secret`, async () => {
      const base = JSON.parse(readFileSync(fixture(...file.split('/')), 'utf8')) as Json;
      let analyzed = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(hostileName, { maxLength: 4 }),
          secretArb,
          fc.oneof({ arbitrary: fc.constant([] as number[]), weight: 4 }, { arbitrary: fc.array(fc.nat({ max: 96 }), { maxLength: 2 }), weight: 1 }),
          damage,
          async (names, secret, drops, hurt) => {
            const text = hurt(JSON.stringify(mutate(base, names, secret, drops), null, 1));
            const o = await runCase(() => run(async () => [await loadInput('-', { keepProperties: rules.properties, readStdin: async () => text })]));
            noSecret(o, secret);
            if (o.texts.length > 0) analyzed++;
            else if (process.env.FIREBREAK_FUZZ_DEBUG) writeFileSync('/tmp/fuzz-errors.txt', `${o.errors[0]}\n`, { flag: 'a' });
          },
        ),
        { seed: SEED, numRuns: RUNS },
      );
      // The mutations must leave many documents readable, or the suite tests only the error path.
      expect(analyzed).toBeGreaterThan(RUNS / 10);
    }, 120_000);
  }

  it('YAML programs with hostile names, fn:: functions, deep nesting and missing config end in a result or one-line errors, no secret', async () => {
    // Expressions: literals, references (to resources, config set or missing, secrets), fn:: calls over them, deep nesting.
    const TYPES = [
      'aws:ec2:Instance',
      'aws:ec2:Subnet',
      'aws:rds:Instance',
      'aws:s3:Bucket',
      'gcp:compute:Instance',
      'pulumi:providers:aws',
      'aws:ec2:Instance',
      'aws:rds:Instance',
      'not-a-type',
    ];
    const program = fc.record({
      names: fc.uniqueArray(fc.oneof({ arbitrary: hostileName, weight: 1 }, { arbitrary: fc.constantFrom('web', 'db', 'subnet', 'aws', 'cache'), weight: 2 }), {
        minLength: 1,
        maxLength: 5,
      }),
      types: fc.array(fc.constantFrom(...TYPES), { minLength: 5, maxLength: 5 }),
      picks: fc.array(fc.nat({ max: 1000 }), { minLength: 40, maxLength: 40 }),
      depth: fc.oneof({ arbitrary: fc.constant(0), weight: 6 }, { arbitrary: fc.integer({ min: 1, max: 260 }), weight: 1 }),
      configForm: fc.constantFrom('config', 'configuration'),
      hurt: damage,
    });
    let analyzed = 0;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(program, secretArb, async (p, secret) => {
        const pick = (i: number, k: number) => p.picks[i % p.picks.length]! % k;
        // References point only to resources declared before the current one (no cycles), or to config, or rarely nowhere.
        let current = 0;
        const ref = (i: number): string => {
          const k = pick(i, 200);
          if (k === 199) return '${nope.nope}';
          if (k < 6 && current > 0) {
            const target = p.names[pick(i + 1, current)]!;
            return ['${' + target + '}', '${' + target + '.availabilityZone}', '${' + target + '.id}'][k % 3]!;
          }
          return [
            '${zone}',
            '${missingKey}',
            '${password}',
            '${token}',
            '${declared}',
            '${aws:region}',
            '${zone}',
            '${password}',
            '${declared}',
            '${missingKey}',
            '${zone}',
            '${token}',
            '${aws:zone}',
          ][k % 13]!;
        };
        const expr = (i: number, depth = 0): unknown => {
          switch (depth > 2 ? 0 : pick(i, 12)) {
            case 0:
              return ['us-east-1a', 'us-east-1b', '', 'eu-west-1c', 42, true, null][pick(i + 1, 7)];
            case 1:
            case 2:
              return ref(i + 3);
            case 3:
              return { 'fn::secret': pick(i, 2) === 0 ? secret : expr(i + 5, depth + 1) };
            case 4:
              return { 'fn::join': ['-', [expr(i + 1, depth + 1), { 'fn::secret': secret }]] };
            case 5:
              return { 'fn::select': [pick(i, 4), [expr(i + 2, depth + 1), ref(i + 4)]] };
            case 6:
              return { 'fn::toBase64': { 'fn::secret': secret } };
            case 7:
              return { 'fn::toJSON': { a: { 'fn::secret': secret }, b: expr(i + 6, depth + 1) } };
            case 8:
              return { 'fn::split': [',', expr(i + 7, depth + 1)] };
            case 9:
              return { 'fn::readFile': ['motd.txt', '../outside.txt', '/etc/passwd'][pick(i, 3)] };
            case 10:
              return { 'fn::unsecret': { 'fn::secret': secret } };
            default:
              return { [[...Array(19).fill('fn::sha1'), 'fn::fromBase64', 'Fn::ToBase64', 'fn::toJSON', 'fn::nosuch'][pick(i, 23)]!]: expr(i + 8, depth + 1) };
          }
        };
        const resources: Record<string, unknown> = {};
        p.names.forEach((nm, i) => {
          current = i;
          const type = p.types[i]!;
          const properties: Record<string, unknown> = type.startsWith('pulumi:providers:')
            ? { region: expr(i), secretKey: secret, accessKey: { 'fn::secret': secret } }
            : { availabilityZone: expr(i), subnetId: ref(i + 11), tags: { 'firebreak:service': expr(i + 13), Name: expr(i + 17) }, password: '${password}' };
          if (p.depth > 0 && i === 0) {
            let deep: unknown = secret;
            for (let d = 0; d < p.depth; d++) deep = pick(d, 2) === 0 ? [deep] : { k: deep };
            properties.deep = { 'fn::secret': deep };
          }
          resources[nm] = {
            type,
            properties,
            ...(pick(i + 19, 3) === 0 && i > 0
              ? { options: { dependsOn: ['${' + p.names[pick(i + 21, i)]! + '}'], additionalSecretOutputs: ['availabilityZone'] } }
              : {}),
          };
        });
        const yaml = toYaml(
          {
            name: 'fuzz',
            runtime: 'yaml',
            [p.configForm]: {
              zone: { type: 'string' },
              missingKey: { type: 'string' },
              password: { type: 'string', secret: true },
              declared: { type: 'string', secret: true },
              token: { type: 'string' },
            },
            resources,
            outputs: { out: ref(23) },
          },
          { aliasDuplicateObjects: false },
        );
        const projectDir = path.join(dir, `yaml-${n++}`);
        rmSync(projectDir, { recursive: true, force: true });
        mkdirSync(projectDir, { recursive: true });
        writeFileSync(path.join(projectDir, 'Pulumi.yaml'), p.hurt(yaml));
        writeFileSync(path.join(projectDir, 'motd.txt'), 'hello\n');
        writeFileSync(
          path.join(projectDir, 'Pulumi.dev.yaml'),
          toYaml({
            config: {
              'fuzz:zone': 'us-east-1a',
              'fuzz:password': { secure: `v1:${secret}` },
              'fuzz:declared': secret,
              'fuzz:token': { secure: Buffer.from(secret).toString('base64') },
              'aws:region': 'us-east-1',
            },
          }),
        );
        const o = await runCase(() => run(async () => loadInputs([`${projectDir}@dev`], { keepProperties: rules.properties })));
        noSecret(o, secret);
        if (o.texts.length > 0) analyzed++;
        else if (process.env.FIREBREAK_FUZZ_DEBUG) writeFileSync('/tmp/fuzz-errors.txt', `${o.errors[0]}\n`, { flag: 'a' });
      }),
      { seed: SEED, numRuns: Math.max(20, Math.round(RUNS / 2)) },
    );
    expect(analyzed).toBeGreaterThan(RUNS / 8);
  }, 120_000);

  it('topology files with hostile names, cycles and patterns end in a result or one-line errors', async () => {
    const domain = fc.record({
      name: hostileName,
      kind: fc.constantFrom('power-feed', 'datacenter', 'nope'),
      within: fc.constantFrom('capital-area', 'pangyo', 'loop', undefined),
      contains: fc.array(fc.constantFrom('sangam', 'capital-area', 'bank-dr', 'x'), { maxLength: 2 }),
    });
    const accepted = fc.record({ finding: fc.oneof(hostileName, fc.constantFrom('*', '************X', 'single-point-of-failure/*')), reason: hostileName });
    await fc.assert(
      fc.asyncProperty(
        fc.array(domain, { maxLength: 4 }),
        fc.array(accepted, { maxLength: 3 }),
        fc.array(hostileName, { maxLength: 2 }),
        async (domains, acc, services) => {
          const yaml = JSON.stringify({
            version: 1,
            domains,
            accepted: acc,
            services: Object.fromEntries(services.map((s) => [s, { critical: true, requires: ['KakaoTalk'] }])),
          });
          const file = path.join(dir, 'firebreak.yaml');
          writeFileSync(file, yaml);
          await runCase(() => run(async () => pangyo, file));
        },
      ),
      { seed: SEED, numRuns: Math.max(20, Math.round(RUNS / 3)) },
    );
  }, 120_000);
});

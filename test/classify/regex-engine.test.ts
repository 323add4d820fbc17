import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadRuleSet, parsePack } from '../../src/classify/packs.js';
import { piecesMatch } from '../../src/classify/text-match.js';
import type { InputError } from '../../src/errors.js';
import { BuiltinPattern, LinearPattern, REGEXP_TEXT_LIMIT, compilePattern, linearProblem, removeFirst } from '../../src/classify/regex-engine.js';

const root = path.resolve(import.meta.dirname, '..', '..');

/** Random patterns in the syntax the engine runs, over a small alphabet so that they match often. */
const patternArb: fc.Arbitrary<string> = fc
  .letrec<{ alt: string; seq: string; atom: string; piece: string }>((tie) => ({
    alt: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tie('seq'),
      fc.tuple(tie('seq'), tie('seq')).map(([a, b]) => `${a}|${b}`),
    ),
    seq: fc.array(tie('piece'), { minLength: 0, maxLength: 3 }).map((xs) => xs.join('')),
    piece: fc.tuple(tie('atom'), fc.constantFrom('', '', '*', '+', '?', '*?', '+?', '??', '{2}', '{1,3}', '{0,}', '{2,}?')).map(([a, q]) => a + q),
    atom: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(
        'a',
        'b',
        'ab',
        '.',
        '[ab]',
        '[^a]',
        '\\d',
        '\\w',
        '\\s',
        '\\W',
        '[a-c]',
        '[\\d-]',
        '[]',
        '[^]',
        '\\x61',
        '\\u0062',
        '-',
        ']',
        '{',
        'x{a}',
      ),
      tie('alt').map((a) => `(${a})`),
      tie('alt').map((a) => `(?:${a})`),
      tie('alt').map((a) => `(?<g${a.length}>${a})`),
    ),
  }))
  .alt.map((s) => s)
  .filter((s) => {
    if (s.length > 40) return false; // longer ones backtrack for seconds in RegExp on some texts
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  });
const anchored = fc.tuple(fc.constantFrom('', '^', '\\b'), patternArb, fc.constantFrom('', '$', '\\B')).map(([a, p, b]) => a + p + b);
const textArb = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '1', ' ', '-', '\n', '\u00a0', '_'), maxLength: 10 });

describe('the linear-time engine', () => {
  it('gives RegExp answers: whether it matches, where, and every group', () => {
    fc.assert(
      fc.property(anchored, textArb, (source, text) => {
        let p: LinearPattern;
        try {
          p = new LinearPattern(source);
        } catch {
          return; // named groups with duplicate names and the like: RegExp refuses those too, or the engine does
        }
        const native = new RegExp(source).exec(text);
        const mine = p.exec(text);
        expect(p.test(text), source).toBe(native !== null);
        if (native) {
          expect(mine?.index, source).toBe(native.index);
          expect([...mine!], source).toEqual([...native]);
        } else expect(mine).toBeNull();
      }),
      { seed: 7, numRuns: 4000 },
    );
  }, 60_000);

  it("gives RegExp's answers on an interpolation's pieces too (text-match.ts wraps the pattern in the same engine)", () => {
    const pieces = fc.array(textArb, { minLength: 2, maxLength: 4 });
    fc.assert(
      fc.property(anchored, pieces, (source, ps) => {
        let p: LinearPattern;
        try {
          p = new LinearPattern(source);
        } catch {
          return;
        }
        expect(piecesMatch(p, ps), source).toBe(piecesMatch(new RegExp(source), ps));
      }),
      { seed: 11, numRuns: 1500 },
    );
  });

  it('gives the built-in packs’ answers on their own patterns', () => {
    const texts = [
      'us-east-1a',
      'europe-west1-b',
      'arn:aws:lambda:us-east-2:123:function:x',
      'web-1',
      'db.primary',
      'nginx:1.25',
      'library/redis@sha',
      'grafana/grafana',
    ];
    const packs = readFileSync(path.join(root, 'rules', 'aws.yaml'), 'utf8') + readFileSync(path.join(root, 'rules', 'core.yaml'), 'utf8');
    const sources = [...packs.matchAll(/^\s*(?:matches|pattern|public|zoneRegion|idRegion|nameSuffix): '(.*)'$/gm)].map((m) => m[1]!.replace(/''/g, "'"));
    expect(sources.length).toBeGreaterThan(2);
    for (const source of sources) {
      if (linearProblem(source)) continue;
      const p = new LinearPattern(source);
      for (const t of texts) expect([...(p.exec(t) ?? [])], `${source} on ${t}`).toEqual([...(new RegExp(source).exec(t) ?? [])]);
    }
  });

  it('runs a catastrophic pattern in linear time, with the answer RegExp gives when it ends', () => {
    const p = new LinearPattern('(a+)+$');
    for (const n of [5, 12, 18]) {
      const text = `${'a'.repeat(n)}!`;
      expect(p.test(text)).toBe(/(a+)+$/.test(text)); // RegExp: 2^n steps, still quick at 18
      expect(p.test('a'.repeat(n))).toBe(true);
    }
    // Linear: the work counted stays within a bound linear in the text's length (RegExp: 2^5000 steps).
    const within = (q: LinearPattern, text: string, run: (q: LinearPattern, t: string) => unknown, answer: unknown): void => {
      expect(run(q, text)).toBe(answer);
      expect(q.lastWork).toBeGreaterThan(text.length);
      expect(q.lastWork).toBeLessThanOrEqual(q.workBound(text.length));
    };
    const test = (q: LinearPattern, t: string): boolean => q.test(t);
    within(p, `${'a'.repeat(5000)}!`, test, false);
    within(p, `${'a'.repeat(5000)}!`, (q, t) => q.exec(t), null);
    within(new LinearPattern('(a|a)*$'), `${'a'.repeat(5000)}!`, test, true); // matches the empty string at the end
    within(new LinearPattern('^(a|a)*$'), `${'a'.repeat(5000)}!`, test, false);
    within(new LinearPattern('^(\\w+\\s?)*$'), `${'word '.repeat(2000)}!`, test, false);
    within(new LinearPattern('^(\\w+\\s?)*$'), `${'word '.repeat(2000)}!`, (q, t) => q.exec(t), null);
    // The bound is linear: ten times the text, ten times the work (about), not a hundred.
    const q = new LinearPattern('(a+)+$');
    q.test(`${'a'.repeat(1000)}!`);
    const small = q.lastWork;
    q.test(`${'a'.repeat(10_000)}!`);
    expect(q.lastWork / small).toBeLessThan(11);
  });

  it('names what it cannot run, without quoting the pattern', () => {
    expect(linearProblem('(a+)+(?!b)$')).toBe('a lookahead');
    expect(linearProblem('(?<=x)y')).toBe('a lookbehind');
    expect(linearProblem('(a)\\1')).toMatch(/^a backreference/);
    expect(linearProblem('(?<n>a)\\k<n>')).toMatch(/^a backreference/);
    expect(linearProblem('a{1001}')).toBe('a repeat count over 1,000');
    expect(linearProblem('((a{1000}){1000})')).toMatch(/^a pattern over 5,000 steps/);
    expect(linearProblem('(a+)+$')).toBeUndefined();
  });

  it('removes the first match as String.replace does', () => {
    const p = new LinearPattern('(?:[-_.](?:\\d+|[a-z])|\\d+)$');
    for (const name of ['web-1', 'web_b', 'web', 'api-12', 'a1']) expect(removeFirst(p, name)).toBe(name.replace(new RegExp(p.source), ''));
  });

  it('keeps RegExp for a pattern it cannot run that no pack refused (a pack built in code)', () => {
    expect(compilePattern('a(?=b)')).toBeInstanceOf(RegExp);
    expect(compilePattern('(a+)+$')).toBeInstanceOf(LinearPattern);
  });
});

describe('no process-wide V8 flag', () => {
  it('importing the library and loading the packs leaves V8 as it was (a child process probes the linear flag)', () => {
    // The `l` (linear) RegExp flag exists only under --enable-experimental-regexp-engine, which firebreak used to set.
    const probe = (nodeFlags: string[]): string => {
      const script = [
        `const lib = await import(${JSON.stringify(path.join(root, 'src', 'index.ts'))});`,
        'lib.loadRules([]);',
        "try { new RegExp('a', 'l'); console.log('linear flag: on'); } catch { console.log('linear flag: off'); }",
      ].join('\n');
      return spawnSync(process.execPath, [...nodeFlags, '--import', 'tsx', '--input-type=module', '-e', script], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      }).stdout.trim();
    };
    expect(probe([])).toBe('linear flag: off');
    expect(probe(['--enable-experimental-regexp-engine'])).toBe('linear flag: on'); // the probe sees the flag when it is set
  }, 120_000);

  it('no source file sets V8 flags (setFlagsFromString), which would change the whole process of a library user', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
      );
    const setting = files(path.join(root, 'src')).filter((f) => /setFlagsFromString/.test(readFileSync(f, 'utf8')));
    expect(setting).toEqual([]);
  });
});

describe("the built-in packs' patterns, which RegExp runs", () => {
  /** Every pattern of rules/ and rules/generated/ (the keys schema.ts reads as regular expressions). */
  const builtinSources = (): string[] => {
    const files = ['rules', 'rules/generated'].flatMap((dir) =>
      readdirSync(path.join(root, dir))
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => path.join(root, dir, f)),
    );
    const out = new Set<string>();
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          if (typeof x === 'string' && ['matches', 'pattern', 'public', 'host', 'zoneRegion', 'idRegion', 'nameSuffix'].includes(k)) out.add(x);
          else walk(x);
        }
    };
    for (const f of files) walk(parse(readFileSync(f, 'utf8')));
    return [...out];
  };

  it('end quickly on long texts built to make a backtracking engine stall (RegExp up to its limit, then linear time)', () => {
    loadRuleSet([]);
    const sources = builtinSources();
    expect(sources.length).toBeGreaterThan(10);
    // Runs of what patterns repeat (letters, digits, separators), spoiled at the end: as long as RegExp takes, and longer.
    const texts = ['a', '0', '-', '.', 'a-', '0-', '/a', 'a ', ':'].flatMap((unit) =>
      [REGEXP_TEXT_LIMIT, 5_000].flatMap((n) => {
        const run = unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
        return [`${run}!`, `x${run}`];
      }),
    );
    for (const source of sources) {
      const p = compilePattern(source);
      expect(p).toBeInstanceOf(BuiltinPattern);
      // A pattern that stalls RegExp on these texts would run into the test's timeout (no clock is read here: the
      // linear engine's work on long texts is counted in the tests above).
      for (const t of texts) {
        const answer = p.test(t);
        if (t.length <= REGEXP_TEXT_LIMIT) expect(answer, source).toBe(new RegExp(source).test(t));
      }
    }
  }, 120_000);

  it('a long text gets the same answers in the linear-time engine as RegExp gives', () => {
    loadRuleSet([]);
    const suffix = compilePattern(builtinSources().find((s) => s.includes('primary|secondary'))!); // grouping.nameSuffix
    const long = `web-${'7'.repeat(5000)}`;
    expect(suffix.exec(long)?.[0]).toBe(`-${'7'.repeat(5000)}`);
    expect(removeFirst(suffix, long)).toBe('web');
    expect(removeFirst(suffix, `${'x'.repeat(5000)}-primary`)).toBe('x'.repeat(5000));
  });

  it('run in RegExp once their pack is loaded; a user pack’s run in the linear-time engine', () => {
    loadRuleSet([]);
    const lookaround = builtinSources().find((s) => linearProblem(s) !== undefined);
    expect(lookaround).toBeDefined(); // a built-in pack keeps a lookaround (rules/ops.yaml)
    expect(compilePattern(lookaround!)).toBeInstanceOf(BuiltinPattern);
    expect(compilePattern('^(acme|widget)-[0-9]+$')).toBeInstanceOf(LinearPattern);
  });
});

describe("a user pack's patterns, wherever they are", () => {
  const problems = (text: string): string[] => {
    try {
      parsePack(text, '/tmp/user-pack.yaml');
      return [];
    } catch (err) {
      return (err as InputError).problems.map((p) => `${p.line}: ${p.reason}`);
    }
  };

  it('are refused with their line when the linear-time engine cannot run them, in every field that is a pattern', () => {
    const text = [
      'pack: mine',
      'description: x',
      'providers:',
      "  - { package: acme, domain: region, zoneRegion: '^(\\w+)-(?=\\d)', idRegion: '(a)\\1' }",
      "grouping: { nameSuffix: '(?<!x)-\\d+$' }",
      'rules:',
      '  - id: w',
      '    info: x',
      '    match: { type: [acme:widget:Widget] }',
      "    spans: [{ property: multiAz, equals: true, and: [{ property: mode, matches: '^(?!off)' }], scope: regional }]",
      '',
    ].join('\n');
    const found = problems(text);
    expect(found).toHaveLength(4);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^4: providers\.0\.zoneRegion: .*linear-time engine.*\(a lookahead\)/),
        expect.stringMatching(/^4: providers\.0\.idRegion: .*\(a backreference/),
        expect.stringMatching(/^5: grouping\.nameSuffix: .*\(a lookbehind\)/),
        expect.stringMatching(/^10: rules\.0\.spans\.0\.and\.0\.matches: .*\(a lookahead\)/),
      ]),
    );
  });

  it('load when the engine runs them, and match as RegExp would', () => {
    const text = "pack: mine\ndescription: x\nproviders:\n  - { package: acme, domain: region, zoneRegion: '^([a-z]+-[a-z]+[0-9]+)-[a-z]$' }\n";
    expect(problems(text)).toEqual([]);
    const zone = compilePattern('^([a-z]+-[a-z]+[0-9]+)-[a-z]$');
    expect(zone).toBeInstanceOf(LinearPattern);
    expect(zone.exec('europe-west1-b')?.[1]).toBe('europe-west1');
    expect(zone.exec(`europe-west1-${'b'.repeat(5000)}`)).toBeNull();
  });
});

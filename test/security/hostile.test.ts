/**
 * Hostile and huge input (issue 21): every defect of the security pass, each
 * with a test that fails without its fix, and property tests that hostile
 * names leave every format well-formed and come back as text.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { InputError, formatProblem } from '../../src/errors.js';
import { compileGlob } from '../../src/glob.js';
import { MAX_JSON_DEPTH, parseJson } from '../../src/ingest/json.js';
import { dotString } from '../../src/report/dot.js';
import { escapeMarkdown } from '../../src/report/markdown.js';
import { mermaidString } from '../../src/report/mermaid.js';
import { visible } from '../../src/visible.js';
import { fixture, runCli, tempFile } from '../helpers/cli.js';
import { hostileExport } from '../helpers/reports.js';

const hasGraphviz = spawnSync('dot', ['-V']).status === 0;

/** Names made of the characters that break formats, plus any unicode. */
const NASTY = [
  '"',
  '\\',
  '\n',
  '\r',
  '`',
  '|',
  '<',
  '>',
  '&',
  '#',
  ';',
  '%',
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  '*',
  '_',
  '~',
  '@',
  ':',
  '/',
  '\x1b',
  '\x07',
  '\u202e',
  '\u2066',
  '\u2028',
  '\u0000',
  ' ',
  'www.',
  'http://',
  '%%{init: {"theme":"dark"}}%%',
  '\\"',
  '\\n',
  '\\N',
  'javascript:',
];
const hostileName = fc.oneof(
  fc.array(fc.constantFrom(...NASTY), { minLength: 0, maxLength: 12 }).map((a) => a.join('')),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ maxLength: 20 }).map((s) => `${s}\\`),
);

function decodeEntities(s: string, re: RegExp): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };
  return s.replace(re, (_m, name: string) => (name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1))) : named[name]!));
}

const flat = (s: string): string => visible(s.replace(/\r\n|\r|\n/g, ' '));

describe('escaping per format', () => {
  it('text: control and bidi characters become visible escapes', async () => {
    expect(visible('a\x1b[31mred\x1b]0;title\x07\u202egnp.exe')).toBe('a\\x1b[31mred\\x1b]0;title\\x07\\u202egnp.exe');
    expect(visible('plain name-1')).toBe('plain name-1');
    // zero-width space and word joiner hide in a name; the joiner inside an emoji sequence (U+200D) stays.
    expect(visible('a\u200bb\u2060c\ufeff')).toBe('a\\u200bb\\u2060c\\ufeff');
    expect(visible('\u{1f469}\u200d\u{1f52c}')).toBe('\u{1f469}\u200d\u{1f52c}');
    expect(visible('\ud800x')).toBe('\\ud800x');
  });

  it('errors stay one line whatever the name', async () => {
    const line = formatProblem({ file: 'firebreak.yaml', line: 3, reason: 'service "x\nfirebreak: error: forged" is no service' });
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('\\x0a');
  });

  it('dot: a quoted string cannot end early, and holds no backslash escape', async () => {
    fc.assert(
      fc.property(hostileName, (name) => {
        const q = dotString(name);
        expect(q).toMatch(/^"[^"\\\n\r]*"$/);
        // Graphviz decodes entities, then its escapes: `\\` (two &#92;) is one backslash.
        expect(decodeEntities(q.slice(1, -1), /&(#\d+|amp|lt|gt|quot);/g).replace(/\\\\/g, '\\')).toBe(flat(name));
      }),
      { seed: 21, numRuns: 500 },
    );
  });

  it.runIf(hasGraphviz)('dot: graphviz parses hostile labels and renders them as text', async () => {
    const names = fc.sample(hostileName, { seed: 7, numRuns: 150 }).concat(['x\\', '\\"];n9 [URL="javascript:alert(1)"]; n8 [label="']);
    const dot = `digraph t {\n${names.map((n, i) => `  n${i} [label=${dotString(`<${n}>`)}];`).join('\n')}\n}\n`;
    const r = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const svg = new XMLParser({ ignoreAttributes: false, trimValues: false, processEntities: true, htmlEntities: true }).parse(r.stdout);
    const nodes = ([] as Array<Record<string, unknown>>).concat(svg.svg.g.g).filter((g) => g['@_class'] === 'node');
    expect(nodes).toHaveLength(names.length);
    expect(r.stdout).not.toMatch(/href=/);
    // Each label comes back as the text of its node (graphviz may split it over several <text> lines, and trims).
    const textOf = (v: unknown): string =>
      typeof v === 'string'
        ? v
        : Array.isArray(v)
          ? v.map(textOf).join('')
          : v && typeof v === 'object'
            ? textOf((v as Record<string, unknown>)['#text'] ?? '')
            : '';
    nodes.forEach((g, i) => {
      const shown = textOf(g.text).replace(/\s+/g, '');
      expect(shown).toBe(`<${flat(names[i]!)}>`.replace(/\s+/g, ''));
    });
  });

  it('mermaid: labels hold no quote, markup, directive or line break, never empty, and decode to the name', async () => {
    fc.assert(
      fc.property(hostileName, (name) => {
        const q = mermaidString(name);
        expect(q).toMatch(/^"[^"<>`%{}\n\r]+"$/);
        const back = q
          .slice(1, -1)
          .replace(/#(\d+|quot|amp|lt|gt);/g, (_m, e: string) =>
            /^\d+$/.test(e) ? String.fromCodePoint(Number(e)) : { quot: '"', amp: '&', lt: '<', gt: '>' }[e]!,
          );
        expect(back).toBe(flat(name) === '' || /^\s*$/.test(flat(name)) ? ' ' : flat(name));
      }),
      { seed: 21, numRuns: 500 },
    );
  });

  it('mermaid: no stack name in a comment line', async () => {
    const spec = hostileExport('db', 'shop');
    const doc = readFileSync(spec, 'utf8').split('two-zones').join('x%%{init: {"theme":"forest"}}%%');
    const file = tempFile('directive.json', doc);
    const r = await runCli(['analyze', file, '--format', 'mermaid', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('%%{');
    for (const line of r.stdout.split('\n')) if (line.trim().startsWith('%%')) expect(line).not.toContain('init');
  });

  it('markdown: no pipe, backtick, HTML, link, autolink or mention survives', async () => {
    fc.assert(
      fc.property(hostileName, (name) => {
        const e = escapeMarkdown(name);
        expect(e.replace(/&(#\d+|amp|lt|gt);/g, '')).not.toMatch(/[|`<>[\]\\\n\r@#*_~]|:\/\/|www\./i);
        expect(decodeEntities(e, /&(#\d+|amp|lt|gt);/g)).toBe(flat(name));
      }),
      { seed: 21, numRuns: 500 },
    );
  });

  it('text report: a name with terminal escapes is printed escaped', async () => {
    const spec = hostileExport('db\x1b]0;pwned\x07\x1b[2J', 'shop\u202eevil');
    const r = await runCli(['analyze', spec, '--format', 'text', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/[\x1b\x07\u202e]/);
    expect(r.stdout).toContain('db\\x1b]0;pwned\\x07\\x1b[2J');
  });
});

describe('malformed JSON', () => {
  it('says where and what was expected, never the bytes around it', async () => {
    const secret = 'sup3r-s3cret-r2';
    const text = `{"deployment":{"resources":[{"urn":"u","outputs":{"password":"${secret}\\"","x":True}}}]}}`;
    let message = '';
    try {
      parseJson(text, 'bad.json');
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      message = (err as InputError).message;
    }
    expect(message).toMatch(/^bad\.json:1:\d+: invalid JSON: expected /);
    expect(message).not.toContain('s3cret');
    expect(message).not.toContain('True');
    expect(message.split('\n')).toHaveLength(1);
  });

  it('a multi-line string error stays one line', async () => {
    expect(() => parseJson('{"a":"line1\nline2\nline3"}', 'f.json')).toThrow(/^f\.json:1:\d+: invalid JSON: expected a closing quote[^\n]*$/);
  });

  it('refuses nesting beyond the limit with the file, line and the limit', async () => {
    const deep = `\n${'['.repeat(500_000)}${']'.repeat(500_000)}`;
    expect(() => parseJson(deep, 'deep.json')).toThrow(
      new RegExp(`^deep\\.json:2:${MAX_JSON_DEPTH + 1}: JSON nested too deeply: firebreak reads at most ${MAX_JSON_DEPTH} levels`),
    );
    const r = await runCli(['analyze', tempFile('deep.json', deep), '--fail-on', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('internal error');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('bounded work', () => {
  it('globs match as the old regular expressions did', async () => {
    const old = (p: string): RegExp =>
      new RegExp(
        `^${p
          .split('*')
          .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      );
    const alpha = fc.string({ unit: fc.constantFrom('a', 'b', '*', '?', '.', '/'), maxLength: 10 });
    fc.assert(
      fc.property(alpha, fc.string({ unit: fc.constantFrom('a', 'b', '?', '.', '/', '*'), maxLength: 14 }), (p, t) => {
        expect(compileGlob(p)(t)).toBe(old(p).test(t));
      }),
      { seed: 21, numRuns: 3000 },
    );
  });

  it('a pattern built to backtrack gives its answers (a backtracking matcher would run into the test timeout)', async () => {
    const m = compileGlob(`${'*'.repeat(500)}X`);
    const n = compileGlob(`${'a*'.repeat(400)}X`);
    for (let i = 0; i < 100; i++) {
      expect(m('a'.repeat(5000))).toBe(false);
      expect(n('a'.repeat(5000))).toBe(false);
    }
    expect(() => compileGlob('x'.repeat(2000))).toThrow(RangeError);
  });

  it('a domain within its own descendant is an exit-2 error naming both', async () => {
    const topo = tempFile(
      'firebreak.yaml',
      'version: 1\ndomains:\n  - name: loop\n    kind: power-feed\n    within: capital-area\n    contains: [capital-area]\n',
    );
    const r = await runCli(['analyze', '.@pangyo-2022', '--topology', topo, '--format', 'html', '--fail-on', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^firebreak: error: .*firebreak\.yaml:\d+:\d+: domain capital-area\/loop is within capital-area, and capital-area is within capital-area\/loop/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('the cut-set search stops at --max-seconds and says so', async () => {
    const r = await runCli(['analyze', '.@pangyo-2022', '--order', '3', '--max-seconds', '0.001', '--format', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    const errors = JSON.parse(r.stdout).analysisErrors as Array<{ message: string }>;
    // Small inputs may finish before the first check; when it stops, it names the limit.
    for (const e of errors) expect(e.message).toMatch(/stopped at its (time limit \(--max-seconds 0\.001\)|scenario budget|memory limit)/);
  });
});

describe('errors name the position and what was expected, never input bytes', () => {
  const SECRET = 'pl4nted-Qx7err';
  const project = (files: Record<string, string>): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-err-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return dir;
  };
  const expectClean = (r: { code: number; stderr: string }, where: RegExp): void => {
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(where);
    expect(r.stderr).not.toContain(SECRET);
    expect(r.stderr).not.toContain('internal error');
    for (const line of r.stderr.trim().split('\n')) expect(line).toMatch(/^firebreak: error: /);
  };

  it('a bad URN is named by its position, not quoted', async () => {
    const doc = JSON.parse(readFileSync(fixture('exports', 'two-zones-single-db.json'), 'utf8'));
    doc.deployment.resources[2].urn = `urn:pulumi:${SECRET}-not-a-urn`;
    const r = await runCli(['analyze', tempFile('bad-urn.json', JSON.stringify(doc))]);
    expectClean(r, /resources\[2\]\.urn: not a Pulumi URN \(expected urn:pulumi:STACK::PROJECT::TYPE::NAME\)/);
  });

  it("YAML parser errors are in firebreak's words with line and column, no code frame, no alias or tag name", async () => {
    const head = 'name: p\nruntime: yaml\n';
    const cases: Array<[string, RegExp]> = [
      [`${head}resources:\n  a:\n    type: aws:s3:Bucket\n    properties: { bucket: "${SECRET}\n`, /Pulumi\.yaml:\d+:\d+: invalid YAML: /],
      [`${head}variables:\n  a: *${SECRET}\n`, /Pulumi\.yaml:\d+:\d+: invalid YAML: an alias that names no anchor/],
      [`${head}variables:\n  a: [${SECRET}, \n`, /Pulumi\.yaml:\d+:\d+: invalid YAML: /],
      [`${head}variables:\n\ta: ${SECRET}\n`, /Pulumi\.yaml:\d+:\d+: invalid YAML: /],
    ];
    for (const [text, where] of cases) expectClean(await runCli(['analyze', project({ 'Pulumi.yaml': text, 'Pulumi.dev.yaml': 'config: {}\n' })]), where);
  });

  it('a config value of the wrong type is described, not quoted (it may be a secret in plain text)', async () => {
    const dir = project({ 'Pulumi.yaml': 'name: p\nruntime: yaml\nconfig:\n  n:\n    type: integer\n', 'Pulumi.dev.yaml': `config:\n  p:n: ${SECRET}\n` });
    expectClean(await runCli(['analyze', dir]), /Pulumi\.dev\.yaml:2:\d+: config p:n: expected integer, got a string/);
  });

  it('a runtime, compiler or feature that is not a name is not quoted', async () => {
    expectClean(await runCli(['analyze', project({ 'Pulumi.yaml': `name: p\nruntime: "${SECRET} x"\n` })]), /runtime \(not a runtime name\)/);
    expectClean(
      await runCli(['analyze', project({ 'Pulumi.yaml': `name: p\nruntime:\n  name: yaml\n  options:\n    compiler: ${SECRET}\n` })]),
      /runtime\.options\.compiler is set/,
    );
    const state = { version: 4, features: [`${SECRET} x`], deployment: { manifest: {}, resources: [] } };
    expectClean(await runCli(['analyze', tempFile('features.json', JSON.stringify(state))]), /does not support: features\[0\]/);
  });
});

describe('files', () => {
  it.runIf(process.platform !== 'win32')('refuses a FIFO or a device as input instead of blocking', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-fifo-'));
    const fifo = path.join(dir, 'in.json');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    for (const input of [fifo, '/dev/zero']) {
      // Blocking on the FIFO would run into the test's timeout.
      const r = await runCli(['analyze', input, '--fail-on', 'none']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/not a regular file/);
    }
  });

  it('--output refuses an input and a directory, and leaves nothing half-written', async () => {
    const input = tempFile('state.json', readFileSync(fixture('exports', 'two-zones-single-db.json'), 'utf8'));
    const before = readFileSync(input, 'utf8');
    const r = await runCli(['analyze', input, '--output', input, '--fail-on', 'none']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is an input of this run/);
    expect(readFileSync(input, 'utf8')).toBe(before);
    const dir = path.dirname(input);
    const d = await runCli(['analyze', input, '--output', dir, '--fail-on', 'none']);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/is a directory/);
    const out = path.join(dir, 'report.md');
    expect((await runCli(['analyze', input, '--format', 'markdown', '--output', out, '--fail-on', 'none'])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^\*\*firebreak: passed\*\*.*\n\n### firebreak/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const missing = await runCli(['analyze', input, '--output', path.join(dir, 'no', 'such', 'dir', 'r.txt'), '--fail-on', 'none']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot write the text report \(no such directory\)/);
  });

  it('__proto__ and constructor in propertyDependencies are just names', async () => {
    const doc = JSON.parse(readFileSync(fixture('exports', 'two-zones-single-db.json'), 'utf8'));
    const plain = await runCli(['analyze', tempFile('a.json', JSON.stringify(doc)), '--format', 'json', '--fail-on', 'none']);
    const r = doc.deployment.resources.find((x: { dependencies?: string[] }) => x.dependencies && x.dependencies.length > 0);
    r.propertyDependencies = JSON.parse(`{"__proto__": ${JSON.stringify([r.dependencies[0]])}, "constructor": ${JSON.stringify([r.dependencies[0]])}}`);
    const text = JSON.stringify(doc).replace('"propertyDependencies":{', '"propertyDependencies":{"__proto__":["x"],');
    const hostile = await runCli(['analyze', tempFile('a.json', text), '--format', 'json', '--fail-on', 'none']);
    expect(hostile.stderr).toBe('');
    expect(hostile.code).toBe(plain.code);
    const strip = (s: string): unknown => {
      const v = JSON.parse(s);
      delete v.inputs;
      return v.findings.map((f: { id: string }) => f.id);
    };
    expect(strip(hostile.stdout)).toEqual(strip(plain.stdout));
  });
});

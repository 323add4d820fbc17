/**
 * Hostile names in every output format: one stack export whose stack,
 * project, resource, tag and service names carry bidi and zero-width
 * characters, C0/C1 controls, line breaks, NUL, a lone surrogate, the
 * metacharacters of markdown, HTML, XML, DOT and mermaid, and a 10,000
 * character name. Each format stays well-formed; no control or bidi
 * character reaches human-facing text unescaped; long names are cut with a
 * marker, never silently.
 */
import { spawnSync } from 'node:child_process';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { hasUnsafe } from '../../src/visible.js';
import { fixture, runCli } from '../helpers/cli.js';
import { renamedExport } from '../helpers/reports.js';

const hasGraphviz = spawnSync('dot', ['-V']).status === 0;

/** Everything that breaks a format or fools a reader, in one name. */
const EVIL =
  'db\u202eexe.\u2066\u2067\u2068\u2069\u200b\ufeff\x01\x1b[31m\x7f\x85\x9b\r\n\0\ud800 <b>&amp;</b> ]]> --> </script> `tick` a|b "q" \'s\' \\ {x}[y](z) #1 %%{init}%% ;} subgraph @me *_~';
const SERVICE = 'shop\u202e\u2066svc\u200b|`x`\n<i>&</i>]]>-->';
const STACK = 'prod\u202ekcats\x1b]0;t\x07';
const PROJECT = 'shop\u2067proj<&>';
const LONG = `web-${'L'.repeat(10_000)}-end`;

/** Bidi, zero-width, C0/C1 and lone surrogates: what may never reach human-facing text raw. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udfff]/u;

function hostileFile(): string {
  return renamedExport(
    'hostile-formats.json',
    [
      ['urn:pulumi:prod::shop::', `urn:pulumi:${STACK}::${PROJECT}::`],
      ['orders-db', EVIL],
      ['web-1', LONG],
    ],
    SERVICE,
  );
}

const file = hostileFile();

async function render(args: string[]): Promise<string> {
  const r = await runCli(args[0] === 'analyze' ? [...args, '--fail-on', 'none'] : args);
  expect(r.stderr.split('\n').filter((l) => l.includes('error'))).toEqual([]);
  expect(r.code, r.stderr).toBeLessThanOrEqual(1);
  return r.stdout;
}

const analyze = (format: string): Promise<string> => render(['analyze', file, '--format', format]);

/** Human-facing text: nothing raw; the long name cut with its marker, not silently. */
function expectShown(text: string, where: string): void {
  const m = RAW.exec(text);
  expect(m ? `${where}: raw U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${m.index}` : '').toBe('');
  if (text.includes('LLLL')) expect(text, where).toMatch(/more characters\]|-end/);
}

describe('hostile names, format by format', () => {
  it('json keeps every name exactly (it is data, not display)', async () => {
    const out = await analyze('json');
    const doc = JSON.parse(out);
    const all = JSON.stringify(doc);
    expect(all).toContain(JSON.stringify(EVIL).slice(1, -1).replace('\\ud800', '\\ud800'));
    expect(all).toContain(LONG);
  });

  it('text and markdown: nothing raw, long names cut with a marker', async () => {
    expectShown(await analyze('text'), 'text');
    const md = await analyze('markdown');
    expectShown(md, 'markdown');
    // table rows keep their column count: no raw pipe, no line break inside a cell.
    for (const line of md.split('\n').filter((l) => l.startsWith('|'))) expect(line.replace(/\\\|/g, '')).not.toMatch(/\|\|\|/);
  });

  it('junit: well-formed XML whose messages and names hold nothing raw', async () => {
    const xml = await analyze('junit');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, processEntities: true, htmlEntities: true }).parse(xml);
    const strings: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(doc);
    expect(strings.length).toBeGreaterThan(0);
    for (const s of strings) expectShown(s, 'junit');
    expect(xml).toContain('\\u202e');
  });

  it('sarif: valid JSON whose message texts hold nothing raw', async () => {
    const sarif = JSON.parse(await analyze('sarif'));
    const texts: string[] = [];
    for (const run of sarif.runs) for (const r of run.results) texts.push(r.message.text);
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) expectShown(t, 'sarif');
    expect(texts.join('\n')).toContain('\\u202e');
  });

  it('html: one data script that cannot close early, and page data that shows nothing raw', async () => {
    const html = await analyze('html');
    expect(html.match(/<\/script/gi)).toHaveLength(html.match(/<script/gi)!.length);
    const data = /<script type="application\/json" id="firebreak-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    const parsed = JSON.parse(data);
    const strings: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') strings.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          strings.push(k);
          walk(x);
        }
    };
    walk(parsed);
    for (const s of strings) expectShown(s, 'html');
    const outside = html.replace(/<script[\s\S]*?<\/script>/g, '');
    expectShown(outside, 'html page');
  });

  it.runIf(hasGraphviz)('dot: graphviz renders it', async () => {
    const dot = await analyze('dot');
    expectShown(dot, 'dot');
    const r = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
  });

  it('mermaid: labels are quoted strings with no quote, markup, directive or line break', async () => {
    const mm = await analyze('mermaid');
    expectShown(mm, 'mermaid');
    expect(mm).not.toContain('%%{');
    for (const line of mm.split('\n')) {
      const labels = line.match(/"[^"]*"/g) ?? [];
      for (const l of labels) expect(l).toMatch(/^"[^"<>`%{}\n\r]+"$/);
      // outside the quoted labels only ids, arrows and keywords
      if (!line.trim().startsWith('%%')) expect(line.replace(/"[^"]*"/g, '""').replace(/-\.->|-->|==>|-\.-|---/g, '')).not.toMatch(/[<>`&]/);
    }
  });

  it('whatif, plan and diff, text and markdown: nothing raw', async () => {
    for (const format of ['text', 'markdown']) {
      expectShown(await render(['whatif', '--fail', 'us-east-1a', file, '--format', format]), `whatif ${format}`);
      expectShown(await render(['plan', '--add-domain', 'b', file, '--format', format]), `plan ${format}`);
      expectShown(await render(['diff', fixture('exports', 'two-zones-single-db.json'), file, '--format', format]), `diff ${format}`);
    }
  });

  it('check: its text and markdown output show nothing raw', async () => {
    for (const format of ['text', 'markdown']) {
      const r = await runCli(['check', file, '--format', format]);
      expect(r.code, r.stderr).toBeLessThanOrEqual(1);
      expectShown(r.stdout, `check ${format}`);
      expectShown(r.stderr, `check ${format} (stderr)`);
    }
  });

  it('every human-facing format names the hostile service (escaped), none drops it', async () => {
    for (const format of ['text', 'markdown', 'junit', 'sarif']) {
      const out = await analyze(format);
      expect(
        format === 'sarif' ? JSON.stringify(JSON.parse(out).runs[0].results.map((r: { message: { text: string } }) => r.message.text)) : out,
        format,
      ).toMatch(/shop(\\{1,2}u202e|&#92;u202e)/);
    }
    expect(hasUnsafe(SERVICE)).toBe(true);
  });
});

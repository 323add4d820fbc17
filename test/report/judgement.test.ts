/**
 * The whatif, plan and diff renderers: the lists of what was not judged are
 * capped as analyze caps them, names from input are escaped for each format,
 * and the output is byte-identical on a rerun. Documents from the library,
 * given hostile blind spots and unjudged resources.
 */
import { describe, expect, it } from 'vitest';
import { analyze, diff, loadInputs, loadRules, plan, renderDocument, whatif, type DocumentKind, type StackInput } from '../../src/index.js';
import { fixture } from '../helpers/cli.js';

const rules = loadRules();
const load = (spec: string): Promise<StackInput[]> => loadInputs([spec], { keepProperties: rules.properties });

const HOSTILE = 'db\u001b]0;pwn\u0007 <b>*x*</b> @team #1';
const MANY = 55;

/** The document with MANY hostile blind spots and unjudged resources. */
function hostile<T extends { blindSpots: unknown[]; unjudged: unknown[] }>(doc: T): T {
  return {
    ...doc,
    blindSpots: Array.from({ length: MANY }, (_, i) => ({ kind: 'unknown-zone', subject: `urn:${i}`, message: `${HOSTILE} ${i}` })),
    unjudged: Array.from({ length: MANY }, (_, i) => ({
      urn: `urn:${i}`,
      type: 'aws:s3:Bucket',
      name: `b${i}`,
      reason: 'no-rule',
      message: `${HOSTILE} u${i}`,
    })),
  };
}

async function documents(): Promise<Array<[DocumentKind, unknown]>> {
  const inputs = await load(fixture('exports', 'two-zones-single-db.json'));
  const a = analyze(inputs);
  const w = whatif(inputs, ['us-east-1a']);
  const p = plan(inputs, { addDomain: 'us-east-1c', packs: rules.packs });
  const d = diff(a, a);
  const unjudged = { ...a.summary.coverage, unjudged: MANY };
  return [
    ['whatif', hostile({ ...w, coverage: unjudged })],
    ['plan', hostile({ ...p, coverage: unjudged })],
    ['diff', hostile({ ...d, coverage: { before: a.summary.coverage, after: unjudged } })],
  ];
}

describe('whatif, plan and diff renderers: what was not judged', () => {
  it('text: the first 20 of each list, escaped, and the survival sentences qualified', async () => {
    for (const [kind, doc] of await documents()) {
      const text = renderDocument(kind, doc as never, 'text');
      expect(text, kind).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
      expect(text, kind).toContain('db\\x1b]0;pwn\\x07 <b>*x*</b> @team #1 19');
      expect(text, kind).not.toContain('#1 20\n');
      expect(text, kind).toContain(`  ... and ${MANY - 20} more (see --format json)`);
      expect(text, kind).toContain(`firebreak could judge (`);
      expect(text, kind).toContain(`${MANY} resources unjudged, ${MANY} blind spots: see below)`);
      expect(renderDocument(kind, doc as never, 'text'), kind).toBe(text);
    }
  });

  it('markdown: the first 50 of each list, in collapsed blocks, every name escaped', async () => {
    for (const [kind, doc] of await documents()) {
      const md = renderDocument(kind, doc as never, 'markdown');
      expect(md, kind).not.toMatch(/<b>|\u001b|@team|#1/);
      expect(md, kind).toContain('db&#92;x1b&#93;0;pwn&#92;x07 &lt;b&gt;&#42;x&#42;&lt;/b&gt; &#64;team &#35;1 49');
      expect(md, kind).not.toContain('&#35;1 50\n');
      expect(md, kind).toContain(`- … and ${MANY - 50} more (see \`--format json\`)`);
      expect(md, kind).toContain(`<details><summary>Blind spots (${MANY}): what firebreak could not judge</summary>`);
      expect(md, kind).toContain(`<details><summary>Unjudged (${MANY}): resources that could fail but were not judged</summary>`);
      expect(renderDocument(kind, doc as never, 'markdown'), kind).toBe(md);
    }
  });

  it('a plan that works, over inputs not judged whole: its outcome is qualified', async () => {
    const doc = new Map(await documents()).get('plan');
    const text = renderDocument('plan', doc as never, 'text');
    expect(text).toMatch(/^Duplicate \d+ components? into zone us-east-1c/m);
    expect(text).toContain(
      `After the plan, every critical service survives the loss of any single domain up to a zone firebreak could judge (1 failing loss before; ${MANY} resources unjudged, ${MANY} blind spots: see below).`,
    );
  });

  it('json: the lists as they are (JSON escapes them), the document otherwise unchanged', async () => {
    for (const [kind, doc] of await documents()) {
      const json = JSON.parse(renderDocument(kind, doc as never, 'json'));
      expect(json.blindSpots, kind).toHaveLength(MANY);
      expect(json.unjudged[0].message, kind).toBe(`${HOSTILE} u0`);
      expect(json.schemaVersion, kind).toBe(1);
    }
  });
});

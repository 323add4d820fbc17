/**
 * The library API offers what the CLI does: whatif, diff, plan and check are
 * functions of src/index.ts, and every document renders through one registry.
 * The CLI's json output is the library's document, byte for byte.
 */
import { describe, expect, it } from 'vitest';
import {
  FORMATS,
  RENDERERS,
  UsageError,
  analyze,
  check,
  diff,
  formatsOf,
  introducedAtOrAbove,
  loadInputs,
  loadRules,
  plan,
  plannedCheckpoint,
  render,
  renderDocument,
  whatif,
  explainResource,
  validatePacks,
  InputError,
  type DocumentKind,
  type StackInput,
} from '../../src/index.js';
import { fixture, runCli, tempFile } from '../helpers/cli.js';
import { vi } from 'vitest';

const rules = loadRules();
const load = (spec: string): Promise<StackInput[]> => loadInputs([spec], { keepProperties: rules.properties });

describe('the renderer registry', () => {
  it('lists kinds and their formats in sorted order, each a function', () => {
    const kinds = Object.keys(RENDERERS);
    expect(kinds).toEqual([...kinds].sort());
    expect(kinds).toEqual(['analysis', 'baseline', 'check', 'diff', 'explanation', 'findingKinds', 'plan', 'rules', 'whatif']);
    for (const kind of kinds as DocumentKind[]) {
      const formats = Object.keys(RENDERERS[kind]);
      expect(formats, kind).toEqual(formatsOf(kind));
      for (const f of formats) expect(typeof RENDERERS[kind][f]).toBe('function');
    }
    expect(FORMATS).toEqual(['dot', 'html', 'json', 'junit', 'markdown', 'mermaid', 'sarif', 'text']);
    for (const kind of ['whatif', 'diff', 'plan'] as const) expect(formatsOf(kind)).toEqual(['json', 'markdown', 'text']);
  });

  it('refuses a format a kind does not have, naming the ones it has', async () => {
    const result = analyze(await load(fixture('exports', 'two-zones-single-db.json')), { packs: rules.packs });
    expect(() => renderDocument('diff', diff(result, result), 'sarif')).toThrow(new UsageError('unknown format "sarif"; use one of json, markdown, text'));
    expect(() => render(result, 'toString')).toThrow(UsageError);
    expect(() => render(result, 'pdf')).toThrow(/use one of dot, html, json/);
  });
});

describe('the library API', () => {
  it('whatif gives the document `firebreak whatif --format json` prints', async () => {
    const doc = whatif(await load('.@pangyo-2022'), ['pangyo'], { packs: rules.packs });
    const cli = await runCli(['whatif', '--fail', 'pangyo', '.@pangyo-2022', '--format', 'json']);
    expect(cli.code).toBe(0);
    expect(renderDocument('whatif', doc, 'json')).toBe(cli.stdout);
    expect(() => whatif([], [])).toThrow(UsageError);
  });

  it('diff finds what a remediation resolves, and nothing introduced against itself', async () => {
    const before = analyze(await load('.@pangyo-2022'), { packs: rules.packs });
    const after = analyze(await load('.@ansan-2023'), { packs: rules.packs });
    const d = diff(before, after);
    expect(d.resolved.length).toBeGreaterThan(0);
    expect(introducedAtOrAbove(d, 'high')).toEqual([]);
    expect(introducedAtOrAbove(diff(after, before), 'high').length).toBeGreaterThan(0);
    const cli = await runCli(['diff', '.@pangyo-2022', '.@ansan-2023', '--format', 'json']);
    expect(renderDocument('diff', d, 'json')).toBe(cli.stdout);
  });

  it('check fails on findings at or above the threshold, and on none that the baseline holds', async () => {
    const result = analyze(await load('.@pangyo-2022'), { packs: rules.packs });
    const gated = check(result, 'high');
    expect(gated.failing.length).toBeGreaterThan(0);
    expect(gated.failing.every((f) => f.severity === 'high' || f.severity === 'critical')).toBe(true);
    expect(check(result, 'none').failing).toEqual([]);
    const baseline = { file: 'baseline.yaml', entries: result.findings.map((f) => ({ id: f.id })) };
    const accepted = check(result, 'high', baseline);
    expect(accepted.failing).toEqual([]);
    expect(accepted.result.baseline).toMatchObject({ file: 'baseline.yaml', new: 0, unchanged: result.findings.length });
    expect(renderDocument('check', accepted, 'text')).toBe(
      `firebreak check: passed: no new finding at or above high; ${result.findings.length} in the baseline\n`,
    );
    expect(renderDocument('check', gated, 'text')).toMatch(/^firebreak check: FAILED: \d+ finding\(s\) at or above high\n$/);
  });

  it('plan and plannedCheckpoint: the planned estate survives the loss of the old domain', async () => {
    const inputs = await loadInputs(['.@pangyo-2022']);
    const p = plan(inputs, { packs: rules.packs, addDomain: 'ansan', from: 'pangyo' });
    expect(p.newDomain).toBeDefined();
    expect(p.after).toEqual([]);
    const doc = plannedCheckpoint(inputs, p, { packs: rules.packs });
    const { readState } = await import('../../src/ingest/state.js');
    const planned = analyze([readState(doc, 'planned.json', 'planned.json')], { packs: rules.packs });
    expect(planned.findings.filter((f) => f.inPolicy && f.event.kind === 'domain')).toEqual([]);
  });

  it('validatePacks: the pack of a valid file, the located problems of a bad one, as `rules validate` prints them; no throw', async () => {
    const pack =
      'pack: my-rules\ndescription: A user pack.\nrules:\n  - id: my-widget\n    info: Widgets are zonal.\n    match: { type: ["acme:widget:Widget"] }\n    role: compute\n    scope: zonal\n';
    const good = tempFile('good.yaml', pack);
    const bad = tempFile('bad.yaml', pack.replace('scope: zonal', 'scop: zonal'));
    const { files, conflicts } = validatePacks([good, bad]);
    expect(conflicts).toEqual([]);
    expect(files.map((f) => [f.file, f.pack?.rules.length, f.problems.length])).toEqual([
      [good, 1, 0],
      [bad, undefined, 1],
    ]);
    expect(files[1]!.problems[0]).toMatchObject({ file: bad, line: 4, column: 5 });
    const cli = await runCli(['rules', 'validate', good, bad]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(`${bad}:4:5: ${files[1]!.problems[0]!.reason}`);
  });

  it('explainResource gives the document `firebreak rules explain --format json` prints', async () => {
    const spec = fixture('exports', 'two-zones-single-db.json');
    const inputs = await load(spec);
    const name = inputs[0]!.resources.find((r) => !r.type.startsWith('pulumi:'))!.name;
    const e = explainResource(inputs, rules.packs, name);
    expect(e.resource.name).toBe(name);
    const cli = await runCli(['rules', 'explain', name, spec, '--format', 'json']);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(JSON.parse(JSON.stringify({ schemaVersion: 1, ...e })));
    expect(() => explainResource(inputs, rules.packs, 'no-such-resource-anywhere')).toThrow(UsageError);
  });

  it('prints nothing, exits never and leaves process state alone, even on bad input', async () => {
    const writes = [vi.spyOn(process.stdout, 'write'), vi.spyOn(process.stderr, 'write')];
    const logs = (['log', 'error', 'warn', 'info', 'debug'] as const).map((m) => vi.spyOn(console, m));
    const exit = vi.spyOn(process, 'exit');
    const exitCode = process.exitCode;
    const cwd = process.cwd();
    try {
      const inputs = await load(fixture('exports', 'two-zones-single-db.json'));
      const result = analyze(inputs, { packs: rules.packs, order: 2 });
      for (const format of FORMATS) expect(render(result, format).length).toBeGreaterThan(0);
      whatif(inputs, [result.findings[0]!.event.name], { packs: rules.packs });
      await expect(loadInputs([tempFile('broken.json', '{"deployment": [')])).rejects.toThrow(InputError);
      for (const spy of [...writes, ...logs, exit]) expect(spy).not.toHaveBeenCalled();
      expect(process.exitCode).toBe(exitCode);
      expect(process.cwd()).toBe(cwd);
    } finally {
      for (const spy of [...writes, ...logs, exit]) spy.mockRestore();
    }
  });
});

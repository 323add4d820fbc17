/**
 * What the CLI decides around the analysis is the library's too: which topology file applies to the inputs,
 * the format a report file's name implies, the previews `check` refuses, and what SARIF URIs are relative to.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FORMATS,
  InputError,
  analyze,
  formatOfFile,
  formatsOf,
  loadInputs,
  loadRules,
  partialPreviews,
  problemLines,
  render,
  sarifRootOf,
  topologyOfInputs,
} from '../../src/index.js';
import { flagOf } from '../../src/cli/run.js';
import { fixture, repoRoot, runCli } from '../helpers/cli.js';

describe('topologyOfInputs', () => {
  /** A copy of the Pulumi YAML demo project (program and stack configs), with a firebreak.yaml. */
  function project(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-topology-'));
    cpSync(path.join(repoRoot, 'Pulumi.yaml'), path.join(dir, 'Pulumi.yaml'));
    cpSync(path.join(repoRoot, 'stacks', 'Pulumi.pangyo-2022.yaml'), path.join(dir, 'stacks', 'Pulumi.pangyo-2022.yaml'));
    writeFileSync(path.join(dir, 'firebreak.yaml'), 'services:\n  KakaoBank:\n    tolerate: region\n');
    return dir;
  }

  it('is the firebreak.yaml of the first project directory among the inputs, and none for files alone', () => {
    const dir = project();
    const export_ = fixture('exports', 'two-zones-single-db.json');
    expect(topologyOfInputs([export_, `${dir}@pangyo-2022`])?.file).toBe(path.join(dir, 'firebreak.yaml'));
    expect(topologyOfInputs([dir])?.file).toBe(path.join(dir, 'firebreak.yaml'));
    expect(topologyOfInputs([export_])).toBeUndefined();
    // Standard input: the project at cwd or above.
    expect(topologyOfInputs(['-'], path.join(dir, 'stacks'))?.file).toBe(path.join(dir, 'firebreak.yaml'));
    expect(topologyOfInputs(['-'], tmpdir())).toBeUndefined();
  });

  it('is the one the CLI applies: the topology changes the analysis the same way', async () => {
    const dir = project();
    const spec = `${dir}@pangyo-2022`;
    const withFile = await runCli(['analyze', spec, '--format', 'json', '--fail-on', 'none']);
    const explicit = await runCli(['analyze', spec, '--topology', topologyOfInputs([spec])!.file, '--format', 'json', '--fail-on', 'none']);
    expect(withFile.code).toBe(0);
    expect(withFile.stdout).toBe(explicit.stdout);
    expect(JSON.parse(withFile.stdout).findings.length).toBeGreaterThan(0);
  });
});

describe('formatOfFile', () => {
  it('reads the format from the name, longest ending first, among the formats given', () => {
    expect(formatOfFile('out/firebreak.sarif.json')).toBe('sarif');
    expect(formatOfFile('report.SARIF')).toBe('sarif');
    expect(formatOfFile('summary.md')).toBe('markdown');
    expect(formatOfFile('junit.xml')).toBe('junit');
    expect(formatOfFile('page.htm')).toBe('html');
    expect(formatOfFile('graph.gv')).toBe('dot');
    expect(formatOfFile('report.pdf')).toBeUndefined();
    // A planning document has no sarif: a .sarif.json file is plain json there; no html at all.
    expect(formatOfFile('plan.sarif.json', formatsOf('plan'))).toBe('json');
    expect(formatOfFile('plan.html', formatsOf('plan'))).toBeUndefined();
    for (const f of ['x.sarif', 'x.json', 'x.md', 'x.xml', 'x.html', 'x.dot', 'x.mmd', 'x.txt']) expect(FORMATS).toContain(formatOfFile(f));
  });

  it('is the format the CLI writes for -o FILE', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'firebreak-o-'));
    const file = path.join(dir, 'report.md');
    const r = await runCli(['analyze', fixture('exports', 'two-zones-single-db.json'), '-o', file, '--fail-on', 'none']);
    expect(r.stderr).toBe(`firebreak: wrote ${formatOfFile(file)} report to ${file}\n`);
  });
});

describe('partialPreviews', () => {
  it('names each preview made without --show-sames, as check refuses it; none for a whole stack', async () => {
    const changesOnly = fixture('previews', 'changes-only.json');
    const inputs = await loadInputs([changesOnly, fixture('exports', 'stackref-network.json')]);
    const problems = partialPreviews(inputs);
    expect(problems.map((p) => p.file)).toEqual([changesOnly]);
    expect(problems[0]!.reason).toMatch(/a preview made without --show-sames \(6 unchanged resource\(s\) not shown\).*, or pass allowPartialPreview$/);
    const cli = await runCli(['check', changesOnly, '--fail-on', 'none']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toBe(
      problemLines(new InputError(problems).problems, flagOf)
        .map((l) => `firebreak: error: ${l}\n`)
        .join(''),
    );
    expect(cli.stderr).toMatch(/, or pass --allow-partial-preview\n$/);
    expect(partialPreviews(inputs.slice(1))).toEqual([]);
  });
});

describe('sarifRootOf', () => {
  it('is --sarif-root against cwd, else the git top level, else cwd; the CLI renders SARIF with it', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'firebreak-nogit-'));
    expect(sarifRootOf(outside)).toEqual({ root: outside, cwd: outside });
    expect(sarifRootOf(outside, 'sub')).toEqual({ root: path.join(outside, 'sub'), cwd: outside });
    expect(sarifRootOf(path.join(repoRoot, 'test'))).toEqual({ root: repoRoot, cwd: path.join(repoRoot, 'test') });
    const spec = fixture('exports', 'two-zones-single-db.json');
    const rules = loadRules();
    const result = analyze(await loadInputs([spec], { keepProperties: rules.properties }), { packs: rules.packs, maxSeconds: 60 });
    const cli = await runCli(['analyze', spec, '--format', 'sarif', '--fail-on', 'none']);
    expect(cli.stdout).toBe(render(result, 'sarif', { sarif: sarifRootOf(repoRoot) }));
  });
});

/** Options and behaviours of `analyze` not covered elsewhere, in-process (the binary's own behaviour: smoke.test.ts). */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fixture, runCli } from '../helpers/cli.js';

describe('firebreak analyze', () => {
  it('--availability estimates every critical service, in text and json', async () => {
    const json = JSON.parse((await runCli(['analyze', '.@pangyo-2022', '--availability', '--format', 'json', '--fail-on', 'none'])).stdout);
    const critical = json.services
      .filter((s: { critical: boolean }) => s.critical)
      .map((s: { name: string }) => s.name)
      .sort();
    expect(json.availability.services.map((s: { service: string }) => s.service).sort()).toEqual(critical);
    // Pangyo holds the login: the services behind it are less available than KakaoBank, which does not need it.
    const by = new Map(json.availability.services.map((s: { service: string; unavailability: number }) => [s.service, s.unavailability]));
    expect(by.get('KakaoTalk')).toBeGreaterThan(by.get('KakaoBank') as number);
    expect(json.availability.services.find((s: { service: string }) => s.service === 'KakaoTalk').causes[0].events).toEqual(['datacenter capital-area/pangyo']);
    const text = (await runCli(['analyze', '.@pangyo-2022', '--availability', '--fail-on', 'none'])).stdout;
    expect(text).toMatch(/^Availability estimate \(rare-event approximation/m);
    expect(text).toMatch(/^ {2}KakaoTalk\s+99\.\d+%\s+\d\.\d\d nines\s+[\d.]+ h\/year\s+mostly: datacenter capital-area\/pangyo/m);
    expect(JSON.parse((await runCli(['analyze', '.@pangyo-2022', '--format', 'json', '--fail-on', 'none'])).stdout).availability).toBeUndefined();
  });

  it('beyond the policy, names services that are not critical without a path', async () => {
    const text = (await runCli(['analyze', '.@pangyo-2022', '--fail-on', 'none'])).stdout;
    expect(text).toMatch(/^ {9}down {5}Melon \(not critical: no path shown beyond the policy\)$/m);
  });

  it('resolves relative paths against its working directory, and names them as given', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'firebreak-cwd-'));
    const input = path.relative(out, fixture('exports', 'two-zones-single-db.json'));
    const r = await runCli(['analyze', input, '--format', 'json', '--fail-on', 'none', '-o', 'report.json'], { cwd: out });
    expect(r.stderr).toBe('firebreak: wrote json report to report.json\n');
    expect(r.code).toBe(0);
    expect(existsSync(path.join(out, 'report.json'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')).summary.resources).toBeGreaterThan(0);
    const missing = await runCli(['analyze', 'nope.json'], { cwd: out });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(path.join(out, 'nope.json'));
  });
});

describe('every command says how to use it', () => {
  it('each command and rules subcommand has --help with examples', async () => {
    const commands = [
      ['analyze'],
      ['check'],
      ['whatif'],
      ['diff'],
      ['plan'],
      ['rules', 'list'],
      ['rules', 'validate'],
      ['rules', 'explain'],
      ['rules', 'coverage'],
    ];
    for (const args of commands) {
      const r = await runCli([...args, '--help']);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toMatch(/\nExamples:\n {2}\$ .*firebreak /);
    }
  });
});

describe('the options every command that reads inputs shares', () => {
  it('--jobs is taken by whatif, diff and plan as by analyze and check, and checked the same way', async () => {
    const runs = [
      ['analyze', '.@pangyo-2022', '--fail-on', 'none'],
      ['whatif', '--fail', 'pangyo', '.@pangyo-2022'],
      ['diff', '.@pangyo-2022', '.@ansan-2023'],
      ['plan', '--add-domain', 'ansan', '.@pangyo-2022'],
    ];
    for (const args of runs) {
      const ok = await runCli([...args, '--jobs', '1', '--format', 'json']);
      expect(ok.code, `${args[0]}: ${ok.stderr}`).toBe(0);
      const bad = await runCli([...args, '--jobs', '0']);
      expect(bad.code, args[0]).toBe(2);
      expect(bad.stderr, args[0]).toMatch(/--jobs.*use a whole number from 1 to 256/);
    }
  });
});

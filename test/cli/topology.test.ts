import { describe, expect, it } from 'vitest';
import { fixture, runCli, tempFile } from '../helpers/cli.js';

interface F {
  id: string;
  rule: string;
  severity: string;
  inPolicy: boolean;
  accepted?: { reason: string };
  event: { id: string };
  affected: Array<{ service: string; path: Array<{ node: string; edge?: string }> }>;
}

const analyzeJson = async (args: string[], env: Record<string, string> = {}) => {
  const r = await runCli(['analyze', ...args, '--format', 'json', '--fail-on', 'none'], { env });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describe('the topology file', () => {
  it('adds a shared power feed above two data centers: its loss takes down KakaoBank, explained through it', async () => {
    const plain = await analyzeJson(['.@pangyo-2022']);
    expect(plain.findings.some((f: F) => f.rule === 'single-point-of-failure' && f.affected.some((a) => a.service === 'KakaoBank') && f.inPolicy)).toBe(false);
    const result = await analyzeJson(['.@pangyo-2022', '--topology', fixture('topology', 'power-feed.yaml')]);
    const feed = result.findings.find((f: F) => f.rule === 'single-point-of-failure' && f.event.id === 'domain:capital-area/feed-west') as F;
    expect(feed.inPolicy).toBe(true);
    const bank = feed.affected.find((a) => a.service === 'KakaoBank')!;
    expect(bank.path.at(-1)).toMatchObject({ edge: 'within', node: 'domain:capital-area/feed-west' });
  });

  it('marks critical services, and accepted risks fail no gate until they expire', async () => {
    const topo = fixture('topology', 'accepted.yaml');
    const result = await analyzeJson(['.@pangyo-2022', '--topology', topo], { FIREBREAK_TODAY: '2026-11-28' });
    // The demo marks six services critical with tags; the topology adds Melon and takes KakaoPay away.
    expect(result.summary.criticalServices).toBe(6);
    expect(result.services.filter((s: { critical: boolean }) => s.critical).map((s: { name: string }) => s.name)).toContain('Melon');
    expect(result.services.find((s: { name: string }) => s.name === 'KakaoPay').critical).toBe(false);
    const spof = result.findings.filter((f: F) => f.rule === 'single-point-of-failure');
    expect(spof.length).toBeGreaterThan(0);
    for (const f of spof) expect(f.accepted?.reason).toMatch(/MIGRATION-42/);
    // The recovery-path acceptance expired in 2025: those findings count, with a warning naming the line.
    expect(result.findings.filter((f: F) => f.rule === 'recovery-path').every((f: F) => f.accepted === undefined)).toBe(true);
    expect(result.warnings.map((w: { line?: number; message: string }) => `${w.line}: ${w.message}`)).toContain(
      '9: the acceptance of recovery-path/* expired on 2025-01-31: its findings count again',
    );

    const check = await runCli(['check', '.@pangyo-2022', '--topology', topo, '--fail-on', 'critical'], { env: { FIREBREAK_TODAY: '2026-11-28' } });
    expect(check.code).toBe(1); // recovery-path (expired) and shared identity (never accepted)
    // After 2026-12-31 the single-point acceptances expire too.
    const later = await analyzeJson(['.@pangyo-2022', '--topology', topo], { FIREBREAK_TODAY: '2027-01-01' });
    expect(later.findings.some((f: F) => f.accepted)).toBe(false);
  });

  it('warns about an acceptance that matches no finding', async () => {
    const topo = tempFile('firebreak.yaml', 'accepted:\n  - finding: quorum/000000000000\n    reason: fixed long ago\n');
    const result = await analyzeJson(['.@pangyo-2022', '--topology', topo]);
    expect(result.warnings).toContainEqual({
      file: topo,
      line: 2,
      message: 'the acceptance of quorum/000000000000 matches no finding (fixed, or a stale id?)',
    });
  });

  it('a per-service policy makes region loss a finding for that service only', async () => {
    const topo = tempFile('firebreak.yaml', 'services:\n  KakaoBank:\n    tolerate: region\n');
    const result = await analyzeJson(['.@ansan-2023', '--topology', topo]);
    const region = result.findings.find((f: F) => f.event.id === 'domain:capital-area') as F;
    expect(region.inPolicy).toBe(true);
    expect(region.severity).toBe('high'); // one critical service (KakaoBank) must survive it
    const plain = await analyzeJson(['.@ansan-2023']);
    expect(plain.findings.find((f: F) => f.event.id === 'domain:capital-area').severity).toBe('info');
  });

  it('refuses names that match nothing, with file:line, and bad files with exit 2', async () => {
    const unknown = tempFile('firebreak.yaml', 'services:\n  KakaoTalk:\n    requires: [Kakao Login]\n');
    const r = await runCli(['analyze', '.@pangyo-2022', '--topology', unknown]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${unknown}:2:3: service KakaoTalk: requires "Kakao Login" is no service of the inputs`);
    const kind = tempFile('firebreak.yaml', 'domains:\n  - name: x\n    kind: galaxy\n');
    const k = await runCli(['analyze', '.@pangyo-2022', '--topology', kind]);
    expect(k.code).toBe(2);
    expect(k.stderr).toMatch(/kind "galaxy" is not in any rule pack's domainKinds; use one of host, rack/);
    const bad = tempFile('firebreak.yaml', 'accepted:\n  - finding: x\n    reason: y\n    expires: soon\n');
    const b = await runCli(['analyze', '.@pangyo-2022', '--topology', bad]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/:4:\d+: not a firebreak topology: accepted\.0\.expires: expected a date as YYYY-MM-DD/);
  });
});

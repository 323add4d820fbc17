/**
 * The demo project at the repository root (Kakao's estate, Pulumi YAML) and
 * the example projects under stacks/, through the built binary.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';

interface Finding {
  id: string;
  rule: string;
  severity: string;
  message: string;
  inPolicy: boolean;
  event: { id: string; kind: string; what: string };
  affected: Array<{ service: string; state: string; path: Array<{ node: string }> }>;
  stranded: Array<{ group: string; survivors: string[]; tools: string[] }>;
}

async function analyze(
  spec: string,
  ...flags: string[]
): Promise<{ code: number; findings: Finding[]; services: Array<{ name: string; critical: boolean }>; stdout: string }> {
  const r = await runCli(['analyze', spec, '--format', 'json', ...flags]);
  expect(r.stderr).toBe('');
  const out = JSON.parse(r.stdout);
  return { code: r.code, findings: out.findings, services: out.services, stdout: r.stdout };
}

const PANGYO = 'domain:capital-area/pangyo';

describe('demo: pangyo-2022, the estate as it burned', async () => {
  const { code, findings, services } = await analyze('.@pangyo-2022');
  const pangyo = findings.find((f) => f.rule === 'single-point-of-failure' && f.event.id === PANGYO)!;

  it('has the ten services of the case, KakaoBank among them', () => {
    const names = services.map((s) => s.name);
    for (const s of [
      'KakaoTalk',
      'Kakao account login',
      'KakaoPay',
      'Kakao T',
      'Kakao Map',
      'Daum mail',
      'Melon',
      'Webtoon',
      'Kakao Games login',
      'KakaoBank',
    ]) {
      expect(names).toContain(s);
    }
  });

  it('losing pangyo takes down or strands every service except KakaoBank', () => {
    expect(pangyo).toBeDefined();
    expect(pangyo.severity).toBe('critical');
    const hurt = pangyo.affected.map((a) => a.service).sort();
    const expected = services
      .map((s) => s.name)
      .filter((n) => n !== 'KakaoBank')
      .sort();
    expect(hurt).toEqual(expected);
    expect(pangyo.message).toMatch(/only KakaoBank keeps running/);
    for (const a of pangyo.affected) expect(a.path.at(-1)!.node).toBe(PANGYO);
  });

  it('says the login is a shared single point', () => {
    const identity = findings.find((f) => f.rule === 'shared-identity');
    expect(identity).toBeDefined();
    expect(identity!.message).toMatch(/Kakao account login\) is a shared identity single point/);
    const talk = pangyo.affected.find((a) => a.service === 'KakaoTalk')!;
    expect(talk.path.map((s) => s.node)).toContain('group:login-api');
  });

  it('says the mokdong replicas are stranded because the ops tools burned with pangyo', () => {
    const talkDb = pangyo.stranded.find((g) => g.group === 'group:talk-db')!;
    expect(talkDb.survivors).toEqual([expect.stringMatching(/::talk-db-2$/)]);
    expect(talkDb.tools).toEqual(['group:deploy-system', 'group:monitoring', 'group:ops-console']);
    const recovery = findings.find((f) => f.rule === 'recovery-path' && f.event.id === PANGYO);
    expect(recovery?.severity).toBe('critical');
    expect(
      pangyo.affected
        .filter((a) => a.state === 'stranded')
        .map((a) => a.service)
        .sort(),
    ).toEqual(['Kakao Map', 'Webtoon']);
  });

  it('fails the run at the default threshold', () => {
    expect(code).toBe(1);
  });

  it('says it in plain words in the text report', async () => {
    const text = (await runCli(['analyze', '.@pangyo-2022'])).stdout;
    expect(text).toMatch(/Losing datacenter capital-area\/pangyo takes down .* and strands Kakao Map and Webtoon .*only KakaoBank keeps running/);
    expect(text).toMatch(
      /stranded talk-db \(replica group\): lost talk-db-1 \[pangyo\]; talk-db-2 \[mokdong\] cannot take over without deploy-system, monitoring, ops-console/,
    );
    expect(text).toMatch(/login-api \(Kakao account login\) is a shared identity single point/);
  });
});

describe('demo: ansan-2023, after remediation', async () => {
  const { code, findings } = await analyze('.@ansan-2023');
  it('shows no data-center-level single point of failure for a critical service', () => {
    const dc = findings.filter((f) => f.inPolicy && f.event.kind === 'domain');
    expect(dc).toEqual([]);
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('demo: the ops tools, the login and what recovers with them, found without tags', () => {
  it('has no firebreak:role tag on the Kakao ops tools or the login, and no recovers-with tag outside KakaoBank', () => {
    const program = readFileSync(path.join(repoRoot, 'Pulumi.yaml'), 'utf8');
    expect(program).not.toMatch(/firebreak:role: identity/);
    // Only KakaoBank's own tools (bank-ops-1, bank-ops-2) keep their tags.
    expect(program.match(/firebreak:role: ops-tool/g)).toHaveLength(2);
    expect(program.match(/firebreak:recovers-with: (.*)/g)!.every((l) => l.endsWith('bank-ops-1'))).toBe(true);
  });

  it.each(['pangyo-2022', 'ansan-2023'])('%s: the same findings as the hand-tagged variant (stacks/pangyo-tagged)', async (stack) => {
    const inferred = await analyze(`.@${stack}`);
    const tagged = await analyze(`stacks/pangyo-tagged@${stack}`);
    const brief = (fs: Finding[]) => fs.map((f) => ({ id: f.id, severity: f.severity, message: f.message, stranded: f.stranded }));
    expect(brief(inferred.findings)).toEqual(brief(tagged.findings));
    expect(inferred.services).toEqual(tagged.services);
    expect(inferred.findings.length).toBeGreaterThan(0);
  });

  it('pangyo-2022: the tools of every group sit in Pangyo together with the primaries (ops-tools-concentrated)', async () => {
    const { findings } = await analyze('.@pangyo-2022');
    const f = findings.find((x) => x.rule === 'ops-tools-concentrated')!;
    expect(f.event.id).toBe(PANGYO);
    expect(f.severity).toBe('critical');
    expect(f.message).toMatch(
      /All the recovery tools \(deploy-system, monitoring and ops-console\) .* sit in datacenter capital-area\/pangyo, together with replicas they recover/,
    );
  });

  it("rules explain says where talk-db-1's recovery tools come from", async () => {
    const r = await runCli(['rules', 'explain', 'talk-db-1', '.', '--stack', 'pangyo-2022']);
    expect(r.stdout).toMatch(/inferred\s+deploy deploy-system-1 \(same-stack; rule recover-with-ops-tools\)/);
    expect(r.stdout).toMatch(/console ops-console-2 \(same-stack; rule recover-with-ops-tools\)/);
  });
});

describe('examples', () => {
  it('aws-three-tier: finds the single NAT gateway and the single-AZ database', async () => {
    const { findings } = await analyze('stacks/aws-three-tier');
    const components = findings.filter((f) => f.event.kind === 'component').map((f) => f.event.id.split('::').pop());
    expect(components).toEqual(expect.arrayContaining(['nat', 'db']));
    const zone = findings.find((f) => f.event.id === 'domain:aws/eu-central-1/azs.names[0]');
    expect(zone?.severity).toBe('high');
    // The other two zones hold one replica each of web and app: survived.
    expect(findings.some((f) => f.event.id.endsWith('azs.names[1]') || f.event.id.endsWith('azs.names[2]'))).toBe(false);
  });

  it('two-datacenters: comes out clean', async () => {
    const { code, findings } = await analyze('stacks/two-datacenters');
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(code).toBe(0);
  });
});

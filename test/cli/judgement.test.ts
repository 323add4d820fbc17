/**
 * whatif, plan and diff are never "clean" while something was not judged: each
 * carries the coverage counts, the blind spots and the unjudged resources of
 * its inputs (the same as analyze reports), and qualifies every sentence that
 * claims survival. Fixtures: a fully judged export (two zones), an EC2 server
 * whose zone is not known (a blind spot), a Spaces bucket whose region is a secret (unjudged).
 */
import { describe, expect, it } from 'vitest';
import { fixture, runCli } from '../helpers/cli.js';

const judged = fixture('exports', 'two-zones-single-db.json');
const zoneUnknown = fixture('judgement', 'one-instance');
const unplaced = fixture('judgement', 'static-site');

async function out(args: string[], code = 0): Promise<string> {
  const r = await runCli(args);
  expect(r.code, r.stderr).toBe(code);
  return r.stdout;
}

/** What analyze says the input's coverage, blind spots and unjudged resources are. */
async function analysisOf(input: string): Promise<{ coverage: unknown; blindSpots: unknown[]; unjudged: unknown[] }> {
  const a = JSON.parse(await out(['analyze', input, '--format', 'json', '--fail-on', 'none']));
  return { coverage: a.summary.coverage, blindSpots: a.blindSpots, unjudged: a.unjudged };
}

describe('whatif says what it could not judge', () => {
  it('fully judged: the coverage line, no caveat, no lists; json carries empty lists', async () => {
    const text = await out(['whatif', '--fail', 'us-east-1a', judged]);
    expect(text).toMatch(/^Services: 1 down, 0 stranded, 0 degraded, 0 up \(of 1\)$/m);
    expect(text).toMatch(/^Coverage: 3 modelled, 5 configuration only, 0 component resources \(judged through their children\), 0 unjudged, of 8 resources$/m);
    expect(text).not.toMatch(/could judge|Blind spots|Unjudged/);
    const md = await out(['whatif', '--fail', 'us-east-1a', judged, '--format', 'markdown']);
    expect(md).toContain('**0 unjudged**, of 8 resources.');
    expect(md).not.toMatch(/could judge|Blind spots|Unjudged/);
    const json = JSON.parse(await out(['whatif', '--fail', 'us-east-1a', judged, '--format', 'json']));
    expect({ coverage: json.coverage, blindSpots: json.blindSpots, unjudged: json.unjudged }).toEqual(await analysisOf(judged));
    expect(json.blindSpots).toEqual([]);
    expect(json.schemaVersion).toBe(1);
  });

  it('a blind spot: the up counts are qualified and the blind spot is listed, escaped per format', async () => {
    const text = await out(['whatif', '--fail', 'app_server', zoneUnknown]);
    expect(text).toMatch(/^Services: 1 down, 0 stranded, 0 degraded, 0 up \(of 1\), as far as firebreak could judge \(1 blind spot: see below\)$/m);
    expect(text).toMatch(
      /^Blind spots \(1\): what firebreak could not judge\n {2}- app_server \(aws:ec2:Instance\) lives in one zone, but which zone is not known/m,
    );
    const md = await out(['whatif', '--fail', 'app_server', zoneUnknown, '--format', 'markdown']);
    expect(md).toContain('as far as firebreak could judge (1 blind spot: see below)');
    expect(md).toContain('<details><summary>Blind spots (1): what firebreak could not judge</summary>');
    expect(md).toContain('- app&#95;server (aws:ec2:Instance) lives in one zone');
    const json = JSON.parse(await out(['whatif', '--fail', 'app_server', zoneUnknown, '--format', 'json']));
    const analysis = await analysisOf(zoneUnknown);
    expect({ coverage: json.coverage, blindSpots: json.blindSpots, unjudged: json.unjudged }).toEqual(analysis);
    expect(json.blindSpots.map((b: { kind: string }) => b.kind)).toEqual(['unknown-zone']);
  });

  it('an unjudged resource: counted in the caveat and listed with its location', async () => {
    const text = await out(['whatif', '--fail', 'site-bucket', unplaced]);
    expect(text).toContain('as far as firebreak could judge (1 resource unjudged, 1 blind spot: see below)');
    expect(text).toMatch(
      /^Unjudged \(1\): resources that could fail but were not judged\n {2}- site-bucket \(digitalocean:index\/spacesBucket:SpacesBucket\): placement unknown.*Pulumi\.yaml:12:3\)$/m,
    );
    // The bucket is a managed service: it never fails on its own, so with no domain nothing of it is judged.
    expect(text).toContain('site-bucket (digitalocean:index/spacesBucket:SpacesBucket): placement unknown; a managed service fails only with its domain');
    const md = await out(['whatif', '--fail', 'site-bucket', unplaced, '--format', 'markdown']);
    expect(md).toContain('**1 unjudged**, of 3 resources (listed below).');
    expect(md).toContain('<details><summary>Unjudged (1): resources that could fail but were not judged</summary>');
    const json = JSON.parse(await out(['whatif', '--fail', 'site-bucket', unplaced, '--format', 'json']));
    expect(json.unjudged.map((u: { name: string; reason: string }) => [u.name, u.reason])).toEqual([['site-bucket', 'unknown-placement']]);
    expect(json.coverage).toEqual({ resources: 3, modelled: 0, configOnly: 2, components: 0, unjudged: 1 });
  });

  it('a domain name where nothing is placed in any domain: says so', async () => {
    const r = await runCli(['whatif', '--fail', 'us-east-1', unplaced]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'firebreak: error: --fail us-east-1: no domain or component of that name, and the inputs place nothing in any domain (firebreak analyze lists what it could not judge)\n',
    );
  });
});

describe('plan says what it could not judge', () => {
  it('fully judged: the plan works and its outcome claims survival plainly', async () => {
    const text = await out(['plan', '--add-domain', 'us-east-1c', judged]);
    expect(text).toMatch(/^Coverage: 3 modelled, .*0 unjudged, of 8 resources$/m);
    expect(text).toMatch(/^After the plan, every critical service survives the loss of any single domain up to a zone \(1 failing loss before\)\.$/m);
    expect(text).not.toMatch(/could judge|Blind spots|Unjudged/);
    const md = await out(['plan', '--add-domain', 'us-east-1c', judged, '--format', 'markdown']);
    expect(md).toContain('**0 unjudged**, of 8 resources.');
    expect(md).toContain('After the plan, every critical service survives the loss of any single domain up to a zone (1 failing loss before).');
    expect(md).not.toMatch(/could judge|Blind spots|Unjudged/);
    const json = JSON.parse(await out(['plan', '--add-domain', 'us-east-1c', judged, '--format', 'json']));
    expect(json.steps.length).toBeGreaterThan(0);
    expect({ coverage: json.coverage, blindSpots: json.blindSpots, unjudged: json.unjudged }).toEqual(await analysisOf(judged));
  });

  it('a blind spot: "nothing to duplicate" and the outcome are qualified, the blind spot listed', async () => {
    const args = ['plan', '--add-domain', 'b', '--from', 'eu-central-1', zoneUnknown];
    const text = await out(args);
    expect(text).toContain(
      'Nothing to duplicate: every critical service already survives any single zone-level loss firebreak could judge (1 blind spot: see below).',
    );
    expect(text).toContain(
      'After the plan, every critical service survives the loss of any single domain up to a zone firebreak could judge (0 failing losses before; 1 blind spot: see below).',
    );
    expect(text).toMatch(/^Blind spots \(1\): what firebreak could not judge\n {2}- app_server \(aws:ec2:Instance\)/m);
    const md = await out([...args, '--format', 'markdown']);
    expect(md).toContain('zone-level loss firebreak could judge (1 blind spot: see below).');
    expect(md).toContain('- app&#95;server (aws:ec2:Instance) lives in one zone');
    const json = JSON.parse(await out([...args, '--format', 'json']));
    expect({ coverage: json.coverage, blindSpots: json.blindSpots, unjudged: json.unjudged }).toEqual(await analysisOf(zoneUnknown));
  });

  it('no domain within the policy: says every domain is larger, which --tolerate plans one, and that a zone unknown can be given', async () => {
    const r = await runCli(['plan', '--add-domain', 'b', zoneUnknown]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'firebreak: error: --add-domain b: every domain of the inputs is larger than a zone (the smallest: region aws/eu-central-1); add --tolerate region to plan a new region; ' +
        'or, as the zone of 1 resource is not known (blind spots: see `firebreak analyze`), give its zone (availabilityZone, subnets, or a firebreak:domain tag) to plan a new zone\n',
    );
    // What it advises works.
    const planned = await runCli(['plan', '--add-domain', 'b', '--tolerate', 'region', zoneUnknown]);
    expect(planned.code, planned.stderr).toBeLessThan(2);
    expect(planned.stdout).toMatch(/^firebreak plan: add region aws\/b beside aws\/eu-central-1$/m);
  });

  it('nothing placed in any domain: says so, with the unjudged count and where placement comes from', async () => {
    const r = await runCli(['plan', '--add-domain', 'b', unplaced]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr).toBe(
      "firebreak: error: --add-domain b: the inputs place nothing in any domain (1 of 3 resources unjudged), so there is none to stand a new one beside; placement comes from region and zone configuration, firebreak:domain tags or a topology file's domains (docs/tags.md, docs/topology.md)\n",
    );
    // --from names the option it was given.
    const from = await runCli(['plan', '--add-domain', 'b', '--from', 'us-east-1a', unplaced]);
    expect(from.code).toBe(2);
    expect(from.stderr).toMatch(/^firebreak: error: --from us-east-1a: no domain or component of that name, and the inputs place nothing in any domain/);
  });
});

describe('diff says what it could not judge', () => {
  it('fully judged on both sides: both coverage lines, the survival table unqualified', async () => {
    const text = await out(['diff', judged, judged]);
    expect(text).toMatch(/^Coverage before: 3 modelled, .*of 8 resources\nCoverage after: 3 modelled, .*of 8 resources$/m);
    expect(text).toMatch(/^Single-domain losses each service survives \(within the policy\)$/m);
    expect(text).not.toMatch(/could judge|Blind spots|Unjudged/);
    const md = await out(['diff', judged, judged, '--format', 'markdown']);
    expect(md).toContain('<details><summary>Single-domain losses each service survives</summary>');
    expect(md).toMatch(/^Coverage after: 3 modelled, .*\*\*0 unjudged\*\*, of 8 resources\.$/m);
    expect(md).not.toMatch(/could judge|Blind spots|Unjudged/);
    const json = JSON.parse(await out(['diff', judged, judged, '--format', 'json']));
    const analysis = await analysisOf(judged);
    expect(json.coverage).toEqual({ before: analysis.coverage, after: analysis.coverage });
    expect(json.blindSpots).toEqual([]);
    expect(json.unjudged).toEqual([]);
  });

  it('after with a blind spot, before with an unjudged resource: the survival counts are qualified, the after lists shown', async () => {
    const args = ['diff', unplaced, zoneUnknown, '--fail-on', 'none'];
    const text = await out(args);
    expect(text).toMatch(
      /^Single-domain losses each service survives \(within the policy\) of those firebreak could judge \(before: 1 resource unjudged; after: 1 blind spot: see below\)$/m,
    );
    expect(text).toMatch(/^Blind spots \(1\): what firebreak could not judge\n {2}- app_server/m);
    expect(text).not.toMatch(/^Unjudged/m); // the lists are the after side's
    const md = await out([...args, '--format', 'markdown']);
    expect(md).toContain(
      '<summary>Single-domain losses each service survives of those firebreak could judge (before: 1 resource unjudged; after: 1 blind spot: see below)</summary>',
    );
    // Only the after side's unjudged resources are listed.
    expect(md).toContain(
      'Coverage before: 0 modelled, 2 configuration only, 0 component resources (judged through their children), **1 unjudged**, of 3 resources.',
    );
    expect(md).toContain('- app&#95;server (aws:ec2:Instance)');
    const json = JSON.parse(await out([...args, '--format', 'json']));
    expect(json.coverage).toEqual({ before: (await analysisOf(unplaced)).coverage, after: (await analysisOf(zoneUnknown)).coverage });
    const after = await analysisOf(zoneUnknown);
    expect({ blindSpots: json.blindSpots, unjudged: json.unjudged }).toEqual({ blindSpots: after.blindSpots, unjudged: after.unjudged });
  });
});

/** The text report: for people; grouped by severity, with paths, baseline and acceptance marks, colour only when asked. */
import { describe, expect, it } from 'vitest';
import { applyAcceptances, applyBaseline } from '../../src/analysis/gate.js';
import { analyzeModel } from '../../src/analysis/index.js';
import { nodeLabel, plainPath, renderText } from '../../src/report/text.js';
import { C, D, ModelSpec } from '../helpers/model-builder.js';
import { findingOf, smallResult } from '../helpers/small-estate.js';

const ANSI = /\u001b\[/;
const text = (r = smallResult(), options: { color?: boolean; maxPaths?: number } = {}) => renderText(r, { color: false, ...options });

describe('text report', () => {
  it('writes the summary, the findings by severity with their paths, and the counts', () => {
    const out = text();
    const lines = out.split('\n');
    expect(lines[0]).toBe(`firebreak ${smallResult().tool.version}: `);
    expect(out).toContain('0 resources, 3 components in 4 domains, 2 services (none marked critical, so all count as critical)');
    expect(out).toContain('any domain up to a zone');
    // Most severe first: HIGH before INFO.
    expect(out.indexOf('HIGH (2)')).toBeGreaterThan(0);
    expect(out.indexOf('INFO (1)')).toBeGreaterThan(out.indexOf('HIGH (2)'));
    expect(out).toContain('down     shop -requires-> db [a] -placed-in-> zone aws/r1/a');
    expect(out).toContain(`id ${findingOf(smallResult(), C('db'))}`);
    expect(out).toContain('beyond the policy (--tolerate zone)');
    expect(out.endsWith('Findings: 0 critical, 2 high, 0 medium, 0 low, 1 info\n')).toBe(true);
    expect(out).not.toMatch(ANSI);
  });

  it('counts one of each in the singular in the summary line', () => {
    const r = smallResult();
    const one = { ...r, summary: { ...r.summary, resources: 1, components: 1, domains: 1, services: 1, events: 1 } };
    expect(text(one)).toContain(
      '1 resource, 1 component in 1 domain, 1 service (none marked critical, so all count as critical), 1 single-failure event checked',
    );
    const cov = { ...r.summary.coverage, resources: 1, modelled: 1 };
    expect(text({ ...one, summary: { ...one.summary, coverage: cov } })).toMatch(/^Coverage: .* unjudged, of 1 resource$/m);
  });

  it('does not say all services count as critical when the ops-tools-only ones do not', () => {
    const r = smallResult();
    const out = text({ ...r, summary: { ...r.summary, services: 3, criticalServices: 2, allCritical: true } });
    expect(out).toContain('3 services (none marked critical, so all count as critical but the one made only of ops tools: 2 critical)');
    expect(text({ ...r, summary: { ...r.summary, services: 2, criticalServices: 2, allCritical: true } })).toContain(
      '2 services (none marked critical, so all count as critical),',
    );
  });

  it('says there is no single point of failure within the policy when every finding is info, and leaves a blank line after the verdict', () => {
    const r = smallResult();
    const infoOnly = { ...r, findings: r.findings.filter((f) => f.severity === 'info') };
    expect(infoOnly.findings.length).toBe(1);
    expect(text(infoOnly)).toContain('\n\nNo single point of failure within the policy (1 info finding beyond it, below).\n\nINFO (1)\n');
    const none = { ...r, findings: [], warnings: [{ file: 'x.json', message: 'something skipped' }] };
    expect(text(none)).toContain('No single point of failure found.\n\nWarnings (1)\n');
    expect(text()).not.toContain('within the policy (');
  });

  it('is coloured only when asked', () => {
    expect(text(smallResult(), { color: true })).toMatch(ANSI);
    expect(text(smallResult(), { color: true }).replace(/\u001b\[[0-9;]*m/g, '')).toBe(text());
  });

  it('limits the paths per finding and says how many more there are', () => {
    const out = text(smallResult(), { maxPaths: 1 });
    // The region's loss takes both services down: one path shown.
    expect(out).toContain('... and 1 more (see --format json)');
    expect(text()).not.toContain('... and');
  });

  it('marks new findings, shortens those in the baseline, lists what is fixed', () => {
    const result = smallResult();
    const db = findingOf(result, C('db'));
    const out = text(applyBaseline(result, { file: 'b.yaml', entries: [{ id: db }, { id: 'quorum/gone', message: 'was a quorum' }] }));
    expect(out).toContain(`(in the baseline, ${db})`);
    expect(out).toMatch(/HIGH {5}NEW Losing zone aws\/r1\/a/);
    expect(out).toContain('Baseline b.yaml: 2 new, 1 unchanged, 1 fixed');
    expect(out).toContain('  fixed quorum/gone: was a quorum');
  });

  it('shows an acceptance with its reason and date, and an expired one as a warning', () => {
    const result = smallResult();
    const zone = findingOf(result, D('aws/r1/a'));
    const live = text(applyAcceptances(result, [{ finding: zone, reason: 'second zone in Q1', expires: '2027-03-31' }], 'firebreak.yaml', '2026-12-01'));
    expect(live).toContain('accepted: second zone in Q1 (until 2027-03-31)');
    const expired = text(
      applyAcceptances(result, [{ finding: zone, reason: 'second zone in Q1', expires: '2026-11-30', line: 4 }], 'firebreak.yaml', '2026-12-01'),
    );
    expect(expired).not.toContain('accepted:');
    expect(expired).toContain('Warnings (1)');
    expect(expired).toMatch(/firebreak\.yaml:4.*expired on 2026-11-30/);
  });

  it('says so when nothing is a single point of failure', () => {
    const model = new ModelSpec()
      .domains(['a'], ['b'])
      .component('web1', { placedIn: ['a'] })
      .component('web2', { placedIn: ['b'] })
      .group('web', 1, ['web1', 'web2'])
      .service('blog', ['web'])
      .build();
    const out = text(analyzeModel(model, []));
    expect(out).toContain('No single point of failure found.');
    expect(out).toContain('Findings: 0 critical, 0 high, 0 medium, 0 low, 0 info');
  });

  it('says what to do: the docs page of each kind of finding shown, once per kind, and nothing when no finding is shown', () => {
    const out = text();
    const block = out.slice(out.indexOf('What to do: how to fix each kind of finding'));
    expect(block.split('\n').slice(0, 3)).toEqual([
      'What to do: how to fix each kind of finding',
      '  single-point-of-failure  https://github.com/firebreak/firebreak/blob/main/docs/findings/single-point-of-failure.md',
      '',
    ]);
    expect(out.indexOf('What to do')).toBeGreaterThan(out.indexOf('INFO (1)'));
    const model = new ModelSpec()
      .domains(['a'], ['b'])
      .component('web1', { placedIn: ['a'] })
      .component('web2', { placedIn: ['b'] });
    const clean = text(analyzeModel(model.group('web', 1, ['web1', 'web2']).service('blog', ['web']).build(), []));
    expect(clean).not.toContain('What to do');
  });

  it('qualifies a clean verdict by the blind spots: it holds for what firebreak could judge (text and markdown)', async () => {
    const { renderMarkdown } = await import('../../src/report/markdown.js');
    const model = new ModelSpec()
      .domains(['a'], ['b'])
      .component('web1', { placedIn: ['a'] })
      .component('web2', { placedIn: ['b'] });
    const clean = analyzeModel(model.group('web', 1, ['web1', 'web2']).service('blog', ['web']).build(), []);
    const spot = { kind: 'unknown-zone' as const, subject: 'urn:web1', message: 'web1 lives in one zone, but which zone is not known' };
    const blind = { ...clean, blindSpots: [spot] };
    expect(text(clean)).toContain('\nNo single point of failure found.\n');
    expect(text(blind)).toContain('\nNo single point of failure found in what firebreak could judge (1 blind spot: see below).\n');
    const info = { ...smallResult(), findings: smallResult().findings.filter((f) => f.severity === 'info') };
    expect(text(info)).toContain('No single point of failure within the policy (1 info finding beyond it, below).');
    expect(text({ ...info, blindSpots: [spot, spot] })).toContain(
      'No single point of failure within the policy in what firebreak could judge (2 blind spots: see below); 1 info finding beyond it, below.',
    );
    expect(renderMarkdown(blind, { color: false })).toContain(
      '### firebreak: no single point of failure in what firebreak could judge (1 blind spot: see below)\n',
    );
    expect(renderMarkdown(clean, { color: false })).toContain('### firebreak: no single point of failure\n');
  });

  it('labels nodes by kind in paths', () => {
    const result = smallResult();
    expect(nodeLabel(result.nodes, D('aws/r1/a'))).toBe('zone aws/r1/a');
    expect(nodeLabel(result.nodes, C('db'))).toBe('db [a]');
    expect(nodeLabel(result.nodes, 'component:unknown')).toBe('component:unknown');
    const f = result.findings.find((x) => x.event.id === D('aws/r1'))!;
    const path = f.affected[0]!.path;
    expect(plainPath(result, path)).toMatch(/ -requires-> web \(replica group\) -member-> /);
  });

  it('shows the type of components that share a name with another node of the path (a Kubernetes Service and its Deployment)', () => {
    const nodes = {
      'service:redis': { kind: 'service' as const, name: 'redis' },
      'component:svc': { kind: 'component' as const, name: 'redis', type: 'kubernetes:core/v1:Service', placedIn: ['kubernetes/ambient kubeconfig'] },
      'component:dep': { kind: 'component' as const, name: 'redis', type: 'kubernetes:apps/v1:Deployment', placedIn: ['kubernetes/ambient kubeconfig'] },
      'component:db': { kind: 'component' as const, name: 'db', type: 'aws:rds/instance:Instance' },
    };
    const path = [
      { node: 'service:redis', state: 'down' as const },
      { edge: 'requires' as const, node: 'component:svc', state: 'down' as const },
      { edge: 'requires' as const, node: 'component:dep', state: 'down' as const },
      { edge: 'requires' as const, node: 'component:db', state: 'down' as const },
    ];
    expect(plainPath({ nodes }, path)).toBe(
      'redis -requires-> redis (Service) [ambient kubeconfig] -requires-> redis (Deployment) [ambient kubeconfig] -requires-> db',
    );
    // Alone on a path, a name needs no type.
    expect(plainPath({ nodes }, [path[0]!, path[3]!])).toBe('redis -requires-> db');
  });
});

/**
 * Which domains are basic events. A domain holding nothing but one child
 * domain fails exactly like that child and is folded into it; a domain that
 * also holds resources of its own is an event of its own, whatever its children.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/analysis/engine.js';
import { analyzeModel } from '../../src/analysis/index.js';
import { D, ModelSpec } from '../helpers/model-builder.js';

/** aws > r1 > a, with the app in zone a; optionally a config store placed in region r1 itself. */
function estate(regionHoldsResources: boolean) {
  const spec = new ModelSpec().domains(['aws', 'provider'], ['aws/r1', 'region'], ['aws/r1/a']).component('app', { placedIn: ['aws/r1/a'] });
  if (regionHoldsResources) spec.component('config', { placedIn: ['aws/r1'] }).service('shop', ['app', 'config']);
  else spec.service('shop', ['app']);
  return spec.build();
}

const eventIds = (model: ReturnType<typeof estate>): string[] => {
  const engine = new Engine(model);
  return engine.basicEvents().map((i) => engine.ids[i]!);
};

describe('domain events', () => {
  it('folds a domain that holds only one child domain into it', () => {
    const events = eventIds(estate(false));
    expect(events).toContain(D('aws/r1/a'));
    expect(events).not.toContain(D('aws/r1'));
    expect(events).not.toContain(D('aws'));
  });

  it('keeps a domain holding resources directly and one child domain as its own event', () => {
    const model = estate(true);
    const events = eventIds(model);
    expect(events).toContain(D('aws/r1'));
    expect(events).toContain(D('aws/r1/a'));
    // Its parent still holds only it: folded.
    expect(events).not.toContain(D('aws'));
    // And the analysis reports the region's loss as its own finding.
    const result = analyzeModel(model, [], { tolerate: 'region' });
    const region = result.findings.filter((f) => f.event.id === D('aws/r1'));
    expect(region).toHaveLength(1);
    expect(region[0]!.affected.map((a) => a.service)).toEqual(['shop']);
    expect(result.summary.domainEvents).toBe(2);
  });

  it('a domain with two children is an event even when it holds nothing itself', () => {
    const model = new ModelSpec()
      .domains(['aws', 'provider'], ['aws/r1', 'region'], ['aws/r1/a'], ['aws/r1/b'])
      .component('app', { placedIn: ['aws/r1/a', 'aws/r1/b'] })
      .service('shop', ['app'])
      .build();
    const events = eventIds(model);
    expect(events).toContain(D('aws/r1'));
    expect(events).not.toContain(D('aws'));
  });
});

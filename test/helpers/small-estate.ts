/**
 * A small estate for the analysis and report unit tests: region r1 with zones
 * a and b; shop needs the web group (web1 in a, web2 in b) and the database db
 * (in a only); blog needs the web group. Findings: db and zone a take shop
 * down (high); the region takes both down (info, beyond the zone policy).
 */
import { analyzeModel } from '../../src/analysis/index.js';
import type { AnalysisResult } from '../../src/analysis/types.js';
import type { Model } from '../../src/model/index.js';
import { ModelSpec } from './model-builder.js';

export function smallEstate(options: { dbInBothZones?: boolean } = {}): Model {
  return new ModelSpec()
    .domains(['aws', 'provider'], ['aws/r1', 'region'], ['aws/r1/a'], ['aws/r1/b'])
    .component('db', { placedIn: options.dbInBothZones ? ['aws/r1/a', 'aws/r1/b'] : ['aws/r1/a'], role: 'datastore' })
    .component('web1', { placedIn: ['aws/r1/a'] })
    .component('web2', { placedIn: ['aws/r1/b'] })
    .group('web', 1, ['web1', 'web2'])
    .service('shop', ['web', 'db'])
    .service('blog', ['web'])
    .build();
}

export function smallResult(options: { dbInBothZones?: boolean } = {}): AnalysisResult {
  return analyzeModel(smallEstate(options), []);
}

/** The id of the one finding whose event is this node. */
export function findingOf(result: AnalysisResult, eventId: string): string {
  const hits = result.findings.filter((f) => f.event.id === eventId);
  if (hits.length !== 1) throw new Error(`${hits.length} findings for ${eventId}`);
  return hits[0]!.id;
}

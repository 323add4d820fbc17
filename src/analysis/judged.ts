/**
 * What a result could not judge, as every document carries it (docs/json.md):
 * the coverage counts, the blind spots and the unjudged resources of the model.
 * A report is never "clean" while something that could fail was not judged.
 */
import type { BlindSpot, CoverageCounts, UnjudgedResource } from '../classify/index.js';
import type { Model } from '../model/index.js';
import { byText } from '../text.js';

export interface Judgement {
  /** Every resource in exactly one class; the four add up to `resources` (docs/coverage.md). */
  coverage: CoverageCounts;
  /** Sorted by kind, then subject. */
  blindSpots: BlindSpot[];
  /** The resources counted in `coverage.unjudged`, in input order. */
  unjudged: UnjudgedResource[];
}

/**
 * The model's judgement. A model built by hand has no coverage: its `resources`
 * (default: its components) count as modelled.
 */
export function judgementOf(model: Model, resources?: number): Judgement {
  const all = resources ?? model.nodes.filter((n) => n.kind === 'component').length;
  const coverage = model.coverage ?? { counts: { resources: all, modelled: all, configOnly: 0, components: 0, unjudged: 0 }, unjudged: [] };
  return {
    coverage: coverage.counts,
    blindSpots: [...model.blindSpots].sort((a, b) => byText(a.kind, b.kind) || byText(a.subject, b.subject)),
    unjudged: coverage.unjudged,
  };
}

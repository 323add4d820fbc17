/** Shared by the finding-kind tests: a small region, the run, and a kind's findings. */
import { analyzeModel } from '../../../src/analysis/index.js';
import type { AnalysisResult, Finding } from '../../../src/analysis/types.js';
import { ModelSpec } from '../../helpers/model-builder.js';

export function region(): ModelSpec {
  return new ModelSpec().domains(['r1', 'region'], ['r1/a', 'zone'], ['r1/b', 'zone'], ['r1/c', 'zone']);
}

export const of = (result: AnalysisResult, rule: string): Finding[] => result.findings.filter((f) => f.rule === rule);
export const analyze = (spec: ModelSpec, order = 1): AnalysisResult => analyzeModel(spec.build(), [], { order });

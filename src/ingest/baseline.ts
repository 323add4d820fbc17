/**
 * Baselines: findings accepted as they stand, matched by stable finding id.
 * A YAML file, sorted, one finding per entry with its message, so that a
 * review of the file's diff reads like a review of the risks.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { zodProblems } from '../zod-issues.js';
import { positionOf, readYamlFile } from './yaml/document.js';

export const BASELINE_VERSION = 1;

const entrySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+\/[0-9a-f]{6,}$/, 'expected a finding id such as single-point-of-failure/9ced830d26ca'),
  rule: z.string().optional(),
  severity: z.string().optional(),
  message: z.string().optional(),
});

const baselineSchema = z.strictObject({
  version: z.literal(BASELINE_VERSION),
  findings: z.array(entrySchema).nullable().default([]),
});

export interface BaselineEntry {
  id: string;
  rule?: string;
  severity?: string;
  message?: string;
}

export interface Baseline {
  file: string;
  entries: BaselineEntry[];
}

export function readBaseline(file: string): Baseline {
  if (!existsSync(file)) {
    throw new InputError({ file, reason: 'no such baseline file; create it with `firebreak check --baseline FILE --update-baseline`' });
  }
  const y = readYamlFile(file, 'the baseline');
  const parsed = baselineSchema.safeParse(y.value ?? {});
  if (!parsed.success) {
    throw new InputError(
      zodProblems(file, parsed.error.issues, { lead: 'not a firebreak baseline: ', style: 'dots', max: 5, positionOf: (at) => positionOf(y, at) }),
    );
  }
  return { file, entries: parsed.data.findings ?? [] };
}

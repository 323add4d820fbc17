/** Shared helpers of the report tests: golden files, reports through the CLI, exports with hostile names. */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { AnalysisResult } from '../../src/analysis/types.js';
import { fixture, runCli, tempFile } from './cli.js';

/** Compare with test/fixtures/golden/<name>; UPDATE_GOLDEN=1 rewrites it. */
export function expectGolden(name: string, actual: string): void {
  const file = fixture('golden', name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

/** The saved analyses under test/fixtures/results (the json report of each stack), by name. */
export const SAVED_RESULTS: Readonly<Record<string, string>> = {
  'aws-three-tier-prod': 'stacks/aws-three-tier@prod',
  'pangyo-2022': '.@pangyo-2022',
};

/** A saved analysis, for reporter tests that need no pipeline: test/fixtures/results/<name>.json. */
export function savedResult(name: string): AnalysisResult {
  return JSON.parse(readFileSync(fixture('results', `${name}.json`), 'utf8')) as AnalysisResult;
}

/** `firebreak analyze SPEC --format FORMAT`, which must succeed quietly. */
export async function report(spec: string, format: string): Promise<string> {
  const r = await runCli(['analyze', spec, '--format', format, '--fail-on', 'none']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

/** two-zones-single-db.json with the database and the service renamed (names full of syntax). */
export function hostileExport(dbName: string, serviceName: string): string {
  return renamedExport('hostile.json', [['orders-db', dbName]], serviceName);
}

/**
 * two-zones-single-db.json with every string's texts replaced, pair by pair in order (URN parts, resource names),
 * and the service `shop` renamed: written to a temporary file named `name`.
 */
export function renamedExport(name: string, renames: ReadonlyArray<readonly [string, string]>, serviceName: string): string {
  const doc = JSON.parse(readFileSync(fixture('exports', 'two-zones-single-db.json'), 'utf8'));
  const rename = (v: unknown): unknown => {
    if (typeof v === 'string') return renames.reduce((text, [from, to]) => text.split(from).join(to), v).replace(/^shop$/, serviceName);
    if (Array.isArray(v)) return v.map(rename);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rename(x)]));
    return v;
  };
  return tempFile(name, JSON.stringify(rename(doc)));
}

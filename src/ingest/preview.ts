/**
 * `pulumi preview --json` (Go `display.PreviewDigest`): the resources as they
 * will stand after the update. Every step but the deleting ones contributes
 * its `newState` (a state resource); a resource replaced in several steps is
 * taken once, from its last step. Without `--show-sames` the unchanged
 * resources are missing: references to them are dropped with a warning that
 * says how to get the whole picture.
 */
import { z } from 'zod';
import { InputError, type Problem, type Warning } from '../errors.js';
import { checkIntegrity, isWellFormedResource, placementConfig, recordFromRaw, resourceSchema, describeZodIssue } from './state.js';
import type { ResourceRecord, StackInput } from './types.js';
import { STACK_TYPE } from '../pulumi.js';

/** Steps after which the resource no longer exists (pkg/resource/deploy/step.go). */
const GONE = new Set(['delete', 'delete-replaced', 'discard', 'discard-replaced', 'remove-pending-replace']);

const stepSchema = z.looseObject({
  op: z.string().min(1),
  urn: z.string().min(1),
  provider: z.string().optional().nullable(),
  oldState: z.unknown().optional().nullable(),
  newState: z.unknown().optional().nullable(),
});

const digestSchema = z.looseObject({
  config: z.record(z.string(), z.unknown()).optional().nullable(),
  steps: z.array(z.unknown()).nullable(),
  changeSummary: z.record(z.string(), z.number()).optional().nullable(),
});

export function isPreview(doc: unknown): boolean {
  return doc !== null && typeof doc === 'object' && !Array.isArray(doc) && 'steps' in doc && !('deployment' in doc);
}

export function readPreview(doc: unknown, file: string, input: string, keep?: ReadonlySet<string>): StackInput {
  const digest = digestSchema.safeParse(doc);
  if (!digest.success) {
    const issue = digest.error.issues[0]!;
    throw new InputError({ file, reason: `not a \`pulumi preview --json\` document: ${describeZodIssue(issue, '')}` });
  }
  const problems: Problem[] = [];
  const warnings: Warning[] = [];
  // The last newState per URN, in order of first appearance.
  const order: string[] = [];
  const latest = new Map<string, { raw: unknown; index: number } | null>();
  const steps = digest.data.steps ?? [];
  let sames = 0;
  for (let i = 0; i < steps.length; i++) {
    const parsed = stepSchema.safeParse(steps[i]);
    if (!parsed.success) {
      problems.push({ file, reason: `not a \`pulumi preview --json\` document: ${describeZodIssue(parsed.error.issues[0]!, `steps[${i}]`)}` });
      if (problems.length >= 10) break;
      continue;
    }
    const step = parsed.data;
    if (!latest.has(step.urn)) order.push(step.urn);
    if (GONE.has(step.op)) {
      // A replacement's delete of the old copy does not remove the new one.
      if (step.op === 'delete' || step.op === 'discard') latest.set(step.urn, null);
      else if (!latest.has(step.urn)) latest.set(step.urn, null);
      continue;
    }
    if (step.op === 'same') sames++;
    const state = step.newState ?? (step.op === 'same' ? step.oldState : undefined);
    if (state === undefined || state === null) {
      problems.push({ file, reason: `steps[${i}] (${step.op} ${step.urn}): no newState to read` });
      continue;
    }
    latest.set(step.urn, { raw: state, index: i });
  }
  const records: ResourceRecord[] = [];
  for (const urn of order) {
    const entry = latest.get(urn);
    if (!entry) continue;
    const raw = entry.raw;
    const ok = isWellFormedResource(raw) ? { success: true as const, data: raw } : resourceSchema.safeParse(raw);
    if (!ok.success) {
      problems.push({ file, reason: `not a \`pulumi preview --json\` document: ${describeZodIssue(ok.error.issues[0]!, `steps[${entry.index}].newState`)}` });
      continue;
    }
    const record = recordFromRaw(ok.data, file, problems, entry.index, keep);
    if (record) records.push(record);
  }
  if (problems.length > 0) throw new InputError(problems.slice(0, 10));

  const unshownSames = Math.max(0, (digest.data.changeSummary?.same ?? 0) - sames);
  const dropped = dropMissingReferences(records);
  if (unshownSames > 0 || dropped > 0) {
    warnings.push({
      file,
      message:
        `the preview lists only changed resources (${unshownSames} unchanged one(s) not shown` +
        (dropped > 0 ? `; ${dropped} reference(s) to them skipped` : '') +
        '): run `pulumi preview --json --show-sames` for the whole stack',
    });
  }
  checkIntegrity(records, file);

  const stackRecord = records.find((r) => r.type === STACK_TYPE) ?? records[0];
  return {
    input,
    file,
    kind: 'preview',
    stack: stackRecord?.stack ?? 'unknown',
    project: stackRecord?.project ?? 'unknown',
    config: placementConfig(digest.data.config ?? {}),
    resources: records,
    warnings,
    ...(unshownSames > 0 || dropped > 0 ? { partialPreview: { unshown: unshownSames, dropped } } : {}),
  };
}

/** Drop dependencies, parents and providers that point at resources the preview does not show. */
function dropMissingReferences(records: ResourceRecord[]): number {
  const present = new Set(records.map((r) => r.urn));
  let dropped = 0;
  const keep = (urns: string[]): string[] => {
    const out = urns.filter((u) => present.has(u));
    dropped += urns.length - out.length;
    return out;
  };
  for (const r of records) {
    r.dependencies = keep(r.dependencies);
    for (const key of Object.keys(r.propertyDependencies)) {
      const deps = keep(r.propertyDependencies[key]!);
      if (deps.length > 0) r.propertyDependencies[key] = deps;
      else delete r.propertyDependencies[key];
    }
    if (r.parent && !present.has(r.parent)) {
      delete r.parent;
      dropped++;
    }
    if (r.provider && !present.has(r.provider)) {
      delete r.provider;
      dropped++;
    }
  }
  return dropped;
}

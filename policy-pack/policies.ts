/**
 * firebreak's findings as CrossGuard stack-validation policies: one policy per
 * finding kind, plus `firebreak-input` for what could not be read. All of them
 * run one firebreak analysis per stack and settings (the library's analyze),
 * never a second analysis of their own.
 */
import path from 'node:path';
import type { PolicyConfigSchema, ReportViolation, Severity as PolicySeverity, StackValidationArgs, StackValidationPolicy } from '@pulumi/policy';
import { z } from 'zod';
import {
  analyze,
  applyBaseline,
  findingKinds,
  InputError,
  UsageError,
  loadRules,
  plainPath,
  readBaseline,
  readTopology,
  SEVERITIES,
  severityRank,
  stackInputFromCrossGuard,
  type AnalysisResult,
  type CrossGuardResource,
  type Finding,
  type Severity,
  type UnmappedResource,
} from 'firebreak';

/** Every policy of the pack takes the same settings (Pulumi's config is per policy). */
const settingsSchema = z.strictObject({
  failOn: z.enum([...SEVERITIES, 'none']).optional(),
  tolerate: z.string().min(1).optional(),
  rules: z.array(z.string().min(1)).optional(),
  topology: z.string().min(1).optional(),
  baseline: z.string().min(1).optional(),
  today: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
    .optional(),
});

export type Settings = z.infer<typeof settingsSchema>;

/** The JSON schema Pulumi validates `--policy-pack-config` and policy-group config against. */
export const CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    failOn: {
      type: 'string',
      enum: [...SEVERITIES, 'none'],
      default: 'high',
      description: 'findings at or above this severity are violations (none: no finding is)',
    },
    tolerate: { type: 'string', description: 'the largest domain kind a critical service must survive (zone by default)' },
    rules: { type: 'array', items: { type: 'string' }, description: 'extra rule pack files or directories, after the built-in ones' },
    topology: { type: 'string', description: 'the topology file (firebreak.yaml): domains, service dependencies, accepted risks' },
    baseline: { type: 'string', description: 'a baseline file written by `firebreak check --update-baseline`; its findings are no violations' },
    today: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'the date acceptances expire against (default: today, UTC)' },
  },
};

export const INPUT_POLICY = 'firebreak-input';

/**
 * A policy's refusal to run: bad config, or a topology, baseline or rule file
 * that cannot be read. Not an Error on purpose: @pulumi/policy sends an
 * Error's stack trace to the engine, and anything else as its text.
 */
export class Rejection {
  constructor(readonly message: string) {}
  toString(): string {
    return this.message;
  }
}

/** Run a policy's body; firebreak's own input and usage errors become one-line rejections. */
function guarded(policy: string, body: () => void): void {
  try {
    body();
  } catch (err) {
    if (err instanceof InputError || err instanceof UsageError) throw new Rejection(`firebreak policy ${policy}: ${err.message}`);
    throw err;
  }
}

/** The settings of one policy, checked: a key that does not fit is named in the error. */
export function readSettings(policy: string, raw: unknown): Settings {
  const parsed = settingsSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : issue.path.map(String);
  const key = keys.join('.') || '(top level)';
  throw new Rejection(`firebreak policy pack: config of policy ${policy}: key "${key}": ${issue.message}`);
}

/** Relative paths resolve against the pack's working directory (the pack folder when Pulumi runs it). */
const resolve = (p: string): string => path.resolve(p);

interface Outcome {
  result: AnalysisResult;
  unmapped: UnmappedResource[];
  settings: Settings;
}

/** One analysis per stack and settings: every policy of one AnalyzeStack call shares it. */
let cache: { key: string; outcome: Outcome } | undefined;

function fingerprint(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const symbols = Object.getOwnPropertySymbols(v);
      if (symbols.length > 0) return { $special: (v as Record<symbol, unknown>)[symbols[0]!] };
    }
    return v;
  });
}

/** The rule packs, read once per list of extra packs. */
let rules: { key: string; loaded: ReturnType<typeof loadRules> } | undefined;

export function analyzeStack(resources: readonly CrossGuardResource[], settings: Settings): Outcome {
  const paths = (settings.rules ?? []).map(resolve);
  if (rules?.key !== JSON.stringify(paths)) rules = { key: JSON.stringify(paths), loaded: loadRules(paths) };
  const { packs, properties } = rules.loaded;
  const { input, unmapped } = stackInputFromCrossGuard(resources, { keepProperties: properties });
  const key = fingerprint([settings, input.resources, unmapped]);
  if (cache?.key === key) return cache.outcome;
  const topology = settings.topology ? readTopology(resolve(settings.topology)) : undefined;
  let result = analyze([input], {
    packs,
    ...(settings.tolerate ? { tolerate: settings.tolerate } : {}),
    ...(topology ? { topology } : {}),
    ...(settings.today ? { today: settings.today } : {}),
  });
  if (settings.baseline) result = applyBaseline(result, readBaseline(resolve(settings.baseline)));
  const outcome = { result, unmapped, settings };
  cache = { key, outcome };
  return outcome;
}

/** The resource a finding is about: its component, else the component its first path ends in (placed in the lost domain). */
export function findingUrn(f: Finding): string | undefined {
  const urnOf = (id: string | undefined): string | undefined => (id?.startsWith('component:urn:pulumi:') ? id.slice('component:'.length) : undefined);
  const own = urnOf(f.event.id);
  if (own) return own;
  for (const a of f.affected) {
    for (let i = a.path.length - 1; i >= 0; i--) {
      const u = urnOf(a.path[i]!.node);
      if (u) return u;
    }
  }
  for (const n of f.evidence?.nodes ?? []) {
    const u = urnOf(n);
    if (u) return u;
  }
  return undefined;
}

/**
 * The violation text: firebreak's message, the finding id, the path that explains it, and the finding's own
 * severity (a policy has one severity, its kind's default; a zone's loss and a region's differ). No property
 * value is ever quoted.
 */
export function violationMessage(result: AnalysisResult, f: Finding): string {
  const explained = f.affected.find((a) => a.path.length > 0);
  const lines = [`${f.message} [${f.id}]`];
  if (explained) lines.push(`Path: ${plainPath(result, explained.path)}`);
  lines.push(`Severity: ${f.severity}`);
  return lines.join('\n');
}

/** The findings of one kind that are violations: at or above failOn, not accepted, not in the baseline. */
export function violations(outcome: Outcome, kind: string): Finding[] {
  const failOn = outcome.settings.failOn ?? 'high';
  if (failOn === 'none') return [];
  const threshold = severityRank(failOn);
  return outcome.result.findings.filter((f) => f.rule === kind && severityRank(f.severity) >= threshold && !f.accepted && f.baseline !== 'unchanged');
}

const policySeverity = (s: Severity): PolicySeverity => (s === 'info' ? 'low' : s);

const resourcesOf = (args: StackValidationArgs): CrossGuardResource[] => args.resources as unknown as CrossGuardResource[];

export function firebreakPolicies(): StackValidationPolicy[] {
  const kinds: StackValidationPolicy[] = findingKinds().map((kind) => ({
    name: `firebreak-${kind.id}`,
    displayName: `firebreak: ${kind.title}`,
    description: kind.description,
    enforcementLevel: 'mandatory',
    severity: policySeverity(kind.defaultSeverity),
    configSchema: CONFIG_SCHEMA,
    validateStack: (args: StackValidationArgs, report: ReportViolation): void => {
      const name = `firebreak-${kind.id}`;
      guarded(name, () => {
        const outcome = analyzeStack(resourcesOf(args), readSettings(name, args.getConfig()));
        for (const f of violations(outcome, kind.id)) report(violationMessage(outcome.result, f), findingUrn(f));
      });
    },
  }));
  const input: StackValidationPolicy = {
    name: INPUT_POLICY,
    displayName: 'firebreak: what could not be read',
    description: 'Resources firebreak cannot map, and warnings of the analysis (expired acceptances, rules that failed).',
    enforcementLevel: 'advisory',
    severity: 'low',
    configSchema: CONFIG_SCHEMA,
    validateStack: (args: StackValidationArgs, report: ReportViolation): void =>
      guarded(INPUT_POLICY, () => {
        const outcome = analyzeStack(resourcesOf(args), readSettings(INPUT_POLICY, args.getConfig()));
        for (const u of outcome.unmapped) {
          const label = u.urn || u.name || '(a resource without URN or name)';
          report(
            `firebreak could not read the resource ${label}${u.type ? ` (${u.type})` : ''}: ${u.reason}; it is left out of the analysis`,
            u.urn.startsWith('urn:pulumi:') ? u.urn : undefined,
          );
        }
        for (const w of outcome.result.warnings) report(`firebreak: ${w.message}`);
        for (const e of outcome.result.analysisErrors) report(`firebreak: ${e.rule}: ${e.message}`);
      }),
  };
  return [...kinds, input];
}

/**
 * The topology file (firebreak.yaml at a project's root, or --topology): what
 * infrastructure code cannot show. Extra domains and nesting (a campus, a
 * shared power feed), runtime and recovery dependencies between services,
 * critical services, per-service resilience policy, and accepted risks with
 * a reason and an expiry date. docs/topology.md documents it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { MAX_GLOB_LENGTH } from '../glob.js';
import { zodProblems } from '../zod-issues.js';
import { positionOf, readYamlFile, type YamlFile } from './yaml/document.js';

export const TOPOLOGY_FILE = 'firebreak.yaml';

const names = z.union([z.string().min(1), z.array(z.string().min(1))]).transform((v) => (Array.isArray(v) ? v : [v]));

const seconds = z.number().positive();
const paths = z.union([z.string().min(1), z.array(z.string().min(1))]).transform((v) => (Array.isArray(v) ? v : [v]));

/**
 * `cli:`: defaults for the options of `analyze` and `check`, by their camelCase
 * names (failOn for --fail-on); an option given on the command line wins.
 * Relative paths are relative to the topology file's directory.
 */
const cliSchema = z.strictObject({
  format: z.string().min(1).optional(),
  output: z.string().min(1).optional(),
  outputFormat: z
    .union([z.string().min(1), z.array(z.string().min(1)), z.record(z.string().min(1), z.string().min(1))])
    .transform((v) => (typeof v === 'string' ? [v] : Array.isArray(v) ? v : Object.entries(v).map(([f, file]) => `${f}=${file}`)))
    .optional(),
  stack: z.string().min(1).optional(),
  // Severities are checked against the option's choices by the CLI (ingest does not know them).
  failOn: z.string().min(1).optional(),
  severity: z.string().min(1).optional(),
  quiet: z.boolean().optional(),
  tolerate: z.string().min(1).optional(),
  order: z.number().int().min(1).max(4).optional(),
  maxSeconds: seconds.optional(),
  programTimeout: seconds.optional(),
  availability: z.boolean().optional(),
  rules: paths.optional(),
  baseline: z.string().min(1).optional(),
  sarifRoot: z.string().min(1).optional(),
  color: z.boolean().optional(),
  allowOutsideProject: z.boolean().optional(),
  allowPartialPreview: z.boolean().optional(),
  failOnUnjudged: z.boolean().optional(),
});

/** The `cli:` section: option defaults (paths already resolved against the topology file's directory). */
export type CliDefaults = z.infer<typeof cliSchema>;

/** The `cli:` options that hold paths. */
const CLI_PATHS = ['output', 'baseline', 'sarifRoot'] as const;

const topologySchema = z.strictObject({
  cli: cliSchema.optional(),
  version: z.literal(1).optional(),
  domains: z
    .array(
      z.strictObject({
        name: z
          .string()
          .min(1)
          .regex(/^[^/]+$/, 'a domain name has no "/": use `within` to nest it'),
        kind: z.string().min(1),
        within: z.string().min(1).optional(),
        contains: names.optional(),
      }),
    )
    .optional(),
  operatorMachines: names
    .pipe(z.array(z.string().regex(/^[^/]+$/, 'a machine name has no "/"')).max(100))
    .optional()
    .describe(
      "The machines that can run `pulumi up` with what it reads there (build contexts, playbooks, key files): two or more, and the operator's machine is no single point",
    ),
  services: z
    .record(
      z.string().min(1),
      z
        .strictObject({
          critical: z.boolean().optional(),
          requires: names.optional(),
          recoversWith: names.optional(),
          tolerate: z.string().min(1).optional(),
        })
        .nullable(),
    )
    .optional(),
  accepted: z
    .array(
      z.strictObject({
        finding: z.string().min(1).max(MAX_GLOB_LENGTH).describe('a finding id, or a glob over ids (single-point-of-failure/*)'),
        reason: z.string().min(1),
        expires: z
          .union([z.string(), z.date()])
          .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
          .pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD'))
          .optional(),
      }),
    )
    .max(10_000, 'at most 10,000 accepted risks (use a glob such as single-point-of-failure/*)')
    .optional(),
});

export interface Located {
  line?: number;
  column?: number;
}

export interface TopologyDomain extends Located {
  name: string;
  kind: string;
  within?: string;
  contains: string[];
}

export interface TopologyService extends Located {
  name: string;
  critical?: boolean;
  requires: string[];
  recoversWith: string[];
  tolerate?: string;
}

export interface Acceptance extends Located {
  finding: string;
  reason: string;
  expires?: string;
}

export interface Topology {
  file: string;
  domains: TopologyDomain[];
  /** The operator machines (workstation domains) that each hold what only the machine that ran `pulumi up` has. */
  operatorMachines?: Located & { names: string[] };
  services: TopologyService[];
  accepted: Acceptance[];
  /** Option defaults from `cli:`, paths resolved against the file's directory. */
  cli?: CliDefaults;
}

function cliDefaults(cli: CliDefaults, file: string): CliDefaults {
  const dir = path.dirname(path.resolve(file));
  const out: CliDefaults = { ...cli };
  for (const key of CLI_PATHS) if (out[key] !== undefined) out[key] = path.resolve(dir, out[key]);
  if (out.rules) out.rules = out.rules.map((r) => path.resolve(dir, r));
  if (out.outputFormat) {
    out.outputFormat = out.outputFormat.map((spec) => {
      const eq = spec.indexOf('=');
      return eq > 0 ? `${spec.slice(0, eq)}=${path.resolve(dir, spec.slice(eq + 1))}` : spec;
    });
  }
  return out;
}

export function readTopology(file: string): Topology {
  const y: YamlFile = readYamlFile(file, 'the topology file');
  const parsed = topologySchema.safeParse(y.value ?? {});
  if (!parsed.success) {
    throw new InputError(
      zodProblems(file, parsed.error.issues, { lead: 'not a firebreak topology: ', style: 'dots', max: 5, positionOf: (at) => positionOf(y, at) }),
    );
  }
  const t = parsed.data;
  return {
    file,
    domains: (t.domains ?? []).map((d, i) => ({
      ...positionOf(y, ['domains', i]),
      name: d.name,
      kind: d.kind,
      ...(d.within ? { within: d.within } : {}),
      contains: d.contains ?? [],
    })),
    ...(t.operatorMachines ? { operatorMachines: { ...positionOf(y, ['operatorMachines']), names: [...new Set(t.operatorMachines)] } } : {}),
    services: Object.entries(t.services ?? {}).map(([name, s]) => ({
      ...positionOf(y, ['services', name], true),
      name,
      ...(s?.critical !== undefined ? { critical: s.critical } : {}),
      requires: s?.requires ?? [],
      recoversWith: s?.recoversWith ?? [],
      ...(s?.tolerate ? { tolerate: s.tolerate } : {}),
    })),
    accepted: (t.accepted ?? []).map((a, i) => ({
      ...positionOf(y, ['accepted', i]),
      finding: a.finding,
      reason: a.reason,
      ...(a.expires ? { expires: a.expires } : {}),
    })),
    ...(t.cli ? { cli: cliDefaults(t.cli, file) } : {}),
  };
}

/** firebreak.yaml in a project directory, when there is one. */
export function findTopology(dir: string): string | undefined {
  const file = path.join(dir, TOPOLOGY_FILE);
  return existsSync(file) ? file : undefined;
}

/**
 * Building small, realistic `pulumi stack export` documents for the rule-pack
 * tests, and reading what the built CLI says about them.
 *
 * A resource's inputs may hold references to other resources' outputs
 * (`subnet.ref()`, `db.ref('endpoint')`); they resolve to the referenced
 * output's value and record the edge the way the engine writes it: the URN in
 * `dependencies` and in `propertyDependencies` under the top-level input key.
 * Outputs are the resolved inputs plus `id` plus what the test adds (the
 * computed outputs a real provider returns: availabilityZone, arn, ...).
 */
import { expect } from 'vitest';
import { runCli, tempFile } from '../helpers/cli.js';

type Props = Record<string, unknown>;

/** A reference to an output of another resource, for use in inputs. */
export class Ref {
  constructor(
    readonly target: Resource,
    readonly path: string,
  ) {}
}

export interface Resource {
  urn: string;
  name: string;
  type: string;
  id: string;
  outputs: Props;
  /** A reference to one of its outputs (default: `id`). */
  ref(path?: string): Ref;
}

export interface ResourceOptions {
  /** The provider id; default: a made-up one from the name. */
  id?: string;
  inputs?: Props;
  /** Computed outputs, added to the resolved inputs. */
  outputs?: Props;
  dependsOn?: Resource[];
  /** A component resource to nest it under (default: the stack). */
  parent?: Resource;
  /** A provider resource (default: the default provider of its package). */
  provider?: Resource;
}

function outputAt(r: Resource, path: string): unknown {
  let cur: unknown = r.outputs;
  for (const seg of path.split('.')) cur = cur && typeof cur === 'object' ? (cur as Props)[seg] : undefined;
  if (cur === undefined) throw new Error(`${r.name} has no output ${path}`);
  return cur;
}

export class StackExport {
  private readonly resources: Array<Record<string, unknown>> = [];
  private readonly stackUrn: string;
  private readonly defaultProviders = new Map<string, Resource>();
  private readonly byUrn = new Map<string, Resource>();

  constructor(
    readonly project: string,
    readonly stack: string,
  ) {
    this.stackUrn = `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
    this.resources.push({ urn: this.stackUrn, custom: false, type: 'pulumi:pulumi:Stack' });
  }

  private make(urn: string, name: string, type: string, id: string, outputs: Props): Resource {
    const r: Resource = { urn, name, type, id, outputs, ref: (path = 'id') => new Ref(r, path) };
    this.byUrn.set(urn, r);
    return r;
  }

  /** The default provider of a package (`pulumi:providers:aws::default_6_83_0`), with its inputs (region, project, ...). */
  provider(pkg: string, inputs: Props, version = '6.83.0'): Resource {
    const name = `default_${version.replace(/\./g, '_')}`;
    const urn = `urn:pulumi:${this.stack}::${this.project}::pulumi:providers:${pkg}::${name}`;
    const id = `${pkg}-provider-${this.resources.length.toString(16).padStart(4, '0')}-4c1d-9f0e-7a2b3c4d5e6f`;
    const outputs = { ...inputs, version };
    this.resources.push({ urn, custom: true, id, type: `pulumi:providers:${pkg}`, inputs: { ...inputs, version }, outputs });
    const r = this.make(urn, name, `pulumi:providers:${pkg}`, id, outputs);
    this.defaultProviders.set(pkg, r);
    return r;
  }

  /** A component resource (custom: false), e.g. a `my:app:Service` wrapping its children. */
  component(type: string, name: string, parent?: Resource): Resource {
    const urn = `urn:pulumi:${this.stack}::${this.project}::${this.qualifiedType(type, parent)}::${name}`;
    this.resources.push({ urn, custom: false, type, parent: parent?.urn ?? this.stackUrn });
    return this.make(urn, name, type, '', {});
  }

  private qualifiedType(type: string, parent?: Resource): string {
    if (!parent) return type;
    const parentQualified = parent.urn.split('::')[2]!;
    return `${parentQualified}$${type}`;
  }

  /** A custom resource: inputs resolved, dependencies recorded, outputs = inputs + id + computed outputs. */
  add(type: string, name: string, opts: ResourceOptions = {}): Resource {
    const pkg = type.split(':')[0]!;
    const provider = opts.provider ?? this.defaultProviders.get(pkg);
    if (!provider) throw new Error(`no provider for ${pkg}: call provider('${pkg}', ...) first`);
    const urn = `urn:pulumi:${this.stack}::${this.project}::${this.qualifiedType(type, opts.parent)}::${name}`;
    const id = opts.id ?? `${name}-${this.resources.length.toString(16).padStart(6, '0')}`;
    const dependencies: string[] = [];
    const propertyDependencies: Record<string, string[]> = {};
    const note = (key: string, target: Resource): void => {
      if (!dependencies.includes(target.urn)) dependencies.push(target.urn);
      const list = (propertyDependencies[key] ??= []);
      if (!list.includes(target.urn)) list.push(target.urn);
    };
    const resolve = (v: unknown, key: string): unknown => {
      if (v instanceof Ref) {
        note(key, v.target);
        return outputAt(v.target, v.path);
      }
      if (Array.isArray(v)) return v.map((x) => resolve(x, key));
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x, key)]));
      return v;
    };
    const inputs: Props = {};
    for (const [key, value] of Object.entries(opts.inputs ?? {})) inputs[key] = resolve(value, key);
    for (const d of opts.dependsOn ?? []) if (!dependencies.includes(d.urn)) dependencies.push(d.urn);
    const outputs: Props = { ...inputs, id, ...(opts.outputs ?? {}) };
    const record: Record<string, unknown> = {
      urn,
      custom: true,
      id,
      type,
      parent: opts.parent?.urn ?? this.stackUrn,
      provider: `${provider.urn}::${provider.id}`,
      inputs,
      outputs,
      created: '2026-03-02T09:14:07.120Z',
      modified: '2026-03-02T09:14:07.120Z',
    };
    if (dependencies.length > 0) record.dependencies = dependencies;
    if (Object.keys(propertyDependencies).length > 0) record.propertyDependencies = propertyDependencies;
    this.resources.push(record);
    return this.make(urn, name, type, id, outputs);
  }

  toJSON(): unknown {
    return {
      version: 3,
      deployment: {
        manifest: { time: '2026-03-02T09:15:00.000Z', magic: '4f1e7d9a0b2c', version: 'v3.180.0' },
        secrets_providers: { type: 'passphrase', state: { salt: 'v1:kDw9J+9r1aY=:v1:ZmFrZQ==' } },
        resources: this.resources,
      },
    };
  }

  /** Writes the export to a temporary file; returns its path. */
  write(fileName = `${this.project}-${this.stack}.json`): string {
    return tempFile(fileName, JSON.stringify(this.toJSON(), null, 2));
  }
}

// ---- What the CLI says --------------------------------------------------

export interface Explanation {
  rules: Array<{ pack: string; id: string; decides: Record<string, unknown> }>;
  merged: { role?: string; scope?: string; managed?: boolean; spans: Array<{ property: string; holds: boolean }> };
  result: {
    role: string;
    failable: boolean;
    event: boolean;
    placements: Array<{ path: string; kinds: string }>;
    placedBy: string;
    service: string;
    group?: string;
    requires: string[];
  };
  blindSpots: Array<{ kind: string; subject: string; message: string }>;
}

/** `firebreak rules explain <name> <file> --format json`, parsed. */
export async function explain(file: string, name: string): Promise<Explanation> {
  const r = await runCli(['rules', 'explain', name, file, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Explanation;
}

/** The domain paths a resource is placed in. */
export function placedIn(e: Explanation): string[] {
  return e.result.placements.map((p) => p.path);
}

/** The ids of the rules matching a resource, `pack/id`, in merge order. */
export function ruleIds(e: Explanation): string[] {
  return e.rules.map((r) => `${r.pack}/${r.id}`);
}

export interface Finding {
  rule: string;
  severity: string;
  message: string;
  inPolicy: boolean;
  event: { id: string; kind: string; name: string; what: string };
}

export interface Report {
  findings: Finding[];
  nodes: Record<string, { kind: string; name: string; placedIn?: string[]; role?: string }>;
  blindSpots: Array<{ kind: string; subject: string; message: string }>;
  summary: { resources: number; components: number };
}

/** `firebreak analyze <file> --format json --fail-on none`, parsed. */
export async function analyze(file: string): Promise<Report> {
  const r = await runCli(['analyze', file, '--format', 'json', '--fail-on', 'none']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

/** The events of the single-point-of-failure findings within the policy: `zone aws/us-east-1/us-east-1a`, `datastore orders-db`. */
export function singlePoints(report: Report): string[] {
  return report.findings
    .filter((f) => f.rule === 'single-point-of-failure' && f.inPolicy)
    .map((f) => `${f.event.what} ${f.event.name}`)
    .sort();
}

/** Blind spots saying some type has no rule. */
export function noRule(report: Report): string[] {
  return report.blindSpots.filter((b) => b.kind === 'no-rule').map((b) => b.subject);
}

/** A config-only resource: matched by `rule`, never failing on its own, no blind spot. */
export async function expectConfigOnly(file: string, name: string, rule: string): Promise<void> {
  const e = await explain(file, name);
  expect(ruleIds(e)).toContain(rule);
  expect(e.result).toMatchObject({ role: 'config-only', failable: false, event: false });
  expect(e.blindSpots).toEqual([]);
}

/** An export of configuration only: no blind spot and no component. */
export async function expectNothingToJudge(file: string): Promise<void> {
  const report = await analyze(file);
  expect(report.blindSpots).toEqual([]);
  expect(report.summary.components).toBe(0);
}

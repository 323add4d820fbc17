/**
 * recovers-with inferred: a replica group recovers with the ops tools the
 * packs' `recoversWith` selectors find for it (the deploy system of its
 * cluster or stack, the monitoring that watches it, the secret store it
 * reads, the operator's machine that built or provisioned it). A firebreak:recovers-with tag on the resource always wins; where a
 * selector asks for one tool and finds two, that is a blind spot, not a guess.
 */
import { rulesOf, type Context } from './context.js';
import type { ResourceRecord } from '../ingest/types.js';
import { isProviderType, STACK_TYPE } from '../pulumi.js';
import { internPath, referencedBy } from './placement.js';
import { getPath } from './properties.js';
import { compilePattern } from './regex-engine.js';
import { conditionHolds, elementsAt } from './rules.js';
import type { LoginThrough, RecoveryScope, RecoverySelector } from './schema.js';
import { parseDomainTag } from './tags.js';
import { addRecovery, type BlindSpot, type ClassifiedResource } from './types.js';

/** The deploy systems that deploy a stack, by `project\u0000stack` (`*` for a project not named). */
type Deployers = Map<string, string[]>;

/** Whether a tool is within a scope of a resource. */
function inScope(scope: RecoveryScope, c: ClassifiedResource, t: ClassifiedResource, deployers: Deployers): boolean {
  const a = c.record;
  const b = t.record;
  switch (scope) {
    case 'deployed-by':
      return (deployers.get(`${a.project}\u0000${a.stack}`) ?? deployers.get(`*\u0000${a.stack}`) ?? []).includes(b.urn);
    case 'same-cluster':
      return c.host !== undefined && (t.host === c.host || b.urn === c.host);
    case 'same-stack':
      return a.project === b.project && a.stack === b.stack;
    case 'same-project':
      return a.project === b.project;
    case 'same-provider': {
      const root = (x: ClassifiedResource): string | undefined => x.placements[0]?.[0]?.name;
      return root(c) !== undefined && root(c) === root(t);
    }
    case 'references':
      return c.requires.includes(b.urn) || a.dependencies.includes(b.urn);
    case 'referenced-by':
      return b.dependencies.includes(a.urn) || Object.values(b.propertyDependencies).some((list) => list.includes(a.urn));
  }
}

/**
 * Stacks deployed from a cluster (a rule's `deploys`: the Pulumi Kubernetes Operator's Stack resource names
 * `org/project/stack`): the deploy systems of that cluster (same Kubernetes provider, or same cluster resource)
 * deploy it. None there is a blind spot; several are left to the selector's `one` (a blind spot too).
 */
function stackDeployers(ctx: Context, resources: ClassifiedResource[], tools: ClassifiedResource[], blindSpots: BlindSpot[]): Deployers {
  const out: Deployers = new Map();
  let hostOf: Map<string, string> | undefined;
  for (let i = 0; i < resources.length; i++) {
    const c = resources[i]!;
    const path = rulesOf(ctx, c, i).deploys;
    if (!path) continue;
    const named = elementsAt(c.record, path)[0];
    if (typeof named !== 'string' || named === '') continue;
    const parts = named.split('/');
    const stack = parts[parts.length - 1]!;
    const project = parts.length >= 3 ? parts[parts.length - 2]! : '*';
    const provider = c.record.provider;
    if (!hostOf) {
      hostOf = new Map();
      for (const x of resources) if (x.host && x.record.provider && !hostOf.has(x.record.provider)) hostOf.set(x.record.provider, x.host);
    }
    const host = c.host ?? (provider ? hostOf.get(provider) : undefined);
    const ops = tools.filter(
      (t) => t.tool === 'deploy' && ((provider !== undefined && t.record.provider === provider) || (host !== undefined && t.host === host)),
    );
    if (ops.length === 0) {
      blindSpots.push({
        kind: 'ambiguous-recovery',
        subject: c.record.urn,
        message: `${c.record.name}: deploys stack ${named}, but no deploy system of the inputs runs in its cluster; name it with firebreak:recovers-with or in the topology file`,
      });
      continue;
    }
    const key = `${project}\u0000${stack}`;
    out.set(key, [...new Set([...(out.get(key) ?? []), ...ops.map((t) => t.record.urn)])]);
  }
  return out;
}

/** A tool's identity: its replica group, or itself. */
const toolKey = (t: ClassifiedResource): string => (t.group ? `group ${t.group}` : t.record.name);

/**
 * Fills `recoversWith` of grouped components from their rules' selectors
 * (requirements must be resolved), and of lone ones from the selectors marked
 * `lone` (what rebuilding them needs: the operator machine). `tagged`: resources whose recovers-with a
 * tag decided. Ops tools themselves infer nothing (no tool recovers with itself).
 */
export function inferRecovery(ctx: Context, resources: ClassifiedResource[], tagged: ReadonlySet<ClassifiedResource>, blindSpots: BlindSpot[]): void {
  const tools = resources.filter((c) => c.failable && c.tool !== undefined);
  const deployers = stackDeployers(ctx, resources, tools, blindSpots);
  if (tools.length === 0) return;
  // What only the operator's machine runs (an image built there, a command run from it) is needed to rebuild, not to run.
  const buildTime = new Set(tools.filter((t) => t.tool === 'workstation').map((t) => t.record.urn));
  if (buildTime.size > 0) {
    for (const c of resources) if (c.failable && c.requires.some((u) => buildTime.has(u))) c.requires = c.requires.filter((u) => !buildTime.has(u));
    // Nor do they need, at run time, what they built or provisioned (a playbook's VMs).
    for (const t of tools) if (t.tool === 'workstation') t.requires = [];
  }
  const reported = new Set<string>();
  // A group of one member is that component (the model keeps no such group): it is lone.
  const members = new Map<string, number>();
  for (const c of resources) if (c.failable && c.group) members.set(c.group, (members.get(c.group) ?? 0) + 1);
  for (let i = 0; i < resources.length; i++) {
    const c = resources[i]!;
    if (!c.failable || c.external || c.role === 'ops-tool' || c.tool !== undefined || tagged.has(c)) continue;
    const lone = !c.group || members.get(c.group)! < 2;
    const rules = rulesOf(ctx, c, i);
    const all: RecoverySelector[] = rules.recoversWith ?? ctx.classifier.recovery?.recoversWith ?? [];
    // A lone resource has nothing to fail over to: only what rebuilding it needs (selectors marked lone) is inferred.
    const selectors = lone ? all.filter((s) => s.lone) : all;
    if (selectors.length === 0) continue;
    const subject = c.group && !lone ? c.group : c.record.name;
    const ruleId = rules.recoversWith ? rules.recoversWithRule : ctx.classifier.recovery?.id;
    for (const s of selectors) {
      for (const scope of s.scope) {
        const found = tools.filter((t) => t !== c && t.tool === s.tool && inScope(scope, c, t, deployers));
        if (found.length === 0) continue;
        const distinct = [...new Set(found.map(toolKey))].sort();
        if (s.one && distinct.length > 1) {
          const key = `${subject}\u0000${s.tool}`;
          if (!reported.has(key)) {
            reported.add(key);
            blindSpots.push({
              kind: 'ambiguous-recovery',
              subject: c.record.urn,
              message: `${subject}: cannot decide which ${s.tool} tool recovers it: ${distinct.join(', ')} (${scope}); name it with firebreak:recovers-with or in the topology file`,
            });
          }
          break;
        }
        for (const t of found) {
          if (c.recoversWith.includes(t.record.urn)) continue;
          addRecovery(c, t.record.urn);
          (c.recoveryWhy ??= []).push(`${s.tool} ${t.record.name} (${scope}; rule ${ruleId ?? '?'})`);
        }
        break;
      }
    }
  }
}

/** The URN firebreak gives an external identity provider (a component of no input). */
export const externalIdentityUrn = (stack: string, project: string, name: string): string =>
  `urn:pulumi:${stack}::${project}::firebreak:external:Identity::${name}`;

/** The record of a component firebreak adds (no input holds it), in the stack and project of `of`. */
function addedRecord(of: ResourceRecord, urn: string, type: string, name: string, external = false): ResourceRecord {
  return {
    urn,
    type,
    name,
    stack: of.stack,
    project: of.project,
    custom: true,
    inputs: {},
    outputs: {},
    dependencies: [],
    propertyDependencies: {},
    ...(external ? { external: true } : {}),
  };
}

/**
 * External identities: a resource whose rule says operators log in through
 * an identity provider (an AKS cluster with Entra ID admin groups, EKS access
 * entries through IAM, GKE with Google groups) adds that provider once, as an
 * identity component placed nowhere (provider-managed, global: it never fails
 * with the user's domains, but it is named), and the replica groups it hosts
 * recover with it: it is on their recovery path. The rule's breakGlass names
 * the admin ways in that do not need it (only names: an output's value is
 * never read). A rule's authenticatesThrough (a managed identity, a cluster
 * IAM role) names the identity its control plane authenticates through: the
 * same component, with the resource among its uses and a why line on the
 * resource (no requires edge: it never fails in the model, and the edge would
 * say nothing more). A config-only resource whose loginThrough has a `host`
 * (the aws-auth ConfigMap) configures the login of the host it reaches (its
 * EKS cluster): the login is the host's, with break-glass read on the host;
 * no host found is a blind spot. Returns the new components.
 */
export function inferLogins(
  ctx: Context,
  resources: ClassifiedResource[],
  tagged: ReadonlySet<ClassifiedResource>,
  blindSpots: BlindSpot[] = [],
): ClassifiedResource[] {
  const added = new Map<string, ClassifiedResource>();
  const hosts = new Map<string, Array<{ urn: string; why: string }>>();
  const identityFor = (c: ClassifiedResource, name: string, rule: string | undefined): ClassifiedResource => {
    let identity = added.get(name);
    if (!identity) {
      const r = c.record;
      identity = {
        record: addedRecord(r, externalIdentityUrn(r.stack, r.project, name), 'firebreak:external:Identity', name, true),
        role: 'identity',
        failable: true,
        event: false,
        placements: [],
        placedBy: 'an external identity provider (provider-managed, global): placed in no domain of the inputs',
        service: name,
        recoversWith: [],
        requires: [],
        rules: [rule ?? ''],
        external: true,
        externalUses: [],
      };
      added.set(name, identity);
    } else if (rule && !identity.rules.includes(rule)) identity.rules.push(rule);
    return identity;
  };
  // `via`: the identity of the inputs an issuer URL names (an in-stack Dex); `name`: the identity's name otherwise.
  const logins: Array<{ c: ClassifiedResource; login: LoginThrough; rule: string; from?: string; name: string; via?: ClassifiedResource; how?: string }> = [];
  // Config-only resources that configure their host's login (the aws-auth ConfigMap of an EKS cluster).
  const hostLogins: Array<{ c: ClassifiedResource; login: LoginThrough & { host: { via: string[] } }; rule: string }> = [];
  for (let i = 0; i < resources.length; i++) {
    const c = resources[i]!;
    const rules = rulesOf(ctx, c, i);
    const login = rules.loginThrough;
    const holds = login !== undefined && (login.when ?? []).every((cond) => conditionHolds(c.record, cond));
    if (login?.host) {
      if (holds) hostLogins.push({ c, login: { ...login, host: login.host }, rule: rules.loginThroughRule ?? '?' });
      continue;
    }
    if (!c.failable) continue;
    if (login && holds && !login.issuer) logins.push({ c, login, rule: rules.loginThroughRule ?? '?', name: login.identity });
    const auth = rules.authenticatesThrough;
    if (auth && (auth.when ?? []).every((cond) => conditionHolds(c.record, cond))) {
      const rule = rules.authenticatesThroughRule ?? '?';
      const identity = identityFor(c, auth.identity, rules.authenticatesThroughRule);
      identity.externalUses!.push({ name: c.record.name, urn: c.record.urn, how: 'control-plane', rule, via: auth.via });
      (c.identityWhy ??= []).push(`authenticates to its provider through ${auth.identity}: ${auth.via} (rule ${rule})`);
    }
  }
  if (hostLogins.length > 0) {
    const byUrn = new Map(resources.map((x) => [x.record.urn, x]));
    for (const { c: config, login, rule } of hostLogins) {
      const r = config.record;
      const host = loginHost(ctx, r, login.host.via, byUrn);
      if (!host) {
        (config.identityWhy ??= []).push(
          `configures a login through ${login.identity} (rule ${rule}), but the host it is for is not among the inputs: nothing is said to recover with ${login.identity}`,
        );
        blindSpots.push({
          kind: 'ambiguous-recovery',
          subject: r.urn,
          message: `${r.name}: configures how operators log in through ${login.identity} (rule ${rule}), but no resource of the inputs that ${login.host.via.join(', ')} reaches is its cluster: cannot decide which groups recover with ${login.identity}; name it with firebreak:recovers-with or in the topology file`,
        });
        continue;
      }
      const named = login.issuer ? issuerIdentity(ctx, r, login.issuer, login.identity, byUrn) : { name: login.identity };
      if ('unread' in named) {
        (config.identityWhy ??= []).push(
          `configures how operators log in to ${host.record.name} (rule ${rule}), but ${named.unread}: nothing is said to recover with it`,
        );
        blindSpots.push({
          kind: 'ambiguous-recovery',
          subject: r.urn,
          message: `${r.name}: configures how operators log in to ${host.record.name} (rule ${rule}), but ${named.unread}: cannot tell which identity its groups recover with; name it with firebreak:recovers-with or in the topology file`,
        });
        continue;
      }
      (config.identityWhy ??= []).push(`configures how operators log in to ${host.record.name} through ${named.name} (rule ${rule})`);
      // The host's own rule (or another such resource) says so already.
      if (logins.some((l) => l.c === host && l.name === named.name)) continue;
      logins.push({ c: host, login, rule, from: r.name, ...named });
    }
  }
  for (const { c, login, rule, from, name, via, how } of logins) {
    const breakGlass = breakGlassOf(ctx, c, login, rule, logins, blindSpots);
    const glass = breakGlass.length > 0 ? `break-glass: ${breakGlass.join('; ')}` : 'no break-glass path found';
    const list = hosts.get(c.record.urn) ?? [];
    hosts.set(c.record.urn, list);
    if (via) {
      // An identity of the inputs (a Dex release): what the cluster hosts recovers with it, as with any tool.
      (c.identityWhy ??= []).push(
        `operators log in through ${name}, an identity of the inputs (${how}; rule ${rule}${from ? `, from ${from}` : ''}); ${glass}`,
      );
      list.push({ urn: via.record.urn, why: `identity ${name} (operators log in to ${c.record.name} through it; rule ${rule})` });
      continue;
    }
    const identity = identityFor(c, name, rule);
    identity.externalUses!.push({ name: c.record.name, urn: c.record.urn, how: 'login', rule, breakGlass });
    (c.identityWhy ??= []).push(`operators log in through ${name} (rule ${rule}${from ? `, from ${from}` : ''}); ${glass}`);
    list.push({ urn: identity.record.urn, why: `identity ${name} (operators log in to ${c.record.name} through it; rule ${rule})` });
  }
  if (hosts.size === 0) return [...added.values()];
  for (let i = 0; i < resources.length; i++) {
    const c = resources[i]!;
    if (!c.failable || c.tool !== undefined || c.role === 'ops-tool' || tagged.has(c)) continue;
    // In no group (a Deployment's own pods are rescheduled by Kubernetes itself), only what operators recover by hand.
    const byHand = c.group ? undefined : rulesOf(ctx, c, i).operatorRecovery;
    if (!c.group && !byHand) continue;
    for (const on of hosts.get(c.host ?? c.record.urn) ?? []) {
      // An identity of the inputs recovers with nothing of its own login.
      if (on.urn === c.record.urn || c.recoversWith.includes(on.urn)) continue;
      addRecovery(c, on.urn);
      (c.recoveryWhy ??= []).push(byHand ? `${on.why.slice(0, -1)}; by hand: ${byHand})` : on.why);
    }
  }
  return [...added.values()];
}

/**
 * The identity an issuer URL names (a rule's loginThrough.issuer, read on the resource that configures the login):
 * a resource of role identity the property references; else a known identity service by the URL's host; else a
 * resource of role identity the resource dependsOn; else `<identity> <host>`. Neither readable (a secret or unknown
 * issuer that references no identity, no URL, two identities) says what could not be told.
 */
function issuerIdentity(
  ctx: Context,
  r: ResourceRecord,
  issuer: NonNullable<LoginThrough['issuer']>,
  identity: string,
  byUrn: ReadonlyMap<string, ClassifiedResource>,
): { name: string; via?: ClassifiedResource; how?: string } | { unread: string } {
  const failable = (x: ClassifiedResource | undefined): x is ClassifiedResource => x !== undefined && x.failable;
  const referenced = referencedBy(ctx, r, issuer.property)
    .map((x) => byUrn.get(x.urn))
    .filter(failable);
  /** The one identity of the inputs in a list, none, or two told apart (a blind spot). */
  const identityIn = (
    list: ClassifiedResource[],
    how: string,
    each: string,
  ): { name: string; via: ClassifiedResource; how: string } | { unread: string } | undefined => {
    const found = list.filter((x) => x.role === 'identity');
    if (found.length === 0) return undefined;
    const distinct = [...new Set(found.map(toolKey))].sort();
    if (distinct.length > 1)
      return { unread: `${each} ${distinct.length} identities of the inputs (${distinct.join(', ')}): which one is its issuer is not decided` };
    return { name: found[0]!.group ?? found[0]!.record.name, via: found[0]!, how };
  };
  const own = identityIn(referenced, `${r.name} references it (${issuer.property})`, `its ${issuer.property} references`);
  if (own) return own;
  // The URL as written: a known identity service by its host wins over what the resource merely waits for.
  const value = elementsAt(r, issuer.property)[0];
  let host: string | undefined;
  let unread: string;
  if (typeof value !== 'string') {
    const from = referenced.map((x) => x.record.name).sort();
    unread = `its issuer (${issuer.property}) could not be read (a secret or unknown value)${from.length > 0 ? ` and comes from ${from.join(', ')}, no identity firebreak knows` : ''}`;
  } else {
    try {
      host = new URL(value).hostname || undefined;
    } catch {
      host = undefined;
    }
    unread = `its issuer (${issuer.property}) is not a URL with a host`;
  }
  const known = host === undefined ? undefined : (issuer.known ?? []).find((k) => compilePattern(k.host).test(host));
  if (known) return { name: known.identity };
  // EKS fetches the issuer's discovery document when the config is created: programs make it wait for the identity they run.
  const waited = identityIn(r.dependencies.map((u) => byUrn.get(u)).filter(failable), `${r.name} depends on it`, 'it depends on');
  if (waited) return waited;
  return host === undefined ? { unread } : { name: `${identity} ${host}` };
}

/** The host a login-configuring resource is for: the first failable resource its references reach (not a provider). */
function loginHost(ctx: Context, r: ResourceRecord, via: string[], byUrn: ReadonlyMap<string, ClassifiedResource>): ClassifiedResource | undefined {
  for (const path of via) {
    for (const target of referencedBy(ctx, r, path)) {
      const t = byUrn.get(target.urn);
      if (t?.failable && !isProviderType(target.type)) return t;
    }
  }
  return undefined;
}

/**
 * The registry host of an image reference, or undefined (Docker's rule: the first `/`-separated part is a host
 * when it has a `.` or a `:`, or is `localhost`; `nginx:1.27` and `acme/web:dev` have none).
 */
export function registryHost(image: string): string | undefined {
  const slash = image.indexOf('/');
  if (slash < 0) return undefined;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : undefined;
}

/** The URN firebreak gives an image only in the operator machine's daemon (a component of no input). */
export const localImageUrn = (stack: string, project: string, image: string): string => `urn:pulumi:${stack}::${project}::firebreak:local:Image::${image}`;

/**
 * Images only in a local daemon (a rule's localImages: kind, minikube, a Docker Desktop cluster): a container
 * whose image names no registry host and is never pulled recovers with that image, added once as an ops tool
 * placed on the operator machine (needed to rebuild, not to run). Pulled only when absent, it is a blind spot
 * unless the rule calls it public or an image resource of the inputs builds it (then it recovers with that
 * resource when only the operator machine can rebuild it). Returns the new components.
 */
export function inferLocalImages(
  ctx: Context,
  resources: ClassifiedResource[],
  tagged: ReadonlySet<ClassifiedResource>,
  blindSpots: BlindSpot[],
  opsService: (project: string) => string,
): ClassifiedResource[] {
  const added = new Map<string, ClassifiedResource>();
  // The image names the inputs' image resources build, per rule's builtBy: built once per stack.
  let built: Map<string, ClassifiedResource> | undefined;
  const builders = (list: Array<{ type: string; path: string }>): Map<string, ClassifiedResource> => {
    if (built) return built;
    built = new Map();
    for (const c of resources) {
      if (!c.failable) continue;
      for (const b of list) {
        if (b.type !== c.record.type) continue;
        for (const v of elementsAt(c.record, b.path)) if (typeof v === 'string') built.set(`${c.record.stack}\u0000${c.record.project}\u0000${v}`, c);
      }
    }
    return built;
  };
  for (let i = 0; i < resources.length; i++) {
    const c = resources[i]!;
    if (!c.failable || c.external || c.tool !== undefined || c.role === 'ops-tool' || tagged.has(c)) continue;
    const rules = rulesOf(ctx, c, i);
    const spec = rules.localImages;
    if (!spec) continue;
    const publicImage = spec.public ? compilePattern(spec.public) : undefined;
    const r = c.record;
    for (const path of spec.containers) {
      for (const container of elementsAt(r, path)) {
        const image = getPath(container, spec.image);
        const policy = getPath(container, spec.pullPolicy);
        if (typeof image !== 'string' || typeof policy !== 'string' || registryHost(image) !== undefined) continue;
        const never = spec.never.includes(policy);
        if (!never && !spec.unsure.includes(policy)) continue;
        const builder = builders(spec.builtBy ?? []).get(`${r.stack}\u0000${r.project}\u0000${image}`);
        let tool: ClassifiedResource | undefined;
        let why: string;
        if (builder) {
          // Built by the inputs: what rebuilds it is that resource (a workstation tool when built from a local context).
          if (builder.tool !== 'workstation') continue;
          tool = builder;
          why = `workstation ${builder.record.name} (builds image ${image}, pull policy ${policy}; rule ${rules.localImagesRule ?? '?'})`;
        } else if (!never) {
          if (publicImage?.test(image)) continue;
          blindSpots.push({
            kind: 'ambiguous-recovery',
            subject: r.urn,
            message: `${r.name}: cannot tell whether image ${image} is only in a local daemon (no registry host, ${spec.pullPolicy} ${policy}, built by nothing in the inputs); name the registry in the image, or tag firebreak:recovers-with`,
          });
          continue;
        } else {
          const key = `${r.stack}\u0000${r.project}\u0000${image}`;
          tool = added.get(key);
          if (!tool) {
            tool = {
              record: addedRecord(r, localImageUrn(r.stack, r.project, image), 'firebreak:local:Image', image),
              role: 'ops-tool',
              tool: 'workstation',
              failable: true,
              event: false,
              placements: [internPath(ctx, parseDomainTag(spec.domain))],
              placedBy: `an image only in the local daemon (no registry host, ${spec.pullPolicy} ${policy}): rule domain ${spec.domain}`,
              service: opsService(r.project),
              recoversWith: [],
              requires: [],
              rules: [rules.localImagesRule ?? ''],
              rebuild: { what: 'an image only in the local daemon', keys: [] },
            };
            added.set(key, tool);
          }
          why = `workstation image ${image} (only in the local daemon: no registry host, ${spec.pullPolicy} ${policy}; rule ${rules.localImagesRule ?? '?'})`;
        }
        if (c.recoversWith.includes(tool.record.urn)) continue;
        addRecovery(c, tool.record.urn);
        (c.recoveryWhy ??= []).push(why);
      }
    }
  }
  return [...added.values()];
}

/**
 * The break-glass ways into a resource its login rule names: a credential
 * whose conditions hold, or stack outputs of its stack with one of the names
 * given or coming from one of the functions given (only names and origins are
 * read, never values). An output that comes from resources is for the ones
 * it comes from; one whose origin is not known (an export) and that several
 * such resources of the stack could own says so: which one it opens is not decided.
 */
function breakGlassOf(
  ctx: Context,
  c: ClassifiedResource,
  login: LoginThrough,
  rule: string,
  logins: ReadonlyArray<{ c: ClassifiedResource; rule: string }>,
  blindSpots: BlindSpot[],
): string[] {
  const out: string[] = [];
  const r = c.record;
  const outputs = ctx.outputsOf.get(`${r.project}/${r.stack}`) ?? [];
  for (const b of login.breakGlass ?? []) {
    if (!(b.when ?? []).every((cond) => conditionHolds(r, cond))) continue;
    if ((b.unless ?? []).some((cond) => conditionHolds(r, cond))) continue;
    if (!b.outputs && !b.invokes) {
      out.push(b.credential);
      continue;
    }
    // A function invoked by another of its tokens (an explicit API version) is the one the rule lists.
    const invokes = b.invokes;
    const listed = (f: string): boolean => invokes !== undefined && (invokes.includes(f) || ctx.classifier.tokenVariants(f).some((v) => invokes.includes(v)));
    const found = outputs.filter((o) => (b.outputs?.includes(o.name) || o.invokes.some(listed)) && (o.from.length === 0 || o.from.includes(r.urn)));
    if (found.length === 0) continue;
    const peers = logins.filter((l) => l.rule === rule && l.c.record.stack === r.stack && l.c.record.project === r.project).length;
    const undecided = peers > 1 && found.some((o) => o.from.length === 0);
    const subject =
      [...ctx.byUrn.values()].find((x) => x.type === STACK_TYPE && x.stack === r.stack && x.project === r.project)?.urn ?? `${r.project}/${r.stack}`;
    if (undecided && !blindSpots.some((x) => x.kind === 'ambiguous-recovery' && x.subject === subject)) {
      const names = logins.filter((l) => l.rule === rule && l.c.record.stack === r.stack && l.c.record.project === r.project).map((l) => l.c.record.name);
      blindSpots.push({
        kind: 'ambiguous-recovery',
        subject,
        message: `stack ${r.project}/${r.stack}: cannot decide which cluster stack output ${found.map((o) => o.name).join(', ')} opens as break-glass: ${[...names].sort().join(', ')} (an export records no dependencies of stack outputs); each is named with it`,
      });
    }
    out.push(
      `${b.credential} in stack output ${found.map((o) => o.name).join(', ')}${undecided ? ` (the stack has ${peers} such clusters: which one it opens is not decided)` : ''}`,
    );
  }
  return out;
}

/**
 * recovers-with inferred: a replica group recovers with the ops tools the
 * packs' `recoversWith` selectors find for it (the deploy system of its
 * cluster or stack, the monitoring that watches it, the secret store it
 * reads, the operator's machine that built or provisioned it). A firebreak:recovers-with tag on the resource always wins; where a
 * selector asks for one tool and finds two, that is a blind spot, not a guess.
 */
import type { Context } from './context.js';
import { conditionHolds } from './rules.js';
import { STACK_TYPE } from '../pulumi.js';
import type { LoginThrough, RecoveryScope, RecoverySelector } from './schema.js';
import type { BlindSpot, ClassifiedResource } from './types.js';

/** Whether a tool is within a scope of a resource. */
function inScope(scope: RecoveryScope, c: ClassifiedResource, t: ClassifiedResource): boolean {
  const a = c.record;
  const b = t.record;
  switch (scope) {
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

/** A tool's identity: its replica group, or itself. */
const toolKey = (t: ClassifiedResource): string => (t.group ? `group ${t.group}` : t.record.name);

/**
 * Fills `recoversWith` of grouped components from their rules' selectors
 * (requirements must be resolved). `tagged`: resources whose recovers-with a
 * tag decided. Ops tools themselves infer nothing (no tool recovers with itself).
 */
export function inferRecovery(ctx: Context, resources: ClassifiedResource[], tagged: ReadonlySet<ClassifiedResource>, blindSpots: BlindSpot[]): void {
  const tools = resources.filter((c) => c.failable && c.tool !== undefined);
  if (tools.length === 0) return;
  // What only the operator's machine runs (an image built there, a command run from it) is needed to rebuild, not to run.
  const buildTime = new Set(tools.filter((t) => t.tool === 'workstation').map((t) => t.record.urn));
  if (buildTime.size > 0) {
    for (const c of resources) if (c.failable && c.requires.some((u) => buildTime.has(u))) c.requires = c.requires.filter((u) => !buildTime.has(u));
    // Nor do they need, at run time, what they built or provisioned (a playbook's VMs).
    for (const t of tools) if (t.tool === 'workstation') t.requires = [];
  }
  const reported = new Set<string>();
  for (const c of resources) {
    if (!c.failable || !c.group || c.role === 'ops-tool' || c.tool !== undefined || tagged.has(c)) continue;
    const rules = ctx.classifier.rulesFor(c.record.type, c.record);
    const selectors: RecoverySelector[] = rules.recoversWith ?? ctx.classifier.recovery?.recoversWith ?? [];
    if (selectors.length === 0) continue;
    const ruleId = rules.recoversWith ? rules.recoversWithRule : ctx.classifier.recovery?.id;
    for (const s of selectors) {
      for (const scope of s.scope) {
        const found = tools.filter((t) => t !== c && t.tool === s.tool && inScope(scope, c, t));
        if (found.length === 0) continue;
        const distinct = [...new Set(found.map(toolKey))].sort();
        if (s.one && distinct.length > 1) {
          const key = `${c.group}\u0000${s.tool}`;
          if (!reported.has(key)) {
            reported.add(key);
            blindSpots.push({
              kind: 'ambiguous-recovery',
              subject: c.record.urn,
              message: `${c.group}: cannot decide which ${s.tool} tool recovers it: ${distinct.join(', ')} (${scope}); name it with firebreak:recovers-with or in the topology file`,
            });
          }
          break;
        }
        for (const t of found) {
          if (c.recoversWith.includes(t.record.urn)) continue;
          c.recoversWith.push(t.record.urn);
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
 * say nothing more). Returns the new components.
 */
export function inferLogins(
  ctx: Context,
  resources: ClassifiedResource[],
  tagged: ReadonlySet<ClassifiedResource>,
  blindSpots: BlindSpot[] = [],
): ClassifiedResource[] {
  const added = new Map<string, ClassifiedResource>();
  const hosts = new Map<string, { identity: ClassifiedResource; why: string }>();
  const identityFor = (c: ClassifiedResource, name: string, rule: string | undefined): ClassifiedResource => {
    let identity = added.get(name);
    if (!identity) {
      const r = c.record;
      identity = {
        record: {
          urn: externalIdentityUrn(r.stack, r.project, name),
          type: 'firebreak:external:Identity',
          name,
          stack: r.stack,
          project: r.project,
          custom: true,
          inputs: {},
          outputs: {},
          dependencies: [],
          propertyDependencies: {},
          external: true,
        },
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
  const logins: Array<{ c: ClassifiedResource; login: LoginThrough; rule: string }> = [];
  for (const c of resources) {
    if (!c.failable) continue;
    const rules = ctx.classifier.rulesFor(c.record.type, c.record);
    const login = rules.loginThrough;
    if (login && (login.when ?? []).every((cond) => conditionHolds(c.record, cond))) logins.push({ c, login, rule: rules.loginThroughRule ?? '?' });
    const auth = rules.authenticatesThrough;
    if (auth && (auth.when ?? []).every((cond) => conditionHolds(c.record, cond))) {
      const rule = rules.authenticatesThroughRule ?? '?';
      const identity = identityFor(c, auth.identity, rules.authenticatesThroughRule);
      identity.externalUses!.push({ name: c.record.name, urn: c.record.urn, how: 'control-plane', rule, via: auth.via });
      (c.identityWhy ??= []).push(`authenticates to its provider through ${auth.identity}: ${auth.via} (rule ${rule})`);
    }
  }
  for (const { c, login, rule } of logins) {
    const identity = identityFor(c, login.identity, rule);
    const breakGlass = breakGlassOf(ctx, c, login, rule, logins, blindSpots);
    identity.externalUses!.push({ name: c.record.name, urn: c.record.urn, how: 'login', rule, breakGlass });
    (c.identityWhy ??= []).push(
      `operators log in through ${login.identity} (rule ${rule}); ${breakGlass.length > 0 ? `break-glass: ${breakGlass.join('; ')}` : 'no break-glass path found'}`,
    );
    hosts.set(c.record.urn, { identity, why: `identity ${login.identity} (operators log in to ${c.record.name} through it; rule ${rule})` });
  }
  if (hosts.size === 0) return [...added.values()];
  for (const c of resources) {
    if (!c.failable || !c.group || c.tool !== undefined || c.role === 'ops-tool' || tagged.has(c)) continue;
    const on = hosts.get(c.host ?? c.record.urn);
    if (!on || c.recoversWith.includes(on.identity.record.urn)) continue;
    c.recoversWith.push(on.identity.record.urn);
    (c.recoveryWhy ??= []).push(on.why);
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
    const found = outputs.filter(
      (o) => (b.outputs?.includes(o.name) || o.invokes.some((f) => b.invokes?.includes(f))) && (o.from.length === 0 || o.from.includes(r.urn)),
    );
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

/**
 * The rule-pack format (rules/*.yaml), validated with zod. docs/rules.md
 * documents it. Knowledge of resource types lives in the packs, not in code.
 */
import { z } from 'zod';
import { checkingUserPatterns, linearProblem } from './regex-engine.js';

export const ROLES = ['compute', 'datastore', 'network-path', 'identity', 'ops-tool', 'config-only'] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = ['zonal', 'regional', 'global'] as const;
export type Scope = (typeof SCOPES)[number];

/** What an ops tool does for the services it recovers: deploys them, watches them, lets operators in, or holds their secrets. */
export const TOOLS = ['deploy', 'monitoring', 'console', 'secrets', 'workstation'] as const;
export type Tool = (typeof TOOLS)[number];

/** Where recovers-with inference looks for a tool, narrowest first. */
export const RECOVERY_SCOPES = ['deployed-by', 'same-cluster', 'same-stack', 'same-project', 'same-provider', 'references', 'referenced-by'] as const;
export type RecoveryScope = (typeof RECOVERY_SCOPES)[number];

const stringList = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

/**
 * A regular expression, checked to compile when the pack loads. A user pack's runs in the linear-time engine
 * (regex-engine.ts), so one that engine cannot run (a lookaround, a backreference) is refused; a built-in pack's runs in
 * RegExp, checked by test/classify/regex-engine.test.ts against long texts.
 */
const regexString = z.string().superRefine((s, ctx) => {
  try {
    new RegExp(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not a valid regular expression' });
    return;
  }
  const problem = checkingUserPatterns() ? linearProblem(s) : undefined;
  if (problem !== undefined)
    ctx.addIssue({
      code: 'custom',
      message: `a user pack's pattern runs in firebreak's linear-time engine, which cannot run this one (${problem}); rewrite it without`,
    });
});

export const conditionSchema = z
  .strictObject({
    property: stringList.describe('Property path(s), `[*]` meaning any element of a list; the condition holds when the value at any of them does'),
    equals: z.union([z.string(), z.number(), z.boolean()]).optional().describe('Holds when the value (or any element) equals this'),
    matches: regexString.optional().describe('Holds when the value (or any element) is a string this regular expression finds'),
    atLeast: z.number().optional().describe('Holds when the value is a number (or numeric string) at least this'),
  })
  .refine((c) => [c.equals, c.matches, c.atLeast].filter((x) => x !== undefined).length === 1, 'give exactly one of equals, matches, atLeast');
export type Condition = z.infer<typeof conditionSchema>;

export const spanSchema = z.strictObject({
  property: z.string().describe('Property path whose value switches the span on'),
  equals: z.union([z.string(), z.number(), z.boolean()]).describe('The value that means "spans"'),
  and: z.array(conditionSchema).optional().describe('Further conditions that must all hold too (e.g. automatic failover on, at least 2 nodes)'),
  scope: z.enum(SCOPES).describe('The domain the resource then spans: all zones of its region, or everything'),
});

export const runsOnSchema = z.strictObject({
  via: z
    .array(z.string())
    .min(1)
    .describe(
      "References to follow to the host it runs on (a cluster); `$provider.PATH` reads PATH on the resource's provider resource (`$provider.kubeconfig`)",
    ),
  spreads: z
    .union([z.boolean(), z.array(conditionSchema)])
    .optional()
    .describe(
      'When it spans the zones its host spans: true always; a list of conditions when all hold; false or omitted never (then it sits in one zone of the host, which one unknown)',
    ),
  zone: z
    .array(z.string())
    .min(1)
    .optional()
    .describe(
      "Property paths of the zone it names itself (a PersistentVolume's `metadata.labels[\"topology.kubernetes.io/zone\"]`): on a host spanning zones it is placed in that zone, when the zone is one of the host's or in the host's region",
    ),
  cluster: z
    .strictObject({
      kind: z.string().describe('The domain kind of the cluster (a domainKinds entry: `cluster`)'),
      name: z.array(z.string()).describe('Inputs of the provider resource that name the cluster (`context`, `cluster`), first set wins'),
      config: z
        .array(z.string())
        .optional()
        .describe('Inputs of the provider resource holding its own connection config (`kubeconfig`): set, the cluster is `<input> of <provider name>`'),
      ambient: z
        .string()
        .optional()
        .describe(
          'What the cluster is called when its provider sets none of these (`ambient kubeconfig`: the config of the machine running it); default `ambient config`',
        ),
    })
    .optional()
    .describe(
      "When no host resource is found: the cluster behind its provider is a failure domain of this kind, named by the provider's context (name), its own kubeconfig (config), or the ambient kubeconfig",
    ),
});
export type RunsOn = z.infer<typeof runsOnSchema>;

export const replicasSchema = z.strictObject({
  property: stringList.describe(
    'Property paths holding its instance count, tried in order (the minimum first: `minSize`, then `desiredCapacity`); a list of values (one per node pool) is summed',
  ),
  default: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("The count when none of the properties is set: the provider's documented default (name its source in the rule's why)"),
  perZone: z.boolean().optional().describe('The count is per zone of the resource (GKE node pools: nodeCount per zone of nodeLocations)'),
  unless: z.array(conditionSchema).optional().describe('When any of these holds the count does not apply (ECS DAEMON scheduling: one task per instance)'),
});
export type Replicas = z.infer<typeof replicasSchema>;
export const recoverySelectorSchema = z.strictObject({
  tool: z.enum(TOOLS).describe('The kind of ops tool it recovers with'),
  scope: z
    .union([z.enum(RECOVERY_SCOPES), z.array(z.enum(RECOVERY_SCOPES)).min(1)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .describe('Where to look, narrowest first; the first scope holding such tools decides'),
  one: z.boolean().optional().describe('Only one such tool can manage it: two distinct ones in the deciding scope are a blind spot, not a guess'),
  lone: z
    .boolean()
    .optional()
    .describe('Also for a resource in no replica group: what rebuilding it needs (the operator machine), reported by recovery-path; else groups only'),
});
export type RecoverySelector = z.infer<typeof recoverySelectorSchema>;

export const localImagesSchema = z.strictObject({
  containers: z.array(z.string()).min(1).describe('Property paths of its lists of containers (each with an image and a pull policy)'),
  image: z.string().describe("A container's property naming its image (`image`)"),
  pullPolicy: z.string().describe("A container's property holding its pull policy (`imagePullPolicy`)"),
  never: z.array(z.string()).describe('Pull policies that never pull: an image with no registry host is then only in the local daemon'),
  unsure: z.array(z.string()).describe('Pull policies that pull only when absent: an image with no registry host nothing in the inputs builds is a blind spot'),
  public: regexString.optional().describe('Images a public registry serves when absent (Docker Hub official images): never a blind spot'),
  builtBy: z
    .array(z.strictObject({ type: z.string(), path: z.string().describe('The property naming the image it builds (a list or one)') }))
    .optional()
    .describe('Image resources of the inputs and the image name they build: a workload running one recovers with it'),
  domain: z.string().describe('Where an image only in the local daemon lives, as a firebreak:domain tag writes it'),
});
export type LocalImages = z.infer<typeof localImagesSchema>;
export const breakGlassSchema = z
  .strictObject({
    credential: z.string().describe('What the way in is, in words (`local admin account`, `admin kubeconfig`): named in findings, never its value'),
    outputs: z
      .array(z.string())
      .min(1)
      .optional()
      .describe('Stack outputs (exact names) of its stack that hold it (`adminKubeconfig`): present when one of them is; only the name is ever shown'),
    invokes: z
      .array(z.string())
      .min(1)
      .optional()
      .describe(
        "Functions whose result holds it (`azure-native:containerservice:listManagedClusterAdminCredentials`): a program's stack output whose value comes from one, any name",
      ),
    when: z.array(conditionSchema).optional().describe('Conditions on the resource that must all hold'),
    unless: z.array(conditionSchema).optional().describe('Conditions on the resource none of which may hold (`disableLocalAccounts: true`)'),
  })
  .refine((b) => b.outputs !== undefined || b.invokes !== undefined || b.when !== undefined || b.unless !== undefined, 'give outputs, invokes, when or unless');
export type BreakGlass = z.infer<typeof breakGlassSchema>;

export const loginThroughSchema = z
  .strictObject({
    identity: z
      .string()
      .describe('The identity provider operators log in through (Entra ID, AWS IAM, Google groups): a provider-managed, global external dependency'),
    when: z.array(conditionSchema).optional().describe('Conditions that must all hold (an aadProfile with admin groups, an access config)'),
    breakGlass: z
      .array(breakGlassSchema)
      .optional()
      .describe('Admin ways in that do not depend on that login (a local admin account, an admin kubeconfig output): each found is named, or none'),
    host: z
      .strictObject({
        via: z
          .array(z.string())
          .min(1)
          .describe('References to follow to the host (`$provider.kubeconfig`: the cluster behind its Kubernetes provider); the first failable one reached'),
      })
      .optional()
      .describe(
        "The login is its host's, not its own: a config-only resource that configures how operators log in to its cluster (the aws-auth ConfigMap). `when` is read on the resource, breakGlass on the host; no host found is a blind spot",
      ),
    issuer: z
      .strictObject({
        property: z.string().describe('Property path of the issuer URL (`oidc.issuerUrl`), read on the resource'),
        known: z
          .array(
            z.strictObject({
              host: regexString.describe("Regular expression the issuer URL's host must contain a match of (`\\.okta\\.com$`)"),
              identity: z.string().describe('The identity such an issuer is (Okta, Auth0, Entra ID)'),
            }),
          )
          .optional()
          .describe('Issuer hosts of identity services: the first matching names the identity; any other host: `<identity> <host>`'),
      })
      .optional()
      .describe(
        "The identity is the one an issuer URL names (an OIDC identity provider config), first found: a resource of role identity the property references, a known identity by the URL's host, one the resource dependsOn, `<identity> <host>`; none readable is a blind spot. Only with host",
      ),
  })
  .refine((l) => l.issuer === undefined || l.host !== undefined, "issuer needs host: it is read on the resource that configures its host's login");
export type LoginThrough = z.infer<typeof loginThroughSchema>;

export const authenticatesThroughSchema = z.strictObject({
  identity: z
    .string()
    .describe("The provider's identity service its control plane authenticates through (Entra ID for a managed identity, AWS IAM for a role)"),
  via: z.string().describe('How, in words (`a managed identity (identity.type)`, `its cluster IAM role (roleArn)`)'),
  when: z.array(conditionSchema).optional().describe('Conditions that must all hold'),
});
export type AuthenticatesThrough = z.infer<typeof authenticatesThroughSchema>;

export const ruleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'rule ids are lower-case words joined by -'),
  info: z.string().describe('One line: what the rule knows'),
  why: z.string().optional().describe('A longer explanation'),
  match: z.strictObject({
    type: stringList.describe('Type tokens; * matches any run of characters'),
    property: z
      .strictObject({
        path: z.string().describe('Property path (outputs first, then inputs); `[*]` means any element of a list'),
        pattern: regexString.describe('Regular expression the value (or any element) must contain a match of'),
      })
      .optional()
      .describe('Match only resources whose property value matches; such a rule applies after the rules matching the type alone'),
  }),
  role: z.enum(ROLES).optional(),
  scope: z.enum(SCOPES).optional().describe('Where the resource lives when no zone is given'),
  managed: z.boolean().optional().describe('The provider keeps it running across the domains it spans: it fails only with them'),
  zone: z.array(z.string()).optional().describe('Property paths holding the zone (or a list of zones)'),
  zoneVia: z.array(z.string()).optional().describe("References to follow to take the referenced resources' zones"),
  region: z.array(z.string()).optional().describe('Property paths holding the region'),
  regionDefault: z
    .string()
    .optional()
    .describe("The region the provider documents for the resource when none of its region paths is set and nothing else gives one (cite it in the rule's why)"),
  zoneConfigDefault: z
    .boolean()
    .optional()
    .describe(
      "When none of its zone or region paths is set and it uses the default provider, the provider's zone config (zoneConfig) is where it lives, a zone, whatever its scope (a GKE cluster without a location is zonal, in gcp:zone; cite it in the rule's why)",
    ),
  spans: z.array(spanSchema).optional(),
  runsOn: runsOnSchema.optional().describe("It runs on a host (a Kubernetes cluster) and is placed through the host's placement"),
  replicaOf: z
    .array(z.string())
    .optional()
    .describe(
      'References to the cluster resource it is a member of: the members of one cluster form a replica group (Aurora cluster instances), whatever their names',
    ),
  replicas: replicasSchema
    .optional()
    .describe(
      'Its capacity: how many instances it keeps running, read from its own properties. One instance is a single point (and its zone too); n instances over z zones hold min(n, z) of them',
    ),
  tool: z
    .enum(TOOLS)
    .optional()
    .describe(
      "It is an ops tool of this kind (deploy system, monitoring, console or bastion, secret store, something only the operator's machine runs), which others recover with",
    ),
  domain: z
    .string()
    .optional()
    .describe(
      'A fixed domain path it lives in, as a firebreak:domain tag writes it (`workstation=operator-workstation`): for what only runs outside the cloud',
    ),
  rebuild: z
    .strictObject({
      what: z.string().describe('What it is, as a recovery-path finding names it: `a playbook run`, `an image build`'),
      keys: z
        .array(z.string())
        .optional()
        .describe('Property paths of credentials it reads on that machine (a private key): named, when set, by path, never by value'),
      keyArgs: z
        .strictObject({
          properties: z.array(z.string()).min(1).describe('Property paths of its command lines (`create`, `update`)'),
          flags: z
            .array(z.string().regex(/^-/, 'a flag starts with -'))
            .min(1)
            .describe('Flags whose value is a key file (`--private-key`): `--flag FILE` or `--flag=FILE`'),
        })
        .optional()
        .describe(
          'Key files its command line names: each named by the file as written (a command in plain text is no secret); a command that is a secret or unknown is said to be unreadable',
        ),
    })
    .optional()
    .describe('What only the operator machine can redo: how a finding about rebuilding from it names this tool'),
  deploys: z
    .string()
    .optional()
    .describe(
      'Property path naming the Pulumi stack it has deployed (`org/project/stack`): that stack recovers with the deploy system of its cluster (scope deployed-by)',
    ),
  localImages: localImagesSchema
    .optional()
    .describe("Its containers' images that only the operator machine's daemon holds (no registry host, never pulled) are what rebuilding it needs"),
  loginThrough: loginThroughSchema
    .optional()
    .describe('Operators reach it (and what runs on it) through this identity provider: a dependency of the recovery path of the groups it hosts'),
  authenticatesThrough: authenticatesThroughSchema
    .optional()
    .describe(
      'Its control plane authenticates through this identity service of the provider: that external identity is named (placed nowhere), with it among its uses',
    ),
  operatorRecovery: z
    .string()
    .optional()
    .describe(
      "What operators do on its host to recover it after a loss, in words (a StatefulSet: force-delete the pods of a lost node): in no replica group, it still recovers with the identity its host's operators log in through",
    ),
  recoversWith: z
    .array(recoverySelectorSchema)
    .optional()
    .describe('Infer the tools its replica group recovers with (when no firebreak:recovers-with tag says); [] infers none'),
});
export type Rule = z.infer<typeof ruleSchema>;

export const providerSchema = z.strictObject({
  package: z
    .string()
    .describe('The provider package (aws, gcp...); `*` is the template for packages no pack declares, `{package}` in its fields standing for the package name'),
  domain: z.string().describe('The root domain for this provider (aws, gcp, azure, ...)'),
  regionConfig: z.string().optional().describe('Stack config key holding the default region'),
  zoneConfig: z.string().optional().describe('Stack config key holding the default zone'),
  regionProperty: z.string().optional().describe('Input of the provider resource holding its region'),
  zoneRegion: regexString.optional().describe('Regex whose first group is the region of a zone name'),
  idRegion: regexString.optional().describe('Regex whose first group is the region inside an id or ARN (for states without provider references)'),
  idRegionFrom: z.array(z.string()).optional().describe('Top-level outputs idRegion reads, in order, before the resource id (`arn`)'),
  relativeZones: z.boolean().optional().describe('Zone names are relative to the region ("1", "2"): prefix them with it'),
  lowerCase: z.boolean().optional().describe('Region and zone names are case-insensitive: US-CENTRAL1 and us-central1 are one region'),
  invokes: z
    .array(
      z.strictObject({
        function: z.string().describe('The function token as its SDK calls it (`aws:index/getRegion:getRegion`)'),
        result: z
          .record(z.string(), z.union([z.string(), z.array(z.string())]))
          .describe(
            "What it returns from the default provider's config, field by field: `{region}` is the region (regionConfig), `{regionCode}` the region shortened (regionWords)",
          ),
      }),
    )
    .optional()
    .describe(
      "Invokes (data sources) whose answer is the default provider's own config: a program run under mocks (or a Pulumi YAML program, for the fields that are `{region}` alone) gets this answer, never the cloud's",
    ),
  assumedRegion: z
    .string()
    .optional()
    .describe("The region a program's invoke of `invokes` is answered with when the stack config has no regionConfig (the provider's default), with a warning"),
  regionWords: z
    .record(z.string(), z.string())
    .optional()
    .describe(
      '`{regionCode}` of `invokes`: the region with its first and last words kept and each word between shortened to this (`southeast: se`) or its first letter (`ap-southeast-2` -> `apse2`)',
    ),
  regionIsDatacenter: z
    .boolean()
    .optional()
    .describe(
      'A region is one datacenter with no zones (DigitalOcean, Linode, Civo): a zonal resource placed by its region is in that datacenter, not in a zone of it that is not known',
    ),
  component: z
    .boolean()
    .optional()
    .describe('A component package (awsx, eks): a program shows its resources without the children they create; one without a rule is unjudged as such'),
  secretInputs: z
    .array(z.string())
    .optional()
    .describe('Inputs of the provider resource its schema marks secret (credentials): secrets even when a program gives them in plain text'),
});
export type ProviderInfo = z.infer<typeof providerSchema>;

const renameSchema = z.strictObject({ from: z.string(), to: z.string() });

export const typeNamesSchema = z.strictObject({
  modules: z.array(renameSchema).optional().describe('Renamed modules: `aws:elasticloadbalancingv2` is the old name of `aws:lb` (package:module, no version)'),
  types: z.array(renameSchema).optional().describe('Renamed types: an alias token and the canonical token it stands for'),
});
export type TypeNames = z.infer<typeof typeNamesSchema>;

export const packSchema = z.strictObject({
  pack: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  description: z.string(),
  generated: z
    .strictObject({
      source: z.string().describe('Where the schema came from (an npm package, a schema.json)'),
      version: z.string().describe('The provider version'),
    })
    .optional()
    .describe('Written by `npm run rules:generate`: do not edit; curated packs override it'),
  typeNames: typeNamesSchema.optional().describe('Other names of resource types: they match the same rules as the canonical names'),
  coverage: z
    .strictObject({
      placement: z.array(z.string()).describe('Input property names that place a resource (zone, region, subnet, ...)'),
      capacity: z.array(z.string()).describe('Input property names that size it (replicas, node counts, ...)'),
    })
    .optional()
    .describe('For `rules coverage`: what makes a type placement-bearing'),
  domainKinds: z
    .array(
      z.strictObject({
        kind: z.string(),
        rank: z.number().int().min(0),
        failuresPerYear: z.number().min(0).optional().describe('For --availability: how often a domain of this kind is lost, per year (an assumption)'),
        hoursToRecover: z.number().min(0).optional().describe('For --availability: how long such a loss lasts, in hours (an assumption)'),
      }),
    )
    .optional(),
  componentFailure: z
    .strictObject({ failuresPerYear: z.number().min(0), hoursToRecover: z.number().min(0) })
    .optional()
    .describe('For --availability: how often a single component fails on its own, and for how long'),
  tags: z.strictObject({ paths: z.array(z.string()), prefixes: z.array(z.string()) }).optional(),
  grouping: z
    .strictObject({
      nameSuffix: regexString,
      compare: z
        .array(z.string())
        .optional()
        .describe('Top-level properties that must be equal among resources named alike for them to be replicas (image, instance type, size, ...)'),
    })
    .optional(),
  providers: z.array(providerSchema).optional(),
  recovery: z
    .strictObject({
      id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lower-case words joined by -'),
      info: z.string(),
      why: z.string().optional(),
      recoversWith: z.array(recoverySelectorSchema),
    })
    .optional()
    .describe("What every replica group recovers with by default (a later pack replaces it; a rule's recoversWith overrides it for its types)"),
  rules: z.array(ruleSchema).default([]),
});
export type Pack = z.infer<typeof packSchema>;

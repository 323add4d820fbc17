/** What classify hands to the model: plain data about each resource, and what it could not judge. */
import type { Warning } from '../errors.js';
import type { ResourceRecord } from '../ingest/types.js';
import type { ResourceCoverage } from './coverage-classes.js';
import type { Role, Tool } from './schema.js';

/** An assumption for --availability: how often something is lost, and for how long. */
export interface Reliability {
  failuresPerYear: number;
  hoursToRecover: number;
}

/** The reliability key for a component failing on its own. */
export const COMPONENT_RELIABILITY = '(component)';

export interface DomainSegment {
  name: string;
  kind: string;
}

export type Quorum = number | 'majority';

/** How many instances a resource keeps running (its rule's `replicas`), and what follows. */
export interface Capacity {
  count: number;
  /** Where the count came from: a property path, or the documented default. */
  from: string;
  /** Lost when this many of its placements are (fewer than all of them); absent: when all are. */
  downAt?: number;
  /** One line for explanations. */
  note: string;
}

/** What made a replica group: a tag the program states, or alike names and properties of stateless resources. */
export interface GroupEvidence {
  kind: 'tag' | 'cluster' | 'name';
  detail: string;
}

/** How a tool only the operator machine runs is named: what it is, and the credentials it reads there (property paths, never values). */
export interface Rebuild {
  what: string;
  keys: string[];
  /**
   * Key files its command line names (a rule's rebuild.keyArgs: `--private-key FILE`): the file as written when the
   * command is readable text, no file when it is a placeholder filled at deploy, no flag when the property could not be read.
   */
  keyFiles?: KeyFile[];
}

/** A key file a command line names: the property holding the command, the flag, and the file as written. */
export interface KeyFile {
  property: string;
  flag?: string;
  file?: string;
}

export interface ClassifiedResource {
  record: ResourceRecord;
  role: Role | 'unclassified';
  /** Takes part in the model as a component (everything but config-only). */
  failable: boolean;
  /** Its own loss is a basic event (not for managed or internally redundant resources). */
  event: boolean;
  /** Domain paths, root first. Several paths: the resource spans them. */
  placements: DomainSegment[][];
  /** How the placement was decided, for explanations. */
  placedBy: string;
  service: string;
  critical?: boolean;
  group?: string;
  /** What made its group. */
  groupEvidence?: GroupEvidence;
  /** Its capacity, when its rule reads one. */
  capacity?: Capacity;
  quorum?: Quorum;
  /** URNs of the tools needed to fail this resource's group over. */
  recoversWith: string[];
  /** How each inferred recovery tool was found (rule, tool kind, scope), for explanations; absent when none was inferred. */
  recoveryWhy?: string[];
  /** An identity provider outside the inputs (a rule's loginThrough): provider-managed and global, never placed in the user's domains. */
  external?: boolean;
  /** For an external identity: what uses it (operators logging in to a cluster, a control plane), in input order. */
  externalUses?: ExternalIdentityUse[];
  /** The external identities it uses and why (rule ids), for explanations; absent when none. */
  identityWhy?: string[];
  /** The kind of ops tool it is (a rule's `tool`), when it is one. */
  tool?: Tool;
  /** What only the operator machine can redo with it (a rule's rebuild), the credential paths it reads there that are set. */
  rebuild?: Rebuild;
  /** URNs of failable resources this one needs at run time. */
  requires: string[];
  /** Ids of the rules that decided something. */
  rules: string[];
  /** URN of the host it runs on (a rule's runsOn: a Kubernetes cluster), when found. */
  host?: string;
}

/** One use of an external identity: operators log in to a resource through it, or its control plane authenticates through it. */
export interface ExternalIdentityUse {
  /** The resource's logical name and URN. */
  name: string;
  urn: string;
  how: 'login' | 'control-plane';
  /** The rule that said so. */
  rule: string;
  /** For a control plane: how it authenticates (the rule's via). */
  via?: string;
  /** For a login: the admin ways in that do not depend on it (`stack output adminKubeconfig`), [] when none was found. */
  breakGlass?: string[];
}

export interface BlindSpot {
  kind: 'no-rule' | 'unknown-placement' | 'unknown-zone' | 'missing-config' | 'unknown-capacity' | 'unknown-cluster' | 'ambiguous-recovery';
  /** The resource type (no-rule) or URN. */
  subject: string;
  message: string;
  count?: number;
}

export interface Classification {
  resources: ClassifiedResource[];
  domainRanks: Record<string, number>;
  /** Per domain kind, and `component` for a component alone: the --availability assumptions. */
  reliability: Record<string, Reliability>;
  blindSpots: BlindSpot[];
  /** Every resource in one class: modelled, configuration only, a component, or unjudged (docs/coverage.md). */
  coverage: ResourceCoverage;
  warnings: Warning[];
}

/** A warning about one resource, at its source when known. */
export function resourceWarning(r: ResourceRecord, message: string): Warning {
  return { file: r.source?.file ?? r.urn, ...(r.source?.line ? { line: r.source.line } : {}), message };
}

/**
 * Adds a recovery tool's URN to a component's recoversWith. A component starts with the shared empty list (most never
 * get one; one empty array per component, 100k at 100k resources, lived to the end): the first URN makes its own list.
 */
export function addRecovery(c: ClassifiedResource, urn: string): void {
  if (c.recoversWith.length === 0) c.recoversWith = [urn];
  else c.recoversWith.push(urn);
}

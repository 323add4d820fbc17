/** What classify hands to the model: plain data about each resource, and what it could not judge. */
import type { Warning } from '../errors.js';
import type { ResourceRecord } from '../ingest/types.js';
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
  quorum?: Quorum;
  /** URNs of the tools needed to fail this resource's group over. */
  recoversWith: string[];
  /** How each inferred recovery tool was found (rule, tool kind, scope), for explanations; absent when none was inferred. */
  recoveryWhy?: string[];
  /** An identity provider outside the inputs (a rule's loginThrough): provider-managed and global, never placed in the user's domains. */
  external?: boolean;
  /** The kind of ops tool it is (a rule's `tool`), when it is one. */
  tool?: Tool;
  /** URNs of failable resources this one needs at run time. */
  requires: string[];
  /** Ids of the rules that decided something. */
  rules: string[];
  /** URN of the host it runs on (a rule's runsOn: a Kubernetes cluster), when found. */
  host?: string;
}

export interface BlindSpot {
  kind: 'no-rule' | 'unknown-placement' | 'unknown-zone' | 'missing-config' | 'ambiguous-recovery';
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
  warnings: Warning[];
}

/** A warning about one resource, at its source when known. */
export function resourceWarning(r: ResourceRecord, message: string): Warning {
  return { file: r.source?.file ?? r.urn, ...(r.source?.line ? { line: r.source.line } : {}), message };
}

/** What analysis hands to reporters: plain data, no presentation. */
import type { SourceLocation, Warning } from '../errors.js';
import type { BlindSpot, CoverageCounts, UnjudgedResource } from '../classify/index.js';
import type { PathStep, ServiceState } from './engine.js';
import type { AvailabilityEstimate } from './availability.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

export interface Policy {
  /** The largest domain kind every critical service must survive (zone by default). */
  tolerate: string;
  tolerateRank: number;
}

export interface AffectedService {
  service: string;
  critical: boolean;
  state: ServiceState;
  path: PathStep[];
}

export interface EventRef {
  id: string;
  /** set: a shared risk group, whose members are in the finding's evidence. */
  kind: 'domain' | 'component' | 'set';
  name: string;
  /** zone, region, datacenter... for domains; the role for components. */
  what: string;
}

export interface Finding {
  id: string;
  rule: string;
  severity: Severity;
  message: string;
  event: EventRef;
  /** Within the resilience policy (must be survived) or shown as information. */
  inPolicy: boolean;
  blastRadius: { services: number; ofServices: number; critical: number; ofCritical: number };
  affected: AffectedService[];
  /** Replica groups that survive on paper but cannot take over: their recovery tools are lost too. */
  stranded: Array<{ group: string; lostMember?: string; survivors: string[]; tools: string[] }>;
  /** The services a finding without explanation paths names (its `affected` is empty), sorted. */
  services?: string[];
  /** Kind-specific evidence: the nodes it names (ids) and the events that trigger it. */
  evidence?: { nodes: string[]; events: EventRef[] };
  locations: SourceLocation[];
  /** An accepted risk of the topology file that has not expired: the finding fails no gate. */
  accepted?: { reason: string; expires?: string };
  /** Against a baseline (`--baseline`): new, or unchanged (accepted in the baseline). */
  baseline?: 'new' | 'unchanged';
}

export interface NodeInfo {
  kind: 'domain' | 'component' | 'group' | 'service';
  name: string;
  type?: string;
  domainKind?: string;
  role?: string;
  service?: string;
  /** Domain paths a component is placed in. */
  placedIn?: string[];
  source?: SourceLocation;
}

/** Edge kinds of the failure model (src/model/index.ts). */
export type ModelEdgeKind = 'within' | 'placed-in' | 'member-of' | 'requires' | 'recovers-with';

/**
 * The whole failure model, for reporters that simulate scenarios themselves
 * (--format html). Filled only with `includeModel: true`; no other format prints it.
 */
export interface ResultModel {
  /** Every node in the model's order (edges refer to positions in this array). */
  nodes: Array<{
    id: string;
    kind: 'domain' | 'component' | 'group' | 'service';
    name: string;
    /** Domains: zone, region, datacenter... */
    domainKind?: string;
    /** Groups: up while at least k of n members are alive. */
    k?: number;
    n?: number;
    /** Services. */
    critical?: boolean;
    /** Components: their own loss is a basic event. */
    event?: boolean;
    /** Components: instances they keep running, and how many of their placements stop them (engine semantics). */
    capacity?: number;
    downAt?: number;
    /** Components and groups: the service they belong to. */
    service?: string;
    /** Components: compute, datastore... (unclassified when no rule says). */
    role?: string;
  }>;
  /** [source position, target position, kind]. */
  edges: Array<[number, number, ModelEdgeKind]>;
}

export interface AnalysisResult {
  schemaVersion: 1;
  tool: { name: 'firebreak'; version: string };
  inputs: Array<{ input: string; kind: string; project: string; stack: string; resources: number; program?: string }>;
  policy: Policy;
  summary: {
    resources: number;
    components: number;
    domains: number;
    services: number;
    criticalServices: number;
    allCritical: boolean;
    events: number;
    /** Domain losses within the policy that were checked (each zone, data center... a critical service must survive). */
    domainEvents: number;
    findings: Record<Severity, number>;
    /** Every resource in exactly one class; the four add up to `resources` (docs/coverage.md). */
    coverage: CoverageCounts;
    /**
     * Present only when shared risk groups were searched (`--order 2` or more): the largest sets of events searched
     * (`order`) and the scenarios the search evaluated. Absent: none were looked for, whatever the findings say.
     */
    sharedRiskGroups?: { order: number; scenarios: number };
  };
  services: Array<{ name: string; critical: boolean }>;
  findings: Finding[];
  /** Nodes that findings' paths name, by id. */
  nodes: Record<string, NodeInfo>;
  blindSpots: BlindSpot[];
  /** The resources counted unjudged in summary.coverage, with the reason each was not judged, in input order. */
  unjudged: UnjudgedResource[];
  warnings: Warning[];
  analysisErrors: Array<{ rule: string; message: string }>;
  /** Present with --availability: estimated unavailability of each critical service (docs/availability.md). */
  availability?: AvailabilityEstimate;
  /** Present when a baseline was given: counts, and the baseline's findings that are gone (fixed). */
  baseline?: { file: string; new: number; unchanged: number; absent: Array<{ id: string; message?: string }> };
  /** The whole model, only when analyzed with `includeModel: true` (for --format html). */
  model?: ResultModel;
}

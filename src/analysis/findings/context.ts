import type { SourceLocation } from '../../errors.js';
import type { PathStep, ServiceState, StateCode } from '../engine.js';
import type { EventRef } from '../types.js';

export interface ServiceHit {
  service: string;
  critical: boolean;
  state: ServiceState;
  stateCode: StateCode;
  path: PathStep[];
}

/** A replica group alive on paper that cannot take over: its recovery tools are lost. */
export interface StrandedGroup {
  group: string;
  lostMember?: string;
  /** Members still alive that cannot take over. */
  survivors: string[];
  tools: string[];
}

export interface ScenarioOutcome {
  /** The services hurt, sorted: worst first, then by name. */
  services: ServiceHit[];
  stranded: StrandedGroup[];
  /** Identity components or groups left stranded or down. */
  lostIdentities: string[];
  /** Recovery tools (or tool groups) left stranded or down. */
  lostTools: string[];
  /** Quorum groups (k of n consensus) that fell below k. */
  lostQuorums: string[];
}

export interface GroupInfo {
  id: string;
  name: string;
  k: number;
  n: number;
  members: string[];
  dependents: Array<{ service: string; critical: boolean }>;
  locations: SourceLocation[];
}

export interface RecoveryGroup {
  id: string;
  name: string;
  /** Members. */
  n: number;
  tools: string[];
  dependents: Array<{ service: string; critical: boolean }>;
}

export interface IdentityNode {
  id: string;
  name: string;
  /** The service it belongs to. */
  service: string;
  /** Services that require it, directly or through other components. */
  dependents: Array<{ service: string; critical: boolean }>;
  locations: SourceLocation[];
}

/** What a finding kind may use: the events, a way to run one, and lookups. */
export interface FindingContext {
  /** Every basic event whose loss hurts something, in a stable order. */
  outcomes: Array<{ event: number; outcome: ScenarioOutcome }>;
  /** Minimal cut sets of order 2..k (empty unless --order is 2 or more): the events and the services each takes down, explained. */
  cutSets: Array<{ events: number[]; services: ServiceHit[] }>;
  identities: IdentityNode[];
  /** Groups that recover with tools. */
  recoveryGroups: RecoveryGroup[];
  totalServices: number;
  /** Every service name, sorted. */
  serviceNames: string[];
  totalCritical: number;
  eventRef(event: number): EventRef;
  groupOf(id: string): GroupInfo | undefined;
  /** A node's display name, by id. */
  nameOf(id: string): string;
  inPolicy(event: number): boolean;
  /** Within the policy of this service (its own `tolerate` from the topology file, else the run's). */
  inPolicyFor(event: number, service: string): boolean;
  locationsOf(event: number): SourceLocation[];
}

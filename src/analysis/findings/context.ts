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
  tools: string[];
}

export interface ScenarioOutcome {
  /** The services hurt, sorted: worst first, then by name. */
  services: ServiceHit[];
  stranded: StrandedGroup[];
}

/** What a finding kind may use: the events, a way to run one, and lookups. */
export interface FindingContext {
  events: number[];
  totalServices: number;
  totalCritical: number;
  /** Lose this event and see what happens. */
  run(event: number): ScenarioOutcome;
  eventRef(event: number): EventRef;
  inPolicy(event: number): boolean;
  locationsOf(event: number): SourceLocation[];
}

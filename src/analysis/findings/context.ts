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

/** What a finding kind may use: the events, a way to run one, and lookups. */
export interface FindingContext {
  events: number[];
  totalServices: number;
  totalCritical: number;
  /** The services hurt by losing this event, sorted: worst first, then by name. */
  run(event: number): ServiceHit[];
  eventRef(event: number): EventRef;
  inPolicy(event: number): boolean;
  locationsOf(event: number): SourceLocation[];
}

/**
 * What a finding kind is: an id, its texts, and `detect`, which reads the
 * scenarios (each single failure, run once by the analysis) and the model,
 * and computes everything else it needs itself.
 */
import type { Model } from '../../model/index.js';
import type { EventRef, Finding, Policy, Severity } from '../types.js';
import type { ScenarioView } from './scenarios.js';
import { findingId } from './util.js';

export interface FindingKind {
  id: string;
  title: string;
  description: string;
  defaultSeverity: Severity;
  /** Message templates (`{name}` placeholders), for the kind's docs and its findings. */
  messages: Readonly<Record<string, string>>;
  detect(model: Model, scenarios: ScenarioView, policy: Policy): Finding[];
}

/** What a finding is about (what its id is made from): an event or set of events, or a node that is not an event. */
export type FindingSubject = { kind: 'event'; event: EventRef } | { kind: 'service' | 'group' | 'component'; id: string };

export function subjectId(subject: FindingSubject): string {
  return subject.kind === 'event' ? subject.event.id : subject.id;
}

/** A finding of a kind about a subject; its id follows from the kind, the subject and the services it names. */
export function newFinding(kind: Pick<FindingKind, 'id'>, subject: FindingSubject, services: string[], fields: Omit<Finding, 'id' | 'rule'>): Finding {
  return { id: findingId(kind.id, subjectId(subject), services), rule: kind.id, ...fields };
}

/**
 * The finding kinds, an explicit registry sorted by id. Adding a kind: its
 * file here, its line below, docs/findings/<id>.md and
 * test/analysis/findings/<id>.test.ts (test/analysis/kinds-registry.test.ts checks both).
 */
import * as externalIdentity from './external-identity.js';
import type { FindingKind } from './kind.js';
import * as opsToolsConcentrated from './ops-tools-concentrated.js';
import * as quorum from './quorum.js';
import * as recoveryPath from './recovery-path.js';
import * as sharedIdentity from './shared-identity.js';
import * as sharedRiskGroup from './shared-risk-group.js';
import * as singlePointOfFailure from './single-point-of-failure.js';

export type { FindingKind, FindingSubject } from './kind.js';
export type { Scenario, ScenarioView } from './scenarios.js';

/** Every kind, sorted by id: the order the analysis runs them in. */
export const KINDS: readonly FindingKind[] = [
  externalIdentity,
  opsToolsConcentrated,
  quorum,
  recoveryPath,
  sharedIdentity,
  sharedRiskGroup,
  singlePointOfFailure,
];

/** The kinds by id. */
export const FINDING_KINDS: Readonly<Record<string, FindingKind>> = Object.fromEntries(KINDS.map((k) => [k.id, k]));

/** The finding kinds, an explicit sorted map: id -> module. */
import * as quorum from './quorum.js';
import * as recoveryPath from './recovery-path.js';
import * as sharedIdentity from './shared-identity.js';
import * as sharedRiskGroup from './shared-risk-group.js';
import * as singlePointOfFailure from './single-point-of-failure.js';
import type { FindingContext } from './context.js';
import type { Finding, Severity } from '../types.js';

export interface FindingKind {
  id: string;
  title: string;
  description: string;
  defaultSeverity: Severity;
  detect(ctx: FindingContext): Finding[];
}

export const FINDING_KINDS: Readonly<Record<string, FindingKind>> = {
  [quorum.id]: quorum,
  [recoveryPath.id]: recoveryPath,
  [sharedIdentity.id]: sharedIdentity,
  [sharedRiskGroup.id]: sharedRiskGroup,
  [singlePointOfFailure.id]: singlePointOfFailure,
};

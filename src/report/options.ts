import type { Severity } from '../analysis/types.js';

export interface ReportOptions {
  /** ANSI colour (the CLI turns it on for a TTY unless NO_COLOR is set or FORCE_COLOR is 0 or false). */
  color: boolean;
  /** Most explanation paths printed per finding in text (all of them in json). */
  maxPaths?: number;
  /**
   * SARIF: artifact URIs are made relative to `root` (the repository root,
   * absolute); relative location files are taken relative to `cwd` (absolute).
   * Without it, location files are written as given.
   */
  sarif?: { root: string; cwd: string };
  /** `rules` text: pack files inside this directory are shown relative to it (the CLI gives its working directory; none: as loaded). */
  cwd?: string;
  /** Text: wrap lines to this many columns (the CLI gives the terminal's width on a TTY; none: no wrapping). */
  width?: number;
  /** The gate's threshold (`--fail-on`), for the verdict line of markdown; default high. */
  failOn?: Severity | 'none';
  /** Show only findings at or above this severity (`--severity`); the verdict still counts every finding. */
  severity?: Severity;
  /** Text and markdown: only the verdict and the failing findings (`--quiet`). */
  quiet?: boolean;
  /** `--fail-on-unjudged`: resources not judged fail the gate (markdown's verdict, junit's cases). */
  failOnUnjudged?: boolean;
  /**
   * @deprecated Not needed: the result records the search (`summary.sharedRiskGroups`, present with `--order 2` or more),
   * and junit marks the shared-risk-group cases skipped when it is absent. Read only for a result without that record
   * (2 or more: searched).
   */
  order?: number;
}

export interface ReportOptions {
  /** ANSI colour (the CLI turns it on for a TTY unless NO_COLOR is set). */
  color: boolean;
  /** Most explanation paths printed per finding in text (all of them in json). */
  maxPaths?: number;
}

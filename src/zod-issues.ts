/** The one mapping from zod issues to the problems of an InputError: a path to where, and the issue's message. */
import type { z } from 'zod';
import type { Problem } from './errors.js';

type Issue = z.core.$ZodIssue;
type Position = { line?: number; column?: number };

/** An issue's path as data (symbols left out). */
export function issuePath(issue: Issue): Array<string | number> {
  return issue.path.filter((p): p is string | number => typeof p !== 'symbol');
}

/**
 * `prefix.a.b[0]: message` (`brackets`, the form for JSON documents) or
 * `a.b.0: message` (the form for YAML files); `(top level)` for an empty path.
 */
export function describeZodIssue(issue: Issue, prefix = '', style: 'brackets' | 'dots' = 'brackets'): string {
  const where =
    style === 'dots'
      ? [prefix, ...issuePath(issue).map(String)].filter(Boolean).join('.')
      : [prefix, ...issuePath(issue).map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))].filter(Boolean).join('.').replace(/\.\[/g, '[');
  return `${where || '(top level)'}: ${issue.message}`;
}

export interface IssueProblemOptions {
  /** Put before the issue (`not a firebreak topology: `). */
  lead?: string;
  /** The path the document sits at in its file. */
  prefix?: string;
  style?: 'brackets' | 'dots';
  /** Most problems reported (all when absent). */
  max?: number;
  /** Where in the file an issue's path is. */
  positionOf?: (path: Array<string | number>) => Position | undefined;
}

/** The problems an InputError reports for a document that failed its schema. */
export function zodProblems(file: string, issues: readonly Issue[], options: IssueProblemOptions = {}): Problem[] {
  const list = options.max === undefined ? issues : issues.slice(0, options.max);
  return list.map((issue) => {
    const pos = options.positionOf?.(issuePath(issue));
    return {
      file,
      ...(pos?.line !== undefined ? { line: pos.line } : {}),
      ...(pos?.line !== undefined && pos.column !== undefined ? { column: pos.column } : {}),
      reason: `${options.lead ?? ''}${describeZodIssue(issue, options.prefix ?? '', options.style)}`,
    };
  });
}

/**
 * One error type for bad input. Every parser collects its problems and throws
 * them together; the CLI prints one line per problem (the first ten, then how
 * many more) and exits 2.
 * Every line is made visible (src/visible.ts): a name with a line break or a
 * terminal escape in it cannot forge a second error line or move the cursor.
 */
import { visible } from './visible.js';
export { visible };

export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

/** How a message names an option: as the library spells it (`addDomain`), or as the CLI's flag (`--add-domain`). */
export type OptionName = (option: string) => string;

export interface Problem extends SourceLocation {
  /** Why; options it names are spelled as the library spells them (`stack`, `programTimeout`). */
  reason: string;
  /** When the reason names options: the reason with each spelled by `name` (the CLI gives its flags). */
  reasonWith?: (name: OptionName) => string;
}

/** A reason that names options, to spread into a Problem: `{ file, ...optionReason((o) => `... ${o('jobs')} 1`) }`. */
export function optionReason(phrase: (name: OptionName) => string): Pick<Problem, 'reason' | 'reasonWith'> {
  return { reason: phrase((o) => o), reasonWith: phrase };
}

export function formatLocation(loc: SourceLocation): string {
  let out = visible(loc.file);
  if (loc.line !== undefined) {
    out += `:${loc.line}`;
    if (loc.column !== undefined) out += `:${loc.column}`;
  }
  return out;
}

/** `file:line:col: reason`. */
export function formatProblem(p: Problem): string {
  return formatProblemWith(p);
}

/** `file:line:col: reason`, with the options the reason names spelled by `name` (the CLI: its flags). */
export function formatProblemWith(p: Problem, name?: OptionName): string {
  return `${formatLocation(p)}: ${visible(name && p.reasonWith ? p.reasonWith(name) : p.reason)}`;
}

/** Problems shown at most, one line each: a file broken in a million places says so in a few lines, not a million. */
export const MAX_PROBLEM_LINES = 10;

/** The lines that show a list of problems: the first MAX_PROBLEM_LINES, then how many more (and where); options spelled by `name`. */
export function problemLines(problems: readonly Problem[], name?: OptionName): string[] {
  const lines = problems.slice(0, MAX_PROBLEM_LINES).map((p) => formatProblemWith(p, name));
  const rest = problems.slice(MAX_PROBLEM_LINES);
  if (rest.length > 0) {
    const files = [...new Set(rest.map((p) => p.file))];
    const more = `${rest.length} more problem${rest.length === 1 ? '' : 's'}`;
    lines.push(
      files.length === 1
        ? `${formatLocation({ file: files[0]! })}: ${more} (fix the first ones and run again)`
        : `${more} in ${files.length} files (fix the first ones and run again)`,
    );
  }
  return lines;
}

/** How many names a chain in a message shows (a cycle of 10,000 resources is not a 500 KB line). */
export const MAX_CHAIN_NAMES = 12;

/** `a -> b -> c`; a longer chain than MAX_CHAIN_NAMES shows its first and last names and how many are left out. */
export function chainText(names: readonly string[], separator = ' -> '): string {
  if (names.length <= MAX_CHAIN_NAMES) return names.join(separator);
  const head = names.slice(0, 6);
  const tail = names.slice(-5);
  return [...head, `... (${names.length - 11} more)`, ...tail].join(separator);
}

/** Bad input: a file that cannot be read as what it claims to be. Exit code 2. */
export class InputError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem | Problem[]) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(problemLines(list).join('\n'));
    this.name = 'InputError';
    this.problems = list;
  }
}

/**
 * Bad usage: options or arguments that do not fit together. Exit code 2. A message about options is given as a
 * function of how to name them: `message` names each as the library spells it (`tolerate region2: unknown domain
 * kind`), `messageWith(name)` as `name` gives it (the CLI: `--tolerate region2: ...`); `options` lists them.
 */
export class UsageError extends Error {
  /** The options the message names, as the library spells them (first the one it is about); none for other messages. */
  readonly options: readonly string[];
  readonly #phrase: ((name: OptionName) => string) | undefined;
  constructor(message: string | ((name: OptionName) => string)) {
    const options: string[] = [];
    const text =
      typeof message === 'string'
        ? message
        : message((option) => {
            if (!options.includes(option)) options.push(option);
            return option;
          });
    super(visible(text));
    this.name = 'UsageError';
    this.options = options;
    this.#phrase = typeof message === 'string' ? undefined : message;
  }

  /** The message with each option it names spelled by `name`. */
  messageWith(name: OptionName): string {
    return this.#phrase ? visible(this.#phrase(name)) : this.message;
  }
}

/** A warning: analysis went on, but something was skipped. Always names what. */
export interface Warning extends SourceLocation {
  message: string;
}

export function formatWarning(w: Warning): string {
  return `${formatLocation(w)}: ${visible(w.message)}`;
}

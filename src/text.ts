/** The one text order of firebreak: by UTF-16 code units, the same on every machine and locale (never localeCompare). */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A component's name with its type's last part, `web (Service)`: how text paths, finding messages and the ambiguity
 * error of `whatif --fail` tell apart components of one name, and the form `--fail` takes back (one function, so the
 * two cannot drift apart).
 */
export function typedName(name: string, type: string): string {
  return `${name} (${type.split(':').pop()})`;
}

/** The one text order of firebreak: by UTF-16 code units, the same on every machine and locale (never localeCompare). */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

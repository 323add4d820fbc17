import { hash } from 'node:crypto';

/** Fill `{name}` placeholders of a message template. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_m, k: string) => String(values[k] ?? `{${k}}`));
}

/** A stable id from a finding's content: its rule, its subject and the services it names. */
export function findingId(rule: string, subject: string, services: string[]): string {
  const h = hash('sha256', [rule, subject, ...[...services].sort()].join('\u0000'), 'hex');
  return `${rule}/${h.slice(0, 12)}`;
}

/** `KakaoTalk`, `KakaoTalk and Melon`, `KakaoTalk, Melon, Kakao T and 7 more services`. */
export function listNames(names: string[], max = 4): string {
  if (names.length === 1) return names[0]!;
  if (names.length <= max) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `${names.slice(0, max - 1).join(', ')} and ${names.length - max + 1} more services`;
}

/** critical when two or more critical services are hurt, high for one, else the given severity. */
export function severityByCritical(critical: number, otherwise: 'medium' | 'low'): 'critical' | 'high' | 'medium' | 'low' {
  return critical >= 2 ? 'critical' : critical === 1 ? 'high' : otherwise;
}

/** `takes down A and B and strands C`: what an event does to the services it hurts (down or stranded). */
export function lostEffect(lost: Array<{ service: string; state: string }>, words: { down: string; stranded: string }): string {
  const down = lost.filter((s) => s.state === 'down').map((s) => s.service);
  const stranded = lost.filter((s) => s.state === 'stranded').map((s) => s.service);
  return [down.length > 0 ? fill(words.down, { services: listNames(down) }) : '', stranded.length > 0 ? fill(words.stranded, { services: listNames(stranded) }) : '']
    .filter(Boolean)
    .join(' and ');
}

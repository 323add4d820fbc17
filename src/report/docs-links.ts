/**
 * Where each finding kind is documented: one base URL, one path per kind id.
 * The base is the published package's repository (package.json "repository");
 * a fork that publishes its own package changes DOCS_BASE here, nowhere else.
 */
import { FINDING_KINDS } from '../analysis/findings/index.js';

export const REPOSITORY_URL = 'https://github.com/firebreak/firebreak';
export const DOCS_BASE = `${REPOSITORY_URL}/blob/main/docs`;

/** The docs page of a finding kind, relative to DOCS_BASE (docs/findings/<id>.md in the repository and the package). */
export function findingDocsPath(kind: string): string {
  return `findings/${encodeURIComponent(kind)}.md`;
}

/** The docs URL of a finding kind. */
export function findingDocsUrl(kind: string): string {
  return `${DOCS_BASE}/${findingDocsPath(kind)}`;
}

/** Every known finding kind with its title and docs URL, sorted by id. */
export function findingKindLinks(): Array<{ id: string; title: string; defaultSeverity: string; url: string }> {
  return Object.keys(FINDING_KINDS)
    .sort()
    .map((id) => ({ id, title: FINDING_KINDS[id]!.title, defaultSeverity: FINDING_KINDS[id]!.defaultSeverity, url: findingDocsUrl(id) }));
}

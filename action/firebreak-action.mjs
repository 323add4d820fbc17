#!/usr/bin/env node
/**
 * The script of the firebreak GitHub Action (action.yml): run `firebreak check`
 * on a preview, export or project, write SARIF, append the Markdown report to the
 * job summary, create or update one pull-request comment (found again by a hidden
 * marker), and report the gate's exit code. No dependencies: Node 20 and fetch.
 *
 * Environment (action.yml maps its inputs onto these):
 *   FIREBREAK_COMMAND  JSON array, the command to run (default ["firebreak"])
 *   FIREBREAK_INPUTS   inputs, one per line (default ".")
 *   FIREBREAK_BASELINE baseline file (optional)     FIREBREAK_FAIL_ON  severity (default high)
 *   FIREBREAK_SARIF    SARIF file to write (default firebreak.sarif)
 *   FIREBREAK_ARGS     extra arguments (optional): split at blanks, as a shell does
 *                      for plain words: `--tolerate region` is two; quote a value
 *                      with blanks: `--rules "my packs/"`
 *   FIREBREAK_COMMENT  "true" to comment on the pull request (default true)
 *   GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_API_URL, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT
 * Exit code: firebreak's (0 passed, 1 failed by --fail-on, 2 bad input or usage).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const MARKER = '<!-- firebreak-report -->';
/** GitHub's limit on a comment body is 65536 characters. */
const MAX_COMMENT = 60000;

const lines = (v) =>
  (v ?? '')
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * The words of FIREBREAK_ARGS: split at blanks and newlines; '...' and "..." keep
 * blanks inside a word (no other escapes). An unclosed quote is an error.
 */
export function splitArgs(text) {
  const words = [];
  let word;
  let quote;
  for (const ch of text ?? '') {
    if (quote) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= '';
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + ch;
  }
  if (quote) throw new Error(`args: a ${quote} quote is not closed`);
  if (word !== undefined) words.push(word);
  return words;
}

/** The failure of the run itself (exit 2) in the job summary: the lines firebreak printed, in a fence no line can close. */
export function errorSummary(stderr) {
  const text = stderr.trimEnd() || 'firebreak printed no message';
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `**firebreak: error** (exit 2): the check did not run to the end; nothing was judged.\n\n${fence}text\n${text}\n${fence}\n`;
}

function firebreak(command, args, env) {
  const r = spawnSync(command[0], [...command.slice(1), ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env } });
  if (r.error) return { code: 2, stdout: '', stderr: `firebreak-action: cannot run ${command.join(' ')}: ${r.error.message}\n` };
  return { code: r.status ?? 2, stdout: r.stdout, stderr: r.stderr };
}

export function commentBody(markdown) {
  const md = markdown.length > MAX_COMMENT ? `${markdown.slice(0, MAX_COMMENT)}\n\n… (cut: the full report is in the job summary)\n` : markdown;
  return `${MARKER}\n${md}`;
}

/** A workflow command's message, escaped as @actions/core escapes it: a line break (which would start another command) or a % never raw. */
export function commandData(text) {
  return String(text).replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** Create the pull request's firebreak comment, or update the one that has the marker. */
export async function upsertComment({ api, repo, issue, token, body }) {
  const headers = {
    authorization: `Bearer ${token}`,
    accept: 'application/vnd.github+json',
    'content-type': 'application/json',
    'x-github-api-version': '2022-11-28',
  };
  let existing;
  for (let page = 1; page <= 50 && !existing; page++) {
    const res = await fetch(`${api}/repos/${repo}/issues/${issue}/comments?per_page=100&page=${page}`, { headers });
    if (!res.ok) throw new Error(`listing comments: HTTP ${res.status}`);
    // The response's bytes are never quoted (a JSON error message quotes them): only what was wrong.
    const list = await res.json().catch(() => undefined);
    if (!Array.isArray(list)) throw new Error('listing comments: the response is not a JSON list');
    existing = list.find((c) => Number.isSafeInteger(c?.id) && typeof c.body === 'string' && c.body.startsWith(MARKER));
    if (list.length < 100) break;
  }
  const res = existing
    ? await fetch(`${api}/repos/${repo}/issues/comments/${existing.id}`, { method: 'PATCH', headers, body: JSON.stringify({ body }) })
    : await fetch(`${api}/repos/${repo}/issues/${issue}/comments`, { method: 'POST', headers, body: JSON.stringify({ body }) });
  if (!res.ok) throw new Error(`${existing ? 'updating' : 'creating'} the comment: HTTP ${res.status}`);
  return existing ? 'updated' : 'created';
}

function pullRequestNumber(eventPath) {
  if (!eventPath || !existsSync(eventPath)) return undefined;
  try {
    const event = JSON.parse(readFileSync(eventPath, 'utf8'));
    return event.pull_request?.number ?? (event.issue?.pull_request ? event.issue.number : undefined);
  } catch {
    return undefined;
  }
}

export async function main(env = process.env) {
  const output = (k, v) => env.GITHUB_OUTPUT && appendFileSync(env.GITHUB_OUTPUT, `${k}=${v}\n`);
  const sarif = env.FIREBREAK_SARIF || 'firebreak.sarif';
  const fail = (message) => {
    process.stderr.write(`firebreak-action: ${message}\n`);
    if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, errorSummary(`firebreak-action: ${message}`));
    output('exit-code', 2);
    return 2;
  };
  let command;
  let extra;
  try {
    command = env.FIREBREAK_COMMAND ? JSON.parse(env.FIREBREAK_COMMAND) : ['firebreak'];
    extra = splitArgs(env.FIREBREAK_ARGS);
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  const inputs = lines(env.FIREBREAK_INPUTS);
  const failOn = env.FIREBREAK_FAIL_ON || 'high';
  // One run writes both reports from the same analysis: SARIF to the file, Markdown for the summary and the comment.
  const work = mkdtempSync(path.join(env.RUNNER_TEMP || tmpdir(), 'firebreak-action-'));
  const markdown = path.join(work, 'report.md');
  const args = [
    'check',
    ...(inputs.length > 0 ? inputs : ['.']),
    ...(env.FIREBREAK_BASELINE ? ['--baseline', env.FIREBREAK_BASELINE] : []),
    ...extra,
    '--fail-on',
    failOn,
    '--format',
    'sarif',
    '-o',
    sarif,
    '--output-format',
    `markdown=${markdown}`,
  ];
  const gate = firebreak(command, args, env);
  process.stderr.write(gate.stderr);
  output('exit-code', gate.code);
  output('sarif-file', sarif);
  let report = '';
  try {
    if (existsSync(markdown)) report = readFileSync(markdown, 'utf8');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (gate.code === 2 || report === '') {
    if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, errorSummary(gate.stderr));
    return 2;
  }
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, report);
  else process.stdout.write(report);

  const issue = pullRequestNumber(env.GITHUB_EVENT_PATH);
  if ((env.FIREBREAK_COMMENT ?? 'true') !== 'true') {
    // Commenting is off.
  } else if (issue === undefined) {
    process.stderr.write('firebreak-action: not a pull request: no comment\n');
  } else if (!env.GITHUB_TOKEN || !env.GITHUB_REPOSITORY) {
    process.stderr.write('firebreak-action: no GITHUB_TOKEN: no comment\n');
  } else {
    try {
      const done = await upsertComment({
        api: env.GITHUB_API_URL || 'https://api.github.com',
        repo: env.GITHUB_REPOSITORY,
        issue,
        token: env.GITHUB_TOKEN,
        body: commentBody(report),
      });
      process.stderr.write(`firebreak-action: ${done} the pull request comment\n`);
    } catch (err) {
      // A fork's pull request gets a read-only token: the gate still decides, the comment is skipped.
      process.stdout.write(
        `::warning title=firebreak::${commandData(`could not comment on the pull request (${err instanceof Error ? err.message : String(err)})`)}\n`,
      );
    }
  }
  return gate.code;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Whatever goes wrong in the script itself is exit 2 (bad input or usage), never 1, which means "failed by fail-on".
  process.exitCode = await main().catch((err) => {
    process.stderr.write(`firebreak-action: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  });
}

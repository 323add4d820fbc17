/** Pulumi engine event logs (`pulumi up --json`, `--event-log`): read like a preview, or refused naming the format. */
import { describe, expect, it } from 'vitest';
import { isEventLog, readEventLog } from '../../src/ingest/events.js';
import { asSpecial } from '../../src/ingest/types.js';
import { FORMATS } from '../../src/report/index.js';
import { runCli, tempFile } from '../helpers/cli.js';

const S = 'urn:pulumi:prod::shop::';
const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
function state(type: string, name: string, inputs: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { type, urn: `${S}${type}::${name}`, custom: !type.startsWith('pulumi:pulumi'), id: '', parent: '', inputs, outputs: {}, ...extra };
}
const stack = state('pulumi:pulumi:Stack', 'shop-prod', {});
const provider = state('pulumi:providers:aws', 'default_6_0_0', { region: 'eu-west-1' });
const db = state(
  'aws:rds/instance:Instance',
  'orders',
  { engine: 'postgres', password: '[secret]', availabilityZone: 'eu-west-1b' },
  {
    parent: stack.urn,
    provider: `${provider.urn}::${UNKNOWN}`,
  },
);
const old = state('aws:s3/bucket:Bucket', 'retired', {}, { parent: stack.urn });

function log(pretty = false): string {
  const events: unknown[] = [{ sequence: 0, timestamp: 1700000000, preludeEvent: { config: { 'aws:region': 'eu-west-1', 'shop:token': '[secret]' } } }];
  let seq = 1;
  for (const s of [stack, provider, db]) {
    events.push({ sequence: seq++, timestamp: 1700000001, resourcePreEvent: { metadata: { op: 'create', urn: s.urn, type: s.type, new: s, provider: '' } } });
    events.push({ sequence: seq++, timestamp: 1700000002, resOutputsEvent: { metadata: { op: 'create', urn: s.urn, type: s.type, new: s, provider: '' } } });
  }
  events.push({ sequence: seq++, timestamp: 1700000003, resourcePreEvent: { metadata: { op: 'delete', urn: old.urn, type: old.type, old, provider: '' } } });
  events.push({ sequence: seq++, timestamp: 1700000004, diagnosticEvent: { message: 'a { brace } in text', severity: 'info' } });
  events.push({ sequence: seq, timestamp: 1700000005, summaryEvent: { resourceChanges: { create: 3, delete: 1 } } });
  return events.map((e) => JSON.stringify(e, null, pretty ? 2 : undefined)).join('\n') + '\n';
}

describe('engine event logs', () => {
  it('recognises an event log, one event per line or pretty-printed, and nothing else', async () => {
    expect(isEventLog(log())).toBe(true);
    expect(isEventLog(log(true))).toBe(true);
    expect(isEventLog(JSON.stringify({ version: 3, deployment: { resources: [] } }))).toBe(false);
    expect(isEventLog(JSON.stringify({ steps: [], changeSummary: {} }))).toBe(false);
  });

  it('turns the resource steps into records, drops deleted resources, and keeps secrets secret', async () => {
    for (const text of [log(), log(true)]) {
      const input = readEventLog(text, 'events.json', 'events.json');
      expect(input.resources.map((r) => r.name)).toEqual(['shop-prod', 'default_6_0_0', 'orders']);
      const orders = input.resources[2]!;
      expect(orders.provider).toBe(provider.urn);
      expect(orders.parent).toBe(stack.urn);
      expect(asSpecial(orders.inputs.password)).toEqual({ kind: 'secret' });
      expect(input.config).toEqual({ 'aws:region': 'eu-west-1' });
      expect(input.stack).toBe('prod');
      expect(input.warnings[0]!.message).toMatch(/no dependencies between resources/);
    }
  });

  it('analyzes an event log on the CLI, placing the database in its zone', async () => {
    const file = tempFile('events.json', log());
    const r = await runCli(['analyze', file, '--format', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings.some((f: { event: { id: string } }) => f.event.id === 'domain:aws/eu-west-1/eu-west-1b')).toBe(true);
  });

  it('refuses a cut-off log naming the format, never "invalid JSON at position"', async () => {
    const text = log();
    const file = tempFile('cut.json', text.slice(0, text.indexOf('\n', 200) + 40));
    const r = await runCli(['analyze', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cut\.json: event \d+: an incomplete JSON event at the end \(was the log cut off\?\)/);
    expect(r.stderr).not.toMatch(/position/);
  });

  it('refuses a log with no resource steps, saying what to run instead', async () => {
    const file = tempFile(
      'empty.json',
      `${JSON.stringify({ sequence: 0, timestamp: 1, preludeEvent: { config: {} } })}\n${JSON.stringify({ sequence: 1, timestamp: 2, summaryEvent: {} })}\n`,
    );
    const r = await runCli(['analyze', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a Pulumi engine event log with no resource steps: .*pulumi stack export/);
    const failed = tempFile(
      'failed.json',
      `${JSON.stringify({ sequence: 0, timestamp: 1, preludeEvent: { config: {} } })}\n${JSON.stringify({ sequence: 1, timestamp: 2, summaryEvent: { result: 'failed' } })}\n`,
    );
    expect((await runCli(['analyze', failed])).stderr).toMatch(
      /failed\.json: a Pulumi engine event log with no resource steps \(the run it records failed\): /,
    );
  });

  // Shapes from the engine's own lifecycle event streams (pulumi/pulumi pkg/engine/lifecycletest/testdata/output).
  const line = (seq: number, e: Record<string, unknown>) => JSON.stringify({ sequence: seq, timestamp: 0, ...e });
  const step = (kind: string, op: string, s: { urn: string; type: string } | undefined, old?: { urn: string; type: string }) => ({
    [kind]: { metadata: { op, urn: (s ?? old)!.urn, type: (s ?? old)!.type, ...(s ? { new: s } : {}), ...(old ? { old } : {}), provider: '' } },
  });

  it('reads a resource once when its first step carries no state (a refresh of a view), never as a duplicate URN', async () => {
    const view = state('aws:rds/instance:InstanceView', 'orders-view', {}, { parent: db.urn, custom: false });
    const text = [
      line(0, { preludeEvent: { config: {} } }),
      line(1, step('resourcePreEvent', 'refresh', stack, stack)),
      line(2, step('resourcePreEvent', 'refresh', undefined, view)),
      line(3, step('resOutputsEvent', 'refresh', undefined, view)),
      line(4, step('resourcePreEvent', 'create', db)),
      line(5, step('resourcePreEvent', 'create', view)),
      line(6, step('resOutputsEvent', 'create', view)),
      line(7, { summaryEvent: { maybeCorrupt: false, resourceChanges: { create: 2 }, result: 'succeeded' } }),
    ].join('\n');
    const input = readEventLog(text, 'views.json', 'views.json');
    expect(input.resources.map((r) => r.name)).toEqual(['shop-prod', 'orders-view', 'orders']);
    expect(input.warnings.map((w) => w.message).join('\n')).not.toMatch(/failed|summary/);
  });

  it('warns when the run failed, was cut off before its summary, or left the state maybe corrupt, naming the failed resources', async () => {
    const failed = [
      line(0, { preludeEvent: { config: {} } }),
      line(1, step('resourcePreEvent', 'create', stack)),
      line(2, step('resOutputsEvent', 'create', stack)),
      line(3, step('resourcePreEvent', 'create', db)),
      line(4, { resOpFailedEvent: { ...step('x', 'create', db).x, status: 1, steps: 1 } }),
      line(5, { summaryEvent: { maybeCorrupt: true, resourceChanges: { create: 1 }, result: 'failed' } }),
    ];
    const warned = readEventLog(failed.join('\n'), 'failed.json', 'failed.json').warnings.map((w) => w.message);
    expect(warned).toContainEqual(
      expect.stringMatching(
        /^the run it records failed; 1 resource operation failed \(orders\); .*maybeCorrupt.*: what the run did not reach is missing.*pulumi stack export/,
      ),
    );
    const cut = readEventLog(failed.slice(0, 3).join('\n'), 'cut.json', 'cut.json').warnings.map((w) => w.message);
    expect(cut).toContainEqual(expect.stringMatching(/^the log ends without a summary event/));
    const canceled = [...failed.slice(0, 3), line(3, { summaryEvent: { maybeCorrupt: false, result: 'canceled' } })].join('\n');
    expect(readEventLog(canceled, 'c.json', 'c.json').warnings.map((w) => w.message)).toContainEqual(
      expect.stringMatching(/^the run it records was canceled:/),
    );
    // A run that finished, with the summary of an older engine (no `result`), is not flagged.
    expect(
      readEventLog(log(), 'events.json', 'events.json')
        .warnings.map((w) => w.message)
        .join('\n'),
    ).not.toMatch(/summary|failed|canceled/);
  });

  it('warns when steps of custom resources began and never finished (an interrupted update), but not for components', async () => {
    const web = state('my:app:WebService', 'web', {}, { custom: false, parent: stack.urn });
    const interrupted = [
      line(0, { preludeEvent: { config: {} } }),
      line(1, step('resourcePreEvent', 'same', stack, stack)),
      line(2, step('resourcePreEvent', 'create', web)),
      line(3, step('resourcePreEvent', 'create', db)),
      line(4, step('resourcePreEvent', 'update', provider, provider)),
      line(5, step('resOutputsEvent', 'update', provider, provider)),
      // An older engine's summary: no `result`.
      line(6, { summaryEvent: { maybeCorrupt: false, resourceChanges: { update: 1, same: 1 } } }),
    ];
    const warned = readEventLog(interrupted.join('\n'), 'up.json', 'up.json').warnings.map((w) => w.message);
    expect(warned).toContainEqual(expect.stringMatching(/^1 resource step began and never finished \(orders\), as when a run is interrupted: /));
    // The same run, finished: the component never gets outputs of its own, and that is no warning.
    const finished = [...interrupted.slice(0, 4), line(4, step('resOutputsEvent', 'create', db)), ...interrupted.slice(4)];
    expect(
      readEventLog(finished.join('\n'), 'up.json', 'up.json')
        .warnings.map((w) => w.message)
        .join('\n'),
    ).not.toMatch(/began and never finished/);
  });

  it('skips old copies marked for deletion (delete: true), as a state reader does: refreshing or deleting one leaves the resource standing', async () => {
    const copy = { ...db, id: 'db-old', delete: true };
    const live = { ...db, id: 'db-new' };
    const text = [
      line(0, { preludeEvent: { config: {} } }),
      line(1, step('resourcePreEvent', 'refresh', live, live)),
      line(2, step('resOutputsEvent', 'same', live, live)),
      line(3, step('resourcePreEvent', 'refresh', copy, copy)),
      line(4, step('resOutputsEvent', 'same', copy, copy)),
      line(5, step('resourcePreEvent', 'delete-replaced', undefined, copy)),
      line(6, step('resOutputsEvent', 'delete', undefined, copy)),
      line(7, { summaryEvent: { maybeCorrupt: false, resourceChanges: { same: 1, delete: 1 }, result: 'succeeded' } }),
    ].join('\n');
    const input = readEventLog(text, 'refresh.json', 'refresh.json');
    expect(input.resources.map((r) => [r.name, r.id])).toEqual([['orders', 'db-new']]);
    expect(input.warnings.map((w) => w.message)).toContain('skipped 1 old resource copy marked for deletion after a replace');
  });

  it('reads a destroy log, in which every resource is deleted, as the empty stack it leaves: analyze says so, diff shows everything gone', async () => {
    const destroy = [
      line(0, { preludeEvent: { config: {} } }),
      line(1, step('resourcePreEvent', 'delete', undefined, db)),
      line(2, step('resOutputsEvent', 'delete', undefined, db)),
      line(3, step('resourcePreEvent', 'refresh', old, old)),
      line(4, step('resOutputsEvent', 'delete', undefined, old)),
      line(5, { summaryEvent: { maybeCorrupt: false, resourceChanges: { delete: 2 }, result: 'succeeded' } }),
    ].join('\n');
    const input = readEventLog(destroy, 'destroy.json', 'destroy.json');
    expect(input.resources).toEqual([]);
    expect([input.project, input.stack]).toEqual(['shop', 'prod']);
    expect(input.warnings.map((w) => w.message)).toEqual([
      'a Pulumi engine event log in which every resource its steps name (2) is deleted (a `pulumi destroy`, or a refresh that found them gone): read as the empty stack it leaves; nothing in it can be judged',
    ]);
    const file = tempFile('destroy.json', destroy);
    const a = await runCli(['analyze', file]);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/firebreak 0\.\d+\.\d+: shop\/prod\n0 resources/);
    expect(a.stdout).toMatch(/destroy\.json: a Pulumi engine event log in which every resource its steps name \(2\) is deleted/);
    // Before: the log of the update that made the stack (one database in one zone: a single point); after: the destroy.
    const d = await runCli(['diff', tempFile('up.json', log()), file, '--format', 'json']);
    expect(d.code).toBe(0);
    const out = JSON.parse(d.stdout) as { resolved: unknown[]; introduced: unknown[]; unchanged: unknown[]; after: Array<{ stack: string }> };
    expect(out.resolved.length).toBeGreaterThan(0);
    expect([out.introduced, out.unchanged]).toEqual([[], []]);
    expect(out.after.map((i) => i.stack)).toEqual(['prod']);
    // In text: every service gone, `-` after, and what `-` means; the warning of the destroy log.
    const t = await runCli(['diff', tempFile('up.json', log()), file]);
    expect(t.stdout).toMatch(/\n {2}shop\s+\d+\/\d+\s+-\n {2}-: the service is not in that side's input; 1 not in the after side \(removed\)\n/);
    expect(t.stdout).toMatch(
      /\nWarnings \(2\)\n[\s\S]*\n {2}- .*destroy\.json: a Pulumi engine event log in which every resource its steps name \(2\) is deleted/,
    );
    // A log that names no resource step at all is still refused: it says nothing of what stands.
    const none = await runCli(['diff', tempFile('up2.json', log()), tempFile('empty-log.json', line(0, { preludeEvent: { config: {} } }))]);
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('reads a Pulumi Cloud API page of engine events ({events, continuationToken}) as the same log, and warns when more pages follow', async () => {
    const events = log()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    const names = async (doc: unknown) => {
      const r = await runCli(['analyze', tempFile('update-events.json', JSON.stringify(doc, null, 2)), '--format', 'json', '--fail-on', 'none']);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { inputs: Array<{ resources: number }>; warnings: Array<{ message: string }> };
      return { resources: out.inputs[0]!.resources, warnings: out.warnings.map((w) => w.message).join('\n') };
    };
    const whole = await names({ events, continuationToken: null });
    expect(whole.resources).toBe(3);
    expect(whole.warnings).toMatch(/no dependencies between resources/);
    expect(whole.warnings).not.toMatch(/continuationToken/);
    const paged = await names({ events, continuationToken: 'c2VxPTQy' });
    expect(paged.resources).toBe(3);
    expect(paged.warnings).toMatch(/a page of engine events with a continuationToken: more events follow/);
    expect(paged.warnings).not.toContain('c2VxPTQy');
  });

  it('never prints a secret marker as a value, in any format', async () => {
    const file = tempFile('events.json', log());
    for (const format of FORMATS) expect((await runCli(['analyze', file, '--format', format, '--fail-on', 'none'])).stdout).not.toContain('[secret]');
  });
});

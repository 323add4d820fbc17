/** `pulumi preview --json`: the resources as they will stand after the update. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadInput } from '../../src/ingest/index.js';
import { fixture, tempFile } from '../helpers/cli.js';

const preview = JSON.parse(readFileSync(fixture('previews', 'delete-last-replica-outside-zone-a.json'), 'utf8')) as {
  steps: Array<{ op: string; urn: string; oldState?: Record<string, unknown>; newState?: Record<string, unknown> }>;
};
const urnOf = (name: string): string => preview.steps.find((s) => s.urn.endsWith(`::${name}`))!.urn;

/** The fixture with web-1 replaced (a new instance in zone b) the way the engine reports it, and a read resource. */
function withReplaceAndRead(): string {
  const doc = structuredClone(preview);
  const i = doc.steps.findIndex((s) => s.urn.endsWith('::web-1'));
  const old = doc.steps[i]!.newState!;
  const replaced = {
    ...old,
    id: 'i-0new',
    inputs: { ...(old.inputs as object), subnetId: 'subnet-b' },
    outputs: { ...(old.outputs as object), subnetId: 'subnet-b' },
  };
  doc.steps.splice(
    i,
    1,
    { op: 'create-replacement', urn: old.urn as string, oldState: old, newState: replaced },
    { op: 'replace', urn: old.urn as string, oldState: old, newState: replaced },
    { op: 'delete-replaced', urn: old.urn as string, oldState: old },
  );
  const vpc = doc.steps.find((s) => s.urn.endsWith('::main'))!.newState!;
  doc.steps.push({
    op: 'read',
    urn: (vpc.urn as string).replace('::main', '::shared-vpc'),
    newState: { ...vpc, urn: (vpc.urn as string).replace('::main', '::shared-vpc'), external: true },
  });
  return tempFile('replace.json', JSON.stringify(doc));
}

describe('preview input', () => {
  it('keeps creates, updates, sames and reads; drops deletes', async () => {
    const input = await loadInput(fixture('previews', 'delete-last-replica-outside-zone-a.json'));
    expect(input.kind).toBe('preview');
    const names = input.resources.map((r) => r.name);
    expect(names).not.toContain('web-2');
    expect(names).toContain('web-1');
    expect(input.resources.find((r) => r.name === 'orders-db')!.inputs.multiAz).toBe(true);
    expect(input.config).toEqual({ 'aws:region': 'us-east-1' });
    expect(input.warnings).toEqual([]);
  });

  it('takes a replaced resource once, from its last step, and keeps it after delete-replaced', async () => {
    const input = await loadInput(withReplaceAndRead());
    const web1 = input.resources.filter((r) => r.urn === urnOf('web-1'));
    expect(web1).toHaveLength(1);
    expect(web1[0]!.id).toBe('i-0new');
    expect(web1[0]!.inputs.subnetId).toBe('subnet-b');
    expect(input.resources.find((r) => r.name === 'shared-vpc')?.external).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { generateExport } from '../../src/bench/generate.js';

describe('the bench generator', () => {
  const a = generateExport({ resources: 500, seed: 7 });
  const resources = a.deployment.resources as Array<Record<string, unknown>>;

  it('is deterministic', () => {
    expect(JSON.stringify(generateExport({ resources: 500, seed: 7 }))).toBe(JSON.stringify(a));
    expect(JSON.stringify(generateExport({ resources: 500, seed: 8 }))).not.toBe(JSON.stringify(a));
  });

  it('gives exactly the resources asked for, with unique URNs', () => {
    expect(resources).toHaveLength(500);
    expect(new Set(resources.map((r) => r.urn)).size).toBe(500);
  });

  it('lists resources in dependency order', () => {
    const at = new Map(resources.map((r, i) => [r.urn as string, i]));
    resources.forEach((r, i) => {
      const refs = [...((r.dependencies as string[]) ?? []), ...Object.values((r.propertyDependencies as Record<string, string[]>) ?? {}).flat()];
      if (typeof r.parent === 'string') refs.push(r.parent);
      if (typeof r.provider === 'string') refs.push((r.provider as string).split('::').slice(0, -1).join('::'));
      for (const u of refs) expect(at.get(u), `${r.urn} -> ${u}`).toBeLessThan(i);
    });
  });

  it('spreads over three zones and carries secrets, a shared login and ops tools', () => {
    const text = JSON.stringify(a);
    for (const z of ['us-east-1a', 'us-east-1b', 'us-east-1c']) expect(text).toContain(z);
    expect(text).toContain('1b47061264138c4ac30d75fd1eb44270');
    expect(text).toContain('"firebreak:role":"identity"');
    expect(text).toContain('"firebreak:role":"ops-tool"');
  });
});

/** The one zod-issue-to-problem mapping: the path in the document's form, the position when known, a cap. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeZodIssue, zodProblems } from '../../src/zod-issues.js';

const schema = z.strictObject({ rules: z.array(z.strictObject({ id: z.string() })) });
const issues = (v: unknown) => {
  const r = schema.safeParse(v);
  if (r.success) throw new Error('expected a failure');
  return r.error.issues;
};

describe('zod issues as problems', () => {
  it('writes JSON paths with brackets, YAML paths with dots, and (top level) for the root', () => {
    const [issue] = issues({ rules: [{ id: 1 }] });
    expect(describeZodIssue(issue!, 'deployment')).toMatch(/^deployment\.rules\[0\]\.id: /);
    expect(describeZodIssue(issue!, '', 'dots')).toMatch(/^rules\.0\.id: /);
    expect(describeZodIssue(issues('x')[0]!)).toMatch(/^\(top level\): /);
  });

  it('adds the lead and the position, and keeps at most max problems', () => {
    const list = issues({ rules: [{ id: 1 }, { id: 2 }, { id: 3 }], extra: true });
    const problems = zodProblems('f.yaml', list, {
      lead: 'not a pack: ',
      style: 'dots',
      max: 2,
      positionOf: (p) => (p[0] === 'rules' ? { line: 3, column: 5 } : undefined),
    });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toEqual({ file: 'f.yaml', line: 3, column: 5, reason: expect.stringMatching(/^not a pack: rules\.0\.id: /) });
    expect(zodProblems('f.yaml', list)).toHaveLength(4);
    expect(zodProblems('f.yaml', list).find((p) => /extra/.test(p.reason))).toEqual({ file: 'f.yaml', reason: expect.stringMatching(/^\(top level\): /) });
  });
});

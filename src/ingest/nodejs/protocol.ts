/**
 * What the parent (firebreak) and the child (runner.ts, which runs a Pulumi
 * Node.js program under @pulumi/pulumi's mocks) say to each other: a request
 * file the parent writes, and one result message the child sends back over
 * the IPC channel. The parent validates the result with zod before trusting
 * any of it.
 */
import { z } from 'zod';

export interface RunRequest {
  /** The project directory (absolute): the program's working directory. */
  projectDir: string;
  /** The program's entry file (absolute). */
  main: string;
  /** How the entry is loaded: `import()` for ES modules, `require()` for CommonJS under ts-node. */
  load: 'import' | 'require';
  project: string;
  stack: string;
  organization: string;
  /** The program's own @pulumi/pulumi entry file (absolute), resolved from the program. */
  pulumi: string;
  /** The program's own ts-node (its entry file), to register before loading a TypeScript program with `require()`. */
  tsNode?: string;
  /** What the mocks answer invokes with, by token (the rule packs' providers[].invokes, filled in: ingest/invokes.ts), and the warning to give once when one is called. */
  invokes?: Record<string, { result: Record<string, string | string[]>; warning?: string; assumed?: Record<string, string> }>;
}

const wireSource = z.object({ file: z.string(), line: z.number().int().optional(), column: z.number().int().optional() });

export const wireResourceSchema = z.object({
  urn: z.string().startsWith('urn:pulumi:'),
  type: z.string().min(1),
  name: z.string(),
  custom: z.boolean(),
  id: z.string().optional(),
  parent: z.string().optional(),
  provider: z.string().optional(),
  inputs: z.record(z.string(), z.unknown()),
  outputs: z.record(z.string(), z.unknown()),
  dependencies: z.array(z.string()),
  propertyDependencies: z.record(z.string(), z.array(z.string())),
  external: z.boolean().optional(),
  /** A remote component: its children are created by its provider (never under mocks). */
  remote: z.boolean().optional(),
  source: wireSource.optional(),
});

export const runResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    resources: z.array(wireResourceSchema),
    warnings: z.array(z.string()),
    /** Config keys required without a value (each read as the symbol `<key>`). */
    unresolved: z.array(z.string()).optional(),
    /** Provider config the mocks assumed to answer invokes (`aws:region`: `us-east-1`), so placement uses it too. */
    assumed: z.record(z.string(), z.string()).optional(),
  }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      message: z.string(),
      stack: z.string().optional(),
      /** Config keys required without a value before the failure (each read as the symbol `<key>`). */
      unresolved: z.array(z.string()).optional(),
      /** Invokes the mocks answered with nothing before the failure. */
      unanswered: z.array(z.string()).optional(),
    }),
  }),
]);

export type WireResource = z.infer<typeof wireResourceSchema>;
export type RunResult = z.infer<typeof runResultSchema>;

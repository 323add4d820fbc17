/** Resource records and stack inputs for classify tests, as a stack export gives them. */
import type { ResourceRecord, StackInput } from '../../src/ingest/types.js';

/** Where the records are: the stack and project of their URNs. */
export interface Stack {
  stack: string;
  project: string;
}

export const PROD_SHOP: Stack = { stack: 'prod', project: 'shop' };

/** A custom resource of TYPE named NAME, with no properties unless EXTRA gives some. */
export function record(type: string, name: string, extra: Partial<ResourceRecord> = {}, at: Stack = PROD_SHOP): ResourceRecord {
  return {
    urn: `urn:pulumi:${at.stack}::${at.project}::${type}::${name}`,
    type,
    name,
    stack: at.stack,
    project: at.project,
    custom: true,
    id: `${name}-id`,
    inputs: {},
    outputs: {},
    dependencies: [],
    propertyDependencies: {},
    ...extra,
  };
}

/** A stack export (stack.json) of RESOURCES, with CONFIG. */
export function exportInput(resources: ResourceRecord[], config: Record<string, string> = {}, at: Stack = PROD_SHOP): StackInput {
  return { input: 'stack.json', file: 'stack.json', kind: 'export', stack: at.stack, project: at.project, config, resources, warnings: [] };
}

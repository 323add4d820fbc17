/**
 * Writing Pulumi state: a file-backend checkpoint (`{version: 3, checkpoint:
 * {stack, config, latest: {resources}}}`) that firebreak (and Pulumi's own
 * tools) read back. Used by `firebreak plan --apply` to write the planned estate.
 */
import type { ResourceRecord, StackInput } from './types.js';
import { encodeValue } from './values.js';

function sourcePosition(r: ResourceRecord): string | undefined {
  if (!r.source) return undefined;
  return `project://${r.source.file}${r.source.line !== undefined ? `#${r.source.line}${r.source.column !== undefined ? `,${r.source.column}` : ''}` : ''}`;
}

export function checkpointOf(inputs: StackInput[], resources: ResourceRecord[]): unknown {
  const config: Record<string, string> = {};
  for (const i of inputs) for (const [k, v] of Object.entries(i.config)) config[k] ??= v;
  const first = inputs[0];
  return {
    version: 3,
    checkpoint: {
      stack: first ? `${first.project}/${first.stack}` : 'unknown',
      config,
      latest: {
        manifest: { time: '1970-01-01T00:00:00Z', magic: '', version: 'firebreak' },
        resources: resources.map((r) => ({
          urn: r.urn,
          custom: r.custom,
          ...(r.id ? { id: r.id } : {}),
          type: r.type,
          inputs: encodeValue(r.inputs),
          outputs: encodeValue(r.outputs),
          ...(r.parent ? { parent: r.parent } : {}),
          ...(r.provider ? { provider: `${r.provider}::00000000-0000-0000-0000-000000000000` } : {}),
          ...(r.external ? { external: true } : {}),
          dependencies: r.dependencies,
          propertyDependencies: r.propertyDependencies,
          ...(sourcePosition(r) ? { sourcePosition: sourcePosition(r) } : {}),
        })),
      },
    },
  };
}

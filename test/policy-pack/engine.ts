/**
 * The engine's side of a policy pack, for tests: start the pack as Pulumi's
 * Node.js host starts a policy plugin (node running @pulumi/pulumi's
 * run-policy-pack with the engine address and the pack folder, in the pack
 * folder), read the port it prints on stdout, and speak pulumirpc.Analyzer
 * to it over gRPC with the stubs @pulumi/pulumi ships.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PACK_DIR = path.join(root, 'policy-pack');
const requireHere = createRequire(import.meta.url);
const protoDir = path.dirname(requireHere.resolve('@pulumi/pulumi/proto/analyzer_pb.js'));
const requireProto = createRequire(path.join(protoDir, 'analyzer_pb.js'));
/* eslint-disable @typescript-eslint/no-explicit-any */
const pb: any = requireProto('./analyzer_pb.js');
const rpc: any = requireProto('./analyzer_grpc_pb.js');
const grpc: any = requireProto('@grpc/grpc-js');
const structpb: any = requireProto('google-protobuf/google/protobuf/struct_pb.js');
const emptypb: any = requireProto('google-protobuf/google/protobuf/empty_pb.js');

export const LEVELS = ['advisory', 'mandatory', 'disabled', 'remediate'] as const;
export type Level = (typeof LEVELS)[number];

/** A resource as the engine sends it to AnalyzeStack (resource state, outputs as properties). */
export interface EngineResource {
  urn: string;
  type: string;
  name: string;
  properties: Record<string, unknown>;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  provider?: { urn: string; type: string; name: string; properties: Record<string, unknown> };
  additionalSecretOutputs?: string[];
}

export interface Diagnostic {
  policyName: string;
  policyPackName: string;
  message: string;
  enforcementLevel: Level;
  urn: string;
}

export interface Analyzer {
  /** What Handshake answered: @pulumi/policy does not implement it (the engine then goes on, as here). */
  handshake: 'ok' | 'unimplemented';
  info(): Promise<{
    name: string;
    version: string;
    supportsConfig: boolean;
    policies: Array<{ name: string; enforcementLevel: Level; configSchema?: Record<string, unknown> }>;
  }>;
  configure(config: Record<string, { enforcementLevel?: Level; properties?: Record<string, unknown> }>): Promise<void>;
  analyzeStack(resources: EngineResource[]): Promise<Diagnostic[]>;
  stop(): Promise<void>;
  stderr(): string;
}

function call<T>(client: any, method: string, request: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
}

function resourceProto(r: EngineResource): unknown {
  const m = new pb.AnalyzerResource();
  m.setUrn(r.urn);
  m.setType(r.type);
  m.setName(r.name);
  m.setProperties(structpb.Struct.fromJavaScript(r.properties));
  const opts = new pb.AnalyzerResourceOptions();
  opts.setAdditionalsecretoutputsList(r.additionalSecretOutputs ?? []);
  if (r.parent) opts.setParent(r.parent);
  m.setOptions(opts);
  if (r.parent) m.setParent(r.parent);
  m.setDependenciesList(r.dependencies ?? []);
  for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
    const d = new pb.AnalyzerPropertyDependencies();
    d.setUrnsList(urns);
    m.getPropertydependenciesMap().set(k, d);
  }
  if (r.provider) {
    const p = new pb.AnalyzerProviderResource();
    p.setUrn(r.provider.urn);
    p.setType(r.provider.type);
    p.setName(r.provider.name);
    p.setProperties(structpb.Struct.fromJavaScript(r.provider.properties));
    m.setProvider(p);
  }
  return m;
}

/** Start the pack and connect; rejects if it prints no port within the timeout. */
export async function startAnalyzer(
  stack: { stack: string; project: string; tags: Record<string, string> } = { stack: 'production', project: 'storefront', tags: {} },
  timeoutMs = 45_000,
  packDir = PACK_DIR,
): Promise<Analyzer> {
  // The pack's own @pulumi/pulumi when it has one (an installed or published pack), as Pulumi's host runs it.
  const runner = createRequire(path.join(packDir, 'package.json')).resolve('@pulumi/pulumi/cmd/run-policy-pack/index.js');
  // The engine passes its own address first; nothing here serves it, and the pack needs it only for logging.
  const child: ChildProcess = spawn(process.execPath, [runner, '127.0.0.1:1', '.'], { cwd: packDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the policy pack printed no port in ${timeoutMs} ms: ${err}`)), timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the policy pack exited (${code}) before serving: ${err}`));
    });
  });
  const client = new rpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 400 * 1024 * 1024 });
  // As the engine does right after start: Handshake (an analyzer may not implement it), then ConfigureStack.
  const hs = new pb.AnalyzerHandshakeRequest();
  hs.setEngineAddress('127.0.0.1:1');
  hs.setRootDirectory(packDir);
  hs.setProgramDirectory(packDir);
  const handshake: 'ok' | 'unimplemented' = await call(client, 'handshake', hs).then(
    (): 'ok' | 'unimplemented' => 'ok',
    (e: { code?: number }): 'ok' | 'unimplemented' => {
      if (e.code !== grpc.status.UNIMPLEMENTED) throw e;
      return 'unimplemented';
    },
  );
  const cs = new pb.AnalyzerStackConfigureRequest();
  cs.setStack(stack.stack);
  cs.setProject(stack.project);
  cs.setOrganization('acme');
  cs.setDryRun(true);
  for (const [k, v] of Object.entries(stack.tags)) cs.getTagsMap().set(k, v);
  await call(client, 'configureStack', cs);
  return {
    handshake,
    async info() {
      const ai: any = await call(client, 'getAnalyzerInfo', new emptypb.Empty());
      return {
        name: ai.getName(),
        version: ai.getVersion(),
        supportsConfig: ai.getSupportsconfig(),
        policies: ai.getPoliciesList().map((p: any) => ({
          name: p.getName(),
          enforcementLevel: LEVELS[p.getEnforcementlevel()]!,
          ...(p.getConfigschema() ? { configSchema: p.getConfigschema().getProperties().toJavaScript() } : {}),
        })),
      };
    },
    async configure(config) {
      const req = new pb.ConfigureAnalyzerRequest();
      for (const [name, c] of Object.entries(config)) {
        const pc = new pb.PolicyConfig();
        pc.setEnforcementlevel(LEVELS.indexOf(c.enforcementLevel ?? 'mandatory'));
        pc.setProperties(structpb.Struct.fromJavaScript(c.properties ?? {}));
        req.getPolicyconfigMap().set(name, pc);
      }
      await call(client, 'configure', req);
    },
    async analyzeStack(resources) {
      const req = new pb.AnalyzeStackRequest();
      req.setResourcesList(resources.map(resourceProto));
      const res: any = await call(client, 'analyzeStack', req);
      return res.getDiagnosticsList().map((d: any) => ({
        policyName: d.getPolicyname(),
        policyPackName: d.getPolicypackname(),
        message: d.getMessage(),
        enforcementLevel: LEVELS[d.getEnforcementlevel()]!,
        urn: d.getUrn(),
      }));
    },
    async stop() {
      client.close();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    },
    stderr: () => err,
  };
}

const SIG_KEY = '4dabf18193072939515e22adb298388d';
const SIG_SECRET = '1b47061264138c4ac30d75fd1eb44270';

/** A state secret (ciphertext or --show-secrets plaintext) in the form the engine sends: the secret signature and its value. */
function engineValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(engineValue);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o[SIG_KEY] === SIG_SECRET) return { [SIG_KEY]: SIG_SECRET, value: typeof o.plaintext === 'string' ? JSON.parse(o.plaintext) : 'ciphertext' };
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, engineValue(x)]));
  }
  return v;
}

/** What the engine sends for the resources of a `pulumi stack export` (AnalyzeStack gets the outputs). */
export function engineResourcesFromExport(doc: { deployment: { resources: Array<Record<string, any>> } }): EngineResource[] {
  const all = doc.deployment.resources;
  const byUrn = new Map(all.map((r) => [r.urn as string, r]));
  return all.map((r) => {
    const out: EngineResource = {
      urn: r.urn,
      type: r.type,
      name: String(r.urn).split('::').pop()!,
      properties: engineValue(r.outputs ?? r.inputs ?? {}) as Record<string, unknown>,
      dependencies: r.dependencies ?? [],
      propertyDependencies: r.propertyDependencies ?? {},
    };
    if (r.parent) out.parent = r.parent;
    if (r.provider) {
      const purn = String(r.provider).slice(0, String(r.provider).lastIndexOf('::'));
      const p = byUrn.get(purn);
      out.provider = { urn: purn, type: p?.type ?? '', name: purn.split('::').pop()!, properties: engineValue(p?.outputs ?? {}) as Record<string, unknown> };
    }
    return out;
  });
}

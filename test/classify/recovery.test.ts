/**
 * recovers-with inferred by the ops pack (rules/ops.yaml): a cluster running
 * its own Argo CD and Prometheus, an operator in another cluster, two deploy
 * systems in one cluster (a blind spot), and tags that win over inference.
 */
import { describe, expect, it } from 'vitest';
import { runCli, tempFile } from '../helpers/cli.js';
import { ExportBuilder, aksCluster, eksCluster, gkeCluster, helmRelease, workload, type Cluster } from '../rules/k8s-helpers.js';

interface Result {
  findings: Array<{ rule: string; severity: string; message: string; event: { id: string }; stranded: Array<{ group: string; tools: string[] }> }>;
  services: Array<{ name: string; critical: boolean }>;
  blindSpots: Array<{ kind: string; subject: string; message: string }>;
}

async function analyzeFile(file: string): Promise<Result> {
  const r = await runCli(['analyze', file, '--format', 'json', '--fail-on', 'none']);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Result;
}

async function explainResult(file: string, name: string): Promise<{ recoversWith: string[]; recoversWithFrom?: string[]; tool?: string; service: string }> {
  const r = await runCli(['rules', 'explain', name, file, '--format', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).result;
}

/** Two replicas of the shop's web tier (one group by label), with extra labels. */
function webTier(b: ExportBuilder, cluster: Cluster, labels: Record<string, string> = {}): void {
  for (const name of ['web-blue', 'web-green']) {
    const urn = workload(b, cluster, name, { replicas: 2, service: 'shop' });
    const r = b.resources.find((x) => x.urn === urn)!;
    for (const props of [r.inputs!, r.outputs!]) {
      const meta = props.metadata as { labels: Record<string, string> };
      meta.labels = { ...meta.labels, 'firebreak.io/group': 'web', ...labels };
    }
  }
}

const ARGO = 'https://argoproj.github.io/argo-helm';
const PROM = 'https://prometheus-community.github.io/helm-charts';

describe('recovers-with inferred', () => {
  it('a cluster running its own Argo CD and Prometheus: the web group recovers with both, which sit with it in its zone', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const gke = gkeCluster(b, 'shop-gke', 'us-central1-a');
    helmRelease(b, gke, 'argocd', 'argo-cd', ARGO);
    helmRelease(b, gke, 'monitoring', 'kube-prometheus-stack', PROM);
    webTier(b, gke);
    const file = b.write('own-argo.json');
    const web = await explainResult(file, 'web-blue');
    expect(web.recoversWith.map((u) => u.split('::').pop()).sort()).toEqual(['argocd', 'monitoring']);
    expect(web.recoversWithFrom!.join('\n')).toMatch(/deploy argocd \(same-cluster; rule recover-with-ops-tools\)/);
    const argo = await explainResult(file, 'argocd');
    expect(argo.tool).toBe('deploy');
    // Not part of the shop service: the project's ops tools, not critical.
    expect(argo.service).toBe('shop ops tools');
    const a = await analyzeFile(file);
    expect(a.services).toContainEqual({ name: 'shop ops tools', critical: false });
    expect(a.services).toContainEqual({ name: 'shop', critical: true });
    const found = a.findings.filter((f) => f.rule === 'ops-tools-concentrated');
    expect(found.map((f) => f.event.id)).toEqual(['domain:gcp/us-central1/us-central1-a']);
    expect(found[0]!.message).toMatch(/together with replicas they recover/);
  });

  it('an operator in another cluster: the app cluster recovers with the ops cluster’s Argo CD, apart from it', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const ops = gkeCluster(b, 'ops-gke', 'us-central1-b');
    const app = gkeCluster(b, 'app-gke', 'us-central1-a');
    helmRelease(b, ops, 'argocd', 'argo-cd', ARGO);
    webTier(b, app);
    const file = b.write('ops-cluster.json');
    const web = await explainResult(file, 'web-green');
    expect(web.recoversWith.map((u) => u.split('::').pop())).toEqual(['argocd']);
    expect(web.recoversWithFrom).toEqual(['deploy argocd (same-stack; rule recover-with-ops-tools)']);
    const a = await analyzeFile(file);
    const found = a.findings.filter((f) => f.rule === 'ops-tools-concentrated');
    expect(found.map((f) => f.event.id)).toEqual(['domain:gcp/us-central1/us-central1-b']);
    expect(found[0]!.message).toMatch(/apart from what they recover/);
  });

  it("the topology file wins: its recoversWith replaces what the rules inferred for the service's groups", async () => {
    const b = new ExportBuilder('shop', 'prod');
    const ops = gkeCluster(b, 'ops-gke', 'us-central1-b');
    const app = gkeCluster(b, 'app-gke', 'us-central1-a');
    helmRelease(b, ops, 'argocd', 'argo-cd', ARGO);
    helmRelease(b, app, 'monitoring', 'kube-prometheus-stack', PROM);
    webTier(b, app);
    const file = b.write('topology-wins.json');
    const inferred = (await analyzeFile(file)).findings.filter((f) => f.rule === 'recovery-path');
    expect(inferred.map((f) => f.event.id)).toContain('domain:gcp/us-central1/us-central1-b');
    // The topology says the shop recovers with its ops tools service: no longer with the argocd component alone.
    const topology = tempFile('firebreak.yaml', 'version: 1\nservices:\n  shop:\n    recoversWith: [shop ops tools]\n');
    const r = await runCli(['analyze', file, '--topology', topology, '--format', 'json', '--fail-on', 'none']);
    expect(r.stderr).toBe('');
    const found = (JSON.parse(r.stdout) as Result).findings.filter((f) => f.rule === 'recovery-path');
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) expect(f.message).toMatch(/recovery tools shop ops tools with it/);
  });

  it('two deploy systems in one cluster: a blind spot naming both, and no guess', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const gke = gkeCluster(b, 'shop-gke', 'us-central1-a');
    helmRelease(b, gke, 'argocd', 'argo-cd', ARGO);
    helmRelease(b, gke, 'flux', 'flux2', 'https://fluxcd-community.github.io/helm-charts');
    helmRelease(b, gke, 'monitoring', 'kube-prometheus-stack', PROM);
    webTier(b, gke);
    const file = b.write('two-deployers.json');
    const web = await explainResult(file, 'web-blue');
    expect(web.recoversWith.map((u) => u.split('::').pop())).toEqual(['monitoring']);
    const a = await analyzeFile(file);
    const spots = a.blindSpots.filter((s) => s.kind === 'ambiguous-recovery');
    expect(spots).toHaveLength(1);
    expect(spots[0]!.message).toMatch(/web: cannot decide which deploy tool recovers it: argocd, flux \(same-cluster\)/);
  });

  it('a firebreak:recovers-with tag wins: `none` infers nothing', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const gke = gkeCluster(b, 'shop-gke', 'us-central1-a');
    helmRelease(b, gke, 'argocd', 'argo-cd', ARGO);
    webTier(b, gke, { 'firebreak.io/recovers-with': 'none' });
    const file = b.write('tagged-none.json');
    const web = await explainResult(file, 'web-blue');
    expect(web.recoversWith).toEqual([]);
    expect(web.recoversWithFrom).toBeUndefined();
    const a = await analyzeFile(file);
    expect(a.findings.filter((f) => f.rule === 'ops-tools-concentrated' || f.rule === 'recovery-path')).toEqual([]);
  });
});

describe('the operator workstation', () => {
  it('an Ansible-provisioned VM pair recovers with the playbook run from the operator machine: a finding on that domain', async () => {
    const b = new ExportBuilder('web', 'prod');
    const aws = b.provider('aws', 'aws-provider', { region: 'us-east-1' });
    const cmd = b.provider('command', 'command-provider', { version: '1.0.1' });
    const vms = ['a', 'b'].map((z) =>
      b.add('aws:ec2/instance:Instance', `web-${z === 'a' ? 1 : 2}`, {
        provider: aws,
        inputs: { instanceType: 't3.small', ami: 'ami-0abc', availabilityZone: `us-east-1${z}`, keyName: 'deployer' },
      }),
    );
    b.add('command:local:Command', 'run-playbook', { provider: cmd, inputs: { create: 'ansible-playbook -i inventory site.yml' }, dependsOn: vms });
    const file = b.write('ansible.json');
    const web = await explainResult(file, 'web-1');
    expect(web.recoversWith.map((u) => u.split('::').pop())).toEqual(['run-playbook']);
    expect(web.recoversWithFrom).toEqual(['workstation run-playbook (referenced-by; rule recover-with-ops-tools)']);
    const a = await analyzeFile(file);
    const found = a.findings.filter((f) => f.rule === 'ops-tools-concentrated');
    expect(found.map((f) => f.event.id)).toEqual(['domain:operator-workstation']);
    expect(found[0]!.message).toMatch(/run-playbook.*sit in workstation operator-workstation, apart from what they recover/);
    const path = a.findings.find((f) => f.rule === 'recovery-path' && f.event.id === 'domain:operator-workstation')!;
    expect(path.message).toMatch(
      /^Rebuilding 1 replica group\(s\) of web needs run-playbook, which only the machine that ran `pulumi up` \(operator-workstation\) has/,
    );
    // The zone loss strands nothing: the playbook is not a run-time requirement.
    expect(a.findings.filter((f) => f.rule === 'single-point-of-failure' && f.event.id.includes('us-east-1a'))).toEqual([]);
  });

  it('an image built from a local context: the workloads recover with it, but do not need it to run', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const gke = gkeCluster(b, 'shop-gke', 'us-central1');
    const docker = b.provider('docker', 'docker-provider', { version: '4.5.0' });
    const image = b.add('docker:index/image:Image', 'app-image', {
      provider: docker,
      inputs: { imageName: 'us-docker.pkg.dev/acme/shop/app:v1', build: { context: './app', platform: 'linux/amd64' } },
      outputs: { imageName: 'us-docker.pkg.dev/acme/shop/app:v1', repoDigest: 'us-docker.pkg.dev/acme/shop/app@sha256:abc' },
    });
    for (const name of ['web-blue', 'web-green']) {
      const urn = workload(b, gke, name, { replicas: 2, service: 'shop', envFrom: [image] });
      const r = b.resources.find((x) => x.urn === urn)!;
      for (const props of [r.inputs!, r.outputs!]) (props.metadata as { labels: Record<string, string> }).labels['firebreak.io/group'] = 'web';
    }
    const remote = b.add('docker:index/image:Image', 'remote-image', {
      provider: docker,
      inputs: { imageName: 'ghcr.io/acme/tool:v1', build: { context: 'https://github.com/acme/tool.git#main' } },
    });
    const file = b.write('local-image.json');
    const web = await explainResult(file, 'web-blue');
    expect(web.recoversWith.map((u) => u.split('::').pop())).toEqual(['app-image']);
    const e = await runCli(['rules', 'explain', 'web-blue', file, '--format', 'json']);
    expect(JSON.parse(e.stdout).result.requires).not.toContain(image);
    const remoteImage = await runCli(['rules', 'explain', 'remote-image', file, '--format', 'json']);
    expect(JSON.parse(remoteImage.stdout).result.role).toBe('config-only');
    expect(remote).toMatch(/remote-image$/);
  });
});

describe('identities operators log in through', () => {
  const withAad = (b: ExportBuilder, urn: string): void => {
    const r = b.resources.find((x) => x.urn === urn)!;
    const aadProfile = {
      managed: true,
      enableAzureRBAC: true,
      adminGroupObjectIDs: ['5f1c7a52-0d5e-4f5e-9a41-2b8e6f0c1d11'],
      tenantID: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    };
    r.inputs = { ...r.inputs, aadProfile };
    r.outputs = { ...r.outputs, aadProfile };
  };

  it('AKS with Entra ID admin groups: the groups it hosts recover with Entra ID, named but placed nowhere and no service of its own', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const aks = aksCluster(b, 'shop-aks', ['1', '2', '3']);
    withAad(b, aks.urn);
    webTier(b, aks);
    const file = b.write('aks-aad.json');
    const web = await explainResult(file, 'web-blue');
    expect(web.recoversWith).toEqual(['urn:pulumi:prod::shop::firebreak:external:Identity::Entra ID']);
    expect(web.recoversWithFrom).toEqual(['identity Entra ID (operators log in to shop-aks through it; rule aks-entra-id)']);
    const a = await analyzeFile(file);
    // A component of the model (named), not a service of its own.
    expect(a.services.map((s) => s.name)).toEqual(['shop']);
    // Provider-managed and global: no event of the user's domains takes it; it is named as a dependency of the recovery path, not an outage.
    const named = a.findings.filter((f) => f.message.includes('Entra ID'));
    expect(named.map((f) => [f.rule, f.severity])).toEqual([['external-identity', 'info']]);
    expect(named[0]!.message).toMatch(
      /^Entra ID \(external identity, provider-managed\) is on the recovery path of 1 replica group\(s\) of shop: operators log in to shop-aks through it/,
    );
    // Local accounts are on unless disableLocalAccounts is true (rule aks-entra-id's breakGlass).
    expect(named[0]!.message).toMatch(/break-glass for shop-aks: local admin account \(disableLocalAccounts is not true\)$/);
    const cluster = await explainResult(file, 'shop-aks');
    expect((cluster as { identities?: string[] }).identities).toEqual([
      'authenticates to its provider through Entra ID: a managed identity (identity.type) (rule aks-managed-identity)',
      'operators log in through Entra ID (rule aks-entra-id); break-glass: local admin account (disableLocalAccounts is not true)',
    ]);
    // The rule shows its break-glass ways in.
    const text = await runCli(['rules', 'explain', 'shop-aks', file]);
    expect(text.stdout).toMatch(
      /ops\/aks-entra-id: operators log in through Entra ID; break-glass: local admin account .*; or admin kubeconfig \(a stack output named adminKubeconfig/,
    );
    // Not an outage: the default gate passes.
    expect((await runCli(['analyze', file])).code).toBe(0);
  });

  const KUBECONFIG =
    'apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: LS0tLS1CRUdJTi1CRUFLR0xBU1MtNzM1OQ==\n    server: https://shop-aks-4f1c.hcp.eastus.azmk8s.io:443\n  name: shop-aks\nusers:\n- name: clusterAdmin_shop-aks-rg_shop-aks\n  user:\n    token: 9f8e7d6c5b4a39281706f5e4d3c2b1a0\n';

  it('AKS without local accounts: an adminKubeconfig stack output is the break-glass path, named and never shown', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const aks = aksCluster(b, 'shop-aks', ['1', '2', '3']);
    withAad(b, aks.urn);
    const r = b.resources.find((x) => x.urn === aks.urn)!;
    r.inputs = { ...r.inputs, disableLocalAccounts: true };
    r.outputs = { ...r.outputs, disableLocalAccounts: true };
    // Exported in plain text (not marked secret), as many examples do.
    b.resources.find((x) => x.urn === b.stackUrn)!.outputs = { adminKubeconfig: KUBECONFIG, clusterName: 'shop-aks' };
    webTier(b, aks);
    const file = b.write('aks-admin-kubeconfig.json');
    const a = await analyzeFile(file);
    const [f] = a.findings.filter((x) => x.rule === 'external-identity');
    expect(f!.message).toMatch(/break-glass for shop-aks: admin kubeconfig in stack output adminKubeconfig$/);
    expect(f!.severity).toBe('info');
    const outputs = [];
    for (const format of ['text', 'json', 'markdown', 'sarif', 'junit', 'html', 'dot', 'mermaid']) {
      const out = await runCli(['analyze', file, '--format', format, '--fail-on', 'none']);
      expect(out.code, `${format}: ${out.stderr}`).toBe(0);
      outputs.push(out.stdout, out.stderr);
    }
    for (const name of ['shop-aks', 'pulumi:pulumi:Stack']) {
      const e = await runCli(['rules', 'explain', name, file, '--format', 'json']);
      const t = await runCli(['rules', 'explain', name, file]);
      outputs.push(e.stdout, e.stderr, t.stdout, t.stderr);
    }
    for (const text of outputs)
      for (const secret of ['9f8e7d6c5b4a39281706f5e4d3c2b1a0', 'LS0tLS1CRUdJTi1CRUFLR0xBU1MtNzM1OQ', 'clusterAdmin_shop-aks-rg'])
        expect(text).not.toContain(secret);
  });

  it('AKS without local accounts nor an admin output: no break-glass path found, low, and the gate still passes', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const aks = aksCluster(b, 'shop-aks', ['1', '2', '3']);
    withAad(b, aks.urn);
    const r = b.resources.find((x) => x.urn === aks.urn)!;
    r.inputs = { ...r.inputs, disableLocalAccounts: true };
    // A user kubeconfig logs in through Entra ID: no break-glass.
    b.resources.find((x) => x.urn === b.stackUrn)!.outputs = { kubeconfig: KUBECONFIG };
    webTier(b, aks);
    const file = b.write('aks-no-break-glass.json');
    const [f] = (await analyzeFile(file)).findings.filter((x) => x.rule === 'external-identity');
    expect(f!.severity).toBe('low');
    expect(f!.message).toMatch(/no break-glass path found for shop-aks \(no admin credential that works without Entra ID\)$/);
    expect((await runCli(['analyze', file])).code).toBe(0);
  });

  it('Argo CD in an AKS cluster operators reach through Entra ID: the tools are still concentrated in its zone, and Entra ID is named beside them', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const aks = aksCluster(b, 'shop-aks', ['1']);
    withAad(b, aks.urn);
    helmRelease(b, aks, 'argocd', 'argo-cd', ARGO);
    webTier(b, aks);
    const file = b.write('aks-argo-aad.json');
    const found = (await analyzeFile(file)).findings.filter((f) => f.rule === 'ops-tools-concentrated');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toMatch(/^All the recovery tools \(argocd\) of 1 replica group/);
    expect(found[0]!.message).toMatch(
      /operators also log in through Entra ID \(external identity; operators log in to shop-aks through it\), which no domain of the stack takes$/,
    );
  });

  it('AKS without Entra ID integration names no identity', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const aks = aksCluster(b, 'shop-aks', ['1', '2', '3']);
    webTier(b, aks);
    const file = b.write('aks-local.json');
    expect((await explainResult(file, 'web-blue')).recoversWith).toEqual([]);
    expect((await analyzeFile(file)).services.map((s) => s.name)).not.toContain('Entra ID');
  });

  it('EKS with access entries: operators log in through AWS IAM; the access entries configure it', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const eks = eksCluster(b, 'shop-eks');
    const cluster = b.resources.find((x) => x.urn === eks.urn)!;
    for (const props of [cluster.inputs!, cluster.outputs!]) props.accessConfig = { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: true };
    b.add('aws:eks/accessEntry:AccessEntry', 'platform-admins', {
      provider: b.provider('aws', 'aws-provider'),
      inputs: { clusterName: 'shop-eks', principalArn: 'arn:aws:iam::123456789012:role/platform-admin', type: 'STANDARD' },
      deps: { clusterName: [eks.urn] },
    });
    webTier(b, eks);
    const file = b.write('eks-access.json');
    expect((await explainResult(file, 'web-blue')).recoversWith).toEqual(['urn:pulumi:prod::shop::firebreak:external:Identity::AWS IAM']);
    const entry = await runCli(['rules', 'explain', 'platform-admins', file, '--format', 'json']);
    expect(JSON.parse(entry.stdout).result.role).toBe('config-only');
  });

  it('a Cognito user pool three services log in through is a shared identity once the policy reaches its region', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const aws = b.provider('aws', 'aws-provider', { region: 'us-east-1' });
    const pool = b.add('aws:cognito/userPool:UserPool', 'customers', {
      id: 'us-east-1_Ab12Cd34E',
      provider: aws,
      inputs: { name: 'customers', mfaConfiguration: 'OPTIONAL' },
    });
    for (const svc of ['shop', 'orders', 'support']) {
      b.add('aws:lambda/function:Function', `${svc}-api`, {
        provider: aws,
        inputs: {
          runtime: 'nodejs20.x',
          handler: 'index.handler',
          role: 'arn:aws:iam::123456789012:role/lambda',
          environment: { variables: { USER_POOL_ID: 'us-east-1_Ab12Cd34E' } },
          tags: { 'firebreak:service': svc },
        },
        deps: { environment: [pool] },
      });
    }
    const file = b.write('cognito.json');
    const r = await runCli(['analyze', file, '--format', 'json', '--fail-on', 'none', '--tolerate', 'region']);
    const shared = (JSON.parse(r.stdout) as Result).findings.filter((f) => f.rule === 'shared-identity');
    expect(shared).toHaveLength(1);
    expect(shared[0]!.message).toMatch(/customers \(shop\) is a shared identity single point: 3 services log in through it \(orders, shop and support\)/);
    const zoneOnly = await analyzeFile(file);
    expect(zoneOnly.findings.filter((f) => f.rule === 'shared-identity')).toEqual([]);
  });
});

describe('break-glass in a YAML program', () => {
  const aks = (name: string) => `  ${name}:
    type: azure-native:containerservice:ManagedCluster
    properties:
      resourceGroupName: \${rg.name}
      resourceName: ${name}
      location: westeurope
      dnsPrefix: ${name}
      disableLocalAccounts: true
      identity: { type: SystemAssigned }
      aadProfile:
        managed: true
        enableAzureRBAC: true
        adminGroupObjectIDs: [5f1c7a52-0d5e-4f5e-9a41-2b8e6f0c1d11]
      agentPoolProfiles:
        - { name: system, mode: System, count: 3, vmSize: Standard_D4s_v5, availabilityZones: ["1", "2", "3"] }
`;
  const program = `name: shop
runtime: yaml
resources:
  rg:
    type: azure-native:resources:ResourceGroup
    properties: { location: westeurope }
${aks('shop-aks')}${aks('batch-aks')}variables:
  adminCreds:
    fn::invoke:
      function: azure-native:containerservice:listManagedClusterAdminCredentials
      arguments:
        resourceGroupName: \${rg.name}
        resourceName: \${shop-aks.name}
outputs:
  kubeconfig:
    fn::secret:
      fn::fromBase64: \${adminCreds.kubeconfigs[0].value}
`;

  it('an output from listManagedClusterAdminCredentials is the break-glass path of the cluster it asks for, whatever its name', async () => {
    const file = tempFile('Pulumi.yaml', program);
    const shop = await runCli(['rules', 'explain', 'shop-aks', file, '--format', 'json']);
    expect(shop.code, shop.stderr).toBe(0);
    expect(JSON.parse(shop.stdout).result.identities).toContain(
      'operators log in through Entra ID (rule aks-entra-id); break-glass: admin kubeconfig in stack output kubeconfig',
    );
    // The other cluster of the program has none: the output asks for shop-aks only.
    const batch = await runCli(['rules', 'explain', 'batch-aks', file, '--format', 'json']);
    expect(JSON.parse(batch.stdout).result.identities).toContain('operators log in through Entra ID (rule aks-entra-id); no break-glass path found');
    const text = await runCli(['rules', 'explain', 'shop-aks', file]);
    expect(text.stdout).toMatch(/identities +authenticates to its provider through Entra ID: a managed identity/);
  });

  it('a user credentials output is no break-glass path (a user kubeconfig of an Entra ID cluster logs in through Entra ID)', async () => {
    const file = tempFile('Pulumi.yaml', program.replace('listManagedClusterAdminCredentials', 'listManagedClusterUserCredentials'));
    const shop = await runCli(['rules', 'explain', 'shop-aks', file, '--format', 'json']);
    expect(shop.code, shop.stderr).toBe(0);
    expect(JSON.parse(shop.stdout).result.identities).toContain('operators log in through Entra ID (rule aks-entra-id); no break-glass path found');
  });
});

describe('break-glass that cannot be decided', () => {
  it('two Entra ID clusters in one export and one adminKubeconfig output: each names it, and a blind spot says which one it opens is not decided', async () => {
    const b = new ExportBuilder('shop', 'prod');
    for (const name of ['shop-aks', 'batch-aks']) {
      const c = aksCluster(b, name, ['1', '2', '3']);
      const r = b.resources.find((x) => x.urn === c.urn)!;
      const aadProfile = { managed: true, adminGroupObjectIDs: ['5f1c7a52-0d5e-4f5e-9a41-2b8e6f0c1d11'] };
      r.inputs = { ...r.inputs, aadProfile, disableLocalAccounts: true };
      r.outputs = { ...r.outputs, aadProfile, disableLocalAccounts: true };
    }
    b.resources.find((x) => x.urn === b.stackUrn)!.outputs = { adminKubeconfig: 'apiVersion: v1\nkind: Config\n' };
    const file = b.write('two-aks.json');
    const shop = await explainResult(file, 'shop-aks');
    expect((shop as { identities?: string[] }).identities).toContain(
      'operators log in through Entra ID (rule aks-entra-id); break-glass: admin kubeconfig in stack output adminKubeconfig (the stack has 2 such clusters: which one it opens is not decided)',
    );
    const spots = (await analyzeFile(file)).blindSpots.filter((s) => s.kind === 'ambiguous-recovery');
    expect(spots).toHaveLength(1);
    expect(spots[0]!.message).toMatch(/cannot decide which cluster stack output adminKubeconfig opens as break-glass: batch-aks, shop-aks/);
  });
});

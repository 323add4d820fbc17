/**
 * recovers-with inferred by the ops pack (rules/ops.yaml): a cluster running
 * its own Argo CD and Prometheus, an operator in another cluster, two deploy
 * systems in one cluster (a blind spot), and tags that win over inference.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempFile } from '../helpers/cli.js';
import { ExportBuilder, aksCluster, eksCluster, gkeCluster, helmRelease, secret, workload, type Cluster } from '../rules/k8s-helpers.js';

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

  /** The platform team's stack: an ops cluster running the Pulumi Kubernetes Operator and a Stack resource for `deploys`. */
  function opsStack(deploys: string | undefined): string {
    const b = new ExportBuilder('platform', 'ops');
    const ops = gkeCluster(b, 'ops-gke', 'us-central1-b');
    helmRelease(b, ops, 'pko', 'pulumi-kubernetes-operator', 'oci://ghcr.io/pulumi/helm-charts');
    if (deploys) {
      b.add('kubernetes:pulumi.com/v1:Stack', 'shop-prod', {
        provider: ops.k8s,
        inputs: {
          apiVersion: 'pulumi.com/v1',
          kind: 'Stack',
          metadata: { name: 'shop-prod', namespace: 'pulumi-kubernetes-operator' },
          spec: { stack: deploys, projectRepo: 'https://github.com/acme/shop', branch: 'main', serviceAccountName: 'pulumi', destroyOnFinalize: false },
        },
      });
    }
    return b.write('ops.json');
  }
  function appStack(): string {
    const b = new ExportBuilder('shop', 'prod');
    webTier(b, gkeCluster(b, 'app-gke', 'us-central1-a'));
    return b.write('app.json');
  }

  it('an operator in another stack: the Stack resource names acme/shop/prod, whose groups recover with the operator across stacks', async () => {
    const ops = opsStack('acme/shop/prod');
    const app = appStack();
    const r = await runCli(['analyze', ops, app, '--format', 'json', '--fail-on', 'none']);
    expect(r.stderr).toBe('');
    const a = JSON.parse(r.stdout) as Result;
    const found = a.findings.filter((f) => f.rule === 'ops-tools-concentrated' || f.rule === 'recovery-path');
    expect(found.map((f) => `${f.rule} ${f.event.id}`)).toContain('ops-tools-concentrated domain:gcp/us-central1/us-central1-b');
    expect(found.find((f) => f.event.id === 'domain:gcp/us-central1/us-central1-b')!.message).toMatch(/pko/);
    const e = await runCli(['rules', 'explain', 'web-blue', ops, app, '--format', 'json']);
    const web = JSON.parse(e.stdout).result as { recoversWith: string[]; recoversWithFrom: string[] };
    expect(web.recoversWith).toEqual(['urn:pulumi:ops::platform::kubernetes:helm.sh/v3:Release::pko']);
    expect(web.recoversWithFrom).toEqual(['deploy pko (deployed-by; rule recover-with-ops-tools)']);
    // Alone, the app stack has no deploy system to recover with.
    expect((await explainResult(app, 'web-blue')).recoversWith).toEqual([]);
  });

  it('a Stack resource naming another stack, or one with no operator in its cluster: nothing inferred, the latter a blind spot', async () => {
    const other = opsStack('acme/billing/prod');
    const app = appStack();
    const e = await runCli(['rules', 'explain', 'web-blue', other, app, '--format', 'json']);
    expect((JSON.parse(e.stdout).result as { recoversWith: string[] }).recoversWith).toEqual([]);
    const b = new ExportBuilder('platform', 'ops');
    const ops = gkeCluster(b, 'ops-gke', 'us-central1-b');
    b.add('kubernetes:pulumi.com/v1:Stack', 'shop-prod', { provider: ops.k8s, inputs: { spec: { stack: 'acme/shop/prod' } } });
    const r = await runCli(['analyze', b.write('ops-no-operator.json'), app, '--format', 'json', '--fail-on', 'none']);
    const spots = (JSON.parse(r.stdout) as Result).blindSpots.filter((s) => s.kind === 'ambiguous-recovery');
    expect(spots.map((s) => s.message)).toEqual([
      'shop-prod: deploys stack acme/shop/prod, but no deploy system of the inputs runs in its cluster; name it with firebreak:recovers-with or in the topology file',
    ]);
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

  /** One VM, web-1, provisioned by a playbook run locally and a remote command with a private key. */
  function loneVm(b: ExportBuilder, opts: { key?: boolean } = {}): string {
    const aws = b.provider('aws', 'aws-provider', { region: 'us-east-1' });
    const cmd = b.provider('command', 'command-provider', { version: '1.0.1' });
    const vm = b.add('aws:ec2/instance:Instance', 'web-1', {
      provider: aws,
      inputs: { instanceType: 't3.small', ami: 'ami-0abc', availabilityZone: 'us-east-1a', keyName: 'deployer' },
      outputs: { publicIp: '203.0.113.10', availabilityZone: 'us-east-1a' },
    });
    b.add('command:local:Command', 'run-playbook', {
      provider: cmd,
      inputs: { create: 'ansible-playbook -i 203.0.113.10, site.yml' },
      dependsOn: [vm],
    });
    if (opts.key) {
      b.add('command:remote:Command', 'install-agent', {
        provider: cmd,
        inputs: {
          create: 'sudo systemctl enable --now node-exporter',
          connection: { host: '203.0.113.10', user: 'ubuntu', privateKey: SECRET },
        },
        dependsOn: [vm],
      });
    }
    return vm;
  }
  const SECRET = { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', ciphertext: 'v1:c2VjcmV0LWtleS1ieXRlcw==' };

  it('a lone Ansible-provisioned VM: rebuilding web-1 needs the playbook run and the key file, named by path, on the operator machine', async () => {
    const b = new ExportBuilder('web', 'prod');
    loneVm(b, { key: true });
    const file = b.write('lone-ansible.json');
    const web = await explainResult(file, 'web-1');
    expect(web.recoversWith.map((u) => u.split('::').pop()).sort()).toEqual(['install-agent', 'run-playbook']);
    const a = await analyzeFile(file);
    const found = a.findings.filter((f) => f.rule === 'recovery-path');
    expect(found).toHaveLength(1);
    expect(found[0]!.event.id).toBe('domain:operator-workstation');
    expect(found[0]!.message).toBe(
      'Rebuilding web-1 needs a playbook run (run-playbook), a remote command (install-agent) and a key file (connection.privateKey of install-agent) ' +
        'on the machine that ran `pulumi up` (operator-workstation): losing it leaves web-1 (web) impossible to rebuild',
    );
    expect(JSON.stringify(a)).not.toContain('c2VjcmV0');
    // The zone takes web-1 itself: single-point-of-failure says so, recovery-path does not repeat it.
    expect(a.findings.filter((f) => f.rule === 'single-point-of-failure').map((f) => f.event.id)).toContain('domain:aws/us-east-1/us-east-1a');
    expect(found.filter((f) => f.event.id.includes('us-east-1a'))).toEqual([]);
  });

  it('a playbook run with --private-key: rebuilding web-1 names that key file as the command writes it, a secret command line never', async () => {
    const b = new ExportBuilder('web', 'prod');
    const vm = loneVm(b);
    const run = b.resources.find((x) => x.urn.endsWith('::run-playbook'))!;
    run.inputs = { create: 'ansible-playbook -i 203.0.113.10, -u ubuntu --private-key ~/.ssh/web-deploy.pem site.yml', update: SECRET };
    run.outputs = { ...run.inputs, stdout: 'PLAY RECAP' };
    const cmd = b.provider('command', 'command-provider', { version: '1.0.1' });
    b.add('command:local:Command', 'harden', {
      provider: cmd,
      inputs: { create: "ansible-playbook --key-file='keys/ops admin.pem' -i inventory.ini harden.yml" },
      dependsOn: [vm],
    });
    const file = b.write('lone-ansible-key.json');
    const found = (await analyzeFile(file)).findings.filter((f) => f.rule === 'recovery-path');
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toBe(
      'Rebuilding web-1 needs a playbook run (harden), a playbook run (run-playbook), a key file (keys/ops admin.pem: --key-file in create of harden), ' +
        'a key file (~/.ssh/web-deploy.pem: --private-key in create of run-playbook) and any key file update of run-playbook names (the command could not be read: a secret or unknown value) ' +
        'on the machine that ran `pulumi up` (operator-workstation): losing it leaves web-1 (web) impossible to rebuild',
    );
    expect(JSON.stringify(found)).not.toContain('c2VjcmV0');
  });

  /** A Pulumi YAML program shaped like the Ansible + Pulumi YAML examples: a web server, and a command configuring it over its address. */
  const ansibleProgram = (create: string, extra = ''): string =>
    path.dirname(
      tempFile(
        'Pulumi.yaml',
        [
          'name: ansible-web',
          'runtime: yaml',
          'config:',
          '  aws:region: us-east-1',
          'resources:',
          '  web:',
          '    type: aws:ec2:Instance',
          '    properties: { ami: ami-0fc5d935ebf8bc3bc, instanceType: t3.micro, availabilityZone: us-east-1a, keyName: deploy }',
          '  tool:',
          '    type: command:local:Command',
          '    properties: { create: pipx install ansible-core }',
          '  playbook:',
          '    type: command:local:Command',
          '    properties:',
          `      create: ${create}`,
          '    options: { dependsOn: ["${web}"] }',
          extra,
        ].join('\n'),
      ),
    );
  const recoveryPath = async (dir: string): Promise<string> => {
    const a = await analyzeFile(dir);
    const found = a.findings.filter((f) => f.rule === 'recovery-path' && f.event.id === 'domain:operator-workstation');
    expect(found).toHaveLength(1);
    return found[0]!.message;
  };

  it('a Pulumi YAML playbook run interpolating the server address: a playbook run naming its key file, though the command is known only at deploy', async () => {
    const message = await recoveryPath(ansibleProgram("ansible-playbook -u ubuntu -i '${web.publicIp},' --private-key ~/.ssh/deploy.pem playbook.yml"));
    expect(message).toBe(
      'Rebuilding web needs a playbook run (playbook) and a key file (~/.ssh/deploy.pem: --private-key in create of playbook) ' +
        'on the machine that ran `pulumi up` (operator-workstation): losing it leaves web (ansible-web) impossible to rebuild',
    );
  });

  it('ansible-playbook only in what the deploy fills in, or in a secret command: no playbook run, and the secret never shown', async () => {
    expect(await recoveryPath(ansibleProgram('${tool.stdout} -i ${web.publicIp}, site.yml'))).toMatch(/^Rebuilding web needs a command run \(playbook\) on/);
    const secretRun = [
      '  secret-run:',
      '    type: command:local:Command',
      '    properties:',
      '      create:',
      '        fn::secret: ansible-playbook --private-key ~/.ssh/hidden-ops.pem -i ${web.publicIp}, site.yml',
    ].join('\n');
    const dir = ansibleProgram('echo ${web.publicIp}', secretRun);
    const message = await recoveryPath(dir);
    expect(message).toContain('a command run (secret-run)');
    expect(message).not.toContain('playbook run');
    const runs = [
      ...['json', 'text', 'sarif', 'markdown'].map((format) => ['analyze', dir, '--format', format, '--fail-on', 'none']),
      ['rules', 'explain', 'secret-run', dir],
      ['rules', 'explain', 'secret-run', dir, '--format', 'json'],
    ];
    for (const args of runs) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout + r.stderr).not.toContain('hidden-ops');
    }
  });

  it('the topology file names a second operator machine: the workstation is no single point of recovery any more', async () => {
    const b = new ExportBuilder('web', 'prod');
    loneVm(b, { key: true });
    const file = b.write('lone-two-machines.json');
    const run = async (yaml: string): Promise<Result & { warnings?: unknown }> => {
      const r = await runCli(['analyze', file, '--topology', tempFile('firebreak.yaml', yaml), '--format', 'json', '--fail-on', 'none']);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Result;
    };
    const two = await run('version: 1\noperatorMachines: [laptop-a, laptop-b]\n');
    expect(two.findings.filter((f) => f.rule === 'recovery-path')).toEqual([]);
    // One named machine is still one: the finding moves to it.
    const one = await run('version: 1\noperatorMachines: laptop-a\n');
    const found = one.findings.filter((f) => f.rule === 'recovery-path');
    expect(found.map((f) => f.event.id)).toEqual(['domain:laptop-a']);
    expect(found[0]!.message).toMatch(/^Rebuilding web-1 needs a playbook run \(run-playbook\).* \(laptop-a\): losing it/);
    // A name that is another kind of domain is an error naming the file.
    const bad = await runCli(['analyze', file, '--topology', tempFile('firebreak.yaml', 'operatorMachines: [us-east-1a]\n'), '--format', 'json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/firebreak\.yaml.*operatorMachines: "us-east-1a" is a zone domain of the inputs, not an operator machine/);
  });

  it('operatorMachines with nothing on the operator machine is a warning; a name with "/" is an error naming the file', async () => {
    const b = new ExportBuilder('web', 'prod');
    const aws = b.provider('aws', 'aws-provider', { region: 'us-east-1' });
    b.add('aws:ec2/instance:Instance', 'web-1', { provider: aws, inputs: { instanceType: 't3.small', ami: 'ami-0abc', availabilityZone: 'us-east-1a' } });
    const file = b.write('no-workstation.json');
    const r = await runCli([
      'analyze',
      file,
      '--topology',
      tempFile('firebreak.yaml', 'operatorMachines: [laptop-a, laptop-b]\n'),
      '--format',
      'json',
      '--fail-on',
      'none',
    ]);
    expect(r.code).toBe(0);
    const warnings = (JSON.parse(r.stdout) as { warnings: Array<{ file: string; message: string }> }).warnings;
    expect(warnings.map((w) => `${w.file.split('/').pop()}: ${w.message}`)).toContain(
      'firebreak.yaml: operatorMachines: nothing in the inputs is rebuilt only from the operator machine; ignored',
    );
    const bad = await runCli(['analyze', file, '--topology', tempFile('firebreak.yaml', 'operatorMachines: [home/laptop]\n'), '--format', 'json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/firebreak\.yaml.*a machine name has no "\/"/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('a replica pair provisioned from two named operator machines: no workstation finding either', async () => {
    const b = new ExportBuilder('web', 'prod');
    const aws = b.provider('aws', 'aws-provider', { region: 'us-east-1' });
    const vms = ['a', 'b'].map((z, i) =>
      b.add('aws:ec2/instance:Instance', `web-${i + 1}`, {
        provider: aws,
        inputs: { instanceType: 't3.small', ami: 'ami-0abc', availabilityZone: `us-east-1${z}` },
      }),
    );
    b.add('command:local:Command', 'run-playbook', {
      provider: b.provider('command', 'command-provider'),
      inputs: { create: 'ansible-playbook site.yml' },
      dependsOn: vms,
    });
    const file = b.write('pair-two-machines.json');
    const onDomains = (a: Result): string[] => a.findings.filter((f) => f.rule === 'recovery-path' && f.event.id.startsWith('domain:')).map((f) => f.event.id);
    expect(onDomains(await analyzeFile(file))).toEqual(['domain:operator-workstation']);
    const r = await runCli([
      'analyze',
      file,
      '--topology',
      tempFile('firebreak.yaml', 'operatorMachines: [laptop-a, ci-runner]\n'),
      '--format',
      'json',
      '--fail-on',
      'none',
    ]);
    const a = JSON.parse(r.stdout) as Result;
    expect(onDomains(a)).toEqual([]);
    expect(a.findings.filter((f) => f.rule === 'ops-tools-concentrated')).toEqual([]);
  });

  it('a lone VM nothing on the operator machine provisioned: no recovery-path finding', async () => {
    const b = new ExportBuilder('web', 'prod');
    const aws = b.provider('aws', 'aws-provider', { region: 'us-east-1' });
    b.add('aws:ec2/instance:Instance', 'web-1', { provider: aws, inputs: { instanceType: 't3.small', ami: 'ami-0abc', availabilityZone: 'us-east-1a' } });
    b.add('command:local:Command', 'notify', { provider: b.provider('command', 'command-provider'), inputs: { create: 'echo done' } });
    const file = b.write('lone-plain.json');
    expect((await explainResult(file, 'web-1')).recoversWith).toEqual([]);
    expect((await analyzeFile(file)).findings.filter((f) => f.rule === 'recovery-path')).toEqual([]);
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

describe('images only in a local daemon', () => {
  /** A Deployment `web` (2 replicas) running `image` with a pull policy. */
  function webWith(b: ExportBuilder, image: string, imagePullPolicy: string): string {
    const gke = gkeCluster(b, 'dev-gke', 'us-central1-a');
    const urn = workload(b, gke, 'web', { replicas: 2, service: 'shop', image });
    const r = b.resources.find((x) => x.urn === urn)!;
    for (const props of [r.inputs!, r.outputs!]) {
      const spec = (props.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec;
      spec.containers[0]!.imagePullPolicy = imagePullPolicy;
    }
    return urn;
  }

  it('imagePullPolicy Never and no registry host: web recovers with the image on the operator machine, a recovery-path finding', async () => {
    const b = new ExportBuilder('shop', 'dev');
    webWith(b, 'shop-web:dev', 'Never');
    const file = b.write('daemon-never.json');
    const web = await explainResult(file, 'web');
    expect(web.recoversWith).toEqual(['urn:pulumi:dev::shop::firebreak:local:Image::shop-web:dev']);
    expect(web.recoversWithFrom).toEqual([
      'workstation image shop-web:dev (only in the local daemon: no registry host, imagePullPolicy Never; rule workstation-daemon-image)',
    ]);
    const a = await analyzeFile(file);
    const found = a.findings.filter((f) => f.rule === 'recovery-path');
    expect(found.map((f) => f.event.id)).toEqual(['domain:operator-workstation']);
    expect(found[0]!.message).toMatch(/^Rebuilding web needs an image only in the local daemon \(shop-web:dev\) on the machine that ran `pulumi up`/);
    // Not a run-time requirement: the zone loss is what takes web, not the image.
    expect(a.services.map((s) => s.name)).toEqual(['shop', 'shop ops tools']);
  });

  it('a registry host, or a pull policy that pulls: nothing on the operator machine', async () => {
    for (const [image, policy] of [
      ['us-docker.pkg.dev/acme/shop/web:1.4.2', 'Never'],
      ['localhost:5000/web:dev', 'IfNotPresent'],
      ['shop-web:dev', 'Always'],
    ] as const) {
      const b = new ExportBuilder('shop', 'dev');
      webWith(b, image, policy);
      const file = b.write(`daemon-none-${policy}.json`);
      expect((await explainResult(file, 'web')).recoversWith, image).toEqual([]);
      const a = await analyzeFile(file);
      expect(a.blindSpots.filter((s) => s.kind === 'ambiguous-recovery')).toEqual([]);
    }
  });

  it('IfNotPresent and no registry host: a blind spot saying what it cannot tell, unless a Docker Hub official image', async () => {
    const b = new ExportBuilder('shop', 'dev');
    webWith(b, 'shop-web:dev', 'IfNotPresent');
    const a = await analyzeFile(b.write('daemon-unsure.json'));
    const spots = a.blindSpots.filter((s) => s.kind === 'ambiguous-recovery');
    expect(spots.map((s) => s.message)).toEqual([
      'web: cannot tell whether image shop-web:dev is only in a local daemon (no registry host, imagePullPolicy IfNotPresent, built by nothing in the inputs); name the registry in the image, or tag firebreak:recovers-with',
    ]);
    expect(a.findings.filter((f) => f.rule === 'recovery-path')).toEqual([]);
    const p = new ExportBuilder('shop', 'dev');
    webWith(p, 'redis:7.2', 'IfNotPresent');
    expect((await analyzeFile(p.write('daemon-public.json'))).blindSpots.filter((s) => s.kind === 'ambiguous-recovery')).toEqual([]);
  });

  it('a checkpoint whose app image is built locally (IfNotPresent, built by a docker Image from ./app): web recovers with that build', async () => {
    const b = new ExportBuilder('shop', 'dev');
    const docker = b.provider('docker', 'docker-provider', { version: '4.5.0' });
    b.add('docker:index/image:Image', 'app-image', {
      provider: docker,
      inputs: { imageName: 'shop-web:dev', build: { context: './app', dockerfile: './app/Dockerfile' }, skipPush: true },
      outputs: { imageName: 'shop-web:dev', baseImageName: 'shop-web:dev' },
    });
    webWith(b, 'shop-web:dev', 'IfNotPresent');
    // The DIY backend's checkpoint file (.pulumi/stacks/shop/dev.json) wraps the same deployment.
    const { deployment } = b.toJSON() as { deployment: unknown };
    const file = tempFile('dev.json', JSON.stringify({ version: 3, checkpoint: { stack: 'organization/shop/dev', latest: deployment } }, null, 2));
    const web = await explainResult(file, 'web');
    expect(web.recoversWith.map((u) => u.split('::').pop())).toEqual(['app-image']);
    const a = await analyzeFile(file);
    expect(a.blindSpots.filter((s) => s.kind === 'ambiguous-recovery')).toEqual([]);
    const found = a.findings.filter((f) => f.rule === 'recovery-path' && f.event.id === 'domain:operator-workstation');
    expect(found.map((f) => f.message)).toEqual([
      'Rebuilding web needs an image build (app-image) on the machine that ran `pulumi up` (operator-workstation): losing it leaves web (shop) impossible to rebuild',
    ]);
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

  it('a versioned function token (containerservice/v20240102) is the function the rule lists, on a versioned cluster type too', async () => {
    const versioned = program
      .replaceAll('type: azure-native:containerservice:ManagedCluster', 'type: azure-native:containerservice/v20240102:ManagedCluster')
      .replace(
        'azure-native:containerservice:listManagedClusterAdminCredentials',
        'azure-native:containerservice/v20240102:listManagedClusterAdminCredentials',
      );
    expect(versioned).toContain('containerservice/v20240102:listManagedClusterAdminCredentials');
    const file = tempFile('Pulumi.yaml', versioned);
    const shop = await runCli(['rules', 'explain', 'shop-aks', file, '--format', 'json']);
    expect(shop.code, shop.stderr).toBe(0);
    expect(JSON.parse(shop.stdout).result.identities).toContain(
      'operators log in through Entra ID (rule aks-entra-id); break-glass: admin kubeconfig in stack output kubeconfig',
    );
    // The user credentials function in another version is still no break-glass path.
    const user = tempFile('Pulumi.yaml', versioned.replace('listManagedClusterAdminCredentials', 'listManagedClusterUserCredentials'));
    const other = await runCli(['rules', 'explain', 'shop-aks', user, '--format', 'json']);
    expect(JSON.parse(other.stdout).result.identities).toContain('operators log in through Entra ID (rule aks-entra-id); no break-glass path found');
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

describe('the aws-auth ConfigMap', () => {
  const MAP_ROLES =
    '- rolearn: arn:aws:iam::123456789012:role/shop-eks-nodes\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:bootstrappers, system:nodes]\n- rolearn: arn:aws:iam::123456789012:role/platform-admin\n  username: platform-admin\n  groups: [system:masters]\n';
  const awsAuth = (b: ExportBuilder, provider: string, namespace = 'kube-system'): string =>
    b.add('kubernetes:core/v1:ConfigMap', 'aws-auth', {
      provider,
      inputs: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace }, data: { mapRoles: MAP_ROLES } },
    });
  const IAM = 'urn:pulumi:prod::shop::firebreak:external:Identity::AWS IAM';

  it('an EKS cluster with no access config and an aws-auth ConfigMap: its groups recover with AWS IAM, the creator named as break-glass', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const eks = eksCluster(b, 'shop-eks');
    awsAuth(b, eks.k8s);
    webTier(b, eks);
    const file = b.write('eks-aws-auth.json');
    const web = await explainResult(file, 'web-blue');
    expect(web.recoversWith).toEqual([IAM]);
    expect(web.recoversWithFrom).toEqual(['identity AWS IAM (operators log in to shop-eks through it; rule eks-aws-auth)']);
    const cluster = (await explainResult(file, 'shop-eks')) as { identities?: string[] };
    expect(cluster.identities).toContain(
      "operators log in through AWS IAM (rule eks-aws-auth, from aws-auth); break-glass: the cluster creator's IAM principal keeps cluster-admin (bootstrapClusterCreatorAdminPermissions is not false; still through AWS IAM)",
    );
    const config = await runCli(['rules', 'explain', 'aws-auth', file, '--format', 'json']);
    const result = JSON.parse(config.stdout).result as { role: string; identities?: string[] };
    expect(result.role).toBe('config-only');
    expect(result.identities).toEqual(['configures how operators log in to shop-eks through AWS IAM (rule eks-aws-auth)']);
    // The rule text says the login is its host's.
    const text = await runCli(['rules', 'explain', 'aws-auth', file]);
    expect(text.stdout).toMatch(/ops\/eks-aws-auth: .*operators of its host \(what \$provider\.kubeconfig reaches\) log in through AWS IAM/);
    expect(text.stdout).toMatch(/identities +configures how operators log in to shop-eks through AWS IAM \(rule eks-aws-auth\)/);
    const a = await analyzeFile(file);
    const named = a.findings.filter((f) => f.rule === 'external-identity');
    expect(named).toHaveLength(1);
    expect(named[0]!.message).toMatch(
      /^AWS IAM \(external identity, provider-managed\) is on the recovery path of 1 replica group\(s\) of shop: operators log in to shop-eks/,
    );
    expect(named[0]!.severity).toBe('info');
  });

  it('the creator opted out (bootstrapClusterCreatorAdminPermissions false): no break-glass path found', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const eks = eksCluster(b, 'shop-eks');
    const cluster = b.resources.find((x) => x.urn === eks.urn)!;
    for (const props of [cluster.inputs!, cluster.outputs!]) props.accessConfig = { bootstrapClusterCreatorAdminPermissions: false };
    awsAuth(b, eks.k8s);
    webTier(b, eks);
    const file = b.write('eks-aws-auth-no-creator.json');
    const [f] = (await analyzeFile(file)).findings.filter((x) => x.rule === 'external-identity');
    expect(f!.severity).toBe('low');
    expect(f!.message).toMatch(/no break-glass path found for shop-eks \(no admin credential that works without AWS IAM\)$/);
  });

  it('a cluster whose access config already says AWS IAM keeps its own rule; the ConfigMap only says what it configures', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const eks = eksCluster(b, 'shop-eks');
    const cluster = b.resources.find((x) => x.urn === eks.urn)!;
    for (const props of [cluster.inputs!, cluster.outputs!])
      props.accessConfig = { authenticationMode: 'API_AND_CONFIG_MAP', bootstrapClusterCreatorAdminPermissions: true };
    awsAuth(b, eks.k8s);
    webTier(b, eks);
    const file = b.write('eks-both.json');
    const identities = ((await explainResult(file, 'shop-eks')) as { identities?: string[] }).identities ?? [];
    expect(identities.filter((l) => l.startsWith('operators log in'))).toEqual([
      "operators log in through AWS IAM (rule eks-iam); break-glass: the cluster creator's IAM principal keeps cluster-admin (bootstrapClusterCreatorAdminPermissions; still through AWS IAM)",
    ]);
    expect((await explainResult(file, 'web-blue')).recoversWithFrom).toEqual(['identity AWS IAM (operators log in to shop-eks through it; rule eks-iam)']);
  });

  it('an aws-auth ConfigMap outside kube-system is no login (EKS reads kube-system only)', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const eks = eksCluster(b, 'shop-eks');
    awsAuth(b, eks.k8s, 'shop');
    webTier(b, eks);
    const file = b.write('eks-aws-auth-wrong-ns.json');
    expect((await explainResult(file, 'web-blue')).recoversWith).toEqual([]);
    expect((await analyzeFile(file)).findings.filter((f) => f.rule === 'external-identity')).toEqual([]);
  });

  it('a provider whose kubeconfig comes from config: which cluster the ConfigMap is for is a blind spot, not a guess', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const k8s = b.provider('kubernetes', 'prod-k8s', { kubeconfig: '[secret]', context: 'prod' });
    awsAuth(b, k8s);
    const file = b.write('eks-aws-auth-no-host.json');
    const a = await analyzeFile(file);
    const spots = a.blindSpots.filter((s) => s.kind === 'ambiguous-recovery');
    expect(spots.map((s) => s.message)).toEqual([
      'aws-auth: configures how operators log in through AWS IAM (rule eks-aws-auth), but no resource of the inputs that $provider.kubeconfig reaches is its cluster: cannot decide which groups recover with AWS IAM; name it with firebreak:recovers-with or in the topology file',
    ]);
    expect(a.findings.filter((f) => f.rule === 'external-identity')).toEqual([]);
  });
});

describe('EKS OIDC identity provider configs', () => {
  const RULE = 'eks-oidc-identity-provider';
  /** An aws.eks.IdentityProviderConfig as the provider docs write it: clusterName from the cluster, oidc naming the issuer. */
  const oidcConfig = (
    b: ExportBuilder,
    eks: Cluster,
    name: string,
    issuerUrl: unknown,
    o: { deps?: Record<string, string[]>; dependsOn?: string[]; clusterName?: string } = {},
  ): string =>
    b.add('aws:eks/identityProviderConfig:IdentityProviderConfig', name, {
      id: `shop-eks:${name}`,
      provider: b.provider('aws', 'aws-provider'),
      inputs: {
        clusterName: o.clusterName ?? 'shop-eks',
        oidc: { identityProviderConfigName: name, issuerUrl, clientId: '0oa9x8w7v6u5t4s3r2q1', usernameClaim: 'email', groupsClaim: 'groups' },
      },
      deps: { ...(o.clusterName ? {} : { clusterName: [eks.urn] }), ...o.deps },
      ...(o.dependsOn ? { dependsOn: o.dependsOn } : {}),
    });

  it('an Okta issuer: the groups the cluster hosts recover with Okta, an external identity, with IAM named as break-glass', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const eks = eksCluster(b, 'shop-eks');
    oidcConfig(b, eks, 'okta', 'https://acme.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9');
    webTier(b, eks);
    const file = b.write('eks-okta.json');
    const web = await explainResult(file, 'web-blue');
    expect(web.recoversWith).toEqual(['urn:pulumi:prod::shop::firebreak:external:Identity::Okta']);
    expect(web.recoversWithFrom).toEqual([`identity Okta (operators log in to shop-eks through it; rule ${RULE})`]);
    const cluster = (await explainResult(file, 'shop-eks')) as { identities?: string[] };
    expect(cluster.identities).toContain(
      `operators log in through Okta (rule ${RULE}, from okta); break-glass: the cluster creator's IAM principal keeps cluster-admin (bootstrapClusterCreatorAdminPermissions is not false; through AWS IAM, not the OIDC provider)`,
    );
    const config = await runCli(['rules', 'explain', 'okta', file]);
    expect(config.stdout).toMatch(
      /ops\/eks-oidc-identity-provider: .*operators of its host \(what clusterName reaches\) log in through the identity oidc\.issuerUrl names/,
    );
    const a = await analyzeFile(file);
    const named = a.findings.filter((f) => f.rule === 'external-identity');
    expect(named).toHaveLength(1);
    expect(named[0]!.message).toMatch(
      /^Okta \(external identity, provider-managed\) is on the recovery path of 1 replica group\(s\) of shop: operators log in to shop-eks/,
    );
    expect(a.blindSpots.filter((s) => s.kind === 'ambiguous-recovery')).toEqual([]);
  });

  it('an issuer the program serves itself (a Dex release the config depends on): the groups recover with that Dex, no external identity', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const eks = eksCluster(b, 'shop-eks');
    const dex = helmRelease(b, eks, 'dex', 'dex', 'https://charts.dexidp.io', { values: { config: { issuer: 'https://dex.shop.example.com' } } });
    // EKS fetches the issuer's discovery document when the config is created: programs make it wait for Dex.
    oidcConfig(b, eks, 'dex-oidc', 'https://dex.shop.example.com', { dependsOn: [dex] });
    webTier(b, eks);
    const file = b.write('eks-dex.json');
    const web = await explainResult(file, 'web-blue');
    expect(web.recoversWith).toEqual([dex]);
    expect(web.recoversWithFrom).toEqual([`identity dex (operators log in to shop-eks through it; rule ${RULE})`]);
    const cluster = (await explainResult(file, 'shop-eks')) as { identities?: string[] };
    expect(cluster.identities).toContain(
      `operators log in through dex, an identity of the inputs (dex-oidc depends on it; rule ${RULE}, from dex-oidc); break-glass: the cluster creator's IAM principal keeps cluster-admin (bootstrapClusterCreatorAdminPermissions is not false; through AWS IAM, not the OIDC provider)`,
    );
    const a = await analyzeFile(file);
    expect(JSON.stringify(a)).not.toContain('OIDC provider dex.shop.example.com');
    expect(a.findings.filter((f) => f.rule === 'external-identity' && f.message.includes('OIDC'))).toEqual([]);
  });

  it('an issuer that references the Dex release (a property dependency of oidc) names it, before any dependsOn', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const eks = eksCluster(b, 'shop-eks');
    const dex = helmRelease(b, eks, 'dex', 'dex', 'https://charts.dexidp.io');
    const keycloak = helmRelease(b, eks, 'keycloak', 'keycloak', 'https://charts.bitnami.com/bitnami');
    oidcConfig(b, eks, 'dex-oidc', 'https://dex.shop.example.com', { deps: { oidc: [dex] }, dependsOn: [keycloak] });
    webTier(b, eks);
    const file = b.write('eks-dex-ref.json');
    expect((await explainResult(file, 'web-blue')).recoversWith).toEqual([dex]);
  });

  it('a known identity service by its URL wins over an identity the config merely depends on', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const eks = eksCluster(b, 'shop-eks');
    const keycloak = helmRelease(b, eks, 'keycloak', 'keycloak', 'https://charts.bitnami.com/bitnami');
    oidcConfig(b, eks, 'okta', 'https://acme.okta.com/oauth2/default', { dependsOn: [keycloak] });
    webTier(b, eks);
    const file = b.write('eks-okta-wait.json');
    expect((await explainResult(file, 'web-blue')).recoversWith).toEqual(['urn:pulumi:prod::shop::firebreak:external:Identity::Okta']);
  });

  it('a YAML program whose issuer URL interpolates the Dex release: the cluster logs in through that Dex', async () => {
    const file = tempFile(
      'Pulumi.yaml',
      `name: platform
runtime: yaml
config:
  aws:region: { value: us-east-1 }
resources:
  cluster-role:
    type: aws:iam:Role
    properties:
      assumeRolePolicy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
  cluster:
    type: aws:eks:Cluster
    properties:
      name: platform
      roleArn: \${cluster-role.arn}
      vpcConfig:
        subnetIds: [subnet-0a1b2c3d4e5f60001, subnet-0a1b2c3d4e5f60002]
  k8s:
    type: pulumi:providers:kubernetes
    properties:
      kubeconfig: \${cluster.certificateAuthority.data}
  dex:
    type: kubernetes:helm.sh/v3:Release
    properties:
      chart: dex
      repositoryOpts: { repo: https://charts.dexidp.io }
      namespace: dex
      values:
        config:
          issuer: https://dex.platform.example.com
    options:
      provider: \${k8s}
  dex-oidc:
    type: aws:eks:IdentityProviderConfig
    properties:
      clusterName: \${cluster.name}
      oidc:
        identityProviderConfigName: dex
        clientId: kubernetes
        issuerUrl: https://dex.platform.example.com/\${dex.status.namespace}
        groupsClaim: groups
`,
    );
    const r = await runCli(['rules', 'explain', 'cluster', file, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).result.identities).toEqual([
      `operators log in through dex, an identity of the inputs (dex-oidc references it (oidc.issuerUrl); rule ${RULE}, from dex-oidc); break-glass: the cluster creator's IAM principal keeps cluster-admin (bootstrapClusterCreatorAdminPermissions is not false; through AWS IAM, not the OIDC provider)`,
    ]);
  });

  it('a secret issuer that references no identity, or a clusterName naming no cluster of the inputs: a blind spot each, nothing inferred', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const eks = eksCluster(b, 'shop-eks');
    oidcConfig(b, eks, 'corp-oidc', secret('v1:aXNzdWVyLXVybC1zZWNyZXQ=:BBBB'));
    oidcConfig(b, eks, 'old-oidc', 'https://acme.okta.com/oauth2/default', { clusterName: 'retired-eks' });
    webTier(b, eks);
    const file = b.write('eks-oidc-unread.json');
    expect((await explainResult(file, 'web-blue')).recoversWith).toEqual([]);
    const a = await analyzeFile(file);
    expect(
      a.blindSpots
        .filter((s) => s.kind === 'ambiguous-recovery')
        .map((s) => s.message)
        .sort(),
    ).toEqual([
      `corp-oidc: configures how operators log in to shop-eks (rule ${RULE}), but its issuer (oidc.issuerUrl) could not be read (a secret or unknown value): cannot tell which identity its groups recover with; name it with firebreak:recovers-with or in the topology file`,
      `old-oidc: configures how operators log in through OIDC provider (rule ${RULE}), but no resource of the inputs that clusterName reaches is its cluster: cannot decide which groups recover with OIDC provider; name it with firebreak:recovers-with or in the topology file`,
    ]);
    expect(a.findings.filter((f) => f.rule === 'external-identity')).toEqual([]);
    expect(JSON.stringify(a)).not.toContain('aXNzdWVyLXVybC1zZWNyZXQ');
  });
});

describe('lone workloads: Kubernetes reschedules a Deployment, operators recover a StatefulSet', () => {
  const IAM = 'urn:pulumi:prod::shop::firebreak:external:Identity::AWS IAM';
  const withAccess = (b: ExportBuilder, urn: string): void => {
    const cluster = b.resources.find((x) => x.urn === urn)!;
    for (const props of [cluster.inputs!, cluster.outputs!]) props.accessConfig = { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: true };
  };

  it('a Deployment of 3 on a cluster running Argo CD recovers with nothing; a StatefulSet of 3 recovers with the login, named by external-identity', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const eks = eksCluster(b, 'shop-eks');
    withAccess(b, eks.urn);
    helmRelease(b, eks, 'argocd', 'argo-cd', ARGO);
    workload(b, eks, 'web', { replicas: 3, spread: true, service: 'shop' });
    workload(b, eks, 'orders-db', { kind: 'StatefulSet', replicas: 3, spread: true, service: 'orders', image: 'docker.io/bitnami/postgresql:16.4.0' });
    const file = b.write('eks-lone.json');
    const web = await explainResult(file, 'web');
    expect(web.recoversWith).toEqual([]);
    const db = await explainResult(file, 'orders-db');
    expect(db.recoversWith).toEqual([IAM]);
    expect(db.recoversWithFrom).toEqual([
      'identity AWS IAM (operators log in to shop-eks through it; rule eks-iam; by hand: force-delete the pods of a lost node, or taint it node.kubernetes.io/out-of-service)',
    ]);
    // The cluster names its login and break-glass path whatever it hosts.
    const cluster = (await explainResult(file, 'shop-eks')) as { identities?: string[] };
    expect(cluster.identities).toContain(
      "operators log in through AWS IAM (rule eks-iam); break-glass: the cluster creator's IAM principal keeps cluster-admin (bootstrapClusterCreatorAdminPermissions; still through AWS IAM)",
    );
    const a = await analyzeFile(file);
    const named = a.findings.filter((f) => f.rule === 'external-identity');
    expect(named.map((f) => f.message)).toEqual([
      "AWS IAM (external identity, provider-managed) is on the recovery path of 1 component(s) operators recover by hand (orders-db) of orders: operators log in to shop-eks through it to recover them; it fails with none of the stack's domains, so it is a dependency, not an outage; break-glass for shop-eks: the cluster creator's IAM principal keeps cluster-admin (bootstrapClusterCreatorAdminPermissions; still through AWS IAM)",
    ]);
    // A dependency, not an outage: no other finding names the identity, and the gate passes.
    expect(a.findings.filter((f) => f.rule !== 'external-identity' && f.message.includes('AWS IAM'))).toEqual([]);
    expect((await runCli(['analyze', file])).code).toBe(0);
  });

  it('an AKS cluster with Entra ID and only lone Deployments: no finding, but rules explain on the cluster names the identity and its break-glass', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const aks = aksCluster(b, 'shop-aks', ['1', '2', '3']);
    const r = b.resources.find((x) => x.urn === aks.urn)!;
    const aadProfile = { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: ['5f1c7a52-0d5e-4f5e-9a41-2b8e6f0c1d11'] };
    r.inputs = { ...r.inputs, aadProfile };
    r.outputs = { ...r.outputs, aadProfile };
    workload(b, aks, 'web', { replicas: 3, spread: true, service: 'shop' });
    const file = b.write('aks-lone.json');
    expect((await explainResult(file, 'web')).recoversWith).toEqual([]);
    expect((await analyzeFile(file)).findings.filter((f) => f.rule === 'external-identity')).toEqual([]);
    const text = await runCli(['rules', 'explain', 'shop-aks', file]);
    expect(text.stdout).toMatch(/identities +.*operators log in through Entra ID \(rule aks-entra-id\); break-glass: local admin account/s);
  });

  it('a firebreak:recovers-with tag on the StatefulSet wins: none infers nothing', async () => {
    const b = new ExportBuilder('shop', 'prod');
    const eks = eksCluster(b, 'shop-eks');
    withAccess(b, eks.urn);
    const urn = workload(b, eks, 'orders-db', { kind: 'StatefulSet', replicas: 3, spread: true, service: 'orders' });
    const db = b.resources.find((x) => x.urn === urn)!;
    for (const props of [db.inputs!, db.outputs!])
      (props.metadata as { annotations?: Record<string, string> }).annotations = { 'firebreak.io/recovers-with': 'none' };
    const file = b.write('eks-sts-tagged.json');
    expect((await explainResult(file, 'orders-db')).recoversWith).toEqual([]);
    expect((await analyzeFile(file)).findings.filter((f) => f.rule === 'external-identity')).toEqual([]);
  });
});

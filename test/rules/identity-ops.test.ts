/**
 * rules/identity-ops.yaml through the built CLI: SaaS identity (Auth0, Okta),
 * self-hosted identity (Keycloak, Vault) as their deployments with their
 * configuration config-only, and ops tools (Argo CD, Jenkins, Grafana,
 * Prometheus), matched by Helm chart name or container image (match.property).
 */
import { describe, expect, it } from 'vitest';
import { runCli, tempFile } from '../helpers/cli.js';
import { ExportBuilder, analyze, explain, gkeCluster, helmRelease, noRuleFor, paths, secret, workload } from './k8s-helpers.js';

describe('Helm releases and workloads of ops tools and identity services', async () => {
  const b = new ExportBuilder('platform', 'prod');
  const gke = gkeCluster(b, 'ops-gke', 'us-central1-a');
  helmRelease(b, gke, 'argocd', 'argo-cd', 'https://argoproj.github.io/argo-helm');
  helmRelease(b, gke, 'jenkins', 'jenkins', 'https://charts.jenkins.io');
  helmRelease(b, gke, 'grafana', 'oci://registry-1.docker.io/bitnamicharts/grafana', '');
  helmRelease(b, gke, 'monitoring', 'kube-prometheus-stack', 'https://prometheus-community.github.io/helm-charts');
  helmRelease(b, gke, 'prometheus', 'prometheus-community/prometheus', '');
  helmRelease(b, gke, 'cache', 'redis', 'https://charts.bitnami.com/bitnami');
  helmRelease(b, gke, 'grafana-dashboards', 'grafana-dashboards', 'https://charts.example.com');
  const keycloak = helmRelease(b, gke, 'keycloak', 'keycloak', 'https://charts.bitnami.com/bitnami', {
    values: { replicaCount: 2, auth: { adminUser: 'admin' } },
  });
  helmRelease(b, gke, 'vault', 'vault', 'https://helm.releases.hashicorp.com', { values: { server: { ha: { enabled: true, replicas: 3 } } } });
  workload(b, gke, 'grafana-standalone', { replicas: 1, image: 'grafana/grafana:11.2.0', namespace: 'monitoring' });
  workload(b, gke, 'sso', { kind: 'StatefulSet', replicas: 1, image: 'quay.io/keycloak/keycloak:25.0.6', namespace: 'iam' });
  // Keycloak's own configuration, through the keycloak provider pointed at the release.
  const kc = b.provider(
    'keycloak',
    'keycloak-provider',
    { url: 'https://sso.example.com', clientId: 'admin-cli', clientSecret: secret() },
    { url: [keycloak] },
  );
  const realm = b.add('keycloak:index/realm:Realm', 'shop-realm', { id: 'shop', provider: kc, inputs: { realm: 'shop', enabled: true, displayName: 'Shop' } });
  const client = b.add('keycloak:openid/client:Client', 'shop-web', {
    id: '7f0c4b1e-1111-2222-3333-444455556666',
    provider: kc,
    inputs: { realmId: 'shop', clientId: 'shop-web', accessType: 'CONFIDENTIAL', standardFlowEnabled: true, validRedirectUris: ['https://shop.example.com/*'] },
    deps: { realmId: [realm] },
  });
  // Vault's configuration.
  const vp = b.provider('vault', 'vault-provider', { address: 'https://vault.example.com:8200', token: secret() });
  const mount = b.add('vault:index/mount:Mount', 'kv', { id: 'kv', provider: vp, inputs: { path: 'kv', type: 'kv', options: { version: '2' } } });
  b.add('vault:kv/secretV2:SecretV2', 'db-password', {
    id: 'kv/data/db',
    provider: vp,
    inputs: { mount: 'kv', name: 'db', dataJson: secret() },
    deps: { mount: [mount] },
  });
  // Two services log in through Keycloak: their Deployments take the client's id.
  workload(b, gke, 'storefront', { replicas: 2, service: 'storefront', namespace: 'shop', envFrom: [client] });
  workload(b, gke, 'backoffice', { replicas: 2, service: 'backoffice', namespace: 'shop', envFrom: [client] });
  const file = b.write();
  const a = await analyze(file);

  it('a Helm release of argo-cd is an ops-tool, matched by its chart, placed through its cluster', async () => {
    const e = await explain(file, 'argocd');
    expect(e.result.role).toBe('ops-tool');
    // identity-ops says ops-tool; the ops pack adds which kind (a deploy system).
    expect(e.rules.map((r) => r.id)).toEqual(['core-placement', 'kubernetes-helm', 'helm-ops-tool', 'helm-deploy-system']);
    expect(e.rules.at(-2)).toMatchObject({ pack: 'identity-ops', matchedProperty: { path: 'chart', value: 'argo-cd' } });
    expect(paths(e)).toEqual(['gcp/us-central1/us-central1-a']);
    expect(e.merged.runsOn!.host).toBe(gke.urn);
  });

  it.each(['jenkins', 'grafana', 'monitoring', 'prometheus'])('the %s release is an ops-tool', async (name) => {
    expect((await explain(file, name)).result.role).toBe('ops-tool');
  });

  it.each(['cache', 'grafana-dashboards'])('the %s release (another chart) stays compute', async (name) => {
    const e = await explain(file, name);
    expect(e.result.role).toBe('compute');
    expect(e.rules.map((r) => r.id)).toEqual(['core-placement', 'kubernetes-helm']);
  });

  it('keycloak and vault releases are identity', async () => {
    expect((await explain(file, 'keycloak')).result.role).toBe('identity');
    const v = await explain(file, 'vault');
    expect(v.result.role).toBe('identity');
    expect(v.rules.map((r) => r.id).slice(-2)).toEqual(['helm-identity-vault', 'helm-secret-store']);
  });

  it('workloads are matched by their container image', async () => {
    const g = await explain(file, 'grafana-standalone');
    expect(g.result.role).toBe('ops-tool');
    expect(g.rules.at(-1)).toMatchObject({ id: 'workload-monitoring', pack: 'ops' });
    expect(g.rules.at(-2)).toMatchObject({
      id: 'workload-ops-tool',
      matchedProperty: { path: 'spec.template.spec.containers[*].image', value: '[grafana/grafana:11.2.0]' },
    });
    expect((await explain(file, 'sso')).result.role).toBe('identity');
    expect((await explain(file, 'storefront')).result.role).toBe('compute');
  });

  it('keycloak realms and clients, vault mounts and secrets are config-only', async () => {
    for (const name of ['shop-realm', 'shop-web', 'kv', 'db-password']) {
      const e = await explain(file, name);
      expect(e.result.role, name).toBe('config-only');
      expect(e.result.failable).toBe(false);
    }
  });

  it('services that log in through the keycloak release require it, through its client config', async () => {
    expect((await explain(file, 'storefront')).result.requires).toContain(keycloak);
    const shared = a.findings.find((f) => f.rule === 'shared-identity');
    expect(shared?.message).toMatch(
      /^keycloak \(platform\) is a shared identity single point: .*backoffice.*storefront.*losing zone gcp\/us-central1\/us-central1-a/,
    );
  });

  it('leaves none of these types without a rule', () => {
    expect(
      noRuleFor(a, [
        'kubernetes:helm.sh/v3:Release',
        'kubernetes:apps/v1:Deployment',
        'kubernetes:apps/v1:StatefulSet',
        'keycloak:index/realm:Realm',
        'keycloak:openid/client:Client',
        'vault:index/mount:Mount',
        'vault:kv/secretV2:SecretV2',
      ]),
    ).toEqual([]);
  });
});

describe('SaaS identity: Auth0 and Okta', () => {
  const b = new ExportBuilder();
  const auth0 = b.provider('auth0', 'default_3_8_0', { domain: 'acme.eu.auth0.com', clientId: 'mgmt', clientSecret: secret() });
  const client = b.add('auth0:index/client:Client', 'shop-web', {
    id: 'Xk2pQ9aB7cD1eF3gH5iJ',
    provider: auth0,
    inputs: {
      name: 'shop-web',
      appType: 'regular_web',
      callbacks: ['https://shop.example.com/callback'],
      oidcConformant: true,
      jwtConfiguration: { alg: 'RS256' },
    },
  });
  b.add('auth0:index/resourceServer:ResourceServer', 'shop-api', {
    id: '64f0c0ffee',
    provider: auth0,
    inputs: { name: 'shop-api', identifier: 'https://api.shop.example.com', signingAlg: 'RS256' },
  });
  b.add('auth0:index/role:Role', 'shop-admin', { id: 'rol_abc', provider: auth0, inputs: { name: 'shop-admin', description: 'Shop administrators' } });
  const okta = b.provider('okta', 'default_4_8_0', { orgName: 'acme', baseUrl: 'okta.com', apiToken: secret() });
  const app = b.add('okta:app/oAuth:OAuth', 'backoffice', {
    id: '0oa1b2c3d4e5f6g7h8i9',
    provider: okta,
    inputs: {
      label: 'backoffice',
      type: 'web',
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      redirectUris: ['https://backoffice.example.com/callback'],
    },
  });
  b.add('okta:group/group:Group', 'admins', { id: '00g1b2c3d4e5', provider: okta, inputs: { name: 'admins' } });
  b.add('okta:app/groupAssignment:GroupAssignment', 'backoffice-admins', {
    id: '0oa1b2c3d4e5f6g7h8i9/00g1b2c3d4e5',
    provider: okta,
    inputs: { appId: '0oa1b2c3d4e5f6g7h8i9', groupId: '00g1b2c3d4e5' },
    deps: { appId: [app] },
  });
  void client;
  const file = b.write();

  it('an auth0 client is a global managed identity', async () => {
    const e = await explain(file, 'shop-web');
    expect(e.result.role).toBe('identity');
    expect(paths(e)).toEqual(['auth0']);
    expect(e.result.event).toBe(false);
    expect((await explain(file, 'shop-api')).result.role).toBe('identity');
    expect((await explain(file, 'shop-admin')).result.role).toBe('config-only');
  });

  it('an okta OAuth app is a global managed identity; groups and assignments are config-only', async () => {
    const e = await explain(file, 'backoffice');
    expect(e.result.role).toBe('identity');
    expect(paths(e)).toEqual(['okta']);
    expect(e.result.event).toBe(false);
    expect((await explain(file, 'admins')).result.role).toBe('config-only');
    expect((await explain(file, 'backoffice-admins')).result.role).toBe('config-only');
  });

  it('leaves none of these types without a rule', async () => {
    const a = await analyze(file);
    expect(
      noRuleFor(a, [
        'auth0:index/client:Client',
        'auth0:index/resourceServer:ResourceServer',
        'auth0:index/role:Role',
        'okta:app/oAuth:OAuth',
        'okta:group/group:Group',
        'okta:app/groupAssignment:GroupAssignment',
      ]),
    ).toEqual([]);
  });
});

describe('match.property in a pack', () => {
  const pack = (pattern: string) => `pack: my-rules
description: A user pack for the test.
rules:
  - id: my-release
    info: Releases of my chart.
    match:
      type: ["kubernetes:helm.sh/v3:Release"]
      property: { path: chart, pattern: '${pattern}' }
    role: datastore
`;

  it('an invalid regular expression is an input error with its path', async () => {
    const bad = tempFile('bad.yaml', pack('(unclosed'));
    const r = await runCli(['rules', 'validate', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+: rules\.0\.match\.property\.pattern: not a valid regular expression/);
  });

  it("a user pack's property rule applies after the built-in ones", async () => {
    const b = new ExportBuilder();
    const gke = gkeCluster(b, 'gke', 'us-central1-a');
    helmRelease(b, gke, 'pg', 'postgresql', 'https://charts.bitnami.com/bitnami');
    const file = b.write();
    const user = tempFile('my-rules.yaml', pack('(^|/)postgresql$'));
    const r = await runCli(['rules', 'explain', 'pg', file, '--rules', user, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(e.result.role).toBe('datastore');
    expect(e.rules.map((x: { id: string }) => x.id)).toEqual(['core-placement', 'kubernetes-helm', 'my-release']);
  });
});

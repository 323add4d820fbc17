/**
 * rules/azure.yaml through the built CLI: VMs and scale sets by zones
 * (relative to the location), AKS by its agent pools' zones, Azure SQL by
 * zoneRedundant, storage accounts by SKU, Entra ID (azuread) as a global
 * managed identity.
 */
import { describe, expect, it } from 'vitest';
import { ExportBuilder, aksCluster, analyze, explain, noRuleFor, paths, secret } from './k8s-helpers.js';

const SUB = '/subscriptions/0000-1111/resourceGroups/shop-rg/providers';

function azureStack(): { b: ExportBuilder; azure: string; rg: string } {
  const b = new ExportBuilder();
  const azure = b.provider('azure-native', 'azure-provider', { location: 'westeurope' });
  const rg = b.add('azure-native:resources:ResourceGroup', 'shop-rg', {
    id: '/subscriptions/0000-1111/resourceGroups/shop-rg',
    provider: azure,
    inputs: { location: 'westeurope', resourceGroupName: 'shop-rg' },
  });
  return { b, azure, rg };
}

describe('virtual machines and scale sets', () => {
  const { b, azure, rg } = azureStack();
  const vnet = b.add('azure-native:network:VirtualNetwork', 'shop-vnet', {
    id: `${SUB}/Microsoft.Network/virtualNetworks/shop-vnet`,
    provider: azure,
    inputs: { resourceGroupName: 'shop-rg', location: 'westeurope', addressSpace: { addressPrefixes: ['10.1.0.0/16'] } },
    deps: { resourceGroupName: [rg] },
  });
  const subnet = b.add('azure-native:network:Subnet', 'app', {
    id: `${SUB}/Microsoft.Network/virtualNetworks/shop-vnet/subnets/app`,
    provider: azure,
    inputs: { resourceGroupName: 'shop-rg', virtualNetworkName: 'shop-vnet', addressPrefix: '10.1.1.0/24' },
    deps: { virtualNetworkName: [vnet] },
  });
  const nic = b.add('azure-native:network:NetworkInterface', 'web-1-nic', {
    id: `${SUB}/Microsoft.Network/networkInterfaces/web-1-nic`,
    provider: azure,
    inputs: {
      resourceGroupName: 'shop-rg',
      location: 'westeurope',
      ipConfigurations: [{ name: 'ipconfig1', subnet: { id: `${SUB}/Microsoft.Network/virtualNetworks/shop-vnet/subnets/app` } }],
    },
    deps: { ipConfigurations: [subnet] },
  });
  const vm = (name: string, zones?: string[]) =>
    b.add('azure-native:compute:VirtualMachine', name, {
      id: `${SUB}/Microsoft.Compute/virtualMachines/${name}`,
      provider: azure,
      inputs: {
        resourceGroupName: 'shop-rg',
        location: 'westeurope',
        vmName: name,
        ...(zones ? { zones } : {}),
        hardwareProfile: { vmSize: 'Standard_D2s_v5' },
        networkProfile: { networkInterfaces: [{ id: `${SUB}/Microsoft.Network/networkInterfaces/${name}-nic`, primary: true }] },
        osProfile: { computerName: name, adminUsername: 'azureuser', adminPassword: secret() },
        tags: { 'firebreak:service': 'web' },
      },
      deps: { resourceGroupName: [rg], networkProfile: [nic] },
    });
  vm('web-1', ['1']);
  vm('jump', undefined);
  b.add('azure-native:compute:VirtualMachineScaleSet', 'api-vmss', {
    id: `${SUB}/Microsoft.Compute/virtualMachineScaleSets/api-vmss`,
    provider: azure,
    inputs: {
      resourceGroupName: 'shop-rg',
      location: 'westeurope',
      vmScaleSetName: 'api-vmss',
      zones: ['1', '2', '3'],
      sku: { name: 'Standard_D2s_v5', capacity: 3, tier: 'Standard' },
      orchestrationMode: 'Uniform',
      upgradePolicy: { mode: 'Rolling' },
    },
    deps: { resourceGroupName: [rg] },
  });
  const file = b.write();

  it('a VM in zone "1" sits in westeurope-1', async () => {
    const e = await explain(file, 'web-1');
    expect(e.result.role).toBe('compute');
    expect(paths(e)).toEqual(['azure/westeurope/westeurope-1']);
    expect(e.result.event).toBe(true);
  });

  it('a VM without zones: one zone of its region that is not known', async () => {
    const e = await explain(file, 'jump');
    expect(paths(e)).toEqual(['azure/westeurope']);
    expect(e.blindSpots.map((s) => s.kind)).toEqual(['unknown-zone']);
  });

  it('a scale set over zones 1, 2, 3 spans them', async () => {
    const e = await explain(file, 'api-vmss');
    expect(e.result.role).toBe('compute');
    expect(paths(e)).toEqual(['azure/westeurope/westeurope-1', 'azure/westeurope/westeurope-2', 'azure/westeurope/westeurope-3']);
    expect(e.result.event).toBe(false);
  });

  it('the network plumbing is config-only and every type has a rule', async () => {
    for (const name of ['shop-rg', 'shop-vnet', 'app', 'web-1-nic']) expect((await explain(file, name)).result.role).toBe('config-only');
    const a = await analyze(file);
    expect(
      noRuleFor(a, ['azure-native:compute:VirtualMachine', 'azure-native:compute:VirtualMachineScaleSet', 'azure-native:network:NetworkInterface']),
    ).toEqual([]);
    expect(a.findings.some((f) => f.event.id === 'domain:azure/westeurope/westeurope-1' && f.affected.some((x) => x.service === 'web'))).toBe(true);
  });
});

describe('AKS managed clusters', () => {
  const b = new ExportBuilder();
  aksCluster(b, 'zonal-aks', ['1', '2', '3']);
  aksCluster(b, 'plain-aks', undefined, 'eastus');
  const file = b.write();

  it('agent pools in three zones: the cluster spans them; managed, so not an event of its own', async () => {
    const e = await explain(file, 'zonal-aks');
    expect(e.result.role).toBe('compute');
    expect(paths(e)).toEqual(['azure/eastus/eastus-1', 'azure/eastus/eastus-2', 'azure/eastus/eastus-3']);
    expect(e.result.event).toBe(false);
    expect(e.rules.map((r) => r.id)).toEqual(['core-placement', 'azure-aks-cluster', 'aks-managed-identity']);
  });

  it('agent pools without zones: its region, zone not known', async () => {
    const e = await explain(file, 'plain-aks');
    expect(paths(e)).toEqual(['azure/eastus']);
    expect(e.blindSpots.map((s) => s.kind)).toEqual(['unknown-zone']);
  });
});

describe('Azure SQL databases', async () => {
  const { b, azure, rg } = azureStack();
  const server = b.add('azure-native:sql:Server', 'shop-sql', {
    id: `${SUB}/Microsoft.Sql/servers/shop-sql`,
    provider: azure,
    inputs: {
      resourceGroupName: 'shop-rg',
      location: 'westeurope',
      serverName: 'shop-sql',
      administratorLogin: 'sqladmin',
      administratorLoginPassword: secret(),
      version: '12.0',
    },
    deps: { resourceGroupName: [rg] },
  });
  const db = (name: string, zoneRedundant: boolean, service: string) =>
    b.add('azure-native:sql:Database', name, {
      id: `${SUB}/Microsoft.Sql/servers/shop-sql/databases/${name}`,
      provider: azure,
      inputs: {
        resourceGroupName: 'shop-rg',
        serverName: 'shop-sql',
        databaseName: name,
        location: 'westeurope',
        sku: { name: 'GP_Gen5', tier: 'GeneralPurpose', family: 'Gen5', capacity: 2 },
        zoneRedundant,
        tags: { 'firebreak:service': service },
      },
      deps: { resourceGroupName: [rg], serverName: [server] },
    });
  db('orders-db', true, 'orders');
  db('reports-db', false, 'reports');
  const file = b.write();
  const a = await analyze(file);

  it('zoneRedundant: true spans the region and is no single point of failure', async () => {
    const e = await explain(file, 'orders-db');
    expect(e.result.role).toBe('datastore');
    expect(paths(e)).toEqual(['azure/westeurope']);
    expect(e.result.placedBy).toBe('zoneRedundant = true');
    expect(e.result.event).toBe(false);
    expect(e.blindSpots).toEqual([]);
    expect(a.findings.filter((f) => f.event.kind === 'component' && f.affected.some((x) => x.service === 'orders'))).toEqual([]);
  });

  it('zoneRedundant: false is a single datastore in a zone that is not known', async () => {
    const e = await explain(file, 'reports-db');
    expect(paths(e)).toEqual(['azure/westeurope']);
    expect(e.result.event).toBe(true);
    expect(e.blindSpots.map((s) => s.kind)).toEqual(['unknown-zone']);
    const spof = a.findings.find((f) => f.event.id === `component:${b.urn('azure-native:sql:Database', 'reports-db')}`);
    expect(spof?.rule).toBe('single-point-of-failure');
    expect(spof?.message).toMatch(/^Losing datastore reports-db takes down reports/);
    expect(noRuleFor(a, ['azure-native:sql:Database', 'azure-native:sql:Server'])).toEqual([]);
  });
});

describe('storage accounts', () => {
  const { b, azure, rg } = azureStack();
  for (const [name, sku] of [
    ['shopzrs', 'Standard_ZRS'],
    ['shopragzrs', 'Standard_RAGZRS'],
    ['shoplrs', 'Standard_LRS'],
    ['shopgrs', 'Standard_GRS'],
  ] as const) {
    b.add('azure-native:storage:StorageAccount', name, {
      id: `${SUB}/Microsoft.Storage/storageAccounts/${name}`,
      provider: azure,
      inputs: { resourceGroupName: 'shop-rg', accountName: name, location: 'westeurope', kind: 'StorageV2', sku: { name: sku }, minimumTlsVersion: 'TLS1_2' },
      outputs: {
        resourceGroupName: 'shop-rg',
        accountName: name,
        location: 'westeurope',
        kind: 'StorageV2',
        sku: { name: sku, tier: 'Standard' },
        primaryEndpoints: { blob: `https://${name}.blob.core.windows.net/` },
      },
      deps: { resourceGroupName: [rg] },
    });
  }
  const file = b.write();

  it.each(['shopzrs', 'shopragzrs'])('%s (zone-redundant) spans the region', async (name) => {
    const e = await explain(file, name);
    expect(e.result.role).toBe('datastore');
    expect(paths(e)).toEqual(['azure/westeurope']);
    expect(e.result.placedBy).toMatch(/^sku\.name = Standard_(RAG)?ZRS$/);
    expect(e.blindSpots).toEqual([]);
  });

  it.each(['shoplrs', 'shopgrs'])('%s (one datacenter): a zone that is not known, said as a blind spot', async (name) => {
    const e = await explain(file, name);
    expect(paths(e)).toEqual(['azure/westeurope']);
    expect(e.result.event).toBe(false);
    expect(e.blindSpots).toHaveLength(1);
    expect(e.blindSpots[0]!.message).toMatch(/lives in one zone, but which zone is not known; placed in region westeurope/);
  });
});

describe('Entra ID (azuread)', () => {
  const b = new ExportBuilder();
  const ad = b.provider('azuread', 'default_5_53_0', { tenantId: '11111111-2222-3333-4444-555555555555' });
  const app = b.add('azuread:index/application:Application', 'shop-app', {
    id: '/applications/aaaa-bbbb',
    provider: ad,
    inputs: { displayName: 'shop', signInAudience: 'AzureADMyOrg', web: { redirectUris: ['https://shop.example.com/auth/callback'] } },
  });
  b.add('azuread:index/servicePrincipal:ServicePrincipal', 'shop-sp', {
    id: 'cccc-dddd',
    provider: ad,
    inputs: { clientId: 'eeee-ffff', appRoleAssignmentRequired: false },
    deps: { clientId: [app] },
  });
  b.add('azuread:index/applicationPassword:ApplicationPassword', 'shop-app-secret', {
    id: 'aaaa-bbbb/password/1',
    provider: ad,
    inputs: { applicationId: '/applications/aaaa-bbbb', displayName: 'ci' },
    deps: { applicationId: [app] },
  });
  const file = b.write();

  it.each(['shop-app', 'shop-sp'])('%s is a global managed identity under azure', async (name) => {
    const e = await explain(file, name);
    expect(e.result.role).toBe('identity');
    expect(paths(e)).toEqual(['azure']);
    expect(e.result.placedBy).toBe('a global service');
    expect(e.result.event).toBe(false);
  });

  it('passwords are config-only; no azuread type lacks a rule', async () => {
    expect((await explain(file, 'shop-app-secret')).result.role).toBe('config-only');
    expect(
      noRuleFor(await analyze(file), [
        'azuread:index/application:Application',
        'azuread:index/servicePrincipal:ServicePrincipal',
        'azuread:index/applicationPassword:ApplicationPassword',
      ]),
    ).toEqual([]);
  });
});

describe('Cosmos DB accounts (azure-ts-cosmosdb-logicapp)', () => {
  const { b, azure, rg } = azureStack();
  const account = (name: string, inputs: Record<string, unknown>) =>
    b.add('azure-native:documentdb:DatabaseAccount', name, {
      id: `${SUB}/Microsoft.DocumentDB/databaseAccounts/${name}`,
      provider: azure,
      inputs: { resourceGroupName: 'shop-rg', databaseAccountOfferType: 'Standard', consistencyPolicy: { defaultConsistencyLevel: 'Session' }, ...inputs },
      deps: { resourceGroupName: [rg] },
    });
  account('orders-cdb', { locations: [{ locationName: 'westeurope', failoverPriority: 0 }] });
  account('catalog-cdb', { locations: [{ locationName: 'westeurope', failoverPriority: 0, isZoneRedundant: true }] });
  const sql = b.add('azure-native:documentdb:SqlResourceSqlDatabase', 'orders', {
    id: `${SUB}/Microsoft.DocumentDB/databaseAccounts/orders-cdb/sqlDatabases/orders`,
    provider: azure,
    inputs: { resourceGroupName: 'shop-rg', accountName: 'orders-cdb', resource: { id: 'orders' } },
    deps: { accountName: [b.urn('azure-native:documentdb:DatabaseAccount', 'orders-cdb')] },
  });
  b.add('azure-native:logic:Workflow', 'http-to-cosmos', {
    id: `${SUB}/Microsoft.Logic/workflows/http-to-cosmos`,
    provider: azure,
    inputs: { resourceGroupName: 'shop-rg', definition: { triggers: {} }, tags: { 'firebreak:service': 'orders' } },
    deps: { definition: [sql] },
  });
  const file = b.write();

  it('a one-region account without zones is a managed datastore in a zone that is not known', async () => {
    const e = await explain(file, 'orders-cdb');
    expect(e.result.role).toBe('datastore');
    expect(paths(e)).toEqual(['azure/westeurope']);
    expect(e.result.event).toBe(false);
    expect(e.blindSpots.map((s) => s.kind)).toEqual(['unknown-zone']);
  });

  it('a zone-redundant first location spans the region', async () => {
    const e = await explain(file, 'catalog-cdb');
    expect(paths(e)).toEqual(['azure/westeurope']);
    expect(e.result.placedBy).toBe('locations[0].isZoneRedundant = true');
    expect(e.blindSpots).toEqual([]);
  });

  it('its databases are configuration, and the workflow reaches the account through them', async () => {
    expect((await explain(file, 'orders')).result.role).toBe('config-only');
    const flow = await explain(file, 'http-to-cosmos');
    expect(flow.result.role).toBe('compute');
    expect(flow.result.requires).toEqual([b.urn('azure-native:documentdb:DatabaseAccount', 'orders-cdb')]);
    const a = await analyze(file);
    expect(noRuleFor(a, ['azure-native:documentdb:DatabaseAccount', 'azure-native:documentdb:SqlResourceSqlDatabase', 'azure-native:logic:Workflow'])).toEqual(
      [],
    );
  });
});

describe('App Service plans of Azure Functions (azure-ts-functions)', () => {
  const { b, azure, rg } = azureStack();
  const plan = (name: string, sku: Record<string, unknown>) =>
    b.add('azure-native:web:AppServicePlan', name, {
      id: `${SUB}/Microsoft.Web/serverfarms/${name}`,
      provider: azure,
      inputs: { resourceGroupName: 'shop-rg', location: 'westeurope', kind: 'functionapp', sku },
      deps: { resourceGroupName: [rg] },
    });
  const consumption = plan('consumption-plan', { name: 'Y1', tier: 'Dynamic' });
  const basic = plan('basic-plan', { name: 'B1', tier: 'Basic' });
  for (const [app, p] of [
    ['orders-fn', consumption],
    ['reports-fn', basic],
  ] as const) {
    b.add('azure-native:web:WebApp', app, {
      id: `${SUB}/Microsoft.Web/sites/${app}`,
      provider: azure,
      inputs: {
        resourceGroupName: 'shop-rg',
        location: 'westeurope',
        kind: 'functionapp',
        serverFarmId: `${SUB}/Microsoft.Web/serverfarms/x`,
        tags: { 'firebreak:service': app },
      },
      deps: { serverFarmId: [p] },
    });
  }
  const file = b.write();

  it('a Consumption plan is not one worker: its own loss is no single point', async () => {
    const e = await explain(file, 'consumption-plan');
    expect((e.result as { capacity?: unknown }).capacity).toBeUndefined();
    expect(e.result.event).toBe(false);
    const a = await analyze(file);
    expect(a.findings.filter((f) => f.event.kind === 'component' && f.affected.some((x) => x.service === 'orders-fn'))).toEqual([]);
  });

  it('a Basic plan with no sku.capacity is one worker: a single point of its function app', async () => {
    expect((await explain(file, 'basic-plan')).result.event).toBe(true);
    const a = await analyze(file);
    const spof = a.findings.find((f) => f.event.id === `component:${b.urn('azure-native:web:AppServicePlan', 'basic-plan')}`);
    expect(spof?.message).toMatch(/^Losing compute basic-plan takes down reports-fn/);
  });
});

describe('Azure locations are case-insensitive (the templates default to WestUS)', () => {
  const { b, azure } = azureStack();
  for (const [name, location, zones] of [
    ['api-1', 'WestEurope', ['1']],
    ['api-2', 'westeurope', ['2']],
  ] as const) {
    b.add('azure-native:compute:VirtualMachine', name, {
      id: `${SUB}/Microsoft.Compute/virtualMachines/${name}`,
      provider: azure,
      inputs: {
        resourceGroupName: 'shop-rg',
        location,
        vmName: name,
        zones,
        hardwareProfile: { vmSize: 'Standard_D2s_v5' },
        tags: { 'firebreak:service': 'api' },
      },
    });
  }
  const file = b.write();

  it('WestEurope and westeurope are one region: its zones 1 and 2', async () => {
    expect(paths(await explain(file, 'api-1'))).toEqual(['azure/westeurope/westeurope-1']);
    expect(paths(await explain(file, 'api-2'))).toEqual(['azure/westeurope/westeurope-2']);
    const a = await analyze(file);
    // Two zones of one region: the pair survives a zone, and only the region's loss (beyond the policy) stops it.
    expect(a.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(a.findings.map((f) => f.event.id)).toContain('domain:azure/westeurope');
  });
});

// API Gateway control plane through @aws-sdk/client-api-gateway: deployments, stages (method
// settings, canary), API keys, usage plans and keys, usage, account, tags — and durability.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIGatewayClient,
  CreateApiKeyCommand,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  CreateUsagePlanCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteDeploymentCommand,
  DeleteStageCommand,
  DeleteUsagePlanCommand,
  DeleteUsagePlanKeyCommand,
  FlushStageCacheCommand,
  GetAccountCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetDeploymentCommand,
  GetDeploymentsCommand,
  GetStageCommand,
  GetStagesCommand,
  GetTagsCommand,
  GetUsageCommand,
  GetUsagePlanCommand,
  GetUsagePlanKeyCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
  ImportApiKeysCommand,
  PutIntegrationCommand,
  PutMethodCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAccountCommand,
  UpdateApiKeyCommand,
  UpdateStageCommand,
  UpdateUsagePlanCommand,
} from '@aws-sdk/client-api-gateway';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import type { ApiGatewayCatalog } from '../../src/apigateway/index.js';
import { failure } from '../helpers/failure.js';


/** An API with GET /pets (MOCK), ready to deploy. */
async function mockApi(client: APIGatewayClient, name: string) {
  const api = await client.send(new CreateRestApiCommand({ name }));
  await client.send(new PutMethodCommand({ restApiId: api.id!, resourceId: api.rootResourceId!, httpMethod: 'GET', authorizationType: 'NONE' }));
  await client.send(
    new PutIntegrationCommand({ restApiId: api.id!, resourceId: api.rootResourceId!, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }),
  );
  return api;
}

describe('API Gateway control plane: deployments, stages, keys and plans', () => {
  let nimbus: TestNimbus;
  let client: APIGatewayClient;
  beforeAll(async () => {
    nimbus = await startNimbus();
    client = new APIGatewayClient(clientConfig(nimbus.endpoint));
  });
  afterAll(() => nimbus.dispose());

  it('refuses to deploy an API without methods or integrations', async () => {
    const api = await client.send(new CreateRestApiCommand({ name: 'empty' }));
    expect(await failure(client.send(new CreateDeploymentCommand({ restApiId: api.id!, stageName: 'dev' })))).toEqual({
      name: 'BadRequestException',
      status: 400,
      message: "The REST API doesn't contain any methods",
    });
    await client.send(new PutMethodCommand({ restApiId: api.id!, resourceId: api.rootResourceId!, httpMethod: 'GET', authorizationType: 'NONE' }));
    expect(await failure(client.send(new CreateDeploymentCommand({ restApiId: api.id!, stageName: 'dev' })))).toMatchObject({
      name: 'BadRequestException',
      message: 'No integration defined for method',
    });
  });

  it('keeps immutable deployment snapshots and points stages at old ones', async () => {
    const api = await mockApi(client, 'deploy');
    const id = api.id!;
    const d1 = await client.send(new CreateDeploymentCommand({ restApiId: id, stageName: 'prod', description: 'first', variables: { color: 'blue' } }));
    const stage = await client.send(new GetStageCommand({ restApiId: id, stageName: 'prod' }));
    expect(stage).toMatchObject({ deploymentId: d1.id, variables: { color: 'blue' }, cacheClusterEnabled: false });

    // Change the API after deploying: the stage keeps serving the snapshot.
    await client.send(new PutMethodCommand({ restApiId: id, resourceId: api.rootResourceId!, httpMethod: 'POST', authorizationType: 'NONE' }));
    await client.send(new PutIntegrationCommand({ restApiId: id, resourceId: api.rootResourceId!, httpMethod: 'POST', type: 'MOCK' }));
    const before = (await catalogOf(nimbus)).resolveStage('000000000000', 'us-east-1', id, 'prod');
    expect(Object.keys(before!.deployment.resources[0]!.resourceMethods)).toEqual(['GET']);

    const d2 = await client.send(new CreateDeploymentCommand({ restApiId: id, stageName: 'prod', description: 'second' }));
    const after = (await catalogOf(nimbus)).resolveStage('000000000000', 'us-east-1', id, 'prod');
    expect(after!.deployment.deploymentId).toBe(d2.id);
    expect(Object.keys(after!.deployment.resources[0]!.resourceMethods).sort()).toEqual(['GET', 'POST']);
    expect(after!.deployment.gatewayResponses.THROTTLED.statusCode).toBe('429');

    const deployments = await client.send(new GetDeploymentsCommand({ restApiId: id }));
    expect(deployments.items?.map((d) => d.id).sort()).toEqual([d1.id, d2.id].sort());
    const summary = await client.send(new GetDeploymentCommand({ restApiId: id, deploymentId: d2.id!, embed: ['apisummary'] }));
    expect(summary.apiSummary?.['/']?.POST).toMatchObject({ authorizationType: 'NONE', apiKeyRequired: false });

    // Roll back by pointing the stage at the first deployment.
    const rolled = await client.send(new UpdateStageCommand({ restApiId: id, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/deploymentId', value: d1.id! }] }));
    expect(rolled.deploymentId).toBe(d1.id);
    expect(Object.keys((await catalogOf(nimbus)).resolveStage('000000000000', 'us-east-1', id, 'prod')!.deployment.resources[0]!.resourceMethods)).toEqual(['GET']);

    expect(await failure(client.send(new DeleteDeploymentCommand({ restApiId: id, deploymentId: d1.id! })))).toEqual({
      name: 'BadRequestException',
      status: 400,
      message: 'Active stages pointing to this deployment must be moved or deleted',
    });
    await client.send(new DeleteDeploymentCommand({ restApiId: id, deploymentId: d2.id! }));
    expect(await failure(client.send(new GetDeploymentCommand({ restApiId: id, deploymentId: d2.id! })))).toMatchObject({ name: 'NotFoundException', status: 404 });
    expect(await failure(client.send(new UpdateStageCommand({ restApiId: id, stageName: 'prod', patchOperations: [{ op: 'replace', path: '/deploymentId', value: 'nope' }] })))).toMatchObject({
      name: 'NotFoundException',
    });
  });

  it('patches stage variables, method settings, cache and canary', async () => {
    const api = await mockApi(client, 'stages');
    const id = api.id!;
    const d1 = await client.send(new CreateDeploymentCommand({ restApiId: id }));
    const stage = await client.send(new CreateStageCommand({ restApiId: id, stageName: 'dev', deploymentId: d1.id!, variables: { a: '1' } }));
    expect(stage.stageName).toBe('dev');
    expect(await failure(client.send(new CreateStageCommand({ restApiId: id, stageName: 'dev', deploymentId: d1.id! })))).toMatchObject({ name: 'ConflictException', status: 409 });
    expect(await failure(client.send(new CreateStageCommand({ restApiId: id, stageName: 'bad name', deploymentId: d1.id! })))).toMatchObject({ name: 'BadRequestException' });

    const patched = await client.send(
      new UpdateStageCommand({
        restApiId: id,
        stageName: 'dev',
        patchOperations: [
          { op: 'replace', path: '/variables/b', value: 'two' },
          { op: 'remove', path: '/variables/a' },
          { op: 'replace', path: '/*/*/throttling/rateLimit', value: '100' },
          { op: 'replace', path: '/*/*/throttling/burstLimit', value: '50' },
          { op: 'replace', path: '/~1/GET/caching/enabled', value: 'true' },
          { op: 'replace', path: '/~1/GET/caching/ttlInSeconds', value: '60' },
          { op: 'replace', path: '/cacheClusterEnabled', value: 'true' },
          { op: 'replace', path: '/cacheClusterSize', value: '1.6' },
          { op: 'replace', path: '/description', value: 'development' },
        ],
      }),
    );
    expect(patched.variables).toEqual({ b: 'two' });
    expect(patched.methodSettings?.['*/*']).toMatchObject({ throttlingRateLimit: 100, throttlingBurstLimit: 50 });
    expect(patched.methodSettings?.['/GET']).toMatchObject({ cachingEnabled: true, cacheTtlInSeconds: 60, throttlingRateLimit: 100 });
    expect(patched).toMatchObject({ cacheClusterEnabled: true, cacheClusterSize: '1.6', cacheClusterStatus: 'AVAILABLE', description: 'development' });

    for (const bad of [
      { op: 'replace' as const, path: '/*/*/throttling/rateLimit', value: 'fast' },
      { op: 'replace' as const, path: '/~1nowhere/GET/caching/enabled', value: 'true' },
      { op: 'replace' as const, path: '/*/*/caching/ttlInSeconds', value: '7200' },
      { op: 'replace' as const, path: '/cacheClusterSize', value: '2' },
      { op: 'replace' as const, path: '/variables/bad-name', value: 'x' },
      { op: 'replace' as const, path: '/unknown', value: 'x' },
    ]) {
      expect(await failure(client.send(new UpdateStageCommand({ restApiId: id, stageName: 'dev', patchOperations: [bad] })))).toMatchObject({ name: 'BadRequestException', status: 400 });
    }

    // Canary: a deployment with canarySettings leaves the stage on its deployment.
    const canary = await client.send(
      new CreateDeploymentCommand({ restApiId: id, stageName: 'dev', canarySettings: { percentTraffic: 10, stageVariableOverrides: { b: 'canary' }, useStageCache: false } }),
    );
    const withCanary = await client.send(new GetStageCommand({ restApiId: id, stageName: 'dev' }));
    expect(withCanary.deploymentId).toBe(d1.id);
    expect(withCanary.canarySettings).toMatchObject({ percentTraffic: 10, deploymentId: canary.id, stageVariableOverrides: { b: 'canary' } });
    const catalog = await catalogOf(nimbus);
    const resolved = catalog.resolveStage('000000000000', 'us-east-1', id, 'dev')!;
    expect(resolved.canary).toMatchObject({ percentTraffic: 10, stageVariableOverrides: { b: 'canary' } });
    expect(resolved.canary!.deployment.deploymentId).toBe(canary.id);

    const tuned = await client.send(new UpdateStageCommand({ restApiId: id, stageName: 'dev', patchOperations: [{ op: 'replace', path: '/canarySettings/percentTraffic', value: '50' }] }));
    expect(tuned.canarySettings?.percentTraffic).toBe(50);
    expect(
      await failure(client.send(new UpdateStageCommand({ restApiId: id, stageName: 'dev', patchOperations: [{ op: 'replace', path: '/canarySettings/percentTraffic', value: '101' }] }))),
    ).toMatchObject({ name: 'BadRequestException' });
    // Promote: copy the canary deployment to the stage, then remove the canary.
    const promoted = await client.send(
      new UpdateStageCommand({
        restApiId: id,
        stageName: 'dev',
        patchOperations: [
          { op: 'copy', from: '/canarySettings/deploymentId', path: '/deploymentId' },
          { op: 'remove', path: '/canarySettings' },
        ],
      }),
    );
    expect(promoted.deploymentId).toBe(canary.id);
    expect(promoted.canarySettings).toBeUndefined();

    await client.send(new FlushStageCacheCommand({ restApiId: id, stageName: 'dev' }));
    expect((await client.send(new GetStagesCommand({ restApiId: id }))).item?.map((s) => s.stageName)).toEqual(['dev']);
    await client.send(new DeleteStageCommand({ restApiId: id, stageName: 'dev' }));
    expect(await failure(client.send(new GetStageCommand({ restApiId: id, stageName: 'dev' })))).toEqual({
      name: 'NotFoundException',
      status: 404,
      message: 'Invalid stage identifier specified',
    });
  });

  it('manages API keys, usage plans, plan keys and usage', async () => {
    const api = await mockApi(client, 'keys');
    await client.send(new CreateDeploymentCommand({ restApiId: api.id!, stageName: 'prod' }));

    const generated = await client.send(new CreateApiKeyCommand({ name: 'gen', enabled: true }));
    expect(generated.value).toMatch(/^[A-Za-z0-9]{40}$/);
    const chosen = await client.send(new CreateApiKeyCommand({ name: 'mine', value: 'my-very-own-key-value-123', enabled: false, stageKeys: [{ restApiId: api.id!, stageName: 'prod' }] }));
    expect(chosen).toMatchObject({ enabled: false, stageKeys: [`${api.id}/prod`] });
    expect(await failure(client.send(new CreateApiKeyCommand({ name: 'dup', value: 'my-very-own-key-value-123' })))).toMatchObject({ name: 'ConflictException', status: 409 });
    expect(await failure(client.send(new CreateApiKeyCommand({ name: 'short', value: 'short' })))).toMatchObject({ name: 'BadRequestException' });

    expect((await client.send(new GetApiKeyCommand({ apiKey: chosen.id! }))).value).toBeUndefined();
    expect((await client.send(new GetApiKeyCommand({ apiKey: chosen.id!, includeValue: true }))).value).toBe('my-very-own-key-value-123');
    const byName = await client.send(new GetApiKeysCommand({ nameQuery: 'mi', includeValues: true }));
    expect(byName.items?.map((k) => [k.name, k.value])).toEqual([['mine', 'my-very-own-key-value-123']]);
    const enabled = await client.send(new UpdateApiKeyCommand({ apiKey: chosen.id!, patchOperations: [{ op: 'replace', path: '/enabled', value: 'true' }] }));
    expect(enabled.enabled).toBe(true);
    expect(await failure(client.send(new GetApiKeyCommand({ apiKey: 'nokey' })))).toEqual({ name: 'NotFoundException', status: 404, message: 'Invalid API Key identifier specified' });

    const plan = await client.send(
      new CreateUsagePlanCommand({
        name: 'basic',
        apiStages: [{ apiId: api.id!, stage: 'prod', throttle: { '/GET': { rateLimit: 5, burstLimit: 2 } } }],
        throttle: { rateLimit: 10, burstLimit: 20 },
        quota: { limit: 1000, period: 'MONTH', offset: 0 },
      }),
    );
    expect(plan).toMatchObject({ name: 'basic', throttle: { rateLimit: 10, burstLimit: 20 }, quota: { limit: 1000, period: 'MONTH', offset: 0 } });
    expect(await failure(client.send(new CreateUsagePlanCommand({ name: 'x', apiStages: [{ apiId: api.id!, stage: 'nope' }] })))).toMatchObject({ name: 'NotFoundException', status: 404 });
    // Enum members fail AWS's front-end validation (ValidationException, AWS-recorded).
    expect(await failure(client.send(new CreateUsagePlanCommand({ name: 'x', quota: { limit: 10, period: 'YEAR' as 'DAY' } })))).toMatchObject({ name: 'ValidationException' });

    const patched = await client.send(
      new UpdateUsagePlanCommand({
        usagePlanId: plan.id!,
        patchOperations: [
          { op: 'replace', path: '/quota/limit', value: '500' },
          { op: 'replace', path: '/quota/period', value: 'WEEK' },
          { op: 'replace', path: '/throttle/rateLimit', value: '7.5' },
          { op: 'replace', path: `/apiStages/${api.id}:prod/throttle/~1/GET/rateLimit`, value: '3' },
        ],
      }),
    );
    expect(patched.quota).toEqual({ limit: 500, period: 'WEEK', offset: 0 });
    expect(patched.throttle?.rateLimit).toBe(7.5);
    expect(patched.apiStages?.[0]?.throttle?.['/GET']).toMatchObject({ rateLimit: 3, burstLimit: 2 });

    const pk = await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id!, keyId: chosen.id!, keyType: 'API_KEY' }));
    expect(pk).toMatchObject({ id: chosen.id, type: 'API_KEY', name: 'mine', value: 'my-very-own-key-value-123' });
    expect(await failure(client.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id!, keyId: chosen.id!, keyType: 'API_KEY' })))).toMatchObject({
      name: 'ConflictException',
      status: 409,
    });
    expect(await failure(client.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id!, keyId: 'missing', keyType: 'API_KEY' })))).toMatchObject({ name: 'NotFoundException' });
    expect((await client.send(new GetUsagePlanKeyCommand({ usagePlanId: plan.id!, keyId: chosen.id! }))).name).toBe('mine');
    expect((await client.send(new GetUsagePlanKeysCommand({ usagePlanId: plan.id! }))).items?.map((k) => k.id)).toEqual([chosen.id]);
    expect((await client.send(new GetUsagePlansCommand({ keyId: chosen.id! }))).items?.map((p) => p.id)).toEqual([plan.id]);

    // The data plane sees the binding through the catalog.
    const catalog = await catalogOf(nimbus);
    const bindings = catalog.usagePlansForStage('000000000000', 'us-east-1', api.id!, 'prod');
    expect(bindings).toHaveLength(1);
    expect(bindings[0]!.keys.get(chosen.id!)?.enabled).toBe(true);
    expect(catalog.findApiKeyByValue('000000000000', 'us-east-1', 'my-very-own-key-value-123')?.id).toBe(chosen.id);
    expect(catalog.findUsagePlan(plan.id!)?.name).toBe('basic');

    const usage = await client.send(new GetUsageCommand({ usagePlanId: plan.id!, startDate: '2026-01-01', endDate: '2026-01-03' }));
    expect(usage).toMatchObject({ usagePlanId: plan.id, startDate: '2026-01-01', endDate: '2026-01-03' });
    expect(usage.items?.[chosen.id!]).toHaveLength(3);
    expect(await failure(client.send(new GetUsageCommand({ usagePlanId: plan.id!, startDate: '2026-01-05', endDate: '2026-01-03' })))).toMatchObject({ name: 'BadRequestException' });
    expect(await failure(client.send(new GetUsageCommand({ usagePlanId: 'nope', startDate: '2026-01-01', endDate: '2026-01-03' })))).toMatchObject({ name: 'NotFoundException' });

    await client.send(new DeleteUsagePlanKeyCommand({ usagePlanId: plan.id!, keyId: chosen.id! }));
    expect(await failure(client.send(new GetUsagePlanKeyCommand({ usagePlanId: plan.id!, keyId: chosen.id! })))).toMatchObject({ name: 'NotFoundException', status: 404 });
    expect(await failure(client.send(new DeleteUsagePlanCommand({ usagePlanId: plan.id! })))).toEqual({
      name: 'BadRequestException',
      status: 400,
      message: `Cannot delete Usage Plan ${plan.id} because there are API Stages associated with it, including ${api.id}:prod`,
    });
    expect(
      await failure(client.send(new UpdateUsagePlanCommand({ usagePlanId: plan.id!, patchOperations: [{ op: 'remove', path: '/apiStages', value: `${api.id}:other` }] }))),
    ).toMatchObject({ name: 'BadRequestException', message: 'Invalid API Stage specified' });
    await client.send(new UpdateUsagePlanCommand({ usagePlanId: plan.id!, patchOperations: [{ op: 'remove', path: '/apiStages', value: `${api.id}:prod` }] }));
    await client.send(new DeleteUsagePlanCommand({ usagePlanId: plan.id! }));
    expect(await failure(client.send(new GetUsagePlanCommand({ usagePlanId: plan.id! })))).toMatchObject({ name: 'NotFoundException', status: 404 });
    await client.send(new DeleteApiKeyCommand({ apiKey: generated.id! }));
    expect(await failure(client.send(new GetApiKeyCommand({ apiKey: generated.id! })))).toMatchObject({ name: 'NotFoundException' });
  });

  it('imports API keys from AWS\'s CSV key file', async () => {
    const api = await mockApi(client, 'csv');
    await client.send(new CreateDeploymentCommand({ restApiId: api.id!, stageName: 'prod' }));
    const plan = await client.send(new CreateUsagePlanCommand({ name: 'csv-plan', apiStages: [{ apiId: api.id!, stage: 'prod' }] }));
    const csv = [
      'Enabled,Name,key,UsageplanIds,ignored',
      `true,first,csvkey-aaaaaaaaaaaaaaaaaaaa,"${plan.id},zzzzzz",x`,
      'false,second,csvkey-bbbbbbbbbbbbbbbbbbbb,,y',
    ].join('\n');
    const out = await client.send(new ImportApiKeysCommand({ body: Buffer.from(csv), format: 'csv' }));
    expect(out.ids).toHaveLength(2);
    expect(out.warnings?.[0]).toContain('zzzzzz');
    const first = await client.send(new GetApiKeyCommand({ apiKey: out.ids![0]!, includeValue: true }));
    expect(first).toMatchObject({ name: 'first', value: 'csvkey-aaaaaaaaaaaaaaaaaaaa', enabled: true });
    expect((await client.send(new GetApiKeyCommand({ apiKey: out.ids![1]! }))).enabled).toBe(false);
    expect((await client.send(new GetUsagePlanKeysCommand({ usagePlanId: plan.id! }))).items?.map((k) => k.id)).toEqual([out.ids![0]]);
    // The same key value again overwrites that key.
    const again = await client.send(new ImportApiKeysCommand({ body: Buffer.from('name,key\nrenamed,csvkey-aaaaaaaaaaaaaaaaaaaa'), format: 'csv' }));
    expect(again.ids).toEqual([out.ids![0]]);
    expect((await client.send(new GetApiKeyCommand({ apiKey: out.ids![0]! }))).name).toBe('renamed');
    expect(await failure(client.send(new ImportApiKeysCommand({ body: Buffer.from('name\nx'), format: 'csv' })))).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(await failure(client.send(new ImportApiKeysCommand({ body: Buffer.from('name,key\nx,short'), format: 'csv' })))).toMatchObject({ name: 'BadRequestException' });
    expect(
      await failure(client.send(new ImportApiKeysCommand({ body: Buffer.from(`name,key,usageplanids\nx,csvkey-cccccccccccccccccccc,nope00`), format: 'csv', failOnWarnings: true }))),
    ).toMatchObject({ name: 'BadRequestException' });
    expect((await client.send(new GetApiKeysCommand({ nameQuery: 'x' }))).items).toEqual([]);
  });

  it('reads and updates the account and tags resources', async () => {
    const account = await client.send(new GetAccountCommand({}));
    expect(account.throttleSettings).toEqual({ burstLimit: 5000, rateLimit: 10000 });
    const updated = await client.send(new UpdateAccountCommand({ patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: 'arn:aws:iam::000000000000:role/apigw-logs' }] }));
    expect(updated.cloudwatchRoleArn).toBe('arn:aws:iam::000000000000:role/apigw-logs');
    expect(await failure(client.send(new UpdateAccountCommand({ patchOperations: [{ op: 'replace', path: '/throttleSettings/rateLimit', value: '1' }] })))).toMatchObject({
      name: 'BadRequestException',
    });

    const api = await client.send(new CreateRestApiCommand({ name: 'tagged', tags: { a: '1' } }));
    const arn = `arn:aws:apigateway:us-east-1::/restapis/${api.id}`;
    await client.send(new TagResourceCommand({ resourceArn: arn, tags: { b: '2' } }));
    expect((await client.send(new GetTagsCommand({ resourceArn: arn }))).tags).toEqual({ a: '1', b: '2' });
    await client.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['a'] }));
    expect((await client.send(new GetTagsCommand({ resourceArn: arn }))).tags).toEqual({ b: '2' });
    expect(await failure(client.send(new GetTagsCommand({ resourceArn: 'arn:aws:apigateway:us-east-1::/restapis/nope000000' })))).toMatchObject({ name: 'NotFoundException' });
    expect(await failure(client.send(new TagResourceCommand({ resourceArn: 'not-an-arn', tags: { a: 'b' } })))).toMatchObject({ name: 'BadRequestException' });
  });
});

describe('API Gateway control plane: durability', () => {
  it('keeps every acknowledged write across a restart', async () => {
    const first = await startNimbus();
    const dataDir = first.dataDir;
    const client = new APIGatewayClient(clientConfig(first.endpoint));
    const api = await mockApi(client, 'durable');
    const dep = await client.send(new CreateDeploymentCommand({ restApiId: api.id!, stageName: 'prod', variables: { v: '1' } }));
    const key = await client.send(new CreateApiKeyCommand({ name: 'k', enabled: true }));
    const plan = await client.send(new CreateUsagePlanCommand({ name: 'p', apiStages: [{ apiId: api.id!, stage: 'prod' }] }));
    await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id!, keyId: key.id!, keyType: 'API_KEY' }));
    await first.stop();

    const second = await startNimbus({ dataDir });
    try {
      const again = new APIGatewayClient(clientConfig(second.endpoint));
      expect((await again.send(new GetStageCommand({ restApiId: api.id!, stageName: 'prod' }))).deploymentId).toBe(dep.id);
      expect((await again.send(new GetUsagePlanKeysCommand({ usagePlanId: plan.id! }))).items?.map((k) => k.id)).toEqual([key.id]);
      const catalog = await catalogOf(second);
      const resolved = catalog.resolveStage('000000000000', 'us-east-1', api.id!, 'prod');
      expect(resolved?.stage.variables).toEqual({ v: '1' });
      expect(Object.isFrozen(resolved?.deployment)).toBe(true);
      expect(catalog.locateApi(api.id!)).toEqual({ accountId: '000000000000', region: 'us-east-1' });
    } finally {
      await second.dispose();
    }
  });
});

/**
 * The catalog the data plane reads, built over the same store: a second state instance loads
 * exactly what the running control plane committed, which is what durability means here.
 */
async function catalogOf(nimbus: TestNimbus): Promise<ApiGatewayCatalog> {
  const { createApiGatewayControlPlane } = await import('../../src/apigateway/index.js');
  return createApiGatewayControlPlane({ store: nimbus.platform.store }).catalog;
}

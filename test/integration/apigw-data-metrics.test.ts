// Every answered request of a deployed API is counted in AWS/ApiGateway metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import * as AG from '@aws-sdk/client-api-gateway';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { metricReader } from '../helpers/metrics.js';

describe('AWS/ApiGateway metrics', () => {
  let nimbus: TestNimbus;
  let apiId: string;
  beforeAll(async () => {
    nimbus = await startNimbus();
    const ag = new AG.APIGatewayClient(clientConfig(nimbus.endpoint));
    apiId = (await ag.send(new AG.CreateRestApiCommand({ name: 'metered' }))).id!;
    const root = (await ag.send(new AG.GetResourcesCommand({ restApiId: apiId }))).items![0]!.id!;
    await ag.send(new AG.PutMethodCommand({ restApiId: apiId, resourceId: root, httpMethod: 'GET', authorizationType: 'NONE' }));
    await ag.send(
      new AG.PutIntegrationCommand({ restApiId: apiId, resourceId: root, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }),
    );
    await ag.send(new AG.PutMethodResponseCommand({ restApiId: apiId, resourceId: root, httpMethod: 'GET', statusCode: '200' }));
    await ag.send(
      new AG.PutIntegrationResponseCommand({ restApiId: apiId, resourceId: root, httpMethod: 'GET', statusCode: '200', responseTemplates: { 'application/json': '{"ok":true}' } }),
    );
    await ag.send(new AG.CreateDeploymentCommand({ restApiId: apiId, stageName: 'prod' }));
  });
  afterAll(() => nimbus.dispose());

  it('counts requests, 4XX errors and latency per API and stage', async () => {
    const call = async (path: string) => (await request(`${nimbus.endpoint}/_aws/execute-api/${apiId}/prod${path}`)).body.text();
    await call('/');
    await call('/');
    await call('/nowhere'); // 403 Missing Authentication Token
    const sum = metricReader(nimbus.endpoint, 'AWS/ApiGateway', { ApiName: 'metered', Stage: 'prod' });
    expect(await sum('Count', 'Sum')).toBe(3);
    expect(await sum('4XXError', 'Sum')).toBe(1);
    expect(await sum('5XXError', 'Sum')).toBe(0);
    expect(await sum('Latency', 'SampleCount')).toBe(3);
  });
});

describe('AWS/ApiGateway cache metrics', () => {
  let nimbus: TestNimbus;
  let apiId: string;
  beforeAll(async () => {
    nimbus = await startNimbus();
    const ag = new AG.APIGatewayClient(clientConfig(nimbus.endpoint));
    apiId = (await ag.send(new AG.CreateRestApiCommand({ name: 'cached' }))).id!;
    const root = (await ag.send(new AG.GetResourcesCommand({ restApiId: apiId }))).items![0]!.id!;
    await ag.send(new AG.PutMethodCommand({ restApiId: apiId, resourceId: root, httpMethod: 'GET', authorizationType: 'NONE' }));
    await ag.send(new AG.PutIntegrationCommand({ restApiId: apiId, resourceId: root, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await ag.send(new AG.PutMethodResponseCommand({ restApiId: apiId, resourceId: root, httpMethod: 'GET', statusCode: '200' }));
    await ag.send(new AG.PutIntegrationResponseCommand({ restApiId: apiId, resourceId: root, httpMethod: 'GET', statusCode: '200', responseTemplates: { 'application/json': '{"ok":true}' } }));
    const deploymentId = (await ag.send(new AG.CreateDeploymentCommand({ restApiId: apiId }))).id!;
    await ag.send(new AG.CreateStageCommand({ restApiId: apiId, stageName: 'cached', deploymentId, cacheClusterEnabled: true, cacheClusterSize: '0.5' }));
    await ag.send(new AG.UpdateStageCommand({ restApiId: apiId, stageName: 'cached', patchOperations: [{ op: 'replace', path: '/*/*/caching/enabled', value: 'true' }] }));
    await ag.send(new AG.CreateStageCommand({ restApiId: apiId, stageName: 'plain', deploymentId }));
  });
  afterAll(() => nimbus.dispose());

  it('counts cache hits and misses of a cached method (the apigw-caching-sam README reads them), none for an uncached stage', async () => {
    const call = async (stage: string) => (await request(`${nimbus.endpoint}/_aws/execute-api/${apiId}/${stage}/`)).body.text();
    for (let i = 0; i < 3; i++) await call('cached');
    await call('plain');
    const cached = metricReader(nimbus.endpoint, 'AWS/ApiGateway', { ApiName: 'cached', Stage: 'cached' });
    expect(await cached('CacheMissCount', 'Sum')).toBe(1);
    expect(await cached('CacheHitCount', 'Sum')).toBe(2);
    expect(await cached('CacheHitCount', 'SampleCount')).toBe(3);
    const byApi = metricReader(nimbus.endpoint, 'AWS/ApiGateway', { ApiName: 'cached' });
    expect(await byApi('CacheHitCount', 'SampleCount')).toBe(3);
    const plain = metricReader(nimbus.endpoint, 'AWS/ApiGateway', { ApiName: 'cached', Stage: 'plain' });
    expect(await plain('Count', 'Sum')).toBe(1);
    expect(await plain('CacheHitCount', 'SampleCount')).toBe(0);
  });
});

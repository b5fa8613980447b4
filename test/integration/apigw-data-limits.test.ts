// API Gateway data-plane limits and durability: 10 MB payloads (413), passthroughBehavior (415),
// the integration timeout (504), and usage-plan counters that survive a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import * as AG from '@aws-sdk/client-api-gateway';
import * as Lambda from '@aws-sdk/client-lambda';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';

async function http(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}) {
  const res = await request(url, { method: (opts.method ?? 'GET') as 'GET', headers: opts.headers, body: opts.body });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, any> };
}

async function newApi(ag: AG.APIGatewayClient, name: string) {
  const created = await ag.send(new AG.CreateRestApiCommand({ name }));
  const resources = await ag.send(new AG.GetResourcesCommand({ restApiId: created.id! }));
  return { id: created.id!, rootId: resources.items!.find((r) => r.path === '/')!.id! };
}

describe('payload limit, passthrough behaviour and timeout', () => {
  let nimbus: TestNimbus;
  let ag: AG.APIGatewayClient;
  let apiId: string;
  const url = (path: string) => `${nimbus.endpoint}/_aws/execute-api/${apiId}/prod${path}`;

  beforeAll(async () => {
    nimbus = await startNimbus();
    ag = new AG.APIGatewayClient(clientConfig(nimbus.endpoint));
    const lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
    const fn = await lambda.send(
      new Lambda.CreateFunctionCommand({
        FunctionName: 'apigw-sleepy',
        Runtime: 'nodejs20.x',
        Role: 'arn:aws:iam::000000000000:role/r',
        Handler: 'index.handler',
        Timeout: 10,
        Code: { ZipFile: zip({ 'index.mjs': 'export const handler = async () => { await new Promise((r) => setTimeout(r, 3000)); return { statusCode: 200, body: "late" }; };' }) },
      }),
    );
    await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 20 }, { FunctionName: 'apigw-sleepy' });
    const a = await newApi(ag, 'limits');
    apiId = a.id;
    const behaviours = ['NEVER', 'WHEN_NO_TEMPLATES', 'WHEN_NO_MATCH'] as const;
    for (const behaviour of behaviours) {
      const r = await ag.send(new AG.CreateResourceCommand({ restApiId: apiId, parentId: a.rootId, pathPart: behaviour.toLowerCase() }));
      await ag.send(new AG.PutMethodCommand({ restApiId: apiId, resourceId: r.id!, httpMethod: 'POST', authorizationType: 'NONE' }));
      await ag.send(
        new AG.PutIntegrationCommand({
          restApiId: apiId, resourceId: r.id!, httpMethod: 'POST', type: 'MOCK', passthroughBehavior: behaviour,
          requestTemplates: { 'application/json': '{"statusCode": 200}' },
        }),
      );
      await ag.send(new AG.PutMethodResponseCommand({ restApiId: apiId, resourceId: r.id!, httpMethod: 'POST', statusCode: '200' }));
      await ag.send(new AG.PutIntegrationResponseCommand({ restApiId: apiId, resourceId: r.id!, httpMethod: 'POST', statusCode: '200', responseTemplates: { 'application/json': '{"ok":true}' } }));
    }
    const slow = await ag.send(new AG.CreateResourceCommand({ restApiId: apiId, parentId: a.rootId, pathPart: 'slow' }));
    await ag.send(new AG.PutMethodCommand({ restApiId: apiId, resourceId: slow.id!, httpMethod: 'GET', authorizationType: 'NONE' }));
    await ag.send(
      new AG.PutIntegrationCommand({
        restApiId: apiId, resourceId: slow.id!, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST', timeoutInMillis: 500,
        uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn.FunctionArn}/invocations`,
      }),
    );
    await ag.send(new AG.CreateDeploymentCommand({ restApiId: apiId, stageName: 'prod' }));
  }, 60_000);
  afterAll(() => nimbus.dispose());

  it('a body over 10 MB is 413', async () => {
    const r = await http(url('/when_no_match'), { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 10, 120), headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(413);
    expect(r.text).toBe('HTTP content length exceeded 10485760 bytes.');
  });

  it('passthroughBehavior decides what happens to a content type without a template', async () => {
    const post = (path: string, ct: string) => http(url(path), { method: 'POST', body: 'plain', headers: { 'content-type': ct } });
    expect((await post('/never', 'application/json')).status).toBe(200);
    const never = await post('/never', 'text/plain');
    expect(never.status).toBe(415);
    expect(never.json()).toEqual({ message: 'Unsupported Media Type' });
    expect((await post('/when_no_templates', 'text/plain')).status).toBe(415);
    expect((await post('/when_no_match', 'text/plain')).status).toBe(200);
  });

  it('an integration slower than timeoutInMillis is 504 Endpoint request timed out', async () => {
    const r = await http(url('/slow'));
    expect(r.status).toBe(504);
    expect(r.json()).toEqual({ message: 'Endpoint request timed out' });
  });
});

describe('usage-plan counters are durable', () => {
  it('a restart keeps the quota used so far', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'apigw-usage-'));
    try {
      let nimbus = await startNimbus({ dataDir });
      let ag = new AG.APIGatewayClient(clientConfig(nimbus.endpoint));
      const a = await newApi(ag, 'durable');
      await ag.send(new AG.PutMethodCommand({ restApiId: a.id, resourceId: a.rootId, httpMethod: 'GET', authorizationType: 'NONE', apiKeyRequired: true }));
      await ag.send(new AG.PutIntegrationCommand({ restApiId: a.id, resourceId: a.rootId, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
      await ag.send(new AG.PutMethodResponseCommand({ restApiId: a.id, resourceId: a.rootId, httpMethod: 'GET', statusCode: '200' }));
      await ag.send(new AG.PutIntegrationResponseCommand({ restApiId: a.id, resourceId: a.rootId, httpMethod: 'GET', statusCode: '200', responseTemplates: { 'application/json': '{}' } }));
      await ag.send(new AG.CreateDeploymentCommand({ restApiId: a.id, stageName: 'prod' }));
      const key = await ag.send(new AG.CreateApiKeyCommand({ name: 'durable', enabled: true }));
      const plan = await ag.send(new AG.CreateUsagePlanCommand({ name: 'd', apiStages: [{ apiId: a.id, stage: 'prod' }], quota: { limit: 3, period: 'MONTH' } }));
      await ag.send(new AG.CreateUsagePlanKeyCommand({ usagePlanId: plan.id!, keyId: key.id!, keyType: 'API_KEY' }));
      const hit = (n: TestNimbus) => http(`${n.endpoint}/_aws/execute-api/${a.id}/prod/`, { headers: { 'x-api-key': key.value! } });
      expect((await hit(nimbus)).status).toBe(200);
      expect((await hit(nimbus)).status).toBe(200);
      await nimbus.stop();

      nimbus = await startNimbus({ dataDir });
      ag = new AG.APIGatewayClient(clientConfig(nimbus.endpoint));
      const today = new Date().toISOString().slice(0, 10);
      const usage = await ag.send(new AG.GetUsageCommand({ usagePlanId: plan.id!, startDate: today, endDate: today }));
      expect(usage.items?.[key.id!]?.[0]).toEqual([2, 1]);
      expect((await hit(nimbus)).status).toBe(200);
      const over = await hit(nimbus);
      expect(over.status).toBe(429);
      expect(over.json()).toEqual({ message: 'Limit Exceeded' });
      await nimbus.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

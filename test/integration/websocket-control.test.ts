// WebSocket APIs' control plane through @aws-sdk/client-apigatewayv2: ProtocolType WEBSOCKET with its
// selection expressions, WebSocket route keys, Lambda proxy integrations, route responses, stages and
// deployments, and the errors AWS answers for what WebSocket APIs refuse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as V2 from '@aws-sdk/client-apigatewayv2';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';

const FN = 'arn:aws:lambda:us-east-1:000000000000:function:chat';

let nimbus: TestNimbus;
let gw: V2.ApiGatewayV2Client;

beforeAll(async () => {
  nimbus = await startNimbus();
  gw = new V2.ApiGatewayV2Client(clientConfig(nimbus.endpoint));
});
afterAll(() => nimbus.dispose());

async function failure(p: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected a failure');
}

const wsApi = (name = 'chat') => gw.send(new V2.CreateApiCommand({ Name: name, ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' }));

describe('CreateApi / GetApi / UpdateApi with ProtocolType WEBSOCKET', () => {
  it('creates a WebSocket API with AWS defaults and a ws:// endpoint', async () => {
    const api = await wsApi();
    expect(api.ProtocolType).toBe('WEBSOCKET');
    expect(api.RouteSelectionExpression).toBe('$request.body.action');
    expect(api.ApiKeySelectionExpression).toBe('$request.header.x-api-key');
    expect(api.ApiEndpoint).toMatch(new RegExp(`^ws://${api.ApiId}\\.execute-api\\.localhost:\\d+$`));
    expect(api.CorsConfiguration).toBeUndefined();
    const got = await gw.send(new V2.GetApiCommand({ ApiId: api.ApiId }));
    expect(got.ProtocolType).toBe('WEBSOCKET');
    expect(got.Name).toBe('chat');
  });

  it('updates the route selection expression and checks it', async () => {
    const api = await wsApi('upd');
    const updated = await gw.send(new V2.UpdateApiCommand({ ApiId: api.ApiId, RouteSelectionExpression: '${request.body.type}', Description: 'd' }));
    expect(updated.RouteSelectionExpression).toBe('${request.body.type}');
    expect(updated.Description).toBe('d');
    const bad = await failure(gw.send(new V2.UpdateApiCommand({ ApiId: api.ApiId, RouteSelectionExpression: '$request.method' })));
    expect([bad.name, bad.status]).toEqual(['BadRequestException', 400]);
    const cors = await failure(gw.send(new V2.UpdateApiCommand({ ApiId: api.ApiId, CorsConfiguration: { AllowOrigins: ['*'] } })));
    expect([cors.name, cors.status]).toEqual(['BadRequestException', 400]);
  });

  it('refuses what AWS refuses for WebSocket APIs', async () => {
    const cases = [
      { Name: 'x', ProtocolType: 'WEBSOCKET' as const },
      { Name: 'x', ProtocolType: 'WEBSOCKET' as const, RouteSelectionExpression: '$request.body.action', CorsConfiguration: { AllowOrigins: ['*'] } },
      { Name: 'x', ProtocolType: 'WEBSOCKET' as const, RouteSelectionExpression: '$request.body.action', Target: FN },
      { Name: 'x', ProtocolType: 'WEBSOCKET' as const, RouteSelectionExpression: '$request.body.action', ApiKeySelectionExpression: '$request.header.nope' },
    ];
    for (const input of cases) {
      const f = await failure(gw.send(new V2.CreateApiCommand(input)));
      expect([f.name, f.status], JSON.stringify(input)).toEqual(['BadRequestException', 400]);
    }
    const missing = await failure(gw.send(new V2.CreateApiCommand({ Name: 'x', ProtocolType: 'WEBSOCKET' })));
    expect(missing.message).toMatch(/RouteSelectionExpression/);
  });

  it('has no OpenAPI form: ExportApi and ReimportApi are 400s', async () => {
    const api = await wsApi('no-oas');
    const exported = await failure(gw.send(new V2.ExportApiCommand({ ApiId: api.ApiId, Specification: 'OAS30', OutputType: 'JSON' })));
    expect([exported.name, exported.status]).toEqual(['BadRequestException', 400]);
    const body = JSON.stringify({ openapi: '3.0.1', info: { title: 't', version: '1' }, paths: {} });
    const reimported = await failure(gw.send(new V2.ReimportApiCommand({ ApiId: api.ApiId, Body: body })));
    expect([reimported.name, reimported.status]).toEqual(['BadRequestException', 400]);
    expect((await gw.send(new V2.GetApiCommand({ ApiId: api.ApiId }))).ProtocolType).toBe('WEBSOCKET');
  });
});

describe('routes, integrations and route responses', () => {
  let apiId: string;
  let integrationId: string;

  beforeAll(async () => {
    apiId = (await wsApi('routes')).ApiId!;
    integrationId = (await gw.send(new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: FN }))).IntegrationId!;
  });

  it('creates Lambda proxy integrations with WebSocket defaults', async () => {
    const i = await gw.send(new V2.GetIntegrationCommand({ ApiId: apiId, IntegrationId: integrationId }));
    expect(i.IntegrationType).toBe('AWS_PROXY');
    expect(i.PayloadFormatVersion).toBe('1.0');
    expect(i.TimeoutInMillis).toBe(29000);
    const arnUri = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FN}/invocations`;
    const viaUri = await gw.send(new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: arnUri, ContentHandlingStrategy: 'CONVERT_TO_TEXT' }));
    expect(viaUri.IntegrationUri).toBe(arnUri);
    expect(viaUri.ContentHandlingStrategy).toBe('CONVERT_TO_TEXT');
    for (const input of [
      { IntegrationType: 'HTTP_PROXY' as const, IntegrationUri: 'http://example.com' },
      { IntegrationType: 'AWS_PROXY' as const, IntegrationUri: FN, PayloadFormatVersion: '2.0' },
      { IntegrationType: 'AWS_PROXY' as const, IntegrationUri: FN, TimeoutInMillis: 30000 },
      { IntegrationType: 'AWS_PROXY' as const, IntegrationUri: 'not-an-arn' },
    ]) {
      const f = await failure(gw.send(new V2.CreateIntegrationCommand({ ApiId: apiId, ...input })));
      expect([f.name, f.status], JSON.stringify(input)).toEqual(['BadRequestException', 400]);
    }
  });

  it('takes $connect, $disconnect, $default and custom route keys, each once', async () => {
    const target = `integrations/${integrationId}`;
    for (const key of ['$connect', '$disconnect', '$default', 'sendmessage', 'a b/c']) {
      const r = await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: key, Target: target }));
      expect(r.RouteKey).toBe(key);
    }
    const dup = await failure(gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'sendmessage', Target: target })));
    expect([dup.name, dup.status]).toEqual(['ConflictException', 409]);
    const reserved = await failure(gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: '$other' })));
    expect([reserved.name, reserved.status]).toEqual(['BadRequestException', 400]);
    const missing = await failure(gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'x', Target: 'integrations/nope123' })));
    expect([missing.name, missing.status]).toEqual(['NotFoundException', 404]);
    const keys = (await gw.send(new V2.GetRoutesCommand({ ApiId: apiId }))).Items!.map((r) => r.RouteKey).sort();
    expect(keys).toEqual(['$connect', '$default', '$disconnect', 'a b/c', 'sendmessage']);
  });

  it('creates, lists, reads and deletes a $default route response', async () => {
    const route = await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'twoway', RouteResponseSelectionExpression: '$default' }));
    expect(route.RouteResponseSelectionExpression).toBe('$default');
    const rr = await gw.send(new V2.CreateRouteResponseCommand({ ApiId: apiId, RouteId: route.RouteId, RouteResponseKey: '$default' }));
    expect(rr.RouteResponseKey).toBe('$default');
    expect(rr.RouteResponseId).toMatch(/^[a-z0-9]+$/);
    const got = await gw.send(new V2.GetRouteResponseCommand({ ApiId: apiId, RouteId: route.RouteId, RouteResponseId: rr.RouteResponseId }));
    expect(got.RouteResponseKey).toBe('$default');
    const list = await gw.send(new V2.GetRouteResponsesCommand({ ApiId: apiId, RouteId: route.RouteId }));
    expect(list.Items!.map((i) => i.RouteResponseId)).toEqual([rr.RouteResponseId]);
    const again = await failure(gw.send(new V2.CreateRouteResponseCommand({ ApiId: apiId, RouteId: route.RouteId, RouteResponseKey: '$default' })));
    expect([again.name, again.status]).toEqual(['ConflictException', 409]);
    const badKey = await failure(gw.send(new V2.CreateRouteResponseCommand({ ApiId: apiId, RouteId: route.RouteId, RouteResponseKey: 'other' })));
    expect([badKey.name, badKey.status]).toEqual(['BadRequestException', 400]);
    const noRoute = await failure(gw.send(new V2.CreateRouteResponseCommand({ ApiId: apiId, RouteId: 'nope123', RouteResponseKey: '$default' })));
    expect([noRoute.name, noRoute.status]).toEqual(['NotFoundException', 404]);
    await gw.send(new V2.DeleteRouteResponseCommand({ ApiId: apiId, RouteId: route.RouteId, RouteResponseId: rr.RouteResponseId }));
    const gone = await failure(gw.send(new V2.GetRouteResponseCommand({ ApiId: apiId, RouteId: route.RouteId, RouteResponseId: rr.RouteResponseId })));
    expect([gone.name, gone.status]).toEqual(['NotFoundException', 404]);
  });

  it('refuses route responses on HTTP APIs', async () => {
    const http = await gw.send(new V2.CreateApiCommand({ Name: 'h', ProtocolType: 'HTTP' }));
    const route = await gw.send(new V2.CreateRouteCommand({ ApiId: http.ApiId, RouteKey: 'GET /x' }));
    const f = await failure(gw.send(new V2.CreateRouteResponseCommand({ ApiId: http.ApiId, RouteId: route.RouteId, RouteResponseKey: '$default' })));
    expect([f.name, f.status]).toEqual(['BadRequestException', 400]);
  });
});

describe('stages and deployments', () => {
  it('needs a route to deploy, and deploys to a named stage', async () => {
    const apiId = (await wsApi('deploy')).ApiId!;
    const empty = await failure(gw.send(new V2.CreateDeploymentCommand({ ApiId: apiId })));
    expect([empty.name, empty.status]).toEqual(['BadRequestException', 400]);
    await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: '$default' }));
    const stage = await gw.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: 'prod' }));
    expect(stage.DeploymentId).toBeUndefined();
    const dep = await gw.send(new V2.CreateDeploymentCommand({ ApiId: apiId, StageName: 'prod' }));
    expect(dep.DeploymentStatus).toBe('DEPLOYED');
    expect((await gw.send(new V2.GetStageCommand({ ApiId: apiId, StageName: 'prod' }))).DeploymentId).toBe(dep.DeploymentId);
    const dollar = await failure(gw.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: '$default' })));
    expect([dollar.name, dollar.status]).toEqual(['BadRequestException', 400]);
    const auto = await gw.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: 'dev', AutoDeploy: true }));
    expect(auto.DeploymentId).toBeDefined();
  });
});

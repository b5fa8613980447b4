// HTTP APIs (apigatewayv2) control plane through @aws-sdk/client-apigatewayv2: APIs, routes,
// integrations, stages, deployments, tags, quick create, and the AWS errors of each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as V2 from '@aws-sdk/client-apigatewayv2';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';

const FN_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:any';

let nimbus: TestNimbus;
let gw: V2.ApiGatewayV2Client;

beforeAll(async () => {
  nimbus = await startNimbus();
  gw = new V2.ApiGatewayV2Client(clientConfig(nimbus.endpoint));
});

afterAll(async () => {
  await nimbus.dispose();
});

async function rejects(p: Promise<unknown>, name: string, status: number): Promise<Error> {
  const err = (await p.then(
    () => undefined,
    (e: unknown) => e,
  )) as (Error & { $metadata?: { httpStatusCode?: number } }) | undefined;
  expect(err, `expected ${name}`).toBeDefined();
  expect(err!.name).toBe(name);
  expect(err!.$metadata?.httpStatusCode).toBe(status);
  return err!;
}

describe('APIs', () => {
  it('creates, reads, lists, updates and deletes an HTTP API', async () => {
    const created = await gw.send(
      new V2.CreateApiCommand({ Name: 'pets', ProtocolType: 'HTTP', Description: 'd', Tags: { team: 'a' } }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created.ApiId).toMatch(/^[a-z0-9]{10}$/);
    expect(created.ProtocolType).toBe('HTTP');
    expect(created.RouteSelectionExpression).toBe('$request.method $request.path');
    expect(created.ApiKeySelectionExpression).toBe('$request.header.x-api-key');
    expect(created.ApiEndpoint).toBe(`http://${created.ApiId}.execute-api.localhost:${nimbus.port}`);
    expect(created.CreatedDate).toBeInstanceOf(Date);
    expect(created.Tags).toEqual({ team: 'a' });

    const got = await gw.send(new V2.GetApiCommand({ ApiId: created.ApiId }));
    expect(got.Name).toBe('pets');
    const list = await gw.send(new V2.GetApisCommand({}));
    expect(list.Items!.map((a) => a.ApiId)).toContain(created.ApiId);

    const updated = await gw.send(
      new V2.UpdateApiCommand({ ApiId: created.ApiId, Name: 'pets2', CorsConfiguration: { AllowOrigins: ['*'], MaxAge: 60 } }),
    );
    expect(updated.Name).toBe('pets2');
    expect(updated.Description).toBe('d');
    expect(updated.CorsConfiguration).toEqual({ AllowOrigins: ['*'], MaxAge: 60 });

    await gw.send(new V2.DeleteCorsConfigurationCommand({ ApiId: created.ApiId }));
    expect((await gw.send(new V2.GetApiCommand({ ApiId: created.ApiId }))).CorsConfiguration).toBeUndefined();

    const deleted = await gw.send(new V2.DeleteApiCommand({ ApiId: created.ApiId }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    const err = await rejects(gw.send(new V2.GetApiCommand({ ApiId: created.ApiId })), 'NotFoundException', 404);
    expect(err.message).toBe(`Invalid API identifier specified 000000000000:${created.ApiId}`);
  });

  it('pages through GetApis with MaxResults and NextToken', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await gw.send(new V2.CreateApiCommand({ Name: `page${i}`, ProtocolType: 'HTTP' }))).ApiId!);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await gw.send(new V2.GetApisCommand({ MaxResults: '2', NextToken: token }));
      expect(page.Items!.length).toBeLessThanOrEqual(2);
      seen.push(...page.Items!.map((a) => a.ApiId!));
      token = page.NextToken;
    } while (token);
    for (const id of ids) expect(seen).toContain(id);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('quick create makes a managed integration, route and auto-deployed $default stage', async () => {
    const api = await gw.send(new V2.CreateApiCommand({ Name: 'quick', ProtocolType: 'HTTP', Target: FN_ARN, RouteKey: 'GET /hello' }));
    const integrations = await gw.send(new V2.GetIntegrationsCommand({ ApiId: api.ApiId }));
    expect(integrations.Items).toHaveLength(1);
    const integration = integrations.Items![0]!;
    expect(integration).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: FN_ARN,
      PayloadFormatVersion: '2.0',
      TimeoutInMillis: 30000,
      ApiGatewayManaged: true,
    });
    const routes = await gw.send(new V2.GetRoutesCommand({ ApiId: api.ApiId }));
    expect(routes.Items).toHaveLength(1);
    expect(routes.Items![0]).toMatchObject({ RouteKey: 'GET /hello', Target: `integrations/${integration.IntegrationId}`, ApiGatewayManaged: true });
    const stage = await gw.send(new V2.GetStageCommand({ ApiId: api.ApiId, StageName: '$default' }));
    expect(stage.AutoDeploy).toBe(true);
    expect(stage.DeploymentId).toBeTruthy();
    const deployments = await gw.send(new V2.GetDeploymentsCommand({ ApiId: api.ApiId }));
    expect(deployments.Items!.map((d) => d.DeploymentId)).toContain(stage.DeploymentId);
    expect(deployments.Items![0]!.AutoDeployed).toBe(true);
  });

  it('rejects bad input with AWS errors', async () => {
    await rejects(gw.send(new V2.CreateApiCommand({ Name: 'ws', ProtocolType: 'WEBSOCKET' })), 'BadRequestException', 400);
    await rejects(gw.send(new V2.CreateApiCommand({ Name: 'x', ProtocolType: 'HTTP', RouteKey: 'GET /a' })), 'BadRequestException', 400);
    await rejects(
      gw.send(new V2.CreateApiCommand({ Name: 'x', ProtocolType: 'HTTP', CorsConfiguration: { AllowOrigins: ['*'], AllowCredentials: true } })),
      'BadRequestException',
      400,
    );
    await rejects(gw.send(new V2.UpdateApiCommand({ ApiId: 'nope123456', Name: 'n' })), 'NotFoundException', 404);
    await rejects(gw.send(new V2.DeleteApiCommand({ ApiId: 'nope123456' })), 'NotFoundException', 404);
  });

  it('tags an API through its ARN', async () => {
    const api = await gw.send(new V2.CreateApiCommand({ Name: 'tagged', ProtocolType: 'HTTP' }));
    const arn = `arn:aws:apigateway:us-east-1::/apis/${api.ApiId}`;
    await gw.send(new V2.TagResourceCommand({ ResourceArn: arn, Tags: { a: '1', b: '2' } }));
    expect((await gw.send(new V2.GetTagsCommand({ ResourceArn: arn }))).Tags).toEqual({ a: '1', b: '2' });
    await gw.send(new V2.UntagResourceCommand({ ResourceArn: arn, TagKeys: ['a'] }));
    expect((await gw.send(new V2.GetTagsCommand({ ResourceArn: arn }))).Tags).toEqual({ b: '2' });
    await rejects(gw.send(new V2.GetTagsCommand({ ResourceArn: 'arn:aws:apigateway:us-east-1::/apis/none000000' })), 'NotFoundException', 404);
  });
});

describe('routes, integrations, stages and deployments', () => {
  let apiId: string;
  let integrationId: string;

  beforeAll(async () => {
    apiId = (await gw.send(new V2.CreateApiCommand({ Name: 'parts', ProtocolType: 'HTTP' }))).ApiId!;
  });

  it('manages integrations', async () => {
    const created = await gw.send(
      new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: FN_ARN, PayloadFormatVersion: '1.0' }),
    );
    expect(created.$metadata.httpStatusCode).toBe(201);
    integrationId = created.IntegrationId!;
    expect(created).toMatchObject({ ConnectionType: 'INTERNET', PayloadFormatVersion: '1.0', TimeoutInMillis: 30000 });
    const updated = await gw.send(new V2.UpdateIntegrationCommand({ ApiId: apiId, IntegrationId: integrationId, TimeoutInMillis: 5000 }));
    expect(updated.TimeoutInMillis).toBe(5000);
    expect(updated.IntegrationUri).toBe(FN_ARN);
    const http = await gw.send(
      new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'HTTP_PROXY', IntegrationUri: 'https://example.com/{proxy}', IntegrationMethod: 'GET' }),
    );
    expect(http.PayloadFormatVersion).toBe('1.0');
    await gw.send(new V2.DeleteIntegrationCommand({ ApiId: apiId, IntegrationId: http.IntegrationId }));
    await rejects(gw.send(new V2.GetIntegrationCommand({ ApiId: apiId, IntegrationId: http.IntegrationId })), 'NotFoundException', 404);
  });

  it('rejects invalid integrations', async () => {
    const bad = (input: Partial<V2.CreateIntegrationCommandInput>) =>
      rejects(gw.send(new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', ...input } as V2.CreateIntegrationCommandInput)), 'BadRequestException', 400);
    await bad({ IntegrationUri: FN_ARN }); // no payload format version
    await bad({ IntegrationUri: FN_ARN, PayloadFormatVersion: '3.0' });
    await bad({ IntegrationUri: 'not-an-arn', PayloadFormatVersion: '2.0' });
    await bad({ IntegrationUri: FN_ARN, PayloadFormatVersion: '2.0', TimeoutInMillis: 40000 });
    await bad({ IntegrationType: 'MOCK' });
    await bad({ IntegrationType: 'HTTP_PROXY', IntegrationUri: 'https://example.com', PayloadFormatVersion: '2.0' });
  });

  it('manages routes with unique, valid route keys', async () => {
    const route = await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /pets/{id}', Target: `integrations/${integrationId}` }));
    expect(route.$metadata.httpStatusCode).toBe(201);
    expect(route).toMatchObject({ RouteKey: 'GET /pets/{id}', AuthorizationType: 'NONE', ApiKeyRequired: false });
    await rejects(gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /pets/{id}' })), 'ConflictException', 409);
    for (const key of ['GET', 'FETCH /a', 'GET a', 'GET /{proxy+}/x', 'GET /a//b', 'GET /{a}/{a}']) {
      await rejects(gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: key })), 'BadRequestException', 400);
    }
    await rejects(gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /x', Target: 'integrations/nope' })), 'NotFoundException', 404);
    await rejects(gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'GET /x', AuthorizationType: 'JWT' })), 'BadRequestException', 400);
    // An integration a route targets cannot go.
    await rejects(gw.send(new V2.DeleteIntegrationCommand({ ApiId: apiId, IntegrationId: integrationId })), 'ConflictException', 409);

    const updated = await gw.send(new V2.UpdateRouteCommand({ ApiId: apiId, RouteId: route.RouteId, RouteKey: 'ANY /pets/{proxy+}' }));
    expect(updated.RouteKey).toBe('ANY /pets/{proxy+}');
    expect(updated.Target).toBe(`integrations/${integrationId}`);
    const all = await gw.send(new V2.GetRoutesCommand({ ApiId: apiId }));
    expect(all.Items!.map((r) => r.RouteKey)).toEqual(['ANY /pets/{proxy+}']);
    const def = await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: '$default', Target: `integrations/${integrationId}` }));
    await gw.send(new V2.DeleteRouteCommand({ ApiId: apiId, RouteId: def.RouteId }));
    await rejects(gw.send(new V2.GetRouteCommand({ ApiId: apiId, RouteId: def.RouteId })), 'NotFoundException', 404);
  });

  it('manages stages and deployments', async () => {
    const stage = await gw.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: 'dev', StageVariables: { color: 'blue' } }));
    expect(stage.$metadata.httpStatusCode).toBe(201);
    expect(stage.AutoDeploy).toBe(false);
    expect(stage.DeploymentId).toBeUndefined();
    await rejects(gw.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: 'dev' })), 'ConflictException', 409);
    await rejects(gw.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: 'bad name' })), 'BadRequestException', 400);

    const deployment = await gw.send(new V2.CreateDeploymentCommand({ ApiId: apiId, StageName: 'dev', Description: 'first' }));
    expect(deployment.$metadata.httpStatusCode).toBe(201);
    expect(deployment).toMatchObject({ DeploymentStatus: 'DEPLOYED', Description: 'first', AutoDeployed: false });
    expect((await gw.send(new V2.GetStageCommand({ ApiId: apiId, StageName: 'dev' }))).DeploymentId).toBe(deployment.DeploymentId);
    expect((await gw.send(new V2.GetDeploymentCommand({ ApiId: apiId, DeploymentId: deployment.DeploymentId }))).Description).toBe('first');
    await rejects(gw.send(new V2.DeleteDeploymentCommand({ ApiId: apiId, DeploymentId: deployment.DeploymentId })), 'BadRequestException', 400);
    await rejects(gw.send(new V2.CreateDeploymentCommand({ ApiId: apiId, StageName: 'nope' })), 'NotFoundException', 404);

    const auto = await gw.send(new V2.UpdateStageCommand({ ApiId: apiId, StageName: 'dev', AutoDeploy: true, StageVariables: { color: 'red' } }));
    expect(auto.AutoDeploy).toBe(true);
    expect(auto.StageVariables).toEqual({ color: 'red' });
    expect(auto.DeploymentId).not.toBe(deployment.DeploymentId);
    // Every change now deploys the stage again.
    await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: 'POST /things', Target: `integrations/${integrationId}` }));
    const after = await gw.send(new V2.GetStageCommand({ ApiId: apiId, StageName: 'dev' }));
    expect(after.DeploymentId).not.toBe(auto.DeploymentId);
    await rejects(gw.send(new V2.CreateDeploymentCommand({ ApiId: apiId, StageName: 'dev' })), 'BadRequestException', 400);

    const stages = await gw.send(new V2.GetStagesCommand({ ApiId: apiId }));
    expect(stages.Items!.map((s) => s.StageName)).toEqual(['dev']);
    await gw.send(new V2.DeleteStageCommand({ ApiId: apiId, StageName: 'dev' }));
    await rejects(gw.send(new V2.GetStageCommand({ ApiId: apiId, StageName: 'dev' })), 'NotFoundException', 404);
  });

  it('keeps everything across a restart', async () => {
    const dataDir = nimbus.dataDir;
    await nimbus.stop();
    nimbus = await startNimbus({ dataDir });
    gw = new V2.ApiGatewayV2Client(clientConfig(nimbus.endpoint));
    const routes = await gw.send(new V2.GetRoutesCommand({ ApiId: apiId }));
    expect(routes.Items!.map((r) => r.RouteKey).sort()).toEqual(['ANY /pets/{proxy+}', 'POST /things']);
  });
});

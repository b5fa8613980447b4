// `aws apigatewayv2 …` (the AWS CLI, v2 where installed) against Nimbus: quick create, routes,
// stages, an error, and the API answering HTTP. Each CLI call costs seconds of Python start-up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { aws, awsCliAvailable } from '../helpers/aws-cli.js';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';

describe.skipIf(!awsCliAvailable)('HTTP APIs with the AWS CLI', () => {
  let nimbus: TestNimbus;
  beforeAll(async () => {
    nimbus = await startNimbus();
  });
  afterAll(async () => {
    await nimbus.dispose();
  });

  it('quick-creates an HTTP proxy API, lists it, and reports a missing API', async () => {
    const cli = (...args: string[]) => aws(nimbus.endpoint, ['apigatewayv2', ...args]);
    // The target is Nimbus's own REST control plane: any HTTP server does.
    const created = await cli('create-api', '--name', 'cli', '--protocol-type', 'HTTP', '--target', `${nimbus.endpoint}/restapis`);
    expect(created.stderr).toBe('');
    const api = JSON.parse(created.stdout) as { ApiId: string; ApiEndpoint: string };
    expect(api.ApiEndpoint).toContain(api.ApiId);

    const routes = JSON.parse((await cli('get-routes', '--api-id', api.ApiId)).stdout) as { Items: Array<{ RouteKey: string }> };
    expect(routes.Items.map((r) => r.RouteKey)).toEqual(['$default']);
    const stages = JSON.parse((await cli('get-stages', '--api-id', api.ApiId)).stdout) as { Items: Array<{ StageName: string; AutoDeploy: boolean }> };
    expect(stages.Items).toMatchObject([{ StageName: '$default', AutoDeploy: true }]);

    const res = await request(`${nimbus.endpoint}/_aws/execute-api/${api.ApiId}/anything`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject({ item: [] });

    const missing = await cli('get-api', '--api-id', 'missing123');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/NotFoundException/);
    expect((await cli('delete-api', '--api-id', api.ApiId)).code).toBe(0);
  }, 60_000);
});

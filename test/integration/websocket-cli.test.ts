// `aws apigatewayv2 …` and `aws apigatewaymanagementapi …` (the AWS CLI) against a WebSocket API on
// Nimbus: create the API, a route with a two-way route response and a stage, then post to, read and
// delete a real `ws` client's connection through @connections. Each CLI call costs a Python start-up.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aws, awsCli, awsCliAvailable } from '../helpers/aws-cli.js';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { connect } from '../helpers/websocket.js';

/** CLI v2 reads blob arguments as base64 unless told otherwise; v1 takes them raw. */
const blobArgs = () => (/aws-cli\/2/.test(execFileSync(awsCli!, ['--version']).toString()) ? ['--cli-binary-format', 'raw-in-base64-out'] : []);

describe.skipIf(!awsCliAvailable)('WebSocket APIs with the AWS CLI', () => {
  let nimbus: TestNimbus;
  beforeAll(async () => {
    nimbus = await startNimbus();
  });
  afterAll(() => nimbus.dispose());

  it('creates a WebSocket API and manages a connection through @connections', async () => {
    const cli = async (...args: string[]) => {
      const out = await aws(nimbus.endpoint, ['apigatewayv2', ...args]);
      expect(out.stderr).toBe('');
      return JSON.parse(out.stdout || '{}');
    };
    const api = await cli('create-api', '--name', 'cli-ws', '--protocol-type', 'WEBSOCKET', '--route-selection-expression', '$request.body.action');
    expect(api.ProtocolType).toBe('WEBSOCKET');
    const integ = await cli('create-integration', '--api-id', api.ApiId, '--integration-type', 'AWS_PROXY', '--integration-uri', 'arn:aws:lambda:us-east-1:000000000000:function:absent');
    const route = await cli('create-route', '--api-id', api.ApiId, '--route-key', '$default', '--target', `integrations/${integ.IntegrationId}`);
    const rr = await cli('create-route-response', '--api-id', api.ApiId, '--route-id', route.RouteId, '--route-response-key', '$default');
    expect(rr.RouteResponseKey).toBe('$default');
    await cli('create-stage', '--api-id', api.ApiId, '--stage-name', 'prod', '--auto-deploy');

    const stageUrl = `${nimbus.endpoint}/_aws/execute-api/${api.ApiId}/prod`;
    const socket = await connect(stageUrl.replace('http', 'ws'));
    // The integration's function does not exist: the error frame tells the connection id.
    socket.send('hi');
    const { connectionId } = await socket.nextJson();
    const mgmt = (...args: string[]) => aws(stageUrl, ['apigatewaymanagementapi', ...args]);

    const posted = await mgmt('post-to-connection', '--connection-id', connectionId, '--data', 'from the CLI', ...blobArgs());
    expect(posted.stderr).toBe('');
    expect(await socket.next()).toBe('from the CLI');
    const info = JSON.parse((await mgmt('get-connection', '--connection-id', connectionId)).stdout);
    expect(info.Identity.SourceIp).toBe('127.0.0.1');
    expect((await mgmt('delete-connection', '--connection-id', connectionId)).code).toBe(0);
    expect((await socket.closed).code).toBe(1000);
    const gone = await mgmt('get-connection', '--connection-id', connectionId);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/GoneException/);
  }, 90_000);
});

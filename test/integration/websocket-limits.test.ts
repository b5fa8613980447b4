// WebSocket APIs' connection limits, shortened through Nimbus's options (AWS: 10 minutes idle,
// 2 hours at most): the gateway closes with 1001 Going away, as AWS does, and a stopping Nimbus
// closes its connections the same way. Tests wait for the close, never for a guessed time.
import { afterEach, describe, expect, it } from 'vitest';
import * as V2 from '@aws-sdk/client-apigatewayv2';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { connect } from '../helpers/websocket.js';

let nimbus: TestNimbus | undefined;
afterEach(async () => {
  await nimbus?.dispose();
  nimbus = undefined;
});

/** A deployed WebSocket API whose $default route has a (missing) Lambda function: no $connect, so any client connects. */
async function api(n: TestNimbus): Promise<string> {
  const gw = new V2.ApiGatewayV2Client(clientConfig(n.endpoint));
  const apiId = (await gw.send(new V2.CreateApiCommand({ Name: 'limits', ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' }))).ApiId!;
  const integ = await gw.send(new V2.CreateIntegrationCommand({ ApiId: apiId, IntegrationType: 'AWS_PROXY', IntegrationUri: 'arn:aws:lambda:us-east-1:000000000000:function:missing' }));
  await gw.send(new V2.CreateRouteCommand({ ApiId: apiId, RouteKey: '$default', Target: `integrations/${integ.IntegrationId}` }));
  await gw.send(new V2.CreateStageCommand({ ApiId: apiId, StageName: 'prod', AutoDeploy: true }));
  return `${n.endpoint.replace('http', 'ws')}/_aws/execute-api/${apiId}/prod`;
}

describe('WebSocket connection limits', () => {
  it('closes an idle connection with 1001 Going away', async () => {
    nimbus = await startNimbus({ websocket: { idleTimeoutMs: 200 } });
    const socket = await connect(await api(nimbus));
    expect(await socket.closed).toEqual({ code: 1001, reason: 'Going away' });
  });

  it('closes a connection at its maximum duration even while it talks', async () => {
    nimbus = await startNimbus({ websocket: { maxConnectionMs: 300 } });
    const socket = await connect(await api(nimbus));
    // A failing integration answers an error frame: the connection stays open until its time is up.
    socket.send('hello');
    expect(await socket.nextJson()).toMatchObject({ message: 'Internal server error' });
    expect(await socket.closed).toEqual({ code: 1001, reason: 'Going away' });
  });

  it('closes its connections when Nimbus stops', async () => {
    nimbus = await startNimbus();
    const socket = await connect(await api(nimbus));
    const stopping = nimbus.dispose();
    nimbus = undefined;
    expect(await socket.closed).toEqual({ code: 1001, reason: 'Going away' });
    await stopping;
  });
});

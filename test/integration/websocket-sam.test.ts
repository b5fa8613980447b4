// WebSocket APIs from a template: examples/websocket-chat (raw AWS::ApiGatewayV2::Api/Integration/
// Route/RouteResponse/Deployment/Stage with ProtocolType WEBSOCKET) deployed with `nimbus deploy`,
// chatted on by two real `ws` clients as its README walks through it, updated, then deleted.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as V2 from '@aws-sdk/client-apigatewayv2';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { deployCommand, deleteCommand } from '../../src/sam/commands.js';
import { capture } from '../helpers/io.js';
import { connect } from '../helpers/websocket.js';

const scratch = mkdtempSync(join(tmpdir(), 'nimbus-websocket-sam-'));
let nimbus: TestNimbus;

beforeAll(async () => {
  nimbus = await startNimbus();
});
afterAll(async () => {
  await nimbus.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

describe('examples/websocket-chat as its README walks through it', () => {
  it('deploys, chats, redeploys and deletes', async () => {
    const app = join(scratch, 'websocket-chat');
    cpSync(join(process.cwd(), 'examples/websocket-chat'), app, { recursive: true, filter: (p) => !p.includes('.nimbus-sam') });
    const io = capture();
    expect(await deployCommand({ cwd: app, stackName: 'chat', endpointUrl: nimbus.endpoint }, io), io.stderr.join('\n') + io.stdout.join('\n')).toBe(0);
    const printed = io.stdout.join('\n').match(/WebSocket API Stage: (ws:\S+)/);
    expect(printed, io.stdout.join('\n')).not.toBeNull();
    const ws = printed![1]!;
    const apiId = /execute-api\/(\w+)\/prod$/.exec(ws)![1]!;

    const gw = new V2.ApiGatewayV2Client(clientConfig(nimbus.endpoint));
    const api = await gw.send(new V2.GetApiCommand({ ApiId: apiId }));
    expect(api.ProtocolType).toBe('WEBSOCKET');
    expect(api.RouteSelectionExpression).toBe('$request.body.action');
    const routes = (await gw.send(new V2.GetRoutesCommand({ ApiId: apiId }))).Items!;
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(['$connect', '$default', '$disconnect', 'sendmessage']);

    const ada = await connect(`${ws}?name=ada`);
    const bob = await connect(`${ws}?name=bob`);
    // The two-way $default route answers the sender only, once both have joined.
    bob.send('who is here?');
    expect(await bob.next()).toBe('2 in the room. Send {"action":"sendmessage","message":"hi"}');
    bob.send(JSON.stringify({ action: 'sendmessage', message: 'hello' }));
    expect(await ada.next()).toBe('bob: hello');
    expect(await bob.next()).toBe('bob: hello');

    // A changed deployment description makes a new deployment; the stage follows it.
    const before = (await gw.send(new V2.GetStageCommand({ ApiId: apiId, StageName: 'prod' }))).DeploymentId;
    const template = join(app, 'template.yaml');
    writeFileSync(template, readFileSync(template, 'utf8').replace('    Properties:\n      ApiId: !Ref ChatApi\n\n  Stage:', '    Properties:\n      ApiId: !Ref ChatApi\n      Description: second\n\n  Stage:'));
    expect(await deployCommand({ cwd: app, stackName: 'chat', endpointUrl: nimbus.endpoint }, capture())).toBe(0);
    const after = (await gw.send(new V2.GetStageCommand({ ApiId: apiId, StageName: 'prod' }))).DeploymentId;
    expect(after).not.toBe(before);
    expect((await gw.send(new V2.GetDeploymentsCommand({ ApiId: apiId }))).Items!.map((d) => d.DeploymentId)).toEqual([after]);

    ada.ws.close();
    bob.ws.close();
    await Promise.all([ada.closed, bob.closed]);
    expect(await deleteCommand({ cwd: app, stackName: 'chat', endpointUrl: nimbus.endpoint }, capture())).toBe(0);
    const gone = await gw.send(new V2.GetApiCommand({ ApiId: apiId })).catch((e: Error) => e);
    expect((gone as Error).name).toBe('NotFoundException');
  });
});

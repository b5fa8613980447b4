// A plain CloudFormation AWS::Events::Rule (ScheduleExpression + Lambda target) deployed by the SAM
// deployer becomes a real EventBridge rule in Nimbus: it fires the function with the target's Input,
// an update changes the target in place, and deleting the stack removes targets and rule. A custom
// AWS::Events::EventBus carries a SAM EventBridgeRule event and a plain rule, which see only its events.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DescribeEventBusCommand, DescribeRuleCommand, ListRulesCommand, ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { makeClients, type Clients } from '../../src/sam/deploy/clients.js';
import { deployStack, deleteStack } from '../../src/sam/deploy/deployer.js';

let nimbus: TestNimbus;
let clients: Clients;
const dir = mkdtempSync(join(tmpdir(), 'nimbus-events-sam-'));
const lines: string[] = [];
const log = (l: string) => lines.push(l);

beforeAll(async () => {
  nimbus = await startNimbus({ events: { clockScale: 600 } });
  clients = makeClients(nimbus.endpoint, 'us-east-1');
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src/index.js'), "exports.handler = async (event) => { console.log('GOT ' + JSON.stringify(event)); };");
  writeFileSync(
    join(dir, 'template.yaml'),
    `Transform: AWS::Serverless-2016-10-31
Parameters:
  Msg:
    Type: String
    Default: one
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
  Tick:
    Type: AWS::Events::Rule
    Properties:
      Description: plain CloudFormation rule
      ScheduleExpression: rate(1 minute)
      State: ENABLED
      Targets:
        - Id: fn
          Arn: !GetAtt Fn.Arn
          Input: !Sub '{"msg":"\${Msg}"}'
Outputs:
  RuleName:
    Value: !Ref Tick
  RuleArn:
    Value: !GetAtt Tick.Arn
`,
  );
});

afterAll(async () => {
  clients?.destroy();
  await nimbus?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function waitForMsg(msg: string): Promise<void> {
  const deadline = Date.now() + 40_000;
  for (;;) {
    const out = await clients.logs
      .send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/' + fnName(), filterPattern: `"${msg}"` }))
      .catch(() => ({ events: [] }));
    if ((out.events ?? []).some((e) => e.message?.includes(`GOT {"msg":"${msg}"}`))) return;
    if (Date.now() > deadline) throw new Error(`no invocation with msg ${msg}; log: ${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

let functionName = '';
const fnName = () => functionName;

it('deploys, fires, updates and deletes a plain AWS::Events::Rule', async () => {
  const res = await deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'rules', overrides: new Map(), clients, log });
  expect(res.status).toBe('CREATE_COMPLETE');
  const outputs = Object.fromEntries(res.outputs.map((o) => [o.OutputKey, o.OutputValue]));
  const name = String(outputs.RuleName);
  expect(name).toMatch(/^rules-Tick-/);
  const rule = await clients.events.send(new DescribeRuleCommand({ Name: name }));
  expect(rule).toMatchObject({ Arn: outputs.RuleArn, ScheduleExpression: 'rate(1 minute)', State: 'ENABLED', Description: 'plain CloudFormation rule' });
  const targets = (await clients.events.send(new ListTargetsByRuleCommand({ Rule: name }))).Targets ?? [];
  expect(targets).toHaveLength(1);
  functionName = targets[0]!.Arn!.split(':function:')[1]!;
  expect(targets[0]!.Input).toBe('{"msg":"one"}');
  await waitForMsg('one');

  const upd = await deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'rules', overrides: new Map([['Msg', 'two']]), clients, log });
  expect(upd.status).toBe('UPDATE_COMPLETE');
  const after = (await clients.events.send(new ListTargetsByRuleCommand({ Rule: name }))).Targets ?? [];
  expect(after.map((t) => [t.Id, t.Input])).toEqual([['fn', '{"msg":"two"}']]);
  await waitForMsg('two');

  await deleteStack({ stackName: 'rules', clients, project: dir, log });
  expect((await clients.events.send(new ListRulesCommand({ NamePrefix: 'rules-' }))).Rules).toEqual([]);
  expect(nimbus.logs.filter((l) => l.startsWith('events:'))).toEqual([]);
}, 90_000);

/** A SAM project whose function logs `{tag} {event}`; `template` is the YAML below `Resources:`. */
function loggingProject(tag: string, template: string): string {
  const d = mkdtempSync(join(tmpdir(), 'nimbus-events-sam-project-'));
  mkdirSync(join(d, 'src'), { recursive: true });
  writeFileSync(join(d, 'src/index.js'), `exports.handler = async (event) => { console.log('${tag} ' + JSON.stringify(event)); };`);
  writeFileSync(join(d, 'template.yaml'), `Transform: AWS::Serverless-2016-10-31\nResources:\n${template}`);
  return d;
}

/** The `{tag} …` lines a function logged, once there are at least `atLeast` (or after 30 s). */
async function loggedLines(fn: string, tag: string, atLeast: number): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  let lines: string[] = [];
  while (Date.now() < deadline) {
    const out = await clients.logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: tag })).catch(() => ({ events: [] }));
    lines = (out.events ?? []).map((e) => e.message!.trim().split('\t').at(-1)!);
    if (lines.length >= atLeast) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return lines;
}

it('an EventBridgeRule event on a SAM function runs it for the events its Pattern matches', async () => {
  const d = loggingProject('ORDER', `  OnOrder:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Paid:
          Type: EventBridgeRule
          Properties:
            Pattern:
              source: [shop.orders]
              detail-type: [Order Placed]
            InputPath: $.detail
`);
  const res = await deployStack({ templatePath: join(d, 'template.yaml'), stackName: 'orders', overrides: new Map(), clients, log });
  expect(res.status).toBe('CREATE_COMPLETE');
  const name = res.record.resources.OnOrder!.physicalId;
  await clients.events.send(new PutEventsCommand({ Entries: [
    { Source: 'shop.orders', DetailType: 'Order Refunded', Detail: '{"id":"o-0"}' },
    { Source: 'shop.orders', DetailType: 'Order Placed', Detail: '{"id":"o-1"}' },
  ] }));
  const messages = await loggedLines(name, 'ORDER', 1);
  expect(messages).toEqual(['ORDER {"id":"o-1"}']);
  await deleteStack({ stackName: 'orders', clients, project: d, log });
  rmSync(d, { recursive: true, force: true });
}, 60_000);

it('an AWS::Events::EventBus carries EventBridgeRule events and plain rules that see only its events', async () => {
  const d = loggingProject('BUS', `  Bus:
    Type: AWS::Events::EventBus
    Properties:
      Name: sam-orders-bus
      Description: orders only
  OnBusOrder:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Placed:
          Type: EventBridgeRule
          Properties:
            EventBusName: !Ref Bus
            Pattern:
              source: [shop.orders]
            InputPath: $.detail
  Plain:
    Type: AWS::Events::Rule
    Properties:
      EventBusName: !GetAtt Bus.Arn
      EventPattern:
        source: [shop.refunds]
      Targets:
        - Id: fn
          Arn: !GetAtt OnBusOrder.Arn
          Input: '{"id":"refund-seen"}'
Outputs:
  BusName:
    Value: !Ref Bus
  BusArn:
    Value: !GetAtt Bus.Arn
  BusNameAtt:
    Value: !GetAtt Bus.Name
`);
  const res = await deployStack({ templatePath: join(d, 'template.yaml'), stackName: 'busstack', overrides: new Map(), clients, log });
  expect(res.status).toBe('CREATE_COMPLETE');
  const outputs = Object.fromEntries(res.outputs.map((o) => [o.OutputKey, o.OutputValue]));
  expect(outputs).toMatchObject({ BusName: 'sam-orders-bus', BusNameAtt: 'sam-orders-bus', BusArn: 'arn:aws:events:us-east-1:000000000000:event-bus/sam-orders-bus' });
  expect(await clients.events.send(new DescribeEventBusCommand({ Name: 'sam-orders-bus' }))).toMatchObject({ Description: 'orders only' });
  const ruleName = res.record.resources.OnBusOrderPlaced!.physicalId;
  const rule = await clients.events.send(new DescribeRuleCommand({ Name: ruleName, EventBusName: 'sam-orders-bus' }));
  expect(rule).toMatchObject({ EventBusName: 'sam-orders-bus', Arn: `arn:aws:events:us-east-1:000000000000:rule/sam-orders-bus/${ruleName}` });
  const fn = res.record.resources.OnBusOrder!.physicalId;
  await clients.events.send(new PutEventsCommand({ Entries: [
    { Source: 'shop.orders', DetailType: 'x', Detail: '{"id":"on-default"}' },
    { EventBusName: 'sam-orders-bus', Source: 'shop.orders', DetailType: 'x', Detail: '{"id":"on-bus"}' },
    { EventBusName: 'sam-orders-bus', Source: 'shop.refunds', DetailType: 'x', Detail: '{"id":"r-1"}' },
  ] }));
  await loggedLines(fn, 'BUS', 2);
  // Give a wrongly routed event time to show up too.
  await new Promise((r) => setTimeout(r, 300));
  expect((await loggedLines(fn, 'BUS', 2)).sort()).toEqual(['BUS {"id":"on-bus"}', 'BUS {"id":"refund-seen"}']);

  await deleteStack({ stackName: 'busstack', clients, project: d, log });
  expect(await clients.events.send(new DescribeEventBusCommand({ Name: 'sam-orders-bus' })).catch((e: Error) => e.name)).toBe('ResourceNotFoundException');
  rmSync(d, { recursive: true, force: true });
}, 60_000);

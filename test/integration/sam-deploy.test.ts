// nimbus deploy / delete against a real Nimbus through the AWS SDK: create, update, failed update
// rolled back to the previous state, outputs, the API answering HTTP, delete.
import { mkdtempSync, mkdirSync, writeFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { GetFunctionCommand, GetAliasCommand } from '@aws-sdk/client-lambda';
import { DescribeStateMachineCommand, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { GetRestApiCommand } from '@aws-sdk/client-api-gateway';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { makeClients, type Clients } from '../../src/sam/deploy/clients.js';
import { deployStack, deleteStack, DeployError } from '../../src/sam/deploy/deployer.js';
import { TemplateErrors } from '../../src/sam/template/errors.js';

// Every temporary folder of this file lives under one scratch folder, removed at the end.
const scratch = mkdtempSync(join(tmpdir(), 'nimbus-sam-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let nimbus: TestNimbus;
let clients: Clients;
let dir: string;
const lines: string[] = [];
const log = (l: string) => lines.push(l);

const template = (message: string, extra = '') => `
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Greeting:
    Type: String
    Default: hello
Globals:
  Function:
    Timeout: 5
    Runtime: nodejs20.x
Resources:
  HelloFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: hello/
      Handler: index.handler
      AutoPublishAlias: live
      Environment:
        Variables:
          GREETING: !Ref Greeting
          MESSAGE: ${message}
      Events:
        Hello:
          Type: Api
          Properties:
            Path: /hello/{name}
            Method: get
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      Definition:
        StartAt: Say
        States:
          Say:
            Type: Pass
            Result: \${word}
            End: true
      DefinitionSubstitutions:
        word: !Ref Greeting
${extra}
Outputs:
  HelloApi:
    Value: !Sub "https://\${ServerlessRestApi}.execute-api.\${AWS::Region}.amazonaws.com/Prod/hello/"
  ApiId:
    Value: !Ref ServerlessRestApi
  FunctionArn:
    Value: !GetAtt HelloFunction.Arn
  FlowArn:
    Value: !Ref Flow
  Role:
    Value: !GetAtt HelloFunctionRole.Arn
`;

const handler = (tag: string) => `exports.handler = async (event) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ tag: '${tag}', greeting: process.env.GREETING, message: process.env.MESSAGE, name: event.pathParameters && event.pathParameters.name }),
});`;

function write(tpl: string, code: string) {
  writeFileSync(join(dir, 'template.yaml'), tpl);
  writeFileSync(join(dir, 'hello', 'index.js'), code);
}

const output = (outs: Array<{ OutputKey: string; OutputValue: string }>, key: string) => outs.find((o) => o.OutputKey === key)!.OutputValue;

async function callApi(apiId: string, name: string) {
  const res = await request(`${nimbus.endpoint}/_aws/execute-api/${apiId}/Prod/hello/${name}`);
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  nimbus = await startNimbus();
  clients = makeClients(nimbus.endpoint);
  dir = mkdtempSync(join(scratch, 'sam-deploy-'));
  mkdirSync(join(dir, 'hello'));
});
afterAll(async () => {
  clients?.destroy();
  await nimbus?.dispose();
});

describe('sam deploy', () => {
  let apiId = '';
  it('creates the stack, prints events and outputs, and the API answers', async () => {
    write(template('v1'), handler('v1'));
    const res = await deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'app', overrides: new Map(), clients, log });
    expect(res.status).toBe('CREATE_COMPLETE');
    expect(lines.join('\n')).toMatch(/CREATE_IN_PROGRESS\s+AWS::Lambda::Function\s+HelloFunction/);
    expect(lines.join('\n')).toMatch(/\+ Add\s+ServerlessRestApi/);
    apiId = output(res.outputs, 'ApiId');
    expect(output(res.outputs, 'HelloApi')).toBe(`https://${apiId}.execute-api.us-east-1.amazonaws.com/Prod/hello/`);
    expect(output(res.outputs, 'Role')).toMatch(/^arn:aws:iam::000000000000:role\/app-HelloFunctionRole-/);
    const api = await callApi(apiId, 'ada');
    expect(api).toEqual({ status: 200, body: { tag: 'v1', greeting: 'hello', message: 'v1', name: 'ada' } });
    const fn = await clients.lambda.send(new GetFunctionCommand({ FunctionName: output(res.outputs, 'FunctionArn') }));
    expect(fn.Configuration?.Timeout).toBe(5);
    const alias = await clients.lambda.send(new GetAliasCommand({ FunctionName: fn.Configuration!.FunctionName!, Name: 'live' }));
    expect(alias.FunctionVersion).toBe('1');
    const flow = await clients.sfn.send(new StartSyncExecutionCommand({ stateMachineArn: output(res.outputs, 'FlowArn'), input: '{}' }));
    expect(flow.output).toBe('"hello"');
    expect(existsSync(join(dir, '.nimbus-sam', 'stacks', 'app.json'))).toBe(true);
  });

  it('updates in place: new code, new version, parameter override, no change on a second run', async () => {
    write(template('v2'), handler('v2'));
    lines.length = 0;
    const res = await deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'app', overrides: new Map([['Greeting', 'hi']]), clients, log });
    expect(res.status).toBe('UPDATE_COMPLETE');
    expect(output(res.outputs, 'ApiId')).toBe(apiId);
    expect(await callApi(apiId, 'bob')).toEqual({ status: 200, body: { tag: 'v2', greeting: 'hi', message: 'v2', name: 'bob' } });
    const again = await deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'app', overrides: new Map([['Greeting', 'hi']]), clients, log });
    expect(again.changes).toEqual([]);
    // Only a parameter changes: a new version is published and the alias (behind the API) serves it.
    const param = await deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'app', overrides: new Map([['Greeting', 'hey']]), clients, log });
    expect(param.changes.some((c) => c.action === 'Add' && c.type === 'AWS::Lambda::Version')).toBe(true);
    expect(await callApi(apiId, 'dee')).toEqual({ status: 200, body: { tag: 'v2', greeting: 'hey', message: 'v2', name: 'dee' } });
    await deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'app', overrides: new Map([['Greeting', 'hi']]), clients, log });
  });

  it('a failed update rolls everything back to the previous state', async () => {
    // A broken state machine (Next points nowhere) fails after the function was already updated.
    const broken = template('v3').replace('End: true', 'Next: Nowhere');
    write(broken, handler('v3'));
    lines.length = 0;
    await expect(deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'app', overrides: new Map([['Greeting', 'hi']]), clients, log })).rejects.toThrow(DeployError);
    expect(lines.join('\n')).toMatch(/UPDATE_ROLLBACK_COMPLETE/);
    expect(await callApi(apiId, 'cy')).toEqual({ status: 200, body: { tag: 'v2', greeting: 'hi', message: 'v2', name: 'cy' } });
    const rec = JSON.parse(readFileSync(join(dir, '.nimbus-sam', 'stacks', 'app.json'), 'utf8'));
    expect(rec.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  });

  it('template errors stop before anything is deployed', async () => {
    write(template('v4', `  Bad:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: nowhere/
      Handler: index.handler
`), handler('v4'));
    lines.length = 0;
    const err = await deployStack({ templatePath: join(dir, 'template.yaml'), stackName: 'app', overrides: new Map(), clients, log }).catch((e) => e);
    expect(err).toBeInstanceOf(TemplateErrors);
    expect(err.message).toMatch(/Resources\.Bad\.Properties\.CodeUri: nowhere\/ does not exist/);
    expect(lines).toEqual([]);
  });

  it('deletes the stack and everything in it', async () => {
    const rec = JSON.parse(readFileSync(join(dir, '.nimbus-sam', 'stacks', 'app.json'), 'utf8'));
    await deleteStack({ stackName: 'app', clients, project: dir, log });
    expect(existsSync(join(dir, '.nimbus-sam', 'stacks', 'app.json'))).toBe(false);
    const gone = await clients.apigw.send(new GetRestApiCommand({ restApiId: apiId })).catch((e) => e);
    expect(gone.name).toBe('NotFoundException');
    const sm = await clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: rec.resources.Flow.physicalId })).catch((e) => e);
    expect(sm.name).toBe('StateMachineDoesNotExist');
    await expect(deleteStack({ stackName: 'app', clients, project: dir, log })).rejects.toThrow(/does not exist/);
  });
});

describe('sam deploy: a stack whose creation fails', () => {
  it('is rolled back completely (ROLLBACK_COMPLETE) and can be deployed again once fixed', async () => {
    const d = mkdtempSync(join(scratch, 'sam-deploy-fail-'));
    mkdirSync(join(d, 'src'));
    writeFileSync(join(d, 'src', 'index.js'), 'exports.handler = async () => "ok";');
    const tpl = (runtime: string) => `Transform: AWS::Serverless-2016-10-31
Resources:
  First:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
  Second:
    Type: AWS::Serverless::Function
    DependsOn: First
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: ${runtime}
`;
    writeFileSync(join(d, 'template.yaml'), tpl('cobol85'));
    const out: string[] = [];
    const err = await deployStack({ templatePath: join(d, 'template.yaml'), stackName: 'broken', overrides: new Map(), clients, log: (l) => out.push(l) }).catch((e) => e);
    expect(err).toBeInstanceOf(DeployError);
    expect(err.message).toMatch(/InvalidParameterValueException/);
    const text = out.join('\n');
    expect(text).toMatch(/CREATE_FAILED\s+AWS::Lambda::Function\s+Second\s+InvalidParameterValueException/);
    expect(text).toMatch(/DELETE_COMPLETE\s+AWS::Lambda::Function\s+First/);
    expect(text).toMatch(/ROLLBACK_COMPLETE\s+AWS::CloudFormation::Stack\s+broken/);
    const rec = JSON.parse(readFileSync(join(d, '.nimbus-sam', 'stacks', 'broken.json'), 'utf8'));
    expect(rec.status).toBe('ROLLBACK_COMPLETE');
    expect(rec.resources).toEqual({});
    writeFileSync(join(d, 'template.yaml'), tpl('nodejs20.x'));
    const ok = await deployStack({ templatePath: join(d, 'template.yaml'), stackName: 'broken', overrides: new Map(), clients, log: () => undefined });
    expect(ok.status).toBe('CREATE_COMPLETE');
    await deleteStack({ stackName: 'broken', clients, project: d, log: () => undefined });
  });

  it('fails fast, recording nothing, when Nimbus is not reachable', async () => {
    const d = mkdtempSync(join(scratch, 'unreachable-'));
    writeFileSync(join(d, 'template.yaml'), `Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n`);
    const down = makeClients('http://127.0.0.1:9');
    try {
      await expect(deployStack({ templatePath: join(d, 'template.yaml'), stackName: 'down', overrides: new Map(), clients: down, log: () => undefined })).rejects.toThrow(/Cannot reach Nimbus at http:\/\/127\.0\.0\.1:9/);
      expect(existsSync(join(d, '.nimbus-sam', 'stacks', 'down.json'))).toBe(false);
    } finally {
      down.destroy();
    }
  });

  it('rejects invalid stack names', async () => {
    await expect(deployStack({ templatePath: join(dir, 'template.yaml'), stackName: '1-bad_name', overrides: new Map(), clients, log })).rejects.toThrow(/Stack name "1-bad_name" is invalid/);
  });

  it('--no-execute-changeset prints the change set and deploys nothing', async () => {
    const d = mkdtempSync(join(scratch, 'sam-deploy-cs-'));
    writeFileSync(join(d, 'template.yaml'), `Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: 7\n`);
    const out: string[] = [];
    const res = await deployStack({ templatePath: join(d, 'template.yaml'), stackName: 'preview', overrides: new Map(), clients, log: (l) => out.push(l), noExecute: true });
    expect(res.changes).toEqual([{ action: 'Add', logicalId: 'Logs', type: 'AWS::Logs::LogGroup', replacement: '' }]);
    expect(out.join('\n')).toMatch(/\+ Add\s+Logs\s+AWS::Logs::LogGroup/);
    expect(existsSync(join(d, '.nimbus-sam', 'stacks', 'preview.json'))).toBe(false);
  });
});

describe('sam deploy: AWS::Serverless::Api features', () => {
  it('Lambda TOKEN authorizer, stage variables, method settings and canary settings', async () => {
    const d = mkdtempSync(join(scratch, 'sam-deploy-api-'));
    mkdirSync(join(d, 'src'));
    writeFileSync(join(d, 'src', 'index.js'), `exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify({ env: event.stageVariables && event.stageVariables.env, principal: event.requestContext.authorizer && event.requestContext.authorizer.principalId }) });
exports.authorize = async (event) => ({
  principalId: 'user-1',
  policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: event.authorizationToken === 'allow' ? 'Allow' : 'Deny', Resource: event.methodArn }] },
});`);
    writeFileSync(join(d, 'template.yaml'), `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs20.x
    CodeUri: src/
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: v1
      Variables:
        env: test
      MethodSettings:
        - ResourcePath: /*
          HttpMethod: '*'
          ThrottlingBurstLimit: 5
          ThrottlingRateLimit: 10
      CanarySetting:
        PercentTraffic: 0
        StageVariableOverrides:
          env: canary
      Auth:
        DefaultAuthorizer: TokenAuth
        Authorizers:
          TokenAuth:
            FunctionArn: !GetAtt AuthFunction.Arn
  AuthFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.authorize
  Handler:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Events:
        Get:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /secret
            Method: get
Outputs:
  ApiId:
    Value: !Ref Api
`);
    const res = await deployStack({ templatePath: join(d, 'template.yaml'), stackName: 'authz', overrides: new Map(), clients, log: () => undefined });
    const apiId = output(res.outputs, 'ApiId');
    const { GetStageCommand } = await import('@aws-sdk/client-api-gateway');
    const stage = await clients.apigw.send(new GetStageCommand({ restApiId: apiId, stageName: 'v1' }));
    expect(stage.variables).toEqual({ env: 'test' });
    expect(stage.methodSettings?.['*/*']).toMatchObject({ throttlingBurstLimit: 5, throttlingRateLimit: 10 });
    expect(stage.canarySettings).toMatchObject({ percentTraffic: 0, stageVariableOverrides: { env: 'canary' } });
    const url = `${nimbus.endpoint}/_aws/execute-api/${apiId}/v1/secret`;
    const none = await request(url);
    expect(none.statusCode).toBe(401);
    await none.body.text();
    const denied = await request(url, { headers: { authorization: 'deny' } });
    expect(denied.statusCode).toBe(403);
    await denied.body.text();
    const ok = await request(url, { headers: { authorization: 'allow' } });
    expect(ok.statusCode).toBe(200);
    expect(await ok.body.json()).toEqual({ env: 'test', principal: 'user-1' });
    await deleteStack({ stackName: 'authz', clients, project: d, log: () => undefined });
  });
});

describe('sam deploy: plain CloudFormation and OpenAPI bodies', () => {
  it('AWS::ApiGateway::RestApi/Resource/Method/Deployment/Stage + AWS::Lambda::Function/Permission (JSON template)', async () => {
    const d = mkdtempSync(join(scratch, 'sam-deploy-cfn-'));
    const fnCode = 'exports.handler = async (e) => ({ statusCode: 201, body: "cfn:" + e.httpMethod + ":" + e.resource });';
    const t = {
      AWSTemplateFormatVersion: '2010-09-09',
      Parameters: { StageName: { Type: 'String', Default: 'live', AllowedPattern: '[a-z]+' } },
      Mappings: { Sizes: { live: { Memory: 192 } } },
      Resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {}, ManagedPolicyArns: [{ Ref: 'Policy' }] } },
        // Recorded only: IAM is not enforced; monitoring resources as `sam init` adds them.
        Policy: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: { Version: '2012-10-17', Statement: [] } } },
        Inline: { Type: 'AWS::IAM::Policy', Properties: { PolicyName: 'inline', PolicyDocument: {}, Roles: [{ Ref: 'Role' }] } },
        Group: { Type: 'AWS::ResourceGroups::Group', Properties: { Name: { 'Fn::Sub': 'ApplicationInsights-SAM-${AWS::StackName}' }, ResourceQuery: { Type: 'CLOUDFORMATION_STACK_1_0' } } },
        Insights: { Type: 'AWS::ApplicationInsights::Application', Properties: { ResourceGroupName: { Ref: 'Group' }, AutoConfigurationEnabled: 'true' } },
        Dashboard: { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardBody: '{"widgets":[]}' } },
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Runtime: 'nodejs20.x', Handler: 'index.handler', Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
            MemorySize: { 'Fn::FindInMap': ['Sizes', { Ref: 'StageName' }, 'Memory'] },
            Code: { ZipFile: fnCode },
          },
        },
        Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'api']] } } },
        Items: { Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: { Ref: 'Api' }, ParentId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] }, PathPart: 'items' } },
        Post: {
          Type: 'AWS::ApiGateway::Method',
          Properties: {
            RestApiId: { Ref: 'Api' }, ResourceId: { Ref: 'Items' }, HttpMethod: 'POST', AuthorizationType: 'NONE',
            Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', Uri: { 'Fn::Sub': 'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations' } },
          },
        },
        Perm: { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunction', FunctionName: { Ref: 'Fn' }, Principal: 'apigateway.amazonaws.com' } },
        Deployment: { Type: 'AWS::ApiGateway::Deployment', DependsOn: ['Post'], Properties: { RestApiId: { Ref: 'Api' } } },
        Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { RestApiId: { Ref: 'Api' }, DeploymentId: { Ref: 'Deployment' }, StageName: { Ref: 'StageName' } } },
      },
      Outputs: {
        Url: { Value: { 'Fn::Sub': '${Api}/${Stage}' } },
        Monitoring: { Value: { 'Fn::Join': [' ', [{ Ref: 'Insights' }, { 'Fn::GetAtt': ['Group', 'Arn'] }, { 'Fn::GetAtt': ['Policy', 'PolicyArn'] }]] } },
      },
    };
    writeFileSync(join(d, 'template.json'), JSON.stringify(t, null, 2));
    const res = await deployStack({ templatePath: join(d, 'template.json'), stackName: 'cfn', overrides: new Map(), clients, log: () => undefined });
    const [apiId, stage] = output(res.outputs, 'Url').split('/');
    const [insights, group, policy] = output(res.outputs, 'Monitoring').split(' ');
    expect(insights).toBe('arn:aws:applicationinsights:us-east-1:000000000000:application/resource-group/ApplicationInsights-SAM-cfn');
    expect(group).toBe('arn:aws:resource-groups:us-east-1:000000000000:group/ApplicationInsights-SAM-cfn');
    expect(policy).toMatch(/^arn:aws:iam::000000000000:policy\/cfn-Policy-[A-Z0-9]{12}$/);
    const r = await request(`${nimbus.endpoint}/_aws/execute-api/${apiId}/${stage}/items`, { method: 'POST', body: '{}' });
    expect(r.statusCode).toBe(201);
    expect(await r.body.text()).toBe('cfn:POST:/items');
    const fn = await clients.lambda.send(new GetFunctionCommand({ FunctionName: res.record.resources.Fn!.physicalId }));
    expect(fn.Configuration?.MemorySize).toBe(192);
    await deleteStack({ stackName: 'cfn', clients, project: d, log: () => undefined });
    const gone = await clients.apigw.send(new GetRestApiCommand({ restApiId: apiId! })).catch((e) => e);
    expect(gone.name).toBe('NotFoundException');
  });

  it('AWS::Serverless::Api DefinitionBody with MergeDefinitions keeps its own routes and gets the function events merged in', async () => {
    const d = mkdtempSync(join(scratch, 'sam-deploy-oas-'));
    mkdirSync(join(d, 'src'));
    writeFileSync(join(d, 'src', 'index.js'), 'exports.handler = async (e) => ({ statusCode: 200, body: "fn:" + e.resource });');
    writeFileSync(join(d, 'template.yaml'), `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      MergeDefinitions: true
      DefinitionBody:
        swagger: '2.0'
        info: {title: !Sub '\${AWS::StackName}-oas', version: '1'}
        paths:
          /ping:
            get:
              responses: {'200': {description: ok}}
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates: {application/json: '{"statusCode": 200}'}
                responses: {default: {statusCode: '200', responseTemplates: {application/json: '{"pong": true}'}}}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Get:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /things/{id}
            Method: get
Outputs:
  ApiId:
    Value: !Ref Api
`);
    const res = await deployStack({ templatePath: join(d, 'template.yaml'), stackName: 'oas', overrides: new Map(), clients, log: () => undefined });
    const base = `${nimbus.endpoint}/_aws/execute-api/${output(res.outputs, 'ApiId')}/dev`;
    const ping = await request(`${base}/ping`);
    expect(await ping.body.json()).toEqual({ pong: true });
    const thing = await request(`${base}/things/3`);
    expect(await thing.body.text()).toBe('fn:/things/{id}');
    const api = await clients.apigw.send(new GetRestApiCommand({ restApiId: output(res.outputs, 'ApiId') }));
    expect(api.name).toBe('oas-oas');
    await deleteStack({ stackName: 'oas', clients, project: d, log: () => undefined });
  });
});

describe('sam deploy: removals, replacements and state machine API events', () => {
  it('drops removed resources after the update, replaces on name changes, and starts executions from the API', async () => {
    const d = mkdtempSync(join(scratch, 'sam-deploy-rm-'));
    const tpl = (extra: string, smName: string) => `Transform: AWS::Serverless-2016-10-31
Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Name: ${smName}
      Definition:
        StartAt: Done
        States:
          Done: {Type: Pass, End: true}
      Events:
        Start:
          Type: Api
          Properties:
            Path: /start
            Method: post
${extra}
Outputs:
  ApiId:
    Value: !Ref ServerlessRestApi
`;
    const extra = `  Extra:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "exports.handler = async () => 'extra'"
      Handler: index.handler
      Runtime: nodejs20.x`;
    writeFileSync(join(d, 'template.yaml'), tpl(extra, 'flow-one'));
    const first = await deployStack({ templatePath: join(d, 'template.yaml'), stackName: 'rm', overrides: new Map(), clients, log: () => undefined });
    const extraName = first.record.resources.Extra!.physicalId;
    const oldArn = first.record.resources.Flow!.physicalId;
    const started = await request(`${nimbus.endpoint}/_aws/execute-api/${output(first.outputs, 'ApiId')}/Prod/start`, { method: 'POST', body: '{"x":1}', headers: { 'content-type': 'application/json' } });
    expect(started.statusCode).toBe(200);
    expect(((await started.body.json()) as { executionArn: string }).executionArn).toMatch(/:execution:flow-one:/);

    writeFileSync(join(d, 'template.yaml'), tpl('', 'flow-two'));
    const lines2: string[] = [];
    const second = await deployStack({ templatePath: join(d, 'template.yaml'), stackName: 'rm', overrides: new Map(), clients, log: (l) => lines2.push(l) });
    const text = lines2.join('\n');
    expect(text).toMatch(/\* Modify\s+Flow\s+AWS::StepFunctions::StateMachine\s+True/);
    expect(text).toMatch(/- Delete\s+Extra\s+AWS::Lambda::Function/);
    expect(text).toMatch(/DELETE_COMPLETE\s+AWS::Lambda::Function\s+Extra/);
    expect(second.record.resources.Extra).toBeUndefined();
    expect(second.record.resources.Flow!.physicalId).toMatch(/:stateMachine:flow-two$/);
    const again = await request(`${nimbus.endpoint}/_aws/execute-api/${output(second.outputs, 'ApiId')}/Prod/start`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(((await again.body.json()) as { executionArn: string }).executionArn).toMatch(/:execution:flow-two:/);
    const gone = await clients.lambda.send(new GetFunctionCommand({ FunctionName: extraName })).catch((e) => e);
    expect(gone.name).toBe('ResourceNotFoundException');
    const old = await clients.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: oldArn })).catch((e) => e);
    expect(old.name).toBe('StateMachineDoesNotExist');
    await deleteStack({ stackName: 'rm', clients, project: d, log: () => undefined });
  });
});

describe('sam deploy: linear traffic shifting', () => {
  it('Linear10PercentEvery1Minute moves the alias 10% at a time, then all the way', async () => {
    const d = mkdtempSync(join(scratch, 'linear-'));
    mkdirSync(join(d, 'src'));
    const tpl = `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: v1
      # The function's event is written into this document only because MergeDefinitions asks for it
      # (as SAM does; with DefinitionUri the document would have to describe GET /v itself).
      MergeDefinitions: true
      DefinitionBody: {swagger: '2.0', info: {title: linear, version: '1'}, paths: {}}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      AutoPublishAlias: live
      DeploymentPreference:
        Type: Linear10PercentEvery1Minute
      Events:
        Get:
          Type: Api
          Properties: {RestApiId: !Ref Api, Path: /v, Method: get}
Outputs:
  ApiId:
    Value: !Ref Api
`;
    writeFileSync(join(d, 'template.yaml'), tpl);
    writeFileSync(join(d, 'src', 'index.js'), 'exports.handler = async () => ({ statusCode: 200, body: "one" });');
    const first = await deployStack({ templatePath: join(d, 'template.yaml'), stackName: 'linear', overrides: new Map(), clients, log: () => undefined });
    writeFileSync(join(d, 'src', 'index.js'), 'exports.handler = async () => ({ statusCode: 200, body: "two" });');
    const lines: string[] = [];
    await deployStack({ templatePath: join(d, 'template.yaml'), stackName: 'linear', overrides: new Map(), clients, log: (l) => lines.push(l), timeScale: 0.0005 });
    const steps = lines.filter((l) => /live: \d+% of traffic on version 2/.test(l)).map((l) => Number(/(\d+)%/.exec(l)![1]));
    expect(steps).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    const res = await request(`${nimbus.endpoint}/_aws/execute-api/${output(first.outputs, 'ApiId')}/v1/v`);
    expect(await res.body.text()).toBe('two');
    await deleteStack({ stackName: 'linear', clients, project: d, log: () => undefined });
  });
});

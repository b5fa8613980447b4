import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planTemplate } from './plan.js';
import { parseParameterOverrides } from './parameters.js';
import { evaluate, type EvalContext } from './intrinsics.js';
import { parseTemplateText } from './yaml.js';

const scratch = mkdtempSync(join(tmpdir(), 'sam-plan-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(scratch, 'case-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(d, name, '..'), { recursive: true });
    writeFileSync(join(d, name), content);
  }
  return d;
}

function plan(template: string, overrides: Record<string, string> = {}, extra: Record<string, string> = {}) {
  const d = dir({ 'template.yaml': template, 'src/index.mjs': 'export const handler = async () => 1;', ...extra });
  return planTemplate({ templatePath: join(d, 'template.yaml'), stackName: 'st', region: 'us-east-1', accountId: '000000000000', overrides: new Map(Object.entries(overrides)) });
}

function planError(template: string, overrides: Record<string, string> = {}): string {
  try {
    plan(template, overrides);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a template error');
}

const FN = `
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
`;

describe('YAML short forms', () => {
  it('turns every short tag into its long form', () => {
    const t = parseTemplateText(`
A: !Ref X
B: !GetAtt Fn.Arn
C: !Sub 'x-\${AWS::Region}'
D: !Join [',', [a, !Ref Y]]
E: !If [Cond, 1, 2]
F: !Select [0, !Split [',', 'a,b']]
G: !FindInMap [M, k, v]
H: !Equals [a, b]
I: !Not [!Condition C]
J: !And [!Equals [1, 1], !Or [!Equals [1, 2], !Equals [2, 2]]]
K: !Base64 hello
L: !GetAZs ''
`);
    expect(t.A).toEqual({ Ref: 'X' });
    expect(t.B).toEqual({ 'Fn::GetAtt': ['Fn', 'Arn'] });
    expect(t.D).toEqual({ 'Fn::Join': [',', ['a', { Ref: 'Y' }]] });
    expect(t.F).toEqual({ 'Fn::Select': [0, { 'Fn::Split': [',', 'a,b'] }] });
    expect(t.I).toEqual({ 'Fn::Not': [{ Condition: 'C' }] });
    expect(t.L).toEqual({ 'Fn::GetAZs': '' });
  });
  it('reports invalid YAML with a line number and unknown tags with a path', () => {
    expect(() => parseTemplateText('a: [1, 2\nb: 3')).toThrow(/not valid YAML \(line \d+, column \d+\)/);
    expect(() => parseTemplateText('Resources:\n  X: !Reff Y')).toThrow(/Resources\.X: unknown tag !Reff/);
    expect(() => parseTemplateText('{"a": ')).toThrow(/not valid JSON/);
  });
});

describe('intrinsics', () => {
  const ctx: EvalContext = {
    pseudo: { region: 'eu-west-1', accountId: '123456789012', stackName: 's', stackId: 'id', partition: 'aws', urlSuffix: 'amazonaws.com' },
    parameters: new Map<string, string | string[]>([['Env', 'dev'], ['Subnets', ['a', 'b']]]),
    conditions: new Map([['IsDev', true]]),
    mappings: { M: { dev: { size: 128 } } },
    resources: { has: (id) => id === 'Fn', type: () => 'AWS::Lambda::Function', ref: () => 'fn-name', attr: () => 'arn:fn' },
    planning: false,
  };
  it('evaluates the functions and pseudo parameters', () => {
    expect(evaluate({ 'Fn::Sub': 'a-${Env}-${AWS::Region}-${Fn.Arn}-${!Lit}' }, '', ctx)).toBe('a-dev-eu-west-1-arn:fn-${Lit}');
    expect(evaluate({ 'Fn::Sub': ['${X}/${Fn}', { X: { Ref: 'AWS::AccountId' } }] }, '', ctx)).toBe('123456789012/fn-name');
    expect(evaluate({ 'Fn::Join': ['-', { Ref: 'Subnets' }] }, '', ctx)).toBe('a-b');
    expect(evaluate({ 'Fn::FindInMap': ['M', { Ref: 'Env' }, 'size'] }, '', ctx)).toBe(128);
    expect(evaluate({ 'Fn::If': ['IsDev', 'yes', 'no'] }, '', ctx)).toBe('yes');
    expect(evaluate({ 'Fn::Select': [1, { 'Fn::Split': [',', 'x,y,z'] }] }, '', ctx)).toBe('y');
    expect(evaluate({ 'Fn::Base64': 'hi' }, '', ctx)).toBe('aGk=');
    expect(evaluate({ a: { Ref: 'AWS::NoValue' }, b: [1, { Ref: 'AWS::NoValue' }] }, '', ctx)).toEqual({ b: [1] });
    expect(evaluate({ 'Fn::GetAZs': '' }, '', ctx)).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
  });
  it('names the path of a bad intrinsic', () => {
    expect(() => evaluate({ x: { 'Fn::Select': [5, ['a']] } }, 'Resources.R.Properties', ctx)).toThrow(/Resources\.R\.Properties\.x\.Fn::Select: Fn::Select index 5 is out of range/);
    expect(() => evaluate({ Ref: 'Nope' }, 'P', ctx)).toThrow(/P\.Ref: Ref to "Nope"/);
    expect(() => evaluate({ 'Fn::Join': ['-'] }, 'P', ctx)).toThrow(/Fn::Join needs/);
    expect(() => evaluate({ 'Fn::If': ['Missing', 1, 2] }, 'P', ctx)).toThrow(/condition "Missing" is not declared/);
  });
});

describe('parameter overrides', () => {
  it('parses both forms and quotes', () => {
    const m = parseParameterOverrides(['A=1 B="two words"', 'ParameterKey=C,ParameterValue=x=y']);
    expect([...m]).toEqual([['A', '1'], ['B', 'two words'], ['C', 'x=y']]);
  });
});

describe('planning', () => {
  const tpl = `${FN}
Parameters:
  Stage:
    Type: String
    Default: dev
    AllowedValues: [dev, prod]
  Mem:
    Type: Number
    Default: 256
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  NotProd: !Not [!Condition IsProd]
Globals:
  Function:
    Timeout: 5
    Environment:
      Variables:
        A: global
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      MemorySize: !Ref Mem
      Environment:
        Variables:
          B: local
      AutoPublishAlias: live
      Events:
        Get:
          Type: Api
          Properties:
            Path: /hello
            Method: get
  ProdOnly:
    Type: AWS::Serverless::Function
    Condition: IsProd
    Properties:
      InlineCode: "exports.handler = async () => 1"
      Handler: index.handler
      Runtime: nodejs20.x
Outputs:
  Url:
    Value: !Sub "https://\${ServerlessRestApi}.execute-api.\${AWS::Region}.\${AWS::URLSuffix}/Prod/hello"
  Role:
    Value: !GetAtt HelloRole.Arn
`;
  it('applies Globals, the SAM transform, conditions and dependency order', () => {
    const p = plan(tpl);
    const ids = p.resources.map((r) => r.logicalId);
    expect(ids).not.toContain('ProdOnly');
    const fn = p.resources.find((r) => r.logicalId === 'Hello')!;
    expect(fn.type).toBe('AWS::Lambda::Function');
    expect(fn.properties.Timeout).toBe(5);
    expect(fn.properties.Environment).toEqual({ Variables: { A: 'global', B: 'local' } });
    const version = ids.find((i) => i.startsWith('HelloVersion'))!;
    expect(ids.indexOf('HelloRole')).toBeLessThan(ids.indexOf('Hello'));
    expect(ids.indexOf('Hello')).toBeLessThan(ids.indexOf(version));
    expect(ids.indexOf(version)).toBeLessThan(ids.indexOf('HelloAliaslive'));
    expect(ids.indexOf('HelloAliaslive')).toBeLessThan(ids.indexOf('ServerlessRestApi'));
    expect(ids).toContain('ServerlessRestApiProdStage');
    expect(ids).toContain('HelloGetPermissionProd');
    expect(p.conditions.get('NotProd')).toBe(true);
    expect(plan(tpl, { Stage: 'prod' }).resources.map((r) => r.logicalId)).toContain('ProdOnly');
  });
  it('reports parameter errors', () => {
    expect(planError(tpl, { Stage: 'qa' })).toMatch(/Parameters\.Stage: value "qa" of parameter Stage is not one of AllowedValues \[dev, prod\]/);
    expect(planError(tpl, { Mem: 'lots' })).toMatch(/Parameters\.Mem: value "lots" of parameter Mem is not a number/);
    expect(planError(tpl, { Nope: '1' })).toMatch(/parameter "Nope" is not declared/);
  });
  it('names the resource and property path of template errors', () => {
    expect(planError(`${FN}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: missing/
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Q:
          Type: SQS
          Properties: {}
`)).toMatch(/Resources\.Fn\.Properties\.CodeUri: missing\/ does not exist[\s\S]*Resources\.Fn\.Properties\.Events\.Q\.Type: event type SQS is not supported/);
    expect(planError(`Resources:\n  B:\n    Type: AWS::S3::Bucket\n`)).toMatch(/Resources\.B\.Type: resource type AWS::S3::Bucket is not supported/);
    expect(planError(`${FN}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      InlineCode: x\n      Handler: h\n      Runtime: nodejs20.x\n      Timeoutt: 3\n`)).toMatch(/Resources\.F\.Properties\.Timeoutt: unknown property/);
    expect(planError(`Resources:\n  F:\n    Type: AWS::Serverless::Function\n`)).toMatch(/needs Transform/);
    expect(planError(`${FN}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      InlineCode: x\n      Handler: h\n      Runtime: nodejs20.x\n      Description: !GetAtt Nope.Arn\n`)).toMatch(/Resources\.F\.Properties\.Description\.Fn::GetAtt: Fn::GetAtt refers to "Nope"/);
    expect(planError(`${FN}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      InlineCode: x\n      Handler: h\n      Runtime: nodejs20.x\n      Description: !GetAtt F.Nope\n`)).toMatch(/AWS::Lambda::Function F has no attribute Nope/);
  });
  it('an unknown attribute beside Type is dropped on SAM resources (as the transform does) and refused on others', () => {
    const p = plan(`${FN}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Description: Invoked by EventBridge rule\n    Properties:\n      InlineCode: x\n      Handler: h\n      Runtime: nodejs20.x\n`);
    const fn = p.resources.find((r) => r.logicalId === 'F')!;
    expect(fn.type).toBe('AWS::Lambda::Function');
    expect(JSON.stringify(fn)).not.toContain('Invoked by EventBridge rule');
    expect(planError(`Resources:\n  G:\n    Type: AWS::Logs::LogGroup\n    Description: x\n`)).toMatch(/Resources\.G\.Description: is not a valid resource attribute/);
  });

  it('EventBridge Scheduler expressions take any rate unit (rate(5 minute)), as Scheduler does, for ScheduleV2 and AWS::Scheduler::Schedule', () => {
    const fn = `${FN}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      InlineCode: x\n      Handler: h\n      Runtime: nodejs20.x\n`;
    const v2 = plan(`${fn}      Events:\n        Tick:\n          Type: ScheduleV2\n          Properties:\n            ScheduleExpression: rate(5 minute)\n`);
    expect(v2.resources.find((r) => r.logicalId === 'FTick')!.properties.ScheduleExpression).toBe('rate(5 minutes)');
    const raw = (expr: string, extra = '') => `${fn}  S:\n    Type: AWS::Scheduler::Schedule\n    Properties:\n      Name: MySchedule\n      ScheduleExpression: '${expr}'\n      FlexibleTimeWindow: {Mode: 'OFF'}\n      Target:\n        Arn: !GetAtt F.Arn\n        RoleArn: arn:aws:iam::000000000000:role/r\n${extra}`;
    const s = plan(raw('rate(5 minute)')).resources.find((r) => r.logicalId === 'S')!;
    expect(s.type).toBe('AWS::Scheduler::Schedule');
    expect(s.dependsOn).toContain('F');
    expect(planError(raw('rate(five minutes)'))).toMatch(/Resources\.S\.Properties\.ScheduleExpression: Parameter ScheduleExpression is not valid/);
    expect(planError(raw('at(2030-01-01T00:00:00)'))).toMatch(/Resources\.S\.Properties\.ScheduleExpression: one-time at\(\) schedules are not supported/);
    expect(planError(raw('cron(0 8 * * ? *)', '      ScheduleExpressionTimezone: Europe/Paris\n'))).toMatch(/Resources\.S\.Properties\.ScheduleExpressionTimezone: only UTC/);
  });

  it('takes SAM\'s RuntimeManagementConfig and PropagateTags on functions; RuntimeManagementPolicy is no SAM property', () => {
    const fn = (extra: string) => `${FN}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      InlineCode: x\n      Handler: h\n      Runtime: nodejs20.x\n${extra}`;
    expect(plan(fn('      RuntimeManagementConfig: {UpdateRuntimeOn: Auto}\n      PropagateTags: true\n')).resources.find((r) => r.logicalId === 'F')!.type).toBe('AWS::Lambda::Function');
    expect(planError(fn('      RuntimeManagementPolicy: {UpdateRuntimeOn: Auto}\n'))).toMatch(/Resources\.F\.Properties\.RuntimeManagementPolicy: unknown property/);
  });

  it('reports dependency cycles', () => {
    const msg = planError(`
Resources:
  A:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Ref B
  B:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: !Ref C
  C:
    Type: AWS::Logs::LogGroup
    DependsOn: A
`);
    expect(msg).toMatch(/circular dependency between resources: A → B → C → A/);
  });
  it('resolves SAM\'s Fn.Alias / Fn.Version shortcuts', () => {
    const p = plan(`${FN}
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "exports.handler = async () => 1"
      Handler: index.handler
      Runtime: nodejs20.x
      AutoPublishAlias: live
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition: {StartAt: A, States: {A: {Type: Pass, End: true}}}
      DefinitionSubstitutions:
        Fn: !Ref Hello.Alias
        V: !Sub "\${Hello.Version}"
Outputs:
  Alias:
    Value: !Ref Hello.Alias
`);
    const flow = p.resources.find((r) => r.logicalId === 'Flow')!;
    expect(flow.properties.DefinitionSubstitutions).toEqual({ Fn: { Ref: 'HelloAliaslive' }, V: { 'Fn::Sub': expect.stringMatching(/^\$\{HelloVersion[0-9a-f]{10}\}$/) } });
    expect(flow.dependsOn).toContain('HelloAliaslive');
    expect(p.outputs[0]!.value).toEqual({ Ref: 'HelloAliaslive' });
  });
  it('EventBridgeRule events keep their EventBusName (functions and state machines); schedules stay on the default bus', () => {
    const fnWith = (event: string) => `${FN}
Resources:
  Bus:
    Type: AWS::Events::EventBus
    Properties: {Name: orders}
  Fn:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src/, Handler: index.handler, Runtime: nodejs20.x, Events: {E: ${event}}}
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition: {StartAt: A, States: {A: {Type: Pass, End: true}}}
      Events:
        Placed: {Type: CloudWatchEvent, Properties: {EventBusName: !GetAtt Bus.Arn, Pattern: {source: [shop]}}}
`;
    const p = plan(fnWith('{Type: EventBridgeRule, Properties: {EventBusName: !Ref Bus, Pattern: {source: [shop]}}}'));
    const rule = (id: string) => p.resources.find((r) => r.logicalId === id)!;
    expect(rule('FnE').properties.EventBusName).toEqual({ Ref: 'Bus' });
    expect(rule('FnE').dependsOn).toContain('Bus');
    expect(rule('FlowPlaced').properties.EventBusName).toEqual({ 'Fn::GetAtt': ['Bus', 'Arn'] });
    expect(planError(fnWith('{Type: Schedule, Properties: {Schedule: rate(1 minute), EventBusName: orders}}'))).toContain('scheduled rules run only on the default event bus');
    // Target ids as SAM writes them: <rule>LambdaTarget / <rule>StepFunctionsTarget, or the event's Target.Id.
    expect((rule('FnE').properties.Targets as Array<{ Id: string }>)[0]!.Id).toBe('FnELambdaTarget');
    expect((rule('FlowPlaced').properties.Targets as Array<{ Id: string }>)[0]!.Id).toBe('FlowPlacedStepFunctionsTarget');
    const own = plan(fnWith('{Type: EventBridgeRule, Properties: {Pattern: {source: [shop]}, Target: {Id: OrderTarget}, RetryPolicy: {MaximumRetryAttempts: 5}}}'));
    expect(own.resources.find((r) => r.logicalId === 'FnE')!.properties.Targets).toEqual([{ Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Id: 'OrderTarget', RetryPolicy: { MaximumRetryAttempts: 5 } }]);
  });
  it('generated resources inherit the Condition of their SAM resource', () => {
    const t = `${FN}
Parameters:
  On: {Type: String, Default: 'no'}
Conditions:
  Enabled: !Equals [!Ref On, 'yes']
Resources:
  Api:
    Type: AWS::Serverless::Api
    Condition: Enabled
    Properties:
      StageName: v1
  Fn:
    Type: AWS::Serverless::Function
    Condition: Enabled
    Properties:
      InlineCode: x
      Handler: index.handler
      Runtime: nodejs20.x
      AutoPublishAlias: live
      Events:
        E:
          Type: Api
          Properties: {Path: /x, Method: get, RestApiId: !Ref Api}
  Always:
    Type: AWS::Logs::LogGroup
`;
    expect(plan(t).resources.map((r) => r.logicalId)).toEqual(['Always']);
    expect(plan(t, { On: 'yes' }).resources.length).toBeGreaterThan(6);
  });
});

describe('what real SAM apps rely on', () => {
  const byId = (p: ReturnType<typeof plan>, id: string) => p.resources.find((r) => r.logicalId === id);

  it('an explicit DefinitionBody is left as written by Api events; MergeDefinitions writes them in', () => {
    const tpl = (merge: string) => `${FN}
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
${merge}      DefinitionBody:
        swagger: '2.0'
        info: {title: t, version: '1'}
        paths:
          /pets:
            get:
              x-amazon-apigateway-integration: {type: mock, requestTemplates: {application/json: '{"statusCode": 200}'}}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Get: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /pets, Method: get}}
        Put: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /other, Method: put}}
`;
    const own = plan(tpl(''));
    const paths = (byId(own, 'Api')!.properties.Body as { paths: Record<string, Record<string, { 'x-amazon-apigateway-integration': { type: string } }>> }).paths;
    expect(Object.keys(paths)).toEqual(['/pets']);
    expect(paths['/pets']!.get!['x-amazon-apigateway-integration'].type).toBe('mock');
    expect(byId(own, 'FnGetPermissiondev')).toBeTruthy();
    const merged = plan(tpl('      MergeDefinitions: true\n'));
    expect(Object.keys((byId(merged, 'Api')!.properties.Body as { paths: object }).paths).sort()).toEqual(['/other', '/pets']);
  });

  it('AWS::Include splices a local file in before the SAM transform', () => {
    const d = dir({
      'template.yaml': `${FN}
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters: {Location: api/openapi.yaml}
`,
      'api/openapi.yaml': "openapi: 3.0.1\ninfo: {title: inc, version: '1'}\npaths:\n  /x:\n    get:\n      x-amazon-apigateway-integration:\n        type: mock\n        uri: !Sub 'arn:\\${AWS::Partition}:x'\n",
    });
    const p = planTemplate({ templatePath: join(d, 'template.yaml'), stackName: 'st', region: 'us-east-1', accountId: '000000000000', overrides: new Map() });
    const body = byId(p, 'Api')!.properties.Body as { openapi: string; paths: Record<string, unknown> };
    expect(body.openapi).toBe('3.0.1');
    expect(Object.keys(body.paths)).toEqual(['/x']);
    expect(planError(`${FN}
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      DefinitionBody: {'Fn::Transform': {Name: AWS::Include, Parameters: {Location: s3://bucket/api.yaml}}}
`)).toMatch(/Resources\.Api\.Properties\.DefinitionBody\.Fn::Transform\.Parameters\.Location: s3:\/\/bucket\/api\.yaml: S3 locations are not supported/);
  });

  it('no CodeUri means the template folder; a disabled DeploymentPreference needs no alias; CodeDeploy names resolve', () => {
    const p = plan(`${FN}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: src/index.handler
      Runtime: nodejs20.x
      AutoPublishAlias: live
      DeploymentPreference: {Type: AllAtOnce}
  Hook:
    Type: AWS::Serverless::Function
    Properties:
      Handler: src/index.handler
      Runtime: nodejs20.x
      DeploymentPreference: {Enabled: false}
      Environment:
        Variables:
          APP: !Ref ServerlessDeploymentApplication
          GROUP: !Ref FnDeploymentGroup
`);
    expect((byId(p, 'Fn')!.properties.Code as Record<string, string>)['Nimbus::CodePath']).toMatch(/case-\w+$/);
    expect(byId(p, 'ServerlessDeploymentApplication')!.type).toBe('AWS::CodeDeploy::Application');
    expect(byId(p, 'FnDeploymentGroup')!.type).toBe('AWS::CodeDeploy::DeploymentGroup');
    expect(byId(p, 'HookDeploymentGroup')).toBeUndefined();
  });

  it('Api Models and an event RequestModel become a body parameter and a request validator', () => {
    const p = plan(`${FN}
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      Models:
        Pet: {type: object, required: [name]}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Post:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /pets
            Method: post
            RequestModel: {Model: Pet, Required: true, ValidateBody: true}
            RequestParameters: [method.request.header.X-Trace, {method.request.querystring.page: {Required: true}}]
`);
    const body = byId(p, 'Api')!.properties.Body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(body.definitions).toEqual({ pet: { type: 'object', required: ['name'] } });
    expect(body['x-amazon-apigateway-request-validators']).toEqual({ 'body-only': { validateRequestBody: true, validateRequestParameters: false } });
    const op = body.paths['/pets'].post;
    expect(op['x-amazon-apigateway-request-validator']).toBe('body-only');
    expect(op.parameters).toEqual([
      { in: 'body', name: 'pet', required: true, schema: { $ref: '#/definitions/pet' } },
      { name: 'X-Trace', in: 'header', type: 'string' },
      { name: 'page', in: 'query', required: true, type: 'string' },
    ]);
    expect(planError(`${FN}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Post: {Type: Api, Properties: {Path: /p, Method: post, RequestModel: {Model: Nope}}}
`)).toMatch(/RequestModel\.Model: Unable to find Model with name 'Nope'/);
  });
});

describe('Api Auth defaults over the whole definition (SAM SwaggerEditor)', () => {
  const byId = (p: ReturnType<typeof plan>, id: string) => p.resources.find((r) => r.logicalId === id);
  type Ops = Record<string, Record<string, { security?: unknown[] }>>;
  const paths = (p: ReturnType<typeof plan>) => (byId(p, 'Api')!.properties.Body as { paths: Ops }).paths;
  const tpl = (auth: string, cors = '') => `${FN}
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
${cors}      Auth:
${auth}
      DefinitionBody:
        swagger: '2.0'
        paths:
          /own:
            get:
              x-amazon-apigateway-integration: {type: mock, requestTemplates: {application/json: '{"statusCode": 200}'}}
            post:
              security: [{Other: []}]
              x-amazon-apigateway-integration: {type: mock, requestTemplates: {application/json: '{"statusCode": 200}'}}
  AuthFn:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src/, Handler: index.handler, Runtime: nodejs20.x}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Open: {Type: Api, Properties: {RestApiId: !Ref Api, Path: /open, Method: get, Auth: {Authorizer: NONE, ApiKeyRequired: false}}}
`;
  const AUTHORIZERS = `        Authorizers:
          Gate: {FunctionArn: !GetAtt AuthFn.Arn}
          Other: {FunctionArn: !GetAtt AuthFn.Arn}`;

  it('DefaultAuthorizer guards the document\'s own operations; a named authorizer stays; NONE opts out', () => {
    const p = paths(plan(tpl(`        DefaultAuthorizer: Gate\n${AUTHORIZERS}`).replace('      Auth:', '      MergeDefinitions: true\n      Auth:')));
    expect(p['/own']!.get!.security).toEqual([{ Gate: [] }]);
    expect(p['/own']!.post!.security).toEqual([{ Other: [] }]);
    expect(p['/open']!.get!.security).toBeUndefined();
  });

  it('CORS preflights get the default authorizer unless AddDefaultAuthorizerToCorsPreflight is false', () => {
    const cors = "      Cors: \"'*'\"\n";
    expect(paths(plan(tpl(`        DefaultAuthorizer: Gate\n${AUTHORIZERS}`, cors)))['/own']!.options!.security).toEqual([{ Gate: [] }]);
    expect(paths(plan(tpl(`        DefaultAuthorizer: Gate\n        AddDefaultAuthorizerToCorsPreflight: false\n${AUTHORIZERS}`, cors)))['/own']!.options!.security).toBeUndefined();
  });

  it('ApiKeyRequired applies to every operation, beside the authorizer; ApiKeyRequired: false on an event opts out', () => {
    const p = paths(plan(tpl(`        ApiKeyRequired: true\n        DefaultAuthorizer: Gate\n${AUTHORIZERS}`).replace('      Auth:', '      MergeDefinitions: true\n      Auth:')));
    expect(p['/own']!.get!.security).toEqual([{ Gate: [] }, { api_key: [] }]);
    expect(p['/open']!.get!.security).toBeUndefined();
  });
});

describe('HttpApi stage settings', () => {
  it('AccessLogSettings and RouteSettings reach the AWS::ApiGatewayV2::Stage (SAM passes them on)', () => {
    const p = plan(`${FN}
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      AccessLogSettings:
        DestinationArn: !GetAtt Logs.Arn
        Format: '$context.requestId $context.status'
      RouteSettings:
        'GET /x': {ThrottlingBurstLimit: 1}
`);
    const stage = p.resources.find((r) => r.logicalId === 'ApiApiGatewayDefaultStage')!;
    expect(stage.properties).toMatchObject({
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': ['Logs', 'Arn'] }, Format: '$context.requestId $context.status' },
      RouteSettings: { 'GET /x': { ThrottlingBurstLimit: 1 } },
    });
  });
});

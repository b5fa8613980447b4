import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planTemplate } from './plan.js';

const scratch = mkdtempSync(join(tmpdir(), 'sam-httpapi-definition-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function plan(template: string, files: Record<string, string> = {}) {
  const d = mkdtempSync(join(scratch, 'case-'));
  for (const [name, content] of Object.entries({ 'template.yaml': template, 'src/index.mjs': 'export const handler = async () => 1;', ...files })) {
    mkdirSync(join(d, name, '..'), { recursive: true });
    writeFileSync(join(d, name), content);
  }
  return planTemplate({ templatePath: join(d, 'template.yaml'), stackName: 'st', region: 'us-east-1', accountId: '000000000000', overrides: new Map() });
}

const TEMPLATE = (definition: string) => `
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
${definition}
      CorsConfiguration: true
      Auth:
        DefaultAuthorizer: Gate
        Authorizers:
          Gate:
            FunctionArn: !GetAtt Fn.Arn
            AuthorizerPayloadFormatVersion: '2.0'
            Identity: { Headers: [Authorization], ReauthorizeEvery: 30 }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Declared: { Type: HttpApi, Properties: { ApiId: !Ref Api, Path: /declared, Method: post } }
        Open: { Type: HttpApi, Properties: { ApiId: !Ref Api, Path: /open, Method: get, Auth: { Authorizer: NONE } } }
        Fallback: { Type: HttpApi, Properties: { ApiId: !Ref Api, PayloadFormatVersion: '1.0' } }
`;

const DOC = `openapi: 3.0.1
info: { title: doc, version: '1' }
paths:
  /declared:
    post:
      operationId: declared
  /own:
    get:
      x-amazon-apigateway-integration: { type: http_proxy, uri: 'http://example.com', payloadFormatVersion: '1.0' }
`;

describe('AWS::Serverless::HttpApi with a definition', () => {
  it('merges events, authorizers and CORS into the document and emits no route resources', () => {
    const p = plan(TEMPLATE('      DefinitionUri: api.yaml'), { 'api.yaml': DOC });
    const types = p.resources.map((r) => `${r.logicalId}:${r.type}`);
    expect(types.filter((t) => t.includes('ApiGatewayV2'))).toEqual(expect.arrayContaining(['Api:AWS::ApiGatewayV2::Api', 'ApiApiGatewayDefaultStage:AWS::ApiGatewayV2::Stage']));
    expect(types.some((t) => /::(Route|Integration|Authorizer)$/.test(t))).toBe(false);
    expect(types).toEqual(expect.arrayContaining(['FnDeclaredPermission:AWS::Lambda::Permission', 'ApiGateAuthorizerPermission:AWS::Lambda::Permission']));
    const body = p.resources.find((r) => r.logicalId === 'Api')!.properties.Body as Record<string, any>;
    expect(body.paths['/declared'].post).toMatchObject({ operationId: 'declared', security: [{ Gate: [] }], 'x-amazon-apigateway-integration': { type: 'aws_proxy', httpMethod: 'POST', payloadFormatVersion: '2.0' } });
    expect(body.paths['/open'].get.security).toEqual([]);
    expect(body.paths['$default']['x-amazon-apigateway-any-method']).toMatchObject({ isDefaultRoute: true, 'x-amazon-apigateway-integration': { payloadFormatVersion: '1.0' } });
    // The default authorizer guards the document's own operations too.
    expect(body.paths['/own'].get.security).toEqual([{ Gate: [] }]);
    expect(body.components.securitySchemes.Gate['x-amazon-apigateway-authorizer']).toMatchObject({
      type: 'request',
      authorizerPayloadFormatVersion: '2.0',
      identitySource: '$request.header.Authorization',
      authorizerResultTtlInSeconds: 30,
    });
    expect(body['x-amazon-apigateway-cors']).toEqual({ allowOrigins: ['*'], allowHeaders: ['*'], allowMethods: ['*'] });
  });

  it('reads an AWS::Include DefinitionBody like a DefinitionUri', () => {
    const p = plan(TEMPLATE('      DefinitionBody:\n        Fn::Transform: { Name: AWS::Include, Parameters: { Location: api.yaml } }'), { 'api.yaml': DOC });
    const body = p.resources.find((r) => r.logicalId === 'Api')!.properties.Body as Record<string, any>;
    expect(Object.keys(body.paths).sort()).toEqual(['$default', '/declared', '/open', '/own']);
  });
});

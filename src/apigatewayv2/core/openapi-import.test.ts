import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../protocol/errors.js';
import { planImport } from './openapi-import.js';

const lambda = 'arn:aws:lambda:us-east-1:000000000000:function:f';
const op = { 'x-amazon-apigateway-integration': { type: 'aws_proxy', uri: lambda, payloadFormatVersion: '2.0' } };
const doc = (extra: Record<string, unknown>) => JSON.stringify({ openapi: '3.0.1', info: { title: 't', version: '1' }, ...extra });

describe('planImport', () => {
  it('reads both spellings of the $default route and applies basepath=split', () => {
    const plan = planImport(doc({ servers: [{ url: 'https://h/stage/api' }], paths: { $default: { 'x-amazon-apigateway-any-method': op }, '/a': { get: op } } }), { basepath: 'split' });
    expect(plan.routes.map((r) => r.routeKey)).toEqual(['$default', 'GET /api/a']);
    expect(planImport(doc({ paths: { '/$default': { 'x-amazon-apigateway-any-method': op } } }), {}).routes[0]!.routeKey).toBe('$default');
    expect(() => planImport(doc({ paths: {} }), { basepath: 'sideways' })).toThrow(/Invalid basepath parameter/);
  });

  it('warns about what it does not follow or serve', () => {
    const plan = planImport(doc({ paths: { '/a': { $ref: '#/x', get: op }, '/$default': { get: op }, nope: { get: op } } }), {});
    expect(plan.routes.map((r) => r.routeKey)).toEqual(['GET /a']);
    expect(plan.warnings).toEqual([
      "Path '/a': path item references ($ref) are not followed; only the item's own operations are read",
      "Method 'get' of path '/$default': the $default route takes x-amazon-apigateway-any-method only; skipped",
      "Path 'nope' does not start with '/'; skipped",
    ]);
  });

  it('applies the document-wide security, and an operation\'s empty security opens the route', () => {
    const authorizer = {
      type: 'request',
      authorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${lambda}/invocations`,
      authorizerPayloadFormatVersion: '1.0',
      identitySource: '$request.header.A, $request.querystring.b',
    };
    const plan = planImport(
      doc({
        security: [{ Gate: [] }],
        paths: { '/closed': { get: op }, '/open': { get: { ...op, security: [] } } },
        components: { securitySchemes: { Gate: { type: 'apiKey', name: 'A', in: 'header', 'x-amazon-apigateway-authorizer': authorizer } } },
      }),
      {},
    );
    expect(plan.authorizers).toMatchObject([{ name: 'Gate', identitySource: ['$request.header.A', '$request.querystring.b'], authorizerPayloadFormatVersion: '1.0' }]);
    const [closed, open] = plan.routes;
    expect(closed).toMatchObject({ routeKey: 'GET /closed', authorizationType: 'CUSTOM', authorizerId: plan.authorizers[0]!.authorizerId });
    expect(open).toMatchObject({ routeKey: 'GET /open', authorizationType: 'NONE' });
    expect(() => planImport(doc({ paths: { '/a': { get: { ...op, security: [{ Iam: [] }] } } }, components: { securitySchemes: { Iam: { type: 'apiKey', 'x-amazon-apigateway-authtype': 'awsSigv4' } } } }), {})).toThrow(
      /GET \/a: Security scheme 'Iam' cannot guard the route: IAM authorization/,
    );
  });

  it('refuses duplicate routes, VPC links and bad CORS', () => {
    expect(() => planImport(doc({ paths: { '/a': { get: op, 'x-amazon-apigateway-any-method': op }, '/b': { get: { 'x-amazon-apigateway-integration': { ...op['x-amazon-apigateway-integration'], connectionType: 'VPC_LINK' } } } } }), {})).toThrow(
      /GET \/b: Connection type VPC_LINK is not supported/,
    );
    expect(() => planImport(doc({ paths: { $default: { 'x-amazon-apigateway-any-method': op }, '/$default': { 'x-amazon-apigateway-any-method': op } } }), {})).toThrow(
      /\$default: Route with key '\$default' is defined more than once/,
    );
    expect(() => planImport(doc({ 'x-amazon-apigateway-cors': { allowCredentials: true, allowOrigins: ['*'] } }), {})).toThrow(/x-amazon-apigateway-cors: allow-credentials/);
  });

  it('reads unquoted YAML format versions (2.0 parses as the number 2)', () => {
    const plan = planImport(`openapi: 3.0.1\ninfo: { title: t, version: 1 }\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration: { type: aws_proxy, uri: '${lambda}', payloadFormatVersion: 2.0 }\n`, {});
    expect(plan.integrations[0]!.payloadFormatVersion).toBe('2.0');
  });

  it('answers any junk in any place with a 400 or a plan, never another error', () => {
    const junk: unknown[] = [null, 7, -1.5, true, 'x', '', [], [1, 'a'], {}, { a: null }, { $ref: 7 }, { $ref: '#/nowhere' }];
    const shapes = (v: unknown): Record<string, unknown>[] => [
      { paths: v },
      { paths: { '/a': v } },
      { paths: { '/a': { get: v } } },
      { paths: { '/a': { get: { 'x-amazon-apigateway-integration': v } } } },
      { paths: { '/a': { get: { 'x-amazon-apigateway-integration': { type: 'aws_proxy', uri: v, payloadFormatVersion: v, timeoutInMillis: v, httpMethod: v } } } } },
      { paths: { '/a': { get: { security: v } } } },
      { paths: { '/a': { get: { security: [v] } } } },
      { components: v },
      { components: { securitySchemes: v } },
      { components: { securitySchemes: { S: { 'x-amazon-apigateway-authorizer': v } } } },
      { components: { securitySchemes: { S: { 'x-amazon-apigateway-authorizer': { type: 'request', authorizerUri: v, identitySource: v, authorizerPayloadFormatVersion: v, enableSimpleResponses: v, authorizerResultTtlInSeconds: v } } } } },
      { 'x-amazon-apigateway-cors': v },
      { 'x-amazon-apigateway-cors': { allowOrigins: v, maxAge: v, allowCredentials: v } },
      { 'x-amazon-apigateway-endpoint-configuration': v },
      { info: v },
      { servers: v },
    ];
    let planned = 0;
    for (const v of junk) {
      for (const extra of shapes(v)) {
        const text = JSON.stringify({ openapi: '3.0.1', info: { title: 't', version: '1' }, ...extra });
        try {
          planImport(text, { basepath: 'prepend' });
          planned++;
        } catch (err) {
          expect(err, text).toBeInstanceOf(ServiceError);
          expect((err as ServiceError).status, text).toBe(400);
        }
      }
    }
    expect(planned).toBeGreaterThan(0);
  });
});

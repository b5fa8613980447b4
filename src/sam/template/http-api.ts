// SAM's HTTP APIs: `AWS::Serverless::HttpApi` resources, the implicit `ServerlessHttpApi`, and the
// `HttpApi` events of functions, turned into raw `AWS::ApiGatewayV2::*` resources: the API, one
// Lambda proxy integration and route per event, and an auto-deployed stage (`$default` unless
// StageName says otherwise) named `<Api>ApiGatewayDefaultStage` as SAM names it. `!Ref` of the
// API is its id, so `https://${ServerlessHttpApi}.execute-api…` outputs work unchanged.
import { TemplateError, joinPath } from './errors.js';
import type { Json } from './yaml.js';

type Obj = Record<string, Json>;
type Add = (id: string, resource: Obj, path: string) => void;

export const IMPLICIT_HTTP_API = 'ServerlessHttpApi';

const HTTP_API_PROPS = new Set([
  'StageName', 'StageVariables', 'CorsConfiguration', 'Description', 'Name', 'Tags', 'DisableExecuteApiEndpoint',
  'FailOnWarnings', 'PropagateTags', 'Auth', 'AccessLogSettings', 'DefaultRouteSettings', 'RouteSettings',
  'DefinitionBody', 'DefinitionUri', 'Domain',
]);
const UNSUPPORTED: Record<string, string> = {
  Auth: 'authorizers (JWT, Lambda) for HTTP APIs are not supported by Nimbus',
  DefinitionBody: 'OpenAPI definitions for HTTP APIs are not supported by Nimbus; declare HttpApi events instead',
  DefinitionUri: 'OpenAPI definitions for HTTP APIs are not supported by Nimbus; declare HttpApi events instead',
  Domain: 'custom domains are not supported by Nimbus',
};
const EVENT_PROPS = new Set(['ApiId', 'Path', 'Method', 'PayloadFormatVersion', 'TimeoutInMillis', 'Auth', 'RouteSettings']);

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `CorsConfiguration: true` allows every origin, header and method, as SAM expands it. */
function corsOf(value: Json | undefined): Json | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { AllowOrigins: ['*'], AllowHeaders: ['*'], AllowMethods: ['*'] };
  return value;
}

export class HttpApiBuild {
  constructor(
    readonly id: string,
    private readonly props: Obj,
    private readonly path: string,
    private readonly res: Obj | undefined,
    private readonly errors: TemplateError[],
  ) {
    for (const k of Object.keys(props)) {
      if (!HTTP_API_PROPS.has(k)) errors.push(new TemplateError(joinPath(path, k), 'unknown property of AWS::Serverless::HttpApi'));
      else if (UNSUPPORTED[k]) errors.push(new TemplateError(joinPath(path, k), UNSUPPORTED[k]!));
    }
  }

  /** One `HttpApi` event: a Lambda proxy integration to `target` (a function or alias ARN) and its route. */
  addLambdaRoute(fnId: string, evId: string, target: Json, evProps: Obj, path: string, add: Add): void {
    for (const k of Object.keys(evProps)) {
      if (!EVENT_PROPS.has(k)) this.errors.push(new TemplateError(joinPath(path, k), 'unknown property of an HttpApi event'));
      else if (k === 'Auth') this.errors.push(new TemplateError(joinPath(path, k), UNSUPPORTED.Auth!));
    }
    const method = evProps.Method;
    const apiPath = evProps.Path;
    if ((method === undefined) !== (apiPath === undefined)) {
      this.errors.push(new TemplateError(path, 'an HttpApi event takes both Path and Method, or neither (the $default route)'));
      return;
    }
    if (apiPath !== undefined && (typeof apiPath !== 'string' || !apiPath.startsWith('/'))) {
      this.errors.push(new TemplateError(joinPath(path, 'Path'), 'must start with /'));
      return;
    }
    if (method !== undefined && typeof method !== 'string') {
      this.errors.push(new TemplateError(joinPath(path, 'Method'), 'must be an HTTP method or ANY'));
      return;
    }
    const verb = typeof method === 'string' ? (method.toLowerCase() === 'x-amazon-apigateway-any-method' ? 'ANY' : method.toUpperCase()) : undefined;
    const routeKey = verb === undefined ? '$default' : `${verb} ${apiPath as string}`;
    const integrationId = `${fnId}${evId}Integration`;
    add(integrationId, {
        Type: 'AWS::ApiGatewayV2::Integration',
        Properties: {
          ApiId: { Ref: this.id },
          IntegrationType: 'AWS_PROXY',
          IntegrationUri: { 'Fn::Sub': ['arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${__Target__}/invocations', { __Target__: target }] },
          PayloadFormatVersion: evProps.PayloadFormatVersion ?? '2.0',
          ...(evProps.TimeoutInMillis !== undefined ? { TimeoutInMillis: evProps.TimeoutInMillis } : {}),
        },
    }, path);
    add(`${fnId}${evId}Route`, {
      Type: 'AWS::ApiGatewayV2::Route',
      Properties: { ApiId: { Ref: this.id }, RouteKey: routeKey, Target: { 'Fn::Join': ['/', ['integrations', { Ref: integrationId }]] } },
    }, path);
    const source = verb === undefined ? '*' : `*/${verb === 'ANY' ? '*' : verb}${(apiPath as string).replace(/\{[^}]+\}/g, '*')}`;
    add(`${fnId}${evId}Permission`, {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: target,
        Principal: 'apigateway.amazonaws.com',
        SourceArn: { 'Fn::Sub': [`arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${__ApiId__}/${source}`, { __ApiId__: { Ref: this.id } }] },
      },
    }, path);
  }

  emit(add: Add): void {
    const p = this.props;
    const api: Obj = { ProtocolType: 'HTTP' };
    if (p.Name !== undefined) api.Name = p.Name;
    if (p.Description !== undefined) api.Description = p.Description;
    if (p.Tags !== undefined) api.Tags = p.Tags;
    if (p.DisableExecuteApiEndpoint !== undefined) api.DisableExecuteApiEndpoint = p.DisableExecuteApiEndpoint;
    const cors = corsOf(p.CorsConfiguration);
    if (cors !== undefined) api.CorsConfiguration = cors;
    const common: Obj = {};
    for (const k of ['DependsOn', 'Condition', 'Metadata', 'DeletionPolicy', 'UpdateReplacePolicy'] as const) if (this.res?.[k] !== undefined) common[k] = this.res[k]!;
    add(this.id, { Type: 'AWS::ApiGatewayV2::Api', Properties: api, ...common }, this.path);
    const stage: Obj = { ApiId: { Ref: this.id }, StageName: p.StageName ?? '$default', AutoDeploy: true };
    if (p.StageVariables !== undefined) stage.StageVariables = p.StageVariables;
    if (p.DefaultRouteSettings !== undefined) stage.DefaultRouteSettings = p.DefaultRouteSettings;
    add(`${this.id}ApiGatewayDefaultStage`, { Type: 'AWS::ApiGatewayV2::Stage', Properties: stage }, this.path);
  }
}

/** The HttpApi an event attaches to: its `ApiId` (a !Ref to an AWS::Serverless::HttpApi) or the implicit one. */
export function httpApiFor(
  apis: Map<string, HttpApiBuild>,
  implicit: () => HttpApiBuild,
  evProps: Obj,
  path: string,
  errors: TemplateError[],
): HttpApiBuild | undefined {
  const ref = evProps.ApiId;
  if (ref === undefined) return implicit();
  const target = isObj(ref) && typeof ref.Ref === 'string' ? ref.Ref : typeof ref === 'string' ? ref : undefined;
  const api = target ? apis.get(target) : undefined;
  if (!api) errors.push(new TemplateError(joinPath(path, 'ApiId'), 'must be a !Ref to an AWS::Serverless::HttpApi resource in this template'));
  return api;
}

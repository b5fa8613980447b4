// SAM's HTTP APIs: `AWS::Serverless::HttpApi` resources, the implicit `ServerlessHttpApi`, and the
// `HttpApi` events of functions, turned into raw `AWS::ApiGatewayV2::*` resources: the API, one
// Lambda proxy integration and route per event, and an auto-deployed stage (`$default` unless
// StageName says otherwise) named `<Api>ApiGatewayDefaultStage` as SAM names it. `!Ref` of the
// API is its id, so `https://${ServerlessHttpApi}.execute-api…` outputs work unchanged.
// `Auth.Authorizers` with a FunctionArn become Lambda (REQUEST) authorizers `<Api><Name>Authorizer`;
// routes take an event's `Auth.Authorizer` (`NONE` for none) or the API's `Auth.DefaultAuthorizer`.
// With DefinitionBody/DefinitionUri the API is its OpenAPI document instead (./http-api-definition.ts):
// events, authorizers and CORS are merged into it and the API resource carries it as `Body`.
import { TemplateError, joinPath } from './errors.js';
import { HttpApiDefinition } from './http-api-definition.js';
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
  Domain: 'custom domains are not supported by Nimbus',
};
const EVENT_PROPS = new Set(['ApiId', 'Path', 'Method', 'PayloadFormatVersion', 'TimeoutInMillis', 'Auth', 'RouteSettings']);

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const AUTH_PROPS = new Set(['Authorizers', 'DefaultAuthorizer', 'EnableIamAuthorizer']);
const AUTHORIZER_PROPS = new Set(['FunctionArn', 'FunctionInvokeRole', 'AuthorizerPayloadFormatVersion', 'EnableSimpleResponses', 'Identity', 'EnableFunctionDefaultPermissions']);
const JWT_AUTHORIZER_PROPS = new Set(['JwtConfiguration', 'IdentitySource', 'AuthorizationScopes']);
const IDENTITY_PROPS = new Set(['Headers', 'QueryStrings', 'StageVariables', 'ReauthorizeEvery']);

/** `Identity` of a SAM Lambda authorizer as IdentitySource expressions and the cache TTL. */
function identityOf(identity: Json | undefined, path: string, errors: TemplateError[]): { sources: string[]; ttl: Json | undefined } {
  if (identity === undefined) return { sources: [], ttl: undefined };
  if (!isObj(identity)) {
    errors.push(new TemplateError(path, 'must be a mapping (Headers, QueryStrings, StageVariables, ReauthorizeEvery)'));
    return { sources: [], ttl: undefined };
  }
  const sources: string[] = [];
  for (const [k, v] of Object.entries(identity)) {
    if (!IDENTITY_PROPS.has(k)) {
      errors.push(new TemplateError(joinPath(path, k), k === 'Context' ? 'context identity sources are not supported by Nimbus' : 'unknown property of an HttpApi authorizer Identity'));
      continue;
    }
    if (k === 'ReauthorizeEvery') continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
      errors.push(new TemplateError(joinPath(path, k), 'must be a list of names'));
      continue;
    }
    const prefix = k === 'Headers' ? '$request.header.' : k === 'QueryStrings' ? '$request.querystring.' : '$stageVariables.';
    for (const name of v as string[]) sources.push(prefix + name);
  }
  return { sources, ttl: identity.ReauthorizeEvery };
}

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
    /** Reads a DefinitionUri's document (a local file); throws TemplateError. */
    readDefinition?: (uri: string, path: string) => Json,
  ) {
    for (const k of Object.keys(props)) {
      if (!HTTP_API_PROPS.has(k)) errors.push(new TemplateError(joinPath(path, k), 'unknown property of AWS::Serverless::HttpApi'));
      else if (UNSUPPORTED[k]) errors.push(new TemplateError(joinPath(path, k), UNSUPPORTED[k]!));
    }
    this.definition = this.readDefinitionOf(readDefinition);
    if (props.Auth !== undefined) this.readAuth(props.Auth, joinPath(path, 'Auth'));
  }

  /** The API's OpenAPI document when it has DefinitionBody or DefinitionUri. */
  private readonly definition: HttpApiDefinition | undefined;

  private readDefinitionOf(read: ((uri: string, path: string) => Json) | undefined): HttpApiDefinition | undefined {
    const { DefinitionBody: body, DefinitionUri: uri } = this.props;
    if (body === undefined && uri === undefined) return undefined;
    if (body !== undefined && uri !== undefined) {
      this.errors.push(new TemplateError(this.path, 'specify either DefinitionBody or DefinitionUri, not both'));
      return undefined;
    }
    let doc: Json | undefined = body;
    const at = joinPath(this.path, body !== undefined ? 'DefinitionBody' : 'DefinitionUri');
    if (uri !== undefined) {
      if (typeof uri !== 'string' || !read) {
        this.errors.push(new TemplateError(at, 'must be a local file path (S3 locations are not supported by Nimbus)'));
        return undefined;
      }
      try {
        doc = read(uri, at);
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        this.errors.push(err);
        return undefined;
      }
    }
    if (!isObj(doc)) {
      this.errors.push(new TemplateError(at, 'must be an OpenAPI 3.0 document (a mapping)'));
      return undefined;
    }
    return new HttpApiDefinition(doc, this.path, this.errors);
  }

  /** Authorizer name → its `AWS::ApiGatewayV2::Authorizer` properties and the function it calls. */
  private readonly authorizers = new Map<string, { logicalId: string; props: Obj; functionArn?: Json; scopes?: Json }>();
  private defaultAuthorizer: string | undefined;

  private readAuth(auth: Json, path: string): void {
    if (!isObj(auth)) {
      this.errors.push(new TemplateError(path, 'must be a mapping (Authorizers, DefaultAuthorizer)'));
      return;
    }
    for (const k of Object.keys(auth)) {
      if (!AUTH_PROPS.has(k)) this.errors.push(new TemplateError(joinPath(path, k), 'unknown property of an HttpApi Auth'));
      else if (k === 'EnableIamAuthorizer' && auth[k] === true) this.errors.push(new TemplateError(joinPath(path, k), 'IAM authorization of HTTP APIs is not supported by Nimbus'));
    }
    const list = auth.Authorizers;
    if (list !== undefined && !isObj(list)) this.errors.push(new TemplateError(joinPath(path, 'Authorizers'), 'must be a mapping of authorizer name to its definition'));
    else if (list) {
      for (const [name, def] of Object.entries(list)) {
        const ap = joinPath(joinPath(path, 'Authorizers'), name);
        if (!isObj(def)) {
          this.errors.push(new TemplateError(ap, 'must be a mapping'));
          continue;
        }
        if (def.JwtConfiguration !== undefined) {
          this.readJwtAuthorizer(name, def, ap);
          continue;
        }
        for (const k of Object.keys(def)) if (!AUTHORIZER_PROPS.has(k)) this.errors.push(new TemplateError(joinPath(ap, k), 'unknown property of an HttpApi Lambda authorizer'));
        if (def.FunctionArn === undefined) {
          this.errors.push(new TemplateError(joinPath(ap, 'FunctionArn'), 'is required'));
          continue;
        }
        if (def.AuthorizerPayloadFormatVersion === undefined) {
          this.errors.push(new TemplateError(joinPath(ap, 'AuthorizerPayloadFormatVersion'), 'is required for Lambda authorizers (1.0 or 2.0)'));
          continue;
        }
        const { sources, ttl } = identityOf(def.Identity, joinPath(ap, 'Identity'), this.errors);
        const props: Obj = {
          ApiId: { Ref: this.id },
          Name: name,
          AuthorizerType: 'REQUEST',
          AuthorizerUri: {
            'Fn::Sub': ['arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${__FunctionArn__}/invocations', { __FunctionArn__: def.FunctionArn }],
          },
          AuthorizerPayloadFormatVersion: def.AuthorizerPayloadFormatVersion,
          ...(def.EnableSimpleResponses !== undefined ? { EnableSimpleResponses: def.EnableSimpleResponses } : {}),
          ...(sources.length > 0 ? { IdentitySource: sources } : {}),
          ...(ttl !== undefined ? { AuthorizerResultTtlInSeconds: ttl } : {}),
        };
        this.authorizers.set(name, { logicalId: `${this.id}${name.replace(/[^A-Za-z0-9]/g, '')}Authorizer`, props, functionArn: def.FunctionArn });
      }
    }
    const def = auth.DefaultAuthorizer;
    if (def !== undefined) {
      if (typeof def !== 'string' || !this.authorizers.has(def)) {
        this.errors.push(new TemplateError(joinPath(path, 'DefaultAuthorizer'), 'must name one of Auth.Authorizers'));
      } else this.defaultAuthorizer = def;
    }
  }

  /** An OAuth 2.0 / OpenID authorizer (`JwtConfiguration` with `issuer` and `audience`, as SAM spells them). */
  private readJwtAuthorizer(name: string, def: Obj, ap: string): void {
    for (const k of Object.keys(def)) if (!JWT_AUTHORIZER_PROPS.has(k)) this.errors.push(new TemplateError(joinPath(ap, k), 'unknown property of an HttpApi JWT authorizer'));
    const jwt = def.JwtConfiguration;
    if (!isObj(jwt)) {
      this.errors.push(new TemplateError(joinPath(ap, 'JwtConfiguration'), 'must be a mapping with issuer and audience'));
      return;
    }
    const issuer = jwt.issuer ?? jwt.Issuer;
    const audience = jwt.audience ?? jwt.Audience;
    if (issuer === undefined) this.errors.push(new TemplateError(joinPath(ap, 'JwtConfiguration.issuer'), 'is required'));
    if (audience === undefined) this.errors.push(new TemplateError(joinPath(ap, 'JwtConfiguration.audience'), 'is required'));
    if (issuer === undefined || audience === undefined) return;
    const props: Obj = {
      ApiId: { Ref: this.id },
      Name: name,
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: issuer, Audience: audience },
      IdentitySource: [def.IdentitySource ?? '$request.header.Authorization'],
    };
    this.authorizers.set(name, { logicalId: `${this.id}${name.replace(/[^A-Za-z0-9]/g, '')}Authorizer`, props, ...(def.AuthorizationScopes !== undefined ? { scopes: def.AuthorizationScopes } : {}) });
  }

  /** The route's authorizer: the event's `Auth.Authorizer` (`NONE`: undefined), else the API's default. */
  private routeAuthorizer(evAuth: Json | undefined, path: string): string | undefined {
    const name = this.defaultAuthorizer;
    if (evAuth === undefined) return name;
    if (!isObj(evAuth)) {
      this.errors.push(new TemplateError(path, 'must be a mapping (Authorizer)'));
      return undefined;
    }
    for (const k of Object.keys(evAuth)) if (k !== 'Authorizer' && k !== 'AuthorizationScopes') this.errors.push(new TemplateError(joinPath(path, k), 'unknown property of an HttpApi event Auth'));
    const chosen = evAuth.Authorizer;
    if (chosen === 'NONE') return undefined;
    if (chosen === undefined) return name;
    if (typeof chosen !== 'string' || !this.authorizers.has(chosen)) {
      this.errors.push(new TemplateError(joinPath(path, 'Authorizer'), 'must be NONE or name one of the API\'s Auth.Authorizers'));
      return undefined;
    }
    return chosen;
  }

  private routeAuth(evAuth: Json | undefined, path: string): Obj {
    const name = this.routeAuthorizer(evAuth, path);
    if (name === undefined) return {};
    const authorizer = this.authorizers.get(name)!;
    if (authorizer.props.AuthorizerType !== 'JWT') return { AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizer.logicalId } };
    const scopes = this.routeScopes(name, evAuth);
    return { AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizer.logicalId }, ...(scopes !== undefined ? { AuthorizationScopes: scopes } : {}) };
  }

  /** A JWT route's scopes: the event's `Auth.AuthorizationScopes`, else its authorizer's. */
  private routeScopes(name: string, evAuth: Json | undefined): Json | undefined {
    return (isObj(evAuth) ? evAuth.AuthorizationScopes : undefined) ?? this.authorizers.get(name)?.scopes;
  }

  /** One `HttpApi` event: a Lambda proxy integration to `target` (a function or alias ARN) and its route. */
  addLambdaRoute(fnId: string, evId: string, target: Json, evProps: Obj, path: string, add: Add): void {
    for (const k of Object.keys(evProps)) {
      if (!EVENT_PROPS.has(k)) this.errors.push(new TemplateError(joinPath(path, k), 'unknown property of an HttpApi event'));
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
    const permission = () => this.addPermission(fnId, evId, target, verb, apiPath as string | undefined, path, add);
    if (this.definition) {
      const integration: Obj = {
        type: 'aws_proxy',
        httpMethod: 'POST',
        uri: { 'Fn::Sub': ['arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${__Target__}/invocations', { __Target__: target }] },
        payloadFormatVersion: evProps.PayloadFormatVersion ?? '2.0',
        ...(evProps.TimeoutInMillis !== undefined ? { timeoutInMillis: evProps.TimeoutInMillis } : {}),
      };
      // Events always say who guards them: the default authorizer is then left to the document's own operations.
      const authorizer = this.routeAuthorizer(evProps.Auth, joinPath(path, 'Auth'));
      const scopes = authorizer === undefined ? undefined : this.routeScopes(authorizer, evProps.Auth);
      this.definition.addLambdaRoute(verb, apiPath as string | undefined, integration, authorizer === undefined ? [] : [{ [authorizer]: scopes ?? [] }], path);
      permission();
      return;
    }
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
      Properties: {
        ApiId: { Ref: this.id },
        RouteKey: routeKey,
        Target: { 'Fn::Join': ['/', ['integrations', { Ref: integrationId }]] },
        ...this.routeAuth(evProps.Auth, joinPath(path, 'Auth')),
      },
    }, path);
    permission();
  }

  /** API Gateway may invoke the event's function for its route. */
  private addPermission(fnId: string, evId: string, target: Json, verb: string | undefined, apiPath: string | undefined, path: string, add: Add): void {
    const source = verb === undefined ? '*' : `*/${verb === 'ANY' ? '*' : verb}${apiPath!.replace(/\{[^}]+\}/g, '*')}`;
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
    if (this.definition) {
      for (const [name, { props }] of this.authorizers) this.definition.addAuthorizer(name, props);
      if (this.defaultAuthorizer !== undefined) this.definition.applyDefaultAuthorizer(this.defaultAuthorizer);
      if (cors !== undefined) this.definition.setCors(cors);
      api.Body = this.definition.body;
      if (p.FailOnWarnings !== undefined) api.FailOnWarnings = p.FailOnWarnings;
    } else if (cors !== undefined) api.CorsConfiguration = cors;
    const common: Obj = {};
    for (const k of ['DependsOn', 'Condition', 'Metadata', 'DeletionPolicy', 'UpdateReplacePolicy'] as const) if (this.res?.[k] !== undefined) common[k] = this.res[k]!;
    add(this.id, { Type: 'AWS::ApiGatewayV2::Api', Properties: api, ...common }, this.path);
    const stage: Obj = { ApiId: { Ref: this.id }, StageName: p.StageName ?? '$default', AutoDeploy: true };
    if (p.StageVariables !== undefined) stage.StageVariables = p.StageVariables;
    if (p.DefaultRouteSettings !== undefined) stage.DefaultRouteSettings = p.DefaultRouteSettings;
    if (p.RouteSettings !== undefined) stage.RouteSettings = p.RouteSettings;
    if (p.AccessLogSettings !== undefined) stage.AccessLogSettings = p.AccessLogSettings;
    add(`${this.id}ApiGatewayDefaultStage`, { Type: 'AWS::ApiGatewayV2::Stage', Properties: stage }, this.path);
    for (const { logicalId, props, functionArn } of this.authorizers.values()) {
      // With a definition the authorizer is one of its security schemes, imported with it.
      if (!this.definition) add(logicalId, { Type: 'AWS::ApiGatewayV2::Authorizer', Properties: props }, this.path);
      if (functionArn === undefined) continue; // a JWT authorizer calls no function
      // As SAM does: API Gateway may call the authorizer function (FunctionInvokeRole is ignored).
      add(`${logicalId}Permission`, {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: functionArn,
          Principal: 'apigateway.amazonaws.com',
          SourceArn: { 'Fn::Sub': ['arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/authorizers/*', { __ApiId__: { Ref: this.id } }] },
        },
      }, this.path);
    }
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

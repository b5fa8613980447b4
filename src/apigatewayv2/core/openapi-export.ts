// ExportApi: an HTTP API as an OpenAPI 3.0 document, as AWS exports it: one path per route path
// (`$default` as `/$default` with x-amazon-apigateway-any-method), each operation with its
// `x-amazon-apigateway-integration`, Lambda authorizers as security schemes with
// `x-amazon-apigateway-authorizer`, CORS as `x-amazon-apigateway-cors`. Either a stage's deployed
// configuration or (no stageName) the API's latest one. The document imports back into an equal API.
import { stringify as toYaml } from 'yaml';
import { type CoreContext, requireApi } from './context.js';
import { BadRequest, notFound } from './errors.js';
import { DEFAULT_TIMEOUT_MS } from './integrations.js';
import type { Authorizer, Cors, HttpApi, Integration, Route, Snapshot } from './model.js';
import { DEFAULT_ROUTE, parseRouteKey } from './route-keys.js';

type Json = Record<string, unknown>;

export interface ExportRequest {
  readonly specification: string;
  readonly outputType: string | undefined;
  readonly stageName?: string;
  readonly exportVersion?: string;
  /** Default true, as AWS's. */
  readonly includeExtensions?: boolean;
}

export interface ExportedDocument {
  readonly data: Buffer;
  readonly contentType: string;
}

const VERB_KEYS: Record<string, string> = { ANY: 'x-amazon-apigateway-any-method' };
const verbKey = (method: string) => VERB_KEYS[method] ?? method.toLowerCase();

function exportIntegration(i: Integration): Json {
  return {
    type: i.integrationType.toLowerCase(),
    ...(i.integrationMethod !== undefined ? { httpMethod: i.integrationMethod } : {}),
    ...(i.integrationUri !== undefined ? { uri: i.integrationUri } : {}),
    ...(i.integrationSubtype !== undefined ? { integrationSubtype: i.integrationSubtype } : {}),
    ...(i.requestParameters !== undefined ? { requestParameters: i.requestParameters } : {}),
    ...(i.credentialsArn !== undefined ? { credentials: i.credentialsArn } : {}),
    payloadFormatVersion: i.payloadFormatVersion,
    connectionType: i.connectionType,
    ...(i.timeoutInMillis !== DEFAULT_TIMEOUT_MS ? { timeoutInMillis: i.timeoutInMillis } : {}),
    ...(i.description !== undefined ? { description: i.description } : {}),
  };
}

function exportAuthorizer(a: Authorizer, extensions: boolean): Json {
  if (a.authorizerType === 'JWT') {
    return {
      type: 'oauth2',
      flows: {},
      ...(extensions
        ? { 'x-amazon-apigateway-authorizer': { type: 'jwt', jwtConfiguration: { issuer: a.jwtConfiguration.issuer, audience: a.jwtConfiguration.audience }, identitySource: a.identitySource.join(', ') } }
        : {}),
    };
  }
  // A header identity source names the header, as AWS's apiKey schemes do.
  const header = a.identitySource.map((s) => /^\$request\.header\.(.+)$/.exec(s)?.[1]).find((h) => h !== undefined);
  return {
    type: 'apiKey',
    name: header ?? 'Unused',
    in: 'header',
    ...(extensions
      ? {
          'x-amazon-apigateway-authorizer': {
            type: 'request',
            identitySource: a.identitySource.join(', '),
            authorizerUri: a.authorizerUri,
            authorizerPayloadFormatVersion: a.authorizerPayloadFormatVersion,
            authorizerResultTtlInSeconds: a.authorizerResultTtlInSeconds,
            ...(a.enableSimpleResponses !== undefined ? { enableSimpleResponses: a.enableSimpleResponses } : {}),
          },
        }
      : {}),
  };
}

function exportCors(c: Cors): Json {
  const out: Json = {};
  for (const k of ['allowOrigins', 'allowCredentials', 'exposeHeaders', 'maxAge', 'allowMethods', 'allowHeaders'] as const) {
    if (c[k] !== undefined) out[k] = c[k];
  }
  return out;
}

/** The document of `api` with `config`'s routes, integrations, authorizers and CORS rules. */
export function buildDocument(api: HttpApi, config: Snapshot, endpoint: string, stageName: string | undefined, extensions: boolean): Json {
  const integrations = new Map(config.integrations.map((i) => [i.integrationId, i]));
  const authorizers = new Map((config.authorizers ?? []).map((a) => [a.authorizerId, a]));
  const paths: Record<string, Json> = {};
  // Sorted by path, then verb, so two exports of the same API are byte-equal.
  const routes = [...config.routes].sort((a, b) => (a.routeKey < b.routeKey ? -1 : a.routeKey > b.routeKey ? 1 : 0));
  for (const route of routes) {
    const parsed = parseRouteKey(route.routeKey);
    const path = parsed ? route.routeKey.slice(route.routeKey.indexOf(' ') + 1) : `/${DEFAULT_ROUTE}`;
    const method = parsed ? parsed.method : 'ANY';
    const item = (paths[path] ??= {});
    if (parsed && item.parameters === undefined) {
      const params = parsed.segments.filter((s) => s.kind !== 'literal').map((s) => {
        const name = s.kind === 'greedy' ? `${s.name}+` : (s as { name: string }).name;
        return { name, in: 'path', description: `Generated path parameter for ${name}`, required: true, schema: { type: 'string' } };
      });
      if (params.length > 0) item.parameters = params;
    }
    item[verbKey(method)] = operation(route, integrations, authorizers, extensions);
  }
  const schemes: Json = {};
  for (const a of authorizers.values()) schemes[a.name] = exportAuthorizer(a, extensions);
  const doc: Json = {
    openapi: '3.0.1',
    info: {
      title: api.name,
      ...(api.description !== undefined ? { description: api.description } : {}),
      // OpenAPI requires a version; AWS uses the API's, or a date when it has none.
      version: api.version ?? api.createdDate.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    },
    servers: [{ url: `${endpoint}/{basePath}`, variables: { basePath: { default: stageName === undefined || stageName === '$default' ? '' : stageName } } }],
    paths,
  };
  if (Object.keys(schemes).length > 0) doc.components = { securitySchemes: schemes };
  if (extensions) {
    if (config.cors) doc['x-amazon-apigateway-cors'] = exportCors(config.cors);
    if (api.disableExecuteApiEndpoint) doc['x-amazon-apigateway-endpoint-configuration'] = { disableExecuteApiEndpoint: true };
    doc['x-amazon-apigateway-importexport-version'] = '1.0';
  }
  return doc;
}

function operation(route: Route, integrations: Map<string, Integration>, authorizers: Map<string, Authorizer>, extensions: boolean): Json {
  const op: Json = {};
  if (route.operationName !== undefined) op.operationId = route.operationName;
  if (route.routeKey === DEFAULT_ROUTE) op.isDefaultRoute = true;
  op.responses = { default: { description: `Default response for ${route.routeKey}` } };
  const authorizer = route.authorizerId !== undefined ? authorizers.get(route.authorizerId) : undefined;
  if (route.authorizationType !== 'NONE' && authorizer) op.security = [{ [authorizer.name]: route.authorizationScopes ?? [] }];
  const target = route.target !== undefined ? /^integrations\/(.+)$/.exec(route.target)?.[1] : undefined;
  const integration = target !== undefined ? integrations.get(target) : undefined;
  if (extensions && integration) op['x-amazon-apigateway-integration'] = exportIntegration(integration);
  return op;
}

/** ExportApi: checks the request as AWS does, then renders the document as JSON or YAML. */
export function exportApi(ctx: CoreContext, apiId: string, request: ExportRequest): ExportedDocument {
  const api = requireApi(ctx, apiId);
  // AWS exports HTTP APIs only: a WebSocket API has no OpenAPI form.
  if (api.protocolType === 'WEBSOCKET') throw BadRequest('Export is supported only for HTTP APIs; this is a WebSocket API');
  if (request.specification !== 'OAS30') throw BadRequest(`Invalid specification: ${request.specification}. The only supported specification is OAS30`);
  const output = request.outputType;
  if (output === undefined) throw BadRequest('OutputType is required: YAML or JSON');
  if (output !== 'YAML' && output !== 'JSON') throw BadRequest(`Invalid output type: ${output}. Valid values are YAML and JSON`);
  if (request.exportVersion !== undefined && request.exportVersion !== '1.0') {
    throw BadRequest(`Invalid export version: ${request.exportVersion}. The only supported export version is 1.0`);
  }
  let config: Snapshot;
  if (request.stageName !== undefined) {
    const stage = ctx.repo.get(apiId, 'stage', request.stageName);
    if (!stage) throw notFound('Stage', ctx.scope.accountId, request.stageName);
    const record = stage.deploymentId !== undefined ? ctx.repo.get(apiId, 'deployment', stage.deploymentId) : undefined;
    if (!record) throw BadRequest(`Stage '${request.stageName}' has no deployment to export`);
    config = record.snapshot;
  } else {
    // No stage: the latest configuration, deployed or not.
    config = {
      routes: ctx.repo.list(apiId, 'route'),
      integrations: ctx.repo.list(apiId, 'integration'),
      authorizers: ctx.repo.list(apiId, 'authorizer'),
      ...(api.corsConfiguration ? { cors: api.corsConfiguration } : {}),
    };
  }
  const doc = buildDocument(api, config, ctx.endpointOf(apiId), request.stageName, request.includeExtensions ?? true);
  return output === 'YAML'
    ? { data: Buffer.from(toYaml(doc), 'utf8'), contentType: 'application/yaml' }
    : { data: Buffer.from(JSON.stringify(doc, null, 2), 'utf8'), contentType: 'application/json' };
}

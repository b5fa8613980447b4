// GetExport: a stage's deployed API as OpenAPI 3.0.1 or Swagger 2.0 (JSON or YAML), with the
// `x-amazon-apigateway-*` extensions when asked (`extensions=integrations|apigateway|authorizers`).
import { stringify as toYaml } from 'yaml';
import { BadRequest } from '../core/errors.js';
import { apiIn, stageIn } from '../core/lookup.js';
import { deploymentSnapshot } from '../core/deployments.js';
import { modelUrl } from '../core/definitions.js';
import type { Authorizer, DeploymentSnapshot, Integration, Method, RestApi, Scope, Stage } from '../core/model.js';
import type { ApiGatewayState } from '../core/state.js';

type Json = Record<string, unknown>;
type Flavor = 'oas30' | 'swagger';

export interface ExportOptions {
  accept?: string;
  extensions: readonly string[];
}

const lower = (s: string) => s.toLowerCase();

/** Model `$ref`s point at AWS model URLs inside the API; exports use local references. */
function localRefs(value: unknown, apiId: string, prefix: string): unknown {
  if (Array.isArray(value)) return value.map((v) => localRefs(v, apiId, prefix));
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string') {
      const m = /\/restapis\/[^/]+\/models\/([^/#]+)$/.exec(v);
      out[k] = m ? `${prefix}${m[1]}` : v;
    } else out[k] = localRefs(v, apiId, prefix);
  }
  return out;
}

function exportIntegration(i: Integration): Json {
  const responses: Json = {};
  for (const r of Object.values(i.integrationResponses)) {
    responses[r.selectionPattern ?? 'default'] = {
      statusCode: r.statusCode,
      ...(Object.keys(r.responseParameters).length ? { responseParameters: r.responseParameters } : {}),
      ...(Object.keys(r.responseTemplates).length ? { responseTemplates: r.responseTemplates } : {}),
      ...(r.contentHandling ? { contentHandling: r.contentHandling } : {}),
    };
  }
  return {
    type: lower(i.type),
    ...(i.httpMethod ? { httpMethod: i.httpMethod } : {}),
    ...(i.uri ? { uri: i.uri } : {}),
    ...(i.credentials ? { credentials: i.credentials } : {}),
    ...(i.connectionType && i.connectionType !== 'INTERNET' ? { connectionType: i.connectionType } : {}),
    ...(i.connectionId ? { connectionId: i.connectionId } : {}),
    ...(Object.keys(responses).length ? { responses } : {}),
    ...(Object.keys(i.requestParameters).length ? { requestParameters: i.requestParameters } : {}),
    ...(Object.keys(i.requestTemplates).length ? { requestTemplates: i.requestTemplates } : {}),
    passthroughBehavior: lower(i.passthroughBehavior),
    ...(i.contentHandling ? { contentHandling: i.contentHandling } : {}),
    timeoutInMillis: i.timeoutInMillis,
    ...(i.cacheNamespace ? { cacheNamespace: i.cacheNamespace } : {}),
    ...(i.cacheKeyParameters.length ? { cacheKeyParameters: i.cacheKeyParameters } : {}),
    ...(i.tlsConfig ? { tlsConfig: i.tlsConfig } : {}),
  };
}

function securityScheme(a: Authorizer): Json {
  const header = /^method\.request\.header\.(.+)$/.exec(a.identitySource ?? '')?.[1] ?? 'Unused';
  const authorizer: Json =
    a.type === 'COGNITO_USER_POOLS'
      ? { type: 'cognito_user_pools', providerARNs: a.providerARNs ?? [] }
      : {
          type: lower(a.type),
          authorizerUri: a.authorizerUri,
          ...(a.authorizerCredentials ? { authorizerCredentials: a.authorizerCredentials } : {}),
          ...(a.type === 'REQUEST' && a.identitySource ? { identitySource: a.identitySource } : {}),
          ...(a.identityValidationExpression ? { identityValidationExpression: a.identityValidationExpression } : {}),
          authorizerResultTtlInSeconds: a.authorizerResultTtlInSeconds,
        };
  return {
    type: 'apiKey',
    name: a.type === 'REQUEST' ? 'Unused' : header,
    in: 'header',
    'x-amazon-apigateway-authtype': a.type === 'COGNITO_USER_POOLS' ? 'cognito_user_pools' : (a.authType ?? 'custom'),
    'x-amazon-apigateway-authorizer': authorizer,
  };
}

function parameterList(m: Method, flavor: Flavor): Json[] {
  const out: Json[] = [];
  for (const [key, required] of Object.entries(m.requestParameters)) {
    const match = /^method\.request\.(path|querystring|header|multivalueheader|multivaluequerystring)\.(.+)$/.exec(key);
    if (!match) continue;
    const where = match[1] === 'path' ? 'path' : match[1]!.endsWith('header') ? 'header' : 'query';
    const param: Json = { name: match[2], in: where, required: where === 'path' ? true : required };
    if (flavor === 'swagger') param.type = 'string';
    else param.schema = { type: 'string' };
    out.push(param);
  }
  return out;
}

function exportOperation(snapshot: DeploymentSnapshot, m: Method, flavor: Flavor, withIntegrations: boolean, withAuthorizers: boolean, refPrefix: string): Json {
  const op: Json = {};
  if (m.operationName) op.operationId = m.operationName;
  const params = parameterList(m, flavor);
  const requestModels = Object.entries(m.requestModels);
  if (flavor === 'swagger') {
    if (requestModels.length) op.consumes = requestModels.map(([ct]) => ct);
    const produces = new Set<string>();
    for (const r of Object.values(m.methodResponses)) for (const ct of Object.keys(r.responseModels ?? {})) produces.add(ct);
    if (produces.size) op.produces = [...produces];
    const [first] = requestModels;
    if (first) params.push({ in: 'body', name: first[1], required: true, schema: { $ref: `${refPrefix}${first[1]}` } });
  } else if (requestModels.length) {
    op.requestBody = { content: Object.fromEntries(requestModels.map(([ct, model]) => [ct, { schema: { $ref: `${refPrefix}${model}` } }])), required: true };
  }
  if (params.length) op.parameters = params;
  const responses: Json = {};
  for (const r of Object.values(m.methodResponses)) {
    const headers = Object.keys(r.responseParameters ?? {})
      .map((k) => /^method\.response\.header\.(.+)$/.exec(k)?.[1])
      .filter((h): h is string => !!h);
    const entry: Json = { description: `${r.statusCode} response` };
    if (headers.length) {
      entry.headers = Object.fromEntries(headers.map((h) => [h, flavor === 'swagger' ? { type: 'string' } : { schema: { type: 'string' } }]));
    }
    const models = Object.entries(r.responseModels ?? {});
    if (models.length) {
      if (flavor === 'swagger') entry.schema = { $ref: `${refPrefix}${models[0]![1]}` };
      else entry.content = Object.fromEntries(models.map(([ct, model]) => [ct, { schema: { $ref: `${refPrefix}${model}` } }]));
    }
    responses[r.statusCode] = entry;
  }
  op.responses = responses;
  const security: Json[] = [];
  if (m.authorizationType === 'AWS_IAM') security.push({ sigv4: [] });
  if ((m.authorizationType === 'CUSTOM' || m.authorizationType === 'COGNITO_USER_POOLS') && m.authorizerId) {
    const a = snapshot.authorizers[m.authorizerId];
    if (a) security.push({ [a.name]: m.authorizationScopes ?? [] });
  }
  if (m.apiKeyRequired) security.push({ api_key: [] });
  if (security.length && (withAuthorizers || m.apiKeyRequired || m.authorizationType === 'AWS_IAM')) op.security = security;
  if (withIntegrations) {
    if (m.requestValidatorId) {
      const v = snapshot.requestValidators[m.requestValidatorId];
      if (v) op['x-amazon-apigateway-request-validator'] = v.name;
    }
    if (m.methodIntegration) op['x-amazon-apigateway-integration'] = exportIntegration(m.methodIntegration);
  }
  return op;
}

export function buildDocument(api: RestApi, snapshot: DeploymentSnapshot, stage: Stage, scope: Scope, flavor: Flavor, extensions: readonly string[]): Json {
  const withIntegrations = extensions.includes('integrations') || extensions.includes('apigateway');
  const withAuthorizers = withIntegrations || extensions.includes('authorizers');
  const refPrefix = flavor === 'swagger' ? '#/definitions/' : '#/components/schemas/';
  const paths: Json = {};
  for (const r of snapshot.resources) {
    const ops: Json = {};
    for (const m of Object.values(r.resourceMethods)) {
      const key = m.httpMethod === 'ANY' ? 'x-amazon-apigateway-any-method' : lower(m.httpMethod);
      ops[key] = exportOperation(snapshot, m, flavor, withIntegrations, withAuthorizers, refPrefix);
    }
    if (Object.keys(ops).length) paths[r.path] = ops;
  }
  const schemas: Json = {};
  for (const model of Object.values(snapshot.models)) {
    let schema: unknown = {};
    try {
      schema = model.schema ? JSON.parse(model.schema) : {};
    } catch {
      schema = {};
    }
    const { $schema: _s, ...rest } = schema as Json;
    schemas[model.name] = localRefs(rest, api.id, refPrefix);
  }
  const securitySchemes: Json = {};
  const methods = snapshot.resources.flatMap((r) => Object.values(r.resourceMethods));
  if (methods.some((m) => m.apiKeyRequired)) securitySchemes.api_key = { type: 'apiKey', name: 'x-api-key', in: 'header' };
  if (methods.some((m) => m.authorizationType === 'AWS_IAM')) {
    securitySchemes.sigv4 = { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' };
  }
  if (withAuthorizers) for (const a of Object.values(snapshot.authorizers)) securitySchemes[a.name] = securityScheme(a);

  const info: Json = {
    ...(api.description ? { description: api.description } : {}),
    title: api.name,
    version: api.version ?? new Date(snapshot.createdDate * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  const host = `${api.id}.execute-api.${scope.region}.amazonaws.com`;
  const doc: Json =
    flavor === 'swagger'
      ? { swagger: '2.0', info, host, basePath: `/${stage.stageName}`, schemes: ['https'], paths }
      : { openapi: '3.0.1', info, servers: [{ url: `https://${host}/{basePath}`, variables: { basePath: { default: stage.stageName } } }], paths };
  if (flavor === 'swagger') {
    if (Object.keys(securitySchemes).length) doc.securityDefinitions = securitySchemes;
    if (Object.keys(schemas).length) doc.definitions = schemas;
  } else {
    const components: Json = {};
    if (Object.keys(schemas).length) components.schemas = schemas;
    if (Object.keys(securitySchemes).length) components.securitySchemes = securitySchemes;
    if (Object.keys(components).length) doc.components = components;
  }
  if (withIntegrations) {
    const validators = Object.values(snapshot.requestValidators);
    if (validators.length) {
      doc['x-amazon-apigateway-request-validators'] = Object.fromEntries(
        validators.map((v) => [v.name, { validateRequestParameters: v.validateRequestParameters, validateRequestBody: v.validateRequestBody }]),
      );
    }
    const custom = Object.values(snapshot.gatewayResponses).filter((g) => !g.defaultResponse);
    if (custom.length) {
      doc['x-amazon-apigateway-gateway-responses'] = Object.fromEntries(
        custom.map((g) => [
          g.responseType,
          {
            ...(g.statusCode ? { statusCode: g.statusCode } : {}),
            ...(Object.keys(g.responseParameters).length ? { responseParameters: g.responseParameters } : {}),
            ...(Object.keys(g.responseTemplates).length ? { responseTemplates: g.responseTemplates } : {}),
          },
        ]),
      );
    }
    if (snapshot.api.apiKeySource !== 'HEADER') doc['x-amazon-apigateway-api-key-source'] = snapshot.api.apiKeySource;
    if (snapshot.api.minimumCompressionSize !== undefined) doc['x-amazon-apigateway-minimum-compression-size'] = snapshot.api.minimumCompressionSize;
    if (snapshot.api.policy) {
      try {
        doc['x-amazon-apigateway-policy'] = JSON.parse(snapshot.api.policy);
      } catch {
        // A stored policy was validated as JSON; skip it rather than fail the export.
      }
    }
    if (snapshot.api.disableExecuteApiEndpoint) doc['x-amazon-apigateway-endpoint-configuration'] = { disableExecuteApiEndpoint: true };
  }
  if (snapshot.api.binaryMediaTypes.length) doc['x-amazon-apigateway-binary-media-types'] = snapshot.api.binaryMediaTypes;
  return doc;
}

export function exportRestApi(
  state: ApiGatewayState,
  scope: Scope,
  apiId: string,
  stageName: string,
  exportType: string,
  options: ExportOptions,
): { data: Buffer; contentType: string; headers: Record<string, string> } {
  const api = apiIn(state.scopeState(scope).apis, scope, apiId);
  const stage = stageIn(api, stageName);
  if (exportType !== 'oas30' && exportType !== 'swagger') {
    throw BadRequest(`Invalid export type specified: ${exportType}. Valid values are oas30, swagger`);
  }
  const snapshot = deploymentSnapshot(api, stage.deploymentId);
  const doc = buildDocument(api.api, snapshot, stage, scope, exportType, options.extensions);
  const yaml = /yaml/i.test(options.accept ?? '');
  const data = Buffer.from(yaml ? toYaml(doc) : JSON.stringify(doc, null, 2), 'utf8');
  const ext = yaml ? 'yaml' : 'json';
  return {
    data,
    contentType: yaml ? 'application/yaml' : 'application/json',
    headers: { 'Content-Disposition': `attachment; filename="${exportType}_${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.${ext}"` },
  };
}

export { modelUrl };

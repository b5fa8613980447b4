// Resources, methods, method responses, integrations and integration responses: the tree a
// deployment snapshots. Every rule here (path parts, mapping expressions, URIs) is AWS's.
import { BadRequest, Conflict, NotFound, authorizerNotFound, responseNotFound, validatorNotFound, resourceNotFound } from './errors.js';
import { newId } from './ids.js';
import { LIMITS, checkCount } from './limits.js';
import type { Input } from './input.js';
import { apiIn, integrationIn, methodIn, paginate, resourceIn } from './lookup.js';
import type {
  AuthorizationType,
  ContentHandling,
  HttpVerb,
  Integration,
  IntegrationResponse,
  IntegrationType,
  Method,
  MethodResponse,
  PassthroughBehavior,
  Resource,
  Scope,
} from './model.js';
import { bareInvalidPath, boolValue, enumValue, intValue, invalidPath, opNotAllowed, unsupportedOpForPath, patchBoolMap, patchStringMap, pointer, requireValue, type PatchOp } from './patch.js';
import type { ApiGatewayState, ApiState } from './state.js';

export const HTTP_VERBS: readonly HttpVerb[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'];
export const AUTHORIZATION_TYPES: readonly AuthorizationType[] = ['NONE', 'AWS_IAM', 'CUSTOM', 'COGNITO_USER_POOLS'];
/** In the order AWS lists them in its validation message (recorded). */
export const INTEGRATION_TYPES: readonly IntegrationType[] = ['HTTP', 'MOCK', 'AWS_PROXY', 'HTTP_PROXY', 'AWS'];
export const PASSTHROUGH: readonly PassthroughBehavior[] = ['WHEN_NO_MATCH', 'WHEN_NO_TEMPLATES', 'NEVER'];
export const CONTENT_HANDLING: readonly ContentHandling[] = ['CONVERT_TO_BINARY', 'CONVERT_TO_TEXT'];

// ---------------------------------------------------------------------------------------------
// Resources

const PATH_PART = /^(?:[a-zA-Z0-9._:@$&',;=!~*()-]+|\{[a-zA-Z0-9._-]+\+?\})$/;

export function checkPathPart(pathPart: string): void {
  if (!PATH_PART.test(pathPart)) {
    throw BadRequest(
      "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.",
    );
  }
}

const isVariable = (part: string | undefined) => part !== undefined && part.startsWith('{');
const isGreedy = (part: string | undefined) => part !== undefined && part.endsWith('+}');

/** Adds a child resource inside a draft API (shared with the OpenAPI importer). */
export function addResource(api: ApiState, parentId: string, pathPart: string): Resource {
  const parent = resourceIn(api, parentId);
  checkPathPart(pathPart);
  if (isGreedy(parent.pathPart)) {
    throw BadRequest(`Cannot create a child of a resource with a greedy path variable: ${parent.pathPart}`);
  }
  for (const sibling of api.resources.values()) {
    if (sibling.parentId !== parentId) continue;
    if (sibling.pathPart === pathPart) throw Conflict(`Another resource with the same parent already has this name: ${pathPart}`);
    if (isVariable(sibling.pathPart) && isVariable(pathPart)) {
      throw BadRequest(`A sibling (${sibling.pathPart}) of this resource already has a variable path part -- only one is allowed`);
    }
  }
  checkCount(api.resources.size, LIMITS.resourcesPerApi, 'Resources');
  const id = newId();
  const resource: Resource = { id, parentId, pathPart, path: parent.path === '/' ? `/${pathPart}` : `${parent.path}/${pathPart}`, resourceMethods: {} };
  api.resources.set(id, resource);
  return resource;
}

export function createResource(state: ApiGatewayState, scope: Scope, apiId: string, parentId: string, input: Input): Resource {
  const pathPart = input.reqStr('pathPart');
  return state.mutate(scope, (draft) => {
    apiIn(draft.apis, scope, apiId);
    return addResource(draft.api(apiId)!, parentId, pathPart);
  });
}

export function getResource(state: ApiGatewayState, scope: Scope, apiId: string, resourceId: string): Resource {
  return resourceIn(apiIn(state.scopeState(scope).apis, scope, apiId), resourceId);
}

export function listResources(state: ApiGatewayState, scope: Scope, apiId: string, position?: string, limit?: number) {
  const api = apiIn(state.scopeState(scope).apis, scope, apiId);
  const all = [...api.resources.values()].sort((a, b) => a.path.localeCompare(b.path));
  return paginate(all, position, limit);
}

function descendants(api: ApiState, id: string): string[] {
  const out = [id];
  for (let i = 0; i < out.length; i++) {
    for (const r of api.resources.values()) if (r.parentId === out[i]) out.push(r.id);
  }
  return out;
}

/** Rewrites `path` of a subtree after a move or rename. */
function repath(api: ApiState, id: string): void {
  for (const rid of descendants(api, id)) {
    const r = api.resources.get(rid)!;
    const parent = r.parentId ? api.resources.get(r.parentId) : undefined;
    if (!parent) continue;
    api.resources.set(rid, { ...r, path: parent.path === '/' ? `/${r.pathPart}` : `${parent.path}/${r.pathPart}` });
  }
}

export function updateResource(state: ApiGatewayState, scope: Scope, apiId: string, resourceId: string, ops: readonly PatchOp[]): Resource {
  const allowed = ['/parentId', '/pathPart'];
  return state.mutate(scope, (draft) => {
    apiIn(draft.apis, scope, apiId);
    const api = draft.api(apiId)!;
    const resource = resourceIn(api, resourceId);
    for (const op of ops) {
      // AWS checks the verb before the path (recorded: `add /pathPart` → "Please choose supported operations").
      if (op.op !== 'replace') throw unsupportedOpForPath(op);
      if (resource.parentId === undefined && (op.path === '/pathPart' || op.path === '/parentId')) {
        throw BadRequest(`Root resource cannot update its ${op.path.slice(1)}.`);
      }
      const current = api.resources.get(resourceId)!;
      api.resources.delete(resourceId);
      let parentId = current.parentId!;
      let pathPart = current.pathPart!;
      if (op.path === '/pathPart') pathPart = requireValue(op);
      else if (op.path === '/parentId') {
        parentId = requireValue(op);
        if (descendants(api, resourceId).includes(parentId)) throw BadRequest('Resources cannot be cyclical.');
      } else throw invalidPath(op, allowed);
      // Re-add through the same rules as CreateResource, keeping the id.
      const added = addResource(api, parentId, pathPart);
      api.resources.delete(added.id);
      api.resources.set(resourceId, { ...current, parentId, pathPart, path: added.path });
      repath(api, resourceId);
    }
    return api.resources.get(resourceId)!;
  });
}

export function deleteResource(state: ApiGatewayState, scope: Scope, apiId: string, resourceId: string): void {
  state.mutate(scope, (draft) => {
    apiIn(draft.apis, scope, apiId);
    const api = draft.api(apiId)!;
    const resource = resourceIn(api, resourceId);
    if (resource.parentId === undefined) throw BadRequest('Cannot delete root resource');
    for (const id of descendants(api, resourceId)) api.resources.delete(id);
  });
}

// ---------------------------------------------------------------------------------------------
// Methods

const METHOD_PARAM = /^method\.request\.(path|querystring|header|multivalueheader|multivaluequerystring)\.[^\s]+$/;

export function checkVerb(verb: string): HttpVerb {
  const v = verb.toUpperCase();
  if (!(HTTP_VERBS as readonly string[]).includes(v)) {
    throw BadRequest('Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY');
  }
  return v as HttpVerb;
}

function checkMethodParameters(params: Record<string, boolean>): void {
  const names = new Set<string>();
  for (const key of Object.keys(params)) {
    const m = METHOD_PARAM.exec(key);
    if (!m) {
      throw BadRequest(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid method request parameter specified: ${key}]`);
    }
    // One name may not be both a header and a query string (or path) parameter.
    const name = key.slice(`method.request.${m[1]}.`.length);
    if (names.has(name)) throw BadRequest('Parameter names must be unique across querystring, header and path');
    names.add(name);
  }
}

/** PutMethod/UpdateMethod name an unknown request validator as a bad request (recorded: 400). */
function checkValidator(api: ApiState, id: string): void {
  if (!api.validators.has(id)) throw BadRequest('Invalid Request Validator identifier specified');
}

/** The API of a method operation: AWS reports an unknown API as an unknown resource. */
export function methodApi(apis: ReadonlyMap<string, ApiState>, apiId: string): ApiState {
  const api = apis.get(apiId);
  if (!api) throw resourceNotFound();
  return api;
}

function checkModels(api: ApiState, models: Record<string, string>): void {
  for (const name of Object.values(models)) {
    if (!api.models.has(name)) throw BadRequest(`Invalid model identifier specified: ${name}`);
  }
}

function checkAuthorization(api: ApiState, type: AuthorizationType, authorizerId: string | undefined): void {
  if (type === 'CUSTOM' || type === 'COGNITO_USER_POOLS') {
    const authorizer = authorizerId ? api.authorizers.get(authorizerId) : undefined;
    if (!authorizer) {
      throw BadRequest('Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.');
    }
    if ((type === 'COGNITO_USER_POOLS') !== (authorizer.type === 'COGNITO_USER_POOLS')) {
      throw BadRequest(`Authorizer ${authorizer.id} of type ${authorizer.type} cannot be used with authorization type ${type}`);
    }
  }
  // Other types ignore an authorizer id (recorded: it is accepted and dropped).
}

function setMethod(api: ApiState, resource: Resource, method: Method): void {
  api.resources.set(resource.id, { ...resource, resourceMethods: { ...resource.resourceMethods, [method.httpMethod]: method } });
}

/** PutMethod inside a draft (shared with the OpenAPI importer). */
export function putMethodIn(api: ApiState, resourceId: string, verbRaw: string, input: Input, replace = false): Method {
  const resource = resourceIn(api, resourceId);
  const verb = checkVerb(verbRaw);
  if (!replace && resource.resourceMethods[verb]) throw Conflict('Method already exists for this resource');
  const authorizationType = input.reqEnum('authorizationType', AUTHORIZATION_TYPES);
  const authorizerId = input.str('authorizerId');
  checkAuthorization(api, authorizationType, authorizerId);
  const requestParameters = input.boolMap('requestParameters') ?? {};
  checkMethodParameters(requestParameters);
  const requestModels = input.strMap('requestModels') ?? {};
  checkModels(api, requestModels);
  const requestValidatorId = input.str('requestValidatorId');
  if (requestValidatorId !== undefined) checkValidator(api, requestValidatorId);
  const operationName = input.str('operationName');
  const scopes = input.strList('authorizationScopes');
  const method: Method = {
    httpMethod: verb,
    authorizationType,
    ...(authorizerId !== undefined && authorizationType !== 'NONE' && authorizationType !== 'AWS_IAM' ? { authorizerId } : {}),
    apiKeyRequired: input.bool('apiKeyRequired') ?? false,
    ...(requestValidatorId !== undefined ? { requestValidatorId } : {}),
    ...(operationName !== undefined ? { operationName } : {}),
    requestParameters,
    requestModels,
    ...(scopes?.length ? { authorizationScopes: scopes } : {}),
    methodResponses: {},
  };
  setMethod(api, resource, method);
  return method;
}

export function putMethod(state: ApiGatewayState, scope: Scope, apiId: string, resourceId: string, verb: string, input: Input): Method {
  return state.mutate(scope, (draft) => {
    methodApi(draft.apis, apiId);
    return putMethodIn(draft.api(apiId)!, resourceId, verb, input);
  });
}

export function getMethod(state: ApiGatewayState, scope: Scope, apiId: string, resourceId: string, verb: string): Method {
  return methodIn(resourceIn(methodApi(state.scopeState(scope).apis, apiId), resourceId), verb);
}

export function updateMethod(state: ApiGatewayState, scope: Scope, apiId: string, resourceId: string, verb: string, ops: readonly PatchOp[]): Method {
  return state.mutate(scope, (draft) => {
    methodApi(draft.apis, apiId);
    const api = draft.api(apiId)!;
    const resource = resourceIn(api, resourceId);
    let m: Method = methodIn(resource, verb);
    for (const op of ops) {
      const [head = '', ...rest] = pointer(op.path);
      // Map members take exactly one (`~1`-escaped) key segment: `/requestModels/application/json` is no path.
      const key = rest.length === 1 ? rest[0]! : '';
      switch (head) {
        case 'authorizationType':
          if (op.op !== 'replace') throw opNotAllowed(['replace']);
          m = { ...m, authorizationType: enumValue(op, AUTHORIZATION_TYPES) };
          break;
        case 'authorizerId':
        case 'requestValidatorId':
        case 'operationName': {
          // Existence is checked at the end, against the final authorization type (AWS ignores
          // an authorizer id on NONE/AWS_IAM methods).
          if (op.op !== 'replace') throw opNotAllowed(['replace']);
          if (!op.value) {
            const { [head]: _drop, ...restM } = m;
            m = restM as Method;
          } else {
            if (head === 'requestValidatorId') checkValidator(api, op.value);
            m = { ...m, [head]: op.value };
          }
          break;
        }
        case 'apiKeyRequired':
          if (op.op !== 'replace') throw opNotAllowed(['replace']);
          // Parsed like Java's Boolean.parseBoolean: anything but "true" is false (recorded).
          m = { ...m, apiKeyRequired: (op.value ?? '').toLowerCase() === 'true' };
          break;
        case 'requestParameters':
          if (!key || !['add', 'remove', 'replace'].includes(op.op)) throw bareInvalidPath(op);
          m = { ...m, requestParameters: patchBoolMap({ ...m.requestParameters }, op, key) };
          checkMethodParameters(m.requestParameters);
          break;
        case 'requestModels':
          if (!key || !['add', 'remove', 'replace'].includes(op.op)) throw bareInvalidPath(op);
          m = { ...m, requestModels: patchStringMap({ ...m.requestModels }, op, key) };
          checkModels(api, m.requestModels);
          break;
        case 'authorizationScopes': {
          const scopes = new Set(m.authorizationScopes ?? []);
          if (op.op === 'add') scopes.add(requireValue(op));
          else if (op.op === 'remove') op.value === undefined ? scopes.clear() : scopes.delete(op.value);
          else throw opNotAllowed(['add', 'remove']);
          m = { ...m, authorizationScopes: [...scopes] };
          break;
        }
        default:
          throw bareInvalidPath(op);
      }
    }
    checkAuthorization(api, m.authorizationType, m.authorizerId);
    if (m.authorizationType === 'NONE' || m.authorizationType === 'AWS_IAM') {
      const { authorizerId: _drop, ...restM } = m;
      m = restM as Method;
    }
    setMethod(api, resource, m);
    return m;
  });
}

export function deleteMethod(state: ApiGatewayState, scope: Scope, apiId: string, resourceId: string, verb: string): void {
  state.mutate(scope, (draft) => {
    methodApi(draft.apis, apiId);
    const api = draft.api(apiId)!;
    const resource = resourceIn(api, resourceId);
    const m = methodIn(resource, verb);
    const { [m.httpMethod]: _drop, ...methods } = resource.resourceMethods;
    api.resources.set(resource.id, { ...resource, resourceMethods: methods });
  });
}

// ---------------------------------------------------------------------------------------------
// Method responses

export function checkStatusCode(code: string): void {
  if (!/^[1-5]\d\d$/.test(code)) throw BadRequest('Invalid status code specified');
}

const RESPONSE_HEADER = /^method\.response\.header\.[^\s]+$/;

function checkResponseParameterKeys(params: Record<string, unknown>): void {
  for (const key of Object.keys(params)) {
    if (!RESPONSE_HEADER.test(key)) {
      throw BadRequest(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: ${key}]`);
    }
  }
}

export function putMethodResponseIn(api: ApiState, resourceId: string, verb: string, statusCode: string, input: Input): MethodResponse {
  const resource = resourceIn(api, resourceId);
  const method = methodIn(resource, verb);
  checkStatusCode(statusCode);
  // Maps the caller sent are kept even when empty: AWS answers `responseModels: {}` then (recorded).
  const responseParameters = input.boolMap('responseParameters');
  if (responseParameters) checkResponseParameterKeys(responseParameters);
  const responseModels = input.strMap('responseModels');
  if (responseModels) checkModels(api, responseModels);
  const response: MethodResponse = { statusCode, ...(responseParameters ? { responseParameters } : {}), ...(responseModels ? { responseModels } : {}) };
  setMethod(api, resource, { ...method, methodResponses: { ...method.methodResponses, [statusCode]: response } });
  return response;
}

function methodResponseIn(method: Method, statusCode: string): MethodResponse {
  const r = method.methodResponses[statusCode];
  if (!r) throw responseNotFound();
  return r;
}

export function putMethodResponse(state: ApiGatewayState, scope: Scope, apiId: string, resourceId: string, verb: string, statusCode: string, input: Input): MethodResponse {
  return state.mutate(scope, (draft) => {
    methodApi(draft.apis, apiId);
    return putMethodResponseIn(draft.api(apiId)!, resourceId, verb, statusCode, input);
  });
}

export function getMethodResponse(state: ApiGatewayState, scope: Scope, apiId: string, resourceId: string, verb: string, statusCode: string): MethodResponse {
  return methodResponseIn(getMethod(state, scope, apiId, resourceId, verb), statusCode);
}

export function updateMethodResponse(state: ApiGatewayState, scope: Scope, apiId: string, resourceId: string, verb: string, statusCode: string, ops: readonly PatchOp[]): MethodResponse {
  return state.mutate(scope, (draft) => {
    methodApi(draft.apis, apiId);
    const api = draft.api(apiId)!;
    const resource = resourceIn(api, resourceId);
    const method = methodIn(resource, verb);
    let r = methodResponseIn(method, statusCode);
    for (const op of ops) {
      const [head = '', ...rest] = pointer(op.path);
      const key = rest.length === 1 ? rest[0]! : '';
      if (!key || !['add', 'remove', 'replace'].includes(op.op) || (head !== 'responseParameters' && head !== 'responseModels')) throw bareInvalidPath(op);
      // Replacing or removing a member that is not there names what is missing (recorded).
      if (op.op !== 'add' && !(key in (r[head] ?? {}))) {
        throw NotFound(head === 'responseParameters' ? 'Invalid parameter name specified' : 'Content-Type specified was not found');
      }
      if (head === 'responseParameters') r = { ...r, responseParameters: patchBoolMap({ ...r.responseParameters }, op, key) };
      else r = { ...r, responseModels: patchStringMap({ ...r.responseModels }, op, key) };
    }
    // A map a patch has emptied is no longer part of the answer (recorded).
    for (const k of ['responseParameters', 'responseModels'] as const) {
      if (r[k] && Object.keys(r[k]).length === 0) {
        const { [k]: _empty, ...rest } = r;
        r = rest;
      }
    }
    if (r.responseParameters) checkResponseParameterKeys(r.responseParameters);
    if (r.responseModels) checkModels(api, r.responseModels);
    setMethod(api, resource, { ...method, methodResponses: { ...method.methodResponses, [statusCode]: r } });
    return r;
  });
}

export function deleteMethodResponse(state: ApiGatewayState, scope: Scope, apiId: string, resourceId: string, verb: string, statusCode: string): void {
  state.mutate(scope, (draft) => {
    methodApi(draft.apis, apiId);
    const api = draft.api(apiId)!;
    const resource = resourceIn(api, resourceId);
    const method = methodIn(resource, verb);
    methodResponseIn(method, statusCode);
    const { [statusCode]: _drop, ...rest } = method.methodResponses;
    setMethod(api, resource, { ...method, methodResponses: rest });
  });
}

// ---------------------------------------------------------------------------------------------
// Integrations

const AWS_INTEGRATION_ARN = /^arn:aws[a-z-]*:apigateway:([a-z0-9-]+):([a-z0-9.-]+):(path|action)\/(.+)$/;
// Leading slashes are accepted (recorded: `lambda:path//2015-03-31/functions/…` is stored as given).
const LAMBDA_PATH = /^\/*2015-03-31\/functions\/(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9_-]+(?::[a-zA-Z0-9_$-]+)?)\/invocations$/;
const INTEGRATION_TARGET = /^integration\.request\.(path|querystring|header|multivalueheader|multivaluequerystring)\.[^\s]+$/;
const METHOD_SOURCE = /^method\.request\.(path|querystring|header|multivalueheader|multivaluequerystring)\.([^\s]+)$/;

/** Checks an integration URI the way AWS does for each integration type. */
/**
 * AWS lets integration and authorizer URIs name stage variables (`${stageVariables.fn}` for a
 * function name or alias, `${stageVariables.host}` in an HTTP URL); the data plane substitutes
 * them per request. Validation sees a neutral stand-in that fits any of those positions.
 */
export function withoutStageVariables(uri: string): string {
  return uri.replace(/\$\{stageVariables\.[A-Za-z0-9_]+\}/g, 'stagevar1');
}

export function checkIntegrationUri(type: IntegrationType, rawUri: string | undefined): void {
  if (type === 'MOCK') return;
  if (rawUri === undefined || rawUri === '') throw BadRequest('Invalid integration URI specified');
  const uri = withoutStageVariables(rawUri);
  if (type === 'HTTP' || type === 'HTTP_PROXY') {
    let url: URL | undefined;
    try {
      // Path parameters ({id}) and a stage-variable port (`:stagevar1`) are filled in per request.
      url = new URL(uri.replace(/\{[^}]+\}/g, 'x').replace(/:stagevar1(?=[/?#]|$)/, ':1'));
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
      throw BadRequest('Invalid HTTP endpoint specified for URI');
    }
    return;
  }
  const m = AWS_INTEGRATION_ARN.exec(uri);
  if (!m) throw BadRequest('AWS ARN for integration must contain path or action');
  if (m[2] === 'lambda' && m[3] === 'path' && !LAMBDA_PATH.test(m[4]!)) {
    throw BadRequest('Invalid ARN specified in the request');
  }
  if (type === 'AWS_PROXY' && m[2] !== 'lambda') {
    throw BadRequest('Integrations of type \'AWS_PROXY\' currently only supports Lambda function and Firehose stream invocations.');
  }
}

/** Mapping values AWS accepts for integration request parameters. */
function checkIntegrationParameters(method: Method, params: Record<string, string>): void {
  for (const [target, source] of Object.entries(params)) {
    if (!INTEGRATION_TARGET.test(target)) {
      throw BadRequest(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: ${target}]`);
    }
    const fromMethod = METHOD_SOURCE.exec(source);
    if (fromMethod) {
      const declared = `method.request.${fromMethod[1]}.${fromMethod[2]}`;
      if (!(declared in method.requestParameters)) {
        throw BadRequest(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression parameter specified: ${source}]`);
      }
      continue;
    }
    const ok =
      /^'.*'$/s.test(source) ||
      /^stageVariables\.[a-zA-Z0-9_]+$/.test(source) ||
      /^context\.[a-zA-Z0-9_.]+$/.test(source) ||
      source === 'method.request.body' ||
      /^method\.request\.body\.\S+$/.test(source);
    if (!ok) {
      throw BadRequest(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: ${source}]`);
    }
  }
}

function checkTimeout(ms: number): void {
  if (ms < 50 || ms > 29000) throw BadRequest('Timeout should be between 50 ms and 29000 ms');
}

export function putIntegrationIn(api: ApiState, resourceId: string, verb: string, input: Input): Integration {
  // The type is validated before any lookup, as AWS's front end does (recorded).
  const type = input.reqEnum('type', INTEGRATION_TYPES);
  const resource = resourceIn(api, resourceId);
  const method = methodIn(resource, verb);
  // The wire member is `httpMethod` in PutIntegration (CLI: --integration-http-method).
  const httpMethod = input.str('httpMethod') ?? input.str('integrationHttpMethod');
  if (type !== 'MOCK' && !httpMethod) throw BadRequest('Enumeration value for HttpMethod must be non-empty');
  if (httpMethod !== undefined) checkVerb(httpMethod);
  const uri = input.str('uri');
  checkIntegrationUri(type, uri);
  const requestParameters = input.strMap('requestParameters') ?? {};
  checkIntegrationParameters(method, requestParameters);
  const timeoutInMillis = input.int('timeoutInMillis') ?? 29000;
  checkTimeout(timeoutInMillis);
  const credentials = input.str('credentials');
  if (credentials !== undefined && !/^arn:aws[a-z-]*:iam::(\d{12}|\*):(role|user)\/.+$/.test(credentials)) {
    throw BadRequest('Invalid ARN specified in the request');
  }
  const connectionType = input.enumOf('connectionType', ['INTERNET', 'VPC_LINK'] as const);
  const connectionId = input.str('connectionId');
  if (connectionType === 'VPC_LINK' && !connectionId) throw BadRequest('ConnectionId must be specified for VPC_LINK connection type');
  const contentHandling = input.enumOf('contentHandling', CONTENT_HANDLING);
  const tls = input.obj('tlsConfig');
  const integration: Integration = {
    type,
    ...(httpMethod !== undefined ? { httpMethod: httpMethod.toUpperCase() } : {}),
    ...(uri !== undefined ? { uri } : {}),
    ...(connectionType !== undefined ? { connectionType } : {}),
    ...(connectionId !== undefined ? { connectionId } : {}),
    ...(credentials !== undefined ? { credentials } : {}),
    requestParameters,
    requestTemplates: input.strMap('requestTemplates') ?? {},
    passthroughBehavior: input.enumOf('passthroughBehavior', PASSTHROUGH) ?? 'WHEN_NO_MATCH',
    ...(contentHandling !== undefined ? { contentHandling } : {}),
    timeoutInMillis,
    cacheNamespace: input.str('cacheNamespace') ?? resource.id,
    cacheKeyParameters: input.strList('cacheKeyParameters') ?? [],
    integrationResponses: {},
    ...(tls ? { tlsConfig: { insecureSkipVerification: tls.bool('insecureSkipVerification') ?? false } } : {}),
  };
  setMethod(api, resource, { ...method, methodIntegration: integration });
  return integration;
}

export function putIntegration(state: ApiGatewayState, scope: Scope, apiId: string, resourceId: string, verb: string, input: Input): Integration {
  return state.mutate(scope, (draft) => {
    methodApi(draft.apis, apiId);
    return putIntegrationIn(draft.api(apiId)!, resourceId, verb, input);
  });
}

export function getIntegration(state: ApiGatewayState, scope: Scope, apiId: string, resourceId: string, verb: string): Integration {
  return integrationIn(getMethod(state, scope, apiId, resourceId, verb));
}

const INTEGRATION_PATHS = ['/uri', '/httpMethod', '/type', '/credentials', '/passthroughBehavior', '/contentHandling', '/timeoutInMillis', '/cacheNamespace', '/cacheKeyParameters/{name}', '/requestParameters/{name}', '/requestTemplates/{contentType}', '/connectionType', '/connectionId', '/tlsConfig/insecureSkipVerification'];

export function updateIntegration(state: ApiGatewayState, scope: Scope, apiId: string, resourceId: string, verb: string, ops: readonly PatchOp[]): Integration {
  return state.mutate(scope, (draft) => {
    methodApi(draft.apis, apiId);
    const api = draft.api(apiId)!;
    const resource = resourceIn(api, resourceId);
    const method = methodIn(resource, verb);
    let i: Integration = integrationIn(method);
    for (const op of ops) {
      const [head = '', ...rest] = pointer(op.path);
      const key = rest.join('/');
      const setOrDrop = (field: 'uri' | 'credentials' | 'contentHandling' | 'connectionId' | 'httpMethod', value: string | undefined) => {
        if (value === undefined || value === '') {
          const { [field]: _drop, ...restI } = i;
          i = restI as Integration;
        } else i = { ...i, [field]: value };
      };
      switch (head) {
        case 'uri':
        case 'credentials':
        case 'connectionId':
          if (op.op === 'replace' || op.op === 'add') setOrDrop(head, op.value);
          else if (op.op === 'remove') setOrDrop(head, undefined);
          else throw invalidPath(op, INTEGRATION_PATHS);
          break;
        case 'httpMethod':
          if (op.op !== 'replace') throw invalidPath(op, INTEGRATION_PATHS);
          setOrDrop('httpMethod', checkVerb(requireValue(op)));
          break;
        case 'type':
          if (op.op !== 'replace') throw invalidPath(op, INTEGRATION_PATHS);
          i = { ...i, type: enumValue(op, INTEGRATION_TYPES) };
          break;
        case 'connectionType':
          if (op.op !== 'replace') throw invalidPath(op, INTEGRATION_PATHS);
          i = { ...i, connectionType: enumValue(op, ['INTERNET', 'VPC_LINK'] as const) };
          break;
        case 'passthroughBehavior':
          if (op.op !== 'replace') throw invalidPath(op, INTEGRATION_PATHS);
          i = { ...i, passthroughBehavior: enumValue(op, PASSTHROUGH) };
          break;
        case 'contentHandling':
          if (op.op === 'remove' || (op.op === 'replace' && !op.value)) setOrDrop('contentHandling', undefined);
          else if (op.op === 'replace') i = { ...i, contentHandling: enumValue(op, CONTENT_HANDLING) };
          else throw invalidPath(op, INTEGRATION_PATHS);
          break;
        case 'timeoutInMillis':
          if (op.op !== 'replace') throw invalidPath(op, INTEGRATION_PATHS);
          i = { ...i, timeoutInMillis: intValue(op) };
          checkTimeout(i.timeoutInMillis);
          break;
        case 'cacheNamespace':
          if (op.op !== 'replace') throw invalidPath(op, INTEGRATION_PATHS);
          i = { ...i, cacheNamespace: requireValue(op) };
          break;
        case 'cacheKeyParameters': {
          if (!key || (op.op !== 'add' && op.op !== 'remove')) throw invalidPath(op, INTEGRATION_PATHS);
          const set = new Set(i.cacheKeyParameters);
          if (op.op === 'add') set.add(key);
          else set.delete(key);
          i = { ...i, cacheKeyParameters: [...set] };
          break;
        }
        case 'requestParameters':
          if (!key || !['add', 'remove', 'replace'].includes(op.op)) throw invalidPath(op, INTEGRATION_PATHS);
          if (op.op !== 'remove') requireValue(op);
          i = { ...i, requestParameters: patchStringMap({ ...i.requestParameters }, op, key) };
          break;
        case 'requestTemplates':
          if (!key || !['add', 'remove', 'replace'].includes(op.op)) throw invalidPath(op, INTEGRATION_PATHS);
          i = { ...i, requestTemplates: patchStringMap({ ...i.requestTemplates }, op, key) };
          break;
        case 'tlsConfig':
          if (key !== 'insecureSkipVerification' || op.op !== 'replace') throw invalidPath(op, INTEGRATION_PATHS);
          i = { ...i, tlsConfig: { insecureSkipVerification: boolValue(op) } };
          break;
        default:
          throw invalidPath(op, INTEGRATION_PATHS);
      }
    }
    if (i.type !== 'MOCK' && !i.httpMethod) throw BadRequest('Enumeration value for HttpMethod must be non-empty');
    checkIntegrationUri(i.type, i.uri);
    checkIntegrationParameters(method, i.requestParameters);
    setMethod(api, resource, { ...method, methodIntegration: i });
    return i;
  });
}

export function deleteIntegration(state: ApiGatewayState, scope: Scope, apiId: string, resourceId: string, verb: string): void {
  state.mutate(scope, (draft) => {
    methodApi(draft.apis, apiId);
    const api = draft.api(apiId)!;
    const resource = resourceIn(api, resourceId);
    const method = methodIn(resource, verb);
    integrationIn(method);
    const { methodIntegration: _drop, ...rest } = method;
    setMethod(api, resource, rest);
  });
}

// ---------------------------------------------------------------------------------------------
// Integration responses

const RESPONSE_SOURCE = /^(integration\.response\.(header|multivalueheader)\.\S+|integration\.response\.body(\.\S+)?|'.*'|stageVariables\.\w+|context\.[\w.]+)$/s;

function checkIntegrationResponseParameters(method: Method, statusCode: string, params: Record<string, string>): void {
  const declared = method.methodResponses[statusCode]?.responseParameters ?? {};
  for (const [target, source] of Object.entries(params)) {
    if (!RESPONSE_HEADER.test(target)) {
      throw BadRequest(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: ${target}]`);
    }
    if (!(target in declared)) {
      throw BadRequest(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression parameter specified: ${target}]`);
    }
    if (!RESPONSE_SOURCE.test(source)) {
      throw BadRequest(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: ${source}]`);
    }
  }
}

function checkSelectionPattern(pattern: string | undefined): void {
  if (pattern === undefined) return;
  try {
    new RegExp(pattern);
  } catch {
    throw BadRequest(`Invalid selection pattern specified: ${pattern}`);
  }
}

export function putIntegrationResponseIn(api: ApiState, resourceId: string, verb: string, statusCode: string, input: Input): IntegrationResponse {
  const resource = resourceIn(api, resourceId);
  const method = methodIn(resource, verb);
  const integration = integrationIn(method);
  checkStatusCode(statusCode);
  // AWS accepts an integration response before (or without) its method response (recorded).
  const selectionPattern = input.str('selectionPattern');
  checkSelectionPattern(selectionPattern);
  const responseParameters = input.strMap('responseParameters') ?? {};
  checkIntegrationResponseParameters(method, statusCode, responseParameters);
  const contentHandling = input.enumOf('contentHandling', CONTENT_HANDLING);
  const response: IntegrationResponse = {
    statusCode,
    ...(selectionPattern !== undefined ? { selectionPattern } : {}),
    responseParameters,
    responseTemplates: input.strMap('responseTemplates') ?? {},
    ...(contentHandling !== undefined ? { contentHandling } : {}),
  };
  setMethod(api, resource, { ...method, methodIntegration: { ...integration, integrationResponses: { ...integration.integrationResponses, [statusCode]: response } } });
  return response;
}

function integrationResponseIn(integration: Integration, statusCode: string): IntegrationResponse {
  const r = integration.integrationResponses[statusCode];
  if (!r) throw responseNotFound();
  return r;
}

export function putIntegrationResponse(state: ApiGatewayState, scope: Scope, apiId: string, resourceId: string, verb: string, statusCode: string, input: Input): IntegrationResponse {
  return state.mutate(scope, (draft) => {
    methodApi(draft.apis, apiId);
    return putIntegrationResponseIn(draft.api(apiId)!, resourceId, verb, statusCode, input);
  });
}

export function getIntegrationResponse(state: ApiGatewayState, scope: Scope, apiId: string, resourceId: string, verb: string, statusCode: string): IntegrationResponse {
  return integrationResponseIn(getIntegration(state, scope, apiId, resourceId, verb), statusCode);
}

export function updateIntegrationResponse(state: ApiGatewayState, scope: Scope, apiId: string, resourceId: string, verb: string, statusCode: string, ops: readonly PatchOp[]): IntegrationResponse {
  const allowed = ['/selectionPattern', '/contentHandling', '/responseParameters/{name}', '/responseTemplates/{contentType}'];
  return state.mutate(scope, (draft) => {
    methodApi(draft.apis, apiId);
    const api = draft.api(apiId)!;
    const resource = resourceIn(api, resourceId);
    const method = methodIn(resource, verb);
    const integration = integrationIn(method);
    let r = integrationResponseIn(integration, statusCode);
    for (const op of ops) {
      const [head = '', ...rest] = pointer(op.path);
      const key = rest.join('/');
      if (head === 'selectionPattern' || head === 'contentHandling') {
        if (op.op === 'remove' || (op.op === 'replace' && (op.value === undefined || op.value === ''))) {
          const { [head]: _drop, ...restR } = r;
          r = restR as IntegrationResponse;
        } else if (op.op === 'replace' || op.op === 'add') {
          if (head === 'contentHandling') r = { ...r, contentHandling: enumValue(op, CONTENT_HANDLING) };
          else {
            checkSelectionPattern(op.value);
            r = { ...r, selectionPattern: op.value! };
          }
        } else throw invalidPath(op, allowed);
      } else if ((head === 'responseParameters' || head === 'responseTemplates') && key && ['add', 'remove', 'replace'].includes(op.op)) {
        r = { ...r, [head]: patchStringMap({ ...r[head] }, op, key) };
      } else throw invalidPath(op, allowed);
    }
    checkIntegrationResponseParameters(method, statusCode, r.responseParameters);
    setMethod(api, resource, { ...method, methodIntegration: { ...integration, integrationResponses: { ...integration.integrationResponses, [statusCode]: r } } });
    return r;
  });
}

export function deleteIntegrationResponse(state: ApiGatewayState, scope: Scope, apiId: string, resourceId: string, verb: string, statusCode: string): void {
  state.mutate(scope, (draft) => {
    methodApi(draft.apis, apiId);
    const api = draft.api(apiId)!;
    const resource = resourceIn(api, resourceId);
    const method = methodIn(resource, verb);
    const integration = integrationIn(method);
    integrationResponseIn(integration, statusCode);
    const { [statusCode]: _drop, ...rest } = integration.integrationResponses;
    setMethod(api, resource, { ...method, methodIntegration: { ...integration, integrationResponses: rest } });
  });
}


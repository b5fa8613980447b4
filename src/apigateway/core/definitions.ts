// Models (JSON Schema draft 4), request validators, authorizers and gateway responses: the
// API-level definitions methods refer to by name or id.
import AjvDraft04Module from 'ajv-draft-04';
import { BadRequest, Conflict, NotFound, Validation, authorizerNotFound, concurrentModification, modelNotFound, validatorNotFound } from './errors.js';
import { DEFAULT_STATUS, DEFAULT_TEMPLATES, GATEWAY_RESPONSE_TYPES, GATEWAY_RESPONSE_TYPES_AS_LISTED, defaultGatewayResponse, effectiveGatewayResponses } from './gateway-responses.js';
import { newShortId } from './ids.js';
import { LIMITS, checkCount } from './limits.js';
import { withoutStageVariables } from './resources.js';
import type { Input } from './input.js';
import { apiIn, paginate } from './lookup.js';
import type { Authorizer, AuthorizerType, GatewayResponse, GatewayResponseType, Model, RequestValidator, Scope } from './model.js';
import { bareInvalidPath, boolValue, enumValue, intValue, invalidPath, patchStringMap, pointer, requireValue, unsupportedOpForPath, type PatchOp } from './patch.js';
import type { ApiGatewayState, ApiState } from './state.js';

// ---------------------------------------------------------------------------------------------
// Models

// ajv-draft-04 is CommonJS: under NodeNext its default import is the module object.
const Ajv04 = ((AjvDraft04Module as unknown as { default?: typeof AjvDraft04Module }).default ?? AjvDraft04Module) as unknown as typeof AjvDraft04Module.default;

export const modelUrl = (apiId: string, name: string) => `https://apigateway.amazonaws.com/restapis/${apiId}/models/${name}`;

/** Validates a draft-04 schema; other models of the API resolve by their AWS model URL. */
export function checkSchema(api: ApiState, name: string, schema: string): void {
  const invalid = (why: string) => BadRequest(`Invalid model specified: Validation Result: warnings : [], errors : [${why}]`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(schema);
  } catch {
    throw invalid('Invalid model schema specified. Unsupported keyword(s): [] | Model schema must be valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid('Invalid model schema specified: schema must be a JSON object');
  const ajv = new Ajv04({ strict: false, allErrors: false, validateSchema: true, logger: false });
  for (const m of api.models.values()) {
    if (m.name === name || !m.schema) continue;
    try {
      const { id: _id, $schema: _s, ...rest } = JSON.parse(m.schema) as Record<string, unknown>;
      ajv.addSchema(rest, modelUrl(api.api.id, m.name));
    } catch {
      // A stored model was validated when it was created; ignore anything odd rather than block.
    }
  }
  try {
    const { $schema: _s, ...rest } = parsed as Record<string, unknown>;
    ajv.compile(rest);
  } catch (err) {
    throw invalid(`Invalid model schema specified: ${(err as Error).message}`);
  }
}

/** AWS refuses a model without a schema, whatever its content type (recorded wording). */
const EMPTY_SCHEMA = 'Model schema must have at least 1 property or array items defined';

/** The API of a model operation: AWS names the model, not the API, when either is unknown. */
function modelApi(apis: ReadonlyMap<string, ApiState>, apiId: string, name: string): ApiState {
  const api = apis.get(apiId);
  if (!api) throw modelNotFound(name);
  return api;
}

export function createModel(state: ApiGatewayState, scope: Scope, apiId: string, input: Input): Model {
  const name = input.reqStr('name');
  const contentType = input.reqStr('contentType');
  const description = input.str('description');
  const schema = input.str('schema');
  return state.mutate(scope, (draft) => {
    apiIn(draft.apis, scope, apiId);
    const api = draft.api(apiId)!;
    if (api.models.has(name)) throw Conflict('Model name already exists for this REST API');
    if (name === '') throw BadRequest('Model name must be non-empty');
    if (!/^[a-zA-Z0-9]+$/.test(name)) throw BadRequest('Model name must be alphanumeric');
    if (!schema) throw BadRequest(EMPTY_SCHEMA);
    checkSchema(api, name, schema);
    // An empty description is accepted but not kept (AWS answers without it).
    const model: Model = { id: newShortId(), name, ...(description ? { description } : {}), schema, contentType };
    api.models.set(name, model);
    return model;
  });
}

export function getModel(state: ApiGatewayState, scope: Scope, apiId: string, name: string): Model {
  const m = modelApi(state.scopeState(scope).apis, apiId, name).models.get(name);
  if (!m) throw modelNotFound(name);
  return m;
}

export function listModels(state: ApiGatewayState, scope: Scope, apiId: string, position?: string, limit?: number) {
  const api = apiIn(state.scopeState(scope).apis, scope, apiId);
  return paginate([...api.models.values()].sort((a, b) => a.name.localeCompare(b.name)), position, limit);
}

export function updateModel(state: ApiGatewayState, scope: Scope, apiId: string, name: string, ops: readonly PatchOp[]): Model {
  const allowed = ['/description', '/schema'];
  return state.mutate(scope, (draft) => {
    const api = modelApi(draft.apis, apiId, name);
    let m = api.models.get(name);
    if (!m) throw modelNotFound(name);
    for (const op of ops) {
      // AWS checks the verb before the path.
      if (op.op !== 'replace') throw unsupportedOpForPath(op);
      if (op.path === '/description') {
        const { description: _old, ...rest } = m;
        m = op.value ? { ...rest, description: op.value } : rest;
      } else if (op.path === '/schema') {
        const schema = op.value;
        if (!schema) throw BadRequest(EMPTY_SCHEMA);
        checkSchema(api, name, schema);
        m = { ...m, schema };
      } else throw invalidPath(op, allowed);
    }
    api.models.set(name, m);
    return m;
  });
}

export function deleteModel(state: ApiGatewayState, scope: Scope, apiId: string, name: string): void {
  state.mutate(scope, (draft) => {
    const api = modelApi(draft.apis, apiId, name);
    if (!api.models.has(name)) throw modelNotFound(name);
    for (const r of api.resources.values()) {
      for (const m of Object.values(r.resourceMethods)) {
        const used =
          Object.values(m.requestModels).includes(name) ||
          Object.values(m.methodResponses).some((resp) => Object.values(resp.responseModels ?? {}).includes(name));
        if (used) throw Conflict(`Cannot delete model '${name}', is referenced in method request: ${r.path}/${m.httpMethod}`);
      }
    }
    const url = modelUrl(apiId, name);
    for (const other of api.models.values()) {
      if (other.name !== name && other.schema?.includes(url)) throw Conflict(`Cannot delete model '${name}', is referenced in model: ${other.name}`);
    }
    api.models.delete(name);
  });
}

// ---------------------------------------------------------------------------------------------
// Request validators

export function addValidator(api: ApiState, input: Input): RequestValidator {
  const name = input.reqStr('name');
  const validator: RequestValidator = {
    id: newShortId(),
    name,
    validateRequestBody: input.bool('validateRequestBody') ?? false,
    validateRequestParameters: input.bool('validateRequestParameters') ?? false,
  };
  api.validators.set(validator.id, validator);
  return validator;
}

/** The API of a validator operation: AWS names the validator when the API is unknown. */
function validatorApi(apis: ReadonlyMap<string, ApiState>, apiId: string): ApiState {
  const api = apis.get(apiId);
  if (!api) throw validatorNotFound();
  return api;
}

export function createRequestValidator(state: ApiGatewayState, scope: Scope, apiId: string, input: Input): RequestValidator {
  return state.mutate(scope, (draft) => {
    const api = draft.api(apiId);
    // Recorded: an unknown API is a bad request here, not a NotFoundException.
    if (!api) throw BadRequest('Invalid REST API identifier specified');
    return addValidator(api, input);
  });
}

export function getRequestValidator(state: ApiGatewayState, scope: Scope, apiId: string, id: string): RequestValidator {
  const v = validatorApi(state.scopeState(scope).apis, apiId).validators.get(id);
  if (!v) throw validatorNotFound();
  return v;
}

export function listRequestValidators(state: ApiGatewayState, scope: Scope, apiId: string, position?: string, limit?: number) {
  const api = apiIn(state.scopeState(scope).apis, scope, apiId);
  return paginate([...api.validators.values()], position, limit);
}

export function updateRequestValidator(state: ApiGatewayState, scope: Scope, apiId: string, id: string, ops: readonly PatchOp[]): RequestValidator {
  const allowed = ['/name', '/validateRequestParameters', '/validateRequestBody'];
  // A flag replaced without a value is switched off (recorded).
  const flag = (op: PatchOp) => (op.value === undefined || op.value === '' ? false : boolValue(op));
  return state.mutate(scope, (draft) => {
    const api = validatorApi(draft.apis, apiId);
    let v = api.validators.get(id);
    if (!v) throw validatorNotFound();
    for (const op of ops) {
      if (op.op !== 'replace') throw unsupportedOpForPath(op);
      if (op.path === '/name') {
        if (!op.value?.trim()) throw BadRequest('Request Validator name cannot be blank');
        v = { ...v, name: op.value };
      } else if (op.path === '/validateRequestBody') v = { ...v, validateRequestBody: flag(op) };
      else if (op.path === '/validateRequestParameters') v = { ...v, validateRequestParameters: flag(op) };
      else throw invalidPath(op, allowed);
    }
    api.validators.set(id, v);
    return v;
  });
}

export function deleteRequestValidator(state: ApiGatewayState, scope: Scope, apiId: string, id: string): void {
  state.mutate(scope, (draft) => {
    const api = validatorApi(draft.apis, apiId);
    if (!api.validators.has(id)) throw validatorNotFound();
    for (const r of api.resources.values()) {
      for (const m of Object.values(r.resourceMethods)) {
        if (m.requestValidatorId === id) throw Conflict(`Cannot delete request validator '${id}', is referenced in method: ${m.httpMethod}:${r.path}`);
      }
    }
    api.validators.delete(id);
  });
}

// ---------------------------------------------------------------------------------------------
// Authorizers

export const AUTHORIZER_TYPES: readonly AuthorizerType[] = ['TOKEN', 'REQUEST', 'COGNITO_USER_POOLS'];
const LAMBDA_AUTHORIZER_URI = /^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path\/2015-03-31\/functions\/arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9_-]+(:[a-zA-Z0-9_$-]+)?\/invocations$/;
const TOKEN_SOURCE = /^method\.request\.header\.[^\s,]+$/;
const REQUEST_SOURCE = /^(method\.request\.(header|querystring|multivalueheader|multivaluequerystring)\.[^\s,]+|stageVariables\.[^\s,]+|context\.[^\s,]+)$/;

/** Checks an authorizer's full configuration (after create or patch). */
export function checkAuthorizer(a: Authorizer): void {
  if (a.type === 'COGNITO_USER_POOLS') {
    if (!a.providerARNs?.length) throw BadRequest('ProviderARNs need to be specified for COGNITO_USER_POOLS authorizer');
    for (const arn of a.providerARNs) {
      if (!/^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/[\w-]+$/.test(arn)) throw BadRequest(`Invalid provider ARN specified: ${arn}`);
    }
  } else {
    if (!a.authorizerUri) throw BadRequest(`Authorizer URI is required for ${a.type} authorizer`);
    if (!LAMBDA_AUTHORIZER_URI.test(withoutStageVariables(a.authorizerUri))) throw BadRequest('Invalid Authorizer URI specified');
  }
  if (a.authorizerResultTtlInSeconds < 0 || a.authorizerResultTtlInSeconds > 3600) {
    throw BadRequest('Authorizer result TTL must be between 0 and 3600 seconds');
  }
  if (a.type === 'TOKEN' || a.type === 'COGNITO_USER_POOLS') {
    if (!a.identitySource) throw BadRequest('Identity source is required for TOKEN authorizer');
    if (!TOKEN_SOURCE.test(a.identitySource)) throw BadRequest(`Invalid identity source specified: ${a.identitySource}`);
  } else {
    const sources = (a.identitySource ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (sources.length === 0 && a.authorizerResultTtlInSeconds > 0) {
      throw BadRequest('Identity Source must be specified when authorizer caching is enabled');
    }
    for (const s of sources) if (!REQUEST_SOURCE.test(s)) throw BadRequest(`Invalid identity source specified: ${s}`);
  }
  if (a.identityValidationExpression !== undefined) {
    if (a.type === 'REQUEST') throw BadRequest('identityValidationExpression is not supported for REQUEST authorizers');
    try {
      new RegExp(a.identityValidationExpression);
    } catch {
      throw BadRequest(`Invalid identity validation expression specified: ${a.identityValidationExpression}`);
    }
  }
}

export function addAuthorizer(api: ApiState, input: Input): Authorizer {
  const name = input.reqStr('name');
  const type = input.reqEnum('type', AUTHORIZER_TYPES);
  const optional = (field: string) => {
    const v = input.str(field);
    return v === undefined || v === '' ? {} : { [field]: v };
  };
  const providerARNs = input.strList('providerARNs');
  const authorizer = {
    id: newShortId(),
    name,
    type,
    ...(providerARNs?.length ? { providerARNs } : {}),
    ...optional('authType'),
    ...optional('authorizerUri'),
    ...optional('authorizerCredentials'),
    ...optional('identitySource'),
    ...optional('identityValidationExpression'),
    authorizerResultTtlInSeconds: input.int('authorizerResultTtlInSeconds') ?? 300,
  } as Authorizer;
  checkAuthorizer(authorizer);
  checkCount(api.authorizers.size, LIMITS.authorizersPerApi, 'Authorizers');
  api.authorizers.set(authorizer.id, authorizer);
  return authorizer;
}

export function createAuthorizer(state: ApiGatewayState, scope: Scope, apiId: string, input: Input): Authorizer {
  return state.mutate(scope, (draft) => {
    const api = draft.api(apiId);
    // Recorded: AWS answers an unknown API here with its concurrent-modification conflict.
    if (!api) throw concurrentModification();
    return addAuthorizer(api, input);
  });
}

export function getAuthorizer(state: ApiGatewayState, scope: Scope, apiId: string, id: string): Authorizer {
  const a = apiIn(state.scopeState(scope).apis, scope, apiId).authorizers.get(id);
  if (!a) throw authorizerNotFound();
  return a;
}

export function listAuthorizers(state: ApiGatewayState, scope: Scope, apiId: string, position?: string, limit?: number) {
  const api = apiIn(state.scopeState(scope).apis, scope, apiId);
  return paginate([...api.authorizers.values()], position, limit);
}

const AUTHORIZER_PATHS = ['/name', '/type', '/authType', '/authorizerUri', '/authorizerCredentials', '/identitySource', '/identityValidationExpression', '/authorizerResultTtlInSeconds', '/providerARNs'];

export function updateAuthorizer(state: ApiGatewayState, scope: Scope, apiId: string, id: string, ops: readonly PatchOp[]): Authorizer {
  return state.mutate(scope, (draft) => {
    apiIn(draft.apis, scope, apiId);
    const api = draft.api(apiId)!;
    const found = api.authorizers.get(id);
    if (!found) throw authorizerNotFound();
    let a: Authorizer = found;
    for (const op of ops) {
      const [head = ''] = pointer(op.path);
      switch (head) {
        case 'name':
          if (op.op !== 'replace') throw invalidPath(op, AUTHORIZER_PATHS);
          a = { ...a, name: requireValue(op) };
          break;
        case 'type':
          if (op.op !== 'replace') throw invalidPath(op, AUTHORIZER_PATHS);
          a = { ...a, type: enumValue(op, AUTHORIZER_TYPES) };
          break;
        case 'authorizerResultTtlInSeconds':
          if (op.op !== 'replace') throw invalidPath(op, AUTHORIZER_PATHS);
          a = { ...a, authorizerResultTtlInSeconds: intValue(op) };
          break;
        case 'authType':
        case 'authorizerUri':
        case 'authorizerCredentials':
        case 'identitySource':
        case 'identityValidationExpression':
          if (op.op === 'remove' || ((op.op === 'replace' || op.op === 'add') && !op.value)) {
            const { [head]: _drop, ...rest } = a;
            a = rest as Authorizer;
          } else if (op.op === 'replace' || op.op === 'add') a = { ...a, [head]: op.value };
          else throw invalidPath(op, AUTHORIZER_PATHS);
          break;
        case 'providerARNs': {
          const arns = new Set<string>(a.providerARNs ?? []);
          if (op.op === 'add') arns.add(requireValue(op));
          else if (op.op === 'remove') arns.delete(requireValue(op));
          else if (op.op === 'replace') {
            arns.clear();
            arns.add(requireValue(op));
          } else throw invalidPath(op, AUTHORIZER_PATHS);
          a = { ...a, providerARNs: [...arns] };
          break;
        }
        default:
          throw invalidPath(op, AUTHORIZER_PATHS);
      }
    }
    checkAuthorizer(a);
    api.authorizers.set(id, a);
    return a;
  });
}

export function deleteAuthorizer(state: ApiGatewayState, scope: Scope, apiId: string, id: string): void {
  state.mutate(scope, (draft) => {
    apiIn(draft.apis, scope, apiId);
    const api = draft.api(apiId)!;
    const a = api.authorizers.get(id);
    if (!a) throw authorizerNotFound();
    for (const r of api.resources.values()) {
      for (const m of Object.values(r.resourceMethods)) {
        if (m.authorizerId === id) throw Conflict(`Cannot delete authorizer '${a.name}', is referenced in method: ${m.httpMethod}:${r.path}`);
      }
    }
    api.authorizers.delete(id);
  });
}

// ---------------------------------------------------------------------------------------------
// Gateway responses

const GR_PARAM_TARGET = /^gatewayresponse\.header\.[^\s]+$/;
const GR_PARAM_SOURCE = /^('.*'|method\.request\.(header|querystring|path|multivalueheader|multivaluequerystring)\.[^\s]+|stageVariables\.\w+|context\.[\w.]+)$/s;

function checkGatewayResponseType(type: string): GatewayResponseType {
  if (!(GATEWAY_RESPONSE_TYPES as string[]).includes(type)) {
    throw Validation(
      `1 validation error detected: Value '${type}' at 'responseType' failed to satisfy constraint: Member must satisfy enum value set: [${GATEWAY_RESPONSE_TYPES_AS_LISTED.join(', ')}]`,
    );
  }
  return type as GatewayResponseType;
}

function checkGatewayResponse(g: GatewayResponse): void {
  if (g.statusCode !== undefined && !/^[1-5]\d\d$/.test(g.statusCode)) throw BadRequest('Invalid status code specified');
  for (const [k, v] of Object.entries(g.responseParameters)) {
    if (!GR_PARAM_TARGET.test(k) || !GR_PARAM_SOURCE.test(v)) {
      throw BadRequest(`Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: ${k}=${v}]`);
    }
  }
}

export function putGatewayResponseIn(api: ApiState, type: string, input: Input): GatewayResponse {
  const responseType = checkGatewayResponseType(type);
  // What the caller leaves out keeps the type's default (recorded: a Put with parameters only
  // answers the default status and template).
  const statusCode = input.str('statusCode') || DEFAULT_STATUS[responseType];
  const templates = input.strMap('responseTemplates');
  const g: GatewayResponse = {
    responseType,
    ...(statusCode ? { statusCode } : {}),
    responseParameters: input.strMap('responseParameters') ?? {},
    responseTemplates: templates && Object.keys(templates).length ? templates : DEFAULT_TEMPLATES,
    defaultResponse: false,
  };
  checkGatewayResponse(g);
  api.gatewayResponses.set(responseType, g);
  return g;
}

export function putGatewayResponse(state: ApiGatewayState, scope: Scope, apiId: string, type: string, input: Input): GatewayResponse {
  return state.mutate(scope, (draft) => {
    apiIn(draft.apis, scope, apiId);
    return putGatewayResponseIn(draft.api(apiId)!, type, input);
  });
}

export function getGatewayResponse(state: ApiGatewayState, scope: Scope, apiId: string, type: string): GatewayResponse {
  const api = apiIn(state.scopeState(scope).apis, scope, apiId);
  const t = checkGatewayResponseType(type);
  return effectiveGatewayResponses(api.gatewayResponses)[t];
}

export function listGatewayResponses(state: ApiGatewayState, scope: Scope, apiId: string, position?: string, limit?: number) {
  const api = apiIn(state.scopeState(scope).apis, scope, apiId);
  const all = effectiveGatewayResponses(api.gatewayResponses);
  return paginate(GATEWAY_RESPONSE_TYPES.map((t) => all[t]), position, limit ?? 500);
}

export function updateGatewayResponse(state: ApiGatewayState, scope: Scope, apiId: string, type: string, ops: readonly PatchOp[]): GatewayResponse {
  return state.mutate(scope, (draft) => {
    apiIn(draft.apis, scope, apiId);
    const api = draft.api(apiId)!;
    const t = checkGatewayResponseType(type);
    let g: GatewayResponse = api.gatewayResponses.get(t) ?? defaultGatewayResponse(t);
    g = { ...g, defaultResponse: false };
    for (const op of ops) {
      const [head = '', ...rest] = pointer(op.path);
      const key = rest.join('/');
      if (head === 'statusCode' && rest.length === 0 && op.op === 'replace') {
        g = { ...g, statusCode: requireValue(op) };
      } else if ((head === 'responseParameters' || head === 'responseTemplates') && key && ['add', 'remove', 'replace'].includes(op.op)) {
        if (op.op !== 'remove' && !op.value) throw BadRequest(`Invalid null or empty value in ${head}`);
        if (op.op === 'replace' && !(key in g[head])) throw NotFound('Invalid parameter name specified');
        g = { ...g, [head]: patchStringMap({ ...g[head] }, op, key) };
      } else throw bareInvalidPath(op);
    }
    checkGatewayResponse(g);
    api.gatewayResponses.set(t, g);
    return g;
  });
}

export function deleteGatewayResponse(state: ApiGatewayState, scope: Scope, apiId: string, type: string): void {
  state.mutate(scope, (draft) => {
    apiIn(draft.apis, scope, apiId);
    const api = draft.api(apiId)!;
    const t = checkGatewayResponseType(type);
    if (!api.gatewayResponses.has(t)) throw NotFound('Gateway response type not defined on api');
    api.gatewayResponses.delete(t);
  });
}

// ---------------------------------------------------------------------------------------------
// GetModelTemplate: a starting mapping template that walks the model's JSON schema.

type SchemaNode = { type?: string | string[]; properties?: Record<string, SchemaNode>; items?: SchemaNode; $ref?: string };

function templateFor(api: ApiState, node: SchemaNode, expr: string, indent: string, depth: number, seen: Set<string>): string {
  if (node.$ref) {
    const name = /\/models\/([^/#]+)$/.exec(node.$ref)?.[1];
    const model = name ? api.models.get(name) : undefined;
    if (!model?.schema || seen.has(model.name)) return `"${expr}"`;
    let parsed: SchemaNode;
    try {
      parsed = JSON.parse(model.schema) as SchemaNode;
    } catch {
      return `"${expr}"`;
    }
    return templateFor(api, parsed, expr, indent, depth, new Set([...seen, model.name]));
  }
  const type = Array.isArray(node.type) ? node.type[0] : node.type;
  if (type === 'object' || (type === undefined && node.properties)) {
    const props = Object.entries(node.properties ?? {});
    const inner = indent + '  ';
    const body = props.map(([k, v]) => `${inner}"${k}" : ${templateFor(api, v, `${expr}.${k}`, inner, depth + 1, seen)}`).join(',\n');
    return `{\n${body}\n${indent}}`;
  }
  if (type === 'array') {
    const elem = `$elem${depth}`;
    const inner = indent + '  ';
    return `[\n#foreach(${elem} in ${expr})\n${inner}${templateFor(api, node.items ?? {}, elem, inner, depth + 1, seen)}#if($foreach.hasNext),#end\n#end\n${indent}]`;
  }
  if (type === 'number' || type === 'integer' || type === 'boolean') return expr;
  return `"${expr}"`;
}

export function getModelTemplate(state: ApiGatewayState, scope: Scope, apiId: string, name: string): { value: string } {
  const api = apiIn(state.scopeState(scope).apis, scope, apiId);
  const model = api.models.get(name);
  if (!model) throw modelNotFound(name);
  let schema: SchemaNode = {};
  try {
    schema = model.schema ? (JSON.parse(model.schema) as SchemaNode) : {};
  } catch {
    throw BadRequest(`Model ${name} has no valid JSON schema to build a template from`);
  }
  return { value: `#set($inputRoot = $input.path('$'))\n${templateFor(api, schema, '$inputRoot', '', 0, new Set([name]))}` };
}

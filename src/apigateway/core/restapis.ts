// RestApi operations (create/get/list/update/delete) and tagging, on the state's drafts.
import { BadRequest, apiKeyNotFound, stageNotFound, usagePlanNotFound } from './errors.js';
import { newId, newShortId, nowSeconds } from './ids.js';
import { checkApiCount } from './limits.js';
import { decodeOrKeep } from '../../protocol/http.js';
import type { Input } from './input.js';
import { apiIn, paginate } from './lookup.js';
import { checkEndpointEnums, patchEndpointConfiguration, readEndpointConfiguration } from './endpoint.js';
import type { ApiKeySource, RestApi, Scope } from './model.js';
import { bareInvalidPath, boolValue, enumValue, invalidPath, opNotAllowed, pointer, requireValue, type PatchOp } from './patch.js';
import type { ApiGatewayState, ApiState, Draft, ScopeState } from './state.js';

export { ENDPOINT_TYPES } from './endpoint.js';
export const API_KEY_SOURCES: readonly ApiKeySource[] = ['HEADER', 'AUTHORIZER'];
const MAX_COMPRESSION = 10_485_760;

export function checkCompression(size: number | undefined): void {
  if (size !== undefined && (size < 0 || size > MAX_COMPRESSION)) {
    throw BadRequest(`Invalid minimum compression size, must be between 0 and ${MAX_COMPRESSION}`);
  }
}

export function checkTags(tags: Record<string, string> | undefined): Record<string, string> {
  if (!tags) return {};
  const entries = Object.entries(tags);
  if (entries.length > 50) throw BadRequest('Too many tags: a resource can have at most 50 tags');
  for (const [k, v] of entries) {
    if (k.length < 1 || k.length > 128) throw BadRequest(`Tag key '${k}' must be between 1 and 128 characters`);
    if (k.toLowerCase().startsWith('aws:')) throw BadRequest("Tag keys starting with 'aws:' are reserved for AWS use");
    if (v.length > 256) throw BadRequest(`Tag value for key '${k}' must be at most 256 characters`);
  }
  return tags;
}

/** A fresh API id that no scope uses. */
export function freshApiId(state: ApiGatewayState): string {
  for (;;) {
    const id = newId();
    if (!state.isApiIdTaken(id)) return id;
  }
}

/** Creates the API and its root resource inside a draft (also used by ImportRestApi). */
export function addRestApi(state: ApiGatewayState, draft: Draft, input: Input): ApiState {
  const name = input.reqStr('name');
  // AWS's front-end enum checks come first, then the empty description (recorded order).
  const endpointInput = input.obj('endpointConfiguration');
  checkEndpointEnums(endpointInput);
  if (input.str('description') === '') throw BadRequest('Description cannot be an empty string');
  if (name.trim() === '') throw BadRequest('Invalid REST API name specified: name must not be empty');
  const apiKeySource = input.enumOf('apiKeySource', API_KEY_SOURCES) ?? 'HEADER';
  const minimumCompressionSize = input.int('minimumCompressionSize');
  checkCompression(minimumCompressionSize);
  const policy = input.str('policy');
  if (policy !== undefined) checkPolicy(policy);
  const endpointConfiguration = readEndpointConfiguration(endpointInput);
  checkApiCount(draft.apis.values(), endpointConfiguration.types[0] ?? 'EDGE');
  const id = freshApiId(state);
  const rootResourceId = newId();
  const description = input.str('description');
  const version = input.str('version');
  const tags = input.strMap('tags');
  const api: RestApi = {
    id,
    name,
    ...(description !== undefined ? { description } : {}),
    createdDate: nowSeconds(),
    ...(version !== undefined ? { version } : {}),
    binaryMediaTypes: input.strList('binaryMediaTypes') ?? [],
    ...(minimumCompressionSize !== undefined ? { minimumCompressionSize } : {}),
    apiKeySource,
    endpointConfiguration,
    ...(policy !== undefined ? { policy } : {}),
    ...(tags !== undefined ? { tags: checkTags(tags) } : {}),
    disableExecuteApiEndpoint: input.bool('disableExecuteApiEndpoint') ?? false,
    rootResourceId,
  };
  const created = draft.addApi(api);
  created.resources.set(rootResourceId, { id: rootResourceId, path: '/', resourceMethods: {} });
  addDefaultModels(created);
  return created;
}

/** Every new REST API has AWS's `Empty` and `Error` models (templates commonly refer to `Empty`). */
export function addDefaultModels(api: ApiState): void {
  api.models.set('Empty', {
    id: newShortId(),
    name: 'Empty',
    description: 'This is a default empty schema model',
    schema: '{\n  "$schema": "http://json-schema.org/draft-04/schema#",\n  "title" : "Empty Schema",\n  "type" : "object"\n}',
    contentType: 'application/json',
  });
  api.models.set('Error', {
    id: newShortId(),
    name: 'Error',
    description: 'This is a default error schema model',
    schema: '{\n  "$schema" : "http://json-schema.org/draft-04/schema#",\n  "title" : "Error Schema",\n  "type" : "object",\n  "properties" : {\n    "message" : { "type" : "string" }\n  }\n}',
    contentType: 'application/json',
  });
}

function checkPolicy(policy: string): void {
  if (policy === '') return;
  try {
    const parsed: unknown = JSON.parse(policy);
    if (parsed === null || typeof parsed !== 'object') throw new Error('not an object');
  } catch {
    throw BadRequest('Invalid policy document. Please check the policy syntax and try again.');
  }
}

export function createRestApi(state: ApiGatewayState, scope: Scope, input: Input): RestApi {
  const cloneFrom = input.str('cloneFrom');
  return state.mutate(scope, (draft) => {
    const created = addRestApi(state, draft, input);
    if (cloneFrom !== undefined) cloneInto(draft, scope, cloneFrom, created);
    return created.api;
  });
}

/** `cloneFrom`: copies resources, methods, models, validators, authorizers and gateway responses. */
function cloneInto(draft: Draft, scope: Scope, sourceId: string, target: ApiState): void {
  const source = apiIn(draft.apis, scope, sourceId);
  const resourceIds = new Map<string, string>();
  const authorizerIds = new Map<string, string>();
  const validatorIds = new Map<string, string>();
  for (const a of source.authorizers.values()) {
    const id = newShortId();
    authorizerIds.set(a.id, id);
    target.authorizers.set(id, { ...a, id });
  }
  for (const v of source.validators.values()) {
    const id = newShortId();
    validatorIds.set(v.id, id);
    target.validators.set(id, { ...v, id });
  }
  for (const m of source.models.values()) target.models.set(m.name, { ...m, id: newShortId() });
  for (const [k, g] of source.gatewayResponses) target.gatewayResponses.set(k, g);
  target.resources.clear();
  const sorted = [...source.resources.values()].sort((a, b) => a.path.length - b.path.length);
  for (const r of sorted) {
    const id = r.parentId === undefined ? target.api.rootResourceId : newId();
    resourceIds.set(r.id, id);
    const methods: Record<string, (typeof r.resourceMethods)[string]> = {};
    for (const [verb, m] of Object.entries(r.resourceMethods)) {
      methods[verb] = {
        ...m,
        ...(m.authorizerId ? { authorizerId: authorizerIds.get(m.authorizerId) ?? m.authorizerId } : {}),
        ...(m.requestValidatorId ? { requestValidatorId: validatorIds.get(m.requestValidatorId) ?? m.requestValidatorId } : {}),
      };
    }
    const parentId = r.parentId === undefined ? undefined : resourceIds.get(r.parentId);
    target.resources.set(id, {
      id,
      ...(parentId !== undefined ? { parentId } : {}),
      ...(r.pathPart !== undefined ? { pathPart: r.pathPart } : {}),
      path: r.path,
      resourceMethods: methods,
    });
  }
  target.api = {
    ...target.api,
    binaryMediaTypes: target.api.binaryMediaTypes.length ? target.api.binaryMediaTypes : source.api.binaryMediaTypes,
  };
}

export function getRestApi(state: ApiGatewayState, scope: Scope, apiId: string): RestApi {
  return apiIn(state.scopeState(scope).apis, scope, apiId).api;
}

export function listRestApis(state: ApiGatewayState, scope: Scope, position?: string, limit?: number) {
  const apis = [...state.scopeState(scope).apis.values()]
    .map((a) => a.api)
    .sort((a, b) => a.createdDate - b.createdDate || a.id.localeCompare(b.id));
  return paginate(apis, position, limit);
}

/** AWS's wording for a compression size it cannot use, whatever was wrong with it. */
const COMPRESSION_RANGE = `Invalid minimum compression size, must be between 0 and ${MAX_COMPRESSION}`;

const API_PATHS = ['/name', '/description', '/apiKeySource', '/binaryMediaTypes/{mediaType}', '/minimumCompressionSize', '/policy', '/endpointConfiguration/types/{type}', '/endpointConfiguration/vpcEndpointIds', '/disableExecuteApiEndpoint', '/version'];

export function applyRestApiPatch(api: RestApi, ops: readonly PatchOp[]): RestApi {
  let next: RestApi = api;
  for (const op of ops) {
    const [head = '', ...rest] = pointer(op.path);
    const value = op.value;
    switch (head) {
      case 'name':
        if (op.op !== 'replace') throw invalidPath(op, API_PATHS);
        if (!requireValue(op).trim()) throw BadRequest('Invalid REST API name specified: name must not be empty');
        next = { ...next, name: op.value! };
        break;
      case 'description':
      case 'version':
      case 'policy': {
        if (op.op === 'remove' || (op.op === 'replace' && (value === undefined || value === ''))) {
          const { [head]: _drop, ...restApi } = next;
          next = restApi as RestApi;
        } else if (op.op === 'replace' || op.op === 'add') {
          if (head === 'policy') checkPolicy(value ?? '');
          next = { ...next, [head]: value };
        } else throw invalidPath(op, API_PATHS);
        break;
      }
      case 'apiKeySource':
        if (op.op !== 'replace') throw invalidPath(op, API_PATHS);
        next = { ...next, apiKeySource: enumValue(op, API_KEY_SOURCES) };
        break;
      case 'binaryMediaTypes': {
        const type = rest.join('/');
        if (!type) throw bareInvalidPath(op);
        const list = next.binaryMediaTypes.filter((t) => t !== type);
        if (op.op === 'add') list.push(type);
        else if (op.op === 'replace') {
          if (!value) throw invalidPath(op, API_PATHS);
          list.push(value);
        } else if (op.op !== 'remove') throw invalidPath(op, API_PATHS);
        next = { ...next, binaryMediaTypes: [...new Set(list)] };
        break;
      }
      case 'minimumCompressionSize': {
        if (op.op === 'remove' || (op.op === 'replace' && (value === undefined || value === ''))) {
          const { minimumCompressionSize: _drop, ...restApi } = next;
          next = restApi as RestApi;
        } else if (op.op === 'replace') {
          const v = value ?? '';
          const n = /^-?\d+$/.test(v) ? Number(v) : NaN;
          if (!(n >= 0 && n <= MAX_COMPRESSION)) throw BadRequest(COMPRESSION_RANGE);
          next = { ...next, minimumCompressionSize: n };
        } else throw opNotAllowed(['replace']);
        break;
      }
      case 'disableExecuteApiEndpoint':
        if (op.op !== 'replace') throw invalidPath(op, API_PATHS);
        next = { ...next, disableExecuteApiEndpoint: boolValue(op) };
        break;
      case 'endpointConfiguration': {
        const updated = patchEndpointConfiguration(next.endpointConfiguration, op, rest);
        if (!updated) throw invalidPath(op, API_PATHS);
        next = { ...next, endpointConfiguration: updated };
        break;
      }
      default:
        throw invalidPath(op, API_PATHS);
    }
  }
  // AWS answers an updated API with its (possibly empty) tag map.
  return next.tags ? next : { ...next, tags: {} };
}

export function updateRestApi(state: ApiGatewayState, scope: Scope, apiId: string, ops: readonly PatchOp[]): RestApi {
  return state.mutate(scope, (draft) => {
    apiIn(draft.apis, scope, apiId);
    const api = draft.api(apiId)!;
    api.api = applyRestApiPatch(api.api, ops);
    return api.api;
  });
}

export function deleteRestApi(state: ApiGatewayState, scope: Scope, apiId: string): void {
  state.mutate(scope, (draft) => {
    const api = apiIn(draft.apis, scope, apiId);
    draft.apis.delete(apiId);
    // Drop the API's stages from usage plans: a plan that names a stage which no longer exists
    // could never be deleted (DeleteUsagePlan refuses while stages are attached).
    for (const [id, plan] of draft.usagePlans) {
      if (plan.apiStages.some((s) => s.apiId === apiId)) {
        draft.usagePlans.set(id, { ...plan, apiStages: plan.apiStages.filter((s) => s.apiId !== apiId) });
      }
    }
    draft.emit({ type: 'apiDeleted', scope, apiId: api.api.id });
  });
}

// ---------------------------------------------------------------------------------------------
// Tagging: TagResource / UntagResource / GetTags on `arn:aws:apigateway:{region}::/…` ARNs.

type Taggable =
  | { kind: 'api'; apiId: string }
  | { kind: 'stage'; apiId: string; stageName: string }
  | { kind: 'apikey'; id: string }
  | { kind: 'usageplan'; id: string };

function parseTagArn(scope: Scope, arn: string): Taggable {
  const m = /^arn:aws[a-z-]*:apigateway:([a-z0-9-]+)::(\/.*)$/.exec(arn);
  if (!m) throw BadRequest(`Invalid ARN specified in the request: ${arn}`);
  if (m[1] !== scope.region) throw BadRequest(`Invalid ARN specified in the request: region ${m[1]} does not match ${scope.region}`);
  const path = m[2]!;
  let p: RegExpExecArray | null;
  if ((p = /^\/restapis\/([^/]+)$/.exec(path))) return { kind: 'api', apiId: p[1]! };
  if ((p = /^\/restapis\/([^/]+)\/stages\/([^/]+)$/.exec(path))) return { kind: 'stage', apiId: p[1]!, stageName: decodeOrKeep(p[2]!) };
  if ((p = /^\/apikeys\/([^/]+)$/.exec(path))) return { kind: 'apikey', id: p[1]! };
  if ((p = /^\/usageplans\/([^/]+)$/.exec(path))) return { kind: 'usageplan', id: p[1]! };
  throw BadRequest(`Invalid ARN specified in the request: ${arn}`);
}

type TagHolder = Pick<ScopeState, 'apis' | 'apiKeys' | 'usagePlans'>;

function currentTags(draft: TagHolder, scope: Scope, t: Taggable): Readonly<Record<string, string>> {
  switch (t.kind) {
    case 'api':
      return apiIn(draft.apis, scope, t.apiId).api.tags ?? {};
    case 'stage': {
      const s = apiIn(draft.apis, scope, t.apiId).stages.get(t.stageName);
      if (!s) throw stageNotFound();
      return s.tags;
    }
    case 'apikey': {
      const k = draft.apiKeys.get(t.id);
      if (!k) throw apiKeyNotFound();
      return k.tags;
    }
    case 'usageplan': {
      const u = draft.usagePlans.get(t.id);
      if (!u) throw usagePlanNotFound(t.id);
      return u.tags;
    }
  }
}

function setTags(draft: Draft, t: Taggable, tags: Record<string, string>): void {
  switch (t.kind) {
    case 'api': {
      const a = draft.api(t.apiId)!;
      a.api = { ...a.api, tags };
      return;
    }
    case 'stage': {
      const a = draft.api(t.apiId)!;
      a.stages.set(t.stageName, { ...a.stages.get(t.stageName)!, tags });
      return;
    }
    case 'apikey':
      draft.apiKeys.set(t.id, { ...draft.apiKeys.get(t.id)!, tags });
      return;
    case 'usageplan':
      draft.usagePlans.set(t.id, { ...draft.usagePlans.get(t.id)!, tags });
      return;
  }
}

export function getTags(state: ApiGatewayState, scope: Scope, arn: string): Record<string, string> {
  return { ...currentTags(state.scopeState(scope), scope, parseTagArn(scope, arn)) };
}

export function tagResource(state: ApiGatewayState, scope: Scope, arn: string, tags: Record<string, string>): void {
  state.mutate(scope, (draft) => {
    const t = parseTagArn(scope, arn);
    setTags(draft, t, checkTags({ ...currentTags(draft, scope, t), ...tags }));
  });
}

export function untagResource(state: ApiGatewayState, scope: Scope, arn: string, keys: readonly string[]): void {
  state.mutate(scope, (draft) => {
    const t = parseTagArn(scope, arn);
    const next = { ...currentTags(draft, scope, t) };
    for (const k of keys) delete next[k];
    setTags(draft, t, next);
  });
}

// ImportRestApi and PutRestApi (merge/overwrite): an OpenAPI 3 or Swagger 2 definition (JSON or
// YAML) with the `x-amazon-apigateway-*` extensions becomes an API, in one atomic mutation built
// from the same core operations the REST calls use (so the same rules and messages apply).
import { parse as parseYaml } from 'yaml';
import { ServiceError } from '../../protocol/errors.js';
import { addAuthorizer, addValidator, checkSchema, modelUrl, putGatewayResponseIn } from '../core/definitions.js';
import { BadRequest } from '../core/errors.js';
import { Input } from '../core/input.js';
import { apiIn } from '../core/lookup.js';
import type { EndpointType, RestApi, Scope } from '../core/model.js';
import { addResource, putIntegrationIn, putIntegrationResponseIn, putMethodIn, putMethodResponseIn } from '../core/resources.js';
import { addDefaultModels, addRestApi, ENDPOINT_TYPES } from '../core/restapis.js';
import { newShortId } from '../core/ids.js';
import type { ApiGatewayState, ApiState } from '../core/state.js';

type Json = Record<string, unknown>;

export interface ImportOptions {
  failOnWarnings: boolean;
  /** Query parameters: `endpointConfigurationTypes`, `basepath` (ignore|prepend|split), `ignore=documentation`. */
  parameters: URLSearchParams;
}

const VERBS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'x-amazon-apigateway-any-method'] as const;

const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The definition as an object (JSON or YAML text), OpenAPI 3 or Swagger 2; HTTP APIs reuse it. */
export function parseDefinition(raw: Buffer): Json {
  const text = raw.toString('utf8').trim();
  if (!text) throw BadRequest('Invalid OpenAPI input: the request body is empty');
  let doc: unknown;
  try {
    doc = text.startsWith('{') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw BadRequest(`Invalid OpenAPI input: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isObj(doc)) throw BadRequest('Invalid OpenAPI input: the definition must be an object');
  const swagger = doc.swagger;
  const openapi = doc.openapi;
  if (swagger !== '2.0' && !(typeof openapi === 'string' && openapi.startsWith('3.'))) {
    throw BadRequest("Invalid OpenAPI input: expected 'swagger: \"2.0\"' or 'openapi: 3.x'");
  }
  return doc;
}

/** Collects what AWS reports as warnings; with failOnWarnings they abort the import. */
class Importer {
  readonly warnings: string[] = [];
  private readonly refPrefix: string;
  private readonly isSwagger: boolean;
  private readonly authorizerIds = new Map<string, { id: string; cognito: boolean }>();
  private readonly validatorIds = new Map<string, string>();
  private readonly schemes: Json;

  constructor(
    private readonly doc: Json,
    private readonly api: ApiState,
    /** Prefix every path gets (from `basepath=prepend|split`), '' by default. */
    private readonly prefix = '',
  ) {
    this.isSwagger = doc.swagger === '2.0';
    this.refPrefix = this.isSwagger ? '#/definitions/' : '#/components/schemas/';
    const components = isObj(doc.components) ? doc.components : {};
    this.schemes = (this.isSwagger ? doc.securityDefinitions : components.securitySchemes) as Json ?? {};
    if (!isObj(this.schemes)) this.schemes = {};
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  /** `#/definitions/Pet` → model name, rewriting nested refs to AWS model URLs. */
  private modelRefs(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.modelRefs(v));
    if (!isObj(value)) return value;
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(this.refPrefix)) out[k] = modelUrl(this.api.api.id, v.slice(this.refPrefix.length));
      else out[k] = this.modelRefs(v);
    }
    return out;
  }

  /**
   * Follows a local `$ref` to a reusable parameter, response or request body
   * (`#/parameters/…`, `#/components/responses/…`); schema refs stay refs (they name models).
   */
  private deref(value: unknown, depth = 0): unknown {
    if (!isObj(value) || typeof value.$ref !== 'string' || depth > 10) return value;
    const ref = value.$ref;
    if (!ref.startsWith('#/') || ref.startsWith(this.refPrefix)) return value;
    let target: unknown = this.doc;
    for (const part of ref.slice(2).split('/')) {
      const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
      target = isObj(target) ? target[key] : undefined;
    }
    if (target === undefined) {
      this.warn(`Reference ${ref} cannot be resolved; ignored`);
      return {};
    }
    return this.deref(target, depth + 1);
  }

  private refName(schema: unknown): string | undefined {
    if (!isObj(schema) || typeof schema.$ref !== 'string') return undefined;
    return schema.$ref.startsWith(this.refPrefix) ? schema.$ref.slice(this.refPrefix.length) : undefined;
  }

  models(): void {
    const components = isObj(this.doc.components) ? this.doc.components : {};
    const defs = (this.isSwagger ? this.doc.definitions : components.schemas) ?? {};
    if (!isObj(defs)) return;
    const added: string[] = [];
    for (const [name, schema] of Object.entries(defs)) {
      if (!/^[a-zA-Z0-9]+$/.test(name)) {
        this.warn(`Model name '${name}' is not alphanumeric; the model was skipped`);
        continue;
      }
      const body = { $schema: 'http://json-schema.org/draft-04/schema#', title: name, ...(this.modelRefs(schema) as Json) };
      this.api.models.set(name, { id: this.api.models.get(name)?.id ?? newShortId(), name, schema: JSON.stringify(body), contentType: 'application/json' });
      added.push(name);
    }
    // Validate once all models exist, so models may refer to each other in any order.
    for (const name of added) checkSchema(this.api, name, this.api.models.get(name)!.schema!);
  }

  validators(): void {
    const defs = this.doc['x-amazon-apigateway-request-validators'];
    if (!isObj(defs)) return;
    for (const [name, v] of Object.entries(defs)) {
      const body = isObj(v) ? v : {};
      const existing = [...this.api.validators.values()].find((x) => x.name === name);
      if (existing) this.api.validators.delete(existing.id);
      const created = addValidator(this.api, new Input({ name, validateRequestBody: body.validateRequestBody, validateRequestParameters: body.validateRequestParameters }, 'createRequestValidatorInput'));
      this.validatorIds.set(name, created.id);
    }
  }

  authorizers(): void {
    for (const [name, scheme] of Object.entries(this.schemes)) {
      if (!isObj(scheme)) continue;
      const ext = scheme['x-amazon-apigateway-authorizer'];
      if (!isObj(ext)) continue;
      const type = String(ext.type ?? '').toUpperCase();
      const identitySource =
        type === 'TOKEN'
          ? typeof ext.identitySource === 'string'
            ? ext.identitySource
            : `method.request.header.${String(scheme.name ?? 'Authorization')}`
          : type === 'COGNITO_USER_POOLS'
            ? `method.request.header.${String(scheme.name ?? 'Authorization')}`
            : ext.identitySource;
      const existing = [...this.api.authorizers.values()].find((x) => x.name === name);
      if (existing) this.api.authorizers.delete(existing.id);
      const a = addAuthorizer(
        this.api,
        new Input(
          {
            name,
            type,
            authorizerUri: ext.authorizerUri,
            authorizerCredentials: ext.authorizerCredentials,
            identitySource,
            identityValidationExpression: ext.identityValidationExpression,
            authorizerResultTtlInSeconds: ext.authorizerResultTtlInSeconds,
            providerARNs: ext.providerARNs,
            authType: scheme['x-amazon-apigateway-authtype'],
          },
          'createAuthorizerInput',
        ),
      );
      this.authorizerIds.set(name, { id: a.id, cognito: type === 'COGNITO_USER_POOLS' });
    }
  }

  gatewayResponses(): void {
    const defs = this.doc['x-amazon-apigateway-gateway-responses'];
    if (!isObj(defs)) return;
    for (const [type, g] of Object.entries(defs)) {
      putGatewayResponseIn(this.api, type, new Input(isObj(g) ? g : {}, 'putGatewayResponseInput'));
    }
  }

  /** Finds or creates the resource for a path like `/pets/{petId}`. */
  private resourceFor(path: string): string {
    let current = this.api.api.rootResourceId;
    let currentPath = '';
    for (const part of path.split('/').filter(Boolean)) {
      currentPath += `/${part}`;
      const existing = [...this.api.resources.values()].find((r) => r.path === currentPath);
      current = existing ? existing.id : addResource(this.api, current, part).id;
    }
    return current;
  }

  private security(op: Json): { authorizationType: string; authorizerId?: string; apiKeyRequired: boolean; scopes?: string[] } {
    const requirements = (Array.isArray(op.security) ? op.security : Array.isArray(this.doc.security) ? this.doc.security : []) as unknown[];
    let authorizationType = 'NONE';
    let authorizerId: string | undefined;
    let apiKeyRequired = false;
    let scopes: string[] | undefined;
    for (const req of requirements) {
      if (!isObj(req)) continue;
      for (const [name, value] of Object.entries(req)) {
        const scheme = this.schemes[name];
        if (!isObj(scheme)) {
          this.warn(`Security scheme '${name}' is not defined; ignored`);
          continue;
        }
        const authtype = String(scheme['x-amazon-apigateway-authtype'] ?? '').toLowerCase();
        const authorizer = this.authorizerIds.get(name);
        if (authorizer) {
          authorizationType = authorizer.cognito ? 'COGNITO_USER_POOLS' : 'CUSTOM';
          authorizerId = authorizer.id;
          if (Array.isArray(value) && value.length) scopes = value.map(String);
        } else if (authtype === 'awssigv4') authorizationType = 'AWS_IAM';
        else if (scheme.type === 'apiKey' && String(scheme.name ?? '').toLowerCase() === 'x-api-key') apiKeyRequired = true;
        else this.warn(`Security scheme '${name}' is not supported by API Gateway; ignored`);
      }
    }
    return { authorizationType, ...(authorizerId ? { authorizerId } : {}), apiKeyRequired, ...(scopes ? { scopes } : {}) };
  }

  paths(): void {
    const paths = this.doc.paths;
    if (!isObj(paths)) return;
    const defaultValidator = typeof this.doc['x-amazon-apigateway-request-validator'] === 'string' ? this.doc['x-amazon-apigateway-request-validator'] : undefined;
    for (const [path, item] of Object.entries(paths)) {
      if (!isObj(item)) continue;
      if (!path.startsWith('/')) {
        this.warn(`Path '${path}' does not start with '/'; skipped`);
        continue;
      }
      const resourceId = this.resourceFor(this.prefix + path);
      const shared = Array.isArray(item.parameters) ? item.parameters : [];
      for (const verb of VERBS) {
        const op = item[verb];
        if (!isObj(op)) continue;
        this.operation(resourceId, this.prefix + path, verb === 'x-amazon-apigateway-any-method' ? 'ANY' : verb.toUpperCase(), op, shared, defaultValidator);
      }
    }
  }

  private operation(resourceId: string, path: string, verb: string, op: Json, shared: unknown[], defaultValidator: string | undefined): void {
    const requestParameters: Record<string, boolean> = {};
    const requestModels: Record<string, string> = {};
    for (const raw of [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
      const p = this.deref(raw);
      if (!isObj(p)) continue;
      const name = String(p.name ?? '');
      switch (p.in) {
        case 'path':
          requestParameters[`method.request.path.${name}`] = true;
          break;
        case 'query':
          requestParameters[`method.request.querystring.${name}`] = p.required === true;
          break;
        case 'header':
          requestParameters[`method.request.header.${name}`] = p.required === true;
          break;
        case 'body': {
          const model = this.refName(p.schema);
          const consumes = Array.isArray(op.consumes) ? op.consumes : Array.isArray(this.doc.consumes) ? this.doc.consumes : ['application/json'];
          if (model) for (const ct of consumes) requestModels[String(ct)] = model;
          break;
        }
        default:
          this.warn(`Parameter '${name}' in '${String(p.in)}' of ${verb} ${path} is not supported; ignored`);
      }
    }
    const requestBody = this.deref(op.requestBody);
    if (isObj(requestBody) && isObj(requestBody.content)) {
      for (const [ct, media] of Object.entries(requestBody.content)) {
        const model = isObj(media) ? this.refName(media.schema) : undefined;
        if (model) requestModels[ct] = model;
      }
    }
    for (const match of path.matchAll(/\{([^}+]+)\+?\}/g)) requestParameters[`method.request.path.${match[1]}`] = true;
    const sec = this.security(op);
    // `x-amazon-apigateway-auth: {type: AWS_IAM|NONE}` sets the method's authorization directly.
    const auth = op['x-amazon-apigateway-auth'];
    if (isObj(auth) && typeof auth.type === 'string') {
      const t = auth.type.toUpperCase();
      if (t === 'AWS_IAM' || t === 'NONE') {
        sec.authorizationType = t;
        delete sec.authorizerId;
      } else this.warn(`x-amazon-apigateway-auth type '${auth.type}' of ${verb} ${path} is not supported; ignored`);
    }
    const validatorName = typeof op['x-amazon-apigateway-request-validator'] === 'string' ? op['x-amazon-apigateway-request-validator'] : defaultValidator;
    const requestValidatorId = validatorName ? this.validatorIds.get(validatorName) : undefined;
    if (validatorName && !requestValidatorId) this.warn(`Request validator '${validatorName}' is not defined; ignored`);
    putMethodIn(
      this.api,
      resourceId,
      verb,
      new Input(
        {
          authorizationType: sec.authorizationType,
          authorizerId: sec.authorizerId,
          apiKeyRequired: sec.apiKeyRequired,
          authorizationScopes: sec.scopes,
          operationName: typeof op.operationId === 'string' ? op.operationId : undefined,
          requestParameters,
          requestModels,
          requestValidatorId,
        },
        'putMethodInput',
      ),
      true,
    );
    // Method responses.
    const responses = isObj(op.responses) ? op.responses : {};
    for (const [code, resp] of Object.entries(responses)) {
      if (!/^[1-5]\d\d$/.test(code)) {
        this.warn(`Response '${code}' of ${verb} ${path} is not a status code; ignored`);
        continue;
      }
      const resolved = this.deref(resp);
      const body = isObj(resolved) ? resolved : {};
      const responseParameters: Record<string, boolean> = {};
      if (isObj(body.headers)) for (const h of Object.keys(body.headers)) responseParameters[`method.response.header.${h}`] = false;
      const responseModels: Record<string, string> = {};
      if (this.isSwagger) {
        const model = this.refName(body.schema);
        const produces = Array.isArray(op.produces) ? op.produces : Array.isArray(this.doc.produces) ? this.doc.produces : ['application/json'];
        if (model) for (const ct of produces) responseModels[String(ct)] = model;
      } else if (isObj(body.content)) {
        for (const [ct, media] of Object.entries(body.content)) {
          const model = isObj(media) ? this.refName(media.schema) : undefined;
          if (model) responseModels[ct] = model;
        }
      }
      putMethodResponseIn(this.api, resourceId, verb, code, new Input({ responseParameters, responseModels }, 'putMethodResponseInput'));
    }
    // Integration.
    const integration = op['x-amazon-apigateway-integration'];
    if (!isObj(integration)) {
      this.warn(`No integration defined for method ${verb} ${path}`);
      return;
    }
    putIntegrationIn(
      this.api,
      resourceId,
      verb,
      new Input(
        {
          ...integration,
          type: String(integration.type ?? '').toUpperCase(),
          passthroughBehavior: typeof integration.passthroughBehavior === 'string' ? integration.passthroughBehavior.toUpperCase() : undefined,
          httpMethod: typeof integration.httpMethod === 'string' ? integration.httpMethod.toUpperCase() : undefined,
        },
        'putIntegrationInput',
      ),
    );
    const intResponses = isObj(integration.responses) ? integration.responses : {};
    for (const [pattern, r] of Object.entries(intResponses)) {
      if (!isObj(r)) continue;
      const statusCode = String(r.statusCode ?? '');
      const method = this.api.resources.get(resourceId)!.resourceMethods[verb]!;
      if (!method.methodResponses[statusCode] && /^[1-5]\d\d$/.test(statusCode)) {
        // AWS creates the missing method response; report it so the definition can be fixed.
        this.warn(`Integration response ${statusCode} of ${verb} ${path} has no matching method response; one was created`);
        putMethodResponseIn(this.api, resourceId, verb, statusCode, new Input({}, 'putMethodResponseInput'));
      }
      putIntegrationResponseIn(
        this.api,
        resourceId,
        verb,
        statusCode,
        new Input({ ...r, ...(pattern === 'default' ? {} : { selectionPattern: pattern }) }, 'putIntegrationResponseInput'),
      );
    }
  }

  settings(base: RestApi): RestApi {
    const info = isObj(this.doc.info) ? this.doc.info : {};
    const binary = this.doc['x-amazon-apigateway-binary-media-types'];
    const keySource = this.doc['x-amazon-apigateway-api-key-source'];
    let next: RestApi = { ...base };
    if (typeof info.title === 'string' && info.title) next = { ...next, name: info.title };
    if (typeof info.description === 'string') next = { ...next, description: info.description };
    if (typeof info.version === 'string' || typeof info.version === 'number') next = { ...next, version: String(info.version) };
    if (Array.isArray(binary)) next = { ...next, binaryMediaTypes: [...new Set(binary.map(String))] };
    const policy = this.doc['x-amazon-apigateway-policy'];
    if (isObj(policy)) next = { ...next, policy: JSON.stringify(policy) };
    else if (typeof policy === 'string') next = { ...next, policy };
    const compression = this.doc['x-amazon-apigateway-minimum-compression-size'];
    if (compression !== undefined) {
      const size = Number(compression);
      if (!Number.isInteger(size) || size < 0 || size > 10_485_760) throw BadRequest('Invalid minimum compression size, must be between 0 and 10485760');
      next = { ...next, minimumCompressionSize: size };
    }
    const endpoint = this.doc['x-amazon-apigateway-endpoint-configuration'];
    if (isObj(endpoint)) {
      if (typeof endpoint.disableExecuteApiEndpoint === 'boolean') next = { ...next, disableExecuteApiEndpoint: endpoint.disableExecuteApiEndpoint };
      if (Array.isArray(endpoint.vpcEndpointIds)) next = { ...next, endpointConfiguration: { ...next.endpointConfiguration, vpcEndpointIds: endpoint.vpcEndpointIds.map(String) } };
    }
    if (keySource !== undefined) {
      const v = String(keySource).toUpperCase();
      if (v !== 'HEADER' && v !== 'AUTHORIZER') throw BadRequest(`Invalid x-amazon-apigateway-api-key-source: ${String(keySource)}`);
      next = { ...next, apiKeySource: v };
    }
    return next;
  }

  run(): void {
    this.models();
    this.validators();
    this.authorizers();
    this.gatewayResponses();
    this.paths();
  }
}

/** The definition's base path: Swagger `basePath`, or the path of OpenAPI 3's first server URL. */
function basePathOf(doc: Json): string {
  if (typeof doc.basePath === 'string') return doc.basePath;
  const server = Array.isArray(doc.servers) && isObj(doc.servers[0]) ? doc.servers[0] : undefined;
  if (!server || typeof server.url !== 'string') return '';
  const vars = isObj(server.variables) ? server.variables : {};
  const url = server.url.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const v = vars[name];
    return isObj(v) && v.default !== undefined ? String(v.default) : '';
  });
  try {
    return new URL(url, 'https://placeholder').pathname;
  } catch {
    return '';
  }
}

/** `basepath` import parameter: ignore (default), prepend the base path, or prepend it minus its first segment. */
export function pathPrefix(doc: Json, parameters: URLSearchParams): string {
  const mode = parameters.get('basepath') ?? 'ignore';
  if (mode !== 'ignore' && mode !== 'prepend' && mode !== 'split') throw BadRequest(`Invalid basepath parameter: ${mode}. Valid values are ignore, prepend, split`);
  if (mode === 'ignore') return '';
  const parts = basePathOf(doc).split('/').filter(Boolean);
  const kept = mode === 'split' ? parts.slice(1) : parts;
  return kept.length ? `/${kept.join('/')}` : '';
}

/** Wraps a core validation failure as AWS reports import errors. */
function asImportError(err: unknown): never {
  if (err instanceof ServiceError && err.status === 400 && !err.message.startsWith('Errors found during import')) {
    throw BadRequest(`Errors found during import:\n\t${err.message}`);
  }
  throw err;
}

function finish(importer: Importer, api: ApiState, failOnWarnings: boolean): RestApi {
  if (importer.warnings.length && failOnWarnings) {
    throw BadRequest(`Warnings found during import:\n\t${importer.warnings.join('\n\t')}`);
  }
  const { warnings: _old, ...rest } = api.api;
  api.api = importer.warnings.length ? { ...rest, warnings: importer.warnings } : rest;
  return api.api;
}

export function importRestApi(state: ApiGatewayState, scope: Scope, raw: Buffer, options: ImportOptions): RestApi {
  const doc = parseDefinition(raw);
  const info = isObj(doc.info) ? doc.info : {};
  if (typeof info.title !== 'string' || info.title === '') throw BadRequest('Invalid OpenAPI input: info.title is required to name the API');
  const types = options.parameters.get('endpointConfigurationTypes');
  if (types && !(ENDPOINT_TYPES as readonly string[]).includes(types)) {
    throw BadRequest(`Invalid endpoint configuration type specified: ${types}. Valid values are: EDGE, REGIONAL, PRIVATE`);
  }
  return state.mutate(scope, (draft) => {
    try {
      const api = addRestApi(state, draft, new Input({ name: info.title, endpointConfiguration: { types: [(types as EndpointType | null) ?? 'EDGE'] } }, 'importRestApiInput'));
      const importer = new Importer(doc, api, pathPrefix(doc, options.parameters));
      api.api = importer.settings(api.api);
      importer.run();
      return finish(importer, api, options.failOnWarnings);
    } catch (err) {
      asImportError(err);
    }
  });
}

export function putRestApi(
  state: ApiGatewayState,
  scope: Scope,
  apiId: string,
  raw: Buffer,
  options: ImportOptions & { mode: 'merge' | 'overwrite' },
): RestApi {
  const doc = parseDefinition(raw);
  return state.mutate(scope, (draft) => {
    apiIn(draft.apis, scope, apiId);
    const api = draft.api(apiId)!;
    try {
      if (options.mode === 'overwrite') {
        const rootId = api.api.rootResourceId;
        api.resources.clear();
        api.resources.set(rootId, { id: rootId, path: '/', resourceMethods: {} });
        api.models.clear();
        addDefaultModels(api);
        api.validators.clear();
        api.authorizers.clear();
        api.gatewayResponses.clear();
      }
      const importer = new Importer(doc, api, pathPrefix(doc, options.parameters));
      api.api = importer.settings(api.api);
      importer.run();
      return finish(importer, api, options.failOnWarnings);
    } catch (err) {
      asImportError(err);
    }
  });
}

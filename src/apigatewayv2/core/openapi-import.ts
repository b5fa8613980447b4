// ImportApi and ReimportApi: an OpenAPI 3.0 definition (JSON or YAML) with API Gateway's HTTP API
// extensions becomes the routes, integrations, Lambda authorizers and CORS rules of an HTTP API.
// The whole document is read into a plan first, with the same builders (and so the same rules and
// messages) as CreateRoute/CreateIntegration/CreateAuthorizer; only a plan without errors is
// written, in one transaction, so a bad document never leaves a half-imported API.
import { Input, newId, openApiPathPrefix, parseOpenApi } from '../../apigateway/index.js';
import { ServiceError } from '../../protocol/errors.js';
import { readCors } from './apis.js';
import { newAuthorizer } from './authorizers.js';
import { type CoreContext, now, presentApi, requireApi } from './context.js';
import { autoDeploy } from './deployments.js';
import { BadRequest } from './errors.js';
import { newIntegration } from './integrations.js';
import type { Authorizer, Cors, HttpApi, Integration, Route } from './model.js';
import { DEFAULT_ROUTE } from './route-keys.js';
import { newRoute } from './routes.js';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface ImportOptions {
  /** `ignore` (default), `prepend` or `split`: what becomes of the servers' base path. */
  readonly basepath?: string;
  readonly failOnWarnings?: boolean;
}

/** The document read into the API's new parts; nothing is stored yet. */
export interface ImportPlan {
  readonly title?: string;
  readonly description?: string;
  readonly version?: string;
  readonly cors?: Cors;
  readonly disableExecuteApiEndpoint?: boolean;
  readonly routes: Route[];
  readonly integrations: Integration[];
  readonly authorizers: Authorizer[];
  readonly warnings: string[];
}

/** The HTTP verbs of a path item that become routes; `x-amazon-apigateway-any-method` is ANY. */
const VERBS: Record<string, string> = {
  get: 'GET', put: 'PUT', post: 'POST', delete: 'DELETE', options: 'OPTIONS', head: 'HEAD', patch: 'PATCH',
  'x-amazon-apigateway-any-method': 'ANY',
};
/** Path item members that are not operations and need no warning. */
const PATH_ITEM_OTHER = new Set(['summary', 'description', 'parameters', 'servers']);
/** Root extensions HTTP APIs read; every other `x-amazon-apigateway-*` is reported as ignored. */
const ROOT_EXTENSIONS = new Set([
  'x-amazon-apigateway-cors', 'x-amazon-apigateway-importexport-version', 'x-amazon-apigateway-endpoint-configuration',
  'x-amazon-apigateway-integrations',
]);
/** Members of `x-amazon-apigateway-integration` Nimbus serves; the others are ignored with a warning. */
const INTEGRATION_FIELDS = new Set([
  'type', 'uri', 'httpMethod', 'payloadFormatVersion', 'connectionType', 'timeoutInMillis', 'description',
  // AWS service integrations (./service-integrations.ts).
  'integrationSubtype', 'requestParameters', 'credentials',
]);
const INTEGRATION_TYPES = new Set(['AWS_PROXY', 'HTTP_PROXY']);
const CORS_FIELDS = ['allowOrigins', 'allowCredentials', 'exposeHeaders', 'maxAge', 'allowMethods', 'allowHeaders'];

/** A format version as text; YAML reads an unquoted `2.0` as the number 2, which still means "2.0". */
const versionText = (v: unknown) => (v === undefined ? undefined : typeof v === 'number' && Number.isInteger(v) ? v.toFixed(1) : String(v));

/** A failure at `where` in the document, as AWS reports import errors: `Errors found during import:\n\t…`. */
function fail(where: string, message: string): never {
  throw BadRequest(`Errors found during import:\n\t${where}: ${message}`);
}

/** Runs a core builder for the part at `where`; its 400s (BadRequest, validation) become import errors. */
function at<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ServiceError && err.status === 400) fail(where, err.message);
    throw err;
  }
}

/** The authorizer a security scheme defines, once built; undefined for schemes Nimbus cannot serve. */
interface Scheme {
  readonly authorizer?: Authorizer;
  /** Why a route guarded by this scheme cannot be imported. */
  readonly unsupported?: string;
}

class Planner {
  readonly warnings: string[] = [];
  readonly routes: Route[] = [];
  readonly integrations: Integration[] = [];
  private readonly schemes = new Map<string, Scheme>();
  /** Integrations shared through `$ref: '#/components/x-amazon-apigateway-integrations/{name}'`. */
  private readonly shared = new Map<string, Integration>();
  private readonly routeKeys = new Set<string>();

  constructor(
    private readonly doc: Json,
    private readonly prefix: string,
  ) {}

  private warn(message: string): void {
    this.warnings.push(message);
  }

  rootExtensions(): void {
    for (const key of Object.keys(this.doc)) {
      if (key.startsWith('x-amazon-apigateway-') && !ROOT_EXTENSIONS.has(key)) this.warn(`${key} is not supported for HTTP APIs; ignored`);
    }
    const version = this.doc['x-amazon-apigateway-importexport-version'];
    if (version !== undefined && String(version) !== '1.0') this.warn(`x-amazon-apigateway-importexport-version ${String(version)} is not supported; read as 1.0`);
  }

  cors(): Cors | undefined {
    const raw = this.doc['x-amazon-apigateway-cors'];
    if (raw === undefined) return undefined;
    if (!isObj(raw)) return fail('x-amazon-apigateway-cors', 'must be an object');
    for (const k of Object.keys(raw)) if (!CORS_FIELDS.includes(k)) this.warn(`x-amazon-apigateway-cors.${k} is not a CORS setting of HTTP APIs; ignored`);
    const picked: Json = {};
    for (const k of CORS_FIELDS) if (raw[k] !== undefined) picked[k] = raw[k];
    return at('x-amazon-apigateway-cors', () => readCors(new Input({ corsConfiguration: picked }, 'importApiInput')) ?? {});
  }

  disableExecuteApiEndpoint(): boolean | undefined {
    const ep = this.doc['x-amazon-apigateway-endpoint-configuration'];
    if (!isObj(ep)) return undefined;
    for (const k of Object.keys(ep)) if (k !== 'disableExecuteApiEndpoint') this.warn(`x-amazon-apigateway-endpoint-configuration.${k} is not supported by Nimbus; ignored`);
    return typeof ep.disableExecuteApiEndpoint === 'boolean' ? ep.disableExecuteApiEndpoint : undefined;
  }

  /** `components.securitySchemes`: the ones with a Lambda (request) `x-amazon-apigateway-authorizer` become authorizers. */
  securitySchemes(): Authorizer[] {
    const components = isObj(this.doc.components) ? this.doc.components : {};
    const schemes = isObj(components.securitySchemes) ? components.securitySchemes : {};
    const out: Authorizer[] = [];
    for (const [name, scheme] of Object.entries(schemes)) {
      const where = `securityScheme '${name}'`;
      if (!isObj(scheme)) {
        this.schemes.set(name, { unsupported: 'it is not an object' });
        continue;
      }
      const ext = scheme['x-amazon-apigateway-authorizer'];
      if (!isObj(ext)) {
        const iam = String(scheme['x-amazon-apigateway-authtype'] ?? '').toLowerCase() === 'awssigv4';
        this.schemes.set(name, { unsupported: iam ? 'IAM authorization of HTTP APIs is not supported by Nimbus' : `it has no x-amazon-apigateway-authorizer (type request)` });
        continue;
      }
      const type = String(ext.type ?? '').toUpperCase();
      if (type === 'JWT') {
        const jwt = isObj(ext.jwtConfiguration) ? ext.jwtConfiguration : {};
        const authorizer = at(where, () =>
          newAuthorizer(new Input({
            name,
            authorizerType: 'JWT',
            jwtConfiguration: { issuer: jwt.issuer, audience: typeof jwt.audience === 'string' ? [jwt.audience] : jwt.audience },
            ...(ext.identitySource !== undefined ? { identitySource: typeof ext.identitySource === 'string' ? [ext.identitySource] : ext.identitySource } : {}),
          }, 'importApiInput')),
        );
        this.schemes.set(name, { authorizer });
        out.push(authorizer);
        continue;
      }
      if (type !== 'REQUEST') fail(where, `Invalid authorizer type specified: ${String(ext.type ?? '')}. HTTP APIs support request and jwt`);
      for (const k of Object.keys(ext)) {
        if (!['type', 'authorizerUri', 'authorizerPayloadFormatVersion', 'enableSimpleResponses', 'identitySource', 'authorizerResultTtlInSeconds', 'authorizerCredentials'].includes(k)) {
          this.warn(`${where}: x-amazon-apigateway-authorizer.${k} is not supported for Lambda authorizers of HTTP APIs; ignored`);
        }
      }
      if (ext.authorizerCredentials !== undefined) this.warn(`${where}: authorizerCredentials are ignored (Nimbus needs no role to invoke the function)`);
      const authorizer = at(where, () =>
        newAuthorizer(
          new Input(
            {
              name,
              authorizerType: 'REQUEST',
              authorizerUri: ext.authorizerUri,
              authorizerPayloadFormatVersion: versionText(ext.authorizerPayloadFormatVersion),
              enableSimpleResponses: ext.enableSimpleResponses,
              identitySource: typeof ext.identitySource === 'string' ? [ext.identitySource] : ext.identitySource,
              authorizerResultTtlInSeconds: ext.authorizerResultTtlInSeconds,
            },
            'importApiInput',
          ),
        ),
      );
      this.schemes.set(name, { authorizer });
      out.push(authorizer);
    }
    return out;
  }

  /** The route's authorization from the operation's `security` (or the document's). */
  private authorization(op: Json, where: string): Pick<Route, 'authorizationType' | 'authorizerId' | 'authorizationScopes'> {
    const requirements = Array.isArray(op.security) ? op.security : Array.isArray(this.doc.security) ? this.doc.security : [];
    let chosen: Authorizer | undefined;
    let chosenScopes: string[] = [];
    for (const req of requirements as unknown[]) {
      if (!isObj(req)) continue;
      for (const [name, scopes] of Object.entries(req)) {
        const scheme = this.schemes.get(name);
        if (!scheme) fail(where, `Security scheme '${name}' is not defined in components.securitySchemes`);
        if (!scheme.authorizer) fail(where, `Security scheme '${name}' cannot guard the route: ${scheme.unsupported!}`);
        if (chosen && chosen !== scheme.authorizer) fail(where, 'A route of an HTTP API takes one authorizer');
        const listed = Array.isArray(scopes) ? scopes.map(String) : [];
        if (listed.length > 0 && scheme.authorizer.authorizerType !== 'JWT') this.warn(`${where}: authorization scopes are only used by JWT authorizers; ignored`);
        chosen = scheme.authorizer;
        chosenScopes = listed;
      }
    }
    if (!chosen) return { authorizationType: 'NONE' };
    if (chosen.authorizerType === 'REQUEST') return { authorizationType: 'CUSTOM', authorizerId: chosen.authorizerId };
    return { authorizationType: 'JWT', authorizerId: chosen.authorizerId, ...(chosenScopes.length > 0 ? { authorizationScopes: chosenScopes } : {}) };
  }

  /** Follows `$ref: '#/components/x-amazon-apigateway-integrations/{name}'`. */
  private integrationOf(raw: unknown, where: string): { def: Json; sharedName?: string } | undefined {
    if (raw === undefined) return undefined;
    if (!isObj(raw)) return fail(where, 'x-amazon-apigateway-integration must be an object');
    if (typeof raw.$ref !== 'string') return { def: raw };
    const m = /^#\/components\/x-amazon-apigateway-integrations\/(.+)$/.exec(raw.$ref);
    const components = isObj(this.doc.components) ? this.doc.components : {};
    const defs = isObj(components['x-amazon-apigateway-integrations']) ? components['x-amazon-apigateway-integrations'] : {};
    const def = m ? defs[m[1]!] : undefined;
    if (!isObj(def)) return fail(where, `Integration reference ${raw.$ref as string} cannot be resolved`);
    return { def, sharedName: m![1]! };
  }

  private buildIntegration(def: Json, where: string): Integration {
    for (const k of Object.keys(def)) {
      // requestParameters are the action's parameters for a service integration; for the others they
      // are parameter mappings (`append:header.x`…), which Nimbus does not apply.
      const served = INTEGRATION_FIELDS.has(k) && (k !== 'requestParameters' || def.integrationSubtype !== undefined);
      if (!served) this.warn(`${where}: x-amazon-apigateway-integration.${k} is not supported by Nimbus; ignored`);
    }
    const type = String(def.type ?? '').toUpperCase();
    return at(where, () => {
      if (!INTEGRATION_TYPES.has(type)) {
        throw BadRequest(def.type === undefined ? 'x-amazon-apigateway-integration.type is required' : `Integration type ${String(def.type)} is not supported for HTTP APIs; use aws_proxy or http_proxy`);
      }
      const subtype = def.integrationSubtype;
      if (subtype === undefined && typeof def.uri !== 'string') {
        throw BadRequest(`Invalid integration URI specified: ${def.uri === undefined ? 'none' : JSON.stringify(def.uri)}`);
      }
      const connection = def.connectionType === undefined ? undefined : String(def.connectionType).toUpperCase();
      return newIntegration(
        new Input(
          {
            integrationType: type,
            integrationUri: def.uri,
            integrationSubtype: subtype,
            requestParameters: subtype !== undefined ? def.requestParameters : undefined,
            credentialsArn: def.credentials,
            integrationMethod: typeof def.httpMethod === 'string' ? def.httpMethod.toUpperCase() : def.httpMethod,
            payloadFormatVersion: versionText(def.payloadFormatVersion),
            connectionType: connection,
            timeoutInMillis: def.timeoutInMillis === undefined ? undefined : Number(def.timeoutInMillis),
            description: def.description,
          },
          'importApiInput',
        ),
      );
    });
  }

  private integration(op: Json, where: string): Integration | undefined {
    const found = this.integrationOf(op['x-amazon-apigateway-integration'], where);
    if (!found) return undefined;
    if (found.sharedName !== undefined) {
      const known = this.shared.get(found.sharedName);
      if (known) return known;
    }
    const integration = this.buildIntegration(found.def, where);
    if (found.sharedName !== undefined) this.shared.set(found.sharedName, integration);
    this.integrations.push(integration);
    return integration;
  }

  private addRoute(routeKey: string, op: Json): void {
    const where = routeKey;
    if (this.routeKeys.has(routeKey)) fail(where, `Route with key '${routeKey}' is defined more than once`);
    this.routeKeys.add(routeKey);
    const integration = this.integration(op, where);
    const operationName = typeof op.operationId === 'string' ? op.operationId : undefined;
    const route = at(where, () => newRoute(routeKey, integration ? `integrations/${integration.integrationId}` : undefined, operationName));
    this.routes.push({ ...route, ...this.authorization(op, where) });
  }

  paths(): void {
    const paths = this.doc.paths;
    if (paths === undefined) return;
    if (!isObj(paths)) fail('paths', 'paths must be an object');
    for (const [path, item] of Object.entries(paths)) {
      if (!isObj(item)) {
        this.warn(`Path '${path}' is not an object; skipped`);
        continue;
      }
      const isDefault = path === '/$default' || path === DEFAULT_ROUTE;
      if (!path.startsWith('/') && !isDefault) {
        this.warn(`Path '${path}' does not start with '/'; skipped`);
        continue;
      }
      if (typeof item.$ref === 'string') this.warn(`Path '${path}': path item references ($ref) are not followed; only the item's own operations are read`);
      for (const [member, op] of Object.entries(item)) {
        if (member === '$ref') continue;
        const verb = VERBS[member];
        if (verb === undefined) {
          if (!PATH_ITEM_OTHER.has(member) && !member.startsWith('x-')) this.warn(`Method '${member}' of path '${path}' is not supported by HTTP APIs; skipped`);
          continue;
        }
        if (!isObj(op)) continue;
        // The `$default` route: `/$default` (AWS's exports) or `$default` (SAM's) with x-amazon-apigateway-any-method.
        if (isDefault && verb !== 'ANY') {
          this.warn(`Method '${member}' of path '${path}': the $default route takes x-amazon-apigateway-any-method only; skipped`);
          continue;
        }
        const routeKey = isDefault ? DEFAULT_ROUTE : `${verb} ${this.prefix}${path}`;
        this.addRoute(routeKey, op);
      }
    }
  }
}

/** Reads a definition into a plan; throws BadRequest for what cannot be imported. */
export function planImport(body: string, options: ImportOptions): ImportPlan {
  const doc = parseOpenApi(Buffer.from(body, 'utf8'));
  if (!(typeof doc.openapi === 'string' && doc.openapi.startsWith('3.'))) {
    throw BadRequest('Invalid OpenAPI input: HTTP APIs import OpenAPI 3.0 definitions (openapi: 3.0.x)');
  }
  const prefix = openApiPathPrefix(doc, new URLSearchParams(options.basepath !== undefined ? { basepath: options.basepath } : {}));
  const planner = new Planner(doc, prefix);
  planner.rootExtensions();
  const cors = planner.cors();
  const disable = planner.disableExecuteApiEndpoint();
  const authorizers = planner.securitySchemes();
  planner.paths();
  const info = isObj(doc.info) ? doc.info : {};
  const title = typeof info.title === 'string' && info.title !== '' ? info.title : undefined;
  if (title !== undefined && title.length > 128) throw BadRequest('Invalid OpenAPI input: info.title (the API name) must be at most 128 characters');
  const version = typeof info.version === 'string' || typeof info.version === 'number' ? String(info.version) : undefined;
  const description = typeof info.description === 'string' ? info.description : undefined;
  if (planner.warnings.length > 0 && options.failOnWarnings) {
    throw BadRequest(`Warnings found during import:\n\t${planner.warnings.join('\n\t')}`);
  }
  return {
    ...(title !== undefined ? { title } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(cors !== undefined ? { cors } : {}),
    ...(disable !== undefined ? { disableExecuteApiEndpoint: disable } : {}),
    routes: planner.routes,
    integrations: planner.integrations,
    authorizers,
    warnings: planner.warnings,
  };
}

/** The Api as CreateApi returns it, plus the import's warnings (absent when there are none). */
export type ImportedApi = HttpApi & { warnings?: string[] };

function writeChildren(ctx: CoreContext, apiId: string, plan: ImportPlan): void {
  for (const a of plan.authorizers) ctx.repo.put(apiId, 'authorizer', a.authorizerId, a);
  for (const i of plan.integrations) ctx.repo.put(apiId, 'integration', i.integrationId, i);
  for (const r of plan.routes) ctx.repo.put(apiId, 'route', r.routeId, r);
}

const withWarnings = (api: HttpApi, warnings: string[]): ImportedApi => (warnings.length > 0 ? { ...api, warnings } : api);

export function importApi(ctx: CoreContext, body: string, options: ImportOptions): ImportedApi {
  const plan = planImport(body, options);
  if (plan.title === undefined) throw BadRequest('Invalid OpenAPI input: info.title is required to name the API');
  const api: HttpApi = {
    apiId: newId(10),
    name: plan.title,
    protocolType: 'HTTP',
    apiEndpoint: '',
    apiKeySelectionExpression: '$request.header.x-api-key',
    routeSelectionExpression: '$request.method $request.path',
    createdDate: now(),
    disableExecuteApiEndpoint: plan.disableExecuteApiEndpoint ?? false,
    tags: {},
    ...(plan.description !== undefined ? { description: plan.description } : {}),
    ...(plan.version !== undefined ? { version: plan.version } : {}),
    ...(plan.cors !== undefined ? { corsConfiguration: plan.cors } : {}),
  };
  ctx.repo.mutate(api.apiId, () => {
    ctx.repo.putApi(ctx.scope, api);
    writeChildren(ctx, api.apiId, plan);
  });
  return withWarnings(presentApi(ctx, api), plan.warnings);
}

/**
 * ReimportApi overwrites: the API keeps its id, stages, deployments and tags; its routes,
 * integrations, authorizers and CORS rules become the document's, and auto-deploying stages
 * deploy the result at once.
 */
export function reimportApi(ctx: CoreContext, apiId: string, body: string, options: ImportOptions): ImportedApi {
  const current = requireApi(ctx, apiId);
  if (current.protocolType === 'WEBSOCKET') throw BadRequest('Reimport is supported only for HTTP APIs; this is a WebSocket API');
  const plan = planImport(body, options);
  // Overwrite: what the document leaves out (CORS, description, version) is removed.
  const { corsConfiguration: _cors, description: _description, version: _version, ...rest } = current;
  const updated: HttpApi = {
    ...rest,
    name: plan.title ?? current.name,
    disableExecuteApiEndpoint: plan.disableExecuteApiEndpoint ?? current.disableExecuteApiEndpoint,
    ...(plan.description !== undefined ? { description: plan.description } : {}),
    ...(plan.version !== undefined ? { version: plan.version } : {}),
    ...(plan.cors !== undefined ? { corsConfiguration: plan.cors } : {}),
  };
  ctx.repo.mutate(apiId, () => {
    for (const r of ctx.repo.list(apiId, 'route')) ctx.repo.delete(apiId, 'route', r.routeId);
    for (const i of ctx.repo.list(apiId, 'integration')) ctx.repo.delete(apiId, 'integration', i.integrationId);
    for (const a of ctx.repo.list(apiId, 'authorizer')) ctx.repo.delete(apiId, 'authorizer', a.authorizerId);
    ctx.repo.putApi(ctx.scope, updated);
    writeChildren(ctx, apiId, plan);
    autoDeploy(ctx, apiId);
  });
  return withWarnings(presentApi(ctx, updated), plan.warnings);
}

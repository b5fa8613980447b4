// The data-plane pipeline: a request passes small steps in AWS's order — stage (and canary) →
// route → API key → throttles and quota → Lambda authorizer → request validation → response
// cache → integration request → integration → integration response. A step that fails throws a
// GatewayError, which the caller renders through the API's gateway responses.
import type { Agent } from 'undici';
import type { LambdaInvoker } from '../../lambda/invoker.js';
import type { ApiGatewayCatalog, Integration, Method, StagePlanBinding } from '../core/model.js';
import { AuthorizerRunner } from './authorizer.js';
import { callAwsService, callHttp, HOP_BY_HOP, invokeLambda } from './backends.js';
import { cachePlan, methodSetting, ResponseCache, type CachedResponse } from './cache.js';
import { header, type Call } from './call.js';
import {
  badProxyResponse,
  configurationError,
  forbidden,
  GatewayError,
  integrationFailure,
  invalidApiKey,
  missingAuthenticationToken,
  quotaExceeded,
  throttled,
  unauthorized,
} from './errors.js';
import {
  mapRequestParameters,
  renderRequest,
  renderResponse,
  selectIntegrationResponse,
  type BackendResult,
} from './mapping.js';
import { parseProxyResponse, proxyEvent } from './proxy.js';
import { matchRoute } from './router.js';
import { BucketSet } from './throttle.js';
import { functionFromUri, parseAwsServiceUri, substituteStageVariables } from './uris.js';
import type { SqliteUsageMeter } from './usage.js';
import { validateRequest } from './validation.js';

export interface PipelineDeps {
  readonly catalog: ApiGatewayCatalog;
  readonly invoker: () => LambdaInvoker | undefined;
  readonly meter: SqliteUsageMeter;
  /** Nimbus's own endpoint (for AWS service integrations); read per request, set after listen. */
  readonly endpoint: () => string;
  readonly agent: Agent;
  /** Pool for HTTPS back ends whose integration sets tlsConfig.insecureSkipVerification. */
  readonly insecureAgent?: Agent;
  readonly clock?: () => number;
  readonly random?: () => number;
}

export interface MethodResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

const DEFAULT_TIMEOUT_MS = 29_000;

export class Pipeline {
  readonly cache = new ResponseCache();
  readonly authorizers: AuthorizerRunner;
  readonly buckets: BucketSet;
  private readonly clock: () => number;
  private readonly random: () => number;

  constructor(private readonly deps: PipelineDeps) {
    this.clock = deps.clock ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.authorizers = new AuthorizerRunner(deps.invoker, this.clock);
    this.buckets = new BucketSet(this.clock);
  }

  /** Resolves the stage (choosing canary or main deployment) and the route. */
  resolve(call: Call): void {
    const { catalog } = this.deps;
    const scope = catalog.locateApi(call.apiId);
    if (!scope) throw forbidden();
    const resolved = catalog.resolveStage(scope.accountId, scope.region, call.apiId, call.stageName);
    if (!resolved) throw forbidden();
    call.resolved = resolved;
    const canary = resolved.canary;
    if (canary && canary.percentTraffic > 0 && this.random() * 100 < canary.percentTraffic) {
      call.isCanary = true;
      call.deployment = canary.deployment;
      call.stageVariables = { ...resolved.stage.variables, ...canary.stageVariableOverrides };
    } else {
      call.deployment = resolved.deployment;
      call.stageVariables = resolved.stage.variables;
    }
    const match = matchRoute(call.deployment, call.verb, call.path);
    if (!match) throw missingAuthenticationToken();
    call.resource = match.resource;
    call.method = match.method;
    call.pathParameters = match.pathParameters;
  }

  /** Everything after routing; returns the method response to send. */
  async run(call: Call): Promise<MethodResponse> {
    const method = call.method!;
    const deployment = call.deployment!;
    const fromAuthorizer = deployment.api.apiKeySource === 'AUTHORIZER';
    if (method.authorizationType === 'AWS_IAM' && !header(call, 'authorization')) throw missingAuthenticationToken();
    if (method.authorizationType === 'COGNITO_USER_POOLS') throw unauthorized();
    if (!fromAuthorizer) this.apiKeyAndLimits(call, method, header(call, 'x-api-key'));
    if (method.authorizationType === 'CUSTOM') {
      const authorizer = method.authorizerId ? deployment.authorizers[method.authorizerId] : undefined;
      if (!authorizer) throw configurationError();
      call.authorizer = await this.authorizers.authorize(call, authorizer);
    }
    if (fromAuthorizer) this.apiKeyAndLimits(call, method, call.authorizer?.usageIdentifierKey);
    validateRequest(call, method, deployment);

    const plan = cachePlan(call, method);
    if (plan) {
      const cc = header(call, 'cache-control');
      const invalidate = cc !== undefined && /(^|,)\s*max-age\s*=\s*0\s*(,|$)/i.test(cc);
      const mayInvalidate = invalidate && plan.setting?.requireAuthorizationForCacheControl === false;
      if (invalidate && !mayInvalidate && plan.setting?.unauthorizedCacheControlHeaderStrategy === 'FAIL_WITH_403') {
        throw new GatewayError('ACCESS_DENIED', 403, 'Forbidden', 'AccessDeniedException');
      }
      if (!mayInvalidate) {
        const hit = this.cache.get(plan.key);
        if (hit) {
          call.cacheResult = 'hit';
          return copyCached(hit);
        }
      }
      call.cacheResult = 'miss';
      const fresh = await this.integrate(call, method);
      if (fresh.status >= 200 && fresh.status < 300) this.cache.set(plan.key, fresh, plan.ttl);
      return fresh;
    }
    return this.integrate(call, method);
  }

  /** API key (when required), then usage-plan, method and account throttles, then the quota. */
  private apiKeyAndLimits(call: Call, method: Method, keyValue: string | undefined): void {
    const resolved = call.resolved!;
    const { accountId, region } = resolved.scope;
    const resourceVerb = `${call.resource!.path}/${call.verb}`;
    let binding: StagePlanBinding | undefined;
    if (method.apiKeyRequired) {
      if (!keyValue) throw invalidApiKey();
      const key = this.deps.catalog.findApiKeyByValue(accountId, region, keyValue);
      if (!key || !key.enabled) throw invalidApiKey();
      for (const b of this.deps.catalog.usagePlansForStage(accountId, region, call.apiId, call.stageName)) {
        if (b.keys.has(key.id)) {
          binding = b;
          break;
        }
      }
      if (!binding) throw invalidApiKey();
      call.apiKey = key;
      const planKey = `${binding.plan.id}\u0000${key.id}`;
      if (!this.buckets.take(`plan\u0000${planKey}`, binding.plan.throttle)) throw throttled();
      const mt = binding.methodThrottle?.[resourceVerb];
      if (mt && !this.buckets.take(`planm\u0000${planKey}\u0000${resourceVerb}`, mt)) throw throttled();
    }
    const stage = resolved.stage;
    const setting = methodSetting(stage, call.resource!.path, call.verb);
    if (setting && !this.buckets.take(`stage\u0000${call.apiId}/${call.stageName}\u0000${resourceVerb}`, {
      rateLimit: setting.throttlingRateLimit,
      burstLimit: setting.throttlingBurstLimit,
    })) {
      throw throttled();
    }
    const account = this.deps.catalog.account(accountId, region);
    if (!this.buckets.take(`acct\u0000${accountId}\u0000${region}`, account.throttleSettings)) throw throttled();
    if (binding && call.apiKey && !this.deps.meter.consume(binding.plan, call.apiKey.id)) throw quotaExceeded();
  }

  private async integrate(call: Call, method: Method): Promise<MethodResponse> {
    const integration = method.methodIntegration;
    if (!integration) throw configurationError();
    const started = this.clock();
    try {
      switch (integration.type) {
        case 'MOCK':
          return this.mock(call, integration);
        case 'AWS_PROXY':
          return await this.lambdaProxy(call, integration);
        case 'AWS':
          return await this.aws(call, integration);
        case 'HTTP':
          return await this.http(call, integration);
        case 'HTTP_PROXY':
          return await this.httpProxy(call, integration);
        default:
          throw configurationError();
      }
    } finally {
      call.integrationLatency = this.clock() - started;
    }
  }

  private agentFor(integration: Integration): Agent {
    return integration.tlsConfig?.insecureSkipVerification && this.deps.insecureAgent ? this.deps.insecureAgent : this.deps.agent;
  }

  private timeout(integration: Integration): number {
    const t = integration.timeoutInMillis;
    return Number.isFinite(t) && t >= 50 ? t : DEFAULT_TIMEOUT_MS;
  }

  private scope(call: Call) {
    return call.resolved!.scope;
  }

  private mock(call: Call, integration: Integration): MethodResponse {
    const rendered = renderRequest(call, integration);
    let status = '200';
    if (rendered.body.length > 0) {
      try {
        const v = JSON.parse(rendered.text ?? rendered.body.toString('utf8')) as { statusCode?: unknown };
        if (v && typeof v === 'object' && v.statusCode !== undefined) status = String(v.statusCode);
      } catch {
        // A mock template that does not render JSON keeps the default status, as AWS does.
      }
    }
    call.integrationStatus = Number(status);
    return this.respond(call, integration, status, { status: Number(status) || 200, headers: {}, body: Buffer.alloc(0) });
  }

  private async lambdaProxy(call: Call, integration: Integration): Promise<MethodResponse> {
    // Lambda's Invoke is POST-only: any other integration method fails the integration (AWS
    // recorded 500 "Internal server error" for GET).
    if (integration.httpMethod && integration.httpMethod !== 'POST') throw integrationFailure();
    const fn = this.functionOf(call, integration);
    const binary = call.deployment!.api.binaryMediaTypes;
    const { accountId, region } = this.scope(call);
    const out = await invokeLambda(
      this.deps.invoker(),
      // The event is our own JSON.stringify output: the invoke core need not parse it to validate it.
      { accountId, region, functionName: fn, payload: Buffer.from(proxyEvent(call, binary)), payloadIsJson: true },
      this.timeout(integration),
    );
    call.integrationStatus = out.statusCode;
    if (out.functionError) throw badProxyResponse();
    const r = parseProxyResponse(out.payload, call, binary);
    // Without a Content-Type from the function, API Gateway answers application/json.
    if (!hasHeader(r.headers, 'content-type')) r.headers['Content-Type'] = 'application/json';
    return { status: r.status, headers: r.headers, body: r.body };
  }

  private functionOf(call: Call, integration: Integration): string {
    const uri = integration.uri ? substituteStageVariables(integration.uri, call.stageVariables ?? {}) : '';
    const fn = functionFromUri(uri);
    if (!fn) throw configurationError();
    return fn;
  }

  private async aws(call: Call, integration: Integration): Promise<MethodResponse> {
    const uri = integration.uri ? substituteStageVariables(integration.uri, call.stageVariables ?? {}) : '';
    const fn = functionFromUri(uri);
    const rendered = renderRequest(call, integration);
    if (fn) {
      const { accountId, region } = this.scope(call);
      // `integration.request.header.X-Amz-Invocation-Type: 'Event'` makes the call asynchronous (202).
      const mapped = mapRequestParameters(call, integration);
      const typeHeader = Object.entries(mapped.headers).find(([k]) => k.toLowerCase() === 'x-amz-invocation-type')?.[1];
      const invocationType = (Array.isArray(typeHeader) ? typeHeader[0] : typeHeader) === 'Event' ? 'Event' : 'RequestResponse';
      const out = await invokeLambda(
        this.deps.invoker(),
        {
          accountId,
          region,
          functionName: fn,
          payload: rendered.body.length > 0 ? rendered.body : Buffer.from('{}'),
          invocationType,
        },
        this.timeout(integration),
      );
      call.integrationStatus = out.statusCode;
      let subject: string | undefined;
      if (out.functionError) {
        try {
          const e = JSON.parse(out.payload.toString('utf8')) as { errorMessage?: unknown };
          subject = typeof e?.errorMessage === 'string' ? e.errorMessage : '';
        } catch {
          subject = '';
        }
      }
      return this.respond(call, integration, subject, { status: 200, headers: {}, body: out.payload });
    }
    const svc = parseAwsServiceUri(uri);
    if (!svc) throw configurationError();
    const mapped = mapRequestParameters(call, integration);
    if (rendered.overrides) Object.assign(mapped.headers, stringValues(rendered.overrides.header));
    const res = await callAwsService(
      this.deps.agent,
      this.deps.endpoint(),
      svc,
      integration.httpMethod ?? 'POST',
      rendered.body,
      mapped.headers,
      this.timeout(integration),
    );
    call.integrationStatus = res.status;
    return this.respond(call, integration, String(res.status), res);
  }

  private httpUrl(call: Call, integration: Integration, pathParams: Record<string, string>, proxy: boolean): URL {
    let uri = integration.uri ? substituteStageVariables(integration.uri, call.stageVariables ?? {}) : '';
    uri = uri.replace(/\{([^}]+?)\+?\}/g, (_, name: string) => {
      const v = pathParams[name] ?? pathParams[name.replace(/\+$/, '')] ?? (proxy ? call.pathParameters?.[name] : undefined);
      if (v === undefined) return '';
      // Greedy values keep their slashes; other values are one segment.
      return v.split('/').map(encodeURIComponent).join('/');
    });
    try {
      return new URL(uri);
    } catch {
      throw configurationError();
    }
  }

  private async http(call: Call, integration: Integration): Promise<MethodResponse> {
    const mapped = mapRequestParameters(call, integration);
    const rendered = renderRequest(call, integration);
    // `$context.requestOverride.*` set by the template wins over the parameter mappings.
    const o = rendered.overrides;
    const path = o ? { ...mapped.path, ...stringValues(o.path) } : mapped.path;
    const url = this.httpUrl(call, integration, path, false);
    appendQuery(url, o ? { ...mapped.querystring, ...stringValues(o.querystring) } : mapped.querystring);
    const headers: Record<string, string | string[]> = o ? { ...mapped.headers, ...stringValues(o.header) } : { ...mapped.headers };
    if (rendered.body.length > 0 && !hasHeader(headers, 'content-type')) {
      headers['content-type'] = header(call, 'content-type') ?? 'application/json';
    }
    const res = await callHttp({
      url: url.toString(),
      method: integration.httpMethod ?? call.verb,
      headers,
      body: rendered.body,
      timeoutMs: this.timeout(integration),
      agent: this.agentFor(integration),
    });
    call.integrationStatus = res.status;
    return this.respond(call, integration, String(res.status), res);
  }

  private async httpProxy(call: Call, integration: Integration): Promise<MethodResponse> {
    const mapped = mapRequestParameters(call, integration);
    const url = this.httpUrl(call, integration, mapped.path, true);
    if (call.rawQuery) url.search = url.search ? `${url.search}&${call.rawQuery}` : `?${call.rawQuery}`;
    appendQuery(url, mapped.querystring);
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(call.headers.multi)) {
      if (HOP_BY_HOP.has(k.toLowerCase())) continue;
      headers[k] = v.length === 1 ? v[0]! : v;
    }
    Object.assign(headers, mapped.headers);
    const verb = integration.httpMethod && integration.httpMethod !== 'ANY' ? integration.httpMethod : call.verb;
    const res = await callHttp({
      url: url.toString(),
      method: verb,
      headers,
      body: call.body,
      timeoutMs: this.timeout(integration),
      agent: this.agentFor(integration),
    });
    call.integrationStatus = res.status;
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(res.headers)) if (!HOP_BY_HOP.has(k.toLowerCase())) out[k] = v;
    return { status: res.status, headers: out, body: res.body };
  }

  /** Non-proxy integration response: selection, templates, header mappings. */
  private respond(call: Call, integration: Integration, subject: string | undefined, backend: BackendResult): MethodResponse {
    const chosen = selectIntegrationResponse(integration, subject);
    if (!chosen) throw configurationError();
    return renderResponse(call, chosen, backend);
  }
}

function stringValues(o: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null) out[k] = String(v);
  return out;
}

function hasHeader(h: Record<string, unknown>, name: string): boolean {
  for (const k in h) if (k.toLowerCase() === name) return true;
  return false;
}

function appendQuery(url: URL, q: Record<string, string | string[]>): void {
  for (const [k, v] of Object.entries(q)) {
    if (Array.isArray(v)) for (const x of v) url.searchParams.append(k, x);
    else url.searchParams.set(k, v);
  }
}

function copyCached(c: CachedResponse): MethodResponse {
  return { status: c.status, headers: { ...c.headers }, body: c.body };
}

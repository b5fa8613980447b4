// Lambda authorizers (TOKEN and REQUEST): build the event AWS sends, invoke the function through
// the in-process LambdaInvoker, check the returned policy against the methodArn, and cache the
// result per identity source for the authorizer's TTL (the cached policy is re-evaluated for each
// methodArn, as AWS does). Failures map to AWS's 401/403/500 gateway responses.
import type { LambdaInvoker } from '../../lambda/invoker.js';
import type { Authorizer } from '../core/model.js';
import { header, methodArn, type AuthorizerOutcome, type Call } from './call.js';
import { requestContext } from './context-vars.js';
import {
  authorizerConfigurationError,
  explicitDeny,
  notAllowed,
  unauthorized,
} from './errors.js';
import { evaluatePolicy, statementsOf, type PolicyStatement } from './policy.js';
import { functionFromUri, substituteStageVariables } from './uris.js';

interface CachedResult {
  readonly expires: number;
  readonly statements: readonly PolicyStatement[];
  readonly outcome: Omit<AuthorizerOutcome, 'latency'>;
}

const MAX_CACHE_ENTRIES = 10_000;

export class AuthorizerRunner {
  private readonly cache = new Map<string, CachedResult>();

  constructor(
    private readonly invoker: () => LambdaInvoker | undefined,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Drops cached results of one stage (FlushStageAuthorizersCache, redeploys). */
  flush(stagePrefix?: string): void {
    if (stagePrefix === undefined) this.cache.clear();
    else for (const k of this.cache.keys()) if (k.startsWith(stagePrefix)) this.cache.delete(k);
  }

  async authorize(call: Call, authorizer: Authorizer): Promise<AuthorizerOutcome> {
    const started = this.clock();
    const identity = this.identity(call, authorizer);
    const arn = methodArn(call);
    const ttl = authorizer.authorizerResultTtlInSeconds;
    const cacheKey = `${stageKey(call)}${authorizer.id}\u0000${identity.key}`;
    if (ttl > 0) {
      const hit = this.cache.get(cacheKey);
      if (hit && hit.expires > started) return this.decide(hit.statements, hit.outcome, arn, 0);
      if (hit) this.cache.delete(cacheKey);
    }
    const event = authorizer.type === 'TOKEN'
      ? { type: 'TOKEN', methodArn: arn, authorizationToken: identity.token }
      : this.requestEvent(call, arn);
    const result = await this.invoke(call, authorizer, event);
    const parsed = parseResult(result);
    if (ttl > 0) {
      if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(cacheKey, { expires: started + ttl * 1000, ...parsed });
    }
    return this.decide(parsed.statements, parsed.outcome, arn, this.clock() - started);
  }

  private decide(
    statements: readonly PolicyStatement[],
    outcome: Omit<AuthorizerOutcome, 'latency'>,
    arn: string,
    latency: number,
  ): AuthorizerOutcome {
    const decision = evaluatePolicy(statements, arn);
    if (decision === 'deny') throw explicitDeny();
    if (decision === 'implicitDeny') throw notAllowed();
    return { ...outcome, latency };
  }

  /** The identity source values; a missing one is 401 without calling the function. */
  private identity(call: Call, authorizer: Authorizer): { key: string; token?: string } {
    const sources = (authorizer.identitySource ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    if (authorizer.type === 'TOKEN') {
      const src = sources[0] ?? 'method.request.header.Authorization';
      const token = readSource(call, src);
      if (token === undefined || token === '') throw unauthorized();
      if (authorizer.identityValidationExpression) {
        let re: RegExp;
        try {
          re = new RegExp(`^(?:${authorizer.identityValidationExpression})$`);
        } catch {
          throw authorizerConfigurationError();
        }
        if (!re.test(token)) throw unauthorized();
      }
      return { key: token, token };
    }
    const values: string[] = [];
    for (const src of sources) {
      const v = readSource(call, src);
      // With caching on, every identity source is required (AWS answers 401 otherwise).
      if ((v === undefined || v === '') && authorizer.authorizerResultTtlInSeconds > 0) throw unauthorized();
      values.push(v ?? '');
    }
    return { key: values.join('\u0000') };
  }

  private requestEvent(call: Call, arn: string): Record<string, unknown> {
    const q = call.query;
    const hasQuery = Object.keys(q.single).length > 0;
    const hasPath = call.pathParameters && Object.keys(call.pathParameters).length > 0;
    const vars = call.stageVariables ?? {};
    return {
      type: 'REQUEST',
      methodArn: arn,
      resource: call.resource!.path,
      path: call.path,
      httpMethod: call.verb,
      headers: call.headers.single,
      multiValueHeaders: call.headers.multi,
      queryStringParameters: hasQuery ? q.single : {},
      multiValueQueryStringParameters: hasQuery ? q.multi : {},
      pathParameters: hasPath ? call.pathParameters : {},
      stageVariables: Object.keys(vars).length > 0 ? vars : {},
      requestContext: requestContext(call),
    };
  }

  private async invoke(call: Call, authorizer: Authorizer, event: unknown): Promise<unknown> {
    const invoker = this.invoker();
    const uri = authorizer.authorizerUri ? substituteStageVariables(authorizer.authorizerUri, call.stageVariables ?? {}) : undefined;
    const fn = uri ? functionFromUri(uri) : undefined;
    if (!invoker || !fn) throw authorizerConfigurationError();
    let out;
    try {
      out = await invoker.invoke({
        accountId: call.resolved!.scope.accountId,
        region: call.resolved!.scope.region,
        functionName: fn,
        payload: Buffer.from(JSON.stringify(event)),
      });
    } catch {
      throw authorizerConfigurationError();
    }
    let body: unknown;
    try {
      body = JSON.parse(out.payload.toString('utf8'));
    } catch {
      throw authorizerConfigurationError();
    }
    if (out.functionError) {
      // `throw new Error('Unauthorized')` / `callback('Unauthorized')` is the documented 401.
      const msg = (body as { errorMessage?: unknown } | null)?.errorMessage;
      if (msg === 'Unauthorized') throw unauthorized();
      throw authorizerConfigurationError();
    }
    return body;
  }
}

function stageKey(call: Call): string {
  return `${call.apiId}/${call.stageName}\u0000`;
}

export function authorizerStagePrefix(apiId: string, stageName: string): string {
  return `${apiId}/${stageName}\u0000`;
}

/** `method.request.header.X`, `method.request.querystring.Y`, `stageVariables.Z`, `context.W`. */
function readSource(call: Call, source: string): string | undefined {
  if (source.startsWith('method.request.header.')) return header(call, source.slice(22));
  if (source.startsWith('method.request.querystring.')) return call.query.single[source.slice(27)];
  if (source.startsWith('stageVariables.')) return call.stageVariables?.[source.slice(15)];
  if (source.startsWith('context.')) {
    const name = source.slice(8);
    if (name === 'httpMethod') return call.verb;
    if (name === 'resourceId') return call.resource?.id;
    if (name === 'resourcePath') return call.resource?.path;
    if (name === 'stage') return call.stageName;
    if (name === 'path') return `/${call.stageName}${call.path}`;
    if (name === 'identity.sourceIp') return call.sourceIp;
    if (name === 'identity.userAgent') return header(call, 'user-agent');
    return undefined;
  }
  return undefined;
}

/** Validates the authorizer's answer: principalId, policyDocument, scalar context values. */
function parseResult(body: unknown): { statements: readonly PolicyStatement[]; outcome: Omit<AuthorizerOutcome, 'latency'> } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw authorizerConfigurationError();
  const r = body as Record<string, unknown>;
  const statements = statementsOf(r['policyDocument']);
  if (!statements) throw authorizerConfigurationError();
  const principal = r['principalId'];
  if (principal !== undefined && principal !== null && typeof principal !== 'string' && typeof principal !== 'number') {
    throw authorizerConfigurationError();
  }
  const context: Record<string, string | number | boolean> = {};
  const raw = r['context'];
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'object' || Array.isArray(raw)) throw authorizerConfigurationError();
    for (const [k, v] of Object.entries(raw)) {
      // AWS rejects objects and arrays in the context map.
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw authorizerConfigurationError();
      context[k] = v;
    }
  }
  const key = r['usageIdentifierKey'];
  return {
    statements,
    outcome: {
      principalId: principal === undefined || principal === null ? '' : String(principal),
      context,
      ...(typeof key === 'string' ? { usageIdentifierKey: key } : {}),
    },
  };
}

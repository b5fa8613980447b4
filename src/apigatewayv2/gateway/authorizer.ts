// Lambda authorizers on the data plane: read the identity sources (401 when one is missing), call
// the function with the authorizer event, and judge its answer: a simple `{isAuthorized}` or an
// IAM policy evaluated against the route's ARN (403 unless an Allow matches and no Deny does).
// Answers are cached by identity values for the authorizer's TTL; a policy is re-evaluated per route.
import type { LambdaInvoker } from '../../lambda/invoker.js';
import { decodeOrKeep } from '../../protocol/http.js';
import { authorizerFunctionOf, parseIdentitySource } from '../core/authorizers.js';
import type { LambdaAuthorizer as Authorizer } from '../core/model.js';
import { withTimeout } from './backends.js';
import { authorizerEventV1, authorizerEventV2 } from './events.js';
import type { HttpApiRequest } from './request.js';
import { forbidden, internalError, type GatewayAnswer } from './responses.js';

/** AWS gives a Lambda authorizer 10 seconds. */
const AUTHORIZER_TIMEOUT_MS = 10_000;
const MAX_CACHED = 10_000;

export const unauthorized = (): GatewayAnswer => ({
  status: 401,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from('{"message":"Unauthorized"}'),
});

interface Statement {
  readonly allow: boolean;
  readonly actions: readonly RegExp[];
  readonly resources: readonly RegExp[];
}

/** What the function answered, checked once (and cached as such). */
export type Decision =
  | { readonly simple: true; readonly allowed: boolean; readonly context: Record<string, unknown> | undefined }
  | { readonly simple: false; readonly principalId: string | undefined; readonly statements: readonly Statement[]; readonly context: Record<string, unknown> | undefined };

/** Allowed: the `requestContext.authorizer` the integration sees; otherwise the gateway's answer. */
export type Verdict = { readonly allowed: true; readonly authorizer: Record<string, unknown> } | { readonly allowed: false; readonly answer: GatewayAnswer };

class Invalid extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** IAM's wildcards: `*` any run of characters, `?` one character; case-sensitive. */
function glob(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

function stringsOf(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new Invalid();
}

function contextOf(r: Record<string, unknown>): Record<string, unknown> | undefined {
  const c = r['context'];
  if (c === undefined || c === null) return undefined;
  if (!isObject(c)) throw new Invalid();
  return c;
}

/** An IAM policy answer (WebSocket authorizers answer only these); throws on an unusable one. */
export function parsePolicy(r: Record<string, unknown>): Decision {
  const principal = r['principalId'];
  if (principal !== undefined && principal !== null && typeof principal !== 'string') throw new Invalid();
  const doc = r['policyDocument'];
  if (!isObject(doc)) throw new Invalid();
  const raw = doc['Statement'];
  const list = Array.isArray(raw) ? raw : isObject(raw) ? [raw] : undefined;
  if (!list) throw new Invalid();
  const statements = list.map((s): Statement => {
    if (!isObject(s)) throw new Invalid();
    const effect = s['Effect'];
    if (effect !== 'Allow' && effect !== 'Deny') throw new Invalid();
    return { allow: effect === 'Allow', actions: stringsOf(s['Action']).map(glob), resources: stringsOf(s['Resource']).map(glob) };
  });
  return { simple: false, principalId: typeof principal === 'string' ? principal : undefined, statements, context: contextOf(r) };
}

function parseDecision(authorizer: Authorizer, payload: Buffer): Decision {
  let r: unknown;
  try {
    r = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new Invalid();
  }
  if (!isObject(r)) throw new Invalid();
  if (authorizer.enableSimpleResponses === true) {
    if (typeof r['isAuthorized'] !== 'boolean') throw new Invalid();
    return { simple: true, allowed: r['isAuthorized'], context: contextOf(r) };
  }
  return parsePolicy(r);
}

/** Deny wins; otherwise an Allow of execute-api:Invoke on a resource matching the route's ARN is needed. */
export function permits(statements: readonly Statement[], arn: string): boolean {
  let allowed = false;
  for (const s of statements) {
    if (!s.actions.some((a) => a.test('execute-api:Invoke')) || !s.resources.some((r) => r.test(arn))) continue;
    if (!s.allow) return false;
    allowed = true;
  }
  return allowed;
}

/** A query parameter's values joined by commas, or undefined (also read by service integrations' mappings). */
export function queryValue(rawQuery: string, name: string): string | undefined {
  let out: string | undefined;
  for (const part of rawQuery.split('&')) {
    const eq = part.indexOf('=');
    if (decodeOrKeep((eq === -1 ? part : part.slice(0, eq)).replace(/\+/g, ' ')) !== name) continue;
    const value = eq === -1 ? '' : decodeOrKeep(part.slice(eq + 1).replace(/\+/g, ' '));
    out = out === undefined ? value : `${out},${value}`;
  }
  return out;
}

export function headerValue(rawHeaders: readonly string[], lowerName: string): string | undefined {
  let out: string | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() !== lowerName) continue;
    out = out === undefined ? rawHeaders[i + 1]! : `${out},${rawHeaders[i + 1]!}`;
  }
  return out;
}

/** The identity values in the authorizer's order, or undefined when one is missing or empty. */
export function identityValues(req: HttpApiRequest, identitySource: readonly string[]): string[] | undefined {
  const values: string[] = [];
  for (const source of identitySource) {
    const { kind, name } = parseIdentitySource(source);
    const v =
      kind === 'header' ? headerValue(req.rawHeaders, name) : kind === 'querystring' ? queryValue(req.rawQuery, name) : req.stage.stage.stageVariables?.[name];
    if (v === undefined || v === '') return undefined;
    values.push(v);
  }
  return values;
}

/** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}{path}`. */
export function routeArnOf(req: HttpApiRequest): string {
  const { scope, api } = req.served;
  return `arn:aws:execute-api:${scope.region}:${scope.accountId}:${api.apiId}/${req.stage.stage.stageName}/${req.method}${decodeOrKeep(req.path)}`;
}

export class Authorizers {
  private readonly cache = new Map<string, { readonly expires: number; readonly decision: Decision }>();

  constructor(private readonly invoker: () => LambdaInvoker | undefined) {}

  /** Forgets the cached answers of one API (its configuration changed). */
  forget(apiId: string): void {
    const prefix = `${apiId}/`;
    for (const key of this.cache.keys()) if (key.startsWith(prefix)) this.cache.delete(key);
  }

  async authorize(req: HttpApiRequest, authorizer: Authorizer): Promise<Verdict> {
    const values = identityValues(req, authorizer.identitySource);
    if (!values) return { allowed: false, answer: unauthorized() };
    const arn = routeArnOf(req);
    const ttl = authorizer.authorizerResultTtlInSeconds;
    const key = `${req.served.api.apiId}/${req.stage.stage.stageName}/${authorizer.authorizerId}\u0000${values.join('\u0000')}`;
    let decision: Decision | undefined;
    if (ttl > 0) {
      const hit = this.cache.get(key);
      if (hit && hit.expires > Date.now()) decision = hit.decision;
      else if (hit) this.cache.delete(key);
    }
    if (!decision) {
      try {
        decision = await this.call(req, authorizer, arn, values);
      } catch {
        return { allowed: false, answer: internalError() };
      }
      if (ttl > 0) {
        if (this.cache.size >= MAX_CACHED) this.cache.clear();
        this.cache.set(key, { expires: Date.now() + ttl * 1000, decision });
      }
    }
    const allowed = decision.simple ? decision.allowed : permits(decision.statements, arn);
    if (!allowed) return { allowed: false, answer: forbidden() };
    const context = decision.context ?? {};
    if (authorizer.authorizerPayloadFormatVersion === '2.0') return { allowed: true, authorizer: { lambda: context } };
    const principalId = decision.simple ? undefined : decision.principalId;
    return { allowed: true, authorizer: { ...context, ...(principalId !== undefined ? { principalId } : {}) } };
  }

  private async call(req: HttpApiRequest, authorizer: Authorizer, arn: string, values: string[]): Promise<Decision> {
    const invoker = this.invoker();
    const functionName = authorizerFunctionOf(authorizer.authorizerUri);
    if (!invoker || !functionName) throw new Invalid();
    const event = authorizer.authorizerPayloadFormatVersion === '2.0' ? authorizerEventV2(req, arn, values) : authorizerEventV1(req, arn, values);
    const { scope } = req.served;
    const out = await withTimeout(
      invoker.invoke({ accountId: scope.accountId, region: scope.region, functionName, payload: Buffer.from(event), payloadIsJson: true }),
      AUTHORIZER_TIMEOUT_MS,
    );
    if (out.functionError) throw new Invalid();
    return parseDecision(authorizer, out.payload);
  }
}

// Authorizers of HTTP APIs. A Lambda (REQUEST) authorizer names a function through API Gateway's
// invocation URI, reads its identity sources from the request, and answers either a simple
// `{isAuthorized}` (payload 2.0 with simple responses) or an IAM policy. A JWT authorizer names an
// OpenID issuer and the audiences its tokens must be for (checked on the data plane, gateway/jwt.ts).
// WebSocket APIs' authorizers (for `$connect`) take `route.request.*` identity sources, answer a policy,
// and have no payload version, simple responses or cache.
import { type Input, newId } from '../../apigateway/index.js';
import { type CoreContext, paginate, requireApi } from './context.js';
import { autoDeploy, saveAndDeploy } from './deployments.js';
import { BadRequest, Conflict, notFound } from './errors.js';
import type { Authorizer, JwtAuthorizer, LambdaAuthorizer } from './model.js';
import { checkWebSocketAuthorizerInput, checkWebSocketIdentity, isWebSocket } from './websocket.js';

const INVOCATION_URI = /^arn:aws[\w-]*:apigateway:[\w-]+:lambda:path\/2015-03-31\/functions\/(arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:[A-Za-z0-9_-]+(?::[\w$-]+)?)\/invocations$/;
/** Identity sources Nimbus reads: a header, a query parameter, or a stage variable. */
const IDENTITY_SOURCE = /^\$(request\.header|request\.querystring|stageVariables)\.([^\s,]+)$/;
const MAX_TTL = 3600;

/** The function ARN an authorizer URI names, or undefined when it is no Lambda invocation URI. */
export function authorizerFunctionOf(uri: string): string | undefined {
  return INVOCATION_URI.exec(uri)?.[1];
}

export type IdentityKind = 'header' | 'querystring' | 'stageVariables';

/** `$request.header.Authorization` → where to read it and the (header: lower-case) name. */
export function parseIdentitySource(source: string): { kind: IdentityKind; name: string } {
  const m = IDENTITY_SOURCE.exec(source)!;
  const kind = m[1] === 'request.header' ? 'header' : m[1] === 'request.querystring' ? 'querystring' : 'stageVariables';
  return { kind, name: kind === 'header' ? m[2]!.toLowerCase() : m[2]! };
}

function validate(a: LambdaAuthorizer): LambdaAuthorizer {
  if (!authorizerFunctionOf(a.authorizerUri)) {
    throw BadRequest(
      `Invalid Authorizer URI specified: ${a.authorizerUri}. Use arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations`,
    );
  }
  if (a.name.length === 0 || a.name.length > 128) throw BadRequest('Authorizer name must be between 1 and 128 characters');
  if (a.enableSimpleResponses === true && a.authorizerPayloadFormatVersion !== '2.0') {
    throw BadRequest('EnableSimpleResponses is only supported for authorizers with payload format version 2.0');
  }
  for (const s of a.identitySource) {
    if (!IDENTITY_SOURCE.test(s)) {
      throw BadRequest(
        `Invalid identity source specified: ${s}. Use $request.header.{name}, $request.querystring.{name} or $stageVariables.{name}`,
      );
    }
  }
  if (!Number.isInteger(a.authorizerResultTtlInSeconds) || a.authorizerResultTtlInSeconds < 0 || a.authorizerResultTtlInSeconds > MAX_TTL) {
    throw BadRequest(`AuthorizerResultTtlInSeconds must be between 0 and ${MAX_TTL}`);
  }
  if (a.authorizerResultTtlInSeconds > 0 && a.identitySource.length === 0) {
    throw BadRequest('IdentitySource is required when authorizer caching is enabled (AuthorizerResultTtlInSeconds greater than 0)');
  }
  return a;
}

function readType(input: Input): 'REQUEST' | 'JWT' | undefined {
  const type = input.str('authorizerType');
  if (type === undefined || type === 'REQUEST' || type === 'JWT') return type;
  throw BadRequest(`Invalid authorizer type specified: ${type}. HTTP APIs support REQUEST and JWT`);
}

/** A JWT authorizer: an issuer URL, at least one audience, and one header or query identity source. */
function validateJwt(a: JwtAuthorizer): JwtAuthorizer {
  if (a.name.length === 0 || a.name.length > 128) throw BadRequest('Authorizer name must be between 1 and 128 characters');
  let issuer: URL | undefined;
  try {
    issuer = new URL(a.jwtConfiguration.issuer);
  } catch {
    issuer = undefined;
  }
  if (!issuer || (issuer.protocol !== 'https:' && issuer.protocol !== 'http:')) {
    throw BadRequest(`Invalid issuer specified: ${a.jwtConfiguration.issuer}. The issuer must be a URL`);
  }
  if (a.jwtConfiguration.audience.length === 0) throw BadRequest('JwtConfiguration.Audience must contain at least one audience');
  if (a.identitySource.length !== 1 || !/^\$request\.(header|querystring)\.[^\s,]+$/.test(a.identitySource[0]!)) {
    throw BadRequest(`Invalid identity source specified for a JWT authorizer: ${a.identitySource.join(',')}. Use one $request.header.{name} or $request.querystring.{name}`);
  }
  return a;
}

function readJwtConfiguration(input: Input, current?: JwtAuthorizer['jwtConfiguration']): JwtAuthorizer['jwtConfiguration'] {
  const raw = input.has('jwtConfiguration') ? input.obj('jwtConfiguration') : undefined;
  if (!raw) {
    if (current) return current;
    throw BadRequest('JwtConfiguration is required for JWT authorizers');
  }
  const issuer = raw.str('issuer') ?? current?.issuer;
  if (issuer === undefined) throw BadRequest('JwtConfiguration.Issuer is required for JWT authorizers');
  return { issuer, audience: raw.strList('audience') ?? current?.audience ?? [] };
}

function newJwtAuthorizer(input: Input): JwtAuthorizer {
  for (const lambdaOnly of ['authorizerUri', 'authorizerPayloadFormatVersion', 'enableSimpleResponses', 'authorizerCredentialsArn']) {
    if (input.has(lambdaOnly)) throw BadRequest(`${lambdaOnly[0]!.toUpperCase()}${lambdaOnly.slice(1)} is not supported for JWT authorizers`);
  }
  const ttl = input.int('authorizerResultTtlInSeconds');
  if (ttl !== undefined && ttl !== 0) throw BadRequest('AuthorizerResultTtlInSeconds is not supported for JWT authorizers');
  return validateJwt({
    authorizerId: newId(6),
    name: input.reqStr('name'),
    authorizerType: 'JWT',
    jwtConfiguration: readJwtConfiguration(input),
    identitySource: readIdentity(input) ?? ['$request.header.Authorization'],
  });
}

function readVersion(input: Input): '1.0' | '2.0' | undefined {
  const v = input.str('authorizerPayloadFormatVersion');
  if (v === undefined || v === '1.0' || v === '2.0') return v;
  throw BadRequest(`Invalid authorizer payload format version specified: ${v}. Supported values are 1.0 and 2.0`);
}

/** `identitySource` as a list (AWS's wire shape); a comma-separated string is split. */
function readIdentity(input: Input): string[] | undefined {
  if (!input.has('identitySource')) return undefined;
  const list = input.strList('identitySource') ?? [];
  return list.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
}

/** A WebSocket API's authorizer: REQUEST only, no payload version, simple responses or caching. */
function checkWebSocket(a: LambdaAuthorizer): LambdaAuthorizer {
  if (!authorizerFunctionOf(a.authorizerUri)) {
    throw BadRequest(`Invalid Authorizer URI specified: ${a.authorizerUri}. Use arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations`);
  }
  if (a.name.length === 0 || a.name.length > 128) throw BadRequest('Authorizer name must be between 1 and 128 characters');
  checkWebSocketIdentity(a.identitySource);
  return a;
}

export function createAuthorizer(ctx: CoreContext, apiId: string, input: Input): Authorizer {
  const api = requireApi(ctx, apiId);
  const authorizer = isWebSocket(api) ? newWebSocketAuthorizer(input) : newAuthorizer(input);
  return saveAndDeploy(ctx, apiId, 'authorizer', authorizer.authorizerId, authorizer);
}

/** A WebSocket API's new authorizer (for `$connect`). */
function newWebSocketAuthorizer(input: Input): Authorizer {
  checkWebSocketAuthorizerInput(input);
  if (input.has('jwtConfiguration')) throw BadRequest('JwtConfiguration is only supported for JWT authorizers');
  const type = readType(input);
  if (type === undefined) throw BadRequest('AuthorizerType is required');
  if (type === 'JWT') throw BadRequest('JWT authorizers are supported only for HTTP APIs');
  const uri = input.str('authorizerUri');
  if (uri === undefined) throw BadRequest('AuthorizerUri is required for REQUEST authorizers');
  return checkWebSocket({
    authorizerId: newId(6),
    name: input.reqStr('name'),
    authorizerType: 'REQUEST',
    authorizerUri: uri,
    identitySource: readIdentity(input) ?? [],
    authorizerResultTtlInSeconds: 0,
  });
}

/** Builds a new authorizer document with the same rules as CreateAuthorizer (ImportApi uses it too). */
export function newAuthorizer(input: Input): Authorizer {
  const type = readType(input);
  if (type === undefined) throw BadRequest('AuthorizerType is required');
  if (type === 'JWT') return newJwtAuthorizer(input);
  if (input.has('jwtConfiguration')) throw BadRequest('JwtConfiguration is only supported for JWT authorizers');
  const uri = input.str('authorizerUri');
  if (uri === undefined) throw BadRequest('AuthorizerUri is required for REQUEST authorizers');
  const version = readVersion(input);
  if (version === undefined) throw BadRequest('AuthorizerPayloadFormatVersion is required for REQUEST authorizers: 1.0 or 2.0');
  const simple = input.bool('enableSimpleResponses');
  return validate({
    authorizerId: newId(6),
    name: input.reqStr('name'),
    authorizerType: type,
    authorizerUri: uri,
    authorizerPayloadFormatVersion: version,
    ...(simple !== undefined ? { enableSimpleResponses: simple } : {}),
    identitySource: readIdentity(input) ?? [],
    authorizerResultTtlInSeconds: input.int('authorizerResultTtlInSeconds') ?? 0,
  });
}

export function getAuthorizer(ctx: CoreContext, apiId: string, authorizerId: string): Authorizer {
  requireApi(ctx, apiId);
  const found = ctx.repo.get(apiId, 'authorizer', authorizerId);
  if (!found) throw notFound('Authorizer', ctx.scope.accountId, authorizerId);
  return found;
}

export function getAuthorizers(ctx: CoreContext, apiId: string, maxResults?: number, nextToken?: string) {
  requireApi(ctx, apiId);
  return paginate(ctx.repo.list(apiId, 'authorizer'), (a) => a.authorizerId, maxResults, nextToken);
}

export function updateAuthorizer(ctx: CoreContext, apiId: string, authorizerId: string, input: Input): Authorizer {
  const current = getAuthorizer(ctx, apiId, authorizerId);
  const type = readType(input) ?? current.authorizerType;
  if (type !== current.authorizerType) throw BadRequest(`The type of authorizer '${authorizerId}' cannot be changed from ${current.authorizerType} to ${type}`);
  if (current.authorizerType === 'JWT') {
    const jwt = validateJwt({
      ...current,
      name: input.str('name') ?? current.name,
      jwtConfiguration: readJwtConfiguration(input, current.jwtConfiguration),
      identitySource: readIdentity(input) ?? current.identitySource,
    });
    return saveAndDeploy(ctx, apiId, 'authorizer', authorizerId, jwt);
  }
  if (input.has('jwtConfiguration')) throw BadRequest('JwtConfiguration is only supported for JWT authorizers');
  if (isWebSocket(requireApi(ctx, apiId))) {
    checkWebSocketAuthorizerInput(input);
    const updated = checkWebSocket({
      ...current,
      name: input.str('name') ?? current.name,
      authorizerUri: input.str('authorizerUri') ?? current.authorizerUri,
      identitySource: readIdentity(input) ?? current.identitySource,
    });
    return saveAndDeploy(ctx, apiId, 'authorizer', authorizerId, updated);
  }
  const simple = input.bool('enableSimpleResponses') ?? current.enableSimpleResponses;
  const updated = validate({
    ...current,
    name: input.str('name') ?? current.name,
    authorizerUri: input.str('authorizerUri') ?? current.authorizerUri,
    authorizerPayloadFormatVersion: readVersion(input) ?? current.authorizerPayloadFormatVersion,
    ...(simple !== undefined ? { enableSimpleResponses: simple } : {}),
    identitySource: readIdentity(input) ?? current.identitySource,
    authorizerResultTtlInSeconds: input.int('authorizerResultTtlInSeconds') ?? current.authorizerResultTtlInSeconds,
  });
  return saveAndDeploy(ctx, apiId, 'authorizer', authorizerId, updated);
}

export function deleteAuthorizer(ctx: CoreContext, apiId: string, authorizerId: string): void {
  getAuthorizer(ctx, apiId, authorizerId);
  const user = ctx.repo.list(apiId, 'route').find((r) => r.authorizerId === authorizerId);
  if (user) throw Conflict(`Cannot delete Authorizer '${authorizerId}': it is used by route '${user.routeKey}' (${user.routeId})`);
  ctx.repo.mutate(apiId, () => {
    ctx.repo.delete(apiId, 'authorizer', authorizerId);
    autoDeploy(ctx, apiId);
  });
}

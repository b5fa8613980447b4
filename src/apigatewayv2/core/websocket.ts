// The rules that set WebSocket APIs (ProtocolType WEBSOCKET) apart from HTTP APIs in the control
// plane: the selection expressions an API and its routes take, their route keys (`$connect`,
// `$disconnect`, `$default` and custom keys such as `sendmessage`), and which integrations they may
// target. The HTTP API modules call in here when the API is a WebSocket API; nothing here sees HTTP.
import type { Input } from '../../apigateway/index.js';
import { BadRequest } from './errors.js';
import type { HttpApi, Integration } from './model.js';

export const CONNECT_ROUTE = '$connect';
export const DISCONNECT_ROUTE = '$disconnect';
export const DEFAULT_ROUTE_KEY = '$default';
const RESERVED = new Set([CONNECT_ROUTE, DISCONNECT_ROUTE, DEFAULT_ROUTE_KEY]);

/** AWS's default for both protocols; only `$request.header.x-api-key` and `$context.authorizer.usageIdentifierKey` exist. */
export const API_KEY_EXPRESSIONS = new Set(['$request.header.x-api-key', '$context.authorizer.usageIdentifierKey']);

/**
 * `$request.body.action` or `${request.body.action}` (a JSON path into the message, dotted), the
 * forms AWS documents for WebSocket route selection. Returns the path's parts.
 */
const BODY_EXPRESSION = /^(?:\$request\.body\.([A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*)|\$\{request\.body\.([A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*)\})$/;

export function routeSelectionPath(expression: string): string[] | undefined {
  const m = BODY_EXPRESSION.exec(expression);
  const path = m?.[1] ?? m?.[2];
  return path === undefined ? undefined : path.split('.');
}

export const isWebSocket = (api: HttpApi) => api.protocolType === 'WEBSOCKET';

/** CreateApi's WebSocket-only checks: a route selection expression is required, HTTP-only members are refused. */
export function checkWebSocketCreate(input: Input): { routeSelectionExpression: string; apiKeySelectionExpression: string } {
  if (input.has('corsConfiguration')) throw BadRequest('CORS configuration is not supported for WebSocket APIs');
  if (input.has('target') || input.has('routeKey') || input.has('credentialsArn')) {
    throw BadRequest('Quick create (Target, RouteKey, CredentialsArn) is not supported for WebSocket APIs');
  }
  const routeSelectionExpression = input.str('routeSelectionExpression');
  if (routeSelectionExpression === undefined) throw BadRequest('RouteSelectionExpression is required for WebSocket APIs');
  return { routeSelectionExpression: checkRouteSelection(routeSelectionExpression), apiKeySelectionExpression: checkApiKeySelection(input) };
}

/** UpdateApi on a WebSocket API: the same refusals, and a changed expression checked. */
export function checkWebSocketUpdate(input: Input, current: HttpApi): { routeSelectionExpression: string; apiKeySelectionExpression: string } {
  if (input.has('corsConfiguration')) throw BadRequest('CORS configuration is not supported for WebSocket APIs');
  const expression = input.str('routeSelectionExpression');
  return {
    routeSelectionExpression: expression === undefined ? current.routeSelectionExpression : checkRouteSelection(expression),
    apiKeySelectionExpression: input.has('apiKeySelectionExpression') ? checkApiKeySelection(input) : current.apiKeySelectionExpression,
  };
}

function checkRouteSelection(expression: string): string {
  if (!routeSelectionPath(expression)) {
    throw BadRequest(`Invalid route selection expression specified: ${expression}. Nimbus supports $request.body.{path} for WebSocket APIs`);
  }
  return expression;
}

function checkApiKeySelection(input: Input): string {
  const expression = input.str('apiKeySelectionExpression') ?? '$request.header.x-api-key';
  if (!API_KEY_EXPRESSIONS.has(expression)) throw BadRequest(`Invalid API key selection expression specified: ${expression}`);
  return expression;
}

/** A WebSocket route key: one of the three reserved keys, or a custom key that does not start with `$`. */
export function checkWebSocketRouteKey(routeKey: string): void {
  if (RESERVED.has(routeKey)) return;
  if (routeKey.length === 0 || routeKey.length > 128) throw BadRequest('Route key must be between 1 and 128 characters');
  if (routeKey.startsWith('$')) {
    throw BadRequest(`Unable to create Route. The route key '${routeKey}' is invalid: keys starting with '$' are reserved ($connect, $disconnect, $default)`);
  }
}

/**
 * WebSocket routes: NONE, or CUSTOM (a Lambda REQUEST authorizer) on `$connect` only, as AWS
 * restricts it; no API keys in Nimbus; `$default` as the only route response selection expression.
 */
export function checkWebSocketRoute(input: Input, routeKey: string, currentType: 'NONE' | 'CUSTOM' | 'JWT' = 'NONE'): void {
  if (input.bool('apiKeyRequired') === true) throw BadRequest('API keys are not supported by Nimbus for WebSocket APIs');
  const type = input.str('authorizationType') ?? currentType;
  if (type !== 'NONE' && type !== 'CUSTOM') throw BadRequest(`Authorization type ${type} is not supported by Nimbus for WebSocket APIs; use NONE or CUSTOM`);
  if (type === 'CUSTOM' && routeKey !== CONNECT_ROUTE) throw BadRequest('Currently, authorization is restricted to the $connect route only');
  const rrse = input.str('routeResponseSelectionExpression');
  if (rrse !== undefined && rrse !== '$default') {
    throw BadRequest(`Invalid route response selection expression specified: ${rrse}. Only $default is supported for WebSocket APIs`);
  }
  if (rrse !== undefined && routeKey === DISCONNECT_ROUTE) throw BadRequest('The $disconnect route cannot have a route response');
}

/** Integration timeouts of WebSocket APIs: 50 ms to 29 s (HTTP APIs allow 30 s). */
export const WEBSOCKET_MAX_TIMEOUT_MS = 29_000;

/** Builds or checks a WebSocket integration: Lambda proxy only, payload format 1.0. */
export function checkWebSocketIntegration(i: Integration): Integration {
  if (i.integrationType !== 'AWS_PROXY') {
    throw BadRequest(`Integration type ${i.integrationType} is not supported by Nimbus for WebSocket APIs; use AWS_PROXY (Lambda)`);
  }
  if (i.payloadFormatVersion !== '1.0') throw BadRequest('WebSocket APIs support payload format version 1.0 only');
  if (!Number.isInteger(i.timeoutInMillis) || i.timeoutInMillis < 50 || i.timeoutInMillis > WEBSOCKET_MAX_TIMEOUT_MS) {
    throw BadRequest('Timeout must be between 50 milliseconds and 29000 milliseconds for WebSocket APIs');
  }
  return i;
}

export function readContentHandling(input: Input): Integration['contentHandlingStrategy'] {
  return input.enumOf('contentHandlingStrategy', ['CONVERT_TO_BINARY', 'CONVERT_TO_TEXT'] as const);
}

/**
 * Identity sources of WebSocket authorizers, as AWS spells them for `$connect`:
 * `route.request.header.{name}`, `route.request.querystring.{name}`, `stageVariables.{name}`.
 */
const WS_IDENTITY = /^(route\.request\.header|route\.request\.querystring|stageVariables)\.([^\s,]+)$/;

export function parseWebSocketIdentity(source: string): { kind: 'header' | 'querystring' | 'stageVariables'; name: string } | undefined {
  const m = WS_IDENTITY.exec(source);
  if (!m) return undefined;
  const kind = m[1] === 'route.request.header' ? 'header' : m[1] === 'route.request.querystring' ? 'querystring' : 'stageVariables';
  return { kind, name: kind === 'header' ? m[2]!.toLowerCase() : m[2]! };
}

/** What WebSocket authorizers refuse: HTTP APIs' payload versions, simple responses and caching. */
export function checkWebSocketAuthorizerInput(input: Input): void {
  if (input.has('authorizerPayloadFormatVersion')) throw BadRequest('AuthorizerPayloadFormatVersion is supported only for HTTP APIs');
  if (input.has('enableSimpleResponses')) throw BadRequest('EnableSimpleResponses is supported only for HTTP APIs');
  const ttl = input.int('authorizerResultTtlInSeconds');
  if (ttl !== undefined && ttl !== 0) throw BadRequest('AuthorizerResultTtlInSeconds is supported only for HTTP APIs; Nimbus does not cache WebSocket authorizer results');
}

export function checkWebSocketIdentity(sources: readonly string[]): void {
  for (const s of sources) {
    if (!parseWebSocketIdentity(s)) {
      throw BadRequest(`Invalid identity source specified: ${s}. Use route.request.header.{name}, route.request.querystring.{name} or stageVariables.{name}`);
    }
  }
}

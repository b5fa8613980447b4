// The Lambda proxy events of HTTP APIs. Format 2.0: lower-case headers with repeated values joined
// by commas, cookies apart, query parameters joined the same way, absent members left out. Format
// 1.0: the REST API proxy event's members plus `version`. One stringify each, no body copies.
import { decodeOrKeep } from '../../protocol/http.js';
import { type HttpApiRequest, isTextBody, requestTime } from './request.js';

interface Collected {
  /** Lower-case name → values joined by commas (2.0). */
  joined: Record<string, string>;
  /** Lower-case name → last value, and every value (1.0). */
  single: Record<string, string>;
  multi: Record<string, string[]>;
  cookies: string[];
}

/** What header collection reads of a request (Lambda function URLs build the same 2.0 members). */
export type HeaderSource = Pick<HttpApiRequest, 'rawHeaders' | 'traceId' | 'sourceIp' | 'port'>;

export function collectHeaders(req: HeaderSource, splitCookies: boolean): Collected {
  const joined: Record<string, string> = {};
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  const cookies: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    if (splitCookies && name === 'cookie') {
      for (const c of value.split(';')) {
        const t = c.trim();
        if (t) cookies.push(t);
      }
      continue;
    }
    joined[name] = joined[name] === undefined ? value : `${joined[name]},${value}`;
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  // API Gateway adds these before the integration sees the request.
  const added: Array<[string, string]> = [
    ['x-amzn-trace-id', req.traceId],
    ['x-forwarded-for', req.sourceIp],
    ['x-forwarded-port', req.port],
    ['x-forwarded-proto', 'http'],
  ];
  for (const [name, value] of added) {
    if (single[name] !== undefined) continue;
    joined[name] = single[name] = value;
    multi[name] = [value];
  }
  return { joined, single, multi, cookies };
}

export function collectQuery(raw: string): { joined: Record<string, string>; single: Record<string, string>; multi: Record<string, string[]> } | undefined {
  if (raw.length === 0) return undefined;
  const joined: Record<string, string> = {};
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  let any = false;
  for (const part of raw.split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    const name = decodeOrKeep((eq === -1 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
    const value = eq === -1 ? '' : decodeOrKeep(part.slice(eq + 1).replace(/\+/g, ' '));
    joined[name] = joined[name] === undefined ? value : `${joined[name]},${value}`;
    single[name] = value;
    (multi[name] ??= []).push(value);
    any = true;
  }
  return any ? { joined, single, multi } : undefined;
}

export function bodyOf(req: Pick<HttpApiRequest, 'body'>, contentType: string | undefined): { body: string; isBase64Encoded: boolean } | undefined {
  if (req.body.length === 0) return undefined;
  return isTextBody(contentType)
    ? { body: req.body.toString('utf8'), isBase64Encoded: false }
    : { body: req.body.toString('base64'), isBase64Encoded: true };
}

function domainPrefix(host: string): string {
  const dot = host.indexOf('.');
  return dot === -1 ? host : host.slice(0, dot);
}

/** What both formats read from the request: headers, query, body and non-empty stage variables. */
function parts(req: HttpApiRequest, splitCookies: boolean) {
  const h = collectHeaders(req, splitCookies);
  const vars = req.stage.stage.stageVariables;
  return {
    h,
    q: collectQuery(req.rawQuery),
    body: bodyOf(req, h.single['content-type']),
    vars: vars && Object.keys(vars).length > 0 ? vars : undefined,
  };
}

export function eventV2(req: HttpApiRequest): string {
  return JSON.stringify(documentV2(req));
}

export function eventV1(req: HttpApiRequest): string {
  return JSON.stringify(documentV1(req));
}

/** The payload 2.0 authorizer event: the request as the integration would see it, without body, plus what identifies the route. */
export function authorizerEventV2(req: HttpApiRequest, routeArn: string, identitySource: string[]): string {
  const { body: _body, isBase64Encoded: _b64, ...rest } = documentV2(req);
  return JSON.stringify({ ...rest, type: 'REQUEST', routeArn, identitySource });
}

/** The payload 1.0 authorizer event: REST's REQUEST-authorizer shape, `methodArn` and the identity values joined by commas. */
export function authorizerEventV1(req: HttpApiRequest, methodArn: string, identitySource: string[]): string {
  const { body: _body, isBase64Encoded: _b64, ...rest } = documentV1(req);
  const joined = identitySource.join(',');
  return JSON.stringify({ ...rest, type: 'REQUEST', methodArn, identitySource: joined, authorizationToken: joined });
}

function documentV2(req: HttpApiRequest) {
  const { served, stage, match } = req;
  const { h, q, body, vars } = parts(req, true);
  const routeKey = match.compiled.route.routeKey;
  // rawPath and http.path carry the decoded path; rawQueryString stays as sent.
  const path = decodeOrKeep(req.rawPath);
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: req.rawQuery,
    ...(h.cookies.length > 0 ? { cookies: h.cookies } : {}),
    headers: h.joined,
    ...(q ? { queryStringParameters: q.joined } : {}),
    requestContext: {
      accountId: served.scope.accountId,
      apiId: served.api.apiId,
      ...(req.authorizer ? { authorizer: req.authorizer } : {}),
      domainName: req.host,
      domainPrefix: domainPrefix(req.host),
      http: {
        method: req.method,
        path,
        protocol: req.protocol,
        sourceIp: req.sourceIp,
        userAgent: h.single['user-agent'] ?? '',
      },
      requestId: req.requestId,
      routeKey,
      stage: stage.stage.stageName,
      time: requestTime(req.receivedAt),
      timeEpoch: req.receivedAt,
    },
    ...(match.pathParameters ? { pathParameters: match.pathParameters } : {}),
    ...(vars ? { stageVariables: vars } : {}),
    ...(body ? { body: body.body } : {}),
    isBase64Encoded: body?.isBase64Encoded ?? false,
  };
}

function documentV1(req: HttpApiRequest) {
  const { served, stage, match } = req;
  const { h, q, body, vars } = parts(req, false);
  const route = match.compiled.route;
  // `resource` is the route's path (`$default` for the default route), as AWS fills it.
  const space = route.routeKey.indexOf(' ');
  const resource = space === -1 ? route.routeKey : route.routeKey.slice(space + 1);
  const userAgent = h.single['user-agent'] ?? '';
  return {
    version: '1.0',
    resource,
    path: decodeOrKeep(req.rawPath),
    httpMethod: req.method,
    headers: h.single,
    multiValueHeaders: h.multi,
    queryStringParameters: q ? q.single : null,
    multiValueQueryStringParameters: q ? q.multi : null,
    requestContext: {
      accountId: served.scope.accountId,
      apiId: served.api.apiId,
      ...(req.authorizer ? { authorizer: req.authorizer } : {}),
      domainName: req.host,
      domainPrefix: domainPrefix(req.host),
      extendedRequestId: req.requestId,
      httpMethod: req.method,
      identity: {
        accessKey: null,
        accountId: null,
        caller: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: req.sourceIp,
        user: null,
        userAgent,
        userArn: null,
      },
      path: req.rawPath,
      protocol: req.protocol,
      requestId: req.requestId,
      requestTime: requestTime(req.receivedAt),
      requestTimeEpoch: req.receivedAt,
      resourceId: route.routeKey,
      resourcePath: resource,
      stage: stage.stage.stageName,
    },
    pathParameters: match.pathParameters ?? null,
    stageVariables: vars ?? null,
    body: body ? body.body : null,
    isBase64Encoded: body?.isBase64Encoded ?? false,
  };
}

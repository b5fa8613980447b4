// The event a function URL request becomes: API Gateway's payload format 2.0 with the fixed values
// function URLs use (`$default` route and stage, the url id as apiId, `anonymous` account without
// IAM auth), headers and query parameters joined with commas, cookies apart.
import { decodeOrKeep } from '../../protocol/http.js';
import { isTextBody, requestTime } from '../../apigatewayv2/index.js';

export interface UrlRequest {
  readonly urlId: string;
  readonly region: string;
  readonly requestId: string;
  readonly receivedAt: number;
  readonly method: string;
  /** The path as sent (percent-encoded), starting with `/`. */
  readonly rawPath: string;
  readonly rawQuery: string;
  readonly rawHeaders: readonly string[];
  readonly sourceIp: string;
  readonly port: string;
  readonly traceId: string;
  readonly protocol: string;
  readonly body: Buffer;
  /** Set for AWS_IAM: the caller's identity, from its SigV4 credential. */
  readonly iam?: { readonly accessKey: string; readonly accountId: string };
  readonly ownerAccountId: string;
}

export function urlEvent(r: UrlRequest): string {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < r.rawHeaders.length; i += 2) {
    const name = r.rawHeaders[i]!.toLowerCase();
    const value = r.rawHeaders[i + 1]!;
    if (name === 'cookie') {
      for (const c of value.split(';')) if (c.trim()) cookies.push(c.trim());
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  headers['x-amzn-trace-id'] ??= r.traceId;
  headers['x-forwarded-for'] ??= r.sourceIp;
  headers['x-forwarded-port'] ??= r.port;
  headers['x-forwarded-proto'] ??= 'http';

  let query: Record<string, string> | undefined;
  for (const part of r.rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = decodeOrKeep((eq === -1 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
    const value = eq === -1 ? '' : decodeOrKeep(part.slice(eq + 1).replace(/\+/g, ' '));
    query ??= {};
    query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  }
  const domainName = `${r.urlId}.lambda-url.${r.region}.on.aws`;
  const path = decodeOrKeep(r.rawPath);
  const text = isTextBody(headers['content-type']);
  return JSON.stringify({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: r.rawQuery,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: r.iam ? r.ownerAccountId : 'anonymous',
      apiId: r.urlId,
      ...(r.iam
        ? {
            authorizer: {
              iam: {
                accessKey: r.iam.accessKey,
                accountId: r.iam.accountId,
                callerId: r.iam.accessKey,
                cognitoIdentity: null,
                principalOrgId: null,
                userArn: `arn:aws:iam::${r.iam.accountId}:root`,
                userId: r.iam.accountId,
              },
            },
          }
        : {}),
      domainName,
      domainPrefix: r.urlId,
      http: {
        method: r.method,
        path,
        protocol: r.protocol,
        sourceIp: r.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: r.requestId,
      routeKey: '$default',
      stage: '$default',
      time: requestTime(r.receivedAt),
      timeEpoch: r.receivedAt,
    },
    ...(r.body.length ? { body: r.body.toString(text ? 'utf8' : 'base64') } : {}),
    isBase64Encoded: r.body.length > 0 && !text,
  });
}

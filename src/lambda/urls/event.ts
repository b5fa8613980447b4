// The event a function URL request becomes: API Gateway's payload format 2.0 with the fixed values
// function URLs use (`$default` route and stage, the url id as apiId, `anonymous` account without
// IAM auth), headers and query parameters joined with commas, cookies apart.
import { decodeOrKeep } from '../../protocol/http.js';
import { bodyOf, collectHeaders, collectQuery, requestTime } from '../../apigatewayv2/index.js';

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
  const h = collectHeaders(r, true);
  const query = collectQuery(r.rawQuery)?.joined;
  const body = bodyOf(r, h.single['content-type']);
  const headers = h.joined;
  const cookies = h.cookies;
  const domainName = `${r.urlId}.lambda-url.${r.region}.on.aws`;
  const path = decodeOrKeep(r.rawPath);
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
    ...(body ? { body: body.body } : {}),
    isBase64Encoded: body?.isBase64Encoded ?? false,
  });
}

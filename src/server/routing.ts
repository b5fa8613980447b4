// Decides which service a request is for, the way AWS endpoints would: the data-plane URL shapes
// first, then X-Amz-Target, then the SigV4 credential scope, then well-known REST path prefixes.
import type { HttpRequest } from './http/server.js';

export type ServiceName = 'lambda' | 'lambda-url' | 'states' | 'logs' | 'monitoring' | 'apigateway' | 'apigatewayv2' | 'execute-api' | 'console' | 'codedeploy' | 'events';

const TARGET_PREFIXES: ReadonlyArray<[string, ServiceName]> = [
  ['AWSStepFunctions.', 'states'],
  ['Logs_20140328.', 'logs'],
  ['GraniteServiceVersion20100801.', 'monitoring'],
  ['CodeDeploy_20141006.', 'codedeploy'],
  ['AWSEvents.', 'events'],
];

const SCOPE_SERVICES: Record<string, ServiceName> = {
  lambda: 'lambda',
  states: 'states',
  logs: 'logs',
  monitoring: 'monitoring',
  apigateway: 'apigateway',
  'execute-api': 'execute-api',
  codedeploy: 'codedeploy',
  events: 'events',
};

const PATH_PREFIXES: ReadonlyArray<[RegExp, ServiceName]> = [
  [/^\/20\d\d-\d\d-\d\d\/(functions|tags|account-settings|event-source-mappings|layers)/, 'lambda'],
  [/^\/_aws\/lambda\//, 'lambda'],
  [/^\/(restapis|apikeys|usageplans|account|domainnames|clientcertificates|vpclinks|tags)(\/|$)/, 'apigateway'],
];

const V2_PATH = /^\/v2\/(apis|tags)(\/|$)/;

const CREDENTIAL_SCOPE = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

export interface Route {
  service: ServiceName | undefined;
  region: string | undefined;
}

export function resolveRoute(req: HttpRequest, path: string): Route {
  const host = req.headers.host ?? '';
  if (path.startsWith('/_aws/execute-api/') || /\.execute-api\./.test(host)) {
    return { service: 'execute-api', region: undefined };
  }
  if (path === '/_nimbus' || path.startsWith('/_nimbus/')) return { service: 'console', region: undefined };
  if (path.startsWith('/_aws/lambda-url/') || /^[a-z0-9]+\.lambda-url\./.test(host)) return { service: 'lambda-url', region: undefined };

  const auth = req.headers.authorization;
  const scope = typeof auth === 'string' ? CREDENTIAL_SCOPE.exec(auth) : null;
  const region = scope?.[1];

  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') {
    for (const [prefix, service] of TARGET_PREFIXES) {
      if (target.startsWith(prefix)) return { service, region };
    }
  }
  // apigatewayv2 signs as `apigateway` too: its `/v2/` paths tell the two apart.
  if (V2_PATH.test(path)) return { service: 'apigatewayv2', region };
  const scoped = scope?.[2] ? SCOPE_SERVICES[scope[2]] : undefined;
  if (scoped) return { service: scoped, region };
  for (const [pattern, service] of PATH_PREFIXES) {
    if (pattern.test(path)) return { service, region };
  }
  return { service: undefined, region };
}

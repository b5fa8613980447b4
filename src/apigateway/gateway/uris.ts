// Integration and authorizer URIs: `${stageVariables.x}` substitution, the Lambda function inside
// `arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{fn}/invocations`, and AWS service
// URIs `arn:aws:apigateway:{region}:{service}:action/{Action}` or `:path/{path}`.
import { decodeOrKeep } from '../../protocol/http.js';

const STAGE_VAR = /\$\{stageVariables\.([A-Za-z0-9_.:/?#&=,-]+)\}/g;

export function substituteStageVariables(s: string, vars: Readonly<Record<string, string>>): string {
  if (s.indexOf('${') === -1) return s;
  return s.replace(STAGE_VAR, (_, name: string) => vars[name] ?? '');
}

const LAMBDA_URI = /^arn:aws[a-z-]*:apigateway:[^:]+:lambda:path\/+\d{4}-\d{2}-\d{2}\/functions\/(.+)\/invocations$/;

/** The function name or ARN of a Lambda integration/authorizer URI (or a bare function ARN). */
export function functionFromUri(uri: string): string | undefined {
  const m = LAMBDA_URI.exec(uri);
  if (m) {
    return decodeOrKeep(m[1]!);
  }
  if (/^arn:aws[a-z-]*:lambda:/.test(uri)) return uri;
  return undefined;
}

export interface AwsServiceUri {
  readonly region: string;
  readonly service: string;
  readonly kind: 'action' | 'path';
  /** Action name (`StartExecution`) or path (`2015-03-31/functions/...`). */
  readonly target: string;
}

const SERVICE_URI = /^arn:aws[a-z-]*:apigateway:([^:]+):([^:]+):(action|path)\/(.+)$/;

export function parseAwsServiceUri(uri: string): AwsServiceUri | undefined {
  const m = SERVICE_URI.exec(uri);
  if (!m) return undefined;
  const parts = m[2]!.split('.'); // `states` or `{subdomain}.{service}`
  const service = parts[parts.length - 1]!;
  return { region: m[1]!, service, kind: m[3] as 'action' | 'path', target: m[4]! };
}

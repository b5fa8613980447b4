// Gateway responses: how a data-plane failure reaches the client. The deployment's effective
// gateway response for the failure's type (falling back to DEFAULT_4XX / DEFAULT_5XX) gives the
// status, headers (`gatewayresponse.header.X` ← literal / request value / stage variable / context)
// and body template (default `{"message":$context.error.messageString}`).
import { DEFAULT_STATUS } from '../core/gateway-responses.js';
import type { GatewayResponse, GatewayResponseType } from '../core/model.js';
import { makeInput, renderTemplate, util } from '../vtl/index.js';
import { header, type Call } from './call.js';
import { templateContext } from './context-vars.js';
import type { GatewayError } from './errors.js';
import { templateParams } from './mapping.js';

export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function defaultBody(message: string | null): string {
  return `{"message":${JSON.stringify(message)}}`;
}

function effective(call: Call | undefined, type: GatewayResponseType, status: number): GatewayResponse | undefined {
  const all = call?.deployment?.gatewayResponses;
  if (!all) return undefined;
  const specific = all[type];
  // A type the user never customised inherits a customised DEFAULT_4XX/5XX.
  if (specific && !specific.defaultResponse) return specific;
  const fallback = all[status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX'];
  if (fallback && !fallback.defaultResponse) {
    return specific ? { ...fallback, statusCode: specific.statusCode } : fallback;
  }
  return specific;
}

function paramSource(call: Call, expr: string): string | undefined {
  if (expr.length >= 2 && expr.startsWith("'") && expr.endsWith("'")) return expr.slice(1, -1);
  if (expr.startsWith('method.request.header.')) return header(call, expr.slice(22));
  if (expr.startsWith('method.request.querystring.')) return call.query.single[expr.slice(27)];
  if (expr.startsWith('method.request.path.')) return call.pathParameters?.[expr.slice(20)];
  if (expr.startsWith('stageVariables.')) return call.stageVariables?.[expr.slice(15)];
  if (expr.startsWith('context.')) {
    let cur: unknown = templateContext(call);
    for (const part of expr.slice(8).split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
    return cur === undefined || cur === null ? undefined : String(cur);
  }
  return undefined;
}

export function renderGatewayError(call: Call | undefined, err: GatewayError): RenderedError {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (err.errorType) headers['x-amzn-ErrorType'] = err.errorType;
  const gr = effective(call, err.responseType, err.statusCode);
  if (!gr || !call) return { status: err.statusCode, headers, body: defaultBody(err.errorMessage) };
  // A status equal to the type's documented default is what GetGatewayResponse shows when none was
  // chosen; on the wire the failure keeps its own (recorded: INTEGRATION_FAILURE put without a
  // status lists 504 but answers 500).
  const chosen = gr.statusCode !== undefined && gr.statusCode !== DEFAULT_STATUS[err.responseType] ? gr.statusCode : undefined;
  const status = chosen ? Number.parseInt(chosen, 10) || err.statusCode : err.statusCode;
  for (const [target, expr] of Object.entries(gr.responseParameters)) {
    if (!target.startsWith('gatewayresponse.header.')) continue;
    const v = paramSource(call, expr);
    if (v !== undefined) headers[target.slice(23)] = v;
  }
  const templates = gr.responseTemplates;
  const type = templates['application/json'] !== undefined ? 'application/json' : Object.keys(templates)[0];
  let body = defaultBody(err.errorMessage);
  if (type !== undefined) {
    headers['Content-Type'] = type;
    try {
      body = renderTemplate(templates[type]!, {
        input: makeInput(call.body.toString('utf8'), templateParams(call)),
        context: templateContext(call, {
          message: err.errorMessage,
          responseType: err.responseType,
          ...(err.validationErrorString !== undefined ? { validationErrorString: err.validationErrorString } : {}),
        }),
        stageVariables: call.stageVariables ?? {},
        util,
      });
    } catch {
      body = defaultBody(err.errorMessage);
    }
  }
  return { status, headers, body };
}

// Non-proxy data mapping: integration request parameters (`integration.request.*` from
// `method.request.*`, literals, stage variables, context), request/response template selection with
// passthroughBehavior, and method response parameters (`method.response.header.*`).
import type { Integration, IntegrationResponse } from '../core/model.js';
import { isLiteralTemplate, makeInput, renderTemplate, TemplateError, util, type TemplateParams } from '../vtl/index.js';
import { evaluatePath } from '../vtl/jsonpath.js';
import { contentType, header, type Call } from './call.js';
import { templateContext } from './context-vars.js';
import { configurationError, unsupportedMediaType } from './errors.js';

/** Request parameters as templates see them (`$input.params()`): decoded path, query, headers. */
export function templateParams(call: Call): TemplateParams {
  return {
    path: (call.pathParameters ?? {}) as Record<string, string>,
    querystring: call.query.single,
    header: call.headers.single,
  };
}

function contextValue(ctx: Record<string, unknown>, dotted: string): string | undefined {
  let cur: unknown = ctx;
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? undefined : String(cur);
}

function bodyPath(body: string, path: string): string | undefined {
  let root: unknown;
  try {
    root = JSON.parse(body.length === 0 ? '{}' : body);
  } catch {
    return undefined;
  }
  const r = evaluatePath(root, path);
  if (!r.found) return undefined;
  return typeof r.value === 'string' ? r.value : JSON.stringify(r.value);
}

/** Evaluates one mapping expression against the method request. */
function requestSource(call: Call, expr: string, ctx: () => Record<string, unknown>): string | string[] | undefined {
  if (expr.length >= 2 && expr.startsWith("'") && expr.endsWith("'")) return expr.slice(1, -1);
  if (expr.startsWith('method.request.path.')) return call.pathParameters?.[expr.slice(20)];
  if (expr.startsWith('method.request.querystring.')) return call.query.single[expr.slice(27)];
  if (expr.startsWith('method.request.multivaluequerystring.')) return call.query.multi[expr.slice(37)];
  if (expr.startsWith('method.request.header.')) return header(call, expr.slice(22));
  if (expr.startsWith('method.request.multivalueheader.')) {
    const name = expr.slice(32).toLowerCase();
    for (const k in call.headers.multi) if (k.toLowerCase() === name) return call.headers.multi[k];
    return undefined;
  }
  if (expr === 'method.request.body') return call.body.toString('utf8');
  if (expr.startsWith('method.request.body.')) return bodyPath(call.body.toString('utf8'), '$.' + expr.slice(20));
  if (expr.startsWith('stageVariables.')) return call.stageVariables?.[expr.slice(15)];
  if (expr.startsWith('context.')) return contextValue(ctx(), expr.slice(8));
  return undefined;
}

export interface MappedRequest {
  readonly headers: Record<string, string | string[]>;
  readonly querystring: Record<string, string | string[]>;
  readonly path: Record<string, string>;
}

export function mapRequestParameters(call: Call, integration: Integration): MappedRequest {
  const out: MappedRequest = { headers: {}, querystring: {}, path: {} };
  let ctx: Record<string, unknown> | undefined;
  const lazyCtx = () => (ctx ??= templateContext(call));
  for (const [target, expr] of Object.entries(integration.requestParameters)) {
    const value = requestSource(call, expr, lazyCtx);
    if (value === undefined) continue;
    if (target.startsWith('integration.request.header.')) out.headers[target.slice(27)] = value;
    else if (target.startsWith('integration.request.querystring.')) out.querystring[target.slice(32)] = value;
    else if (target.startsWith('integration.request.path.')) out.path[target.slice(25)] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

export interface RenderedRequest {
  readonly body: Buffer;
  /** The body as text when a template made it (spares decoding it again). */
  readonly text?: string;
  /** `$context.requestOverride` set by the template. */
  readonly overrides?: { header: Record<string, unknown>; querystring: Record<string, unknown>; path: Record<string, unknown> };
}

/**
 * Applies the request template chosen by content type, or passes the body through as
 * passthroughBehavior allows (415 otherwise).
 */
export function renderRequest(call: Call, integration: Integration): RenderedRequest {
  const templates = integration.requestTemplates;
  const ct = contentType(call);
  let template = templates[ct];
  if (template === undefined) {
    const names = Object.keys(templates);
    const behavior = integration.passthroughBehavior;
    if (behavior === 'NEVER') throw unsupportedMediaType();
    if (behavior === 'WHEN_NO_TEMPLATES' && names.length > 0) throw unsupportedMediaType();
    // WHEN_NO_MATCH (or no templates at all): the body goes through untouched.
    return { body: call.body };
  }
  if (template.length === 0) return { body: Buffer.alloc(0), text: '' };
  if (isLiteralTemplate(template)) return { body: literalBody(template), text: template };
  const context = templateContext(call);
  const out = render(template, call, context, call.body.toString('utf8'));
  const ro = context['requestOverride'] as RenderedRequest['overrides'];
  return { body: Buffer.from(out), text: out, overrides: ro };
}

function render(template: string, call: Call, context: Record<string, unknown>, payload: string): string {
  try {
    return renderTemplate(template, {
      input: makeInput(payload, templateParams(call)),
      context,
      stageVariables: call.stageVariables ?? {},
      util,
    });
  } catch (err) {
    if (err instanceof TemplateError) throw configurationError();
    throw err;
  }
}

/** Integrations are immutable snapshot parts: their response list is computed once. */
const responseLists = new WeakMap<Integration, IntegrationResponse[]>();

/**
 * Picks the integration response: the first whose selectionPattern fully matches `subject`
 * (Lambda errorMessage, HTTP status code), else the default one (no pattern).
 */
export function selectIntegrationResponse(
  integration: Integration,
  subject: string | undefined,
): IntegrationResponse | undefined {
  let fallback: IntegrationResponse | undefined;
  let list = responseLists.get(integration);
  if (!list) responseLists.set(integration, (list = Object.values(integration.integrationResponses)));
  for (const r of list) {
    const pattern = r.selectionPattern;
    if (pattern === undefined || pattern === '') {
      fallback ??= r;
      continue;
    }
    if (subject === undefined) continue;
    let re: RegExp;
    try {
      re = compilePattern(pattern);
    } catch {
      continue;
    }
    if (re.test(subject)) return r;
  }
  return fallback;
}

/** A template without `$` or `#` renders as itself: its bytes are made once (bodies are never mutated). */
const literals = new Map<string, Buffer>();
function literalBody(template: string): Buffer {
  let body = literals.get(template);
  if (!body) {
    body = Buffer.from(template);
    if (literals.size > 5000) literals.clear();
    literals.set(template, body);
  }
  return body;
}

const patterns = new Map<string, RegExp>();
function compilePattern(p: string): RegExp {
  let re = patterns.get(p);
  if (!re) {
    re = new RegExp(`^(?:${p})$`);
    if (patterns.size > 5000) patterns.clear();
    patterns.set(p, re);
  }
  return re;
}

export interface BackendResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
}

export interface MethodResponseOut {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Response template by the client's Accept (when a template exists for it), else application/json, else the first. */
function pickResponseTemplate(call: Call, templates: Readonly<Record<string, string>>): [string, string] | undefined {
  const names = Object.keys(templates);
  if (names.length === 0) return undefined;
  const accept = header(call, 'accept');
  if (accept) {
    for (const part of accept.split(',')) {
      const t = part.split(';', 1)[0]!.trim().toLowerCase();
      if (templates[t] !== undefined) return [t, templates[t]!];
    }
  }
  if (templates['application/json'] !== undefined) return ['application/json', templates['application/json']!];
  return [names[0]!, templates[names[0]!]!];
}

/** Shapes the method response from a non-proxy integration response. */
export function renderResponse(call: Call, chosen: IntegrationResponse, backend: BackendResult): MethodResponseOut {
  const status = Number.parseInt(chosen.statusCode, 10);
  const headers: Record<string, string> = {};
  let body = backend.body;
  // Only a rendered template can set $context.responseOverride; literal ones skip the context.
  let context: Record<string, unknown> | undefined;
  const picked = pickResponseTemplate(call, chosen.responseTemplates);
  if (picked) {
    const [type, template] = picked;
    headers['Content-Type'] = type;
    if (template.length > 0) {
      if (isLiteralTemplate(template)) body = literalBody(template);
      else body = Buffer.from(render(template, call, (context = templateContext(call)), backend.body.toString('utf8')));
    }
  } else {
    const ct = backend.headers['content-type'] ?? backend.headers['Content-Type'];
    headers['Content-Type'] = (Array.isArray(ct) ? ct[0] : ct) ?? 'application/json';
  }
  for (const [target, expr] of Object.entries(chosen.responseParameters)) {
    if (!target.startsWith('method.response.header.')) continue;
    const v = responseSource(call, expr, backend);
    if (v !== undefined) headers[target.slice(23)] = v;
  }
  let finalStatus = Number.isInteger(status) ? status : 200;
  if (!context) return { status: finalStatus, headers, body };
  const override = context['responseOverride'] as { status?: unknown; header: Record<string, unknown> };
  const os = Number(override.status);
  if (override.status !== undefined && Number.isInteger(os) && os >= 100 && os <= 599) finalStatus = os;
  for (const [k, v] of Object.entries(override.header)) if (v !== undefined && v !== null) headers[k] = String(v);
  return { status: finalStatus, headers, body };
}

function responseSource(call: Call, expr: string, backend: BackendResult): string | undefined {
  if (expr.length >= 2 && expr.startsWith("'") && expr.endsWith("'")) return expr.slice(1, -1);
  if (expr.startsWith('integration.response.header.')) {
    const want = expr.slice(28).toLowerCase();
    for (const [k, v] of Object.entries(backend.headers)) if (k.toLowerCase() === want) return Array.isArray(v) ? v[v.length - 1] : v;
    return undefined;
  }
  if (expr.startsWith('integration.response.multivalueheader.')) {
    const want = expr.slice(38).toLowerCase();
    for (const [k, v] of Object.entries(backend.headers)) if (k.toLowerCase() === want) return Array.isArray(v) ? v.join(',') : v;
    return undefined;
  }
  if (expr === 'integration.response.body') return backend.body.toString('utf8');
  if (expr.startsWith('integration.response.body.')) return bodyPath(backend.body.toString('utf8'), '$.' + expr.slice(26));
  if (expr.startsWith('stageVariables.')) return call.stageVariables?.[expr.slice(15)];
  if (expr.startsWith('context.')) return contextValue(templateContext(call), expr.slice(8));
  return undefined;
}

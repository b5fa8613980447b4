// $input for a mapping template: the payload (request or integration response body) and the
// request parameters. The body is parsed as JSON at most once, and only if a template asks.
import { hostObject } from './engine.js';
import { evaluatePath } from './jsonpath.js';
import { markJson } from './java.js';

export interface TemplateParams {
  readonly path: Readonly<Record<string, string>>;
  readonly querystring: Readonly<Record<string, string>>;
  readonly header: Readonly<Record<string, string>>;
}

export const EMPTY_PARAMS: TemplateParams = Object.freeze({
  path: Object.freeze({}),
  querystring: Object.freeze({}),
  header: Object.freeze({}),
});

export interface TemplateInput {
  readonly body: string;
  json(path?: string): string;
  path(path?: string): unknown;
  params(name?: string): unknown;
}

/**
 * Builds `$input`. An empty payload reads as `{}` (AWS substitutes it for `$input.body` and
 * JSONPath), so `"input": "$util.escapeJavaScript($input.json('$'))"` still yields valid JSON.
 */
export function makeInput(payload: string, params: TemplateParams): TemplateInput {
  const text = payload.length === 0 ? '{}' : payload;
  let parsed: { ok: boolean; value: unknown } | undefined;
  const root = (): { ok: boolean; value: unknown } => {
    if (!parsed) {
      try {
        parsed = { ok: true, value: markJson(JSON.parse(text) as unknown) };
      } catch {
        // A non-JSON payload has no JSONPath view; AWS renders such lookups empty.
        parsed = { ok: false, value: undefined };
      }
    }
    return parsed;
  };
  const lookup = (path: unknown): { found: boolean; value: unknown } => {
    const r = root();
    if (!r.ok) return { found: false, value: undefined };
    return evaluatePath(r.value, typeof path === 'string' ? path : '$');
  };
  return hostObject({
    body: text,
    json(path?: string): string {
      const r = lookup(path);
      return r.found ? JSON.stringify(r.value ?? null) : '';
    },
    path(path?: string): unknown {
      const r = lookup(path);
      return r.found ? r.value : null;
    },
    params(name?: string): unknown {
      if (name === undefined || name === null) return params;
      const key = String(name);
      // AWS looks the name up in path, then query string, then headers.
      if (Object.hasOwn(params.path, key)) return params.path[key];
      if (Object.hasOwn(params.querystring, key)) return params.querystring[key];
      const header = params.header[key] ?? findHeader(params.header, key);
      return header ?? '';
    },
  });
}

/** Header lookups are case-insensitive in AWS. */
function findHeader(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const k in headers) if (k.toLowerCase() === lower) return headers[k];
  return undefined;
}

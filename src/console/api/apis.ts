// The APIs page's JSON: REST APIs with resources and methods, stages with their deployments and
// canary settings, API keys and usage plans with this month's usage, and a request tester that
// sends a real request through the data plane (so throttles, keys and quotas apply).
import { request } from 'undici';
import type { RequestContext } from '../../server/context.js';
import { restClient } from '../aws-client.js';
import type { ConsoleDeps } from '../deps.js';
import { BadRequest } from '../errors.js';
import { Body } from '../input.js';
import type { Router } from '../router.js';

const API_ID = /^[a-z0-9]{1,32}$/;
const STAGE = /^[a-zA-Z0-9_-]{1,128}$/;
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const MAX_RESPONSE = 1024 * 1024;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;

interface Page<T> { item?: T[]; position?: string }

function apiId(raw: string | undefined): string {
  if (raw === undefined || !API_ID.test(raw)) throw BadRequest('Malformed API id');
  return raw;
}

function client(deps: ConsoleDeps, ctx: RequestContext) {
  return restClient(deps.endpoint, 'apigateway', ctx.region);
}

/** Follows `position` paging of an API Gateway list call. */
async function all<T>(c: ReturnType<typeof client>, path: string): Promise<T[]> {
  const out: T[] = [];
  let position: string | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await c.call<Page<T>>('GET', `${path}${sep}limit=500${position ? `&position=${encodeURIComponent(position)}` : ''}`);
    out.push(...(page.item ?? []));
    position = page.position;
  } while (position && out.length < 10_000);
  return out;
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function registerApiRoutes(router: Router, deps: ConsoleDeps): void {
  router.on('GET', 'apis', async (ctx) => ({ apis: await all(client(deps, ctx), '/restapis') }));

  router.on('GET', 'apis/:id', async (ctx, p) => {
    const id = apiId(p.id);
    const c = client(deps, ctx);
    const [api, resources, stages, deployments] = await Promise.all([
      c.call('GET', `/restapis/${id}`),
      all<Record<string, unknown>>(c, `/restapis/${id}/resources?embed=methods`),
      c.call<Page<Record<string, unknown>>>('GET', `/restapis/${id}/stages`),
      all<Record<string, unknown>>(c, `/restapis/${id}/deployments`),
    ]);
    resources.sort((a, b) => String(a.path).localeCompare(String(b.path)));
    return { api, resources, stages: stages.item ?? [], deployments };
  });

  // Keys and plans of the account with each plan's usage (per key, per day) for the current month.
  router.on('GET', 'usage', async (ctx) => {
    const c = client(deps, ctx);
    const [keys, plans] = await Promise.all([
      all<Record<string, unknown>>(c, '/apikeys'),
      all<Record<string, unknown>>(c, '/usageplans'),
    ]);
    const now = Date.now();
    const d = new Date(now);
    const startDate = utcDay(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
    const endDate = utcDay(now);
    const usage = await Promise.all(
      plans.map(async (plan) => {
        // GetUsage's wire field is `values` (the SDKs call it `items`): keyId → [used, remaining] per day.
        const u = await c.call<{ values?: Record<string, number[][]> }>(
          'GET', `/usageplans/${encodeURIComponent(String(plan.id))}/usage?startDate=${startDate}&endDate=${endDate}`);
        const planKeys = await all<Record<string, unknown>>(c, `/usageplans/${encodeURIComponent(String(plan.id))}/keys`);
        return { usagePlanId: plan.id, startDate, endDate, items: u.values ?? {}, keys: planKeys };
      }),
    );
    return { apiKeys: keys, usagePlans: plans, usage };
  });

  router.on('POST', 'apis/:id/test', async (ctx, p) => {
    const id = apiId(p.id);
    const body = await Body.read(ctx);
    const stage = body.str('stage', true, { pattern: STAGE });
    const method = (body.str('method', false) ?? 'GET').toUpperCase();
    if (!METHODS.has(method)) throw BadRequest(`Unsupported method ${method}`);
    const path = body.str('path', false, { max: 8192 }) ?? '/';
    if (!path.startsWith('/') || /\s/.test(path)) throw BadRequest("'path' must start with / and contain no spaces");
    const headers = body.strMap('headers') ?? {};
    for (const [k, v] of Object.entries(headers)) {
      if (!HEADER_NAME.test(k) || /[\r\n]/.test(v)) throw BadRequest(`Malformed header ${k}`);
    }
    const payload = body.str('body', false, { max: 10 * 1024 * 1024 });
    if (payload !== undefined && (method === 'GET' || method === 'HEAD')) throw BadRequest(`${method} requests have no body`);
    const url = `${deps.endpoint()}/_aws/execute-api/${id}/${stage}${path}`;
    const started = performance.now();
    const res = await request(url, { method: method as 'GET', headers, ...(payload !== undefined ? { body: payload } : {}) });
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    for await (const chunk of res.body) {
      const b = chunk as Buffer;
      if (size + b.length > MAX_RESPONSE) {
        truncated = true;
        chunks.push(b.subarray(0, MAX_RESPONSE - size));
        size = MAX_RESPONSE;
        break;
      }
      chunks.push(b);
      size += b.length;
    }
    if (truncated) res.body.destroy();
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;
    const responseHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) responseHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
    return { url, status: res.statusCode, headers: responseHeaders, body: Buffer.concat(chunks).toString('utf8'), truncated, latencyMs };
  });
}

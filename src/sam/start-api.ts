// `nimbus local start-api`: the template's REST and HTTP APIs on a local port. A private in-process Nimbus
// (temporary data dir) gets the whole stack; a small proxy serves `http://host:port/<path>` from the
// matching API's stage, as `sam local start-api` does. Source changes redeploy the stack (rebuilding
// first when the built template is used), so the next request runs the new code; stopping stops
// Nimbus and with it every function process.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, mkdtempSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { GetResourcesCommand } from '@aws-sdk/client-api-gateway';
import { GetRoutesCommand } from '@aws-sdk/client-apigatewayv2';
import { guarded, overridesOption, templateOption, type Io } from './cli-io.js';
import { makeClients, type Clients } from './deploy/clients.js';
import { deployStack, describe } from './deploy/deployer.js';
import { projectDir, type StackRecord } from './deploy/stack-store.js';
import { buildTemplate } from './build.js';
import { startSchedules, type ScheduleRunner } from './scheduler.js';
import { readEnvVars } from './commands.js';

export interface StartApiOptions {
  port: number;
  host: string;
  templateFile?: string;
  parameterOverrides?: string[];
  /** `--env-vars` JSON file (sam's format). */
  envVars?: string;
  cwd?: string;
}

interface Route {
  apiId: string;
  /** Empty for an HTTP API's `$default` stage, which has no stage segment in its URL. */
  stage: string;
  method: string;
  pattern: RegExp;
  path: string;
}

/** `/items/{id}` and `/files/{proxy+}` as a regular expression over request paths. */
export function pathPattern(path: string): RegExp {
  const parts = path.split('/').map((seg) => {
    if (/^\{[^}]+\+\}$/.test(seg)) return '.+';
    if (/^\{[^}]+\}$/.test(seg)) return '[^/]+';
    return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('/')}/?$`);
}

export interface RunningApi {
  url: string;
  /** Redeploys now (what a file change triggers); resolves when the new code serves. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/** Every method of every deployed API stage: stages are Stage resources, or Deployments with a
 * StageName (raw CloudFormation templates). The methods come from the API itself, so APIs built from
 * AWS::ApiGateway::Resource/Method are served as well as those imported from an OpenAPI body. */
async function routesOf(record: StackRecord, clients: Clients): Promise<Route[]> {
  const routes: Route[] = [];
  const stages: Array<{ apiId: string; stage: string }> = [];
  for (const rec of Object.values(record.resources)) {
    if (rec.type === 'AWS::ApiGateway::Stage') stages.push({ apiId: String(rec.properties.RestApiId), stage: rec.physicalId });
    else if (rec.type === 'AWS::ApiGateway::Deployment' && typeof rec.properties.StageName === 'string' && rec.properties.StageName) {
      stages.push({ apiId: String(rec.properties.RestApiId), stage: rec.properties.StageName });
    }
  }
  for (const { apiId, stage } of stages) {
    let position: string | undefined;
    do {
      const page = await clients.apigw.send(new GetResourcesCommand({ restApiId: apiId, limit: 500, position }));
      for (const r of page.items ?? []) {
        if (!r.path) continue;
        const re = pathPattern(r.path);
        for (const verb of Object.keys(r.resourceMethods ?? {})) routes.push({ apiId, stage, method: verb.toUpperCase(), pattern: re, path: r.path });
      }
      position = page.position;
    } while (position);
  }
  return [...routes, ...(await httpRoutesOf(record, clients))];
}

/** The routes of every HTTP API stage of the stack; `$default` routes come last, as catch-alls. */
async function httpRoutesOf(record: StackRecord, clients: Clients): Promise<Route[]> {
  const routes: Route[] = [];
  const fallbacks: Route[] = [];
  // WebSocket APIs route messages, not HTTP requests: they have nothing to serve here.
  const websocketApis = new Set(
    Object.values(record.resources).filter((r) => r.type === 'AWS::ApiGatewayV2::Api' && r.properties.ProtocolType === 'WEBSOCKET').map((r) => r.physicalId),
  );
  for (const rec of Object.values(record.resources)) {
    if (rec.type !== 'AWS::ApiGatewayV2::Stage') continue;
    const apiId = String(rec.properties.ApiId);
    if (websocketApis.has(apiId)) continue;
    const stage = rec.physicalId === '$default' ? '' : rec.physicalId;
    let token: string | undefined;
    do {
      const page = await clients.apigwv2.send(new GetRoutesCommand({ ApiId: apiId, NextToken: token }));
      for (const r of page.Items ?? []) {
        const key = r.RouteKey ?? '';
        const space = key.indexOf(' ');
        if (space === -1) fallbacks.push({ apiId, stage, method: 'ANY', pattern: /^\/.*$/, path: '/{proxy+} ($default)' });
        else routes.push({ apiId, stage, method: key.slice(0, space), pattern: pathPattern(key.slice(space + 1)), path: key.slice(space + 1) });
      }
      token = page.NextToken;
    } while (token);
  }
  return [...routes, ...fallbacks];
}

export async function startApi(opts: StartApiOptions, io: Io): Promise<RunningApi> {
  const templatePath = templateOption(opts.templateFile, opts.cwd);
  const overrides = overridesOption(opts.parameterOverrides);
  const project = projectDir(templatePath);
  const built = templatePath.includes(`${sep}.nimbus-sam${sep}build${sep}`);
  const sourceTemplate = built ? join(project, 'template.yaml') : templatePath;
  const scratch = mkdtempSync(join(tmpdir(), 'nimbus-start-api-'));
  const { startNimbus } = await import('../server/nimbus.js');
  const nimbus = await startNimbus({ port: 0, host: '127.0.0.1', dataDir: join(scratch, 'data'), log: () => undefined });
  const clients: Clients = makeClients(nimbus.endpoint);
  let routes: Route[] = [];
  const deploy = async () => {
    if (built && existsSync(sourceTemplate)) await buildTemplate(sourceTemplate, { out: () => undefined, err: io.err });
    const res = await deployStack({
      templatePath, stackName: 'local-api', overrides, clients, log: () => undefined, notice: io.err, skipUnsupported: true, project: scratch, envVars: readEnvVars(opts.envVars),
    });
    routes = await routesOf(res.record, clients);
    // Schedules on state machines fire while the local API runs (function targets fire inside Nimbus).
    schedules?.stop();
    schedules = startSchedules({ clients, record: res.record, log: io.err });
  };
  let schedules: ScheduleRunner | undefined;
  let server: Server | undefined;
  let watcher: FSWatcher | undefined;
  try {
    await deploy();
    server = createServer((req, res) => void proxy(req, res));
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(opts.port, opts.host, () => resolve());
    });
  } catch (err) {
    schedules?.stop();
    clients.destroy();
    await nimbus.stop();
    rmSync(scratch, { recursive: true, force: true });
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${opts.host}:${port}`;

  async function proxy(req: IncomingMessage, res: ServerResponse) {
    const rawUrl = req.url ?? '/';
    const path = rawUrl.split('?', 1)[0]!;
    const method = (req.method ?? 'GET').toUpperCase();
    const route = routes.find((r) => r.pattern.test(path) && (r.method === method || r.method === 'ANY')) ?? routes.find((r) => r.pattern.test(path));
    if (!route) {
      res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-ErrorType': 'MissingAuthenticationTokenException' });
      res.end(JSON.stringify({ message: 'Missing Authentication Token' }));
      return;
    }
    try {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && k !== 'host' && k !== 'connection') headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const upstream = await request(`${nimbus.endpoint}/_aws/execute-api/${route.apiId}${route.stage ? `/${route.stage}` : ''}${rawUrl}`, {
        method: method as 'GET',
        headers,
        body: method === 'GET' || method === 'HEAD' ? undefined : req,
      });
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(upstream.headers)) if (v !== undefined && k !== 'connection' && k !== 'transfer-encoding') out[k] = v;
      res.writeHead(upstream.statusCode, out);
      for await (const chunk of upstream.body) res.write(chunk);
      res.end();
    } catch (err) {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `Nimbus local start-api: ${(err as Error).message}` }));
    }
  }

  // Redeploys are serialized; changes during a redeploy schedule exactly one more.
  let running: Promise<void> = Promise.resolve();
  let pending = false;
  const reload = () => {
    if (pending) return running;
    pending = true;
    running = running.then(async () => {
      pending = false;
      try {
        await deploy();
        io.err(`Reloaded after a change (${new Date().toISOString()})`);
      } catch (err) {
        io.err(`Reload failed: ${describe(err)}`);
      }
    });
    return running;
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    watcher = watch(dirname(sourceTemplate), { recursive: true }, (_event, file) => {
      if (!isSourceChange(String(file ?? ''))) return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), 200);
    });
  } catch {
    io.err('Warning: cannot watch the project folder; restart to pick up code changes');
  }
  for (const r of routes) io.err(`Mounted ${r.method.padEnd(7)} ${url}${r.path}`);
  return {
    url,
    reload,
    async stop() {
      clearTimeout(timer);
      watcher?.close();
      schedules?.stop();
      const closed = new Promise<void>((r) => server!.close(() => r()));
      // Keep-alive clients would otherwise hold close() open.
      server!.closeAllConnections();
      await closed;
      await running;
      clients.destroy();
      await nimbus.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

export async function startApiCommand(opts: StartApiOptions, io: Io): Promise<number> {
  let api: RunningApi | undefined;
  const code = await guarded(io, async () => {
    api = await startApi(opts, io);
    io.out(`Running on ${api.url} (CTRL+C to quit)`);
  });
  if (!api) return code;
  const running = api;
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      running.stop().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

/**
 * Whether a changed file (relative to the project) can change what is served. Not hidden files or
 * folders (.git, .nimbus-sam, editors' state), installed packages, caches, or logs: a server whose
 * output is redirected into the project would otherwise reload on every line it writes.
 */
export function isSourceChange(file: string): boolean {
  const parts = file.split(/[\\/]/);
  if (parts.some((p) => p.startsWith('.') || p === 'node_modules' || p === '__pycache__')) return false;
  return !file.endsWith('.log');
}

// The Lambda service: control plane, Invoke, the asynchronous queue and execution environments.
// Other services reach Lambda only through the `LambdaInvoker` this returns.
import { createReadStream, existsSync } from 'node:fs';
import type { Platform } from '../server/compose.js';
import type { RequestContext, Service } from '../server/context.js';
import { ServiceError } from '../protocol/errors.js';
import { createEnvironmentPool, installRuntime, runtimeAvailability } from './environments/index.js';
import type { EnvironmentPool, LogSink } from './environments/types.js';
import type { LambdaInvoker } from './invoker.js';
import { dispatchLambda } from './api/dispatch.js';
import { AsyncInvocationQueue } from './core/async-queue.js';
import { CodeStore } from './core/code-store.js';
import { ConcurrencyLimiter } from './core/concurrency.js';
import { FunctionRegistry } from './core/functions.js';
import { InvokeCore } from './core/invoke.js';
import { ProvisionedConcurrency } from './core/provisioned.js';
import { FunctionUrls } from './urls/registry.js';
import { createFunctionUrlService } from './urls/service.js';
import { lambdaMetrics, type MetricSink } from './core/metrics.js';
import { LambdaRepository } from './core/repository.js';
import { LayerRepository } from './core/layer-repository.js';
import { LayerRegistry } from './core/layers.js';
import { InvalidParameterValue } from './errors.js';

export type { LambdaInvoker, LambdaInvokeInput, LambdaInvokeOutput } from './invoker.js';
export type { MetricSink } from './core/metrics.js';

export interface LambdaServiceOptions {
  readonly logSink: LogSink;
  /** Where AWS/Lambda metrics go. */
  readonly metrics?: MetricSink;
  /** Delay before asynchronous retry n is n × this (default one minute, as Lambda). */
  readonly asyncRetryBaseMs?: number;
  /** Environments idle this long are stopped (default 5 minutes). */
  readonly idleTimeoutMs?: number;
}

export interface LambdaService {
  readonly service: Service;
  /** The function URL endpoints (their own front-door service). */
  readonly urlService: Service;
  readonly invoker: LambdaInvoker;
  readonly registry: FunctionRegistry;
}

const CODE_PATH = /^\/_aws\/lambda\/code\/([0-9a-f]{64})\.zip$/;

export function createLambdaService(platform: Platform, options: LambdaServiceOptions): LambdaService {
  const repo = new LambdaRepository(platform.store, platform.secrets);
  const code = new CodeStore(platform.dataDir);
  const layers = new LayerRegistry(new LayerRepository(platform.store), code);
  let pool: EnvironmentPool | undefined;
  const announced = new WeakSet<Promise<void>>(); // runtime installs already logged
  const registry = new FunctionRegistry(repo, code, platform.options.accountConcurrency, {
    prepareRuntime(runtime) {
      const availability = runtimeAvailability(runtime, platform.dataDir);
      if (availability.ok) return undefined;
      const install = installRuntime(runtime, platform.dataDir);
      if (!install) throw InvalidParameterValue(availability.reason);
      if (!announced.has(install)) {
        announced.add(install);
        platform.log(`lambda: fetching a Node.js binary for ${runtime} from npm; its functions stay Pending until then`);
      }
      return install;
    },
    retire(scope, name) {
      void pool?.retire(scope.accountId, scope.region, name);
    },
  }, layers);
  const limiter = new ConcurrencyLimiter(platform.options.accountConcurrency, (a, r) => registry.totalReserved(a, r));
  const poolProxy: EnvironmentPool = {
    invoke: (request) => pool!.invoke(request),
    retire: (a, r, n) => pool?.retire(a, r, n) ?? Promise.resolve(),
    describeLimits: () => pool?.describeLimits() ?? '',
    provision: (owner, image, count, retry) => pool?.provision(owner, image, count, retry) ?? { allocated: 0, available: 0 },
    provisioned: (owner) => pool?.provisioned(owner) ?? { allocated: 0, available: 0 },
    close: () => pool?.close() ?? Promise.resolve(),
  };
  const core = new InvokeCore(registry, code, limiter, poolProxy, options.metrics ? lambdaMetrics(options.metrics) : {});
  const queue = new AsyncInvocationQueue(repo, registry, core, {
    retryBaseMs: options.asyncRetryBaseMs ?? 60_000,
    maxParallel: 64,
    log: platform.log,
  });
  core.asyncQueue = queue;
  const provisioned = new ProvisionedConcurrency(platform.store, registry, () => pool, (v) => core.imageFor(v));
  const urls = new FunctionUrls(platform.store, registry);

  const service: Service = {
    name: 'lambda',
    protocol: 'rest-json',
    writesRequestId: true, // Invoke writes it with its own headers; dispatchLambda sets it for the rest
    async handle(ctx: RequestContext) {
      const download = CODE_PATH.exec(ctx.path);
      if (download && ctx.method === 'GET') {
        ctx.res.setHeader('x-amzn-RequestId', ctx.requestId);
        return serveCode(ctx, code.zipPath(download[1]!));
      }
      await dispatchLambda(ctx, { registry, layers, core, provisioned, urls, endpoint: () => platform.endpoint });
    },
    start() {
      // Environments are created once the endpoint is known: functions get it as AWS_ENDPOINT_URL.
      pool = createEnvironmentPool({
        dataDir: platform.dataDir,
        logSink: options.logSink,
        log: platform.log,
        endpointUrl: platform.endpoint,
        ...(options.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
      });
      platform.banner.push(`Lambda: ${pool.describeLimits()}`);
      queue.start();
      provisioned.start();
    },
    async close() {
      queue.close();
      provisioned.close();
      await pool?.close();
    },
  };
  return { service, urlService: createFunctionUrlService({ urls, invoker: () => core }), invoker: core, registry };
}

function serveCode(ctx: RequestContext, path: string): void {
  if (!existsSync(path)) throw new ServiceError('NoSuchKey', 404, 'The specified key does not exist.');
  ctx.res.writeHead(200, { 'Content-Type': 'application/zip' });
  ctx.res.stream(createReadStream(path));
}

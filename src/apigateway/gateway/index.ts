// The API Gateway data plane (`execute-api`): built from the control plane's catalog and a
// LambdaInvoker; exposes the service for the front door and the usage meter GetUsage reads.
import type { Platform } from '../../server/compose.js';
import type { MetricSink } from './metrics.js';
import type { AccessLogSink } from './access-log.js';
import type { Service } from '../../server/context.js';
import type { LambdaInvoker } from '../../lambda/invoker.js';
import type { ApiGatewayCatalog } from '../core/model.js';
import { createAgent } from './backends.js';
import { authorizerStagePrefix } from './authorizer.js';
import { cacheStagePrefix } from './cache.js';
import { Pipeline } from './pipeline.js';
import { createExecuteApiService } from './service.js';
import { SqliteUsageMeter } from './usage.js';

export { SqliteUsageMeter } from './usage.js';

export interface DataPlaneOptions {
  readonly platform: Pick<Platform, 'store' | 'endpoint'>;
  readonly catalog: ApiGatewayCatalog;
  /** The in-process Lambda invoker; a function so the integrator can wire it after construction. */
  readonly invoker: LambdaInvoker | (() => LambdaInvoker | undefined) | undefined;
  /** Where AWS/ApiGateway metrics go. */
  readonly metrics?: MetricSink;
  /** Where stages' access logs go (CloudWatch Logs). */
  readonly accessLogs?: AccessLogSink;
}

export interface DataPlane {
  readonly service: Service;
  readonly meter: SqliteUsageMeter;
  readonly pipeline: Pipeline;
}

export function createApiGatewayDataPlane(options: DataPlaneOptions): DataPlane {
  const { platform, catalog } = options;
  const inv = options.invoker;
  const invoker = typeof inv === 'function' ? inv : () => inv;
  const meter = new SqliteUsageMeter(platform.store, Date.now, (id) => catalog.findUsagePlan(id));
  const agent = createAgent();
  const insecureAgent = createAgent({ insecure: true });
  const pipeline = new Pipeline({ catalog, invoker, meter, agent, insecureAgent, endpoint: () => platform.endpoint });
  const unsubscribe = catalog.subscribe((event) => {
    switch (event.type) {
      case 'flushStageCache':
      case 'stageDeleted':
        pipeline.cache.flush(cacheStagePrefix(event.apiId, event.stageName));
        if (event.type === 'stageDeleted') pipeline.authorizers.flush(authorizerStagePrefix(event.apiId, event.stageName));
        break;
      case 'flushStageAuthorizersCache':
        pipeline.authorizers.flush(authorizerStagePrefix(event.apiId, event.stageName));
        break;
      case 'apiDeleted':
        pipeline.cache.flush(`${event.apiId}/`);
        pipeline.authorizers.flush(`${event.apiId}/`);
        break;
      default:
        break;
    }
  });
  const service = createExecuteApiService(pipeline, {
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.accessLogs ? { accessLogs: options.accessLogs } : {}),
    start: () => meter.start(),
    close: async () => {
      unsubscribe();
      meter.close();
      await agent.close().catch(() => undefined);
      await insecureAgent.close().catch(() => undefined);
    },
  });
  return { service, meter, pipeline };
}

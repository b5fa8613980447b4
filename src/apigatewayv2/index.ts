// API Gateway v2 HTTP and WebSocket APIs (`apigatewayv2`): the only entry point the
// composition root uses. The control plane (core/ + api/) owns the model and the store; the data
// plane (gateway/) reads deployed stages through `HttpApiCatalog` and shares the `execute-api`
// front-door service with the REST API data plane, which serves every other API id. WebSocket APIs'
// handshakes, connections and @connections are served by gateway/websocket/.
import type { Platform } from '../server/compose.js';
import type { Service } from '../server/context.js';
import type { LambdaInvoker } from '../lambda/invoker.js';
import { createAgent, type AccessLogSink } from '../apigateway/index.js';
import { httpApiAccessLog } from './gateway/access-log.js';
import { createControlPlaneService } from './api/service.js';
import { RepositoryCatalog } from './core/catalog.js';
import { HttpApiRepository } from './core/repository.js';
import { createHttpApiDataPlane } from './gateway/service.js';
import { httpApiMetrics, type MetricSink } from './gateway/metrics.js';
import { WebSocketGateway, type WebSocketLimits } from './gateway/websocket/gateway.js';
import { websocketMetrics } from './gateway/websocket/metrics.js';

export type { WebSocketLimits } from './gateway/websocket/gateway.js';

export type { HttpApiCatalog, ServedApi, DeployedStage, Cors } from './core/model.js';
// Lambda's function URLs answer with the same payload 2.0 contract and CORS rules.
export { fromLambdaV2 } from './gateway/responses.js';
export { applyCors, preflightHeaders } from './gateway/cors.js';
export { requestTime } from './gateway/request.js';
export { bodyOf, collectHeaders, collectQuery } from './gateway/events.js';

export interface HttpApisOptions {
  readonly platform: Pick<Platform, 'store' | 'endpoint'>;
  /** A function so the composition root may wire the invoker after construction. */
  readonly invoker: () => LambdaInvoker | undefined;
  /** The REST API data plane: it answers every `execute-api` request that is not for an HTTP API. */
  readonly restDataPlane: Service;
  readonly metrics?: MetricSink;
  /** Where stages' access logs go (CloudWatch Logs). */
  readonly accessLogs?: AccessLogSink;
  /** WebSocket APIs' idle timeout and connection lifetime, AWS's (10 min, 2 h) unless set. */
  readonly websocketLimits?: Partial<WebSocketLimits>;
}

export interface HttpApis {
  readonly controlPlane: Service;
  /** Replaces the REST data plane as the front door's `execute-api` service. */
  readonly dataPlane: Service;
}

/** `http://{apiId}.execute-api.localhost:{port}`: the invoke URL that reaches this Nimbus. */
export function invokeUrl(endpoint: string, apiId: string): string {
  const port = /:(\d+)$/.exec(endpoint)?.[1];
  return `http://${apiId}.execute-api.localhost${port ? `:${port}` : ''}`;
}

export function createHttpApis(options: HttpApisOptions): HttpApis {
  const { platform } = options;
  const repo = new HttpApiRepository(platform.store);
  const dataPlane = createHttpApiDataPlane({
    catalog: new RepositoryCatalog(repo),
    invoker: options.invoker,
    agent: createAgent(),
    endpoint: () => platform.endpoint,
    rest: options.restDataPlane,
    websocket: new WebSocketGateway({
      invoker: options.invoker,
      endpoint: () => platform.endpoint,
      ...(options.websocketLimits ? { limits: options.websocketLimits } : {}),
      ...(options.metrics ? { measure: websocketMetrics(options.metrics) } : {}),
    }),
    ...(options.metrics ? { measure: httpApiMetrics(options.metrics) } : {}),
    ...(options.accessLogs ? { accessLog: httpApiAccessLog(options.accessLogs) } : {}),
  });
  return {
    controlPlane: createControlPlaneService(repo, (apiId) => invokeUrl(platform.endpoint, apiId)),
    dataPlane,
  };
}

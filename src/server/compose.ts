// The composition root: the only place that builds services and wires one to another (through
// each service's index.ts). Everything platform-wide lives in `Platform`.
import { resolve } from 'node:path';
import { Store } from '../store/database.js';
import { SecretBox } from '../store/secrets.js';
import type { Service } from './context.js';
import { createLambdaService } from '../lambda/index.js';
import { createStepFunctionsService, type EventPublisher } from '../stepfunctions/index.js';
import { createLogsService, createMetricsService } from '../cloudwatch/index.js';
import { createApiGatewayControlPlane, createApiGatewayDataPlane } from '../apigateway/index.js';
import { createHttpApis } from '../apigatewayv2/index.js';
import { createConsoleService } from '../console/index.js';
import { createCodeDeployService } from '../codedeploy/index.js';
import { createEventsService } from '../events/index.js';

export interface NimbusOptions {
  port: number;
  host: string;
  dataDir: string;
  /** Account-wide concurrent executions of Lambda functions (AWS default 1000). */
  accountConcurrency?: number;
  log?: (msg: string) => void;
  /** Lambda knobs, mostly for tests: asynchronous retry delay base, environment idle timeout. */
  lambda?: { asyncRetryBaseMs?: number; idleTimeoutMs?: number };
  /** API Gateway's account-level throttle, if raised above AWS's default (10,000 rps, burst 5,000). */
  apiGatewayAccountThrottle?: { rateLimit: number; burstLimit: number };
  /** API Gateway WebSocket APIs' idle timeout and maximum connection duration (AWS: 10 min, 2 h), for tests and demos. */
  websocket?: { idleTimeoutMs?: number; maxConnectionMs?: number };
  /** EventBridge knobs for tests and demos: `clockScale` compresses rate() intervals (600: 1 minute → 100 ms). */
  events?: { clockScale?: number };
}

export interface Platform {
  readonly store: Store;
  readonly secrets: SecretBox;
  readonly dataDir: string;
  readonly options: Required<Pick<NimbusOptions, 'port' | 'host' | 'dataDir' | 'accountConcurrency'>>;
  readonly log: (msg: string) => void;
  /** Set once the server listens: `http://host:port`. */
  endpoint: string;
  /** Lines `nimbus start` prints before its ready line (e.g. how limits are enforced). */
  readonly banner: string[];
}

export async function composeServices(
  options: NimbusOptions & { log: (msg: string) => void },
): Promise<{ platform: Platform; services: Service[] }> {
  const dataDir = resolve(options.dataDir);
  const store = Store.open(dataDir);
  const platform: Platform = {
    store,
    secrets: SecretBox.forDataDir(dataDir),
    dataDir,
    options: {
      port: options.port,
      host: options.host,
      dataDir,
      accountConcurrency: options.accountConcurrency ?? 1000,
    },
    log: options.log,
    endpoint: '',
    banner: [],
  };

  // Wiring, in dependency order. Each service module exports one factory from its index.ts.
  const services: Service[] = [];
  const logs = createLogsService(platform);
  services.push(logs.service);
  const metrics = createMetricsService(platform);
  services.push(metrics.service);
  const lambda = createLambdaService(platform, { logSink: logs.sink, metrics: metrics.metrics, ...options.lambda });
  services.push(lambda.service, lambda.urlService);
  metrics.attachAlarmActions(lambda.invoker);
  // EventBridge starts executions and Step Functions publishes events: the bus is wired below.
  let eventBus: EventPublisher | undefined;
  const states = createStepFunctionsService(platform, { lambda: lambda.invoker, logSink: logs.sink, events: () => eventBus });
  services.push(states);
  const apigateway = createApiGatewayControlPlane(platform, {
    ...(options.apiGatewayAccountThrottle ? { accountThrottle: options.apiGatewayAccountThrottle } : {}),
  });
  services.push(apigateway.service);
  const executeApi = createApiGatewayDataPlane({
    platform,
    catalog: apigateway.catalog,
    invoker: lambda.invoker,
    metrics: metrics.metrics,
    accessLogs: logs.sink,
  });
  apigateway.attachUsageMeter(executeApi.meter);
  // HTTP APIs take the `execute-api` requests for their ids and hand the rest to REST APIs.
  const httpApis = createHttpApis({ platform, invoker: () => lambda.invoker, restDataPlane: executeApi.service, metrics: metrics.metrics, accessLogs: logs.sink, ...(options.websocket ? { websocketLimits: options.websocket } : {}) });
  services.push(httpApis.controlPlane, httpApis.dataPlane);
  services.push(createCodeDeployService(platform).service);
  const events = createEventsService(platform, { lambda: lambda.invoker, startExecution: (req) => states.core.executions.start(req), ...options.events });
  services.push(events.service);
  eventBus = { putEvents: (scope, entries) => events.core.putEvents(scope, { Entries: entries }) };
  services.push(
    createConsoleService({
      store,
      lambda,
      logs: logs.queries,
      metrics: metrics.metrics,
      states: states.core,
      endpoint: () => platform.endpoint,
      banner: platform.banner,
    }),
  );
  return { platform, services };
}

// API Gateway (REST APIs, v1): the only entry point other modules and the composition root use.
// The control plane (this package's core/ + api/) owns the model and the store; the data plane
// (gateway/) reads it through `ApiGatewayCatalog` and reports usage through `UsageMeter`.
import type { Platform } from '../server/compose.js';
import type { Service } from '../server/context.js';
import { createControlPlaneService } from './api/service.js';
import { StateCatalog } from './core/catalog.js';
import type { ApiGatewayCatalog, UsageMeter } from './core/model.js';
import { ApiGatewayState } from './core/state.js';
import { DEFAULT_ACCOUNT } from './core/keys.js';

export type * from './core/model.js';

export interface ApiGatewayControlPlane {
  readonly service: Service;
  readonly catalog: ApiGatewayCatalog;
  /** The data plane's request counters, read by GetUsage and written by UpdateUsage. */
  attachUsageMeter(meter: UsageMeter): void;
}

export interface ControlPlaneOptions {
  /** The account-level throttle (AWS default 10,000 rps, burst 5,000; AWS raises it on request). */
  readonly accountThrottle?: { readonly rateLimit: number; readonly burstLimit: number };
}

export function createApiGatewayControlPlane(platform: Pick<Platform, 'store'>, options: ControlPlaneOptions = {}): ApiGatewayControlPlane {
  const state = new ApiGatewayState(
    platform.store,
    options.accountThrottle ? { ...DEFAULT_ACCOUNT, throttleSettings: { ...options.accountThrottle } } : DEFAULT_ACCOUNT,
  );
  let meter: UsageMeter | undefined;
  return {
    service: createControlPlaneService(state, () => meter),
    catalog: new StateCatalog(state),
    attachUsageMeter(m) {
      meter = m;
    },
  };
}

// The data plane (owned by gateway/): the composition root builds it with `catalog`.
export { createApiGatewayDataPlane } from './gateway/index.js';
export type { DataPlane, DataPlaneOptions } from './gateway/index.js';

// Building blocks HTTP APIs (../apigatewayv2) share with REST APIs: input validation with AWS's
// messages, identifiers, the control-plane URI router, and the data plane's request parsing and
// keep-alive pool for HTTP back ends, and the token buckets of throttling.
export { Input } from './core/input.js';
export { newId } from './core/ids.js';
export { Router } from './api/router.js';
export { createAgent, HOP_BY_HOP } from './gateway/backends.js';
export { accessLogGroup, renderAccessLog, type AccessLogSink } from './gateway/access-log.js';
export { BucketSet } from './gateway/throttle.js';
export { parseHeaders, parseQuery, type Multi } from './gateway/call.js';
// OpenAPI reading shared with HTTP APIs' ImportApi: the same parser and `basepath` rules as ImportRestApi.
export { parseDefinition as parseOpenApi, pathPrefix as openApiPathPrefix } from './openapi/import.js';

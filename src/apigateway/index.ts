// API Gateway (REST APIs, v1): the only entry point other modules and the composition root use.
// The control plane (this package's core/ + api/) owns the model and the store; the data plane
// (gateway/) reads it through `ApiGatewayCatalog` and reports usage through `UsageMeter`.
import type { Platform } from '../server/compose.js';
import type { Service } from '../server/context.js';
import { createControlPlaneService } from './api/service.js';
import { StateCatalog } from './core/catalog.js';
import type { ApiGatewayCatalog, UsageMeter } from './core/model.js';
import { ApiGatewayState } from './core/state.js';

export type * from './core/model.js';

export interface ApiGatewayControlPlane {
  readonly service: Service;
  readonly catalog: ApiGatewayCatalog;
  /** The data plane's request counters, read by GetUsage and written by UpdateUsage. */
  attachUsageMeter(meter: UsageMeter): void;
}

export function createApiGatewayControlPlane(platform: Pick<Platform, 'store'>): ApiGatewayControlPlane {
  const state = new ApiGatewayState(platform.store);
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

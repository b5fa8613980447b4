// What the console consumes from the other services: in-process objects, typed through each
// service's index.ts (never deep imports), plus the platform's own endpoint for the few public
// AWS APIs that have no in-process export (API Gateway's control plane).
import type { LambdaService, LambdaInvoker } from '../lambda/index.js';
import type { LogQueries, MetricsStore } from '../cloudwatch/index.js';
import type { StepFunctionsService } from '../stepfunctions/index.js';
import type { Store } from '../store/database.js';

export type FunctionRegistry = LambdaService['registry'];
export type SfnCore = StepFunctionsService['core'];

export interface ConsoleDeps {
  readonly store: Store;
  readonly lambda: { readonly registry: FunctionRegistry; readonly invoker: LambdaInvoker };
  readonly logs: LogQueries;
  readonly metrics: MetricsStore;
  readonly states: SfnCore;
  /** `http://host:port` of this Nimbus, known once it listens. */
  readonly endpoint: () => string;
  /** Lines `nimbus start` prints before its ready line (the console adds its URL). */
  readonly banner?: string[];
}

export interface Scope {
  readonly accountId: string;
  readonly region: string;
}

// Step Functions service: the factory the composition root calls. Wires the store, the control
// plane, task tokens, executions and the wire layer; resumes interrupted Standard executions once
// the server listens. Lambda and CloudWatch Logs arrive as optional dependencies (getters, so the
// integrator can wire them in any order).
import type { Platform } from '../server/compose.js';
import type { Service } from '../server/context.js';
import type { LambdaInvoker } from '../lambda/invoker.js';
import type { LogSink } from '../lambda/environments/types.js';
import type { EventPublisher } from './engine/types.js';
import { systemRandomness, type Randomness } from './asl/index.js';
import { systemClock, type Clock } from './engine/clock.js';
import { SFN_MIGRATIONS } from './executions/schema.js';
import { SfnRepository } from './executions/repository.js';
import { GroupCommit } from './executions/group-commit.js';
import { StateMachines } from './executions/machines.js';
import { Tokens } from './executions/tokens.js';
import { Executions } from './executions/executions.js';
import { dispatch } from './api/dispatch.js';
import type { SfnCore } from './api/operations.js';

export { ManualClock, systemClock, type Clock } from './engine/clock.js';
export type { EventPublisher } from './engine/types.js';

export interface StepFunctionsDeps {
  /** The in-process Lambda invoker (wired by the integrator). */
  lambda?: LambdaInvoker | (() => LambdaInvoker | undefined);
  /** EventBridge for the events:putEvents integration (wired by the integrator). */
  events?: () => EventPublisher | undefined;
  /** Nimbus's own endpoint, for AWS SDK integrations (`aws-sdk:lambda:*`); the platform's when absent. */
  endpoint?: () => string;
  /** CloudWatch Logs sink for loggingConfiguration. */
  logSink?: LogSink | (() => LogSink | undefined);
  clock?: Clock;
  randomness?: Randomness;
}

export interface StepFunctionsService extends Service {
  readonly core: SfnCore;
}

export function createStepFunctionsService(platform: Platform, deps: StepFunctionsDeps = {}): StepFunctionsService {
  platform.store.migrate('stepfunctions', SFN_MIGRATIONS);
  const db = platform.store.db;
  const repo = new SfnRepository(db);
  const gc = new GroupCommit(db);
  const clock = deps.clock ?? systemClock;
  const randomness = deps.randomness ?? systemRandomness;
  const now = () => clock.now();
  const lambda = typeof deps.lambda === 'function' ? deps.lambda : () => deps.lambda as LambdaInvoker | undefined;
  const logSink = typeof deps.logSink === 'function' ? deps.logSink : () => deps.logSink as LogSink | undefined;
  const machines = new StateMachines(repo, db, now, logSink);
  const tokens = new Tokens(repo, db, gc, clock);
  const executions = new Executions({
    repo, db, gc, machines, tokens, clock, randomness, lambda, events: deps.events, logSink, log: platform.log,
    endpoint: deps.endpoint ?? (() => platform.endpoint),
  });
  const core: SfnCore = { machines, executions, tokens };
  return {
    name: 'states',
    protocol: 'json',
    core,
    handle: (ctx) => dispatch(ctx, core),
    start() {
      const n = executions.resumeAll();
      if (n > 0) platform.log(`stepfunctions: resumed ${n} running execution(s)`);
    },
    async close() {
      await executions.close();
      gc.close();
    },
  };
}

// Errors of the ASL library. Two kinds:
// - AslValidationError: a definition AWS would reject (CreateStateMachine / UpdateStateMachine
//   answer `InvalidDefinition`, HTTP 400, with `message`). It is a ServiceError so the API layer
//   can let it propagate unchanged.
// - StatesError: a workflow failure at run time ({Error, Cause}), e.g. States.Runtime,
//   States.QueryEvaluationError, States.IntrinsicFailure. Workflow failures are data: the engine
//   catches these and feeds them to Retry/Catch like any task failure.
import { ServiceError } from '../../protocol/errors.js';
import type { Diagnostic, JsonObject } from './model.js';
import { errorOutput } from './retry.js';

export class AslValidationError extends ServiceError {
  /** Every problem found, in the ValidateStateMachineDefinition shape. */
  readonly diagnostics: readonly Diagnostic[];
  constructor(message: string, diagnostics: readonly Diagnostic[]) {
    super('InvalidDefinition', 400, message);
    this.diagnostics = diagnostics;
  }
}

/** Error names Step Functions itself raises (the `States.` namespace). */
export const StatesErrors = {
  ALL: 'States.ALL',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  Timeout: 'States.Timeout',
  TaskFailed: 'States.TaskFailed',
  Permissions: 'States.Permissions',
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  ParameterPathFailure: 'States.ParameterPathFailure',
  QueryEvaluationError: 'States.QueryEvaluationError',
  BranchFailed: 'States.BranchFailed',
  NoChoiceMatched: 'States.NoChoiceMatched',
  IntrinsicFailure: 'States.IntrinsicFailure',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
  Runtime: 'States.Runtime',
  DataLimitExceeded: 'States.DataLimitExceeded',
} as const;

/** A workflow failure: `error` and `cause` are what the history's `*Failed` event and Catch see. */
export class StatesError extends Error {
  readonly error: string;
  override readonly cause: string | undefined;
  /** For States.QueryEvaluationError: the field that failed (AWS's EvaluationFailed `location`), e.g. 'Items'. */
  readonly location: string | undefined;
  constructor(error: string, cause?: string, location?: string) {
    super(cause === undefined ? error : `${error}: ${cause}`);
    this.name = 'StatesError';
    this.error = error;
    this.cause = cause;
    this.location = location;
  }

  /** Whether Retry/Catch may handle it: States.Runtime always fails the execution (AWS docs, recorded case). */
  get catchable(): boolean {
    return this.error !== StatesErrors.Runtime;
  }
}

/**
 * A task ran past its TimeoutSeconds or HeartbeatSeconds. AWS records both as States.Timeout with
 * no cause (TaskTimedOut, ExecutionFailed: recorded in test_timeouts and in test_heartbeats, where a
 * missed heartbeat is reported as States.Timeout too). Two things set it apart from other errors:
 * only a heartbeat timeout matches States.HeartbeatTimeout (AWS docs: that name exists "only inside
 * the Catch and Retry fields"), and a Catcher sees `"Cause": ""` rather than no Cause (recorded:
 * test_task_service_lambda::test_invoke_timeout).
 */
export class TaskTimeoutError extends StatesError {
  readonly heartbeat: boolean;
  constructor(heartbeat: boolean) {
    super(StatesErrors.Timeout, undefined);
    this.heartbeat = heartbeat;
  }
}

/** The name Retry/Catch match an error by (see TaskTimeoutError). */
export function matchName(err: StatesError): string {
  return err instanceof TaskTimeoutError && err.heartbeat ? StatesErrors.HeartbeatTimeout : err.error;
}

/** The Cause a Catcher / $states.errorOutput sees: absent when the error has none, except timeouts (""). */
export function catchCause(err: StatesError): string | undefined {
  return err.cause ?? (err instanceof TaskTimeoutError ? '' : undefined);
}

/**
 * SendTaskFailure's outcome: its error and cause are both optional. When one is missing the
 * history leaves it out (TaskFailed, ExecutionFailed) and a Catcher sees it as null (recorded:
 * test_callback::test_sqs_failure_in_wait_for_task_tok_no_error_field, `{"Error": null, "Cause": null}`).
 */
export class CallbackFailure extends StatesError {}

/** The `{Error, Cause}` object a Catcher / $states.errorOutput sees for `err`. */
export function errorOutputOf(err: StatesError): JsonObject {
  if (err instanceof CallbackFailure) return { Error: err.error === '' ? null : err.error, Cause: err.cause ?? null };
  return errorOutput(err.error, catchCause(err));
}

/** The prefix AWS puts on runtime failures of a state: "An error occurred while executing the state 'X' (entered at the event id #N). " */
export function statePrefix(stateName: string, enteredEventId: number): string {
  return `An error occurred while executing the state '${stateName}' (entered at the event id #${enteredEventId}). `;
}

// Public API of the Amazon States Language library: parse and validate definitions, and evaluate
// everything a state does to data (JSONPath and JSONata, payload templates, intrinsic functions,
// Choice rules, Assign/Output, Retry/Catch matching, context object, payload size).
// Pure: no I/O, no timers, no store. Time ("now") and randomness are passed in.
//
// How the engine uses it, per state (see each function's doc):
//   machine = parseDefinition(text, {type})         // throws AslValidationError (InvalidDefinition)
//   TestState: parseStateDefinition(stateText)      // one state
//   env = { stateName, enteredEventId, context: buildContext({...}), variables: scope }
//   Pass     → runPass(state, input, env)            → {output, assigned}
//   Choice   → runChoice(state, input, env)          → {next, output, assigned} | throws States.NoChoiceMatched
//   Wait     → runWait(state, input, env, nowMs)     → {untilMs, output, assigned}
//   Succeed  → runSucceed(state, input, env)         → {output}
//   Fail     → runFail(state, input, env)            → {error?, cause?}
//   Task     → taskInput(state, input, env) → invoke with .payload (timeouts, credentials) →
//              taskResult(state, input, result, env) → {output, assigned}
//   Parallel → parallelInput(state, input, env) → run Branches (child scopes) → results array →
//              stateResult(state, input, results, env)
//   Map      → mapInput(state, input, env) → {items, maxConcurrency, tolerated…, batcher?};
//              after MapStateStarted: mapTolerance(state, input, env) → the …Path tolerances;
//              per item: mapItemInput(state, input, items[i], i, env) → run ItemProcessor → results →
//              stateResult(state, input, results, env)
//   result size → checkPayloadSize(result, 'result', taskLimitName(state.Resource))
//   failure  → StatesError {error, cause, location?, catchable}; findRetrier / retryDelay; findCatcher →
//              catchResult(state, catcher, input, {Error, Cause}, env) → {output, assigned}
// Every run-time failure is thrown as StatesError with AWS's error name and cause wording.
// Variables: INLINE Map iterations and Parallel branches use scope.child(); DISTRIBUTED Map
// iterations start from new VariableScope(); apply outcome.assigned after the state.
// Verified against the recorded AWS cases by ./conformance.test.ts (a minimal loop over this API).

export type {
  Json, JsonObject, QueryLanguage, StateType, StateGraph, StateMachine, State,
  PassState, TaskState, ChoiceState, ChoiceBranch, ChoiceRule, ComparisonOperator, WaitState,
  SucceedState, FailState, ParallelState, MapState, MapProcessor, Retrier, Catcher,
  Diagnostic, ValidationResult,
} from './model.js';
export { COMPARISON_OPERATORS } from './model.js';

export { AslValidationError, StatesError, StatesErrors, TaskTimeoutError, CallbackFailure, matchName, catchCause, errorOutputOf, statePrefix } from './errors.js';

export type { Randomness, VariableReader, EvalEnv, StateOutcome } from './env.js';
export { systemRandomness } from './env.js';
export { VariableScope } from './variables.js';

// ── Definitions ──────────────────────────────────────────────────────────────────────────────
/**
 * parseDefinition(text, {type?}): StateMachine — parse and fully validate a definition string as
 * CreateStateMachine does. Throws AslValidationError (name `InvalidDefinition`, status 400) whose
 * message is AWS's, e.g. "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing
 * 'Next' target: B at /States/A/Next'".
 *
 * validateDefinition(text, {maxResults?, severity?, type?}): ValidationResult — the
 * ValidateStateMachineDefinition answer ({result: 'OK'|'FAIL', diagnostics, truncated}).
 */
export { parseDefinition, validateDefinition } from './definition.js';
/** parseStateDefinition(text, {name?, queryLanguage?}): State — one state, for the TestState API. */
export { parseStateDefinition } from './definition.js';
export { findJsonFault } from './json-error.js';
export type { ParseOptions, ValidateOptions } from './definition.js';
/** variableReferences(text): state name → variables it reads (DescribeStateMachine's field), or undefined. */
export { variableReferences } from './variable-references.js';

// ── State processing (one call per phase; see the header) ───────────────────────────────────
export {
  runPass, runChoice, runWait, runSucceed, runFail,
  taskInput, taskResult, parallelInput, mapInput, mapItemInput, mapTolerance, stateResult, catchResult,
} from './process.js';
export type { ChoiceOutcome, WaitOutcome, FailOutcome, TaskInvocation, MapPlan, ItemBatcherPlan } from './process.js';

// ── Lower-level evaluation (used by process.ts; exported for the engine's special cases) ────
/** evaluateTemplate(template, input, env, field): JSONPath payload template (`key.$` paths, intrinsics, `$$`, `$var`). */
export { evaluatePayloadTemplate } from './payload.js';
/** JSONata: evaluateJsonataTemplate(value, bindings, env, field) resolves every `{% %}` in a JSON value. */
export { evaluateJsonataTemplate, isJsonataExpression } from './jsonata.js';
export type { StatesBinding } from './jsonata.js';
/** JSONPath reference paths and ResultPath. */
export { selectPath, applyResultPath } from './jsonpath.js';
/** Intrinsic function call strings, e.g. "States.Format('{}', $.a)". */
export { evaluateIntrinsic, isIntrinsic } from './intrinsics/index.js';
/** Choice rule evaluation (JSONPath). */
export { evaluateChoiceRule } from './choice.js';

// ── Errors: Retry / Catch ────────────────────────────────────────────────────────────────────
/**
 * errorMatches(errorEquals, errorName) — AWS matching rules (States.ALL matches everything
 * except States.Runtime; States.TaskFailed matches any task error except States.Timeout…).
 * findRetrier(retriers, errorName) → index | -1; findCatcher(catchers, errorName) → Catcher.
 * retryDelay(retrier, attempt, random) → seconds before retry number `attempt` (1-based),
 * with BackoffRate, MaxDelaySeconds and JitterStrategy FULL.
 * errorOutput(error, cause) → the `{Error, Cause}` object a Catcher sees.
 */
export { errorMatches, findRetrier, findCatcher, retryDelay, errorOutput } from './retry.js';

// ── Context object ───────────────────────────────────────────────────────────────────────────
/** buildContext(parts) → the `$$` object (Execution, State, StateMachine, Task, Map) with AWS's keys. */
export { buildContext, withMapItem } from './context.js';
export type { ContextParts, MapItemContext } from './context.js';

// ── Payload size ─────────────────────────────────────────────────────────────────────────────
/** 256 KiB limit (262144 bytes of UTF-8 JSON) on inputs, outputs and variables. */
export { MAX_PAYLOAD_BYTES, payloadBytes, checkPayloadSize, taskLimitName } from './size.js';

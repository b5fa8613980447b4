// State-level processing: what each state does to its input, in the order AWS applies the fields.
// JSONPath: InputPath → Parameters → (task) → ResultSelector → ResultPath → OutputPath, with Assign
// evaluated against the state's result. JSONata: Arguments → (task) → Assign and Output with
// $states.input / $states.result / $states.errorOutput.
import type {
  Catcher, ChoiceState, FailState, Json, JsonObject, MapState, ParallelState, PassState,
  SucceedState, TaskState, WaitState,
} from './model.js';
import type { EvalEnv, StateOutcome } from './env.js';

const todo = (what: string): never => {
  throw new Error(`asl: not implemented yet: ${what}`);
};

export interface ChoiceOutcome extends StateOutcome {
  /** The state to go to (a matched branch's Next, else Default). */
  readonly next: string;
}

export interface WaitOutcome extends StateOutcome {
  /** Epoch milliseconds at which the wait ends (nowMs + Seconds*1000, or the Timestamp). */
  readonly untilMs: number;
}

export interface FailOutcome {
  readonly error?: string;
  readonly cause?: string;
}

export interface TaskInvocation {
  /** The effective parameters sent to the resource (JSONPath: InputPath+Parameters; JSONata: Arguments). */
  readonly payload: Json;
  /** Resolved TimeoutSeconds / TimeoutSecondsPath (undefined = no state timeout given). */
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
  /** Resolved Credentials object (e.g. {RoleArn}), if any. */
  readonly credentials?: JsonObject;
}

export interface MapPlan {
  /** The items to iterate (ItemsPath / Items, after InputPath). */
  readonly items: Json[];
  /** 0 = unlimited. */
  readonly maxConcurrency: number;
  readonly toleratedFailureCount?: number;
  readonly toleratedFailurePercentage?: number;
}

/** Pass: InputPath → Parameters/Result → ResultPath → OutputPath (JSONPath) or Output (JSONata); Assign. */
export async function runPass(state: PassState, input: Json, env: EvalEnv): Promise<StateOutcome> {
  return todo(`runPass ${state.name} ${String(input)} ${env.stateName}`);
}

/** Choice: first matching branch, else Default; throws StatesError States.NoChoiceMatched. */
export async function runChoice(state: ChoiceState, input: Json, env: EvalEnv): Promise<ChoiceOutcome> {
  return todo(`runChoice ${state.name} ${String(input)} ${env.stateName}`);
}

/** Wait: resolves Seconds/Timestamp(Path) against `nowMs` and computes the output/assignments. */
export async function runWait(state: WaitState, input: Json, env: EvalEnv, nowMs: number): Promise<WaitOutcome> {
  return todo(`runWait ${state.name} ${String(input)} ${env.stateName} ${nowMs}`);
}

/** Succeed: InputPath → OutputPath, or JSONata Output. */
export async function runSucceed(state: SucceedState, input: Json, env: EvalEnv): Promise<StateOutcome> {
  return todo(`runSucceed ${state.name} ${String(input)} ${env.stateName}`);
}

/** Fail: Error/Cause (literal, ErrorPath/CausePath, or JSONata). */
export async function runFail(state: FailState, input: Json, env: EvalEnv): Promise<FailOutcome> {
  return todo(`runFail ${state.name} ${String(input)} ${env.stateName}`);
}

/** Task, before invoking: payload, timeouts, credentials. */
export async function taskInput(state: TaskState, input: Json, env: EvalEnv): Promise<TaskInvocation> {
  return todo(`taskInput ${state.name} ${String(input)} ${env.stateName}`);
}

/** Task, after success: ResultSelector → ResultPath → OutputPath, Assign (JSONPath) / Assign, Output (JSONata). */
export async function taskResult(state: TaskState, input: Json, result: Json, env: EvalEnv): Promise<StateOutcome> {
  return stateResult(state, input, result, env);
}

/** Parallel: the input every branch receives (InputPath + Parameters / Arguments). */
export async function parallelInput(state: ParallelState, input: Json, env: EvalEnv): Promise<Json> {
  return todo(`parallelInput ${state.name} ${String(input)} ${env.stateName}`);
}

/** Map: items, concurrency and failure tolerance. */
export async function mapInput(state: MapState, input: Json, env: EvalEnv): Promise<MapPlan> {
  return todo(`mapInput ${state.name} ${String(input)} ${env.stateName}`);
}

/**
 * Map: the input of iteration `index` (ItemSelector / legacy Parameters, with `$$.Map.Item`), or the
 * item itself when there is no selector. `input` is the Map state's raw input.
 */
export async function mapItemInput(state: MapState, input: Json, item: Json, index: number, env: EvalEnv): Promise<Json> {
  return todo(`mapItemInput ${state.name} ${String(input)} ${String(item)} ${index} ${env.stateName}`);
}

/** Task / Parallel / Map after success: ResultSelector → ResultPath → OutputPath + Assign, or JSONata Assign + Output. */
export async function stateResult(
  state: TaskState | ParallelState | MapState, input: Json, result: Json, env: EvalEnv,
): Promise<StateOutcome> {
  return todo(`stateResult ${state.name} ${String(input)} ${String(result)} ${env.stateName}`);
}

/** A Catcher matched: ResultPath of the error output into the input (JSONPath) or Output (JSONata), and Assign. */
export async function catchResult(
  state: TaskState | ParallelState | MapState, catcher: Catcher, input: Json, errorOutput: JsonObject, env: EvalEnv,
): Promise<StateOutcome> {
  return todo(`catchResult ${state.name} ${catcher.Next} ${String(input)} ${String(errorOutput)} ${env.stateName}`);
}

// The validated, normalised state machine model produced by parseDefinition().
// Field names defined by the Amazon States Language keep their ASL spelling (PascalCase) so the
// AWS docs read directly onto the model; fields the parser derives are lowercase (`name`,
// `queryLanguage`, `rule`…). Defaults are applied (Retry intervals, MaxConcurrency…), the legacy
// forms are normalised (Map `Iterator` → `ItemProcessor`, `Parameters` → `ItemSelector`), and
// everything here has passed validation, so the interpreter never re-checks shapes.

/** Any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type QueryLanguage = 'JSONPath' | 'JSONata';

export type StateType = 'Pass' | 'Task' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';

/** A set of states with an entry point: the top-level machine, a Parallel branch or a Map processor. */
export interface StateGraph {
  readonly StartAt: string;
  /** Insertion order = definition order. */
  readonly States: ReadonlyMap<string, State>;
  readonly Comment?: string;
  /** Effective default query language of this graph (inherited from the top level). */
  readonly queryLanguage: QueryLanguage;
}

/** The top-level state machine. */
export interface StateMachine extends StateGraph {
  /** As written (absent → JSONPath). */
  readonly QueryLanguage?: QueryLanguage;
  readonly Version?: string;
  /** Execution timeout in seconds (Standard: ends the execution with States.Timeout). */
  readonly TimeoutSeconds?: number;
}

interface StateBase {
  readonly Type: StateType;
  /** The state's name (its key in `States`). */
  readonly name: string;
  /** Effective query language: the state's own `QueryLanguage`, else its machine's. */
  readonly queryLanguage: QueryLanguage;
  readonly Comment?: string;
  readonly QueryLanguage?: QueryLanguage;
}

/** Exactly one of Next/End is set on states that transition. */
interface Transition {
  readonly Next?: string;
  readonly End?: boolean;
}

/** JSONPath-only I/O fields. Absent means the ASL default (`$`); `null` means "discard" (`{}` for paths). */
interface PathIo {
  readonly InputPath?: string | null;
  readonly OutputPath?: string | null;
}

/** Assign (both languages) and Output (JSONata only). Values are raw templates, evaluated at run time. */
interface AssignOutput {
  readonly Assign?: JsonObject;
  /** JSONata only: any JSON value, with `{% %}` expressions anywhere inside. */
  readonly Output?: Json;
}

export interface PassState extends StateBase, Transition, PathIo, AssignOutput {
  readonly Type: 'Pass';
  readonly Parameters?: Json;
  readonly Result?: Json;
  readonly ResultPath?: string | null;
}

export interface TaskState extends StateBase, Transition, PathIo, AssignOutput {
  readonly Type: 'Task';
  /** An ARN (or a `{% %}`-free string; AWS requires a URI). */
  readonly Resource: string;
  /** JSONPath payload template. */
  readonly Parameters?: Json;
  /** JSONata arguments (object or `{% %}` string). */
  readonly Arguments?: Json;
  readonly ResultSelector?: Json;
  readonly ResultPath?: string | null;
  /** Number (both languages) or a `{% %}` string (JSONata). Default 99999999 when neither is set. */
  readonly TimeoutSeconds?: number | string;
  readonly TimeoutSecondsPath?: string;
  readonly HeartbeatSeconds?: number | string;
  readonly HeartbeatSecondsPath?: string;
  /** `{ RoleArn | "RoleArn.$" }` (JSONPath) or `{ RoleArn: "{% %}" }` (JSONata); evaluate with `evaluateTemplate`. */
  readonly Credentials?: JsonObject;
  readonly Retry: readonly Retrier[];
  readonly Catch: readonly Catcher[];
}

export interface ChoiceState extends StateBase, PathIo, AssignOutput {
  readonly Type: 'Choice';
  readonly Choices: readonly ChoiceBranch[];
  readonly Default?: string;
}

/** One entry of `Choices`. JSONPath branches carry a `rule`; JSONata branches a `Condition`. */
export interface ChoiceBranch {
  readonly Next: string;
  /** JSONPath: the parsed boolean expression. */
  readonly rule?: ChoiceRule;
  /** JSONata: the `{% %}` condition string as written. */
  readonly Condition?: string;
  readonly Assign?: JsonObject;
  /** JSONata only. */
  readonly Output?: Json;
  readonly Comment?: string;
}

export type ChoiceRule =
  | { readonly kind: 'and'; readonly rules: readonly ChoiceRule[] }
  | { readonly kind: 'or'; readonly rules: readonly ChoiceRule[] }
  | { readonly kind: 'not'; readonly rule: ChoiceRule }
  | {
      readonly kind: 'compare';
      /** The `Variable` path (may start with `$$.` or be a `$var` reference). */
      readonly variable: string;
      /** Operator as written, e.g. `StringEqualsPath`, `IsPresent`. */
      readonly operator: ComparisonOperator;
      /** Literal operand, or for `…Path` operators the path string. */
      readonly value: Json;
    };

export const COMPARISON_OPERATORS = [
  'BooleanEquals', 'BooleanEqualsPath',
  'IsBoolean', 'IsNull', 'IsNumeric', 'IsPresent', 'IsString', 'IsTimestamp',
  'NumericEquals', 'NumericEqualsPath', 'NumericGreaterThan', 'NumericGreaterThanPath',
  'NumericGreaterThanEquals', 'NumericGreaterThanEqualsPath', 'NumericLessThan', 'NumericLessThanPath',
  'NumericLessThanEquals', 'NumericLessThanEqualsPath',
  'StringEquals', 'StringEqualsPath', 'StringGreaterThan', 'StringGreaterThanPath',
  'StringGreaterThanEquals', 'StringGreaterThanEqualsPath', 'StringLessThan', 'StringLessThanPath',
  'StringLessThanEquals', 'StringLessThanEqualsPath', 'StringMatches',
  'TimestampEquals', 'TimestampEqualsPath', 'TimestampGreaterThan', 'TimestampGreaterThanPath',
  'TimestampGreaterThanEquals', 'TimestampGreaterThanEqualsPath', 'TimestampLessThan', 'TimestampLessThanPath',
  'TimestampLessThanEquals', 'TimestampLessThanEqualsPath',
] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export interface WaitState extends StateBase, Transition, PathIo, AssignOutput {
  readonly Type: 'Wait';
  /** Number (JSONPath, JSONata) or `{% %}` string (JSONata). */
  readonly Seconds?: number | string;
  /** ISO-8601 string (JSONPath) or `{% %}` / literal string (JSONata). */
  readonly Timestamp?: string;
  readonly SecondsPath?: string;
  readonly TimestampPath?: string;
}

export interface SucceedState extends StateBase, PathIo {
  readonly Type: 'Succeed';
  readonly Output?: Json;
}

export interface FailState extends StateBase {
  readonly Type: 'Fail';
  /** Literal (both) or `{% %}` (JSONata). */
  readonly Error?: string;
  readonly Cause?: string;
  /** JSONPath: reference path or intrinsic function (e.g. `States.Format(...)`). */
  readonly ErrorPath?: string;
  readonly CausePath?: string;
}

export interface ParallelState extends StateBase, Transition, PathIo, AssignOutput {
  readonly Type: 'Parallel';
  readonly Branches: readonly StateGraph[];
  readonly Parameters?: Json;
  readonly Arguments?: Json;
  readonly ResultSelector?: Json;
  readonly ResultPath?: string | null;
  readonly Retry: readonly Retrier[];
  readonly Catch: readonly Catcher[];
}

export interface MapProcessor extends StateGraph {
  readonly ProcessorConfig: {
    readonly Mode: 'INLINE' | 'DISTRIBUTED';
    /** DISTRIBUTED only. */
    readonly ExecutionType?: 'STANDARD' | 'EXPRESS';
  };
}

export interface MapState extends StateBase, Transition, PathIo, AssignOutput {
  readonly Type: 'Map';
  /** Normalised: the legacy `Iterator` is presented here too (Mode INLINE). */
  readonly ItemProcessor: MapProcessor;
  /** True when the definition used the legacy `Iterator` field. */
  readonly legacyIterator: boolean;
  /** JSONPath reference path to the items array (default `$`). */
  readonly ItemsPath?: string;
  /** JSONata: array or `{% %}` string. */
  readonly Items?: Json;
  /** Normalised: the legacy `Parameters` field is presented here too. */
  readonly ItemSelector?: Json;
  readonly ItemReader?: JsonObject;
  readonly ItemBatcher?: JsonObject;
  readonly ResultWriter?: JsonObject;
  readonly ResultSelector?: Json;
  readonly ResultPath?: string | null;
  /** Number, or `{% %}` (JSONata). 0 = unlimited. */
  readonly MaxConcurrency?: number | string;
  readonly MaxConcurrencyPath?: string;
  readonly ToleratedFailureCount?: number | string;
  readonly ToleratedFailureCountPath?: string;
  readonly ToleratedFailurePercentage?: number | string;
  readonly ToleratedFailurePercentagePath?: string;
  readonly Label?: string;
  readonly Retry: readonly Retrier[];
  readonly Catch: readonly Catcher[];
}

export type State =
  | PassState | TaskState | ChoiceState | WaitState | SucceedState | FailState | ParallelState | MapState;

/** A Retry entry with ASL defaults applied. */
export interface Retrier {
  readonly ErrorEquals: readonly string[];
  /** Default 1. */
  readonly IntervalSeconds: number;
  /** Default 3. 0 = never retry. */
  readonly MaxAttempts: number;
  /** Default 2.0. */
  readonly BackoffRate: number;
  /** Upper bound of the computed delay, if set. */
  readonly MaxDelaySeconds?: number;
  /** Default NONE. */
  readonly JitterStrategy: 'FULL' | 'NONE';
  readonly Comment?: string;
}

/** A Catch entry. */
export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  /** JSONPath only; default `$`. null discards. */
  readonly ResultPath?: string | null;
  readonly Assign?: JsonObject;
  /** JSONata only. */
  readonly Output?: Json;
  readonly Comment?: string;
}

/** The ValidateStateMachineDefinition diagnostic shape. */
export interface Diagnostic {
  readonly severity: 'ERROR' | 'WARNING';
  /** e.g. `SCHEMA_VALIDATION_FAILED`, `MISSING_TRANSITION_TARGET`, `INVALID_JSON_DESCRIPTION`. */
  readonly code: string;
  readonly message: string;
  /** JSON pointer-ish location, e.g. `/States/A/Next`. */
  readonly location?: string;
}

export interface ValidationResult {
  readonly result: 'OK' | 'FAIL';
  readonly diagnostics: readonly Diagnostic[];
  readonly truncated: boolean;
}

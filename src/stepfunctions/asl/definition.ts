// Definition entry points: parse (throws AWS's InvalidDefinition) and validate (diagnostics list).
// Both run the same validator; parse additionally returns the normalised model.
import type { Diagnostic, Json, QueryLanguage, State, StateGraph, StateMachine, ValidationResult } from './model.js';
import { AslValidationError } from './errors.js';
import { Collector, checkType, seg } from './validate/collector.js';
import { validateGraph } from './validate/graph.js';
import { validateState } from './validate/states.js';
import { findJsonFault, jacksonLocation } from './json-error.js';

export interface ParseOptions {
  /** The state machine type: EXPRESS machines cannot use `.sync` / `.waitForTaskToken` integrations. Default STANDARD. */
  readonly type?: 'STANDARD' | 'EXPRESS';
}

export interface ValidateOptions extends ParseOptions {
  /** Max diagnostics returned (ValidateStateMachineDefinition `maxResults`, default 100). */
  readonly maxResults?: number;
  /** Minimum severity to report: 'ERROR' (default) or 'WARNING'. */
  readonly severity?: 'ERROR' | 'WARNING';
}

/**
 * JSON.parse, reporting a failure as AWS does: Jackson's message followed by "\n at " and its
 * source location, which is also the diagnostic's location.
 */
function parseJson(text: string, c: Collector): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    const fault = findJsonFault(text);
    if (!fault) {
      c.error('INVALID_JSON_DESCRIPTION', (e as Error).message);
      return undefined;
    }
    const where = jacksonLocation(text, fault.line, fault.column);
    c.error('INVALID_JSON_DESCRIPTION', `${fault.message}\n at ${where}`, where);
    return undefined;
  }
}

// AWS's texts, spacing included (test_sfn_api_express recordings): the '.waitForTaskToken' message has
// two spaces before "at", the '.sync' one a single space.
const EXPRESS_UNSUPPORTED: ReadonlyArray<readonly [string, string]> = [
  ['.sync', "Express state machine does not support '.sync' service integration"],
  ['.waitForTaskToken', "Express state machine does not support '.waitForTaskToken' service integration "],
];
const ACTIVITY_ARN = /^arn:aws[a-zA-Z-]*:states:[^:]*:[^:]*:activity:/;

/**
 * Express workflows run at most five minutes and keep no task tokens: AWS rejects these patterns and
 * activities (an activity worker answers with a task token) when the machine is created.
 */
function checkExpress(c: Collector, graph: StateGraph, loc: string): void {
  for (const [name, st] of graph.States) {
    const sloc = `${loc}/States/${seg(name)}`;
    if (st.Type === 'Task') {
      if (typeof st.Resource === 'string' && ACTIVITY_ARN.test(st.Resource)) {
        c.schema('Express state machine does not support Activity ARN', `${sloc}/Resource`);
      }
      for (const [pattern, message] of EXPRESS_UNSUPPORTED) {
        if (st.Resource.includes(pattern)) c.schema(message, `${sloc}/Resource`);
      }
    } else if (st.Type === 'Parallel') {
      st.Branches.forEach((b, i) => checkExpress(c, b, `${sloc}/Branches[${i}]`));
    } else if (st.Type === 'Map') {
      checkExpress(c, st.ItemProcessor, `${sloc}/${st.legacyIterator ? 'Iterator' : 'ItemProcessor'}`);
    }
  }
}

function run(text: string, options: ParseOptions = {}): { c: Collector; machine?: StateMachine } {
  const c = new Collector();
  if (typeof text !== 'string' || text === '') {
    c.error('MISSING_DESCRIPTION', 'Definition is empty');
    return { c };
  }
  // Whitespace only parses (as Jackson does) to no value at all: AWS reports it without a location.
  if (text.trim() === '') {
    c.error('SCHEMA_VALIDATION_FAILED', 'Definition must be a valid JSON object');
    return { c };
  }
  const raw = parseJson(text, c);
  if (raw === undefined) return { c };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    c.schema('The definition must be a JSON OBJECT', '/');
    return { c };
  }
  let ql: QueryLanguage = 'JSONPath';
  if (raw.QueryLanguage !== undefined) {
    if (raw.QueryLanguage === 'JSONata' || raw.QueryLanguage === 'JSONPath') ql = raw.QueryLanguage;
    else c.schema(`The value for the field 'QueryLanguage' must be one of [JSONPath, JSONata]`, '/QueryLanguage');
  }
  if (raw.TimeoutSeconds !== undefined) checkType(c, raw.TimeoutSeconds, 'POSITIVE_INTEGER', 'TimeoutSeconds', '/TimeoutSeconds');
  if (raw.Version !== undefined) checkType(c, raw.Version, 'STRING', 'Version', '/Version');
  const graph = validateGraph(c, raw, '', ql, ql, 'top');
  if (graph && options.type === 'EXPRESS') checkExpress(c, graph, '');
  if (!graph || c.hasErrors) return { c };
  const machine: StateMachine = {
    ...graph,
    ...(raw.QueryLanguage !== undefined ? { QueryLanguage: ql } : {}),
    ...(typeof raw.Version === 'string' ? { Version: raw.Version } : {}),
    ...(typeof raw.TimeoutSeconds === 'number' ? { TimeoutSeconds: raw.TimeoutSeconds } : {}),
  };
  return { c, machine };
}

/**
 * TestState: parse and validate one state's definition (no machine around it: Next targets are
 * not resolved). `queryLanguage` is the machine-level default the state inherits.
 */
export function parseStateDefinition(text: string, options: { name?: string; queryLanguage?: QueryLanguage } = {}): State {
  const c = new Collector();
  const raw = typeof text === 'string' && text.trim() !== '' ? parseJson(text, c) : (c.error('MISSING_DESCRIPTION', 'Definition is empty'), undefined);
  let state: State | undefined;
  if (raw !== undefined) {
    const ql = options.queryLanguage ?? 'JSONPath';
    state = validateState(c, options.name ?? 'TestState', raw, '', ql, ql,
      (g, gloc, tq, k) => validateGraph(c, g, gloc, tq, tq, k));
  }
  if (!state || c.hasErrors) throw new AslValidationError(formatInvalidDefinition(c.diagnostics), c.diagnostics);
  return state;
}

/** AWS's InvalidDefinition message: every error as "CODE: message at location". */
export function formatInvalidDefinition(diagnostics: readonly Diagnostic[]): string {
  const parts = diagnostics
    .filter((d) => d.severity === 'ERROR')
    .map((d) => `${d.code}: ${d.message} at ${d.location ?? 'null'}`);
  return `Invalid State Machine Definition: '${parts.join(', ')}'`;
}

/** Parse and validate a definition string as CreateStateMachine does; throws AslValidationError. */
export function parseDefinition(text: string, options: ParseOptions = {}): StateMachine {
  const { c, machine } = run(text, options);
  if (!machine) throw new AslValidationError(formatInvalidDefinition(c.diagnostics), c.diagnostics);
  return machine;
}

/** ValidateStateMachineDefinition: every problem, not just the first. Never throws. */
export function validateDefinition(text: string, options: ValidateOptions = {}): ValidationResult {
  const { c } = run(text, options);
  const wanted = options.severity === 'WARNING' ? c.diagnostics : c.diagnostics.filter((d) => d.severity === 'ERROR');
  const max = options.maxResults && options.maxResults > 0 ? options.maxResults : 100;
  return {
    result: c.hasErrors ? 'FAIL' : 'OK',
    diagnostics: wanted.slice(0, max),
    truncated: wanted.length > max,
  };
}

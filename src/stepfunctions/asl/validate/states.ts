// Per-state validation: common fields (Type, query language, allowed fields, Next/End), then the
// type's own rules; returns the normalised model state. Nested graphs (Parallel branches, Map
// processors) are validated through the `graph` callback so one module owns graph rules.
import type {
  ChoiceState, FailState, Json, JsonObject, ParallelState, PassState, QueryLanguage, State,
  StateGraph, StateType, SucceedState, TaskState, WaitState,
} from '../model.js';
import { checkType, isObject, type Collector, type StateScope } from './collector.js';
import { ALLOWED_FIELDS, JSONATA_ONLY, JSONPATH_ONLY, STATE_TYPES } from './fields.js';
import {
  checkAssign, checkJsonataString, checkJsonataTemplate, checkPathField, checkPayloadTemplate, looksDynamic,
} from './expressions.js';
import { checkCatch, checkRetry } from './error-handling.js';
import { checkChoices } from './choice.js';
import { map } from './map.js';
import { exclusive, numberOrExpr } from './fieldchecks.js';
import { isJsonataExpression } from '../jsonata.js';
import { parseTimestamp } from '../timestamp.js';

export type GraphValidator = (
  raw: Json, loc: string, topQl: QueryLanguage, kind: 'branch' | 'processor',
) => StateGraph | undefined;

export function validateState(
  c: Collector, name: string, raw: Json, loc: string, graphQl: QueryLanguage, topQl: QueryLanguage, graph: GraphValidator,
): State | undefined {
  if (!isObject(raw)) {
    c.schema('A state must be an OBJECT', loc);
    return undefined;
  }
  if (raw.Type === undefined) {
    c.schema('These fields are required: [Type]', loc);
    return undefined;
  }
  if (typeof raw.Type !== 'string' || !(STATE_TYPES as readonly string[]).includes(raw.Type)) {
    c.schema(`The value for the field 'Type' must be one of [${STATE_TYPES.join(', ')}]`, `${loc}/Type`);
    return undefined;
  }
  const type = raw.Type as StateType;
  if (name.length > 80) c.error('INVALID_STATE_NAME', `State name '${name}' exceeds 80 characters`, loc);

  // Query language: a state may switch to JSONata under a JSONPath machine, not the reverse.
  let ql = graphQl;
  if (raw.QueryLanguage !== undefined) {
    if (raw.QueryLanguage !== 'JSONPath' && raw.QueryLanguage !== 'JSONata') {
      c.schema(`The value for the field 'QueryLanguage' must be one of [JSONPath, JSONata]`, `${loc}/QueryLanguage`);
    } else if (raw.QueryLanguage === 'JSONPath' && topQl === 'JSONata') {
      c.schema(`'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine`, loc);
    } else {
      ql = raw.QueryLanguage;
    }
  }
  const s: StateScope = { c, loc, name, ql, topQl };

  const allowed = ALLOWED_FIELDS[type];
  for (const k of Object.keys(raw)) {
    if (!allowed.has(k)) c.schema(`Field '${k}' is not supported`, loc);
    else if (ql === 'JSONPath' && JSONATA_ONLY.has(k)) {
      c.schema(`The QueryLanguage is set to 'JSONPath', but field '${k}' is only supported for the 'JSONata' QueryLanguage`, loc);
    } else if (ql === 'JSONata' && JSONPATH_ONLY.has(k)) {
      c.schema(`The QueryLanguage is set to 'JSONata', but field '${k}' is only supported for the 'JSONPath' QueryLanguage`, loc);
    }
  }
  if (raw.Comment !== undefined) checkType(c, raw.Comment, 'STRING', 'Comment', `${loc}/Comment`);

  // Next / End
  if (allowed.has('Next')) {
    const hasNext = raw.Next !== undefined;
    const end = raw.End === true;
    if (raw.End !== undefined) checkType(c, raw.End, 'BOOLEAN', 'End', `${loc}/End`);
    if (hasNext) checkType(c, raw.Next, 'STRING', 'Next', `${loc}/Next`);
    if (hasNext && end) c.schema(`Only one of 'Next' or 'End' can be specified`, loc);
    else if (!hasNext && !end) c.schema(`Either 'Next' or 'End: true' is required`, loc);
  }

  // Common data fields
  checkPathField(c, raw.InputPath, 'InputPath', loc, { nullable: true });
  checkPathField(c, raw.OutputPath, 'OutputPath', loc, { nullable: true });
  checkPathField(c, raw.ResultPath, 'ResultPath', loc, { nullable: true, reference: true, result: true });
  if (raw.Parameters !== undefined && ql === 'JSONPath') checkPayloadTemplate(c, raw.Parameters, `${loc}/Parameters`);
  if (raw.ResultSelector !== undefined) {
    if (checkType(c, raw.ResultSelector, 'OBJECT', 'ResultSelector', `${loc}/ResultSelector`)) checkPayloadTemplate(c, raw.ResultSelector, `${loc}/ResultSelector`);
  }
  if (raw.Arguments !== undefined && ql === 'JSONata') {
    if (!isObject(raw.Arguments) && !isJsonataExpression(raw.Arguments)) {
      c.schema(`The value for the field 'Arguments' must be an OBJECT or a JSONata expression`, `${loc}/Arguments`);
    }
    checkJsonataTemplate(c, raw.Arguments, `${loc}/Arguments`);
  }
  if (raw.Output !== undefined && ql === 'JSONata') checkJsonataTemplate(c, raw.Output, `${loc}/Output`);
  checkAssign(c, raw.Assign, loc, ql === 'JSONata');

  const base = {
    ...(raw as JsonObject),
    name,
    queryLanguage: ql,
  };

  if (type === 'Pass' && raw.Result !== undefined && containsDynamic(raw.Result)) {
    c.warning('PASS_RESULT_IS_STATIC', 'The Result field of a Pass state is static: paths and intrinsic functions in it are not evaluated', `${loc}/Result`);
  }
  for (const f of ['Error', 'Cause', 'Seconds', 'Timestamp', 'ItemsPath']) {
    const v = raw[f];
    if (!f.endsWith('Path') && ql === 'JSONPath' && typeof v === 'string' && looksDynamic(v)) {
      c.warning('NO_PATH', `The value of the field '${f}' looks like a JSONPath, but the field name does not end with 'Path'`, `${loc}/${f}`);
    }
  }

  switch (type) {
    case 'Pass': return base as unknown as PassState;
    case 'Succeed': return base as unknown as SucceedState;
    case 'Task': return task(s, raw, base);
    case 'Choice': return choice(s, raw, base);
    case 'Wait': return wait(s, raw, base);
    case 'Fail': return fail(s, raw, base);
    case 'Parallel': return parallel(s, raw, base, graph);
    case 'Map': return map(s, raw, base, graph);
  }
}

function containsDynamic(v: Json): boolean {
  if (typeof v === 'string') return looksDynamic(v);
  if (Array.isArray(v)) return v.some(containsDynamic);
  if (isObject(v)) return Object.entries(v).some(([k, x]) => k.endsWith('.$') || containsDynamic(x));
  return false;
}

function task(s: StateScope, raw: JsonObject, base: object): TaskState {
  if (raw.Resource === undefined) s.c.schema('These fields are required: [Resource]', s.loc);
  else if (typeof raw.Resource !== 'string') s.c.schema(`The value for the field 'Resource' must be a STRING`, `${s.loc}/Resource`);
  else if (!/^arn:[^:]+:[^:]*:[^:]*:[^:]*:.+/.test(raw.Resource)) {
    s.c.error('INVALID_RESOURCE', `The resource provided ${raw.Resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`, `${s.loc}/Resource`);
  }
  numberOrExpr(s, raw, 'TimeoutSeconds', 'POSITIVE_INTEGER');
  numberOrExpr(s, raw, 'HeartbeatSeconds', 'POSITIVE_INTEGER');
  exclusive(s, raw, 'TimeoutSeconds', 'TimeoutSecondsPath');
  exclusive(s, raw, 'HeartbeatSeconds', 'HeartbeatSecondsPath');
  checkPathField(s.c, raw.TimeoutSecondsPath, 'TimeoutSecondsPath', s.loc, { reference: true });
  checkPathField(s.c, raw.HeartbeatSecondsPath, 'HeartbeatSecondsPath', s.loc, { reference: true });
  if (typeof raw.TimeoutSeconds === 'number' && typeof raw.HeartbeatSeconds === 'number' && raw.HeartbeatSeconds >= raw.TimeoutSeconds) {
    s.c.schema(`HeartbeatSeconds must be smaller than TimeoutSeconds`, `${s.loc}/HeartbeatSeconds`);
  }
  if (raw.Credentials !== undefined) {
    if (checkType(s.c, raw.Credentials, 'OBJECT', 'Credentials', `${s.loc}/Credentials`)) {
      if (s.ql === 'JSONPath') checkPayloadTemplate(s.c, raw.Credentials, `${s.loc}/Credentials`);
      else checkJsonataTemplate(s.c, raw.Credentials, `${s.loc}/Credentials`);
    }
  }
  return { ...base, Retry: checkRetry(s, raw.Retry), Catch: checkCatch(s, raw.Catch) } as unknown as TaskState;
}

function choice(s: StateScope, raw: JsonObject, base: object): ChoiceState {
  if (raw.Default !== undefined) checkType(s.c, raw.Default, 'STRING', 'Default', `${s.loc}/Default`);
  return { ...base, Choices: checkChoices(s, raw) } as unknown as ChoiceState;
}

function wait(s: StateScope, raw: JsonObject, base: object): WaitState {
  const present = ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'].filter((k) => raw[k] !== undefined);
  if (present.length !== 1) {
    s.c.schema(`Exactly one of 'Seconds', 'Timestamp', 'SecondsPath' or 'TimestampPath' is required`, s.loc);
  }
  numberOrExpr(s, raw, 'Seconds', 'NON_NEGATIVE_INTEGER');
  if (raw.Timestamp !== undefined) {
    if (s.ql === 'JSONata' && isJsonataExpression(raw.Timestamp)) checkJsonataString(s.c, raw.Timestamp, `${s.loc}/Timestamp`);
    else if (typeof raw.Timestamp !== 'string') checkType(s.c, raw.Timestamp, 'STRING', 'Timestamp', `${s.loc}/Timestamp`);
    // AWS's wording (recorded), also for a JSONata expression in a JSONPath state.
    else if (!parseTimestamp(raw.Timestamp)) s.c.schema('String does not match RFC3339 timestamp', `${s.loc}/Timestamp`);
  }
  checkPathField(s.c, raw.SecondsPath, 'SecondsPath', s.loc, { reference: true });
  checkPathField(s.c, raw.TimestampPath, 'TimestampPath', s.loc, { reference: true });
  return base as unknown as WaitState;
}

function fail(s: StateScope, raw: JsonObject, base: object): FailState {
  exclusive(s, raw, 'Error', 'ErrorPath');
  exclusive(s, raw, 'Cause', 'CausePath');
  for (const f of ['Error', 'Cause']) {
    const v = raw[f];
    if (v === undefined) continue;
    if (checkType(s.c, v, 'STRING', f, `${s.loc}/${f}`) && s.ql === 'JSONata' && isJsonataExpression(v)) {
      checkJsonataString(s.c, v as string, `${s.loc}/${f}`);
    }
  }
  checkPathField(s.c, raw.ErrorPath, 'ErrorPath', s.loc, { intrinsic: true });
  checkPathField(s.c, raw.CausePath, 'CausePath', s.loc, { intrinsic: true });
  return base as unknown as FailState;
}

function parallel(s: StateScope, raw: JsonObject, base: object, graph: GraphValidator): ParallelState {
  const branches: StateGraph[] = [];
  if (raw.Branches === undefined) s.c.schema('These fields are required: [Branches]', s.loc);
  else if (!Array.isArray(raw.Branches) || raw.Branches.length === 0) {
    s.c.schema(`The value for the field 'Branches' must be a non-empty ARRAY`, `${s.loc}/Branches`);
  } else {
    raw.Branches.forEach((b, i) => {
      const g = graph(b, `${s.loc}/Branches[${i}]`, s.topQl, 'branch');
      if (g) branches.push(g);
    });
  }
  return { ...base, Branches: branches, Retry: checkRetry(s, raw.Retry), Catch: checkCatch(s, raw.Catch) } as unknown as ParallelState;
}

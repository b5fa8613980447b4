// Per-state validation: common fields (Type, query language, allowed fields, Next/End), then the
// type's own rules; returns the normalised model state. Nested graphs (Parallel branches, Map
// processors) are validated through the `graph` callback so one module owns graph rules.
import type {
  ChoiceState, FailState, Json, JsonObject, MapProcessor, MapState, ParallelState, PassState, QueryLanguage, State,
  StateGraph, StateType, SucceedState, TaskState, WaitState,
} from '../model.js';
import { checkType, isObject, type Collector, type StateScope } from './collector.js';
import { ALLOWED_FIELDS, JSONATA_ONLY, JSONPATH_ONLY, STATE_TYPES } from './fields.js';
import {
  checkAssign, checkJsonataString, checkJsonataTemplate, checkPathField, checkPayloadTemplate, looksDynamic,
} from './expressions.js';
import { checkCatch, checkRetry } from './error-handling.js';
import { checkChoices } from './choice.js';
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

function numberOrExpr(s: StateScope, raw: JsonObject, field: string, type: 'POSITIVE_INTEGER' | 'NON_NEGATIVE_INTEGER' | 'NUMBER'): void {
  const v = raw[field];
  if (v === undefined) return;
  if (s.ql === 'JSONata' && isJsonataExpression(v)) {
    checkJsonataString(s.c, v, `${s.loc}/${field}`);
    return;
  }
  checkType(s.c, v, type, field, `${s.loc}/${field}`);
}

function exclusive(s: StateScope, raw: JsonObject, a: string, b: string): void {
  if (raw[a] !== undefined && raw[b] !== undefined) s.c.schema(`Only one of '${a}' or '${b}' can be specified`, s.loc);
}

function task(s: StateScope, raw: JsonObject, base: object): TaskState {
  if (raw.Resource === undefined) s.c.schema('These fields are required: [Resource]', s.loc);
  else if (typeof raw.Resource !== 'string') s.c.schema(`The value for the field 'Resource' must be a STRING`, `${s.loc}/Resource`);
  else if (!/^arn:[^:]+:[^:]*:[^:]*:[^:]*:.+/.test(raw.Resource)) {
    s.c.error('INVALID_RESOURCE', `Resource '${raw.Resource}' is not a valid ARN`, `${s.loc}/Resource`);
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
    else if (typeof raw.Timestamp !== 'string' || !parseTimestamp(raw.Timestamp)) {
      s.c.schema(`The value for the field 'Timestamp' must be a valid ISO-8601 extended offset date-time format string`, `${s.loc}/Timestamp`);
    }
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

const MAP_SUBFIELDS: Record<string, readonly string[]> = {
  ItemReader: ['Resource', 'ReaderConfig', 'Parameters', 'Arguments'],
  ItemBatcher: ['MaxItemsPerBatch', 'MaxItemsPerBatchPath', 'MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath', 'BatchInput'],
  ResultWriter: ['Resource', 'Parameters', 'Arguments', 'WriterConfig'],
};

const DISTRIBUTED_ONLY = ['ItemReader', 'ItemBatcher', 'ResultWriter',
  'Label'];

function map(s: StateScope, raw: JsonObject, base: object, graph: GraphValidator): MapState {
  const c = s.c;
  const legacy = raw.Iterator !== undefined;
  const procField = legacy ? 'Iterator' : 'ItemProcessor';
  if (raw.ItemProcessor !== undefined && raw.Iterator !== undefined) c.schema(`Only one of 'ItemProcessor' or 'Iterator' can be specified`, s.loc);
  if (raw.ItemSelector !== undefined && raw.Parameters !== undefined) c.schema(`Only one of 'ItemSelector' or 'Parameters' can be specified`, s.loc);
  exclusive(s, raw, 'MaxConcurrency', 'MaxConcurrencyPath');
  exclusive(s, raw, 'ToleratedFailureCount', 'ToleratedFailureCountPath');
  exclusive(s, raw, 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath');
  exclusive(s, raw, 'ItemsPath', 'Items');

  let processor: MapProcessor | undefined;
  const rawProc = raw[procField];
  if (rawProc === undefined) {
    c.schema('These fields are required: [ItemProcessor]', s.loc);
  } else if (!isObject(rawProc)) {
    c.schema(`The value for the field '${procField}' must be a OBJECT`, `${s.loc}/${procField}`);
  } else {
    const ploc = `${s.loc}/${procField}`;
    if (rawProc.QueryLanguage !== undefined) c.schema(`Field 'QueryLanguage' is not supported`, ploc);
    let mode: 'INLINE' | 'DISTRIBUTED' = 'INLINE';
    let executionType: 'STANDARD' | 'EXPRESS' | undefined;
    const cfg = rawProc.ProcessorConfig;
    if (cfg !== undefined) {
      if (!isObject(cfg)) c.schema(`The value for the field 'ProcessorConfig' must be a OBJECT`, `${ploc}/ProcessorConfig`);
      else {
        for (const k of Object.keys(cfg)) if (k !== 'Mode' && k !== 'ExecutionType') c.schema(`Field '${k}' is not supported`, `${ploc}/ProcessorConfig`);
        if (cfg.Mode !== undefined && cfg.Mode !== 'INLINE' && cfg.Mode !== 'DISTRIBUTED') {
          c.schema(`The value for the field 'Mode' must be one of [INLINE, DISTRIBUTED]`, `${ploc}/ProcessorConfig/Mode`);
        } else if (cfg.Mode === 'DISTRIBUTED') mode = 'DISTRIBUTED';
        if (cfg.ExecutionType !== undefined) {
          if (cfg.ExecutionType !== 'STANDARD' && cfg.ExecutionType !== 'EXPRESS') {
            c.schema(`The value for the field 'ExecutionType' must be one of [STANDARD, EXPRESS]`, `${ploc}/ProcessorConfig/ExecutionType`);
          } else if (mode !== 'DISTRIBUTED') {
            c.schema(`Field 'ExecutionType' is only supported when 'Mode' is 'DISTRIBUTED'`, `${ploc}/ProcessorConfig`);
          } else executionType = cfg.ExecutionType;
        } else if (mode === 'DISTRIBUTED') {
          c.schema('These fields are required: [ExecutionType]', `${ploc}/ProcessorConfig`);
        }
      }
    }
    const { ProcessorConfig: _pc, QueryLanguage: _ql, ...graphRaw } = rawProc;
    const g = graph(graphRaw, ploc, s.topQl, 'processor');
    if (g) processor = { ...g, ProcessorConfig: executionType ? { Mode: mode, ExecutionType: executionType } : { Mode: mode } };
  }
  const distributed = processor?.ProcessorConfig.Mode === 'DISTRIBUTED';
  if (!distributed) {
    for (const k of DISTRIBUTED_ONLY) if (raw[k] !== undefined) c.schema(`Field '${k}' is only supported for a Map state in 'DISTRIBUTED' mode`, s.loc);
  }

  checkPathField(c, raw.ItemsPath, 'ItemsPath', s.loc, { reference: true });
  if (raw.Items !== undefined && s.ql === 'JSONata') {
    if (!Array.isArray(raw.Items) && !isJsonataExpression(raw.Items)) c.schema(`The value for the field 'Items' must be an ARRAY or a JSONata expression`, `${s.loc}/Items`);
    checkJsonataTemplate(c, raw.Items, `${s.loc}/Items`);
  }
  const selectorField = raw.ItemSelector !== undefined ? 'ItemSelector' : 'Parameters';
  const selector = raw.ItemSelector ?? raw.Parameters;
  if (raw.ItemSelector !== undefined) {
    if (s.ql === 'JSONPath') checkPayloadTemplate(c, raw.ItemSelector, `${s.loc}/ItemSelector`);
    else checkJsonataTemplate(c, raw.ItemSelector, `${s.loc}/ItemSelector`);
  }
  void selectorField;
  numberOrExpr(s, raw, 'MaxConcurrency', 'NON_NEGATIVE_INTEGER');
  numberOrExpr(s, raw, 'ToleratedFailureCount', 'NON_NEGATIVE_INTEGER');
  numberOrExpr(s, raw, 'ToleratedFailurePercentage', 'NUMBER');
  if (typeof raw.ToleratedFailurePercentage === 'number' && (raw.ToleratedFailurePercentage < 0 || raw.ToleratedFailurePercentage > 100)) {
    c.schema(`The value for the field 'ToleratedFailurePercentage' must be between 0 and 100`, `${s.loc}/ToleratedFailurePercentage`);
  }
  for (const f of ['MaxConcurrencyPath', 'ToleratedFailureCountPath', 'ToleratedFailurePercentagePath']) {
    checkPathField(c, raw[f], f, s.loc, { reference: true });
  }
  for (const [f, allowed] of Object.entries(MAP_SUBFIELDS)) {
    const v = raw[f];
    if (v === undefined || !checkType(c, v, 'OBJECT', f, `${s.loc}/${f}`)) continue;
    const obj = v as JsonObject;
    const floc = `${s.loc}/${f}`;
    for (const k of Object.keys(obj)) {
      if (!allowed.includes(k)) c.schema(`Field '${k}' is not supported`, floc);
      else if (s.ql === 'JSONPath' && (k === 'Arguments')) c.schema(`The QueryLanguage is set to 'JSONPath', but field '${k}' is only supported for the 'JSONata' QueryLanguage`, floc);
      else if (s.ql === 'JSONata' && (k === 'Parameters' || k.endsWith('Path'))) c.schema(`The QueryLanguage is set to 'JSONata', but field '${k}' is only supported for the 'JSONPath' QueryLanguage`, floc);
    }
    if ((f === 'ItemReader' || f === 'ResultWriter') && obj.Resource === undefined) c.schema('These fields are required: [Resource]', floc);
    if (obj.Resource !== undefined) checkType(c, obj.Resource, 'STRING', 'Resource', `${floc}/Resource`);
    for (const n of ['MaxItemsPerBatch', 'MaxInputBytesPerBatch']) {
      if (obj[n] !== undefined && !(s.ql === 'JSONata' && isJsonataExpression(obj[n]))) checkType(c, obj[n], 'POSITIVE_INTEGER', n, `${floc}/${n}`);
    }
    for (const n of ['MaxItemsPerBatchPath', 'MaxInputBytesPerBatchPath']) checkPathField(c, obj[n], n, floc, { reference: true });
    if (s.ql === 'JSONPath') {
      if (obj.Parameters !== undefined) checkPayloadTemplate(c, obj.Parameters, `${floc}/Parameters`);
      if (obj.BatchInput !== undefined) checkPayloadTemplate(c, obj.BatchInput, `${floc}/BatchInput`);
    } else {
      for (const n of ['Arguments', 'BatchInput', 'ReaderConfig', 'WriterConfig']) if (obj[n] !== undefined) checkJsonataTemplate(c, obj[n], `${floc}/${n}`);
    }
  }
  if (raw.Label !== undefined && checkType(c, raw.Label, 'STRING', 'Label', `${s.loc}/Label`)) {
    const label = raw.Label as string;
    if (label.length > 40 || /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/.test(label) || /[\u0000-\u001f\u007f-\u009f]/.test(label)) {
      c.error('INVALID_LABEL_NAME', `Label '${label}' is not valid`, `${s.loc}/Label`);
    }
  }
  const { Iterator: _it, Parameters: _p, ...rest } = base as JsonObject;
  return {
    ...rest,
    ...(processor ? { ItemProcessor: processor } : {}),
    legacyIterator: legacy,
    ...(selector !== undefined ? { ItemSelector: selector } : {}),
    Retry: checkRetry(s, raw.Retry),
    Catch: checkCatch(s, raw.Catch),
  } as unknown as MapState;
}

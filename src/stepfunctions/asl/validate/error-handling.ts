// Retry and Catch validation, with ASL defaults applied to the model.
import type { Catcher, Json, JsonObject, Retrier } from '../model.js';
import { checkType, isObject, type StateScope } from './collector.js';
import { checkAssign, checkJsonataTemplate, checkPathField } from './expressions.js';

const RETRY_FIELDS = new Set(['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment']);
const CATCH_FIELDS = new Set(['ErrorEquals', 'Next', 'ResultPath', 'Assign', 'Output', 'Comment']);

function checkErrorEquals(s: StateScope, value: Json | undefined, loc: string, isLast: boolean, kind: 'Retry' | 'Catch'): string[] {
  if (value === undefined) {
    s.c.schema('These fields are required: [ErrorEquals]', loc);
    return [];
  }
  if (!Array.isArray(value) || value.length === 0 || !value.every((e) => typeof e === 'string')) {
    s.c.schema(`The value for the field 'ErrorEquals' must be a non-empty ARRAY of STRING`, `${loc}/ErrorEquals`);
    return [];
  }
  const names = value as string[];
  if (names.includes('States.ALL')) {
    if (names.length > 1) s.c.schema(`Field 'ErrorEquals' with 'States.ALL' must not contain other error names`, `${loc}/ErrorEquals`);
    if (!isLast) s.c.schema(`The ${kind} with 'States.ALL' must be the last one`, `${loc}/ErrorEquals`);
  }
  return names;
}

export function checkRetry(s: StateScope, value: Json | undefined): Retrier[] {
  if (value === undefined) return [];
  const loc = `${s.loc}/Retry`;
  if (!Array.isArray(value)) {
    s.c.schema(`The value for the field 'Retry' must be a ARRAY`, loc);
    return [];
  }
  return value.map((r, i) => {
    const here = `${loc}[${i}]`;
    if (!isObject(r)) {
      s.c.schema(`The value for the field 'Retry' must be a ARRAY of OBJECT`, here);
      return defaultsRetrier([]);
    }
    for (const k of Object.keys(r)) if (!RETRY_FIELDS.has(k)) s.c.schema(`Field '${k}' is not supported`, here);
    const errors = checkErrorEquals(s, r.ErrorEquals, here, i === value.length - 1, 'Retry');
    if (r.IntervalSeconds !== undefined) checkType(s.c, r.IntervalSeconds, 'POSITIVE_INTEGER', 'IntervalSeconds', `${here}/IntervalSeconds`);
    if (r.MaxAttempts !== undefined) checkType(s.c, r.MaxAttempts, 'NON_NEGATIVE_INTEGER', 'MaxAttempts', `${here}/MaxAttempts`);
    if (r.MaxDelaySeconds !== undefined) checkType(s.c, r.MaxDelaySeconds, 'POSITIVE_INTEGER', 'MaxDelaySeconds', `${here}/MaxDelaySeconds`);
    if (r.BackoffRate !== undefined && (typeof r.BackoffRate !== 'number' || r.BackoffRate < 1)) {
      s.c.schema(`The value for the field 'BackoffRate' must be a NUMBER greater than or equal to 1.0`, `${here}/BackoffRate`);
    }
    if (r.JitterStrategy !== undefined && r.JitterStrategy !== 'FULL' && r.JitterStrategy !== 'NONE') {
      s.c.schema(`The value for the field 'JitterStrategy' must be one of [FULL, NONE]`, `${here}/JitterStrategy`);
    }
    if (r.Comment !== undefined) checkType(s.c, r.Comment, 'STRING', 'Comment', `${here}/Comment`);
    const out: Retrier = {
      ErrorEquals: errors,
      IntervalSeconds: typeof r.IntervalSeconds === 'number' ? r.IntervalSeconds : 1,
      MaxAttempts: typeof r.MaxAttempts === 'number' ? r.MaxAttempts : 3,
      BackoffRate: typeof r.BackoffRate === 'number' ? r.BackoffRate : 2,
      JitterStrategy: r.JitterStrategy === 'FULL' ? 'FULL' : 'NONE',
      ...(typeof r.MaxDelaySeconds === 'number' ? { MaxDelaySeconds: r.MaxDelaySeconds } : {}),
      ...(typeof r.Comment === 'string' ? { Comment: r.Comment } : {}),
    };
    return out;
  });
}

function defaultsRetrier(errors: string[]): Retrier {
  return { ErrorEquals: errors, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'NONE' };
}

export function checkCatch(s: StateScope, value: Json | undefined): Catcher[] {
  if (value === undefined) return [];
  const loc = `${s.loc}/Catch`;
  if (!Array.isArray(value)) {
    s.c.schema(`The value for the field 'Catch' must be a ARRAY`, loc);
    return [];
  }
  const jsonata = s.ql === 'JSONata';
  const out: Catcher[] = [];
  value.forEach((r, i) => {
    const here = `${loc}[${i}]`;
    if (!isObject(r)) {
      s.c.schema(`The value for the field 'Catch' must be a ARRAY of OBJECT`, here);
      return;
    }
    for (const k of Object.keys(r)) {
      if (!CATCH_FIELDS.has(k)) s.c.schema(`Field '${k}' is not supported`, here);
      else if (k === 'Output' && !jsonata) s.c.schema(`The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage`, here);
      else if (k === 'ResultPath' && jsonata) s.c.schema(`The QueryLanguage is set to 'JSONata', but field 'ResultPath' is only supported for the 'JSONPath' QueryLanguage`, here);
    }
    const errors = checkErrorEquals(s, r.ErrorEquals, here, i === value.length - 1, 'Catch');
    if (r.Next === undefined) s.c.schema('These fields are required: [Next]', here);
    else checkType(s.c, r.Next, 'STRING', 'Next', `${here}/Next`);
    checkPathField(s.c, r.ResultPath, 'ResultPath', here, { nullable: true, reference: true, result: true });
    checkAssign(s.c, r.Assign, here, jsonata);
    if (r.Output !== undefined && jsonata) checkJsonataTemplate(s.c, r.Output, `${here}/Output`);
    const cat: Catcher = {
      ErrorEquals: errors,
      Next: typeof r.Next === 'string' ? r.Next : '',
      ...(r.ResultPath !== undefined ? { ResultPath: r.ResultPath as string | null } : {}),
      ...(isObject(r.Assign) ? { Assign: r.Assign as JsonObject } : {}),
      ...(r.Output !== undefined ? { Output: r.Output } : {}),
      ...(typeof r.Comment === 'string' ? { Comment: r.Comment } : {}),
    };
    out.push(cat);
  });
  return out;
}

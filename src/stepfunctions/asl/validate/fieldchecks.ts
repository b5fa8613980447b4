// Checks for fields that take a number or (in JSONata) an expression, and mutually exclusive pairs.
import type { JsonObject } from '../model.js';
import { checkType, type StateScope } from './collector.js';
import { checkJsonataString } from './expressions.js';
import { isJsonataExpression } from '../jsonata.js';

export function numberOrExpr(s: StateScope, raw: JsonObject, field: string, type: 'POSITIVE_INTEGER' | 'NON_NEGATIVE_INTEGER' | 'NUMBER'): void {
  const v = raw[field];
  if (v === undefined) return;
  if (s.ql === 'JSONata' && isJsonataExpression(v)) {
    checkJsonataString(s.c, v, `${s.loc}/${field}`);
    return;
  }
  checkType(s.c, v, type, field, `${s.loc}/${field}`);
}

export function exclusive(s: StateScope, raw: JsonObject, a: string, b: string): void {
  if (raw[a] !== undefined && raw[b] !== undefined) s.c.schema(`Only one of '${a}' or '${b}' can be specified`, s.loc);
}


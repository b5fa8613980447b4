// Choice state validation: JSONPath rules (Variable + one operator, And/Or/Not, Next only at the
// top level of a rule) or JSONata rules (Condition + Next), with Default.
import { COMPARISON_OPERATORS, type ChoiceBranch, type ChoiceRule, type ComparisonOperator, type Json, type JsonObject } from '../model.js';
import { isObject, type StateScope } from './collector.js';
import { checkAssign, checkJsonataString, checkJsonataTemplate, isValidPath } from './expressions.js';
import { isJsonataExpression } from '../jsonata.js';
import { parseTimestamp } from '../timestamp.js';

const OPERATORS = new Set<string>(COMPARISON_OPERATORS);

function checkOperand(s: StateScope, op: ComparisonOperator, value: Json, loc: string): boolean {
  const bad = (type: string): false => {
    s.c.schema(`The value for the field '${op}' must be a ${type}`, `${loc}/${op}`);
    return false;
  };
  if (op.endsWith('Path')) return typeof value === 'string' && isValidPath(value) ? true : bad('valid JSONPath');
  if (op.startsWith('Is') || op === 'BooleanEquals') return typeof value === 'boolean' ? true : bad('BOOLEAN');
  if (op.startsWith('Numeric')) return typeof value === 'number' ? true : bad('NUMBER');
  if (op.startsWith('Timestamp')) return typeof value === 'string' && parseTimestamp(value) ? true : bad('valid ISO-8601 timestamp STRING');
  return typeof value === 'string' ? true : bad('STRING');
}

function parseRule(s: StateScope, r: Json, loc: string, topLevel: boolean): ChoiceRule | undefined {
  if (!isObject(r)) {
    s.c.schema('A choice rule must be an OBJECT', loc);
    return undefined;
  }
  const allowedMeta = new Set(topLevel ? ['Next', 'Comment', 'Assign'] : ['Comment']);
  const ops = Object.keys(r).filter((k) => OPERATORS.has(k));
  const logical = Object.keys(r).filter((k) => k === 'And' || k === 'Or' || k === 'Not');
  for (const k of Object.keys(r)) {
    if (!OPERATORS.has(k) && k !== 'And' && k !== 'Or' && k !== 'Not' && k !== 'Variable' && !allowedMeta.has(k)) {
      s.c.schema(`Field '${k}' is not supported`, loc);
    }
  }
  if (logical.length + ops.length !== 1) {
    s.c.schema('A choice rule must contain exactly one comparison operator or one of And, Or, Not', loc);
    return undefined;
  }
  const key = (logical[0] ?? ops[0]) as string;
  if (key === 'And' || key === 'Or') {
    if (r.Variable !== undefined) s.c.schema(`Field 'Variable' is not supported`, loc);
    const list = r[key];
    if (!Array.isArray(list) || list.length === 0) {
      s.c.schema(`The value for the field '${key}' must be a non-empty ARRAY`, `${loc}/${key}`);
      return undefined;
    }
    const rules = list.map((x, i) => parseRule(s, x, `${loc}/${key}[${i}]`, false));
    if (rules.some((x) => x === undefined)) return undefined;
    return { kind: key === 'And' ? 'and' : 'or', rules: rules as ChoiceRule[] };
  }
  if (key === 'Not') {
    if (r.Variable !== undefined) s.c.schema(`Field 'Variable' is not supported`, loc);
    const inner = parseRule(s, r.Not as Json, `${loc}/Not`, false);
    return inner ? { kind: 'not', rule: inner } : undefined;
  }
  const op = key as ComparisonOperator;
  if (typeof r.Variable !== 'string') {
    s.c.schema(r.Variable === undefined ? 'These fields are required: [Variable]' : `The value for the field 'Variable' must be a STRING`, loc);
    return undefined;
  }
  if (!isValidPath(r.Variable)) {
    s.c.schema(`The value for the field 'Variable' must be a valid JSONPath`, `${loc}/Variable`);
    return undefined;
  }
  if (!checkOperand(s, op, r[op] as Json, loc)) return undefined;
  return { kind: 'compare', variable: r.Variable, operator: op, value: r[op] as Json };
}

export function checkChoices(s: StateScope, raw: JsonObject): ChoiceBranch[] {
  const loc = `${s.loc}/Choices`;
  const choices = raw.Choices;
  if (choices === undefined) {
    s.c.schema('These fields are required: [Choices]', s.loc);
    return [];
  }
  if (!Array.isArray(choices) || choices.length === 0) {
    s.c.schema(`The value for the field 'Choices' must be a non-empty ARRAY`, loc);
    return [];
  }
  const jsonata = s.ql === 'JSONata';
  const out: ChoiceBranch[] = [];
  choices.forEach((r, i) => {
    const here = `${loc}[${i}]`;
    if (!isObject(r)) {
      s.c.schema('A choice rule must be an OBJECT', here);
      return;
    }
    if (typeof r.Next !== 'string') {
      s.c.schema(r.Next === undefined ? 'These fields are required: [Next]' : `The value for the field 'Next' must be a STRING`, here);
    }
    checkAssign(s.c, r.Assign, here, jsonata);
    const common = {
      Next: typeof r.Next === 'string' ? r.Next : '',
      ...(isObject(r.Assign) ? { Assign: r.Assign } : {}),
      ...(typeof r.Comment === 'string' ? { Comment: r.Comment } : {}),
    };
    if (jsonata) {
      for (const k of Object.keys(r)) {
        if (!['Condition', 'Next', 'Assign', 'Output', 'Comment'].includes(k)) {
          s.c.schema(OPERATORS.has(k) || k === 'Variable' || k === 'And' || k === 'Or' || k === 'Not'
            ? `The QueryLanguage is set to 'JSONata', but field '${k}' is only supported for the 'JSONPath' QueryLanguage`
            : `Field '${k}' is not supported`, here);
        }
      }
      if (r.Condition === undefined) s.c.schema('These fields are required: [Condition]', here);
      else if (typeof r.Condition === 'boolean') { /* literal true/false is accepted */ }
      else if (!isJsonataExpression(r.Condition)) s.c.schema(`The value for the field 'Condition' must be a JSONata expression`, `${here}/Condition`);
      else checkJsonataString(s.c, r.Condition, `${here}/Condition`);
      if (r.Output !== undefined) checkJsonataTemplate(s.c, r.Output, `${here}/Output`);
      out.push({
        ...common,
        Condition: typeof r.Condition === 'boolean' ? `{% ${String(r.Condition)} %}` : String(r.Condition ?? ''),
        ...(r.Output !== undefined ? { Output: r.Output } : {}),
      });
    } else {
      if (r.Output !== undefined || r.Condition !== undefined) {
        const k = r.Output !== undefined ? 'Output' : 'Condition';
        s.c.schema(`The QueryLanguage is set to 'JSONPath', but field '${k}' is only supported for the 'JSONata' QueryLanguage`, here);
      }
      const { Output: _o, Condition: _c, ...rest } = r;
      const rule = parseRule(s, rest, here, true);
      if (rule) out.push({ ...common, rule });
    }
  });
  return out;
}

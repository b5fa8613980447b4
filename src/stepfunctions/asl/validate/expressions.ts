// Static checks of the expressions inside a definition: JSONPath reference paths, payload
// templates (`key.$` values), intrinsic call syntax, and JSONata `{% %}` expressions (syntax,
// and AWS's rule that an expression may not read the implicit top-level context).
import type { Json } from '../model.js';
import { parsePath } from '../jsonpath.js';
import { intrinsicSyntaxError, isIntrinsic } from '../intrinsics/index.js';
import { compileJsonata, expressionText, isJsonataExpression } from '../jsonata.js';
import { isObject, seg, type Collector } from './collector.js';

/** A reference path: `$`-rooted and definite (no wildcards/filters), e.g. ResultPath. */
export function isReferencePath(path: string): boolean {
  const p = parsePath(path);
  return p !== null && p.tokens !== undefined;
}

/** ResultPath writes into the state input: only `$`-rooted definite paths (no `$$`, no variables). */
export function isResultPath(path: string): boolean {
  const p = parsePath(path);
  return p !== null && p.tokens !== undefined && p.source === 'input';
}

export function isValidPath(path: string): boolean {
  return parsePath(path) !== null;
}

/** InputPath / OutputPath / ItemsPath / …Path: a path (or null where allowed). */
export function checkPathField(c: Collector, value: Json | undefined, field: string, loc: string, opts: { nullable?: boolean; reference?: boolean; intrinsic?: boolean; result?: boolean } = {}): void {
  if (value === undefined) return;
  if (value === null && opts.nullable) return;
  if (typeof value !== 'string') {
    c.schema(`The value for the field '${field}' must be a STRING`, `${loc}/${field}`);
    return;
  }
  if (opts.intrinsic && isIntrinsic(value)) {
    const err = intrinsicSyntaxError(value);
    if (err) c.schema(`The value for the field '${field}' must be a valid JSONPath or a valid intrinsic function call`, `${loc}/${field}`);
    return;
  }
  const ok = opts.result ? isResultPath(value) : opts.reference ? isReferencePath(value) : isValidPath(value);
  if (!ok) c.schema(`The value for the field '${field}' must be a valid ${opts.reference ? 'Reference Path' : 'JSONPath'}`, `${loc}/${field}`);
}

/** Payload template (Parameters, ItemSelector, ResultSelector, JSONPath Assign): every `.$` value must be a path or intrinsic. */
export function checkPayloadTemplate(c: Collector, value: Json, loc: string): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkPayloadTemplate(c, v, `${loc}[${i}]`));
    return;
  }
  if (!isObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const here = `${loc}/${seg(k)}`;
    if (k.endsWith('.$')) {
      if (typeof v !== 'string') {
        // AWS: "The value for the field 'arrayField.$' must be a STRING that contains a JSONPath but was an ARRAY".
        const t = Array.isArray(v) ? 'an ARRAY' : v === null ? 'a NULL' : typeof v === 'object' ? 'an OBJECT' : typeof v === 'number' ? 'a NUMBER' : 'a BOOLEAN';
        c.schema(`The value for the field '${k}' must be a STRING that contains a JSONPath but was ${t}`, here);
      } else if (isIntrinsic(v)) {
        if (intrinsicSyntaxError(v)) c.schema(`The value for the field '${k}' must be a valid JSONPath or a valid intrinsic function call`, here);
      } else if (!isValidPath(v)) {
        c.schema(`The value for the field '${k}' must be a valid JSONPath or a valid intrinsic function call`, here);
      }
    } else {
      if (typeof v === 'string' && looksDynamic(v)) {
        c.warning('NO_DOLLAR', `The value of the field '${k}' looks like a JSONPath or an intrinsic function, but the field name does not end with '.$'`, here);
      }
      checkPayloadTemplate(c, v, here);
    }
  }
}

/** A literal that was probably meant to be evaluated (`$.x`, `$$.x`, `States.Format(...)`). */
export function looksDynamic(v: string): boolean {
  return /^\$\$?[.[]/.test(v) || isIntrinsic(v);
}

interface AstNode {
  type: string;
  value?: unknown;
  steps?: AstNode[];
  [k: string]: unknown;
}

/** Names read from the implicit input (AWS forbids them: there is no input context in JSONata states). */
function topLevelReferences(ast: AstNode): string[] {
  const out: string[] = [];
  const visit = (n: unknown, top: boolean): void => {
    if (Array.isArray(n)) { for (const x of n) visit(x, top); return; }
    if (!n || typeof n !== 'object') return;
    const node = n as AstNode;
    if (node.type === 'name' && top) { out.push(String(node.value)); return; }
    if (node.type === 'path' && Array.isArray(node.steps)) {
      const [first, ...rest] = node.steps;
      visit(first, top);
      // Later steps are relative to the previous one; only their embedded expressions
      // (function arguments, predicates) may reach back to the top level, which we skip.
      for (const s of rest) if (s.type !== 'name') visitChildren(s, false);
      return;
    }
    visitChildren(node, top);
  };
  const visitChildren = (node: AstNode, top: boolean): void => {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'position' || k === 'value' || k === 'type') continue;
      if (k === 'stages' || k === 'predicate' || k === 'group' || k === 'focus' || k === 'tuple') continue;
      visit(v, top);
    }
  };
  visit(ast, true);
  return out;
}

/** Check one `{% %}` string. */
export function checkJsonataString(c: Collector, value: string, loc: string): void {
  const expr = expressionText(value);
  let ast: AstNode;
  try {
    ast = compileJsonata(expr).ast() as unknown as AstNode;
  } catch (e) {
    c.error('INVALID_JSONATA_EXPRESSION', (e as Error).message, loc);
    return;
  }
  const refs = topLevelReferences(ast);
  if (refs.length > 0) c.error('UNSUPPORTED_JSONATA_EXPRESSION', `Reference to '${refs[0]}' at the top level is not supported.`, loc);
}

/** Check every `{% %}` string inside a JSON value (JSONata Arguments/Output/Assign…). */
export function checkJsonataTemplate(c: Collector, value: Json, loc: string): void {
  if (typeof value === 'string') {
    if (isJsonataExpression(value)) checkJsonataString(c, value, loc);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkJsonataTemplate(c, v, `${loc}[${i}]`));
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) checkJsonataTemplate(c, v, `${loc}/${seg(k)}`);
  }
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Assign: an object of variable names; JSONPath values are payload templates, JSONata values templates. */
export function checkAssign(c: Collector, value: Json | undefined, loc: string, jsonata: boolean): void {
  if (value === undefined) return;
  if (!isObject(value)) {
    c.schema(`The value for the field 'Assign' must be a OBJECT`, `${loc}/Assign`);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const name = !jsonata && k.endsWith('.$') ? k.slice(0, -2) : k;
    if (!VARIABLE_NAME.test(name) || name === 'states') {
      c.schema(`The variable name '${name}' is not valid`, `${loc}/Assign/${seg(k)}`);
    }
    if (jsonata) checkJsonataTemplate(c, v, `${loc}/Assign/${seg(k)}`);
  }
  if (!jsonata) checkPayloadTemplate(c, value, `${loc}/Assign`);
}

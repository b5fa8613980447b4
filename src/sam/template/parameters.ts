// Template parameters: `--parameter-overrides` parsing, types, defaults and constraints, checked the
// way CloudFormation checks them (before anything is created).
import { TemplateError, joinPath } from './errors.js';
import type { Json } from './yaml.js';

/** Parses `Key=Value Key2=Value2` (also `ParameterKey=K,ParameterValue=V`, as sam accepts). Values
 * may be quoted: `Msg="hello world"`. */
export function parseParameterOverrides(args: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const arg of args) {
    for (const token of splitTokens(arg)) {
      const long = /^ParameterKey=([^,]+),ParameterValue=(.*)$/.exec(token);
      if (long) {
        out.set(long[1]!, unquote(long[2]!));
        continue;
      }
      const eq = token.indexOf('=');
      if (eq < 1) throw new TemplateError('--parameter-overrides', `"${token}" is not Key=Value`);
      out.set(token.slice(0, eq), unquote(token.slice(eq + 1)));
    }
  }
  return out;
}

function splitTokens(s: string): string[] {
  const tokens: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = null;
      cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      cur += ch;
    } else if (/\s/.test(ch)) {
      if (cur) tokens.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) tokens.push(cur);
  return tokens;
}

function unquote(v: string): string {
  return v.replace(/^(["'])(.*)\1$/s, '$2').replace(/(?<==)(["'])(.*)\1$/s, '$2');
}

const LIST_TYPES = new Set(['CommaDelimitedList', 'List<Number>', 'List<String>']);

/**
 * Resolves every declared parameter to its value (string, or list for list types). With `unset`, a
 * parameter without Default or value takes that stand-in instead of being an error (`nimbus build`:
 * SAM CLI builds such templates, the values come with `sam deploy`).
 */
export function resolveParameters(
  decls: Record<string, Json> | undefined,
  overrides: ReadonlyMap<string, string>,
  errors: TemplateError[],
  unset?: string,
): Map<string, string | string[]> {
  const out = new Map<string, string | string[]>();
  const declared = decls ?? {};
  for (const key of overrides.keys()) {
    if (!(key in declared)) errors.push(new TemplateError('--parameter-overrides', `parameter "${key}" is not declared in the template's Parameters`));
  }
  for (const [name, declRaw] of Object.entries(declared)) {
    const path = joinPath('Parameters', name);
    if (!/^[A-Za-z0-9]+$/.test(name)) errors.push(new TemplateError(path, 'parameter names must be alphanumeric'));
    if (declRaw === null || typeof declRaw !== 'object' || Array.isArray(declRaw)) {
      errors.push(new TemplateError(path, 'a parameter must be a mapping with a Type'));
      continue;
    }
    const decl = declRaw as Record<string, Json>;
    const type = decl.Type;
    if (typeof type !== 'string') {
      errors.push(new TemplateError(joinPath(path, 'Type'), 'every parameter needs a Type'));
      continue;
    }
    if (type.startsWith('AWS::SSM::Parameter::')) {
      errors.push(new TemplateError(joinPath(path, 'Type'), `${type} is not supported by Nimbus (no SSM Parameter Store)`));
      continue;
    }
    const given = overrides.get(name);
    const dflt = decl.Default;
    let raw: string | undefined = given ?? (dflt === undefined || dflt === null ? undefined : Array.isArray(dflt) ? dflt.join(',') : String(dflt));
    if (raw === undefined && unset !== undefined) {
      out.set(name, unset);
      continue;
    }
    if (raw === undefined) {
      errors.push(new TemplateError(path, `parameter ${name} has no Default and no value was given (--parameter-overrides ${name}=...)`));
      continue;
    }
    const where = given !== undefined ? `value "${raw}" of parameter ${name}` : `Default "${raw}" of parameter ${name}`;
    const isList = LIST_TYPES.has(type) || type.startsWith('List<');
    const values = isList ? (raw === '' ? [] : raw.split(',').map((s) => s.trim())) : [raw];
    const numeric = type === 'Number' || type === 'List<Number>';
    let ok = true;
    const bad = (msg: string) => {
      errors.push(new TemplateError(path, `${where} ${msg}`));
      ok = false;
    };
    for (const v of values) {
      if (numeric && (v.trim() === '' || !Number.isFinite(Number(v)))) bad('is not a number');
      if (Array.isArray(decl.AllowedValues) && !decl.AllowedValues.map(String).includes(v)) {
        bad(`is not one of AllowedValues [${decl.AllowedValues.map(String).join(', ')}]`);
      }
      if (typeof decl.AllowedPattern === 'string' && !new RegExp(`^(?:${decl.AllowedPattern})$`).test(v)) {
        bad(`${typeof decl.ConstraintDescription === 'string' ? `: ${decl.ConstraintDescription}` : `does not match AllowedPattern ${decl.AllowedPattern}`}`);
      }
      if (typeof decl.MinLength === 'number' && v.length < decl.MinLength) bad(`is shorter than MinLength ${decl.MinLength}`);
      if (typeof decl.MaxLength === 'number' && v.length > decl.MaxLength) bad(`is longer than MaxLength ${decl.MaxLength}`);
      if (numeric && typeof decl.MinValue === 'number' && Number(v) < decl.MinValue) bad(`is less than MinValue ${decl.MinValue}`);
      if (numeric && typeof decl.MaxValue === 'number' && Number(v) > decl.MaxValue) bad(`is greater than MaxValue ${decl.MaxValue}`);
    }
    if (ok) out.set(name, isList ? values : raw);
  }
  return out;
}

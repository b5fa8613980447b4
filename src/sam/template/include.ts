// The `AWS::Include` transform: `Fn::Transform: {Name: AWS::Include, Parameters: {Location: file}}`
// is replaced by the file's content (YAML or JSON) before anything else reads the template, as
// CloudFormation processes it before the SAM transform. SAM apps use it mostly to keep an API's
// OpenAPI document (`DefinitionBody`) in its own file. Locations are local paths, relative to the
// template's folder (`sam package` would upload them to S3; Nimbus reads them where they are).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { TemplateError, joinPath } from './errors.js';
import { parseTemplateText, type Json } from './yaml.js';

type Obj = Record<string, Json>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The include's Location when `value` is `{Fn::Transform: {Name: AWS::Include, …}}`. */
function includeOf(value: Json): { location: Json } | undefined {
  if (!isObj(value) || Object.keys(value).length !== 1 || !isObj(value['Fn::Transform'])) return undefined;
  const tr = value['Fn::Transform'];
  if (tr.Name !== 'AWS::Include') return undefined;
  return { location: isObj(tr.Parameters) ? (tr.Parameters.Location ?? null) : null };
}

/** Replaces every AWS::Include with its file's content (an included file may include others). */
export function expandIncludes(value: Json, templateDir: string, errors: TemplateError[], path = '', depth = 0): Json {
  const inc = includeOf(value);
  if (inc) {
    const p = joinPath(path, 'Fn::Transform.Parameters.Location');
    const loc = inc.location;
    if (typeof loc !== 'string' || !loc) {
      errors.push(new TemplateError(p, 'AWS::Include needs a Location (a file path)'));
      return null;
    }
    if (/^s3:\/\//.test(loc) || /^https?:\/\//.test(loc)) {
      errors.push(new TemplateError(p, `${loc}: S3 locations are not supported by Nimbus (use a local file path)`));
      return null;
    }
    const abs = isAbsolute(loc) ? loc : join(templateDir, loc);
    if (!existsSync(abs) || !statSync(abs).isFile()) {
      errors.push(new TemplateError(p, `${loc} does not exist (looked in ${abs})`));
      return null;
    }
    if (depth > 10) {
      errors.push(new TemplateError(p, 'AWS::Include nested more than 10 levels deep'));
      return null;
    }
    let doc: Json;
    try {
      doc = parseTemplateText(readFileSync(abs, 'utf8'), abs);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      errors.push(new TemplateError(p, err.message));
      return null;
    }
    return expandIncludes(doc, templateDir, errors, path, depth + 1);
  }
  if (Array.isArray(value)) return value.map((v, i) => expandIncludes(v, templateDir, errors, `${path}[${i}]`, depth));
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) out[k] = expandIncludes(v, templateDir, errors, joinPath(path, k), depth);
    return out;
  }
  return value;
}

/** `nimbus build` writes the template elsewhere: include Locations are rewritten relative to it. */
export function rebaseIncludes(value: Json, fromDir: string, toDir: string): void {
  const inc = includeOf(value);
  if (inc && typeof inc.location === 'string' && !isAbsolute(inc.location) && !/^[a-z0-9]+:\/\//i.test(inc.location)) {
    ((value as Obj)['Fn::Transform'] as Obj & { Parameters: Obj }).Parameters.Location = relative(toDir, join(fromDir, inc.location)) || '.';
    return;
  }
  if (Array.isArray(value)) for (const v of value) rebaseIncludes(v, fromDir, toDir);
  else if (isObj(value)) for (const v of Object.values(value)) rebaseIncludes(v, fromDir, toDir);
}

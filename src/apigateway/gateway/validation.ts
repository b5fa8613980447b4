// Request validation (a method's request validator): required parameters, and the body against the
// method's model for the request content type (JSON Schema draft 4 via ajv + ajv-draft-04). Models
// compile once per deployment snapshot, each registered under AWS's model URL so `$ref`s between
// models resolve. Error strings follow the wording AWS's validator uses in `validationErrorString`.
import AjvDraft04 from 'ajv-draft-04';
import type { ErrorObject, ValidateFunction } from 'ajv-draft-04';
import type { DeploymentSnapshot, Method } from '../core/model.js';
import { contentType, header, type Call } from './call.js';
import { configurationError, invalidRequestBody, missingParameters } from './errors.js';

// The package is CommonJS (`module.exports = Ajv`): under NodeNext the class is the default export
// at run time, while its typings describe `default` as a property.
const Ajv = ((AjvDraft04 as unknown as { default?: typeof AjvDraft04 }).default ?? AjvDraft04) as unknown as new (
  opts: Record<string, unknown>,
) => AjvInstance;
interface AjvInstance {
  addSchema(schema: object, key: string): unknown;
  getSchema(key: string): ValidateFunction | undefined;
}
type Compiled = Map<string, ValidateFunction | null>;
const compiled = new WeakMap<DeploymentSnapshot, { ajv: AjvInstance; fns: Compiled }>();

function modelUrl(apiId: string, name: string): string {
  return `https://apigateway.amazonaws.com/restapis/${apiId}/models/${name}`;
}

function validatorFor(snapshot: DeploymentSnapshot, modelName: string): ValidateFunction | null {
  let entry = compiled.get(snapshot);
  if (!entry) {
    const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false, logger: false });
    for (const m of Object.values(snapshot.models)) {
      if (!m.schema) continue;
      try {
        const schema = JSON.parse(m.schema) as Record<string, unknown>;
        delete schema['id'];
        delete schema['$id'];
        ajv.addSchema(schema, modelUrl(snapshot.apiId, m.name));
      } catch {
        // An unparsable model cannot be used; validation against it is a configuration error below.
      }
    }
    entry = { ajv, fns: new Map() };
    compiled.set(snapshot, entry);
  }
  let fn = entry.fns.get(modelName);
  if (fn === undefined) {
    try {
      fn = entry.ajv.getSchema(modelUrl(snapshot.apiId, modelName)) ?? null;
    } catch {
      fn = null;
    }
    entry.fns.set(modelName, fn);
  }
  return fn;
}

const q = (v: unknown) => JSON.stringify(v);

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `object has missing required properties ([${q(p['missingProperty'])}])`;
    case 'type':
      return `instance type (${jsonType(e.data)}) does not match any allowed primitive type (allowed: [${String(p['type'])
        .split(',')
        .map(q)
        .join(',')}])`;
    case 'enum':
      return `instance value (${q(e.data)}) not found in enum (possible values: ${q(p['allowedValues'])})`;
    case 'minimum':
      return `numeric instance is lower than the required minimum (minimum: ${String(p['limit'])}, found: ${String(e.data)})`;
    case 'maximum':
      return `numeric instance is greater than the required maximum (maximum: ${String(p['limit'])}, found: ${String(e.data)})`;
    case 'minLength':
      return `string ${q(e.data)} is too short (length: ${String((e.data as string).length)}, required minimum: ${String(p['limit'])})`;
    case 'maxLength':
      return `string ${q(e.data)} is too long (length: ${String((e.data as string).length)}, maximum allowed: ${String(p['limit'])})`;
    case 'pattern':
      return `ECMA 262 regex ${q(p['pattern'])} does not match input string ${q(e.data)}`;
    case 'additionalProperties':
      return `object instance has properties which are not allowed by the schema: [${q(p['additionalProperty'])}]`;
    case 'minItems':
      return `array is too short: must have at least ${String(p['limit'])} elements but instance has ${String((e.data as unknown[]).length)} elements`;
    case 'maxItems':
      return `array is too long: must have at most ${String(p['limit'])} elements but instance has ${String((e.data as unknown[]).length)} elements`;
    default:
      return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`;
  }
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Required `method.request.*` parameters that are absent, in declaration order. */
function missing(call: Call, method: Method): string[] {
  const names: string[] = [];
  for (const [param, required] of Object.entries(method.requestParameters)) {
    if (!required) continue;
    let present = true;
    if (param.startsWith('method.request.querystring.')) present = call.query.single[param.slice(27)] !== undefined;
    else if (param.startsWith('method.request.header.')) present = header(call, param.slice(22)) !== undefined;
    else if (param.startsWith('method.request.path.')) present = call.pathParameters?.[param.slice(20)] !== undefined;
    else if (param.startsWith('method.request.multivaluequerystring.')) present = call.query.multi[param.slice(37)] !== undefined;
    else if (param.startsWith('method.request.multivalueheader.')) present = header(call, param.slice(32)) !== undefined;
    if (!present) names.push(param.slice(param.lastIndexOf('.') + 1));
  }
  return names;
}

export function validateRequest(call: Call, method: Method, snapshot: DeploymentSnapshot): void {
  const id = method.requestValidatorId;
  if (!id) return;
  const validator = snapshot.requestValidators[id];
  if (!validator) return;
  if (validator.validateRequestParameters) {
    const names = missing(call, method);
    if (names.length > 0) throw missingParameters(names);
  }
  if (validator.validateRequestBody) {
    const ct = contentType(call);
    const modelName = method.requestModels[ct] ?? method.requestModels['$default'];
    if (!modelName || modelName === 'Empty') return;
    const fn = validatorFor(snapshot, modelName);
    if (!fn) throw configurationError();
    let data: unknown;
    try {
      data = call.body.length === 0 ? {} : JSON.parse(call.body.toString('utf8'));
    } catch {
      throw invalidRequestBody('[Invalid JSON in request body]');
    }
    if (!fn(data)) {
      const errs = (fn.errors ?? []).map(describe);
      throw invalidRequestBody(`[${errs.join(', ')}]`);
    }
  }
}

// Layer identifiers as Lambda accepts them: a LayerName (a name or a layer ARN), a layer version
// ARN, with the patterns and validation messages of Lambda's API.
import { constraintViolation } from '../errors.js';

const LAYER_NAME_PATTERN = '(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+';
const LAYER_VERSION_ARN_PATTERN = 'arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+';
/** GetLayerVersionByArn's own, stricter pattern, as its messages print it. */
const BY_ARN_PATTERN = 'arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+';
const BY_ARN = new RegExp(`^${BY_ARN_PATTERN}$`);
/** What a function's Layers entries must match (AWS-managed `awslayer` ARNs included). */
const FUNCTION_LAYER_PATTERN = `(${LAYER_VERSION_ARN_PATTERN})|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)`;

const LAYER_ARN = /^arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+)$/;
const PLAIN_NAME = /^[a-zA-Z0-9-_]+$/;
const VERSION_ARN = /^arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+):([0-9]+)$/;
const FUNCTION_LAYER = new RegExp(`^(${FUNCTION_LAYER_PATTERN})$`);

export interface LayerRef {
  readonly name: string;
  /** Account and region named in an ARN, if any. */
  readonly accountId?: string;
  readonly region?: string;
}

export interface LayerVersionRef {
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly version: number;
}

/** A LayerName parameter: a plain name or the layer's ARN. */
export function parseLayerName(input: unknown): LayerRef {
  const value = typeof input === 'string' ? input : '';
  const arn = LAYER_ARN.exec(value);
  if (value.length < 1 || value.length > 140 || !(arn || PLAIN_NAME.test(value))) {
    const constraint = value.length > 140 ? 'Member must have length less than or equal to 140' : `Member must satisfy regular expression pattern: ${LAYER_NAME_PATTERN}`;
    throw constraintViolation(input, 'layerName', constraint);
  }
  return arn ? { name: arn[3]!, region: arn[1]!, accountId: arn[2]! } : { name: value };
}

/** GetLayerVersionByArn's Arn parameter. */
export function parseLayerVersionArnParam(input: unknown): LayerVersionRef {
  const value = typeof input === 'string' ? input : '';
  if (!BY_ARN.test(value) || !VERSION_ARN.test(value) || value.length > 140) {
    throw constraintViolation(input, 'arn', `Member must satisfy regular expression pattern: ${BY_ARN_PATTERN}`);
  }
  return parseLayerVersionArn(value);
}

/** A layer version ARN already known to be well formed (see validateFunctionLayers). */
export function parseLayerVersionArn(arn: string): LayerVersionRef {
  const m = VERSION_ARN.exec(arn);
  // AWS-managed layers (`…:awslayer:…`) pass the pattern but exist nowhere here.
  if (!m) return { name: '', accountId: '', region: '', version: 0 };
  return { region: m[1]!, accountId: m[2]!, name: m[3]!, version: Number(m[4]) };
}

/** A function's Layers list: strings matching Lambda's pattern, reported as AWS words it. */
export function validateFunctionLayers(input: unknown): string[] {
  if (!Array.isArray(input)) throw constraintViolation(input, 'layers', 'Member must be a list of layer version ARNs');
  for (const item of input) {
    if (typeof item !== 'string' || item.length < 1 || item.length > 140 || !FUNCTION_LAYER.test(item)) {
      throw constraintViolation(
        `[${input.map(String).join(', ')}]`,
        'layers',
        `Member must satisfy constraint: [Member must have length less than or equal to 140, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: ${FUNCTION_LAYER_PATTERN}, Member must not be null]`,
      );
    }
  }
  return input as string[];
}

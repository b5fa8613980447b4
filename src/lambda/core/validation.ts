// Checks of function configuration against Lambda's documented limits, with Lambda's messages.
import { constraintViolation, InvalidParameterValue } from '../errors.js';
import { RESERVED_ENVIRONMENT_KEYS } from '../environments/index.js';

/** Runtimes Nimbus can run; whether a matching interpreter exists is asked of the environments. */
export const SUPPORTED_RUNTIMES = [
  'nodejs20.x',
  'nodejs22.x',
  'nodejs24.x',
  'python3.9',
  'python3.10',
  'python3.11',
  'python3.12',
  'python3.13',
  'python3.14',
  'provided.al2023',
  'provided.al2',
] as const;

/** Runtimes AWS knows but no longer accepts for new functions, with the successor AWS names. */
const DEPRECATED: Record<string, string> = {
  nodejs: 'nodejs22.x',
  'nodejs4.3': 'nodejs22.x',
  'nodejs6.10': 'nodejs22.x',
  'nodejs8.10': 'nodejs22.x',
  'nodejs10.x': 'nodejs22.x',
  'nodejs12.x': 'nodejs22.x',
  'nodejs14.x': 'nodejs22.x',
  'nodejs16.x': 'nodejs22.x',
  'nodejs18.x': 'nodejs22.x',
  'python2.7': 'python3.13',
  'python3.6': 'python3.13',
  'python3.7': 'python3.13',
  'python3.8': 'python3.13',
  provided: 'provided.al2023',
  'go1.x': 'provided.al2023',
  'ruby2.7': 'ruby3.3',
  'dotnetcore3.1': 'dotnet8',
  dotnet6: 'dotnet8',
  'java8': 'java21',
};

/** Runtimes AWS accepts that Nimbus has no way to run. */
const FOREIGN = ['java8.al2', 'java11', 'java17', 'java21', 'java25', 'dotnet8', 'dotnet10', 'ruby3.2', 'ruby3.3', 'ruby3.4'];

const ALL_RUNTIMES = [...SUPPORTED_RUNTIMES, ...FOREIGN, ...Object.keys(DEPRECATED)];

/** Every runtime name Lambda knows, deprecated ones included (a layer may still list them). */
export const KNOWN_RUNTIMES: readonly string[] = ALL_RUNTIMES;

export function validateRuntime(runtime: unknown): string {
  if (typeof runtime !== 'string' || !ALL_RUNTIMES.includes(runtime)) {
    throw InvalidParameterValue(
      `Value ${String(runtime)} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${ALL_RUNTIMES.join(', ')}] or be a valid ARN`,
    );
  }
  const successor = DEPRECATED[runtime];
  if (successor) {
    throw InvalidParameterValue(
      `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (${successor}) while creating or updating functions.`,
    );
  }
  if (FOREIGN.includes(runtime)) {
    throw InvalidParameterValue(
      `The runtime ${runtime} is not available on Nimbus. Supported runtimes: ${SUPPORTED_RUNTIMES.join(', ')}.`,
    );
  }
  return runtime;
}

function integerIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw constraintViolation(value, field, 'Member must be an integer');
  }
  if (value < min) throw constraintViolation(value, field, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw constraintViolation(value, field, `Member must have value less than or equal to ${max}`);
  return value;
}

export const validateMemorySize = (v: unknown) => integerIn(v, 'memorySize', 128, 10240);
export const validateTimeout = (v: unknown) => integerIn(v, 'timeout', 1, 900);
export const validateEphemeralStorage = (v: unknown) => integerIn(v, 'ephemeralStorage.size', 512, 10240);

export function validateHandler(handler: unknown): string {
  if (typeof handler !== 'string' || handler.length === 0 || handler.length > 128 || /\s/.test(handler)) {
    throw constraintViolation(handler, 'handler', 'Member must satisfy regular expression pattern: [^\\s]+');
  }
  return handler;
}

const ROLE = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;

export function validateRole(role: unknown): string {
  if (role === undefined || role === null) throw constraintViolation(null, 'role', 'Member must not be null');
  if (typeof role !== 'string' || !ROLE.test(role)) {
    throw constraintViolation(
      role,
      'role',
      'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+',
    );
  }
  return role;
}

export function validateDescription(description: unknown): string {
  if (typeof description !== 'string') throw constraintViolation(description, 'description', 'Member must be a string');
  if (description.length > 256) {
    throw constraintViolation(description, 'description', 'Member must have length less than or equal to 256');
  }
  return description;
}

const ENV_KEY = /^[a-zA-Z]([a-zA-Z0-9_])+$/;

/** Environment variables: key pattern, reserved keys, and the 4 KB limit on the serialized map. */
export function validateEnvironment(env: unknown): Record<string, string> {
  if (env === undefined || env === null) return {};
  if (typeof env !== 'object' || Array.isArray(env)) {
    throw invalidValue('Environment.Variables');
  }
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(env as Record<string, unknown>)) {
    if (!ENV_KEY.test(key)) {
      throw constraintViolation(
        '[' + key + ']',
        'environment.variables',
        'Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]',
      );
    }
    if (typeof value !== 'string') throw invalidValue(`Environment.Variables.${key}`);
    vars[key] = value;
  }
  const reserved = Object.keys(vars).filter((k) => RESERVED_ENVIRONMENT_KEYS.has(k));
  if (reserved.length > 0) {
    throw InvalidParameterValue(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  const measured = JSON.stringify(vars);
  if (Buffer.byteLength(measured) > 4096) {
    throw InvalidParameterValue(
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
    );
  }
  return vars;
}

export function validateArchitectures(value: unknown): string[] {
  if (value === undefined || value === null) return ['x86_64'];
  if (!Array.isArray(value)) throw constraintViolation(value, 'architectures', 'Member must be a list');
  const shown = `[${value.join(', ')}]`;
  // AWS checks the length first, then each member.
  if (value.length > 1) throw constraintViolation(shown, 'architectures', 'Member must have length less than or equal to 1');
  if (value.length === 0) throw constraintViolation(shown, 'architectures', 'Member must have length greater than or equal to 1');
  if (value[0] !== 'x86_64' && value[0] !== 'arm64') {
    throw constraintViolation(
      shown,
      'architectures',
      'Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]',
    );
  }
  return [value[0]];
}

function invalidValue(field: string) {
  return InvalidParameterValue(`Invalid value for ${field}.`);
}

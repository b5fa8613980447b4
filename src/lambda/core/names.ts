// Function identifiers as Lambda accepts them: a name, a partial ARN (`123456789012:function:name`)
// or a full ARN, each optionally qualified with a version or alias.
import { constraintViolation, InvalidParameterValue } from '../errors.js';

const FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const FUNCTION_NAME = new RegExp(`^${FUNCTION_NAME_PATTERN}$`);
const QUALIFIER = /^(|[a-zA-Z0-9$_-]+)$/;
const ALIAS_NAME = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;

export interface FunctionRef {
  readonly name: string;
  readonly qualifier: string | undefined;
  /** Account and region named in an ARN, if any (checked against the caller's). */
  readonly accountId: string | undefined;
  readonly region: string | undefined;
}

/** Parses a FunctionName parameter; `explicitQualifier` is the separate Qualifier parameter. */
export function parseFunctionRef(input: unknown, explicitQualifier?: string | null): FunctionRef {
  if (typeof input !== 'string' || input.length === 0 || input.length > 170 || !FUNCTION_NAME.test(input)) {
    throw constraintViolation(
      input,
      'functionName',
      `Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`,
    );
  }
  const m = FUNCTION_NAME.exec(input)!;
  const name = m[7]!;
  if (name.length > 64) {
    throw constraintViolation(input, 'functionName', 'Member must have length less than or equal to 64');
  }
  const derived = m[9];
  const explicit = explicitQualifier ?? undefined;
  if (explicit !== undefined && explicit !== '' && !QUALIFIER.test(explicit)) {
    throw constraintViolation(explicit, 'qualifier', 'Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)');
  }
  if (derived !== undefined && explicit !== undefined && explicit !== '' && derived !== explicit) {
    throw InvalidParameterValue('The derived qualifier from the function name does not match the specified qualifier.');
  }
  return {
    name,
    qualifier: derived ?? (explicit === '' ? undefined : explicit),
    accountId: m[5]?.slice(0, 12),
    region: m[3]?.slice(0, -1),
  };
}

/** CreateFunction takes a name or an unqualified ARN. */
export function parseNewFunctionName(input: unknown): string {
  const ref = parseFunctionRef(input);
  if (ref.qualifier !== undefined) {
    throw InvalidParameterValue('Unqualified function name or ARN expected for this operation.');
  }
  return ref.name;
}

export function validateAliasName(name: unknown): string {
  if (typeof name !== 'string' || name.length < 1 || name.length > 128 || !ALIAS_NAME.test(name)) {
    throw constraintViolation(name, 'name', 'Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)');
  }
  return name;
}

export function isVersionNumber(q: string): boolean {
  return /^[0-9]+$/.test(q);
}

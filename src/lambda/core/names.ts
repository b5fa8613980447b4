// Function identifiers as Lambda accepts them: a name, a partial ARN (`123456789012:function:name`)
// or a full ARN, each optionally qualified with a version or alias.
import { constraintViolation, InvalidParameterValue } from '../errors.js';

// AWS's patterns as its validation messages print them: names may contain dots except on CreateFunction.
const REGION_PART = '([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}:)?';
const FUNCTION_NAME_PATTERN = `(arn:(aws[a-zA-Z-]*)?:lambda:)?${REGION_PART}(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`;
const NEW_FUNCTION_NAME_PATTERN = FUNCTION_NAME_PATTERN.replace('[a-zA-Z0-9-_\\.]+', '[a-zA-Z0-9-_]+');
const FUNCTION_NAME = new RegExp(`^${FUNCTION_NAME_PATTERN}$`);
const NEW_FUNCTION_NAME = new RegExp(`^${NEW_FUNCTION_NAME_PATTERN}$`);
const QUALIFIER = /^(|[a-zA-Z0-9$_-]+)$/;
const ALIAS_NAME = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;

export interface FunctionRef {
  readonly name: string;
  readonly qualifier: string | undefined;
  /** Account and region named in an ARN, if any (checked against the caller's). */
  readonly accountId: string | undefined;
  readonly region: string | undefined;
}

/** Names already parsed (unqualified by a separate parameter): invokes name the same few again and again. */
const parsedNames = new Map<string, FunctionRef>();
const MAX_PARSED_NAMES = 1024;

/** Parses a FunctionName parameter; `explicitQualifier` is the separate Qualifier parameter. */
export function parseFunctionRef(input: unknown, explicitQualifier?: string | null): FunctionRef {
  if (explicitQualifier === undefined || explicitQualifier === null) {
    const known = typeof input === 'string' ? parsedNames.get(input) : undefined;
    if (known) return known;
    const ref = parseFunctionName(input, undefined);
    if (parsedNames.size < MAX_PARSED_NAMES) parsedNames.set(input as string, ref);
    return ref;
  }
  return parseFunctionName(input, explicitQualifier);
}

function parseFunctionName(input: unknown, explicit: string | undefined): FunctionRef {
  if (typeof input !== 'string' || input.length === 0 || input.length > 170 || !FUNCTION_NAME.test(input)) {
    throw constraintViolation(
      input,
      'functionName',
      `Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`,
    );
  }
  const parts = split(FUNCTION_NAME.exec(input)!);
  if (parts.name.length > 64) {
    throw constraintViolation(input, 'functionName', 'Member must have length less than or equal to 64');
  }
  if (explicit !== undefined && explicit !== '' && !QUALIFIER.test(explicit)) {
    throw constraintViolation(explicit, 'qualifier', 'Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)');
  }
  if (parts.qualifier !== undefined && explicit !== undefined && explicit !== '' && parts.qualifier !== explicit) {
    throw InvalidParameterValue('The derived qualifier from the function name does not match the specified qualifier.');
  }
  return Object.freeze({ ...parts, qualifier: parts.qualifier ?? (explicit === '' ? undefined : explicit) });
}

/** The parts of a matched FunctionName (group numbers follow the pattern AWS prints). */
function split(m: RegExpExecArray): FunctionRef {
  return { name: m[10]!, qualifier: m[12], accountId: m[8]?.slice(0, 12), region: m[3]?.slice(0, -1) };
}

/**
 * CreateFunction takes a name or an unqualified ARN, under stricter limits than other operations:
 * no dots, at most 140 characters, and an over-long name is refused as InvalidParameterValue.
 */
export function parseNewFunctionName(input: unknown): FunctionRef {
  if (typeof input === 'string' && input.length > 140) {
    throw constraintViolation(input, 'functionName', 'Member must have length less than or equal to 140');
  }
  if (typeof input !== 'string' || input.length === 0 || !NEW_FUNCTION_NAME.test(input)) {
    throw constraintViolation(input, 'functionName', `Member must satisfy regular expression pattern: ${NEW_FUNCTION_NAME_PATTERN}`);
  }
  const ref = split(NEW_FUNCTION_NAME.exec(input)!);
  if (ref.name.length > 64) {
    throw InvalidParameterValue(
      `1 validation error detected: Value '${input}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
  }
  if (ref.qualifier !== undefined) {
    throw InvalidParameterValue('Unqualified function name or ARN expected for this operation.');
  }
  return ref;
}

export function validateAliasName(name: unknown): string {
  if (typeof name !== 'string' || name.length < 1 || name.length > 128 || !ALIAS_NAME.test(name)) {
    throw constraintViolation(name, 'name', 'Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)');
  }
  return name;
}

/** Whether a qualifier has an alias's shape (not $LATEST, not a number). */
export function isAliasName(q: string): boolean {
  return ALIAS_NAME.test(q);
}

export function isVersionNumber(q: string): boolean {
  return /^[0-9]+$/.test(q);
}

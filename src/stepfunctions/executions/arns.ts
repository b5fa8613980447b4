// ARNs and names with the shapes AWS uses, and the validation errors AWS answers for bad ones.
//   stateMachine: arn:aws:states:R:A:stateMachine:NAME[:VERSION|:ALIAS]
//   execution:    arn:aws:states:R:A:execution:MACHINE:EXEC      (Standard)
//                 arn:aws:states:R:A:express:MACHINE:EXEC:UUID   (Express)
//   activity:     arn:aws:states:R:A:activity:NAME
//   mapRun:       arn:aws:states:R:A:mapRun:MACHINE/LABEL:UUID
import { SfnErrors } from './errors.js';

export type ResourceKind = 'stateMachine' | 'execution' | 'express' | 'activity' | 'mapRun';

export interface ParsedArn {
  readonly region: string;
  readonly accountId: string;
  readonly kind: ResourceKind;
  /** Everything after `kind:` split on ':' */
  readonly parts: readonly string[];
}

const PREFIX = /^arn:aws[a-zA-Z-]*:states:([a-z0-9-]+):(\d{12}):([A-Za-z]+):(.+)$/;

export function parseArn(arn: string): ParsedArn {
  const m = PREFIX.exec(arn);
  if (!m) throw SfnErrors.InvalidArn(`Invalid Arn: 'Invalid ARN prefix: ${arn}'`);
  const kind = m[3] as ResourceKind;
  if (!['stateMachine', 'execution', 'express', 'activity', 'mapRun'].includes(kind)) {
    throw SfnErrors.InvalidArn(`Invalid Arn: 'Resource type not valid in this context: ${m[3]}'`);
  }
  return { region: m[1]!, accountId: m[2]!, kind, parts: m[4]!.split(':') };
}

/** Parses and checks the resource type against what the operation accepts. */
export function expectArn(arn: string, ...kinds: ResourceKind[]): ParsedArn {
  const p = parseArn(arn);
  if (!kinds.includes(p.kind)) {
    throw SfnErrors.InvalidArn(`Invalid Arn: 'Resource type not valid in this context: ${p.kind}'`);
  }
  return p;
}

export const stateMachineArn = (region: string, account: string, name: string) =>
  `arn:aws:states:${region}:${account}:stateMachine:${name}`;
export const executionArn = (region: string, account: string, machine: string, exec: string) =>
  `arn:aws:states:${region}:${account}:execution:${machine}:${exec}`;
export const expressExecutionArn = (region: string, account: string, machine: string, exec: string, id: string) =>
  `arn:aws:states:${region}:${account}:express:${machine}:${exec}:${id}`;
export const activityArn = (region: string, account: string, name: string) =>
  `arn:aws:states:${region}:${account}:activity:${name}`;
export const mapRunArn = (region: string, account: string, machine: string, label: string, id: string) =>
  `arn:aws:states:${region}:${account}:mapRun:${machine}/${label}:${id}`;

// AWS: 1-80 characters; no whitespace, brackets, wildcards, special characters or control characters.
// eslint-disable-next-line no-control-regex
const BAD_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

export function validateName(name: string, max = 80): void {
  if (name.length < 1 || name.length > max || BAD_NAME.test(name)) {
    throw SfnErrors.InvalidName(`Invalid Name: '${name}'`);
  }
}

/** Alias names additionally may not be all digits (they would collide with version numbers). */
export function validateAliasName(name: string): void {
  // Length is checked before the pattern: an over-long name gets the length complaint.
  if (name.length > 80) {
    throw SfnErrors.ValidationException(
      `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80`);
  }
  if (name.length < 1 || !/^(?=.*[a-zA-Z_\-.])[a-zA-Z0-9_\-.]+$/.test(name)) {
    throw SfnErrors.ValidationException(
      `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$`,
    );
  }
}

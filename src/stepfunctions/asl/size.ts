// The 256 KiB payload limit on state input/output, task results and variables.
import type { Json } from './model.js';
import { StatesError, StatesErrors } from './errors.js';

export const MAX_PAYLOAD_BYTES = 262144;

/** UTF-8 byte length of the JSON text of `value`. */
export function payloadBytes(value: Json): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/**
 * Throws StatesError States.DataLimitExceeded when `value` is larger than the limit. `what`
 * selects AWS's wording (state output, task result, input…) and `name` the state/task named in it.
 */
export function checkPayloadSize(value: Json, what: 'output' | 'result' | 'input' | 'variables', name: string): void {
  if (payloadBytes(value) <= MAX_PAYLOAD_BYTES) return;
  const message: Record<typeof what, string> = {
    output: `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`,
    result: `The state/task '${name}' returned a result with a size exceeding the maximum number of bytes service limit.`,
    input: `The state/task '${name}' has an input with a size exceeding the maximum number of bytes service limit.`,
    variables: `The state/task '${name}' assigned variables with a total size exceeding the maximum number of bytes service limit.`,
  };
  throw new StatesError(StatesErrors.DataLimitExceeded, message[what]);
}

/**
 * The name AWS puts in a task result's DataLimitExceeded cause: the service of an optimized
 * integration (`arn:aws:states:::lambda:invoke` → `lambda`), else the resource ARN itself.
 */
export function taskLimitName(resource: string): string {
  const m = /^arn:[^:]+:states:::([^:]+)/.exec(resource);
  return m ? (m[1] as string) : resource;
}

// The 256 KiB payload limit on state input/output, task results and variables.
import type { Json } from './model.js';

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
  throw new Error(`asl: not implemented yet: checkPayloadSize ${payloadBytes(value)} ${what} ${name}`);
}

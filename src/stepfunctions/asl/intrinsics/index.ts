// Intrinsic functions (States.Format, States.Array…): parse a call string and evaluate it.
// Failures are States.IntrinsicFailure (bad arguments) or States.Runtime (a path argument that
// matches nothing), with AWS's "An error occurred while executing the state…" prefix.
import type { Json } from '../model.js';
import { systemRandomness, type EvalEnv } from '../env.js';
import { StatesError, StatesErrors, statePrefix } from '../errors.js';
import { isMiss, select } from '../jsonpath.js';
import { parseIntrinsic, unescapeLiteral, IntrinsicSyntaxError, type IntrinsicCall } from './parse.js';
import { IntrinsicFailure, type IntrinsicFn } from './util.js';
import { arrayFunctions } from './array.js';
import { stringFunctions } from './string.js';
import { encodingFunctions } from './encoding.js';
import { mathFunctions } from './math.js';

export { parseIntrinsic, IntrinsicSyntaxError } from './parse.js';

export const INTRINSICS: Readonly<Record<string, IntrinsicFn>> = {
  ...arrayFunctions, ...stringFunctions, ...encodingFunctions, ...mathFunctions,
};

/** True when the string is an intrinsic function call (`States.Name(...)`). */
export function isIntrinsic(text: string): boolean {
  return /^\s*States\.[A-Za-z0-9]+\(/.test(text);
}

/** Syntax check for validation: undefined if fine, else a message. */
export function intrinsicSyntaxError(text: string): string | undefined {
  try {
    check(parseIntrinsic(text));
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** AWS allows at most 10 intrinsic functions nested inside one field. */
const MAX_NESTING = 10;

function check(call: IntrinsicCall, depth = 1): void {
  if (!INTRINSICS[call.name]) throw new IntrinsicSyntaxError(`Unsupported intrinsic function: ${call.name}`);
  if (depth > MAX_NESTING) throw new IntrinsicSyntaxError(`Intrinsic functions can be nested at most ${MAX_NESTING} levels deep`);
  for (const a of call.args) if (a.kind === 'call') check(a.call, depth + 1);
}

/** Evaluate an intrinsic call; arguments may be literals, paths, `$$` paths, `$var` refs and nested calls. */
export function evaluateIntrinsic(text: string, input: Json, env: EvalEnv, field: string): Json {
  let call: IntrinsicCall;
  try {
    call = parseIntrinsic(text);
  } catch (e) {
    throw new StatesError(StatesErrors.IntrinsicFailure, `${statePrefix(env.stateName, env.enteredEventId)}${(e as Error).message}`);
  }
  return run(call, input, env, field);
}

function run(call: IntrinsicCall, input: Json, env: EvalEnv, field: string): Json {
  const fn = INTRINSICS[call.name];
  if (!fn) {
    throw new StatesError(StatesErrors.IntrinsicFailure, `${statePrefix(env.stateName, env.enteredEventId)}Unsupported intrinsic function: ${call.name}`);
  }
  const args: Json[] = [];
  for (const a of call.args) {
    if (a.kind === 'literal') args.push(typeof a.value === 'string' ? unescapeLiteral(a.value) : a.value);
    else if (a.kind === 'call') args.push(run(a.call, input, env, field));
    else {
      const r = select(a.path, input, env);
      if (isMiss(r)) {
        throw new StatesError(StatesErrors.Runtime,
          `${statePrefix(env.stateName, env.enteredEventId)}The JSONPath '${a.path}' specified for the field '${field}' could not be found in the input '${JSON.stringify(input)}'`);
      }
      args.push(r.value);
    }
  }
  const first = call.args[0];
  const rawTemplate = call.name === 'States.Format' && first?.kind === 'literal' && typeof first.value === 'string' ? first.value : undefined;
  try {
    return fn(args, { name: call.name, randomness: env.randomness ?? systemRandomness, rawTemplate });
  } catch (e) {
    if (e instanceof IntrinsicFailure) {
      throw new StatesError(StatesErrors.IntrinsicFailure, `${statePrefix(env.stateName, env.enteredEventId)}${e.message}`);
    }
    throw e;
  }
}

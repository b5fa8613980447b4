// Runtime inputs the engine hands to every evaluation: which state is running (for AWS's error
// wording), the context object, the visible variables, and the randomness source (injected so
// States.MathRandom / States.UUID / $random / $uuid are deterministic in tests).
import { randomBytes, randomUUID } from 'node:crypto';
import type { Json, JsonObject } from './model.js';

export interface Randomness {
  /** Uniform in [0, 1). */
  random(): number;
  /** A random RFC 4122 v4 UUID string. */
  uuid(): string;
}

export const systemRandomness: Randomness = {
  // 48 random bits → [0, 1). (crypto.randomInt caps its range below 2^48, so read bytes directly.)
  random: () => randomBytes(6).readUIntBE(0, 6) / 2 ** 48,
  uuid: () => randomUUID(),
};

/** Read access to workflow variables (the chain of scopes visible from a state). */
export interface VariableReader {
  /** undefined = not defined in any visible scope. */
  get(name: string): Json | undefined;
}

export interface EvalEnv {
  /** Name of the state being executed (AWS names it in runtime error causes). */
  readonly stateName: string;
  /** Id of the state's `…StateEntered` history event ("entered at the event id #N"). */
  readonly enteredEventId: number;
  /** The context object (`$$` / `$states.context`), e.g. from buildContext(). */
  readonly context: JsonObject;
  readonly variables: VariableReader;
  /** Defaults to systemRandomness. */
  readonly randomness?: Randomness;
}

/** What a state produced: its output and the variables its Assign set (apply them after the state). */
export interface StateOutcome {
  readonly output: Json;
  /** Variables assigned by the state (or the matched Choice rule / Catcher); absent if no Assign. */
  readonly assigned?: JsonObject;
}

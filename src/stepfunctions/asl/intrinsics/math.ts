// Math and generator intrinsics: States.MathRandom, MathAdd, UUID.
import type { Json } from '../model.js';
import { argCount, fail, wantInteger, type IntrinsicFn } from './util.js';

/** Small seeded PRNG (mulberry32) so MathRandom with a seed is repeatable. */
function seeded(seed: number): number {
  let t = (seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function wantNumber(v: Json, what: string, ctx: Parameters<IntrinsicFn>[1]): number {
  if (typeof v !== 'number') fail(ctx, `${what} must be a number, but was ${JSON.stringify(v)}.`);
  return v;
}

export const mathFunctions: Record<string, IntrinsicFn> = {
  'States.MathRandom': (args, ctx) => {
    argCount(args, ctx, 2, 3);
    // Like MathAdd, non-integer bounds are rounded, not rejected: AWS answered
    // States.MathRandom(12.5, 44.51) with a number (test_math_operations::test_math_random).
    const start = Math.round(wantNumber(args[0] as Json, 'The start value', ctx));
    const end = Math.round(wantNumber(args[1] as Json, 'The end value', ctx));
    if (end <= start) fail(ctx, 'The end value must be greater than the start value.');
    const r = args.length === 3 ? seeded(wantInteger(args[2] as Json, ctx, 'The seed')) : ctx.randomness.random();
    return start + Math.floor(r * (end - start));
  },

  'States.MathAdd': (args, ctx) => {
    argCount(args, ctx, 2);
    // AWS rounds each operand to an integer (half up) before adding.
    const a = Math.round(wantNumber(args[0] as Json, 'The first value', ctx));
    const b = Math.round(wantNumber(args[1] as Json, 'The second value', ctx));
    return a + b + 0; // + 0 turns -0 into 0
  },

  'States.UUID': (args, ctx) => {
    argCount(args, ctx, 0);
    return ctx.randomness.uuid();
  },
};

// Array intrinsics: States.Array, ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem,
// ArrayLength, ArrayUnique.
import type { Json } from '../model.js';
import { argCount, deepEqual, fail, wantArray, wantInteger, type IntrinsicFn } from './util.js';

const MAX_RANGE_ITEMS = 1000;

export const arrayFunctions: Record<string, IntrinsicFn> = {
  'States.Array': (args) => args,

  'States.ArrayPartition': (args, ctx) => {
    argCount(args, ctx, 2);
    const arr = wantArray(args[0] as Json, ctx, 'The first argument');
    const size = wantInteger(args[1] as Json, ctx, 'The chunk size');
    if (size <= 0) fail(ctx, `The chunk size must be greater than 0, but was ${size}.`);
    const out: Json[] = [];
    for (let i = 0; i < arr.length; i += size) out.push(arr.slice(i, i + size));
    return out;
  },

  'States.ArrayContains': (args, ctx) => {
    argCount(args, ctx, 2);
    const arr = wantArray(args[0] as Json, ctx, 'The first argument');
    return arr.some((x) => deepEqual(x, args[1] as Json));
  },

  'States.ArrayRange': (args, ctx) => {
    argCount(args, ctx, 3);
    const start = wantInteger(args[0] as Json, ctx, 'The start value');
    const end = wantInteger(args[1] as Json, ctx, 'The end value');
    const step = wantInteger(args[2] as Json, ctx, 'The step value');
    if (step === 0) fail(ctx, 'The step value must not be 0.');
    const count = Math.floor((end - start) / step) + 1;
    if (count > MAX_RANGE_ITEMS) fail(ctx, `The array cannot contain more than ${MAX_RANGE_ITEMS} items.`);
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(start + i * step);
    return out;
  },

  'States.ArrayGetItem': (args, ctx) => {
    argCount(args, ctx, 2);
    const arr = wantArray(args[0] as Json, ctx, 'The first argument');
    const index = wantInteger(args[1] as Json, ctx, 'The index');
    if (index < 0 || index >= arr.length) fail(ctx, `The index ${index} is out of bounds for an array of length ${arr.length}.`);
    return arr[index] as Json;
  },

  'States.ArrayLength': (args, ctx) => {
    argCount(args, ctx, 1);
    return wantArray(args[0] as Json, ctx, 'The argument').length;
  },

  'States.ArrayUnique': (args, ctx) => {
    argCount(args, ctx, 1);
    const arr = wantArray(args[0] as Json, ctx, 'The argument');
    const out: Json[] = [];
    for (const x of arr) if (!out.some((y) => deepEqual(x, y))) out.push(x);
    return out;
  },
};

// Encoding and hashing intrinsics: States.Base64Encode, Base64Decode, Hash.
import { createHash } from 'node:crypto';
import type { Json } from '../model.js';
import { argCount, fail, wantString, type IntrinsicFn } from './util.js';

const MAX_INPUT_CHARS = 10_000;
const HASHES: Record<string, string> = {
  'MD5': 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512',
};

export const encodingFunctions: Record<string, IntrinsicFn> = {
  'States.Base64Encode': (args, ctx) => {
    argCount(args, ctx, 1);
    const s = wantString(args[0] as Json, ctx, 'The input');
    if (s.length > MAX_INPUT_CHARS) fail(ctx, `The input must not exceed ${MAX_INPUT_CHARS} characters.`);
    return Buffer.from(s, 'utf8').toString('base64');
  },

  'States.Base64Decode': (args, ctx) => {
    argCount(args, ctx, 1);
    const s = wantString(args[0] as Json, ctx, 'The input');
    if (s.length > MAX_INPUT_CHARS) fail(ctx, `The input must not exceed ${MAX_INPUT_CHARS} characters.`);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) fail(ctx, 'The input is not valid base64.');
    return Buffer.from(s, 'base64').toString('utf8');
  },

  'States.Hash': (args, ctx) => {
    argCount(args, ctx, 2);
    const data = args[0] as Json;
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    if (text.length > MAX_INPUT_CHARS) fail(ctx, `The input data must not exceed ${MAX_INPUT_CHARS} characters.`);
    const algorithm = wantString(args[1] as Json, ctx, 'The hash algorithm');
    const node = HASHES[algorithm];
    if (!node) fail(ctx, `The hash algorithm '${algorithm}' is not supported. Supported: ${Object.keys(HASHES).join(', ')}.`);
    return createHash(node).update(text, 'utf8').digest('hex');
  },
};

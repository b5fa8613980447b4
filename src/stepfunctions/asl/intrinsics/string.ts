// String and JSON intrinsics: States.Format, StringSplit, StringToJson, JsonToString, JsonMerge.
import type { Json } from '../model.js';
import { argCount, fail, javaString, wantObject, wantString, type IntrinsicFn } from './util.js';

export const stringFunctions: Record<string, IntrinsicFn> = {
  'States.Format': (args, ctx) => {
    argCount(args, ctx, 1, Infinity);
    if (typeof args[0] !== 'string') fail(ctx, 'The format template must be a string.');
    const template = ctx.rawTemplate ?? (args[0] as string);
    let out = '';
    let next = 1;
    for (let i = 0; i < template.length; i++) {
      const ch = template[i];
      if (ch === '\\' && (template[i + 1] === '{' || template[i + 1] === '}' || template[i + 1] === '\\')) {
        out += template[i + 1];
        i++;
      } else if (ch === '{' && template[i + 1] === '}') {
        if (next >= args.length) fail(ctx, 'The number of arguments does not match the number of placeholders in the format string.');
        out += javaString(args[next] as Json);
        next++;
        i++;
      } else {
        out += ch;
      }
    }
    if (next !== args.length) fail(ctx, 'The number of arguments does not match the number of placeholders in the format string.');
    return out;
  },

  'States.StringSplit': (args, ctx) => {
    argCount(args, ctx, 2);
    const s = wantString(args[0] as Json, ctx, 'The input');
    const delimiters = wantString(args[1] as Json, ctx, 'The delimiter');
    // Every character of the delimiter string splits; empty pieces are dropped, as on AWS.
    if (delimiters.length === 0) return s.length === 0 ? [] : [s];
    const out: string[] = [];
    let cur = '';
    for (const ch of s) {
      if (delimiters.includes(ch)) { if (cur) out.push(cur); cur = ''; } else cur += ch;
    }
    if (cur) out.push(cur);
    return out;
  },

  'States.StringToJson': (args, ctx) => {
    argCount(args, ctx, 1);
    const s = wantString(args[0] as Json, ctx, 'The argument');
    if (s.trim() === '') return null;
    try {
      return JSON.parse(s) as Json;
    } catch {
      return fail(ctx, `The string '${s}' is not valid JSON.`);
    }
  },

  'States.JsonToString': (args, ctx) => {
    argCount(args, ctx, 1);
    return JSON.stringify(args[0]);
  },

  'States.JsonMerge': (args, ctx) => {
    argCount(args, ctx, 3);
    const a = wantObject(args[0] as Json, ctx, 'The first argument');
    const b = wantObject(args[1] as Json, ctx, 'The second argument');
    if (typeof args[2] !== 'boolean') fail(ctx, 'The deep merge flag must be a boolean.');
    if (args[2]) fail(ctx, 'Only shallow merge is supported: the deep merge flag must be false.');
    return { ...a, ...b };
  },
};

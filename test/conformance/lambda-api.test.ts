// Lambda control-plane answers checked against AWS's recorded ones (test/conformance/lambda/:
// SOURCE.md for their origin). Each case replays a recorded test's requests through
// @aws-sdk/client-lambda against a real Nimbus and compares every recorded answer: status,
// error code and message, and the full response shape with placeholders (compare.ts).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Lambda from '@aws-sdk/client-lambda';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';
import { Bindings, compare, type CompareOptions } from './lambda/compare.js';

interface Step extends CompareOptions {
  op: string;
  input?: Record<string, unknown>;
  /** The recorded snapshot key. */
  key?: string;
  /** What AWS answered (snapshot format). Steps without it only set the scene. */
  expect?: Record<string, unknown>;
  /** Keep only items of this list that belong to the case (the server holds other cases' functions). */
  keepOwn?: string;
  /** Compare only the member names of these objects (AWS's values depend on the account). */
  keysOnly?: string[];
  /** Sort this list by FunctionArn first: the recording sorted it (AWS's order is not defined). */
  sortItems?: string;
}

interface Case extends CompareOptions {
  test: string;
  recorded: string;
  steps: Step[];
}

const corpus = JSON.parse(readFileSync(new URL('./lambda/cases.json', import.meta.url), 'utf8')) as { cases: Case[] };

// Deployment packages the recorded tests upload; their content does not show in the answers.
const PACKAGES: Record<string, Buffer> = {
  echo: zip({ 'handler.py': 'def handler(event, context):\n    return event\n', 'index.py': 'def handler(event, context):\n    return event\n' }),
  // Another function of the same recorded test: AWS recorded a different package hash for it.
  echo2: zip({ 'handler.py': 'def handler(event, context):\n    return event  # second\n' }),
  version: zip({ 'handler.py': 'def handler(event, context):\n    return {"version": 2}\n', 'index.py': 'def handler(event, context):\n    return {"version": 2}\n' }),
  layer: zip({ 'python/layer_util.py': 'VALUE = 1\n' }),
  node: zip({ 'lambda_handler.js': 'exports.handler = async (event) => event;\n' }),
  notzip: Buffer.from('this is not a zipfile, just a random string'),
};

let nimbus: TestNimbus;
let lambda: Lambda.LambdaClient;
let checked = 0;
/** The account Nimbus serves the test credentials from. */
const ACCOUNT = '000000000000';

beforeAll(async () => {
  nimbus = await startNimbus();
  lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
});
afterAll(async () => {
  lambda?.destroy();
  await nimbus?.dispose();
  console.log(`lambda conformance: ${checked} recorded answers compared`);
});

/** Fills a recorded request: placeholders take their bound values, or fresh names. */
function fill(value: unknown, b: Bindings, caseId: number): unknown {
  if (typeof value === 'string') {
    const pkg = /^<zip:(\w+)>$/.exec(value);
    if (pkg) return new Uint8Array(PACKAGES[pkg[1]!]!);
    return value
      .replace(/<a\*(\d+)>/g, (_, n: string) => 'a'.repeat(Number(n)))
      .replace(/<[^<>\s]+>/g, (p) => {
        const name = p.slice(1, -1);
        let bound = b.get(name);
        if (bound === undefined) {
          bound = `c${caseId}-${name.replace(/[^a-zA-Z0-9]/g, '')}-${Math.random().toString(36).slice(2, 7)}`;
          b.bind(name, bound);
        }
        return bound;
      })
      .split('111111111111')
      .join(ACCOUNT);
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, b, caseId));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, b, caseId)]));
  }
  return value;
}

/** Waits until the function (or version) is Active and its last update is done, as the recorded tests' waiters do. */
async function settle(input: Record<string, unknown>): Promise<void> {
  for (let i = 0; i < 250; i++) {
    const c = await lambda.send(new Lambda.GetFunctionConfigurationCommand(input as unknown as Lambda.GetFunctionConfigurationCommandInput));
    if (c.State === 'Active' && c.LastUpdateStatus === 'Successful') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`function did not settle: ${JSON.stringify(input)}`);
}

/** Sends one request; answers in the snapshot's shape (`Error`, `ResponseMetadata`). */
async function send(op: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const Command = (Lambda as unknown as Record<string, new (i: unknown) => Lambda.LambdaClient['send'] extends (c: infer C) => unknown ? C : never>)[`${op}Command`];
  if (!Command) throw new Error(`unknown operation ${op}`);
  try {
    const out = (await lambda.send(new Command(input) as never)) as Record<string, unknown> & { $metadata: { httpStatusCode?: number } };
    const { $metadata, ...body } = out;
    // The SDK copies the HTTP status into StatusCode for some operations; it is not a body member.
    if (op !== 'Invoke' && body.StatusCode === $metadata.httpStatusCode) delete body.StatusCode;
    return { ...body, ResponseMetadata: { HTTPStatusCode: $metadata.httpStatusCode } };
  } catch (err) {
    const e = err as { name: string; message: string; Type?: string; $metadata?: { httpStatusCode?: number } };
    if (!e.$metadata) throw err;
    return { Error: { Code: e.name, Message: e.message }, ...(e.Type ? { Type: e.Type } : {}), ResponseMetadata: { HTTPStatusCode: e.$metadata.httpStatusCode } };
  }
}

/** The recorded answer in the form compared: status kept, headers and the duplicated message dropped. */
function recordedForm(expected: Record<string, unknown>): Record<string, unknown> {
  const { ResponseMetadata, message: _m, Message: _M, ...rest } = expected as Record<string, unknown> & { ResponseMetadata?: { HTTPStatusCode?: number } };
  return ResponseMetadata ? { ...rest, ResponseMetadata: { HTTPStatusCode: ResponseMetadata.HTTPStatusCode } } : rest;
}

describe('Lambda API answers recorded from AWS', () => {
  corpus.cases.forEach((c, caseId) => {
    it(`${c.test} (recorded ${c.recorded})`, async () => {
      const b = new Bindings(ACCOUNT, { region: 'us-east-1', 'wrong-region': 'eu-central-1' });
      const problems: string[] = [];
      for (const step of c.steps) {
        const input = fill(step.input ?? {}, b, caseId) as Record<string, unknown>;
        if (step.op === 'Settle') {
          await settle(input);
          continue;
        }
        let actual = await send(step.op, input);
        if (!step.expect) continue;
        const expected = recordedForm(step.expect);
        if (!('ResponseMetadata' in step.expect)) delete actual.ResponseMetadata;
        // LocalStack's recordings of modelled errors sometimes drop `Type` (they keep `message`); an error
        // recorded with neither is one AWS sends without `Type` (the front end's ValidationException).
        const typeless = 'Error' in step.expect && !('Type' in step.expect) && !('message' in step.expect) && !('Message' in step.expect);
        if (!('Type' in expected) && !typeless) delete actual.Type;
        if (step.keepOwn && Array.isArray(actual[step.keepOwn])) {
          const own = new Set(b.names('function-name'));
          const items = (actual[step.keepOwn] as Record<string, unknown>[]).filter((f) => own.has(f.FunctionName as string));
          items.sort((x, y) => String(x.FunctionArn).localeCompare(String(y.FunctionArn)));
          actual = { ...actual, [step.keepOwn]: items };
          delete actual.NextMarker;
        }
        if (step.sortItems && Array.isArray(actual[step.sortItems])) {
          const items = [...(actual[step.sortItems] as Record<string, unknown>[])];
          actual = { ...actual, [step.sortItems]: items.sort((x, y) => String(x.FunctionArn).localeCompare(String(y.FunctionArn))) };
        }
        for (const member of step.keysOnly ?? []) actual[member] = Object.keys(actual[member] as object).sort();
        checked++;
        const options = { extraFields: [...(c.extraFields ?? []), ...(step.extraFields ?? [])], ignoreEnumList: step.ignoreEnumList ?? c.ignoreEnumList };
        for (const line of compare(expected, actual, b, options)) problems.push(`${step.key ?? step.op}: ${line}`);
      }
      expect(problems).toEqual([]);
    });
  });
});

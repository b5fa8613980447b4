// API Gateway conformance: AWS-recorded control-plane answers (./apigateway/*.json, see SOURCE.md)
// replayed through @aws-sdk/client-api-gateway against startNimbus(). Each scenario is one
// recorded test: its steps run in order on a fresh API set; a step with `snapshot` is compared
// with what AWS answered (body fields, status, error name and message), placeholders normalised.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as AG from '@aws-sdk/client-api-gateway';
import { startNimbus, clientConfig, type TestNimbus } from '../helpers/nimbus.js';
import { compareRecorded, resolveRefs, type Bindings, type Recorded } from './apigateway/compare.js';

const DIR = join(import.meta.dirname, 'apigateway');

interface Step {
  call: string;
  input?: Record<string, unknown>;
  /** Name under which the step's output is kept for `${name.field}` references. */
  save?: string;
  /** Key of the recorded answer in the snapshot; absent = setup step that must succeed. */
  snapshot?: string;
  /** Sort the answer's `items` by this field, as the recording test did. */
  sortItems?: string;
  expect?: Recorded;
}
interface Scenario { test: string; source: string; recorded: string; steps: Step[]; skip?: string }

const scenarios: Scenario[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .flatMap((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Scenario[]);

type Outcome = { output?: Record<string, unknown>; status: number; error?: { name: string; message: string } };

async function send(client: AG.APIGatewayClient, call: string, input: Record<string, unknown>): Promise<Outcome> {
  const Command = (AG as unknown as Record<string, new (i: unknown) => AG.APIGatewayClient extends never ? never : never>)[`${call}Command`];
  if (!Command) throw new Error(`unknown operation ${call}`);
  try {
    const { $metadata, ...output } = (await client.send(new Command(input) as never)) as Record<string, unknown> & { $metadata: { httpStatusCode?: number } };
    return { output, status: $metadata.httpStatusCode ?? 0 };
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    if (!err.$metadata) throw e;
    return { status: err.$metadata.httpStatusCode ?? 0, error: { name: err.name, message: err.message } };
  }
}

describe('API Gateway recorded answers', () => {
  let nimbus: TestNimbus;
  let client: AG.APIGatewayClient;
  beforeAll(async () => {
    nimbus = await startNimbus();
    client = new AG.APIGatewayClient(clientConfig(nimbus.endpoint));
  });
  const tally = { checked: 0, passed: 0 };
  afterAll(async () => {
    console.log(`API Gateway recorded answers: ${tally.passed}/${tally.checked} match`);
    client?.destroy();
    await nimbus?.dispose();
  });

  for (const sc of scenarios) {
    const run = sc.skip ? it.skip : it;
    run(`${sc.test}`, async () => {
      const saved: Record<string, unknown> = {};
      const bindings: Bindings = new Map();
      const apis: string[] = [];
      const failed: Record<string, string[]> = {};
      try {
        for (const step of sc.steps) {
          const input = resolveRefs(step.input ?? {}, saved) as Record<string, unknown>;
          const got = await send(client, step.call, input);
          if (step.call === 'CreateRestApi' && got.output?.id) apis.push(String(got.output.id));
          if (step.save && got.output) saved[step.save] = got.output;
          if (!step.snapshot) {
            expect(got.error, `setup step ${step.call} failed`).toBeUndefined();
            continue;
          }
          if (step.sortItems && Array.isArray(got.output?.items)) {
            const k = step.sortItems;
            (got.output.items as Record<string, string>[]).sort((a, b) => (String(a[k]) < String(b[k]) ? -1 : String(a[k]) > String(b[k]) ? 1 : 0));
          }
          // Every recorded answer of the scenario is checked (and counted) before it fails.
          const diffs = compareRecorded(step.expect ?? {}, got, bindings);
          tally.checked++;
          if (diffs.length) failed[step.snapshot] = diffs;
          else tally.passed++;
        }
      } finally {
        for (const id of apis) await send(client, 'DeleteRestApi', { restApiId: id });
      }
      expect(failed, sc.test).toEqual({});
    });
  }
});

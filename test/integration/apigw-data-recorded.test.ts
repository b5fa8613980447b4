// API Gateway data plane against AWS-recorded answers (test/conformance/apigateway/data-plane/,
// see ../conformance/apigateway/SOURCE.md): each scenario deploys one REST API whose resource is
// an AWS_PROXY integration to a real Node function echoing its event, sends the recorded requests
// over HTTP to `{apiId}.execute-api.localhost` and compares the event the function received with
// the one AWS delivered (placeholders bound per request; headers only CloudFront's edge adds are
// not part of the recordings).
import { request as httpRequest } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as AG from '@aws-sdk/client-api-gateway';
import * as Lambda from '@aws-sdk/client-lambda';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';
import { compareRecorded, resolveRefs, type Bindings } from '../conformance/apigateway/compare.js';

const DIR = join(import.meta.dirname, '..', 'conformance', 'apigateway', 'data-plane');
const REGION = 'us-east-1';

interface Case {
  snapshot: string;
  request: { method: string; path: string; headers?: Record<string, string>; body?: string };
  /** The recorded proxy event the function received… */
  event?: Record<string, unknown>;
  /** …or the recorded answer to the client (status as the test asserted it, body as recorded). */
  response?: { status: number; body: unknown };
}
interface Scenario {
  test: string;
  resource: string;
  stage: string;
  base?: Record<string, unknown>;
  integrationHttpMethod?: string;
  methodRequestParameters?: Record<string, boolean>;
  integrationRequestParameters?: Record<string, string>;
  gatewayResponses?: { responseType: string; statusCode?: string; responseParameters?: Record<string, string> }[];
  headers: Record<string, string>;
  cases: Case[];
}

/** A scenario told as the test ran it: control-plane calls and HTTP requests in order. */
interface StepScenario {
  test: string;
  steps: (
    | { call: string; input: Record<string, unknown>; save?: string }
    | { http: { method: string; path: string; headers?: Record<string, string>; body?: string }; status: number; snapshot?: string; body?: unknown }
  )[];
}

const all = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .flatMap((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as (Scenario | StepScenario)[]);
const scenarios = all.filter((s): s is Scenario => 'cases' in s);
const stepScenarios = all.filter((s): s is StepScenario => 'steps' in s);

/** The recorded event of a case: the scenario's base with the case's members (requestContext merged). */
function expected(sc: Scenario, event: Record<string, unknown>): Record<string, unknown> {
  const base = sc.base ?? {};
  const rc = { ...(base['requestContext'] as object), ...((event['requestContext'] as object) ?? {}) };
  return { ...base, ...event, requestContext: rc };
}

/** One raw HTTP/1.1 request keeping the header names' case, as python-requests sent them. */
function send(port: number, host: string, method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { Host: host, ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let nimbus: TestNimbus;
let ag: AG.APIGatewayClient;
let lambda: Lambda.LambdaClient;
let echoArn = '';
const tally = { checked: 0, passed: 0 };

beforeAll(async () => {
  nimbus = await startNimbus();
  ag = new AG.APIGatewayClient(clientConfig(nimbus.endpoint));
  lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
  const out = await lambda.send(
    new Lambda.CreateFunctionCommand({
      FunctionName: 'recorded-echo',
      Runtime: 'nodejs20.x',
      Role: 'arn:aws:iam::000000000000:role/role',
      Handler: 'index.handler',
      Code: { ZipFile: zip({ 'index.mjs': 'export const handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event) });' }) },
    }),
  );
  await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 20 }, { FunctionName: 'recorded-echo' });
  echoArn = out.FunctionArn!;
}, 60_000);

afterAll(async () => {
  console.log(`API Gateway data-plane recorded answers: ${tally.passed}/${tally.checked} match`);
  await nimbus?.dispose();
});

describe('API Gateway data plane, recorded Lambda proxy events', () => {
  for (const sc of scenarios) {
    it(sc.test, async () => {
      const api = await ag.send(new AG.CreateRestApiCommand({ name: 'recorded-proxy' }));
      const root = (await ag.send(new AG.GetResourcesCommand({ restApiId: api.id! }))).items!.find((r) => r.path === '/')!;
      let parentId = root.id!;
      for (const part of sc.resource.split('/').filter(Boolean)) {
        parentId = (await ag.send(new AG.CreateResourceCommand({ restApiId: api.id!, parentId, pathPart: part }))).id!;
      }
      await ag.send(new AG.PutMethodCommand({ restApiId: api.id!, resourceId: parentId, httpMethod: 'ANY', authorizationType: 'NONE', requestParameters: sc.methodRequestParameters }));
      await ag.send(
        new AG.PutIntegrationCommand({
          restApiId: api.id!,
          resourceId: parentId,
          httpMethod: 'ANY',
          type: 'AWS_PROXY',
          integrationHttpMethod: sc.integrationHttpMethod ?? 'POST',
          requestParameters: sc.integrationRequestParameters,
          uri: `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/${echoArn}/invocations`,
        }),
      );
      for (const gr of sc.gatewayResponses ?? []) {
        await ag.send(new AG.PutGatewayResponseCommand({ restApiId: api.id!, ...gr } as AG.PutGatewayResponseCommandInput));
      }
      await ag.send(new AG.CreateDeploymentCommand({ restApiId: api.id!, stageName: sc.stage }));
      const port = Number(new URL(nimbus.endpoint).port);
      const host = `${api.id}.execute-api.localhost:${port}`;
      const failed: Record<string, string[]> = {};
      try {
        for (const c of sc.cases) {
          const r = await send(port, host, c.request.method, `/${sc.stage}${c.request.path}`, c.request.headers ?? sc.headers, c.request.body);
          tally.checked++;
          if (c.response) {
            const diffs = compareRecorded({ status: c.response.status, body: c.response.body }, { status: r.status, output: JSON.parse(r.text) }, new Map());
            if (diffs.length) failed[c.snapshot] = diffs;
            else tally.passed++;
            continue;
          }
          if (r.status !== 200) {
            failed[c.snapshot] = [`status ${r.status}: ${r.text}`];
            continue;
          }
          const event = JSON.parse(r.text) as Record<string, any>;
          const diffs: string[] = [];
          const rc = event['requestContext'] as Record<string, unknown> | undefined;
          // The recorder masked requestTimeEpoch (a number) as a string placeholder.
          if (rc && typeof rc['requestTimeEpoch'] === 'number') rc['requestTimeEpoch'] = String(rc['requestTimeEpoch']);
          else diffs.push(`requestContext.requestTimeEpoch: expected a number, got ${JSON.stringify(rc?.['requestTimeEpoch'])}`);
          // AWS answered on https:443; Nimbus listens on plain HTTP at its own port.
          for (const m of [event['headers'], event['multiValueHeaders']] as Record<string, unknown>[]) {
            if (!m) continue;
            const one = (v: unknown, to: string, from: string) => (Array.isArray(v) ? v.map((x) => (x === from ? to : x)) : v === from ? to : v);
            if ('X-Forwarded-Port' in m) m['X-Forwarded-Port'] = one(m['X-Forwarded-Port'], '443', String(port));
            if ('X-Forwarded-Proto' in m) m['X-Forwarded-Proto'] = one(m['X-Forwarded-Proto'], 'https', 'http');
          }
          // One request's placeholders: the Host sent stands for the recorded `<host:1>`.
          const bindings: Bindings = new Map([['<host:1>', host], ['<api-id:1>', api.id!]]);
          diffs.push(...compareRecorded({ body: expected(sc, c.event ?? {}) }, { status: 200, output: event }, bindings));
          if (diffs.length) failed[c.snapshot] = diffs;
          else tally.passed++;
        }
      } finally {
        await ag.send(new AG.DeleteRestApiCommand({ restApiId: api.id! }));
      }
      expect(failed, sc.test).toEqual({});
    }, 60_000);
  }
});

describe('API Gateway data plane, recorded answers on the wire', () => {
  for (const sc of stepScenarios) {
    it(sc.test, async () => {
      const saved: Record<string, unknown> = { fn: { arn: echoArn } };
      const port = Number(new URL(nimbus.endpoint).port);
      const failed: Record<string, string[]> = {};
      let n = 0;
      try {
        for (const step of sc.steps) {
          n++;
          if ('call' in step) {
            const Command = (AG as unknown as Record<string, new (i: unknown) => unknown>)[`${step.call}Command`]!;
            const out = (await ag.send(new Command(resolveRefs(step.input, saved)) as never)) as unknown as Record<string, unknown>;
            if (step.save) saved[step.save] = out;
            continue;
          }
          const api = saved['api'] as { id: string };
          const h = step.http;
          const r = await send(port, `${api.id}.execute-api.localhost:${port}`, h.method, h.path, h.headers ?? {}, h.body);
          if (!step.snapshot) {
            // An unrecorded request whose status the test asserted.
            if (r.status !== step.status) failed[`step ${n} ${h.method}`] = [`status: expected ${step.status}, got ${r.status}: ${r.text}`];
            continue;
          }
          tally.checked++;
          let output: Record<string, unknown> = {};
          try {
            output = JSON.parse(r.text) as Record<string, unknown>;
          } catch {
            output = { text: r.text };
          }
          const diffs = compareRecorded({ status: step.status, body: step.body }, { status: r.status, output }, new Map());
          if (diffs.length) failed[step.snapshot] = diffs;
          else tally.passed++;
        }
      } finally {
        const api = saved['api'] as { id?: string } | undefined;
        if (api?.id) await ag.send(new AG.DeleteRestApiCommand({ restApiId: api.id }));
      }
      expect(failed, sc.test).toEqual({});
    }, 60_000);
  }
});

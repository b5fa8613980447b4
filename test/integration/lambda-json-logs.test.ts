// LoggingConfig with the JSON log format: platform records instead of START/END/REPORT, the Node
// and Python runtimes' own JSON log objects, level filtering, and the configuration's validation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Lambda from '@aws-sdk/client-lambda';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';

let nimbus: TestNimbus;
let lambda: Lambda.LambdaClient;
const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

const NODE = `export const handler = async (event) => {
  console.log('hello', { a: 1 });
  console.info({ structured: true });
  console.debug('debug line');
  if (event.fail) throw new TypeError('boom');
  return 'ok';
};`;

const PYTHON = `import logging
logger = logging.getLogger()
def handler(event, context):
    print("plain print")
    logger.debug("debug line")
    logger.info("info line", extra={"orderId": 7})
    return 1
`;

async function create(name: string, runtime: string, files: Record<string, string>, handler: string, loggingConfig?: Lambda.LoggingConfig) {
  const out = await lambda.send(new Lambda.CreateFunctionCommand({ FunctionName: name, Runtime: runtime as Lambda.Runtime, Role: ROLE, Handler: handler, Code: { ZipFile: zip(files) }, LoggingConfig: loggingConfig }));
  await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: name });
  return out;
}

/** The invocation's log lines (Tail), JSON lines parsed. */
async function invokeLines(name: string, payload: unknown = {}): Promise<Array<Record<string, unknown> | string>> {
  const out = await lambda.send(new Lambda.InvokeCommand({ FunctionName: name, LogType: 'Tail', Payload: JSON.stringify(payload) }));
  const text = Buffer.from(out.LogResult!, 'base64').toString('utf8');
  return text.split('\n').filter(Boolean).map((line) => (line.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : line));
}

const records = (lines: Array<Record<string, unknown> | string>, type: string) =>
  lines.filter((l): l is Record<string, unknown> => typeof l === 'object' && l.type === type);
const appLogs = (lines: Array<Record<string, unknown> | string>) =>
  lines.filter((l): l is Record<string, unknown> => typeof l === 'object' && 'level' in l);

beforeAll(async () => {
  nimbus = await startNimbus();
  lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
});
afterAll(async () => {
  lambda?.destroy();
  await nimbus?.dispose();
});

describe('LoggingConfig LogFormat JSON', () => {
  it('Node: platform records and JSON console objects at INFO and above', async () => {
    const created = await create('json-node', 'nodejs20.x', { 'index.mjs': NODE }, 'index.handler', { LogFormat: 'JSON' });
    expect(created.LoggingConfig).toEqual({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'INFO', LogGroup: '/aws/lambda/json-node' });

    const lines = await invokeLines('json-node');
    expect(lines.every((l) => typeof l === 'object')).toBe(true);
    const [start] = records(lines, 'platform.start');
    const requestId = (start!.record as { requestId: string }).requestId;
    expect(start!.record).toEqual({ requestId, version: '$LATEST' });
    expect(appLogs(lines).map((l) => [l.level, l.requestId, l.message])).toEqual([
      ['INFO', requestId, 'hello { a: 1 }'],
      ['INFO', requestId, { structured: true }],
    ]);
    expect(records(lines, 'platform.runtimeDone')[0]!.record).toMatchObject({ requestId, status: 'success', metrics: { producedBytes: 4 } });
    const report = records(lines, 'platform.report')[0]!.record as { status: string; metrics: Record<string, number> };
    expect(report.status).toBe('success');
    expect(Object.keys(report.metrics)).toEqual(['durationMs', 'billedDurationMs', 'memorySizeMB', 'maxMemoryUsedMB', 'initDurationMs']);
    expect(report.metrics.memorySizeMB).toBe(128);

    const failed = await invokeLines('json-node', { fail: true });
    const error = appLogs(failed).find((l) => l.level === 'ERROR')!;
    expect(error.message).toMatchObject({ errorType: 'TypeError', errorMessage: 'boom' });
    expect(records(failed, 'platform.report')[0]!.record).toMatchObject({ status: 'error' });
  });

  it('levels change without redeploying; Text drops them; a level with Text is refused', async () => {
    const updated = await lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'json-node', LoggingConfig: { ApplicationLogLevel: 'DEBUG' } }));
    expect(updated.LoggingConfig).toMatchObject({ LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG', SystemLogLevel: 'INFO' });
    await Lambda.waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: 'json-node' });
    expect(appLogs(await invokeLines('json-node')).map((l) => l.level)).toEqual(['INFO', 'INFO', 'DEBUG']);

    const text = await lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'json-node', LoggingConfig: { LogFormat: 'Text' } }));
    expect(text.LoggingConfig).toEqual({ LogFormat: 'Text', LogGroup: '/aws/lambda/json-node' });
    await Lambda.waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30 }, { FunctionName: 'json-node' });
    const lines = await invokeLines('json-node');
    expect(lines[0]).toMatch(/^START RequestId: \S+ Version: \$LATEST$/);
    expect(lines.some((l) => typeof l === 'string' && /\tINFO\thello \{ a: 1 \}$/.test(l))).toBe(true);

    const refused = await lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'json-node', LoggingConfig: { SystemLogLevel: 'WARN' } })).catch((e) => e);
    expect(refused.name).toBe('InvalidParameterValueException');
    expect(refused.message).toContain('LogLevel is not supported when LogFormat is set to "Text"');
    const invalid = await create('json-bad', 'nodejs20.x', { 'index.mjs': NODE }, 'index.handler', { LogFormat: 'JSON', ApplicationLogLevel: 'LOUD' as Lambda.ApplicationLogLevel }).catch((e) => e);
    expect(invalid.name).toBe('ValidationException');
    expect(invalid.message).toContain("'loggingConfig.applicationLogLevel'");
  });

  it('Python: logging records as JSON with their extra fields, print stays text, SystemLogLevel WARN drops platform records', async () => {
    await create('json-python', 'python3.12', { 'app.py': PYTHON }, 'app.handler', { LogFormat: 'JSON', SystemLogLevel: 'WARN' });
    const lines = await invokeLines('json-python');
    expect(lines.filter((l) => typeof l === 'object' && 'type' in l)).toEqual([]);
    expect(lines).toContain('plain print');
    const [info, ...rest] = appLogs(lines);
    expect(rest).toEqual([]);
    expect(info).toMatchObject({ level: 'INFO', message: 'info line', logger: 'root', orderId: 7 });
    expect(info!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(info!.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});

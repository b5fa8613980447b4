// Shared fixtures for the lambda-env-* suites: a temp data dir, code packages written from
// strings, a LogSink that collects events, and an image builder with AWS's defaults.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createEnvironmentPool, type EnvironmentPoolOptions } from '../../src/lambda/environments/index.js';
import type { FunctionImage, InvokeRequest, LogEvent, LogSink } from '../../src/lambda/environments/types.js';

export interface CollectedEvent {
  readonly group: string;
  readonly stream: string;
  readonly timestamp: number;
  readonly message: string;
}

export class CollectingSink implements LogSink {
  readonly events: CollectedEvent[] = [];
  calls = 0;
  put(_account: string, _region: string, group: string, stream: string, events: ReadonlyArray<LogEvent>): void {
    this.calls++;
    for (const e of events) {
      const message = typeof e.message === 'string' ? e.message : e.message();
      this.events.push({ group, stream, timestamp: e.timestamp, message });
    }
  }
  text(): string {
    return this.events.map((e) => e.message).join('');
  }
}

export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'nimbus-lambda-env-'));
}

/** Writes `files` (path → content; content starting with `#!` becomes executable) into a new code dir. */
export function writeCode(dataDir: string, files: Record<string, string>): string {
  const dir = join(dataDir, 'code', randomUUID());
  for (const [path, content] of Object.entries(files)) {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    if (content.startsWith('#!')) chmodSync(file, 0o755);
  }
  return dir;
}

let counter = 0;
export function image(codeDir: string, overrides: Partial<FunctionImage> = {}): FunctionImage {
  const functionName = overrides.functionName ?? `fn-${++counter}`;
  return {
    key: `${functionName}:${codeDir}`,
    accountId: '000000000000',
    region: 'us-east-1',
    functionName,
    functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    version: '$LATEST',
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    memorySizeMb: 128,
    timeoutSeconds: 3,
    ephemeralStorageMb: 512,
    environment: {},
    codeDir,
    logGroupName: `/aws/lambda/${functionName}`,
    logFormat: 'Text',
    ...overrides,
  };
}

export function request(img: FunctionImage, payload: unknown = {}, extra: Partial<InvokeRequest> = {}): InvokeRequest {
  return {
    image: img,
    requestId: randomUUID(),
    payload: Buffer.from(JSON.stringify(payload)),
    invokedFunctionArn: img.functionArn,
    tailLogs: false,
    ...extra,
  };
}

export function json(buf: Buffer): any {
  return JSON.parse(buf.toString('utf8'));
}

export function setup(options: Partial<EnvironmentPoolOptions> = {}) {
  const dataDir = options.dataDir ?? makeDataDir();
  const sink = new CollectingSink();
  const pool = createEnvironmentPool({ dataDir, logSink: sink, prewarm: [], ...options });
  return {
    dataDir,
    sink,
    pool,
    async dispose() {
      await pool.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

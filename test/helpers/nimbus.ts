// Starts a real Nimbus on a free port with a temporary data dir, for integration tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNimbus as start, type NimbusOptions, type RunningNimbus } from '../../src/server/nimbus.js';

export interface TestNimbus extends RunningNimbus {
  readonly dataDir: string;
  /** Lines Nimbus logged (unexpected errors land here). */
  readonly logs: string[];
  /** Stops and deletes the data dir. */
  dispose(): Promise<void>;
}

export async function startNimbus(options: Partial<NimbusOptions> = {}): Promise<TestNimbus> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'nimbus-test-'));
  const logs: string[] = [];
  const nimbus = await start({ port: 0, host: '127.0.0.1', dataDir, log: (m) => logs.push(m), ...options });
  return Object.assign(nimbus, {
    dataDir,
    logs,
    async dispose() {
      await nimbus.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** Configuration for any @aws-sdk/client-* pointed at a test Nimbus. */
export function clientConfig(endpoint: string, region = 'us-east-1') {
  return {
    endpoint,
    region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  };
}

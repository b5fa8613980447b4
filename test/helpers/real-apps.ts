// Shared by the sam-real-apps*.test.ts suites: a fixture app copied as a user's checkout, and what
// `nimbus deploy` printed about it (outputs, API stages, function URLs).
import { cpSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

/** A fresh copy of test/fixtures/real-apps/<name> under `scratch`. */
export function checkoutFixture(scratch: string, name: string): string {
  const dir = join(mkdtempSync(join(scratch, `${name}-`)), name);
  cpSync(join(process.cwd(), 'test/fixtures/real-apps', name), dir, { recursive: true });
  return dir;
}

export interface Deployed {
  readonly stdout: string[];
  /** An output's value, by key. */
  output(key: string): string;
  /** `<endpoint>/_aws/execute-api/<api>/<stage>/` of the first REST API stage printed. */
  readonly rest: string | undefined;
  /** The local URL of the first HTTP API stage printed. */
  readonly http: string | undefined;
  /** The local address of a function URL, by the function's logical id. */
  url(logicalId: string): string;
}

/** Reads `nimbus deploy`'s output lines. */
export function deployed(lines: string[]): Deployed {
  const text = lines.join('\n');
  return {
    stdout: lines,
    output(key) {
      const i = lines.indexOf(`Key          ${key}`);
      expect(i, `output ${key}`).toBeGreaterThanOrEqual(0);
      return lines.slice(i).find((l) => l.startsWith('Value        '))!.slice(13);
    },
    rest: /^API \S+: (\S+)$/m.exec(text)?.[1],
    http: /^HTTP API \S+: (\S+)$/m.exec(text)?.[1],
    url(logicalId) {
      const prefix = `Function URL ${logicalId}: `;
      const line = lines.find((l) => l.startsWith(prefix));
      expect(line, `function URL ${logicalId}`).toBeTruthy();
      return line!.slice(prefix.length);
    },
  };
}

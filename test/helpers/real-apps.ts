// Shared by the sam-real-apps*.test.ts suites: a fixture app copied as a user's checkout, built and
// deployed as its README says, and what `nimbus deploy` printed about it (outputs, API stages,
// function URLs).
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { buildCommand } from '../../src/sam/build.js';
import { deployCommand, type DeployCommandOptions } from '../../src/sam/commands.js';
import { capture } from './io.js';

/** `checkout(name)`: a fresh copy of test/fixtures/real-apps/<name>, in a scratch dir the suite removes. */
export function fixtureCheckouts(label: string): (name: string) => string {
  const scratch = mkdtempSync(join(tmpdir(), `nimbus-${label}-`));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  return (name) => {
    const dir = join(mkdtempSync(join(scratch, `${name}-`)), name);
    cpSync(join(process.cwd(), 'test/fixtures/real-apps', name), dir, { recursive: true });
    return dir;
  };
}

export interface BuildAndDeployOptions extends Pick<DeployCommandOptions, 'parameterOverrides' | 'skipUnsupported' | 'timeScale'> {
  /** `nimbus build` first (default); its template file when not the default lookup. */
  readonly build?: boolean;
  readonly template?: string;
  /** The deploy may print notices on stderr (e.g. what --skip-unsupported left out). */
  readonly allowStderr?: boolean;
}

/** `nimbus build` then `nimbus deploy` against `endpoint`, both expected to succeed. */
export async function buildAndDeploy(endpoint: string, app: string, stackName: string, opts: BuildAndDeployOptions = {}): Promise<Deployed> {
  if (opts.build !== false) {
    const built = capture();
    const templateFile = opts.template ? { templateFile: join(app, opts.template) } : {};
    expect(await buildCommand({ cwd: app, ...templateFile }, built), built.stderr.join('\n')).toBe(0);
  }
  const io = capture();
  const { parameterOverrides, skipUnsupported, timeScale } = opts;
  const code = await deployCommand({ cwd: app, stackName, endpointUrl: endpoint, parameterOverrides, skipUnsupported, timeScale }, io);
  if (!opts.allowStderr) expect(io.stderr, io.stdout.join('\n')).toEqual([]);
  expect(code, [...io.stderr, ...io.stdout].join('\n')).toBe(0);
  return deployed(io.stdout);
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

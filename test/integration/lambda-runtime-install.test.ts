// A nodejs*.x function whose Node.js major this machine lacks: Nimbus fetches the binary package
// from the npm registry while the function is Pending. The registry here is a local stand-in whose
// package holds a script that reports the wanted version and runs this machine's node.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Lambda from '@aws-sdk/client-lambda';
import { runtimeAvailability } from '../../src/lambda/environments/index.js';
import { NODE_BINARY_PACKAGE } from '../../src/lambda/environments/node-install.js';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { failure } from '../helpers/failure.js';
import { zip } from '../helpers/zip.js';

const MAJOR = 22;
const VERSION = `${MAJOR}.99.0`;
/** The test needs machines without Node 22 and 24 (Nimbus would use those rather than fetch). */
const lacksBoth = !runtimeAvailability('nodejs22.x').ok && !runtimeAvailability('nodejs24.x').ok;
const ROLE = 'arn:aws:iam::000000000000:role/test';
const CODE = zip({ 'index.mjs': 'export const handler = async () => process.env.AWS_EXECUTION_ENV;' });

/** A gzipped package tarball like the real `node-<platform>-<arch>` one: package/bin/node. */
function packageTarball(work: string): Buffer {
  const bin = join(work, 'package', 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(work, 'package', 'package.json'), JSON.stringify({ name: NODE_BINARY_PACKAGE, version: VERSION }));
  writeFileSync(join(bin, 'node'), `#!/bin/sh\nif [ "$1" = "--version" ]; then echo v${VERSION}; exit 0; fi\nexec ${process.execPath} "$@"\n`);
  chmodSync(join(bin, 'node'), 0o755);
  execFileSync('tar', ['czf', join(work, 'pkg.tgz'), '-C', work, 'package']);
  return readFileSync(join(work, 'pkg.tgz'));
}

describe.skipIf(!lacksBoth)('runtimes fetched on demand', () => {
  let nimbus: TestNimbus;
  let lambda: Lambda.LambdaClient;
  let registry: Server;
  let work: string;
  const savedRegistry = process.env.npm_config_registry;
  /** While set, tarball downloads wait for it (a function can be seen Pending). */
  let hold: Promise<void> | undefined;
  let release: () => void = () => {};
  let serveTarball = true;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'nimbus-registry-'));
    const tarball = packageTarball(work);
    registry = createServer((req, res) => {
      const base = `http://127.0.0.1:${(registry.address() as AddressInfo).port}`;
      if (req.url === `/${NODE_BINARY_PACKAGE}`) {
        const dist = {
          tarball: `${base}/${NODE_BINARY_PACKAGE}/-/${NODE_BINARY_PACKAGE}-${VERSION}.tgz`,
          shasum: createHash('sha1').update(tarball).digest('hex'),
          integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
        };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ name: NODE_BINARY_PACKAGE, 'dist-tags': { latest: VERSION }, versions: { [VERSION]: { name: NODE_BINARY_PACKAGE, version: VERSION, dist } } }));
      } else if (req.url?.endsWith('.tgz') && serveTarball) {
        void (hold ?? Promise.resolve()).then(() => {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          res.end(tarball);
        });
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":"Not found"}');
      }
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    // npm, started by Nimbus, reads its registry from here (and gives up at once on failures).
    process.env.npm_config_registry = `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`;
    process.env.npm_config_fetch_retries = '0';
    // Fetched binaries go to the user's cache (shared by every Nimbus): here a scratch one.
    process.env.NIMBUS_CACHE_DIR = join(work, 'cache');
    nimbus = await startNimbus();
    lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
  });

  afterAll(async () => {
    await nimbus?.dispose();
    registry?.close();
    if (savedRegistry === undefined) delete process.env.npm_config_registry;
    else process.env.npm_config_registry = savedRegistry;
    delete process.env.npm_config_fetch_retries;
    delete process.env.NIMBUS_CACHE_DIR;
    rmSync(work, { recursive: true, force: true });
  });

  it('keeps the function Pending while the binary downloads, refuses invocations meanwhile, then runs it', async () => {
    hold = new Promise((resolve) => (release = resolve));
    const created = await lambda.send(new Lambda.CreateFunctionCommand({ FunctionName: 'later', Runtime: `nodejs${MAJOR}.x`, Role: ROLE, Handler: 'index.handler', Code: { ZipFile: CODE } }));
    expect(created).toMatchObject({ State: 'Pending', StateReasonCode: 'Creating' });
    // A second function of the same major shares the one download.
    await lambda.send(new Lambda.CreateFunctionCommand({ FunctionName: 'later2', Runtime: `nodejs${MAJOR}.x`, Role: ROLE, Handler: 'index.handler', Code: { ZipFile: CODE } }));
    const refused = await failure(lambda.send(new Lambda.InvokeCommand({ FunctionName: 'later' })));
    expect(refused).toMatchObject({ name: 'ResourceConflictException', status: 409 });
    expect(refused.message).toContain("is currently in the following state: 'Pending'. StateReasonCode: 'Creating'");
    expect((await lambda.send(new Lambda.GetFunctionConfigurationCommand({ FunctionName: 'later' }))).State).toBe('Pending');

    release();
    hold = undefined;
    await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 120, minDelay: 1 }, { FunctionName: 'later' });
    for (const name of ['later', 'later2']) {
      const out = await lambda.send(new Lambda.InvokeCommand({ FunctionName: name }));
      expect(out.FunctionError, Buffer.from(out.Payload ?? []).toString()).toBeUndefined();
      expect(JSON.parse(Buffer.from(out.Payload!).toString())).toBe(`AWS_Lambda_nodejs${MAJOR}.x`);
    }
    expect(existsSync(join(work, 'cache', 'runtimes', `node${MAJOR}`, 'node_modules', NODE_BINARY_PACKAGE, 'bin', 'node'))).toBe(true);
    const nimbusLog = nimbus.logs.filter((l) => l.includes(`fetching a Node.js binary for nodejs${MAJOR}.x`));
    expect(nimbusLog).toHaveLength(1);
  }, 180_000);

  it('marks the function Failed with the reason when the download fails, and a fixed runtime brings it back', async () => {
    serveTarball = false;
    try {
      await lambda.send(new Lambda.CreateFunctionCommand({ FunctionName: 'broken', Runtime: 'nodejs24.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: CODE } }));
      let conf: Lambda.GetFunctionConfigurationCommandOutput;
      do {
        await new Promise((r) => setTimeout(r, 100));
        conf = await lambda.send(new Lambda.GetFunctionConfigurationCommand({ FunctionName: 'broken' }));
      } while (conf.State === 'Pending');
      expect(conf).toMatchObject({ State: 'Failed', StateReasonCode: 'InvalidRuntime', LastUpdateStatus: 'Failed', LastUpdateStatusReasonCode: 'InvalidRuntime' });
      expect(conf.StateReason).toContain('Nimbus could not install Node.js 24');
      expect(conf.StateReason).toContain(`${NODE_BINARY_PACKAGE}@24`);
      const refused = await failure(lambda.send(new Lambda.InvokeCommand({ FunctionName: 'broken' })));
      expect(refused).toMatchObject({ name: 'ResourceConflictException', status: 409 });
      expect(refused.message).toContain("'Failed'. StateReasonCode: 'InvalidRuntime'");

      await lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'broken', Runtime: 'nodejs20.x' }));
      await Lambda.waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: 'broken' });
      const fixed = await lambda.send(new Lambda.GetFunctionConfigurationCommand({ FunctionName: 'broken' }));
      expect(fixed).toMatchObject({ State: 'Active', LastUpdateStatus: 'Successful' });
      expect(fixed.StateReason).toBeUndefined();
      const out = await lambda.send(new Lambda.InvokeCommand({ FunctionName: 'broken' }));
      expect(JSON.parse(Buffer.from(out.Payload!).toString())).toBe('AWS_Lambda_nodejs20.x');
    } finally {
      serveTarball = true;
    }
  }, 180_000);

  it('still refuses runtimes it cannot fetch', async () => {
    const refused = await failure(lambda.send(new Lambda.CreateFunctionCommand({ FunctionName: 'java', Runtime: 'java21', Role: ROLE, Handler: 'x', Code: { ZipFile: CODE } })));
    expect(refused).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
  });
});

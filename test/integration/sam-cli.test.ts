// The SAM commands through the real `nimbus` binary (dist/, built by `npm test`): option parsing,
// exit codes, stdout/stderr. The server is an in-process Nimbus; the CLI is a separate process.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { nimbusBin } from '../helpers/binary.js';
import { packageRoot } from '../../src/paths.js';

// Skipped until `npm run build` has compiled the SAM commands (the newest module is the marker).
const built = existsSync(join(packageRoot, 'dist', 'sam', 'samconfig.js'));

const scratch = mkdtempSync(join(tmpdir(), 'nimbus-sam-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function nimbusCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [nimbusBin, ...args], { cwd, env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe.skipIf(!built)('nimbus SAM commands (binary)', () => {
  let nimbus: TestNimbus;
  let dir: string;
  beforeAll(async () => {
    nimbus = await startNimbus();
    dir = join(scratch, 'app');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'src', 'index.js'), 'exports.handler = async () => ({ statusCode: 200, body: process.env.VAR_A + "-" + process.env.VAR_B });');
    writeFileSync(join(dir, 'template.yaml'), `Transform: AWS::Serverless-2016-10-31
Parameters:
  A: {Type: String, Default: a}
  B: {Type: String, Default: b, AllowedValues: [b, two]}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: index.handler
      Runtime: nodejs20.x
      Environment:
        Variables: {VAR_A: !Ref A, VAR_B: !Ref B}
      Events:
        Get:
          Type: Api
          Properties: {Path: /, Method: get}
`);
  });
  afterAll(async () => {
    await nimbus?.dispose();
  });

  it('validate: exit 0, or 1 with the path of the error', async () => {
    expect(await nimbusCli(['validate'], dir)).toMatchObject({ code: 0, stdout: expect.stringMatching(/is a valid SAM Template/) });
    const bad = await nimbusCli(['validate', '--parameter-overrides', 'B=three'], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Parameters\.B: value "three" of parameter B is not one of AllowedValues \[b, two\]/);
  });

  it("accepts the flags READMEs give `sam deploy` / `sam build`; an empty change set exits 1 unless --no-fail-on-empty-changeset", async () => {
    expect((await nimbusCli(['validate', '--lint'], dir)).code).toBe(0);
    expect((await nimbusCli(['build', '--use-container', '--cached'], dir)).code).toBe(0);
    const first = await nimbusCli(['deploy', '--guided', '--capabilities', 'CAPABILITY_IAM', 'CAPABILITY_AUTO_EXPAND', '--no-confirm-changeset', '--resolve-s3', '--endpoint-url', nimbus.endpoint], dir);
    expect(first.stderr).toBe('');
    expect(first).toMatchObject({ code: 0, stdout: expect.stringMatching(/Successfully created\/updated stack - sam-app \(CREATE_COMPLETE\)/) });
    const same = await nimbusCli(['deploy', '--stack-name', 'sam-app', '--endpoint-url', nimbus.endpoint], dir);
    expect(same.code).toBe(1);
    expect(same.stderr).toMatch(/^Error: No changes to deploy\. Stack sam-app is up to date$/m);
    expect((await nimbusCli(['deploy', '--stack-name', 'sam-app', '--no-fail-on-empty-changeset', '--endpoint-url', nimbus.endpoint], dir)).code).toBe(0);
    const typo = await nimbusCli(['deploy', '--stack-name', 'sam-app', '--capabilities', 'CAPABILITY_IM', '--endpoint-url', nimbus.endpoint], dir);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/must be one of CAPABILITY_IAM/);
    expect((await nimbusCli(['delete', '--stack-name', 'sam-app', '--no-prompts', '--endpoint-url', nimbus.endpoint], dir)).code).toBe(0);
    // The older two-step flow: package (to "S3"), then deploy the packaged template.
    expect((await nimbusCli(['package', '--output-template-file', 'packaged.yaml', '--s3-bucket', 'my-bucket'], dir)).code).toBe(0);
    const packaged = await nimbusCli(['deploy', '--template-file', 'packaged.yaml', '--stack-name', 'pkg', '--capabilities', 'CAPABILITY_IAM', '--endpoint-url', nimbus.endpoint], dir);
    expect(packaged).toMatchObject({ code: 0, stdout: expect.stringMatching(/Successfully created\/updated stack - pkg/) });
    expect((await nimbusCli(['delete', '--stack-name', 'pkg', '--no-prompts', '--endpoint-url', nimbus.endpoint], dir)).code).toBe(0);
    rmSync(join(dir, '.nimbus-sam', 'build'), { recursive: true, force: true });
    rmSync(join(dir, 'packaged.yaml'), { force: true });
  });

  it('deploy with --parameter-overrides (several pairs), --no-execute-changeset, then for real; delete', async () => {
    const preview = await nimbusCli(['deploy', '--stack-name', 'cli', '--no-execute-changeset'], dir, { NIMBUS_ENDPOINT: nimbus.endpoint });
    expect(preview.code).toBe(0);
    expect(preview.stdout).toMatch(/\+ Add\s+Fn\s+AWS::Lambda::Function/);
    expect(preview.stdout).not.toMatch(/CREATE_COMPLETE/);
    const res = await nimbusCli(['deploy', '--stack-name', 'cli', '--endpoint-url', nimbus.endpoint, '--parameter-overrides', 'A=one', 'B=two'], dir);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const url = /API \S+: (\S+)/.exec(res.stdout)![1]!;
    expect(await (await request(url)).body.text()).toBe('one-two');
    const del = await nimbusCli(['delete', '--stack-name', 'cli', '--endpoint-url', nimbus.endpoint, '--no-prompts'], dir);
    expect(del).toMatchObject({ code: 0, stdout: expect.stringMatching(/Deleted successfully - cli/) });
    const again = await nimbusCli(['delete', '--stack-name', 'cli', '--endpoint-url', nimbus.endpoint], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/Stack cli does not exist/);
  });

  it('local generate-event prints JSON; unknown events exit 1', async () => {
    const ok = await nimbusCli(['local', 'generate-event', 'apigateway', 'aws-proxy', '--method', 'POST', '--path', '/x'], dir);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ httpMethod: 'POST', path: '/x' });
    expect((await nimbusCli(['local', 'generate-event', 'nope', 'x'], dir)).code).toBe(1);
  });
});

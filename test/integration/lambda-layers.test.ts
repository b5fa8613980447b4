// Lambda layers through @aws-sdk/client-lambda: every layer operation and its error paths, and
// functions that use layers (configuration, versions, and what the running code sees in /opt).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Lambda from '@aws-sdk/client-lambda';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { zip } from '../helpers/zip.js';
import { failure } from '../helpers/failure.js';

const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';
const ARN = 'arn:aws:lambda:us-east-1:000000000000:layer';

describe('Lambda layers', () => {
  let nimbus: TestNimbus;
  let lambda: Lambda.LambdaClient;

  beforeAll(async () => {
    nimbus = await startNimbus();
    lambda = new Lambda.LambdaClient(clientConfig(nimbus.endpoint));
  });
  afterAll(() => nimbus.dispose());

  const publish = (name: string, files: Record<string, string> = { 'nodejs/node_modules/x/index.js': 'module.exports = 1;' }, extra: Partial<Lambda.PublishLayerVersionCommandInput> = {}) =>
    lambda.send(new Lambda.PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: zip(files) }, ...extra }));

  const createFunction = async (name: string, extra: Partial<Lambda.CreateFunctionCommandInput> = {}) => {
    const out = await lambda.send(
      new Lambda.CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Role: ROLE,
        Handler: 'index.handler',
        Code: { ZipFile: zip({ 'index.js': 'exports.handler = async () => 1;' }) },
        ...extra,
      }),
    );
    await Lambda.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: name });
    return out;
  };

  const invoke = async (name: string, qualifier?: string) => {
    const out = await lambda.send(new Lambda.InvokeCommand({ FunctionName: name, ...(qualifier ? { Qualifier: qualifier } : {}) }));
    const payload = JSON.parse(Buffer.from(out.Payload!).toString('utf8'));
    return { error: out.FunctionError, payload };
  };

  it('publishes numbered versions in the shapes AWS returns', async () => {
    const first = await publish('shape', undefined, {
      Description: 'first',
      CompatibleRuntimes: ['nodejs20.x', 'python3.12'],
      CompatibleArchitectures: ['x86_64'],
      LicenseInfo: 'MIT',
    });
    expect(first.$metadata.httpStatusCode).toBe(201);
    expect(first).toMatchObject({
      LayerArn: `${ARN}:shape`,
      LayerVersionArn: `${ARN}:shape:1`,
      Version: 1,
      Description: 'first',
      CompatibleRuntimes: ['nodejs20.x', 'python3.12'],
      CompatibleArchitectures: ['x86_64'],
      LicenseInfo: 'MIT',
    });
    expect(first.CreatedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(first.Content?.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(first.Content?.CodeSize).toBeGreaterThan(0);
    const download = await fetch(first.Content!.Location!);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).length).toBe(first.Content!.CodeSize);

    const before = await lambda.send(new Lambda.GetAccountSettingsCommand({}));
    const second = await publish('shape');
    const after = await lambda.send(new Lambda.GetAccountSettingsCommand({}));
    expect(after.AccountUsage!.TotalCodeSize! - before.AccountUsage!.TotalCodeSize!).toBe(second.Content!.CodeSize);
    expect(second.Version).toBe(2);
    expect(second.Description).toBe('');
    expect(second.CompatibleRuntimes).toBeUndefined();

    const got = await lambda.send(new Lambda.GetLayerVersionCommand({ LayerName: 'shape', VersionNumber: 1 }));
    expect(got).toMatchObject({ LayerVersionArn: `${ARN}:shape:1`, Description: 'first', Content: first.Content });
    const byLayerArn = await lambda.send(new Lambda.GetLayerVersionCommand({ LayerName: `${ARN}:shape`, VersionNumber: 2 }));
    expect(byLayerArn.Version).toBe(2);
    const byArn = await lambda.send(new Lambda.GetLayerVersionByArnCommand({ Arn: `${ARN}:shape:1` }));
    expect(byArn).toMatchObject({ LayerArn: `${ARN}:shape`, Version: 1, LicenseInfo: 'MIT' });
  });

  it('never reuses a version number after a delete, and deletes idempotently', async () => {
    await publish('gone');
    await publish('gone');
    await lambda.send(new Lambda.DeleteLayerVersionCommand({ LayerName: 'gone', VersionNumber: 2 }));
    const again = await lambda.send(new Lambda.DeleteLayerVersionCommand({ LayerName: 'gone', VersionNumber: 2 }));
    expect(again.$metadata.httpStatusCode).toBe(204);
    await lambda.send(new Lambda.DeleteLayerVersionCommand({ LayerName: 'never-existed', VersionNumber: 7 }));
    expect((await publish('gone')).Version).toBe(3);
    await lambda.send(new Lambda.DeleteLayerVersionCommand({ LayerName: 'gone', VersionNumber: 1 }));
    await lambda.send(new Lambda.DeleteLayerVersionCommand({ LayerName: 'gone', VersionNumber: 3 }));
    expect((await publish('gone')).Version).toBe(4);
    const missing = await failure(lambda.send(new Lambda.GetLayerVersionCommand({ LayerName: 'gone', VersionNumber: 2 })));
    expect(missing).toMatchObject({ name: 'ResourceNotFoundException', status: 404, message: 'The resource you requested does not exist.' });
  });

  it('lists layers and versions with runtime and architecture filters and paging', async () => {
    await publish('list-a', undefined, { CompatibleRuntimes: ['nodejs20.x'], CompatibleArchitectures: ['arm64'] });
    await publish('list-a', undefined, { CompatibleRuntimes: ['python3.12'] });
    await publish('list-b', undefined, { CompatibleRuntimes: ['nodejs20.x'] });

    const versions = await lambda.send(new Lambda.ListLayerVersionsCommand({ LayerName: 'list-a' }));
    expect(versions.LayerVersions?.map((v) => v.Version)).toEqual([2, 1]);
    expect(versions.LayerVersions?.[0]).not.toHaveProperty('Content');
    const node = await lambda.send(new Lambda.ListLayerVersionsCommand({ LayerName: 'list-a', CompatibleRuntime: 'nodejs20.x' }));
    expect(node.LayerVersions?.map((v) => v.LayerVersionArn)).toEqual([`${ARN}:list-a:1`]);
    const arm = await lambda.send(new Lambda.ListLayerVersionsCommand({ LayerName: 'list-a', CompatibleArchitecture: 'arm64' }));
    expect(arm.LayerVersions?.map((v) => v.Version)).toEqual([1]);
    const none = await lambda.send(new Lambda.ListLayerVersionsCommand({ LayerName: 'no-such-layer' }));
    expect(none.LayerVersions).toEqual([]);

    const layers = await lambda.send(new Lambda.ListLayersCommand({ CompatibleRuntime: 'nodejs20.x' }));
    const mine = layers.Layers?.filter((l) => l.LayerName?.startsWith('list-'));
    expect(mine).toEqual([
      { LayerName: 'list-a', LayerArn: `${ARN}:list-a`, LatestMatchingVersion: expect.objectContaining({ Version: 1, LayerVersionArn: `${ARN}:list-a:1` }) },
      { LayerName: 'list-b', LayerArn: `${ARN}:list-b`, LatestMatchingVersion: expect.objectContaining({ Version: 1 }) },
    ]);
    const all = await lambda.send(new Lambda.ListLayersCommand({}));
    expect(all.Layers?.find((l) => l.LayerName === 'list-a')?.LatestMatchingVersion?.Version).toBe(2);

    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const pageOut = await lambda.send(new Lambda.ListLayersCommand({ MaxItems: 1, ...(marker ? { Marker: marker } : {}) }));
      expect(pageOut.Layers?.length).toBe(1);
      seen.push(pageOut.Layers![0]!.LayerName!);
      marker = pageOut.NextMarker;
    } while (marker);
    expect(seen).toEqual([...(all.Layers ?? []).map((l) => l.LayerName)]);

    expect(await failure(lambda.send(new Lambda.ListLayersCommand({ MaxItems: 51 })))).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(await failure(lambda.send(new Lambda.ListLayersCommand({ CompatibleRuntime: 'cobol' as Lambda.Runtime })))).toMatchObject({
      name: 'ValidationException',
      status: 400,
    });
  });

  it('refuses bad input as AWS does', async () => {
    const badName = await failure(publish('bad name'));
    expect(badName).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(badName.message).toContain("at 'layerName' failed to satisfy constraint");
    const s3 = await failure(lambda.send(new Lambda.PublishLayerVersionCommand({ LayerName: 'x', Content: { S3Bucket: 'b', S3Key: 'k' } })));
    expect(s3).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(s3.message).toContain('S3');
    const notZip = await failure(lambda.send(new Lambda.PublishLayerVersionCommand({ LayerName: 'x', Content: { ZipFile: Buffer.from('nope') } })));
    expect(notZip).toMatchObject({ name: 'InvalidParameterValueException', message: expect.stringContaining('Could not unzip') });
    const runtimes = await failure(publish('x', undefined, { CompatibleRuntimes: ['cobol' as Lambda.Runtime] }));
    expect(runtimes).toMatchObject({ name: 'ValidationException', message: expect.stringContaining("at 'compatibleRuntimes'") });
    const archs = await failure(publish('x', undefined, { CompatibleArchitectures: ['x86_64', 'arm64', 'x86_64'] }));
    expect(archs).toMatchObject({ name: 'ValidationException', message: expect.stringContaining('less than or equal to 2') });
    const byArn = await failure(lambda.send(new Lambda.GetLayerVersionByArnCommand({ Arn: `${ARN}:shape` })));
    expect(byArn).toMatchObject({ name: 'ValidationException', status: 400 });
    const zero = await failure(lambda.send(new Lambda.GetLayerVersionCommand({ LayerName: 'shape', VersionNumber: 0 })));
    expect(zero).toMatchObject({ name: 'InvalidParameterValueException', message: 'Layer Version Cannot be less than 1' });
    // A refused upload uses up no version number.
    expect((await publish('x')).Version).toBe(1);
  });

  it('keeps layer version permissions (not enforced)', async () => {
    await publish('shared');
    const noPolicy = await failure(lambda.send(new Lambda.GetLayerVersionPolicyCommand({ LayerName: 'shared', VersionNumber: 1 })));
    expect(noPolicy).toMatchObject({ name: 'ResourceNotFoundException', status: 404, message: 'No policy is associated with the given resource.' });

    const added = await lambda.send(
      new Lambda.AddLayerVersionPermissionCommand({ LayerName: 'shared', VersionNumber: 1, StatementId: 'all', Action: 'lambda:GetLayerVersion', Principal: '*' }),
    );
    expect(added.$metadata.httpStatusCode).toBe(201);
    expect(JSON.parse(added.Statement!)).toEqual({ Sid: 'all', Effect: 'Allow', Principal: '*', Action: 'lambda:GetLayerVersion', Resource: `${ARN}:shared:1` });
    const account = await lambda.send(
      new Lambda.AddLayerVersionPermissionCommand({ LayerName: 'shared', VersionNumber: 1, StatementId: 'acct', Action: 'lambda:GetLayerVersion', Principal: '123456789012', RevisionId: added.RevisionId }),
    );
    expect(JSON.parse(account.Statement!).Principal).toEqual({ AWS: 'arn:aws:iam::123456789012:root' });

    const policy = await lambda.send(new Lambda.GetLayerVersionPolicyCommand({ LayerName: 'shared', VersionNumber: 1 }));
    expect(policy.RevisionId).toBe(account.RevisionId);
    expect(JSON.parse(policy.Policy!).Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['all', 'acct']);

    const dup = await failure(
      lambda.send(new Lambda.AddLayerVersionPermissionCommand({ LayerName: 'shared', VersionNumber: 1, StatementId: 'all', Action: 'lambda:GetLayerVersion', Principal: '*' })),
    );
    expect(dup).toMatchObject({ name: 'ResourceConflictException', status: 409 });
    const stale = await failure(
      lambda.send(new Lambda.AddLayerVersionPermissionCommand({ LayerName: 'shared', VersionNumber: 1, StatementId: 's2', Action: 'lambda:GetLayerVersion', Principal: '*', RevisionId: added.RevisionId })),
    );
    expect(stale).toMatchObject({ name: 'PreconditionFailedException', status: 412 });
    const action = await failure(
      lambda.send(new Lambda.AddLayerVersionPermissionCommand({ LayerName: 'shared', VersionNumber: 1, StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: '*' })),
    );
    expect(action).toMatchObject({ name: 'ValidationException', status: 400 });
    const unknown = await failure(
      lambda.send(new Lambda.AddLayerVersionPermissionCommand({ LayerName: 'shared', VersionNumber: 9, StatementId: 's4', Action: 'lambda:GetLayerVersion', Principal: '*' })),
    );
    expect(unknown).toMatchObject({ name: 'ResourceNotFoundException', status: 404, message: `Layer version ${ARN}:shared:9 does not exist.` });

    await lambda.send(new Lambda.RemoveLayerVersionPermissionCommand({ LayerName: 'shared', VersionNumber: 1, StatementId: 'all' }));
    const gone = await failure(lambda.send(new Lambda.RemoveLayerVersionPermissionCommand({ LayerName: 'shared', VersionNumber: 1, StatementId: 'all' })));
    expect(gone).toMatchObject({ name: 'ResourceNotFoundException', message: 'Statement all is not found in resource policy.' });
    const left = await lambda.send(new Lambda.GetLayerVersionPolicyCommand({ LayerName: 'shared', VersionNumber: 1 }));
    expect(JSON.parse(left.Policy!).Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['acct']);
  });

  it('checks the layers a function names', async () => {
    const l1 = await publish('fn-check');
    const l2 = await publish('fn-check');
    const other = await publish('fn-check-other');
    const missing = await failure(createFunction('bad-layers-1', { Layers: [`${ARN}:fn-check:99`] }));
    expect(missing).toMatchObject({ name: 'InvalidParameterValueException', status: 400, message: `Layer version ${ARN}:fn-check:99 does not exist.` });
    const twice = await failure(createFunction('bad-layers-2', { Layers: [l1.LayerVersionArn!, l2.LayerVersionArn!] }));
    expect(twice.message).toBe(
      `Two different versions of the same layer are not allowed to be referenced in the same function. ${l1.LayerVersionArn} and ${l2.LayerVersionArn} are versions of the same layer.`,
    );
    const six = await failure(createFunction('bad-layers-3', { Layers: Array.from({ length: 6 }, (_, i) => `${ARN}:many${i}:1`) }));
    expect(six).toMatchObject({ name: 'InvalidParameterValueException', message: 'Cannot reference more than 5 layers.' });
    const pattern = await failure(createFunction('bad-layers-4', { Layers: [`${ARN}:fn-check`] }));
    expect(pattern).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(pattern.message).toContain("at 'layers' failed to satisfy constraint");
    const region = await failure(createFunction('bad-layers-5', { Layers: ['arn:aws:lambda:eu-west-1:000000000000:layer:fn-check:1'] }));
    expect(region.message).toBe('Layers are not in the same region as the function. Layers are expected to be in region us-east-1.');
    await expect(lambda.send(new Lambda.GetFunctionCommand({ FunctionName: 'bad-layers-1' }))).rejects.toThrow();

    const created = await createFunction('with-layers', { Layers: [l2.LayerVersionArn!, other.LayerVersionArn!] });
    expect(created.Layers).toEqual([
      { Arn: l2.LayerVersionArn, CodeSize: l2.Content!.CodeSize },
      { Arn: other.LayerVersionArn, CodeSize: other.Content!.CodeSize },
    ]);
    const config = await lambda.send(new Lambda.GetFunctionConfigurationCommand({ FunctionName: 'with-layers' }));
    expect(config.Layers?.map((l) => l.Arn)).toEqual([l2.LayerVersionArn, other.LayerVersionArn]);

    const cleared = await lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'with-layers', Layers: [] }));
    expect(cleared.Layers).toBeUndefined();
    await Lambda.waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'with-layers' });
    const refused = await failure(lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'with-layers', Layers: [`${ARN}:fn-check:42`] })));
    expect(refused).toMatchObject({ name: 'InvalidParameterValueException', message: `Layer version ${ARN}:fn-check:42 does not exist.` });
  });

  it('refuses function code and layers over 250 MB unzipped together', async () => {
    // Highly compressible: a few hundred KB zipped, 131 MB unzipped each.
    const big = (name: string) => zip({ [name]: 'a'.repeat(131 * 1024 * 1024) });
    const layer = await lambda.send(new Lambda.PublishLayerVersionCommand({ LayerName: 'big', Content: { ZipFile: big('big.txt') } }));
    const out = await failure(
      createFunction('too-big', { Code: { ZipFile: big('index.js') }, Handler: 'index.handler', Layers: [layer.LayerVersionArn!] }),
    );
    expect(out).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(out.message).toMatch(/^Function code combined with layers exceeds the maximum allowed size of 262144000 bytes\. The actual size is \d+ bytes\.$/);
  }, 60_000);

  it('runs a Node function with modules from its layers, later layers overwriting earlier ones', async () => {
    const base = await publish('node-base', {
      'nodejs/node_modules/greeting/index.js': 'module.exports = "from base";',
      'nodejs/node_modules/only-base/index.js': 'module.exports = "base only";',
      'shared.txt': 'base',
    });
    const top = await publish('node-top', {
      'nodejs/node_modules/greeting/index.js': 'module.exports = "from top";',
      'nodejs/node20/node_modules/versioned/index.js': 'module.exports = "node20 path";',
      'shared.txt': 'top',
    });
    await createFunction('node-layers', {
      Layers: [base.LayerVersionArn!, top.LayerVersionArn!],
      Code: {
        ZipFile: zip({
          'index.js': `const fs = require('fs');
exports.handler = async () => ({
  greeting: require('greeting'),
  onlyBase: require('only-base'),
  versioned: require('versioned'),
  shared: fs.readFileSync('/opt/shared.txt', 'utf8'),
  optList: fs.readdirSync('/opt').sort(),
});`,
        }),
      },
    });
    const first = await invoke('node-layers');
    expect(first.error).toBeUndefined();
    expect(first.payload).toEqual({
      greeting: 'from top',
      onlyBase: 'base only',
      versioned: 'node20 path',
      shared: 'top',
      optList: ['nodejs', 'shared.txt'],
    });

    // Published versions keep their layers; $LATEST can change them afterwards.
    const v1 = await lambda.send(new Lambda.PublishVersionCommand({ FunctionName: 'node-layers' }));
    expect(v1.Layers?.map((l) => l.Arn)).toEqual([base.LayerVersionArn, top.LayerVersionArn]);
    await lambda.send(new Lambda.UpdateFunctionConfigurationCommand({ FunctionName: 'node-layers', Layers: [top.LayerVersionArn!, base.LayerVersionArn!] }));
    await Lambda.waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'node-layers' });
    const swapped = await invoke('node-layers');
    expect(swapped.payload).toMatchObject({ greeting: 'from base', shared: 'base' });
    const pinned = await invoke('node-layers', '1');
    expect(pinned.payload).toMatchObject({ greeting: 'from top', shared: 'top' });
    const v1Config = await lambda.send(new Lambda.GetFunctionConfigurationCommand({ FunctionName: 'node-layers', Qualifier: '1' }));
    expect(v1Config.Layers?.map((l) => l.Arn)).toEqual([base.LayerVersionArn, top.LayerVersionArn]);

    // A deleted layer version keeps working for the functions that already use it, as on AWS.
    await lambda.send(new Lambda.DeleteLayerVersionCommand({ LayerName: 'node-top', VersionNumber: 1 }));
    expect((await invoke('node-layers', '1')).payload).toMatchObject({ greeting: 'from top' });
  }, 60_000);

  it('gives a function without layers an empty /opt', async () => {
    await createFunction('no-layers', {
      Code: { ZipFile: zip({ 'index.js': "exports.handler = async () => require('fs').existsSync('/opt') ? require('fs').readdirSync('/opt') : [];" }) },
    });
    expect((await invoke('no-layers')).payload).toEqual([]);
  });

  it('runs a Python function with packages from its layers', async () => {
    const layer = await publish('py-lib', {
      'python/plainmod.py': 'VALUE = "from /opt/python"',
      'python/lib/python3.12/site-packages/sitemod.py': 'VALUE = "from site-packages"',
    });
    await createFunction('py-layers', {
      Runtime: 'python3.12',
      Handler: 'app.handler',
      Layers: [layer.LayerVersionArn!],
      Code: {
        ZipFile: zip({
          'app.py': 'import plainmod, sitemod\n\ndef handler(event, context):\n    return {"plain": plainmod.VALUE, "site": sitemod.VALUE}\n',
        }),
      },
    });
    const out = await invoke('py-layers');
    expect(out.error).toBeUndefined();
    expect(out.payload).toEqual({ plain: 'from /opt/python', site: 'from site-packages' });
  }, 30_000);

  it('runs a custom runtime whose bootstrap and tools come from a layer', async () => {
    const layer = await lambda.send(
      new Lambda.PublishLayerVersionCommand({
        LayerName: 'runtime-layer',
        Content: {
          ZipFile: zip({
            bootstrap: {
              content: `#!/bin/sh
set -e
while true; do
  headers=$(mktemp)
  curl -sS -D "$headers" -o /dev/null "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/next"
  id=$(grep -i lambda-runtime-aws-request-id "$headers" | tr -d '\\r' | cut -d' ' -f2)
  curl -sS -X POST -d "\\"$(layer-tool)\\"" "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/$id/response" > /dev/null
done
`,
              mode: 0o755,
            },
            'bin/layer-tool': { content: '#!/bin/sh\necho tool-from-opt-bin\n', mode: 0o755 },
          }),
        },
      }),
    );
    await createFunction('custom-layers', {
      Runtime: 'provided.al2023',
      Handler: 'unused',
      Layers: [layer.LayerVersionArn!],
      Code: { ZipFile: zip({ 'README': 'code without a bootstrap' }) },
    });
    const out = await invoke('custom-layers');
    expect(out).toEqual({ error: undefined, payload: 'tool-from-opt-bin' });
  }, 30_000);
});

describe('Lambda layers across a restart', () => {
  it('keep their versions, numbering and the functions that use them', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dataDir = mkdtempSync(join(tmpdir(), 'nimbus-layers-restart-'));
    try {
      const first = await startNimbus({ dataDir });
      let lambda = new Lambda.LambdaClient(clientConfig(first.endpoint));
      const layerZip = zip({ 'nodejs/node_modules/kept/index.js': 'module.exports = "kept";' });
      await lambda.send(new Lambda.PublishLayerVersionCommand({ LayerName: 'durable', Content: { ZipFile: layerZip } }));
      const v2 = await lambda.send(new Lambda.PublishLayerVersionCommand({ LayerName: 'durable', Content: { ZipFile: layerZip } }));
      await lambda.send(new Lambda.DeleteLayerVersionCommand({ LayerName: 'durable', VersionNumber: 2 }));
      const v1Arn = `${ARN}:durable:1`;
      await lambda.send(
        new Lambda.CreateFunctionCommand({
          FunctionName: 'uses-durable',
          Runtime: 'nodejs20.x',
          Role: ROLE,
          Handler: 'index.handler',
          Layers: [v1Arn],
          Code: { ZipFile: zip({ 'index.js': "exports.handler = async () => require('kept');" }) },
        }),
      );
      await first.stop();

      const second = await startNimbus({ dataDir });
      try {
        lambda = new Lambda.LambdaClient(clientConfig(second.endpoint));
        expect((await lambda.send(new Lambda.GetLayerVersionCommand({ LayerName: 'durable', VersionNumber: 1 }))).Content?.CodeSize).toBe(v2.Content?.CodeSize);
        expect((await lambda.send(new Lambda.PublishLayerVersionCommand({ LayerName: 'durable', Content: { ZipFile: layerZip } }))).Version).toBe(3);
        const config = await lambda.send(new Lambda.GetFunctionConfigurationCommand({ FunctionName: 'uses-durable' }));
        expect(config.Layers?.map((l) => l.Arn)).toEqual([v1Arn]);
        const out = await lambda.send(new Lambda.InvokeCommand({ FunctionName: 'uses-durable' }));
        expect(JSON.parse(Buffer.from(out.Payload!).toString('utf8'))).toBe('kept');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});

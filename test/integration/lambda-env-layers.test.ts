// Layers inside execution environments, with and without bubblewrap, for environments started
// for a function and for pre-started spares a function claims: what /opt holds, the module
// search paths of Node and Python, and PATH for custom runtimes.
import { afterEach, describe, expect, it } from 'vitest';
import { image, json, request, setup, writeCode } from './lambda-env-fixtures.js';

async function readySpare(env: ReturnType<typeof setup>): Promise<void> {
  for (let i = 0; i < 200 && env.pool.stats().readySpares === 0; i++) await new Promise((r) => setTimeout(r, 25));
  expect(env.pool.stats().readySpares).toBeGreaterThan(0);
}

describe.each(['auto', 'process'] as const)('layers in environments (isolation: %s)', (isolation) => {
  let env: ReturnType<typeof setup> | undefined;
  afterEach(async () => {
    await env?.dispose();
    env = undefined;
  });

  const nodeLayers = (dataDir: string) => [
    writeCode(dataDir, { 'nodejs/node_modules/lib-a/index.js': 'module.exports = "a1";', 'nodejs/node_modules/lib-b/index.js': 'module.exports = "b";' }),
    writeCode(dataDir, { 'nodejs/node_modules/lib-a/index.js': 'module.exports = "a2";' }),
  ];
  const nodeCode = `const path = require('path');
exports.handler = async () => ({
  a: require('lib-a'),
  b: require('lib-b'),
  from: path.basename(path.dirname(path.dirname(path.dirname(path.dirname(require.resolve('lib-a')))))),
});`;

  it.each([false, true])('node resolves modules from the merged layers (claimed spare: %s)', async (spare) => {
    env = setup({ isolation, prewarm: spare ? ['nodejs20.x'] : [], sparesPerClass: spare ? 1 : 0 });
    if (spare) await readySpare(env);
    const img = image(writeCode(env.dataDir, { 'index.js': nodeCode }), { layerDirs: nodeLayers(env.dataDir) });
    const result = await env.pool.invoke(request(img));
    expect(result.functionError).toBeUndefined();
    const out = json(result.payload);
    expect(out).toMatchObject({ a: 'a2', b: 'b' });
    if (isolation === 'auto') expect(out.from).toBe('opt');
  });

  it.each([false, true])('python imports from the layers (claimed spare: %s)', async (spare) => {
    env = setup({ isolation, prewarm: spare ? ['python3.12'] : [], sparesPerClass: spare ? 1 : 0 });
    if (spare) await readySpare(env);
    const layer = writeCode(env.dataDir, {
      'python/top.py': 'VALUE = "top"',
      'python/lib/python3.12/site-packages/deep.py': 'VALUE = "deep"',
    });
    const code = writeCode(env.dataDir, { 'app.py': 'import top, deep\ndef handler(e, c):\n    return [top.VALUE, deep.VALUE]\n' });
    const result = await env.pool.invoke(request(image(code, { runtime: 'python3.12', handler: 'app.handler', layerDirs: [layer] })));
    expect(result.functionError).toBeUndefined();
    expect(json(result.payload)).toEqual(['top', 'deep']);
  });

  it('a function without layers sees none of another function’s layers', async () => {
    env = setup({ isolation, prewarm: ['nodejs20.x'], sparesPerClass: 1 });
    await readySpare(env);
    const withLayers = image(writeCode(env.dataDir, { 'index.js': nodeCode }), { layerDirs: nodeLayers(env.dataDir) });
    expect((await env.pool.invoke(request(withLayers))).functionError).toBeUndefined();
    await readySpare(env);
    const plain = image(writeCode(env.dataDir, { 'index.js': "exports.handler = async () => { try { return require('lib-a'); } catch (e) { return e.code; } };" }));
    expect(json((await env.pool.invoke(request(plain))).payload)).toBe('MODULE_NOT_FOUND');
  });

  it('custom runtimes find layer tools on PATH and libraries on LD_LIBRARY_PATH', async () => {
    env = setup({ isolation });
    const layer = writeCode(env.dataDir, { 'bin/layer-tool': '#!/bin/sh\necho from-layer\n', 'lib/.keep': '' });
    const code = writeCode(env.dataDir, {
      bootstrap: `#!/bin/sh
headers=$(mktemp)
curl -sS -D "$headers" -o /dev/null "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/next"
id=$(grep -i lambda-runtime-aws-request-id "$headers" | tr -d '\\r' | cut -d' ' -f2)
out="$(layer-tool) $(echo "$LD_LIBRARY_PATH" | tr ':' '\\n' | grep -c '/lib$')"
curl -sS -X POST -d "\\"$out\\"" "http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/invocation/$id/response" > /dev/null
sleep 5
`,
    });
    const result = await env.pool.invoke(request(image(code, { runtime: 'provided.al2023', handler: 'x', layerDirs: [layer] })));
    expect(result.functionError).toBeUndefined();
    expect(json(result.payload)).toBe('from-layer 2');
  });
});

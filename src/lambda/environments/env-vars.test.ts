import { describe, expect, it } from 'vitest';
import { RESERVED_ENVIRONMENT_KEYS, baseEnvironment, functionEnvironment, needsFreshProcess, spawnEnvironment } from './env-vars.js';

const input = {
  handler: 'index.handler',
  taskRoot: '/var/task',
  functionName: 'f',
  memorySizeMb: 512,
  version: '3',
  logGroupName: '/aws/lambda/f',
  logStreamName: '2024/01/01/[3]abc',
  region: 'eu-west-1',
  executionEnv: 'AWS_Lambda_nodejs20.x',
  credentials: { accessKeyId: 'AK', secretAccessKey: 'SK', sessionToken: 'ST' },
  family: 'node' as const,
  runtimeDir: '/var/runtime',
};

describe('function environment', () => {
  it('sets the documented Lambda variables', () => {
    const env = functionEnvironment({ ...input, customer: {} });
    expect(env).toMatchObject({
      _HANDLER: 'index.handler',
      LAMBDA_TASK_ROOT: '/var/task',
      AWS_LAMBDA_FUNCTION_NAME: 'f',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_FUNCTION_VERSION: '3',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/f',
      AWS_LAMBDA_LOG_STREAM_NAME: '2024/01/01/[3]abc',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      AWS_ACCESS_KEY_ID: 'AK',
      AWS_SECRET_ACCESS_KEY: 'SK',
      AWS_SESSION_TOKEN: 'ST',
    });
    expect(env.NODE_PATH!.split(':').at(-1)).toBe('/var/task');
    expect(env.PATH).toContain('/var/task');
  });

  it('never lets a customer variable override a reserved one, but allows PATH-like ones', () => {
    const customer: Record<string, string> = {};
    for (const key of RESERVED_ENVIRONMENT_KEYS) customer[key] = 'customer';
    customer.PATH = '/custom/bin';
    customer.LANG = 'de_DE.UTF-8';
    customer.AWS_ENDPOINT_URL = 'http://elsewhere';
    const env = functionEnvironment({ ...input, customer, endpointUrl: 'http://nimbus:4566' });
    for (const key of RESERVED_ENVIRONMENT_KEYS) expect(env[key]).not.toBe('customer');
    expect(env.PATH).toBe('/custom/bin');
    expect(env.LANG).toBe('de_DE.UTF-8');
    expect(env.AWS_ENDPOINT_URL).toBe('http://elsewhere');
  });

  it('points SDKs at Nimbus when given an endpoint', () => {
    expect(functionEnvironment({ ...input, customer: {}, endpointUrl: 'http://127.0.0.1:4566' }).AWS_ENDPOINT_URL).toBe('http://127.0.0.1:4566');
  });

  it('builds the spawn environment from nothing inherited', () => {
    const base = baseEnvironment({ runtimeApi: '127.0.0.1:9', tmpDir: '/tmp', family: 'python', runtimeDir: '/var/runtime' });
    expect(Object.keys(base).sort()).toEqual(['AWS_LAMBDA_RUNTIME_API', 'LAMBDA_RUNTIME_DIR', 'LANG', 'LD_LIBRARY_PATH', 'PATH', 'TMPDIR', 'TZ']);
    expect(base.TZ).toBe(':UTC');
    const full = spawnEnvironment(base, functionEnvironment({ ...input, family: 'python', customer: { X: '1' } }));
    expect(full.X).toBe('1');
    expect(full.NODE_OPTIONS).toBeUndefined();
  });

  it('puts the layer folders on the search paths, as AWS orders them', () => {
    const node = functionEnvironment({ ...input, runtime: 'nodejs20.x', customer: {} });
    expect(node.NODE_PATH!.split(':').slice(0, 2)).toEqual(['/opt/nodejs/node20/node_modules', '/opt/nodejs/node_modules']);
    expect(node.PATH!.split(':')).toContain('/opt/bin');
    expect(node.LD_LIBRARY_PATH!.split(':')).toContain('/opt/lib');
    const python = functionEnvironment({ ...input, family: 'python', runtime: 'python3.12', customer: {} });
    expect(python.PYTHONPATH).toBe('/opt/python/lib/python3.12/site-packages:/opt/python');
    // Without a sandbox the merged layers live in a host folder, named instead of /opt.
    const host = functionEnvironment({ ...input, family: 'python', runtime: 'python3.12', optDir: '/data/opt/abc', customer: {} });
    expect(host.PYTHONPATH).toBe('/data/opt/abc/python/lib/python3.12/site-packages:/data/opt/abc/python');
    expect(host.PATH!.split(':')).toContain('/data/opt/abc/bin');
    expect(functionEnvironment({ ...input, family: 'python', runtime: 'python3.12', customer: { PYTHONPATH: '/mine' } }).PYTHONPATH).toBe('/mine');
  });

  it('knows which customer variables need a fresh runtime process', () => {
    expect(needsFreshProcess({ MY_VAR: 'x' })).toBe(false);
    expect(needsFreshProcess({ NODE_OPTIONS: '--enable-source-maps' })).toBe(true);
    expect(needsFreshProcess({ PYTHONWARNINGS: 'ignore' })).toBe(true);
    expect(needsFreshProcess({ AWS_LAMBDA_EXEC_WRAPPER: '/opt/wrap' })).toBe(true);
  });
});

// The environment an execution environment's process sees: exactly the variables AWS documents for
// Lambda plus the customer's, and nothing inherited from Nimbus (a stray NODE_OPTIONS or
// NODE_EXTRA_CA_CERTS would change behaviour and cost ~60 ms per Node start).

/**
 * Keys AWS reserves: a customer value for them is rejected by CreateFunction and, here, never
 * overrides the value Lambda sets. (LANG, PATH, LD_LIBRARY_PATH, NODE_PATH, PYTHONPATH and TZ
 * are not reserved: customers may set them.)
 */
export const RESERVED_ENVIRONMENT_KEYS: ReadonlySet<string> = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SECRET_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** Variables a runtime process needs from its first instruction (set at spawn, before a claim). */
export interface BaseEnvironmentInput {
  readonly runtimeApi: string;
  readonly runtimeDir?: string;
  readonly tmpDir: string;
  readonly family: 'node' | 'python' | 'provided';
  readonly taskRoot?: string;
  /** Where the function's layers appear (`/opt`, or a host folder without a sandbox). */
  readonly optDir?: string;
  /** The function's runtime name (`nodejs20.x`, `python3.12`): layer paths name its version. */
  readonly runtime?: string;
}

/** Variables that depend on the function (set at spawn, or handed over when a spare is claimed). */
export interface FunctionEnvironmentInput {
  readonly handler: string;
  readonly taskRoot: string;
  readonly functionName: string;
  readonly memorySizeMb: number;
  readonly version: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  /** Set for the JSON log format: AWS_LAMBDA_LOG_FORMAT / AWS_LAMBDA_LOG_LEVEL, read by runtimes. */
  readonly jsonLogLevel?: string;
  readonly region: string;
  readonly executionEnv?: string;
  readonly credentials: Credentials;
  readonly endpointUrl?: string;
  readonly customer: Readonly<Record<string, string>>;
  readonly family: 'node' | 'python' | 'provided';
  readonly runtimeDir?: string;
  readonly optDir?: string;
  readonly runtime?: string;
  /** AWS_LAMBDA_INITIALIZATION_TYPE: `provisioned-concurrency` for environments made ahead of need. */
  readonly initializationType?: 'on-demand' | 'provisioned-concurrency';
}

const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';

export function baseEnvironment(input: BaseEnvironmentInput): Record<string, string> {
  const taskRoot = input.taskRoot ?? '/var/task';
  const opt = input.optDir ?? '/opt';
  const env: Record<string, string> = {
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: `${SYSTEM_PATH}:${taskRoot}:${taskRoot}/bin:${opt}/bin`,
    LD_LIBRARY_PATH: `${taskRoot}:${taskRoot}/lib:${opt}/lib`,
    TMPDIR: input.tmpDir,
    AWS_LAMBDA_RUNTIME_API: input.runtimeApi,
  };
  if (input.runtimeDir) env.LAMBDA_RUNTIME_DIR = input.runtimeDir;
  if (input.family === 'node') {
    // Layer paths first, as AWS orders them: the runtime's own major, then any Node.
    const major = /^nodejs(\d+)\.x$/.exec(input.runtime ?? '')?.[1];
    const versioned = major ? `${opt}/nodejs/node${major}/node_modules:` : '';
    env.NODE_PATH = `${versioned}${opt}/nodejs/node_modules:${input.runtimeDir ?? ''}/node_modules:${input.runtimeDir ?? ''}:${taskRoot}`;
  }
  const python = /^python(\d+\.\d+)$/.exec(input.runtime ?? '')?.[1];
  if (input.family === 'python' && python) {
    // Layers put packages in python/ or python/lib/python3.N/site-packages, N of the runtime named.
    env.PYTHONPATH = `${opt}/python/lib/python${python}/site-packages:${opt}/python`;
  }
  return env;
}

export function functionEnvironment(input: FunctionEnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {};
  // Customer values first; Lambda's reserved ones then win.
  for (const [key, value] of Object.entries(input.customer)) {
    if (!RESERVED_ENVIRONMENT_KEYS.has(key)) env[key] = value;
  }
  // Non-reserved defaults apply only where the customer did not set their own.
  if (input.endpointUrl && env.AWS_ENDPOINT_URL === undefined) env.AWS_ENDPOINT_URL = input.endpointUrl;
  // PATH-like defaults name the task root, which a spare process only learns when claimed.
  const defaults = baseEnvironment({ ...input, runtimeApi: '', tmpDir: '', taskRoot: input.taskRoot });
  for (const key of ['PATH', 'LD_LIBRARY_PATH', 'NODE_PATH', 'PYTHONPATH'] as const) {
    const value = defaults[key];
    if (value !== undefined && env[key] === undefined) env[key] = value;
  }
  Object.assign(env, {
    _HANDLER: input.handler,
    LAMBDA_TASK_ROOT: input.taskRoot,
    AWS_LAMBDA_FUNCTION_NAME: input.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(input.memorySizeMb),
    AWS_LAMBDA_FUNCTION_VERSION: input.version,
    AWS_LAMBDA_LOG_GROUP_NAME: input.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: input.logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: input.initializationType ?? 'on-demand',
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    AWS_ACCESS_KEY_ID: input.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: input.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: input.credentials.sessionToken,
  });
  if (input.executionEnv) env.AWS_EXECUTION_ENV = input.executionEnv;
  if (input.jsonLogLevel) {
    env.AWS_LAMBDA_LOG_FORMAT = 'JSON';
    env.AWS_LAMBDA_LOG_LEVEL = input.jsonLogLevel;
  }
  return env;
}

/** Keys a pre-started process cannot take on after start-up (they act when a runtime starts). */
export function needsFreshProcess(customer: Readonly<Record<string, string>>): boolean {
  for (const key of Object.keys(customer)) {
    if (key.startsWith('NODE_') || key.startsWith('PYTHON') || key.startsWith('UV_') || key === 'AWS_LAMBDA_EXEC_WRAPPER' || key === 'TZ' || key === 'LANG' || key === 'LD_LIBRARY_PATH' || key === 'LD_PRELOAD') {
      return true;
    }
  }
  return false;
}

/** Full environment for a process started directly for a function (no claim step). */
export function spawnEnvironment(base: Record<string, string>, fn: Record<string, string>): Record<string, string> {
  // Function values (including customer PATH/LANG overrides) replace the base ones.
  return { ...base, ...fn };
}

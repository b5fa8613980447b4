// The SAM-style `nimbus` commands (deploy, delete, validate, local invoke…). Each is a function
// over an Io so the CLI (src/cli/main.ts) stays a thin shell and tests run them in-process.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LogType } from '@aws-sdk/client-lambda';
import { guarded, overridesOption, templateOption, type Io } from './cli-io.js';
import { endpointFrom, makeClients } from './deploy/clients.js';
import { ACCOUNT_ID, deleteStack, deployStack } from './deploy/deployer.js';
import { describeSkipped } from './template/skip.js';
import { StackStore, projectDir } from './deploy/stack-store.js';
import { planTemplate } from './template/plan.js';
import { overridesFrom, samConfigFor } from './samconfig.js';

export interface CommonOptions {
  templateFile?: string;
  parameterOverrides?: string[];
  endpointUrl?: string;
  region?: string;
  cwd?: string;
}

export async function validateCommand(opts: CommonOptions, io: Io): Promise<number> {
  return guarded(io, async () => {
    const templatePath = templateOption(opts.templateFile, opts.cwd, false);
    // Parts Nimbus does not provide do not make a template invalid: they are named, with what to do.
    const plan = planTemplate({ templatePath, stackName: 'validate', region: opts.region ?? 'us-east-1', accountId: ACCOUNT_ID, overrides: overridesOption(opts.parameterOverrides), skipUnsupported: true });
    for (const s of plan.skipped) io.err(`Warning: ${describeSkipped(s)}`);
    if (plan.skipped.length) io.err('Warning: `nimbus local` commands leave these out; `nimbus deploy` needs --skip-unsupported to do the same.');
    io.out(`${templatePath} is a valid SAM Template (${plan.resources.length} resources after the transform)`);
  });
}

export interface ConfigOptions {
  /** samconfig.toml environment (default `default`). */
  configEnv?: string;
  configFile?: string;
}

export interface DeployCommandOptions extends CommonOptions, ConfigOptions {
  /** Required here or in samconfig.toml (`stack_name`). */
  stackName?: string;
  noExecuteChangeset?: boolean;
  timeScale?: number;
  /** Exit 1 when there is nothing to deploy (sam's default); else samconfig's fail_on_empty_changeset. */
  failOnEmptyChangeset?: boolean;
  /** `--guided`: nimbus never prompts; the stack name falls back to sam's guided default, sam-app. */
  guided?: boolean;
  /** `--skip-unsupported`: deploy what Nimbus provides, leave the rest out with a notice each. */
  skipUnsupported?: boolean;
}

/** Command-line options, completed from samconfig.toml (`sam`'s file) where they were not given. */
function withSamConfig<T extends CommonOptions & ConfigOptions & { stackName?: string }>(opts: T, command: string): T & { stackName: string } {
  const config = samConfigFor(opts.cwd ?? process.cwd(), command, opts.configEnv ?? 'default', opts.configFile ?? 'samconfig.toml');
  const stackName = opts.stackName ?? (typeof config.stack_name === 'string' ? config.stack_name : undefined);
  if (!stackName) throw new Error('--stack-name is required (or stack_name in samconfig.toml)');
  return {
    ...opts,
    stackName,
    parameterOverrides: opts.parameterOverrides ?? overridesFrom(config),
    region: opts.region ?? (typeof config.region === 'string' ? config.region : undefined),
    templateFile: opts.templateFile ?? (typeof config.template_file === 'string' ? config.template_file : typeof config.template === 'string' ? config.template : undefined),
  };
}

export async function deployCommand(given: DeployCommandOptions, io: Io): Promise<number> {
  let opts: DeployCommandOptions & { stackName: string };
  try {
    opts = withSamConfig(given.guided && !given.stackName && !samConfigFor(given.cwd ?? process.cwd(), 'deploy', given.configEnv ?? 'default', given.configFile ?? 'samconfig.toml').stack_name ? { ...given, stackName: 'sam-app' } : given, 'deploy');
  } catch (err) {
    io.err(`Error: ${(err as Error).message}`);
    return 1;
  }
  const clients = makeClients(endpointFrom(opts.endpointUrl), opts.region);
  try {
    return await guarded(io, async () => {
      const templatePath = templateOption(opts.templateFile, opts.cwd);
      io.out(`Deploying stack ${opts.stackName} from ${templatePath} to ${clients.endpoint}`);
      const res = await deployStack({
        templatePath, stackName: opts.stackName, overrides: overridesOption(opts.parameterOverrides), clients,
        noExecute: opts.noExecuteChangeset, timeScale: opts.timeScale, log: io.out, skipUnsupported: opts.skipUnsupported ?? false,
      });
      if (opts.noExecuteChangeset) {
        io.out('Changeset created (not executed: --no-execute-changeset)');
        return 0;
      }
      if (!res.changes.length) {
        const config = samConfigFor(opts.cwd ?? process.cwd(), 'deploy', opts.configEnv ?? 'default', opts.configFile ?? 'samconfig.toml');
        const fail = opts.failOnEmptyChangeset ?? (config.fail_on_empty_changeset === undefined ? true : config.fail_on_empty_changeset === true || config.fail_on_empty_changeset === 'true');
        // As `sam deploy`: an empty change set is an error unless --no-fail-on-empty-changeset.
        if (fail) {
          io.err(`Error: No changes to deploy. Stack ${opts.stackName} is up to date`);
          return 1;
        }
      }
      if (res.outputs.length) {
        io.out('');
        io.out('Outputs');
        for (const o of res.outputs) {
          io.out(`Key          ${o.OutputKey}`);
          if (o.Description) io.out(`Description  ${o.Description}`);
          io.out(`Value        ${o.OutputValue}`);
          io.out('');
        }
      }
      // The AWS-shaped URLs in Outputs do not resolve locally; say where each API really answers.
      for (const [id, rec] of Object.entries(res.record.resources)) {
        // A Deployment with a StageName creates its stage itself (raw CloudFormation templates do this).
        const stage = rec.type === 'AWS::ApiGateway::Stage' ? rec.physicalId : rec.type === 'AWS::ApiGateway::Deployment' ? rec.properties.StageName : undefined;
        if (typeof stage !== 'string' || !stage) continue;
        const api = String(rec.properties.RestApiId);
        io.out(`API ${id}: ${clients.endpoint}/_aws/execute-api/${api}/${stage}/`);
      }
      // HTTP API stages: `$default` answers at the API's root, other stages under their name.
      // WebSocket API stages: ws:// at the stage's path.
      const websocketApis = new Set(
        Object.values(res.record.resources).filter((r) => r.type === 'AWS::ApiGatewayV2::Api' && r.properties.ProtocolType === 'WEBSOCKET').map((r) => r.physicalId),
      );
      for (const [id, rec] of Object.entries(res.record.resources)) {
        if (rec.type !== 'AWS::ApiGatewayV2::Stage') continue;
        const apiId = String(rec.properties.ApiId);
        if (websocketApis.has(apiId)) {
          io.out(`WebSocket API ${id}: ${clients.endpoint.replace(/^http/, 'ws')}/_aws/execute-api/${apiId}/${rec.physicalId}`);
          continue;
        }
        const stage = rec.physicalId === '$default' ? '' : `${rec.physicalId}/`;
        io.out(`HTTP API ${id}: ${clients.endpoint}/_aws/execute-api/${apiId}/${stage}`);
      }
      for (const [id, rec] of Object.entries(res.record.resources)) {
        const url = rec.type === 'AWS::Lambda::Url' ? /^https:\/\/([a-z0-9]+)\./.exec(String(rec.attributes.FunctionUrl))?.[1] : undefined;
        if (url) io.out(`Function URL ${id}: ${clients.endpoint}/_aws/lambda-url/${url}/`);
      }
      io.out(`Successfully created/updated stack - ${opts.stackName} (${res.status})`);
      return 0;
    });
  } finally {
    clients.destroy();
  }
}

export async function deleteCommand(given: CommonOptions & ConfigOptions & { stackName?: string }, io: Io): Promise<number> {
  let opts: CommonOptions & { stackName: string };
  try {
    opts = withSamConfig(given, 'delete');
  } catch (err) {
    io.err(`Error: ${(err as Error).message}`);
    return 1;
  }
  const clients = makeClients(endpointFrom(opts.endpointUrl), opts.region);
  try {
    return await guarded(io, async () => {
      const project = projectDir(templateOption(opts.templateFile, opts.cwd));
      await deleteStack({ stackName: opts.stackName, clients, project, log: io.out });
      io.out(`Deleted successfully - ${opts.stackName}`);
    });
  } finally {
    clients.destroy();
  }
}

export interface LocalInvokeOptions extends CommonOptions {
  functionId?: string;
  event?: string;
  /** Event JSON given inline (tests, `--event-json`). */
  eventJson?: string;
  /** `--env-vars` JSON file: `{"Parameters": {...}, "<Function>": {...}}`. */
  envVars?: string;
}

/** Reads an `--env-vars` file (sam's format). */
export function readEnvVars(file: string | undefined): Record<string, Record<string, string>> | undefined {
  if (!file) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`--env-vars ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc) || Object.values(doc).some((v) => !v || typeof v !== 'object' || Array.isArray(v))) {
    throw new Error(`--env-vars ${file} must map "Parameters" or function logical ids to {"VAR": "value"} objects`);
  }
  return doc as Record<string, Record<string, string>>;
}

/** One invocation with the function's runtime: an in-process Nimbus on port 0 with a temporary data
 * dir, only that function (and what it needs) deployed, invoked once, then everything stopped. */
export async function localInvokeCommand(opts: LocalInvokeOptions, io: Io): Promise<number> {
  return guarded(io, async () => {
    const templatePath = templateOption(opts.templateFile, opts.cwd);
    const overrides = overridesOption(opts.parameterOverrides);
    // As SAM CLI: what Nimbus does not provide is left out (the deploy below prints a notice each).
    const plan = planTemplate({ templatePath, stackName: 'local', region: opts.region ?? 'us-east-1', accountId: ACCOUNT_ID, overrides, skipUnsupported: true });
    const fnResources = plan.resources.filter((r) => r.type === 'AWS::Lambda::Function');
    const functions = fnResources.map((r) => r.logicalId);
    let id = opts.functionId;
    if (!id) {
      if (functions.length !== 1) throw new Error(`the template has ${functions.length} functions; name one: ${functions.join(', ')}`);
      id = functions[0]!;
    }
    // SAM CLI also takes a function's FunctionName (`sam local invoke org-project-main`), since its
    // logical id cannot carry dashes.
    if (!functions.includes(id)) id = fnResources.find((r) => r.properties.FunctionName === id)?.logicalId ?? id;
    if (!functions.includes(id)) throw new Error(`function ${id} is not in the template (functions: ${functions.join(', ') || 'none'})`);
    const envVars = readEnvVars(opts.envVars);
    const payload = opts.eventJson ?? (opts.event ? (opts.event === '-' ? readFileSync(0, 'utf8') : readFileSync(opts.event, 'utf8')) : '{}');
    try {
      JSON.parse(payload);
    } catch (err) {
      throw new Error(`event ${opts.event ?? ''} is not valid JSON: ${(err as Error).message}`);
    }
    const scratch = mkdtempSync(join(tmpdir(), 'nimbus-local-'));
    const { startNimbus } = await import('../server/nimbus.js');
    const nimbus = await startNimbus({ port: 0, host: '127.0.0.1', dataDir: join(scratch, 'data'), log: () => undefined });
    const clients = makeClients(nimbus.endpoint, opts.region);
    try {
      const deployLog: string[] = [];
      const res = await deployStack({ templatePath, stackName: 'local', overrides, clients, log: (l) => deployLog.push(l), notice: io.err, skipUnsupported: true, only: [id], project: scratch, envVars });
      const fn = res.record.resources[id]!;
      io.err(`Invoking ${String(fn.properties.Handler)} (${String(fn.properties.Runtime)})`);
      const out = await clients.lambda.send(new InvokeCommand({ FunctionName: fn.physicalId, Payload: Buffer.from(payload), LogType: LogType.Tail }));
      if (out.LogResult) for (const line of Buffer.from(out.LogResult, 'base64').toString('utf8').trimEnd().split('\n')) io.err(line);
      io.out(out.Payload ? Buffer.from(out.Payload).toString('utf8') : '');
      return out.FunctionError ? 1 : 0;
    } finally {
      clients.destroy();
      await nimbus.stop();
      rmSync(scratch, { recursive: true, force: true });
    }
  });
}

export interface SchedulesOptions extends CommonOptions {
  stackName: string;
  timeScale?: number;
  /** Stops the runner (tests); the CLI stops on Ctrl-C. */
  signal?: AbortSignal;
}

/** `nimbus schedules --stack-name s`: fires the stack's Schedule events whose targets Nimbus's
 * EventBridge does not deliver, until stopped (see src/sam/scheduler.ts). Schedules on functions and
 * state machines need no client: the deployer creates EventBridge rules that Nimbus fires itself. */
export async function schedulesCommand(opts: SchedulesOptions, io: Io): Promise<number> {
  const clients = makeClients(endpointFrom(opts.endpointUrl), opts.region);
  try {
    return await guarded(io, async () => {
      const project = projectDir(templateOption(opts.templateFile, opts.cwd));
      const record = StackStore.forProject(project).get(opts.stackName);
      if (!record) throw new Error(`stack ${opts.stackName} has no record in ${project}/.nimbus-sam/stacks`);
      const { startSchedules } = await import('./scheduler.js');
      const runner = startSchedules({ clients, record, timeScale: opts.timeScale, log: io.out });
      if (!runner.rules.length) {
        io.out(`Stack ${opts.stackName}: nothing to fire from here; schedules on functions and state machines fire inside Nimbus (EventBridge rules: aws events list-rules).`);
        return;
      }
      for (const r of runner.rules) io.out(`Schedule ${r.id}: ${r.expression}`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          runner.stop();
          resolve();
        };
        if (opts.signal) opts.signal.addEventListener('abort', stop, { once: true });
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
  } finally {
    clients.destroy();
  }
}

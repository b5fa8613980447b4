// The `nimbus` command. Each subcommand is a thin shell over the library.
import { Command, InvalidArgumentError } from 'commander';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function throttle(value: string): { rateLimit: number; burstLimit: number } {
  const [rate, burst] = value.split(',').map(Number);
  if (!rate || !burst || rate < 1 || burst < 1) throw new InvalidArgumentError('must be RATE,BURST, e.g. 10000,5000');
  return { rateLimit: rate, burstLimit: burst };
}

const program = new Command();
program.name('nimbus').description('Self-hosted serverless platform speaking the AWS wire protocols.');

program
  .command('start')
  .description('start Nimbus: Lambda, Step Functions, API Gateway and CloudWatch Logs on one port')
  .option('-p, --port <port>', 'port to listen on (0 picks a free one)', port, 4566)
  .option('-H, --host <host>', 'address to listen on', '127.0.0.1')
  .option('-d, --data-dir <dir>', 'where state is kept', './.nimbus')
  .option('--account-concurrency <n>', 'account-wide concurrent Lambda executions', positiveInt, 1000)
  .option('--apigateway-throttle <rate,burst>', "API Gateway's account throttle (AWS default 10000,5000)", throttle)
  .action(async (opts: { port: number; host: string; dataDir: string; accountConcurrency: number; apigatewayThrottle?: { rateLimit: number; burstLimit: number } }) => {
    // Loaded here so `nimbus --help` does not pay for the whole server's start-up.
    const { startNimbus } = await import('../server/nimbus.js');
    const nimbus = await startNimbus({
      port: opts.port,
      host: opts.host,
      dataDir: opts.dataDir,
      accountConcurrency: opts.accountConcurrency,
      ...(opts.apigatewayThrottle ? { apiGatewayAccountThrottle: opts.apigatewayThrottle } : {}),
    });
    // Last resort: a promise nobody awaited (a bug) is logged; by Node's default it would stop the server.
    process.on('unhandledRejection', (reason) => console.error('Nimbus: unexpected error (unhandled rejection):', reason));
    for (const line of nimbus.platform.banner) console.log(line);
    console.log(`Nimbus ready at ${nimbus.endpoint}`);
    let signals = 0;
    const shutdown = (signal: string) => {
      if (++signals > 1) process.exit(130);
      console.log(`${signal} received, stopping`);
      nimbus.stop().then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  });

// ---- SAM workflow (src/sam). Each action loads its module lazily, like `start`. ----
function scale(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

const CAPABILITIES = new Set(['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND', 'CAPABILITY_RESOURCE_POLICY']);
/** `--capabilities` values as CloudFormation knows them (a typo is still an error, as with sam). */
function capabilities(value: string, previous: string[] = []): string[] {
  if (!CAPABILITIES.has(value)) throw new InvalidArgumentError(`must be one of ${[...CAPABILITIES].join(', ')}`);
  return [...previous, value];
}

program
  .command('init')
  .description('create a starter SAM app (a function, an API and a state machine, with tests)')
  .option('-n, --name <name>', 'project name (also the folder)', 'sam-app')
  .option('-r, --runtime <runtime>', 'nodejs20.x (TypeScript) or python3.12', 'nodejs20.x')
  .option('-o, --output-dir <dir>', 'where to create the project folder', '.')
  .action(async (opts: { name: string; runtime: string; outputDir: string }) => {
    const { initCommand } = await import('../sam/init.js');
    process.exitCode = await initCommand(opts, (await import('../sam/cli-io.js')).consoleIo);
  });

program
  .command('validate')
  .description('check a SAM/CloudFormation template without deploying anything')
  .option('-t, --template-file <file>', 'template (default template.yaml)')
  .option('--parameter-overrides <values...>', 'Key=Value pairs')
  .option('--lint', 'accepted for sam compatibility (every resource\'s properties are always checked)')
  .action(async (opts: { templateFile?: string; parameterOverrides?: string[] }) => {
    const { validateCommand } = await import('../sam/commands.js');
    process.exitCode = await validateCommand({ templateFile: opts.templateFile, parameterOverrides: opts.parameterOverrides }, (await import('../sam/cli-io.js')).consoleIo);
  });

program
  .command('build')
  .description('build functions into .nimbus-sam/build (TypeScript bundled with esbuild, dependencies installed)')
  .option('-t, --template-file <file>', 'template (default template.yaml)')
  .option('--parameter-overrides <values...>', 'Key=Value pairs')
  .option('-u, --use-container', 'accepted for sam compatibility: no containers, the machine\'s node/python build')
  .option('--cached', 'accepted for sam compatibility (every build is complete)')
  .option('-p, --parallel', 'accepted for sam compatibility')
  .action(async (opts: { templateFile?: string; parameterOverrides?: string[] }) => {
    const { buildCommand } = await import('../sam/build.js');
    process.exitCode = await buildCommand({ templateFile: opts.templateFile, parameterOverrides: opts.parameterOverrides }, (await import('../sam/cli-io.js')).consoleIo);
  });

program
  .command('package')
  .description('zip function code into content-addressed artifacts and write a template that uses them')
  .option('-t, --template-file <file>', 'template (default: the built one, else template.yaml)')
  .option('--output-template-file <file>', 'packaged template to write', 'packaged.yaml')
  .option('--s3-bucket <bucket>', 'accepted for sam compatibility (artifacts stay in .nimbus-sam/artifacts)')
  .option('--s3-prefix <prefix>', 'accepted for sam compatibility')
  .option('--resolve-s3', 'accepted for sam compatibility')
  .option('--profile <profile>', 'accepted for sam compatibility')
  .option('--region <region>', 'accepted for sam compatibility')
  .action(async (opts: { templateFile?: string; outputTemplateFile: string }) => {
    const { packageCommand } = await import('../sam/package.js');
    process.exitCode = await packageCommand({ templateFile: opts.templateFile, outputTemplateFile: opts.outputTemplateFile }, (await import('../sam/cli-io.js')).consoleIo);
  });

program
  .command('deploy')
  .description('create or update a stack on a running Nimbus (change set, events, outputs, rollback on failure)')
  .option('--stack-name <name>', 'stack name (default: stack_name in samconfig.toml)')
  .option('--config-env <env>', 'samconfig.toml environment', 'default')
  .option('--config-file <file>', 'samconfig file', 'samconfig.toml')
  .option('-t, --template-file <file>', 'template (default: the built one, else template.yaml)')
  .option('--parameter-overrides <values...>', 'Key=Value pairs')
  .option('--endpoint-url <url>', 'Nimbus endpoint (default $NIMBUS_ENDPOINT or http://localhost:4566)')
  .option('--region <region>', 'region (default: samconfig.toml, else us-east-1)')
  .option('--no-execute-changeset', 'only print the change set')
  .option('--fail-on-empty-changeset', 'exit 1 when there is nothing to deploy (the default, as sam)')
  .option('--no-fail-on-empty-changeset', 'exit 0 when there is nothing to deploy')
  .option('--time-scale <factor>', 'multiply gradual-deployment waits (0.001: 5 minutes → 0.3 s)', scale, 1)
  .option('--skip-unsupported', 'leave out resources and event sources Nimbus does not provide (a DynamoDB table, an SQS event…) instead of failing; Ref to them gives the logical id')
  // What READMEs pass to `sam deploy`: accepted so their commands work unchanged. Nimbus has no IAM to
  // acknowledge, uploads nothing to S3 and never prompts.
  .option('-g, --guided', 'accepted for sam compatibility: nimbus never prompts (stack name defaults to sam-app)')
  .option('--capabilities <capabilities...>', 'accepted for sam compatibility (CAPABILITY_IAM, CAPABILITY_NAMED_IAM, CAPABILITY_AUTO_EXPAND, CAPABILITY_RESOURCE_POLICY)', capabilities)
  .option('--confirm-changeset', 'accepted for sam compatibility (nimbus deploys without asking)')
  .option('--no-confirm-changeset', 'accepted for sam compatibility')
  .option('--resolve-s3', 'accepted for sam compatibility (artifacts stay in .nimbus-sam/artifacts)')
  .option('--s3-bucket <bucket>', 'accepted for sam compatibility (artifacts stay in .nimbus-sam/artifacts)')
  .option('--s3-prefix <prefix>', 'accepted for sam compatibility')
  .option('--profile <profile>', 'accepted for sam compatibility (Nimbus accepts any credentials)')
  .action(async (opts: { stackName?: string; configEnv: string; configFile: string; templateFile?: string; parameterOverrides?: string[]; endpointUrl?: string; region?: string; executeChangeset: boolean; failOnEmptyChangeset?: boolean; timeScale: number; guided?: boolean; skipUnsupported?: boolean }) => {
    const { deployCommand } = await import('../sam/commands.js');
    process.exitCode = await deployCommand({
      stackName: opts.stackName, configEnv: opts.configEnv, configFile: opts.configFile, templateFile: opts.templateFile, parameterOverrides: opts.parameterOverrides,
      endpointUrl: opts.endpointUrl, region: opts.region, timeScale: opts.timeScale, guided: opts.guided,
      noExecuteChangeset: !opts.executeChangeset, failOnEmptyChangeset: opts.failOnEmptyChangeset, skipUnsupported: opts.skipUnsupported,
    }, (await import('../sam/cli-io.js')).consoleIo);
  });

program
  .command('delete')
  .description('delete a stack and every resource it created')
  .option('--stack-name <name>', 'stack name (default: stack_name in samconfig.toml)')
  .option('--config-env <env>', 'samconfig.toml environment', 'default')
  .option('--config-file <file>', 'samconfig file', 'samconfig.toml')
  .option('-t, --template-file <file>', 'template (locates the project folder)')
  .option('--endpoint-url <url>', 'Nimbus endpoint (default $NIMBUS_ENDPOINT or http://localhost:4566)')
  .option('--region <region>', 'region (default: samconfig.toml, else us-east-1)')
  .option('--no-prompts', 'accepted for sam compatibility (nimbus never prompts)')
  .action(async (opts: { stackName?: string; configEnv: string; configFile: string; templateFile?: string; endpointUrl?: string; region?: string }) => {
    const { deleteCommand } = await import('../sam/commands.js');
    process.exitCode = await deleteCommand(opts, (await import('../sam/cli-io.js')).consoleIo);
  });

program
  .command('logs')
  .description("print a function's logs (CloudWatch Logs), optionally following them")
  .requiredOption('-n, --name <function>', 'logical id (with --stack-name) or function name')
  .option('--stack-name <name>', 'stack the function belongs to')
  .option('-t, --template-file <file>', 'template (locates the project folder)')
  .option('--tail', 'keep printing new events')
  .option('-s, --start-time <time>', "ISO time or relative like '10 minutes ago'", '10 minutes ago')
  .option('--filter <pattern>', 'CloudWatch Logs filter pattern')
  .option('--endpoint-url <url>', 'Nimbus endpoint (default $NIMBUS_ENDPOINT or http://localhost:4566)')
  .option('--region <region>', 'region', 'us-east-1')
  .action(async (opts: { name: string; stackName?: string; templateFile?: string; tail?: boolean; startTime: string; filter?: string; endpointUrl?: string; region: string }) => {
    const { logsCommand } = await import('../sam/logs.js');
    process.exitCode = await logsCommand(opts, (await import('../sam/cli-io.js')).consoleIo);
  });

program
  .command('schedules')
  .description("fire a deployed stack's Schedule events (rate/cron) against a running Nimbus until stopped")
  .requiredOption('--stack-name <name>', 'stack name')
  .option('-t, --template-file <file>', 'template (locates the project folder)')
  .option('--time-scale <factor>', 'multiply the waits between firings (0.001: rate(1 minute) → 60 ms)', scale, 1)
  .option('--endpoint-url <url>', 'Nimbus endpoint (default $NIMBUS_ENDPOINT or http://localhost:4566)')
  .option('--region <region>', 'region', 'us-east-1')
  .action(async (opts: { stackName: string; templateFile?: string; timeScale: number; endpointUrl?: string; region: string }) => {
    const { schedulesCommand } = await import('../sam/commands.js');
    process.exitCode = await schedulesCommand(opts, (await import('../sam/cli-io.js')).consoleIo);
  });

const local = program.command('local').description('run functions and APIs of a template locally');

local
  .command('invoke [functionId]')
  .description('invoke one function once with its runtime (starts and stops a private Nimbus)')
  .option('-e, --event <file>', "event JSON file ('-' for stdin)")
  .option('-n, --env-vars <file>', 'JSON overriding declared environment variables: {"Parameters": {...}, "<Function>": {...}}')
  .option('-t, --template-file <file>', 'template (default: the built one, else template.yaml)')
  .option('--parameter-overrides <values...>', 'Key=Value pairs')
  .action(async (functionId: string | undefined, opts: { event?: string; envVars?: string; templateFile?: string; parameterOverrides?: string[] }) => {
    const { localInvokeCommand } = await import('../sam/commands.js');
    process.exitCode = await localInvokeCommand({ ...opts, functionId }, (await import('../sam/cli-io.js')).consoleIo);
  });

local
  .command('generate-event <service> <event>')
  .description('print a sample event: apigateway aws-proxy, cloudwatch scheduled-event (or schedule), sqs receive-message, sns notify, s3 put, stepfunctions error')
  .option('--method <method>', 'apigateway: HTTP method', 'GET')
  .option('--path <path>', 'apigateway: path', '/hello')
  .option('--body <body>', 'apigateway/sqs: body')
  .option('--bucket <bucket>', 's3: bucket', 'example-bucket')
  .option('--key <key>', 's3: object key', 'test/key')
  .option('--message <message>', 'sns: message', 'example message')
  .option('--region <region>', 'region', 'us-east-1')
  .action(async (service: string, event: string, opts: Record<string, string>) => {
    const { generateEventCommand } = await import('../sam/events.js');
    process.exitCode = generateEventCommand(service, event, opts, (await import('../sam/cli-io.js')).consoleIo);
  });

local
  .command('start-api')
  .description("serve the template's APIs on a local port, redeploying when code changes")
  .option('-p, --port <port>', 'port', port, 3000)
  .option('-H, --host <host>', 'address', '127.0.0.1')
  .option('-n, --env-vars <file>', 'JSON overriding declared environment variables: {"Parameters": {...}, "<Function>": {...}}')
  .option('-t, --template-file <file>', 'template (default: the built one, else template.yaml)')
  .option('--parameter-overrides <values...>', 'Key=Value pairs')
  .action(async (opts: { port: number; host: string; envVars?: string; templateFile?: string; parameterOverrides?: string[] }) => {
    const { startApiCommand } = await import('../sam/start-api.js');
    process.exitCode = await startApiCommand(opts, (await import('../sam/cli-io.js')).consoleIo);
  });

await program.parseAsync(process.argv);

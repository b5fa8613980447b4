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

const program = new Command();
program.name('nimbus').description('Self-hosted serverless platform speaking the AWS wire protocols.');

program
  .command('start')
  .description('start Nimbus: Lambda, Step Functions, API Gateway and CloudWatch Logs on one port')
  .option('-p, --port <port>', 'port to listen on (0 picks a free one)', port, 4566)
  .option('-H, --host <host>', 'address to listen on', '127.0.0.1')
  .option('-d, --data-dir <dir>', 'where state is kept', './.nimbus')
  .option('--account-concurrency <n>', 'account-wide concurrent Lambda executions', positiveInt, 1000)
  .action(async (opts: { port: number; host: string; dataDir: string; accountConcurrency: number }) => {
    // Loaded here so `nimbus --help` does not pay for the whole server's start-up.
    const { startNimbus } = await import('../server/nimbus.js');
    const nimbus = await startNimbus({
      port: opts.port,
      host: opts.host,
      dataDir: opts.dataDir,
      accountConcurrency: opts.accountConcurrency,
    });
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

await program.parseAsync(process.argv);

// `nimbus logs -n <Function> [--stack-name s] [--tail]`: a function's CloudWatch Logs events
// (FilterLogEvents on /aws/lambda/<name>), following new ones with --tail.
import { FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { guarded, templateOption, type Io } from './cli-io.js';
import { endpointFrom, makeClients } from './deploy/clients.js';
import { StackStore, projectDir } from './deploy/stack-store.js';

export interface LogsOptions {
  name: string;
  stackName?: string;
  templateFile?: string;
  tail?: boolean;
  startTime?: string;
  filter?: string;
  endpointUrl?: string;
  region?: string;
  cwd?: string;
  /** Stops --tail (tests); the CLI stops on Ctrl-C. */
  signal?: AbortSignal;
  pollMs?: number;
}

/** `10 minutes ago`, `2h ago`, `5m`, or an ISO time. */
export function parseTime(text: string, now = Date.now()): number {
  const rel = /^(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)(\s+ago)?$/i.exec(text.trim());
  if (rel) {
    const n = Number(rel[1]);
    const u = rel[2]!.toLowerCase()[0]!;
    const ms = u === 's' ? 1000 : u === 'm' ? 60_000 : u === 'h' ? 3_600_000 : 86_400_000;
    return now - n * ms;
  }
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new Error(`cannot read time "${text}" (use ISO 8601 or "10 minutes ago")`);
  return t;
}

export async function logsCommand(opts: LogsOptions, io: Io): Promise<number> {
  const clients = makeClients(endpointFrom(opts.endpointUrl), opts.region);
  try {
    return await guarded(io, async () => {
      let fn = opts.name;
      if (opts.stackName) {
        const project = projectDir(templateOption(opts.templateFile, opts.cwd));
        const rec = StackStore.forProject(project).get(opts.stackName);
        if (!rec) throw new Error(`stack ${opts.stackName} has no record in ${project}/.nimbus-sam/stacks`);
        const r = rec.resources[opts.name];
        if (!r || r.type !== 'AWS::Lambda::Function') throw new Error(`${opts.name} is not a function of stack ${opts.stackName}`);
        fn = r.physicalId;
      }
      const group = `/aws/lambda/${fn}`;
      let start = parseTime(opts.startTime ?? '10 minutes ago');
      const seen = new Set<string>();
      const print = (e: FilteredLogEvent) => {
        if (e.eventId && seen.has(e.eventId)) return;
        if (e.eventId) seen.add(e.eventId);
        io.out(`${e.logStreamName} ${new Date(e.timestamp ?? 0).toISOString()} ${(e.message ?? '').replace(/\n$/, '')}`);
      };
      for (;;) {
        let token: string | undefined;
        let latest = start;
        do {
          const out = await clients.logs.send(new FilterLogEventsCommand({ logGroupName: group, startTime: start, filterPattern: opts.filter, nextToken: token })).catch((err: { name?: string }) => {
            if (err.name === 'ResourceNotFoundException') return { events: [], nextToken: undefined };
            throw err;
          });
          for (const e of out.events ?? []) {
            print(e);
            latest = Math.max(latest, e.timestamp ?? 0);
          }
          token = out.nextToken;
        } while (token);
        if (!opts.tail || opts.signal?.aborted) return;
        // Re-read from the newest timestamp (inclusive); ids already printed are skipped.
        start = latest;
        await new Promise<void>((r) => {
          const t = setTimeout(r, opts.pollMs ?? 1000);
          opts.signal?.addEventListener('abort', () => { clearTimeout(t); r(); }, { once: true });
        });
        if (opts.signal?.aborted) return;
      }
    });
  } finally {
    clients.destroy();
  }
}

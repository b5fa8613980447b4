// Durability of Standard executions: the real `nimbus start` binary runs many executions with
// Waits, Pass, Map and Parallel states, is killed with SIGKILL mid-way, and is started again on the
// same data dir. Every execution must finish exactly once with the right output, and its history
// must hold each state's events once, ids in sequence, and Wait timers that kept their deadlines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SFNClient, CreateStateMachineCommand, StartExecutionCommand, DescribeExecutionCommand, GetExecutionHistoryCommand,
  ListExecutionsCommand, CreateActivityCommand, GetActivityTaskCommand, SendTaskSuccessCommand, type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { clientConfig } from '../helpers/nimbus.js';
import { binaryBuilt, spawnNimbus, type NimbusProcess } from '../helpers/binary.js';

const ROLE = 'arn:aws:iam::000000000000:role/crash';
const N = 40;

// Pass → Wait 2 s → Map (each item: Wait 1 s, Pass) → Parallel (two branches with Waits) → Pass.
const DEFINITION = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Parameters: { 'i.$': '$.i', items: [1, 2, 3] }, Next: 'Pause' },
    Pause: { Type: 'Wait', Seconds: 2, Next: 'EachItem' },
    EachItem: {
      Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 2, ResultPath: '$.mapped',
      ItemSelector: { 'n.$': '$$.Map.Item.Value', 'i.$': '$.i' },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'ItemWait',
        States: {
          ItemWait: { Type: 'Wait', Seconds: 1, Next: 'Square' },
          Square: { Type: 'Pass', Parameters: { 'v.$': 'States.MathAdd($.n, $.i)' }, End: true },
        },
      },
      Next: 'Both',
    },
    Both: {
      Type: 'Parallel', ResultPath: '$.branches',
      Branches: [
        { StartAt: 'B1', States: { B1: { Type: 'Wait', Seconds: 1, Next: 'B1Done' }, B1Done: { Type: 'Pass', Result: 'left', End: true } } },
        { StartAt: 'B2', States: { B2: { Type: 'Pass', Result: 'right', End: true } } },
      ],
      Next: 'Done',
    },
    Done: { Type: 'Pass', Parameters: { 'i.$': '$.i', 'mapped.$': '$.mapped', 'branches.$': '$.branches' }, End: true },
  },
};

const expectedOutput = (i: number) => ({ i, mapped: [{ v: 1 + i }, { v: 2 + i }, { v: 3 + i }], branches: ['left', 'right'] });

/** Event types of one complete run, as a multiset (branch/iteration interleaving is free). */
const EXPECTED_TYPES: Record<string, number> = {
  ExecutionStarted: 1, ExecutionSucceeded: 1,
  PassStateEntered: 1 + 3 + 2 + 1, PassStateExited: 1 + 3 + 2 + 1,
  WaitStateEntered: 1 + 3 + 1, WaitStateExited: 1 + 3 + 1,
  MapStateEntered: 1, MapStateStarted: 1, MapIterationStarted: 3, MapIterationSucceeded: 3, MapStateSucceeded: 1, MapStateExited: 1,
  ParallelStateEntered: 1, ParallelStateStarted: 1, ParallelStateExited: 1,
};

let dataDir: string | undefined;
let running: NimbusProcess | undefined;
afterAll(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGTERM');
    await running.exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function allEvents(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    events.push(...page.events!);
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

describe.skipIf(!binaryBuilt)('Standard executions survive kill -9 (needs `npm run build`)', () => {
  it('resumes every execution after two crashes and finishes each exactly once', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'nimbus-sfn-crash-'));
    running = await spawnNimbus(dataDir);
    let sfn = new SFNClient(clientConfig(running.endpoint));
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
      name: 'crashy', roleArn: ROLE, definition: JSON.stringify(DEFINITION),
    }));
    const arns: string[] = [];
    for (let i = 0; i < N; i++) {
      const e = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: `run-${i}`, input: JSON.stringify({ i }) }));
      arns.push(e.executionArn!);
    }
    // Let them get going (entered the 2 s Wait), then pull the plug.
    await new Promise((r) => setTimeout(r, 700));
    const before = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' }));
    expect(before.executions!.length).toBeGreaterThan(0);
    running.child.kill('SIGKILL');
    expect(await running.exited).toBe('SIGKILL');
    sfn.destroy();

    // Second crash while the executions are inside the Map iterations and the Parallel branches.
    running = await spawnNimbus(dataDir);
    await new Promise((r) => setTimeout(r, 1800));
    running.child.kill('SIGKILL');
    expect(await running.exited).toBe('SIGKILL');

    running = await spawnNimbus(dataDir);
    sfn = new SFNClient(clientConfig(running.endpoint));
    for (;;) {
      const still = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' }));
      if (still.executions!.length === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }

    for (let i = 0; i < N; i++) {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn: arns[i] }));
      expect(d.status, `run-${i}: ${d.error ?? ''} ${d.cause ?? ''}`).toBe('SUCCEEDED');
      expect(JSON.parse(d.output!)).toEqual(expectedOutput(i));

      const events = await allEvents(sfn, arns[i]!);
      expect(events.map((e) => e.id)).toEqual(events.map((_, k) => k + 1));
      const counts: Record<string, number> = {};
      for (const e of events) counts[e.type!] = (counts[e.type!] ?? 0) + 1;
      expect(counts, `run-${i} history`).toEqual(EXPECTED_TYPES);
      expect(events[events.length - 1]!.type).toBe('ExecutionSucceeded');

      // The 2 s Wait kept its deadline across the restart: it never ended early.
      const entered = events.find((e) => e.type === 'WaitStateEntered' && e.stateEnteredEventDetails!.name === 'Pause')!;
      const exited = events.find((e) => e.type === 'WaitStateExited' && e.stateExitedEventDetails!.name === 'Pause')!;
      expect(exited.timestamp!.getTime() - entered.timestamp!.getTime()).toBeGreaterThanOrEqual(1990);
    }
    sfn.destroy();
  }, 120_000);

  it('keeps activity tasks and their tokens across a crash', async () => {
    dataDir ??= mkdtempSync(join(tmpdir(), 'nimbus-sfn-crash-'));
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    running = await spawnNimbus(dataDir);
    let sfn = new SFNClient(clientConfig(running.endpoint));
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'approve' }));
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
      name: 'waits-for-worker', roleArn: ROLE,
      definition: JSON.stringify({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: activityArn, End: true } } }),
    }));
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'picked-before', input: '{"job":1}' }));
    const second = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'picked-after', input: '{"job":2}' }));
    // A worker takes one task before the crash; the other is still queued.
    const taken = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'w1' }));
    expect(taken.taskToken).toBeDefined();
    running.child.kill('SIGKILL');
    await running.exited;
    sfn.destroy();

    running = await spawnNimbus(dataDir);
    sfn = new SFNClient(clientConfig(running.endpoint));
    const queued = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'w2' }));
    expect(queued.taskToken).toBeDefined();
    expect([taken.input, queued.input].sort()).toEqual(['{"job":1}', '{"job":2}']);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: taken.taskToken, output: '{"by":"w1"}' }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: queued.taskToken, output: '{"by":"w2"}' }));
    for (const arn of [first.executionArn!, second.executionArn!]) {
      let d;
      do {
        d = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
        if (d.status === 'RUNNING') await new Promise((r) => setTimeout(r, 50));
      } while (d.status === 'RUNNING');
      expect(d.status).toBe('SUCCEEDED');
      const types = (await allEvents(sfn, arn)).map((e) => e.type);
      expect(types).toEqual([
        'ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled', 'ActivityStarted', 'ActivitySucceeded', 'TaskStateExited', 'ExecutionSucceeded',
      ]);
    }
    sfn.destroy();
  }, 120_000);
});

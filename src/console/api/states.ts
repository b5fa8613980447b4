// The State machines page's JSON: machines and their definitions, executions with their full event
// history, start / stop / redrive, and callback approval (SendTaskSuccess / SendTaskFailure), all
// in process through the Step Functions core (its errors keep their AWS names and statuses).
import type { ConsoleDeps } from '../deps.js';
import { BadRequest } from '../errors.js';
import { Body, queryInt } from '../input.js';
import type { Router } from '../router.js';
import { scopeOf } from './functions.js';

const ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:[A-Za-z]+:.+$/;
const MAX_ARN = 2048;
const MAX_INPUT = 256 * 1024;
const STATUSES = new Set(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']);
/** A history longer than this is cut (AWS caps an execution at 25,000 events). */
const MAX_EVENTS = 25_000;

function arn(raw: string | undefined, kind: string): string {
  if (raw === undefined || raw.length > MAX_ARN || !ARN.test(raw)) throw BadRequest(`Malformed ${kind} ARN`);
  return raw;
}

export function registerStateRoutes(router: Router, deps: ConsoleDeps): void {
  const { machines, executions, tokens } = deps.states;

  router.on('GET', 'statemachines', (ctx) => {
    const scope = scopeOf(ctx);
    const out: unknown[] = [];
    let nextToken: string | undefined;
    do {
      const page = machines.list(scope.accountId, scope.region, 1000, nextToken) as { stateMachines: unknown[]; nextToken?: string };
      out.push(...page.stateMachines);
      nextToken = page.nextToken;
    } while (nextToken && out.length < 10_000);
    return { stateMachines: out };
  });

  router.on('GET', 'statemachines/:arn', (_ctx, p) => machines.describe(arn(p.arn, 'state machine')));

  router.on('GET', 'statemachines/:arn/executions', (ctx, p) => {
    const status = ctx.query.get('status') || undefined;
    if (status !== undefined && !STATUSES.has(status)) throw BadRequest(`Unknown status filter ${status}`);
    const maxResults = queryInt(ctx.query, 'maxResults', 1, 1000, 100);
    return executions.list({ stateMachineArn: arn(p.arn, 'state machine'), maxResults, ...(status ? { statusFilter: status } : {}) });
  });

  router.on('POST', 'statemachines/:arn/executions', async (ctx, p) => {
    const scope = scopeOf(ctx);
    const machine = arn(p.arn, 'state machine');
    const body = await Body.read(ctx);
    const name = body.str('name', false, { min: 1, max: 80 });
    const input = body.json('input', false) ?? '{}';
    if (Buffer.byteLength(input) > MAX_INPUT) throw BadRequest('Execution input is at most 256 KB');
    return executions.start({ stateMachineArn: machine, input, accountId: scope.accountId, region: scope.region, ...(name ? { name } : {}) });
  });

  // Express machines keep no history to browse: the console runs them synchronously
  // (StartSyncExecution) and shows the result.
  router.on('POST', 'statemachines/:arn/sync-executions', async (ctx, p) => {
    const machine = arn(p.arn, 'state machine');
    const body = await Body.read(ctx);
    const name = body.str('name', false, { min: 1, max: 80 });
    const input = body.json('input', false) ?? '{}';
    if (Buffer.byteLength(input) > MAX_INPUT) throw BadRequest('Execution input is at most 256 KB');
    return executions.startSync({ stateMachineArn: machine, input, ...(name ? { name } : {}) });
  });

  // The execution, the definition it runs and its history. `after` returns only newer events, so a
  // running execution can be polled cheaply by the page.
  router.on('GET', 'executions/:arn', (ctx, p) => {
    const execution = arn(p.arn, 'execution');
    const after = queryInt(ctx.query, 'after', 0, Number.MAX_SAFE_INTEGER, 0);
    const described = executions.describe(execution);
    const machine = executions.describeMachineFor(execution);
    const events: Array<Record<string, unknown>> = [];
    let nextToken: string | undefined;
    let truncated = false;
    do {
      const page = executions.history({ executionArn: execution, maxResults: 1000, ...(nextToken ? { nextToken } : {}) });
      for (const e of page.events) if ((e.id as number) > after) events.push(e);
      nextToken = page.nextToken;
      if (events.length >= MAX_EVENTS) {
        truncated = nextToken !== undefined;
        break;
      }
    } while (nextToken);
    return { execution: described, stateMachine: machine, events, truncated };
  });

  router.on('POST', 'executions/:arn/stop', async (ctx, p) => {
    const execution = arn(p.arn, 'execution');
    const body = await Body.read(ctx);
    const error = body.str('error', false, { max: 256 });
    const cause = body.str('cause', false, { max: 32_768 });
    return executions.stopExecution(execution, error, cause);
  });

  router.on('POST', 'executions/:arn/redrive', (_ctx, p) => executions.redrive(arn(p.arn, 'execution')));

  router.on('POST', 'tasks/success', async (ctx) => {
    const body = await Body.read(ctx);
    const token = body.str('taskToken', true, { min: 1, max: 1024 });
    const output = body.json('output', false) ?? '{}';
    if (Buffer.byteLength(output) > MAX_INPUT) throw BadRequest('Task output is at most 256 KB');
    await tokens.sendSuccess(token, output);
    return {};
  });

  router.on('POST', 'tasks/failure', async (ctx) => {
    const body = await Body.read(ctx);
    const token = body.str('taskToken', true, { min: 1, max: 1024 });
    const error = body.str('error', false, { max: 256 });
    const cause = body.str('cause', false, { max: 32_768 });
    await tokens.sendFailure(token, error, cause);
    return {};
  });
}

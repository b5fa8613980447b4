// Runs the human-approval example against a running Nimbus with the AWS SDK v3:
//   node examples/human-approval/run.mjs [--reject] [--endpoint http://localhost:4566]
// Deploys the notifier function and the state machine, starts an execution, finds the task token
// the workflow is waiting on, approves (or rejects) it, and prints the result.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { zipSync, strToU8 } from 'fflate';
import {
  SFNClient, CreateStateMachineCommand, StartExecutionCommand, DescribeExecutionCommand,
  GetExecutionHistoryCommand, SendTaskSuccessCommand, SendTaskFailureCommand,
} from '@aws-sdk/client-sfn';
import { LambdaClient, CreateFunctionCommand, GetFunctionCommand } from '@aws-sdk/client-lambda';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const endpoint = args.includes('--endpoint') ? args[args.indexOf('--endpoint') + 1] : 'http://localhost:4566';
const reject = args.includes('--reject');
const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const sfn = new SFNClient(config);
const lambda = new LambdaClient(config);
const role = 'arn:aws:iam::000000000000:role/human-approval';

export async function deploy() {
  try {
    await lambda.send(new GetFunctionCommand({ FunctionName: 'approval-notifier' }));
  } catch {
    await lambda.send(new CreateFunctionCommand({
      FunctionName: 'approval-notifier', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: role,
      Code: { ZipFile: zipSync({ 'index.mjs': strToU8(readFileSync(join(here, 'notifier.mjs'), 'utf8')) }) },
    }));
  }
  const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({
    name: 'human-approval', roleArn: role, definition: readFileSync(join(here, 'definition.asl.json'), 'utf8'),
  }));
  return stateMachineArn;
}

/** The token the workflow waits on: the task's parameters in the history carry it. */
export async function waitForToken(executionArn) {
  for (;;) {
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const submitted = events.find((e) => e.type === 'TaskSubmitted');
    const scheduled = events.find((e) => e.type === 'TaskScheduled');
    if (submitted && scheduled) return JSON.parse(scheduled.taskScheduledEventDetails.parameters).Payload.taskToken;
    await sleep(100);
  }
}

async function main() {
  const stateMachineArn = await deploy();
  const { executionArn } = await sfn.send(new StartExecutionCommand({
    stateMachineArn, input: JSON.stringify({ item: 'laptop', amount: 1800 }),
  }));
  console.log('started', executionArn);
  const taskToken = await waitForToken(executionArn);
  console.log('waiting for approval; token', taskToken.slice(0, 16) + '…');
  if (reject) {
    await sfn.send(new SendTaskFailureCommand({ taskToken, error: 'Rejected', cause: 'over budget' }));
  } else {
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ approver: 'alice' }) }));
  }
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (d.status !== 'RUNNING') {
      console.log(d.status, d.output ?? `${d.error}: ${d.cause}`);
      break;
    }
    await sleep(100);
  }
  sfn.destroy();
  lambda.destroy();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();

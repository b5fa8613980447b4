// DescribeStateMachine / DescribeStateMachineForExecution `variableReferences`, compared with what
// AWS returned for the same definitions. Data: ./stepfunctions/variable-references.json, extracted
// from the AWS-recorded snapshot of LocalStack's
// tests/aws/services/stepfunctions/v2/test_sfn_api_variable_references.py (Apache-2.0, Copyright
// LocalStack contributors; recorded 20-11-2024, commit ab32f1b9361974857f1cf3f25f8ed9c3388c5afa).
// `null` means AWS omitted the field. The recorder sorted each name list, so lists compare sorted.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SFNClient, CreateStateMachineCommand, DescribeStateMachineCommand, DescribeStateMachineForExecutionCommand,
  StartExecutionCommand, DescribeExecutionCommand,
} from '@aws-sdk/client-sfn';
import { startNimbus, clientConfig, type TestNimbus } from '../helpers/nimbus.js';

interface RefCase { definition: object; variableReferences: Record<string, string[]> | null }
const CASES = JSON.parse(readFileSync(join(import.meta.dirname, 'stepfunctions', 'variable-references.json'), 'utf8')) as
  Record<string, RefCase>;
const ROLE = 'arn:aws:iam::000000000000:role/conformance';

let nimbus: TestNimbus;
let sfn: SFNClient;

beforeAll(async () => {
  nimbus = await startNimbus();
  sfn = new SFNClient(clientConfig(nimbus.endpoint));
});

afterAll(async () => {
  sfn?.destroy();
  await nimbus?.dispose();
});

const sorted = (refs: Record<string, string[]> | undefined | null) =>
  refs ? Object.fromEntries(Object.entries(refs).map(([k, v]) => [k, [...v].sort()])) : null;

describe('variableReferences (AWS-recorded)', () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(name, async () => {
      const sm = await sfn.send(new CreateStateMachineCommand({
        name: `vr-${name.toLowerCase().replace(/_/g, '-')}`.slice(0, 80), definition: JSON.stringify(c.definition), roleArn: ROLE,
      }));
      const d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: sm.stateMachineArn }));
      expect(sorted(d.variableReferences)).toEqual(c.variableReferences);
      const e = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, input: '{}' }));
      for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
        const x = await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
        if (x.status !== 'RUNNING') break;
        await new Promise((r) => setTimeout(r, delay));
      }
      const f = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: e.executionArn }));
      expect(sorted(f.variableReferences)).toEqual(c.variableReferences);
    });
  }
});

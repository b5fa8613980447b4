// DescribeStateMachine / DescribeStateMachineForExecution `variableReferences`, compared with what
// AWS returned for the same definitions. Data: ./stepfunctions/variable-references.json, extracted
// from the AWS-recorded snapshot of LocalStack's
// tests/aws/services/stepfunctions/v2/test_sfn_api_variable_references.py (Apache-2.0, Copyright
// LocalStack contributors; recorded 20-11-2024, commit ab32f1b9361974857f1cf3f25f8ed9c3388c5afa).
// `null` means AWS omitted the field. The recorder sorted each name list, so lists compare sorted.
// The same recorded responses carry no revisionId (the machines were never updated); the revisionId
// rules are also checked against LocalStack's AWS-recorded test_sfn_api_versioning snapshot
// (test_create_publish_describe_no_version_description, test_publish_state_machine_version).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SFNClient, CreateStateMachineCommand, DescribeStateMachineCommand, DescribeStateMachineForExecutionCommand,
  StartExecutionCommand, DescribeExecutionCommand, UpdateStateMachineCommand, PublishStateMachineVersionCommand,
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
      expect(d.revisionId).toBeUndefined();
      const e = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn, input: '{}' }));
      for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
        const x = await sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
        if (x.status !== 'RUNNING') break;
        await new Promise((r) => setTimeout(r, delay));
      }
      const f = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: e.executionArn }));
      expect(sorted(f.variableReferences)).toEqual(c.variableReferences);
      expect(f.revisionId).toBeUndefined();
      expect(f.encryptionConfiguration).toEqual({ type: 'AWS_OWNED_KEY' });
    });
  }
});

describe('revisionId (AWS-recorded)', () => {
  const PASS = JSON.stringify({ Comment: 'BASE_PASS_RESULT', StartAt: 'State_1', States: { State_1: { Type: 'Pass', Result: { Arg1: 'argument1' }, End: true } } });
  const describe = (stateMachineArn: string) => sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));

  it('exists only from the first update on', async () => {
    const sm = await sfn.send(new CreateStateMachineCommand({ name: 'rev-publish', definition: PASS, roleArn: ROLE, publish: true }));
    expect((await describe(sm.stateMachineArn!)).revisionId).toBeUndefined();
    expect((await describe(sm.stateMachineVersionArn!)).revisionId).toBeUndefined();
    const u = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: sm.stateMachineArn, definition: PASS.replace('BASE_PASS_RESULT', 'R2') }));
    expect(u.revisionId).toBeTruthy();
    const v2 = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: sm.stateMachineArn, revisionId: u.revisionId }));
    expect((await describe(v2.stateMachineVersionArn!)).revisionId).toBe(u.revisionId);
  });
});

// SAM connectors at plan time: embedded `Connectors` and AWS::Serverless::Connector resources are
// checked for SAM's shape and leave nothing behind (Nimbus enforces no IAM or resource policies).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planTemplate } from './plan.js';

const dir = mkdtempSync(join(tmpdir(), 'nimbus-connectors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DEFINITION = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };

function plan(resources: Record<string, unknown>, transform = true) {
  const template = {
    ...(transform ? { Transform: 'AWS::Serverless-2016-10-31' } : {}),
    Resources: {
      Other: { Type: 'AWS::StepFunctions::StateMachine', Properties: { RoleArn: 'arn:aws:iam::000000000000:role/r', Definition: DEFINITION } },
      ...resources,
    },
  };
  writeFileSync(join(dir, 'template.yaml'), JSON.stringify(template));
  return planTemplate({ templatePath: join(dir, 'template.yaml'), stackName: 'st', region: 'us-east-1', accountId: '000000000000', overrides: new Map() });
}

const machine = (connectors?: unknown) => ({
  Type: 'AWS::Serverless::StateMachine',
  Properties: { Definition: DEFINITION },
  ...(connectors !== undefined ? { Connectors: connectors } : {}),
});

describe('SAM connectors', () => {
  it('accepts embedded connectors and Connector resources, and generates no resources for them', () => {
    const p = plan({
      Main: machine({
        ToOther: { Properties: { Destination: { Id: 'Other' }, Permissions: ['Read', 'Write'] } },
        ToRule: { Properties: { Destination: [{ Arn: 'arn:aws:events:us-east-1:000000000000:rule/x', Type: 'AWS::Events::EventBus' }], Permissions: ['Write'] } },
      }),
      Standalone: { Type: 'AWS::Serverless::Connector', Properties: { Source: { Id: 'Main' }, Destination: { Id: 'Other' }, Permissions: ['Write'] } },
    });
    const ids = p.resources.map((r) => r.logicalId);
    expect(ids).toContain('Main');
    expect(ids.some((id) => id.startsWith('Standalone') || id.includes('ToOther') || id.includes('ToRule'))).toBe(false);
  });

  it('refuses an unknown Id, bad Permissions, a Source in an embedded connector, and Connectors without the SAM transform', () => {
    expect(() => plan({ Main: machine({ C: { Properties: { Destination: { Id: 'Nope' }, Permissions: ['Read'] } } }) })).toThrow(/Connectors\.C\.Properties\.Destination\.Id: "Nope" is not a resource/);
    expect(() => plan({ Main: machine({ C: { Properties: { Destination: { Id: 'Other' }, Permissions: ['Delete'] } } }) })).toThrow(/Permissions: must be a list of Read and\/or Write/);
    expect(() => plan({ Main: machine({ C: { Properties: { Source: { Id: 'Other' }, Destination: { Id: 'Other' }, Permissions: ['Read'] } } }) })).toThrow(/Source: is not allowed in an embedded connector/);
    expect(() => plan({ C: { Type: 'AWS::Serverless::Connector', Properties: { Destination: { Id: 'Other' }, Permissions: ['Read'] } } })).toThrow(/Properties\.Source: must be a mapping/);
    expect(() => plan({ Plain: { Type: 'AWS::Logs::LogGroup', Connectors: {} } }, false)).toThrow(/Connectors: is not a valid resource attribute/);
  });
});

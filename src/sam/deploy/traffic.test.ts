import { describe, expect, it } from 'vitest';
import { shiftSteps } from './traffic.js';
import { parseAppSpec } from '../../codedeploy/core.js';

describe('deployment preference schedules', () => {
  it('canary holds 10% once, linear adds 10% per interval, AllAtOnce shifts at once', () => {
    expect(shiftSteps('Canary10Percent30Minutes')).toEqual([{ percent: 10, waitMinutes: 30 }]);
    const linear = shiftSteps('Linear10PercentEvery1Minute');
    expect(linear.map((s) => s.percent)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(linear.every((s) => s.waitMinutes === 1)).toBe(true);
    expect(shiftSteps('Linear10PercentEvery10Minutes')[0]).toEqual({ percent: 10, waitMinutes: 10 });
    expect(shiftSteps('AllAtOnce')).toEqual([]);
    expect(() => shiftSteps('Canary50Percent')).toThrow(/unknown deployment preference/);
  });
});

describe('Lambda AppSpec', () => {
  it('reads the hooks in YAML or JSON', () => {
    const yaml = `version: 0.0
Resources:
  - fn:
      Type: AWS::Lambda::Function
      Properties: {Name: f, Alias: live, CurrentVersion: '1', TargetVersion: '2'}
Hooks:
  - BeforeAllowTraffic: pre
  - AfterAllowTraffic: post
`;
    expect(parseAppSpec(yaml)).toEqual([{ event: 'BeforeAllowTraffic', functionName: 'pre' }, { event: 'AfterAllowTraffic', functionName: 'post' }]);
    expect(() => parseAppSpec('{"Resources": [{}], "Hooks": [{"ApplicationStart": "x"}]}')).toThrow(/BeforeAllowTraffic and AfterAllowTraffic/);
    expect(() => parseAppSpec(': : :')).toThrow(/not valid JSON or YAML|must be an object|exactly one/);
  });
});

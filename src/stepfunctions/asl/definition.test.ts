// parseDefinition / validateDefinition: AWS's codes, messages and locations for rejected definitions.
import { describe, expect, test } from 'vitest';
import { AslValidationError, parseDefinition, parseStateDefinition, validateDefinition } from './index.js';

const m = (states: object, extra: object = {}) => JSON.stringify({ StartAt: Object.keys(states)[0], States: states, ...extra });
const diag = (text: string) => validateDefinition(text).diagnostics.map((d) => `${d.code}|${d.message}|${d.location ?? ''}`);

describe('parseDefinition', () => {
  test('returns the normalised model', () => {
    const sm = parseDefinition(m({
      T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:1:function:f', Retry: [{ ErrorEquals: ['States.ALL'] }], Next: 'M' },
      M: { Type: 'Map', Iterator: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, Parameters: { 'v.$': '$$.Map.Item.Value' }, End: true },
    }));
    const t = sm.States.get('T');
    expect(t?.Type).toBe('Task');
    if (t?.Type === 'Task') expect(t.Retry[0]).toEqual({ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'NONE' });
    const map = sm.States.get('M');
    if (map?.Type !== 'Map') throw new Error('not a map');
    expect(map.legacyIterator).toBe(true);
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'INLINE' });
    expect(map.ItemSelector).toEqual({ 'v.$': '$$.Map.Item.Value' });
    expect(sm.queryLanguage).toBe('JSONPath');
  });

  test('throws InvalidDefinition with AWS message format', () => {
    let err: unknown;
    try {
      parseDefinition(m({ pass1: { Type: 'Pass', Next: 'pass3' }, pass2: { Type: 'Pass', End: true } }));
    } catch (e) { err = e; }
    expect(err).toBeInstanceOf(AslValidationError);
    const e = err as AslValidationError;
    expect(e.name).toBe('InvalidDefinition');
    expect(e.status).toBe(400);
    expect(e.message).toBe(`Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2'`);
  });

  test('no terminal state: MISSING_END_STATE at null, unreachable walk suppressed', () => {
    expect(() => parseDefinition(m({ A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' }, C: { Type: 'Pass', Next: 'A' } })))
      .toThrow(`Invalid State Machine Definition: 'MISSING_END_STATE: Workflow has no terminal state at null'`);
  });
});

describe('parseStateDefinition (TestState)', () => {
  test('one state, Next not resolved, same errors', () => {
    const st = parseStateDefinition(JSON.stringify({ Type: 'Pass', Result: 1, Next: 'Elsewhere' }));
    expect(st.Type).toBe('Pass');
    expect(st.name).toBe('TestState');
    expect(() => parseStateDefinition(JSON.stringify({ Type: 'Pass', Output: 1, End: true })))
      .toThrow(`Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage at /'`);
    expect(parseStateDefinition(JSON.stringify({ Type: 'Pass', Output: '{% 1 %}', End: true }), { queryLanguage: 'JSONata' }).queryLanguage).toBe('JSONata');
  });
});

describe('validateDefinition', () => {
  test('OK', () => {
    expect(validateDefinition(m({ A: { Type: 'Succeed' } }))).toEqual({ result: 'OK', diagnostics: [], truncated: false });
  });

  test('malformed JSON and empty input', () => {
    expect(validateDefinition('{"StartAt": ').diagnostics[0]?.code).toBe('INVALID_JSON_DESCRIPTION');
    expect(validateDefinition('').diagnostics[0]?.code).toBe('MISSING_DESCRIPTION');
    // AWS (recorded): whitespace only is "not a JSON object", with no location.
    expect(validateDefinition('   ').diagnostics).toEqual([{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'Definition must be a valid JSON object' }]);
    // AWS (recorded): Jackson's message and source location.
    const loc = '[Source: (String)"not a definition"; line: 1, column: 4]';
    expect(validateDefinition('not a definition').diagnostics).toEqual([{ severity: 'ERROR', code: 'INVALID_JSON_DESCRIPTION', location: loc,
      message: `Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at ${loc}` }]);
    expect(validateDefinition('[]').result).toBe('FAIL');
  });

  test('missing StartAt/States', () => {
    expect(diag('{}')).toEqual(['SCHEMA_VALIDATION_FAILED|These fields are required: [States, StartAt]|/']);
  });

  test('unsupported field per state type', () => {
    expect(diag(m({ P: { Type: 'Pass', TimeoutSeconds: 5, End: true } }))).toEqual(["SCHEMA_VALIDATION_FAILED|Field 'TimeoutSeconds' is not supported|/States/P"]);
    expect(diag(m({ P: { Type: 'Pass', Catch: [], End: true } }))).toEqual(["SCHEMA_VALIDATION_FAILED|Field 'Catch' is not supported|/States/P"]);
  });

  test('query-language-specific fields', () => {
    expect(diag(m({ P: { Type: 'Pass', Output: 1, End: true } })))
      .toEqual(["SCHEMA_VALIDATION_FAILED|The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage|/States/P"]);
    expect(diag(m({ P: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } }, { QueryLanguage: 'JSONata' })))
      .toEqual(["SCHEMA_VALIDATION_FAILED|'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine|/States/P"]);
    expect(diag(m({ P: { Type: 'Pass', InputPath: '$.a', End: true } }, { QueryLanguage: 'JSONata' })))
      .toEqual(["SCHEMA_VALIDATION_FAILED|The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage|/States/P"]);
    // A state may opt into JSONata under a JSONPath machine.
    expect(validateDefinition(m({ P: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% 1 %}', End: true } })).result).toBe('OK');
  });

  test('JSONata syntax and top-level references', () => {
    expect(diag(m({ P: { Type: 'Pass', Output: '{% 1 + %}', End: true } }, { QueryLanguage: 'JSONata' })))
      .toEqual(['INVALID_JSONATA_EXPRESSION|Unexpected end of expression|/States/P/Output']);
    expect(diag(m({ P: { Type: 'Pass', Output: { v: '{% phone %}' }, End: true } }, { QueryLanguage: 'JSONata' })))
      .toEqual(["UNSUPPORTED_JSONATA_EXPRESSION|Reference to 'phone' at the top level is not supported.|/States/P/Output/v"]);
    expect(validateDefinition(m({ P: { Type: 'Pass', Output: '{% $states.input.items[price > 5].name %}', End: true } }, { QueryLanguage: 'JSONata' })).result).toBe('OK');
  });

  test('Next/End and transitions', () => {
    expect(diag(m({ P: { Type: 'Pass' } }))).toContain("SCHEMA_VALIDATION_FAILED|Either 'Next' or 'End: true' is required|/States/P");
    expect(diag(m({ C: { Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Next: 'X' }], Default: 'Y' }, S: { Type: 'Succeed' } })))
      .toEqual([
        "MISSING_TRANSITION_TARGET|Missing 'Next' target: X|/States/C/Choices[0]/Next",
        "MISSING_TRANSITION_TARGET|Missing 'Next' target: Y|/States/C/Default",
        'MISSING_TRANSITION_TARGET|State "S" is not reachable.|/States/S',
      ]);
  });

  test('paths, payload templates and intrinsics', () => {
    expect(diag(m({ P: { Type: 'Pass', Parameters: { 'a.$': 'nope' }, End: true } })))
      .toEqual(["SCHEMA_VALIDATION_FAILED|The value for the field 'a.$' must be a valid JSONPath or a valid intrinsic function call|/States/P/Parameters/a.$"]);
    expect(diag(m({ P: { Type: 'Pass', Parameters: { 'a.$': 'States.Nope(1)' }, End: true } }))).toHaveLength(1);
    expect(diag(m({ T: { Type: 'Pass', Parameters: { 'arrayParameter.$': ['$.output.type'] }, End: true } })))
      .toEqual(["SCHEMA_VALIDATION_FAILED|The value for the field 'arrayParameter.$' must be a STRING that contains a JSONPath but was an ARRAY|/States/T/Parameters/arrayParameter.$"]);
    expect(diag(m({ P: { Type: 'Pass', Parameters: { 'a.$': "States.Format('{}', $.x" }, End: true } }))).toHaveLength(1);
    expect(diag(m({ P: { Type: 'Pass', ResultPath: '$.a[*]', End: true } }))).toHaveLength(1);
    const nest = (n: number) => 'States.Array('.repeat(n) + '1' + ')'.repeat(n);
    expect(validateDefinition(m({ P: { Type: 'Pass', Parameters: { 'a.$': nest(10) }, End: true } })).result).toBe('OK');
    expect(validateDefinition(m({ P: { Type: 'Pass', Parameters: { 'a.$': nest(11) }, End: true } })).result).toBe('FAIL');
    expect(validateDefinition(m({ P: { Type: 'Pass', Parameters: { 'a.$': '$.items[?(@.x > 1)].y', 'b.$': "States.Format('{}', $.x)", 'c.$': '$$.Execution.Id', 'd.$': '$var.x' }, End: true } })).result).toBe('OK');
  });

  test('Retry and Catch', () => {
    const task = (extra: object) => m({ T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:1:function:f', End: true, ...extra }, N: { Type: 'Succeed' } });
    expect(validateDefinition(task({ Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['X'] }] })).result).toBe('FAIL');
    expect(validateDefinition(task({ Retry: [{ ErrorEquals: ['States.ALL', 'X'] }] })).result).toBe('FAIL');
    expect(validateDefinition(task({ Retry: [{ ErrorEquals: ['X'], BackoffRate: 0.5 }] })).result).toBe('FAIL');
    expect(validateDefinition(task({ Retry: [{ ErrorEquals: ['X'], JitterStrategy: 'HALF' }] })).result).toBe('FAIL');
    expect(diag(task({ Catch: [{ ErrorEquals: ['States.ALL'] }] }))).toContain('SCHEMA_VALIDATION_FAILED|These fields are required: [Next]|/States/T/Catch[0]');
    expect(validateDefinition(task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'N' }] })).result).toBe('OK');
  });

  test('Wait, Fail, Task fields', () => {
    expect(validateDefinition(m({ W: { Type: 'Wait', Seconds: 1, SecondsPath: '$.s', End: true } })).result).toBe('FAIL');
    expect(validateDefinition(m({ W: { Type: 'Wait', Timestamp: '2016-03-14 01:59:00Z', End: true } })).result).toBe('FAIL');
    // Recorded by AWS (LocalStack scenarios/test_base_scenarios.py::test_wait_timestamp_invalid[*]).
    for (const ts of ['2016-12-05 21:29:29Z', '2016-12-05T21:29:29', '2016-13-05T21:29:29Z', '2016-12-05T25:29:29Z', '05-12-2016T21:29:29Z']) {
      expect(diag(m({ WaitUntil: { Type: 'Wait', Timestamp: ts, End: true } })))
        .toEqual(['SCHEMA_VALIDATION_FAILED|String does not match RFC3339 timestamp|/States/WaitUntil/Timestamp']);
    }
    expect(validateDefinition(m({ F: { Type: 'Fail', Error: 'a', ErrorPath: '$.e' } })).result).toBe('FAIL');
    expect(validateDefinition(m({ T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:1:function:f', TimeoutSeconds: 0, End: true } })).result).toBe('FAIL');
    expect(validateDefinition(m({ T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:1:function:f', TimeoutSeconds: 5, HeartbeatSeconds: 5, End: true } })).result).toBe('FAIL');
    expect(validateDefinition(m({ T: { Type: 'Task', End: true } })).diagnostics[0]?.message).toBe('These fields are required: [Resource]');
    expect(diag(m({ T: { Type: 'Task', Resource: 'createToken', End: true } })))
      .toEqual(['INVALID_RESOURCE|The resource provided createToken is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.|/States/T/Resource']);
  });

  test('Parallel branches and Map processors are validated recursively', () => {
    expect(diag(m({ P: { Type: 'Parallel', Branches: [{ StartAt: 'X', States: { X: { Type: 'Pass', Next: 'Y' } } }], End: true } })))
      .toContain("MISSING_TRANSITION_TARGET|Missing 'Next' target: Y|/States/P/Branches[0]/States/X/Next");
    expect(diag(m({ M: { Type: 'Map', ItemProcessor: { QueryLanguage: 'JSONata', StartAt: 'X', States: { X: { Type: 'Succeed' } } }, End: true } })))
      .toEqual(["SCHEMA_VALIDATION_FAILED|Field 'QueryLanguage' is not supported|/States/M/ItemProcessor"]);
    expect(validateDefinition(m({ M: { Type: 'Map', ItemReader: {}, ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Succeed' } } }, End: true } })).result).toBe('FAIL');
    expect(validateDefinition(m({ M: { Type: 'Map', ItemReader: { Resource: 'arn:aws:states:::s3:getObject' }, ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'X', States: { X: { Type: 'Succeed' } } }, End: true } })).result).toBe('OK');
  });

  test('ItemReader / ItemBatcher / ResultWriter fields', () => {
    const dmap = (extra: object) => m({ M: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' }, StartAt: 'X', States: { X: { Type: 'Succeed' } } }, End: true, ...extra } });
    expect(diag(dmap({ ItemBatcher: { MaxItemsPerBatch: 0, Nope: 1 } }))).toEqual([
      "SCHEMA_VALIDATION_FAILED|Field 'Nope' is not supported|/States/M/ItemBatcher",
      "SCHEMA_VALIDATION_FAILED|The value for the field 'MaxItemsPerBatch' must be a POSITIVE_INTEGER|/States/M/ItemBatcher/MaxItemsPerBatch",
    ]);
    expect(validateDefinition(dmap({ ItemBatcher: { MaxItemsPerBatchPath: '$.n', BatchInput: { 'a.$': '$.a' } }, ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'b' } } })).result).toBe('OK');
    expect(diag(m({ M: { Type: 'Map', ItemBatcher: { MaxItemsPerBatch: 2 }, ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Succeed' } } }, End: true } })))
      .toEqual(["SCHEMA_VALIDATION_FAILED|Field 'ItemBatcher' is only supported for a Map state in 'DISTRIBUTED' mode|/States/M"]);
  });

  test('Choice rules', () => {
    const ch = (rule: object) => m({ C: { Type: 'Choice', Choices: [{ ...rule, Next: 'S' }], Default: 'S' }, S: { Type: 'Succeed' } });
    expect(validateDefinition(ch({ Variable: '$.a', NumericEquals: 'x' })).result).toBe('FAIL');
    expect(validateDefinition(ch({ Variable: '$.a', NumericEquals: 1, StringEquals: 'x' })).result).toBe('FAIL');
    expect(validateDefinition(ch({ And: [{ Variable: '$.a', IsNull: true, Next: 'S' }] })).result).toBe('FAIL');
    expect(validateDefinition(ch({ Not: { Variable: '$.a', StringMatches: 'a*' } })).result).toBe('OK');
    expect(validateDefinition(ch({ Variable: '$.a', TimestampEquals: 'yesterday' })).result).toBe('FAIL');
  });

  test('warnings only with severity WARNING, and never FAIL', () => {
    const text = m({ P: { Type: 'Pass', Parameters: { a: '$.x' }, Result: { b: '$.y' }, End: true } });
    expect(validateDefinition(text)).toEqual({ result: 'OK', diagnostics: [], truncated: false });
    const w = validateDefinition(text, { severity: 'WARNING' });
    expect(w.result).toBe('OK');
    expect(w.diagnostics.map((d) => `${d.severity}|${d.code}|${d.location ?? ''}`)).toEqual([
      'WARNING|NO_DOLLAR|/States/P/Parameters/a', 'WARNING|PASS_RESULT_IS_STATIC|/States/P/Result',
    ]);
  });

  test('EXPRESS machines reject .sync and .waitForTaskToken', () => {
    const text = m({ T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', End: true } });
    expect(validateDefinition(text).result).toBe('OK');
    expect(diag(JSON.stringify({ ...JSON.parse(text) }))).toEqual([]);
    expect(validateDefinition(text, { type: 'EXPRESS' }).diagnostics.map((d) => `${d.message}|${d.location}`))
      .toEqual(["Express state machine does not support '.waitForTaskToken' service integration |/States/T/Resource"]);
    expect(() => parseDefinition(text, { type: 'EXPRESS' })).toThrow(AslValidationError);
  });

  test('EXPRESS machines reject activities (recorded: test_sfn_api_express::test_illegal_activity_task)', () => {
    const text = m({ ActivityTask: { Type: 'Task', Resource: 'arn:aws:states:us-east-1:111111111111:activity:a', End: true } });
    expect(validateDefinition(text).result).toBe('OK');
    expect(validateDefinition(text, { type: 'EXPRESS' }).diagnostics.map((d) => `${d.message}|${d.location}`))
      .toEqual(['Express state machine does not support Activity ARN|/States/ActivityTask/Resource']);
  });

  test('maxResults truncates', () => {
    const r = validateDefinition(m({ A: { Type: 'Pass', X: 1, Y: 2, End: true } }), { maxResults: 1 });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.truncated).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { exitDescription, exitFault, runtimeErrorPayload, timeoutFault } from './faults.js';

const parse = (b: Buffer) => JSON.parse(b.toString());

describe('Lambda fault payloads', () => {
  it('words timeouts as AWS does', () => {
    expect(parse(timeoutFault('id-1', 3))).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: 'RequestId: id-1 Error: Task timed out after 3.00 seconds' });
  });

  it('describes exits with Go os/exec wording', () => {
    expect(exitDescription(1, null)).toBe('exit status 1');
    expect(exitDescription(null, 'SIGKILL')).toBe('signal: killed');
    expect(exitDescription(null, 'SIGSEGV')).toBe('signal: segmentation fault');
    expect(parse(exitFault('r', 1, null, false))).toEqual({ errorType: 'Runtime.ExitError', errorMessage: 'RequestId: r Error: Runtime exited with error: exit status 1' });
    expect(parse(exitFault('r', null, 'SIGKILL', true))).toEqual({ errorType: 'Runtime.OutOfMemory', errorMessage: 'RequestId: r Error: Runtime exited with error: signal: killed' });
    expect(parse(exitFault('r', 0, null, false)).errorMessage).toBe('RequestId: r Error: Runtime exited without providing a reason');
  });

  it('passes runtime error documents through and wraps anything else', () => {
    const doc = Buffer.from(' {"errorType":"X","errorMessage":"m"}');
    expect(runtimeErrorPayload(doc, 'X')).toBe(doc);
    expect(parse(runtimeErrorPayload(Buffer.from('plain text'), 'Custom'))).toEqual({ errorMessage: 'plain text', errorType: 'Custom' });
    expect(parse(runtimeErrorPayload(Buffer.alloc(0), undefined))).toEqual({ errorMessage: '', errorType: 'Unknown' });
  });
});

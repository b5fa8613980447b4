import { describe, expect, it } from 'vitest';
import { readExecution, tokenPathsOf, type HistoryEvent } from './execution-view.js';

let id = 0;
const ev = (type: string, prev: number | undefined, details?: Record<string, unknown>, key?: string): HistoryEvent => ({
  id: ++id, type, timestamp: 0, ...(prev !== undefined ? { previousEventId: prev } : {}), ...(details ? { [key ?? 'stateEnteredEventDetails']: details } : {}),
});

describe('readExecution', () => {
  it('marks retried, caught, running states and finds the waiting token', () => {
    id = 0;
    const token = 'T'.repeat(128);
    const events = [
      ev('ExecutionStarted', undefined),
      ev('TaskStateEntered', 1, { name: 'Flaky', input: '{}' }),
      ev('TaskScheduled', 2, { resource: 'invoke', parameters: '{}' }, 'taskScheduledEventDetails'),
      ev('TaskFailed', 3, { error: 'Boom', cause: 'x' }, 'taskFailedEventDetails'),
      ev('TaskScheduled', 4, { resource: 'invoke', parameters: '{}' }, 'taskScheduledEventDetails'),
      ev('TaskSucceeded', 5, { output: '{}' }, 'taskSucceededEventDetails'),
      ev('TaskStateExited', 6, { name: 'Flaky', output: '{"ok":1}' }, 'stateExitedEventDetails'),
      ev('TaskStateEntered', 7, { name: 'Doomed', input: '{}' }),
      ev('TaskScheduled', 8, { resource: 'invoke', parameters: '{}' }, 'taskScheduledEventDetails'),
      ev('TaskFailed', 9, { error: 'Bad' }, 'taskFailedEventDetails'),
      ev('TaskStateExited', 10, { name: 'Doomed' }, 'stateExitedEventDetails'),
      ev('TaskStateEntered', 11, { name: 'Ask', input: '{}' }),
      ev('TaskScheduled', 12, { resource: 'invoke.waitForTaskToken', parameters: JSON.stringify({ Payload: { token } }) }, 'taskScheduledEventDetails'),
      ev('TaskSubmitted', 13, {}, 'taskSubmittedEventDetails'),
    ];
    const view = readExecution(events, 'RUNNING', { Ask: ['Payload.token'] });
    expect(view.states.Flaky).toMatchObject({ status: 'retried', failures: 1, outputs: ['{"ok":1}'] });
    expect(view.states.Doomed).toMatchObject({ status: 'caught', error: 'Bad' });
    expect(view.states.Ask?.status).toBe('running');
    expect(view.waiting).toEqual([{ state: 'Ask', token, scheduledEventId: 13 }]);
    const stopped = readExecution([...events, ev('ExecutionAborted', 14, {}, 'executionAbortedEventDetails')], 'ABORTED');
    expect(stopped.states.Ask?.status).toBe('aborted');
    expect(stopped.waiting).toEqual([]);
    const failed = readExecution([...events, ev('TaskFailed', 14, { error: 'No' }, 'taskFailedEventDetails')], 'FAILED');
    expect(failed.states.Ask?.status).toBe('failed');
  });
});

describe('tokenPathsOf', () => {
  it('finds $$.Task.Token (JSONPath) and $states.context.Task.Token (JSONata), nested in branches', () => {
    const def = {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel', End: true,
          Branches: [{
            StartAt: 'A',
            States: {
              A: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { MessageBody: { 'tok.$': '$$.Task.Token' } }, End: true },
            },
          }],
        },
        B: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Arguments: { Payload: { t: '{% $states.context.Task.Token %}' } }, End: true },
      },
    };
    expect(tokenPathsOf(def)).toEqual({ A: ['MessageBody.tok'], B: ['Payload.t'] });
  });
});

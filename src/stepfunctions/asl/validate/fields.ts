// Which fields each state type accepts, and which belong to one query language only.
import type { StateType } from '../model.js';

const COMMON = ['Type', 'Comment', 'QueryLanguage'];
const TRANSITION = ['Next', 'End'];
const IO = ['InputPath', 'OutputPath'];
const ERRORS = ['Retry', 'Catch'];

export const ALLOWED_FIELDS: Record<StateType, ReadonlySet<string>> = {
  Pass: new Set([...COMMON, ...TRANSITION, ...IO, 'ResultPath', 'Parameters', 'Result', 'Assign', 'Output']),
  Task: new Set([...COMMON, ...TRANSITION, ...IO, ...ERRORS, 'Resource', 'ResultPath', 'Parameters', 'ResultSelector',
    'Arguments', 'Output', 'Assign', 'TimeoutSeconds', 'TimeoutSecondsPath', 'HeartbeatSeconds', 'HeartbeatSecondsPath',
    'Credentials']),
  Choice: new Set([...COMMON, ...IO, 'Choices', 'Default', 'Assign', 'Output']),
  Wait: new Set([...COMMON, ...TRANSITION, ...IO, 'Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath', 'Assign', 'Output']),
  Succeed: new Set([...COMMON, ...IO, 'Output']),
  Fail: new Set([...COMMON, 'Error', 'Cause', 'ErrorPath', 'CausePath']),
  Parallel: new Set([...COMMON, ...TRANSITION, ...IO, ...ERRORS, 'Branches', 'ResultPath', 'Parameters', 'ResultSelector',
    'Arguments', 'Output', 'Assign']),
  Map: new Set([...COMMON, ...TRANSITION, ...IO, ...ERRORS, 'ItemProcessor', 'Iterator', 'ItemsPath', 'Items', 'ItemSelector',
    'Parameters', 'ItemReader', 'ItemBatcher', 'ResultWriter', 'MaxConcurrency', 'MaxConcurrencyPath',
    'ToleratedFailureCount', 'ToleratedFailureCountPath', 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath',
    'Label', 'ResultPath', 'ResultSelector', 'Output', 'Assign']),
};

/** Fields only meaningful with JSONPath. */
export const JSONPATH_ONLY = new Set([
  'InputPath', 'OutputPath', 'ResultPath', 'Parameters', 'ResultSelector', 'Result', 'ItemsPath',
  'SecondsPath', 'TimestampPath', 'TimeoutSecondsPath', 'HeartbeatSecondsPath', 'ErrorPath', 'CausePath',
  'MaxConcurrencyPath', 'ToleratedFailureCountPath', 'ToleratedFailurePercentagePath',
]);

/** Fields only meaningful with JSONata. */
export const JSONATA_ONLY = new Set(['Output', 'Arguments', 'Items', 'Condition']);

export const STATE_TYPES: readonly StateType[] = ['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'];

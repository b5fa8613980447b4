// The Step Functions error catalog. Every name is an exception class of @aws-sdk/client-sfn
// (checked by errors.test.ts); Step Functions answers all of its client errors with HTTP 400.
import { errorType } from '../../protocol/errors.js';

export const SfnErrors = {
  ActivityAlreadyExists: errorType('ActivityAlreadyExists', 400),
  ActivityDoesNotExist: errorType('ActivityDoesNotExist', 400),
  ActivityLimitExceeded: errorType('ActivityLimitExceeded', 400),
  ActivityWorkerLimitExceeded: errorType('ActivityWorkerLimitExceeded', 400),
  ConflictException: errorType('ConflictException', 400),
  ExecutionAlreadyExists: errorType('ExecutionAlreadyExists', 400),
  ExecutionDoesNotExist: errorType('ExecutionDoesNotExist', 400),
  ExecutionLimitExceeded: errorType('ExecutionLimitExceeded', 400),
  ExecutionNotRedrivable: errorType('ExecutionNotRedrivable', 400),
  InvalidArn: errorType('InvalidArn', 400),
  InvalidDefinition: errorType('InvalidDefinition', 400),
  InvalidExecutionInput: errorType('InvalidExecutionInput', 400),
  InvalidLoggingConfiguration: errorType('InvalidLoggingConfiguration', 400),
  InvalidName: errorType('InvalidName', 400),
  InvalidOutput: errorType('InvalidOutput', 400),
  InvalidToken: errorType('InvalidToken', 400),
  InvalidTracingConfiguration: errorType('InvalidTracingConfiguration', 400),
  MissingRequiredParameter: errorType('MissingRequiredParameter', 400),
  ResourceNotFound: errorType('ResourceNotFound', 400),
  ServiceQuotaExceededException: errorType('ServiceQuotaExceededException', 400),
  StateMachineAlreadyExists: errorType('StateMachineAlreadyExists', 400),
  StateMachineDeleting: errorType('StateMachineDeleting', 400),
  StateMachineDoesNotExist: errorType('StateMachineDoesNotExist', 400),
  StateMachineLimitExceeded: errorType('StateMachineLimitExceeded', 400),
  StateMachineTypeNotSupported: errorType('StateMachineTypeNotSupported', 400),
  TaskDoesNotExist: errorType('TaskDoesNotExist', 400),
  TaskTimedOut: errorType('TaskTimedOut', 400),
  TooManyTags: errorType('TooManyTags', 400),
  ValidationException: errorType('ValidationException', 400),
  /** Not in the SDK's model but sent by the service for unknown X-Amz-Target operations. */
  UnknownOperationException: errorType('UnknownOperationException', 400),
  /** Malformed JSON body (awsJson1.0). */
  SerializationException: errorType('SerializationException', 400),
} as const;

export type SfnErrorName = keyof typeof SfnErrors;

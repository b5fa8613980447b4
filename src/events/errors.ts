// EventBridge error catalog (awsJson1.1: `__type` in the body). Names and statuses as EventBridge sends them.
import { errorType } from '../protocol/errors.js';

export const ResourceNotFound = errorType('ResourceNotFoundException', 400);
export const Validation = errorType('ValidationException', 400);
export const InvalidEventPattern = errorType('InvalidEventPatternException', 400);
export const LimitExceeded = errorType('LimitExceededException', 400);
export const UnknownOperation = errorType('UnknownOperationException', 400);
export const ResourceAlreadyExists = errorType('ResourceAlreadyExistsException', 400);

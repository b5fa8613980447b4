// CloudWatch Logs error catalog. Logs answers every client error with HTTP 400 (even "not found"),
// and the messages below are AWS's own wording, which scripts grep for.
import { errorType } from '../../protocol/errors.js';

export const ResourceNotFound = errorType('ResourceNotFoundException', 400);
export const ResourceAlreadyExists = errorType('ResourceAlreadyExistsException', 400);
export const InvalidParameter = errorType('InvalidParameterException', 400);
export const TooManyTags = errorType('TooManyTagsException', 400);
export const LimitExceeded = errorType('LimitExceededException', 400);
export const UnknownOperation = errorType('UnknownOperationException', 400);
export const Serialization = errorType('SerializationException', 400);

export const MSG = {
  groupMissing: 'The specified log group does not exist.',
  streamMissing: 'The specified log stream does not exist.',
  groupExists: 'The specified log group already exists',
  streamExists: 'The specified log stream already exists',
  badToken: 'The specified nextToken is invalid.',
} as const;

/** Every name above, for the catalog test against @aws-sdk/client-cloudwatch-logs. */
export const CATALOG = [ResourceNotFound, ResourceAlreadyExists, InvalidParameter, TooManyTags, LimitExceeded];

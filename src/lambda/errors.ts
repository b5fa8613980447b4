// Lambda's error catalog: names and statuses as the Lambda API returns them. Lambda error bodies
// carry `Type: "User"` beside the message, which @aws-sdk/client-lambda exposes as `Type`.
import { errorType } from '../protocol/errors.js';

const user = { fields: { Type: 'User' } };

export const ResourceNotFound = errorType('ResourceNotFoundException', 404, user);
export const ResourceConflict = errorType('ResourceConflictException', 409, user);
export const ProvisionedConcurrencyConfigNotFound = errorType('ProvisionedConcurrencyConfigNotFoundException', 404, user);
export const InvalidParameterValue = errorType('InvalidParameterValueException', 400, user);
// AWS's front end answers these two without the `Type` member (recorded).
export const Validation = errorType('ValidationException', 400);
export const PreconditionFailed = errorType('PreconditionFailedException', 412, user);
export const RequestTooLarge = errorType('RequestTooLargeException', 413, user);
export const RequestEntityTooLarge = errorType('RequestEntityTooLargeException', 413);
export const TooManyRequests = errorType('TooManyRequestsException', 429, user);
export const InvalidRequestContent = errorType('InvalidRequestContentException', 400, user);
export const CodeStorageExceeded = errorType('CodeStorageExceededException', 400, user);
export const InvalidZipFile = errorType('InvalidZipFileException', 502, user);
export const UnsupportedMediaType = errorType('UnsupportedMediaTypeException', 415, user);
export const ServiceUnavailable = errorType('ServiceException', 500, { fields: { Type: 'Service' } });

/**
 * Errors Lambda's front end sends that the service model (and so @aws-sdk/client-lambda) does not
 * declare: constraint violations and oversized uploads. Clients still see these names.
 */
export const UNMODELED_ERROR_NAMES = ['ValidationException', 'RequestEntityTooLargeException'];

/** Every error name this catalog can produce (checked against @aws-sdk/client-lambda in a test). */
export const LAMBDA_ERROR_NAMES = [
  ResourceNotFound,
  ResourceConflict,
  ProvisionedConcurrencyConfigNotFound,
  InvalidParameterValue,
  Validation,
  PreconditionFailed,
  RequestTooLarge,
  RequestEntityTooLarge,
  TooManyRequests,
  InvalidRequestContent,
  CodeStorageExceeded,
  InvalidZipFile,
  UnsupportedMediaType,
  ServiceUnavailable,
].map((e) => e.errorName);

/** `1 validation error detected: Value 'x' at 'field' failed to satisfy constraint: …` */
export function constraintViolation(value: unknown, field: string, constraint: string) {
  return constraintViolations([{ value, field, constraint }]);
}

/** Several violations in one answer, as AWS's front end reports them: `2 validation errors detected: …; …`. */
export function constraintViolations(violations: readonly { value: unknown; field: string; constraint: string }[]) {
  const n = violations.length;
  const parts = violations.map((v) => `Value '${String(v.value)}' at '${v.field}' failed to satisfy constraint: ${v.constraint}`);
  return Validation(`${n} validation error${n === 1 ? '' : 's'} detected: ${parts.join('; ')}`);
}

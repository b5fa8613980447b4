// The console's error catalog. Its JSON API speaks rest-json errors (x-amzn-ErrorType header and a
// `{message}` body), like Lambda and API Gateway, so the browser reads every failure one way.
import { errorType } from '../protocol/errors.js';

export const BadRequest = errorType('BadRequestException', 400);
export const NotFound = errorType('NotFoundException', 404);
export const MethodNotAllowed = errorType('MethodNotAllowedException', 405);
export const Unavailable = errorType('ServiceUnavailableException', 503);

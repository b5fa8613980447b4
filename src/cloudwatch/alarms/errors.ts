// Errors only the alarm operations throw. Like the metrics catalog (../metrics/errors.ts), the JSON
// body names the Smithy shape (`ResourceNotFound`, `LimitExceededFault`, `InvalidFormatFault`) and
// `x-amzn-query-error` carries the query code (`ResourceNotFound`, `LimitExceeded`,
// `InvalidFormat`), which the XML renderer in ../metrics/api.ts reads back.
import { ServiceError } from '../../protocol/errors.js';

function alarmError(name: string, queryCode: string, status: number) {
  return (message: string) =>
    new ServiceError(name, status, message, { headers: { 'x-amzn-query-error': `${queryCode};Sender` } });
}

export const ResourceNotFound = alarmError('ResourceNotFound', 'ResourceNotFound', 404);
export const LimitExceededFault = alarmError('LimitExceededFault', 'LimitExceeded', 400);
export const InvalidFormatFault = alarmError('InvalidFormatFault', 'InvalidFormat', 400);
/** The tagging operations' not-found error (a different shape from ResourceNotFound). */
export const ResourceNotFoundException = alarmError('ResourceNotFoundException', 'ResourceNotFoundException', 404);
export { InvalidParameterValue, InvalidParameterCombination, MissingParameter, InvalidNextToken } from '../metrics/errors.js';

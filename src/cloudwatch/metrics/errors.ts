// CloudWatch (metrics) error catalog. CloudWatch is an awsQuery service that also speaks JSON 1.0 in
// "query-compatible" mode: the JSON body names the Smithy shape (`InvalidParameterValueException`)
// while the `x-amzn-query-error: <code>;<Sender|Receiver>` header carries the old query code
// (`InvalidParameterValue`), which botocore shows users. The XML (query) renderer uses the code.
import { ServiceError } from '../../protocol/errors.js';

export interface MetricsErrorType {
  (message: string): ServiceError;
  readonly errorName: string;
  readonly queryCode: string;
  readonly status: number;
}

function metricsError(name: string, queryCode: string, status: number): MetricsErrorType {
  const fault = status >= 500 ? 'Receiver' : 'Sender';
  const make = (message: string) =>
    new ServiceError(name, status, message, { headers: { 'x-amzn-query-error': `${queryCode};${fault}` } });
  return Object.assign(make, { errorName: name, queryCode, status });
}

export const InvalidParameterValue = metricsError('InvalidParameterValueException', 'InvalidParameterValue', 400);
export const MissingParameter = metricsError('MissingRequiredParameterException', 'MissingParameter', 400);
export const InvalidParameterCombination = metricsError('InvalidParameterCombinationException', 'InvalidParameterCombination', 400);
export const InvalidNextToken = metricsError('InvalidNextToken', 'InvalidNextToken', 400);
export const LimitExceeded = metricsError('LimitExceededException', 'LimitExceededException', 400);
export const InternalServiceFault = metricsError('InternalServiceFault', 'InternalServiceError', 500);

export const CATALOG: readonly MetricsErrorType[] = [
  InvalidParameterValue,
  MissingParameter,
  InvalidParameterCombination,
  InvalidNextToken,
  LimitExceeded,
  InternalServiceFault,
];

/** The query code for a thrown error's name (for XML error bodies). */
export function queryCodeOf(name: string): string {
  return CATALOG.find((e) => e.errorName === name)?.queryCode ?? name;
}

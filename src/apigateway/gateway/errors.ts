// Data-plane failures, named by AWS gateway response type. Each carries the status and message AWS
// uses when the API has not customised that gateway response; `responses.ts` renders them through
// the deployment's effective gateway responses.
import type { GatewayResponseType } from '../core/model.js';

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    readonly responseType: GatewayResponseType,
    readonly statusCode: number,
    /** `$context.error.message`; null renders as `{"message": null}` (AWS does so for authorizer failures). */
    readonly errorMessage: string | null,
    /** `x-amzn-ErrorType` header AWS sends with this failure. */
    readonly errorType?: string,
    readonly validationErrorString?: string,
  ) {
    super(errorMessage ?? responseType);
  }
}

export const missingAuthenticationToken = () =>
  new GatewayError('MISSING_AUTHENTICATION_TOKEN', 403, 'Missing Authentication Token', 'MissingAuthenticationTokenException');

/** An unknown stage (or API) answers 403 Forbidden, as AWS does for a wrong stage name. */
export const forbidden = () => new GatewayError('DEFAULT_4XX', 403, 'Forbidden', 'ForbiddenException');

export const invalidApiKey = () => new GatewayError('INVALID_API_KEY', 403, 'Forbidden', 'ForbiddenException');

export const throttled = () => new GatewayError('THROTTLED', 429, 'Too Many Requests', 'TooManyRequestsException');

export const quotaExceeded = () => new GatewayError('QUOTA_EXCEEDED', 429, 'Limit Exceeded', 'LimitExceededException');

export const unauthorized = () => new GatewayError('UNAUTHORIZED', 401, 'Unauthorized', 'UnauthorizedException');

export const explicitDeny = () =>
  new GatewayError(
    'ACCESS_DENIED',
    403,
    'User is not authorized to access this resource with an explicit deny',
    'AccessDeniedException',
  );

export const notAllowed = () =>
  new GatewayError('ACCESS_DENIED', 403, 'User is not authorized to access this resource', 'AccessDeniedException');

export const authorizerConfigurationError = () =>
  new GatewayError('AUTHORIZER_CONFIGURATION_ERROR', 500, null, 'AuthorizerConfigurationException');

export const authorizerFailure = () =>
  new GatewayError('AUTHORIZER_FAILURE', 500, null, 'AuthorizerFailureException');

export const invalidRequestBody = (validationErrorString?: string) =>
  new GatewayError('BAD_REQUEST_BODY', 400, 'Invalid request body', 'BadRequestException', validationErrorString);

export const missingParameters = (names: readonly string[]) =>
  new GatewayError(
    'BAD_REQUEST_PARAMETERS',
    400,
    `Missing required request parameters: [${names.join(', ')}]`,
    'BadRequestException',
  );

export const unsupportedMediaType = () =>
  new GatewayError('UNSUPPORTED_MEDIA_TYPE', 415, 'Unsupported Media Type', 'UnsupportedMediaTypeException');

export const integrationTimeout = () =>
  new GatewayError('INTEGRATION_TIMEOUT', 504, 'Endpoint request timed out', undefined);

/** A Lambda proxy function failed or answered something that is not the proxy response contract. */
export const badProxyResponse = () => new GatewayError('DEFAULT_5XX', 502, 'Internal server error', undefined);

/** The back end could not be reached (connection refused, DNS…). */
export const integrationFailure = () => new GatewayError('INTEGRATION_FAILURE', 500, 'Internal server error', undefined);

/** The API's own configuration is unusable (bad template, no matching integration response…). */
export const configurationError = () =>
  new GatewayError('API_CONFIGURATION_ERROR', 500, 'Internal server error', undefined);

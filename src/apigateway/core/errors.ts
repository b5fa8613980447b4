// API Gateway's error catalog: names, statuses and the message builders AWS uses, so every
// client parses them into the matching exception class of @aws-sdk/client-api-gateway.
import { errorType } from '../../protocol/errors.js';

export const NotFound = errorType('NotFoundException', 404);
export const BadRequest = errorType('BadRequestException', 400);
export const Conflict = errorType('ConflictException', 409);
export const LimitExceeded = errorType('LimitExceededException', 429);
export const TooManyRequests = errorType('TooManyRequestsException', 429);
export const Unauthorized = errorType('UnauthorizedException', 401);
/** AWS's front-end input validation (enum members, patch verbs): a 400 outside the service's model. */
export const Validation = errorType('ValidationException', 400);

/** The exceptions AWS's service model declares (ValidationException is sent but not modelled: SDKs surface it generically). */
export const ALL_ERRORS = [NotFound, BadRequest, Conflict, LimitExceeded, TooManyRequests, Unauthorized];

/** AWS names the account and id in an unknown-API message: `Invalid API identifier specified 000000000000:abc`. */
export const apiNotFound = (accountId: string, apiId: string) =>
  NotFound(`Invalid API identifier specified ${accountId}:${apiId}`);
export const resourceNotFound = () => NotFound('Invalid Resource identifier specified');
export const methodNotFound = () => NotFound('Invalid Method identifier specified');
export const integrationNotFound = () => NotFound('Invalid Integration identifier specified');
export const responseNotFound = () => NotFound('Invalid Response status code specified');
export const modelNotFound = (name: string) => NotFound(`Invalid model name specified: ${name}`);
export const validatorNotFound = () => NotFound('Invalid Request Validator identifier specified');
export const authorizerNotFound = () => NotFound('Invalid Authorizer identifier specified');
export const deploymentNotFound = () => NotFound('Invalid Deployment identifier specified');
export const stageNotFound = () => NotFound('Invalid stage identifier specified');
export const apiKeyNotFound = () => NotFound('Invalid API Key identifier specified');
export const usagePlanNotFound = (_id: string) => NotFound('Invalid Usage Plan ID specified');
export const usagePlanKeyNotFound = () => NotFound('Invalid Usage Plan Key identifier specified');
export const gatewayResponseNotFound = () => NotFound('Invalid Gateway Response identifier specified');
export const concurrentModification = () => Conflict('Unable to complete operation due to concurrent modification. Please try again later.');

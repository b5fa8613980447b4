// API Gateway v2's error catalog. Names and statuses are those of @aws-sdk/client-apigatewayv2's
// exception classes; NotFoundException carries `resourceType` as AWS's does.
import { errorType } from '../../protocol/errors.js';

export const NotFound = errorType('NotFoundException', 404);
export const BadRequest = errorType('BadRequestException', 400);
export const Conflict = errorType('ConflictException', 409);
export const TooManyRequests = errorType('TooManyRequestsException', 429);

export const ALL_ERRORS = [NotFound, BadRequest, Conflict, TooManyRequests];

export type ResourceType = 'Api' | 'Route' | 'Integration' | 'Authorizer' | 'Stage' | 'Deployment' | 'RouteResponse';

/** AWS: `Invalid API identifier specified 000000000000:abc1234567`. */
export const notFound = (type: ResourceType, accountId: string, id: string) => {
  const label = type === 'Api' ? 'API' : type;
  return NotFound(`Invalid ${label} identifier specified ${accountId}:${id}`, { fields: { resourceType: type } });
};

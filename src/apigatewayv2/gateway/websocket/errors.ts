// The @connections management API's error catalog (`apigatewaymanagementapi`): names and statuses of
// @aws-sdk/client-apigatewaymanagementapi's exception classes.
import { errorType } from '../../../protocol/errors.js';

/** The connection is unknown, closed, or another API's. */
export const Gone = errorType('GoneException', 410);
export const PayloadTooLarge = errorType('PayloadTooLargeException', 413);
export const Forbidden = errorType('ForbiddenException', 403);

export const ALL_ERRORS = [Gone, PayloadTooLarge, Forbidden];

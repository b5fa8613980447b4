// AWS's default gateway responses (status per type, `{"message":$context.error.messageString}`
// template) and the effective response of each type once the user's Put responses apply:
// an un-customised type inherits DEFAULT_4XX/DEFAULT_5XX's parameters and templates.
import type { GatewayResponse, GatewayResponseType } from './model.js';

export const DEFAULT_STATUS: Readonly<Record<GatewayResponseType, string | undefined>> = {
  DEFAULT_4XX: undefined,
  DEFAULT_5XX: undefined,
  ACCESS_DENIED: '403',
  API_CONFIGURATION_ERROR: '500',
  AUTHORIZER_CONFIGURATION_ERROR: '500',
  AUTHORIZER_FAILURE: '500',
  BAD_REQUEST_PARAMETERS: '400',
  BAD_REQUEST_BODY: '400',
  EXPIRED_TOKEN: '403',
  INTEGRATION_FAILURE: '504',
  INTEGRATION_TIMEOUT: '504',
  INVALID_API_KEY: '403',
  INVALID_SIGNATURE: '403',
  MISSING_AUTHENTICATION_TOKEN: '403',
  QUOTA_EXCEEDED: '429',
  REQUEST_TOO_LARGE: '413',
  RESOURCE_NOT_FOUND: '404',
  THROTTLED: '429',
  UNAUTHORIZED: '401',
  UNSUPPORTED_MEDIA_TYPE: '415',
  WAF_FILTERED: '403',
};

export const GATEWAY_RESPONSE_TYPES = Object.keys(DEFAULT_STATUS) as GatewayResponseType[];

/** The order AWS lists the types in its enum validation message (recorded). */
export const GATEWAY_RESPONSE_TYPES_AS_LISTED: readonly GatewayResponseType[] = [
  'REQUEST_TOO_LARGE', 'RESOURCE_NOT_FOUND', 'AUTHORIZER_CONFIGURATION_ERROR', 'MISSING_AUTHENTICATION_TOKEN', 'BAD_REQUEST_BODY',
  'INVALID_SIGNATURE', 'INVALID_API_KEY', 'BAD_REQUEST_PARAMETERS', 'AUTHORIZER_FAILURE', 'UNAUTHORIZED', 'INTEGRATION_TIMEOUT',
  'ACCESS_DENIED', 'DEFAULT_4XX', 'DEFAULT_5XX', 'WAF_FILTERED', 'QUOTA_EXCEEDED', 'THROTTLED', 'API_CONFIGURATION_ERROR',
  'UNSUPPORTED_MEDIA_TYPE', 'INTEGRATION_FAILURE', 'EXPIRED_TOKEN',
];

export const DEFAULT_TEMPLATES: Readonly<Record<string, string>> = { 'application/json': '{"message":$context.error.messageString}' };

export function defaultGatewayResponse(type: GatewayResponseType): GatewayResponse {
  const statusCode = DEFAULT_STATUS[type];
  return {
    responseType: type,
    ...(statusCode ? { statusCode } : {}),
    responseParameters: {},
    responseTemplates: DEFAULT_TEMPLATES,
    defaultResponse: true,
  };
}

/** The family default a type falls back to. */
function familyOf(type: GatewayResponseType): GatewayResponseType | undefined {
  if (type === 'DEFAULT_4XX' || type === 'DEFAULT_5XX') return undefined;
  const status = Number(DEFAULT_STATUS[type] ?? 0);
  return status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX';
}

/** All types → what the data plane should send, given the user's Put responses. */
export function effectiveGatewayResponses(
  custom: ReadonlyMap<string, GatewayResponse>,
): Record<GatewayResponseType, GatewayResponse> {
  const out = {} as Record<GatewayResponseType, GatewayResponse>;
  for (const type of GATEWAY_RESPONSE_TYPES) {
    const own = custom.get(type);
    if (own) {
      out[type] = own;
      continue;
    }
    const family = familyOf(type);
    const inherited = family ? custom.get(family) : undefined;
    const base = defaultGatewayResponse(type);
    // The family default's status code is inherited too (recorded: DEFAULT_5XX at 599 shows every
    // un-customised 5xx type at 599).
    out[type] = inherited
      ? {
          ...base,
          ...(inherited.statusCode ? { statusCode: inherited.statusCode } : {}),
          responseParameters: inherited.responseParameters,
          responseTemplates: inherited.responseTemplates,
        }
      : base;
  }
  return out;
}

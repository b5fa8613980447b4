// AWS's default API Gateway quotas (per account and region unless noted), enforced on create,
// with the messages and error types AWS answers when one is reached.
import { BadRequest, LimitExceeded } from './errors.js';
import type { EndpointType } from './model.js';

export const LIMITS = {
  regionalApis: 600,
  edgeApis: 120,
  resourcesPerApi: 300,
  stagesPerApi: 10,
  authorizersPerApi: 10,
  usagePlans: 300,
  apiKeys: 10_000,
} as const;

const reached = (what: string) => `Maximum number of ${what} for this API has been reached.  Please contact AWS if you need additional ${what}.`;

/** AWS reports too many APIs as a BadRequestException. */
export function checkApiCount(apis: Iterable<{ api: { endpointConfiguration: { types: readonly EndpointType[] } } }>, type: EndpointType): void {
  let edge = 0;
  let regional = 0;
  for (const a of apis) {
    if (a.api.endpointConfiguration.types[0] === 'EDGE') edge++;
    else regional++;
  }
  if (type === 'EDGE' ? edge >= LIMITS.edgeApis : regional >= LIMITS.regionalApis) {
    throw BadRequest('Maximum number of APIs has been reached.  Please contact AWS if you need additional APIs.');
  }
}

export function checkCount(count: number, limit: number, what: string): void {
  if (count >= limit) throw LimitExceeded(reached(what));
}

export function checkAccountCount(count: number, limit: number, what: string): void {
  if (count >= limit) throw LimitExceeded(`Maximum number of ${what} has been reached.  Please contact AWS if you need additional ${what}.`);
}

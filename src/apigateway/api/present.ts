// How the control plane's answers leave out members. AWS omits empty maps and lists from most
// answers (recorded: no `requestParameters: {}` on a Method, no `binaryMediaTypes: []` on a
// RestApi); the core keeps them as plain empty values because the data plane reads them.
import type { Integration, IntegrationResponse, Method, Resource, RestApi, Stage } from '../core/model.js';

const isEmpty = (v: unknown) =>
  v === undefined || (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && v !== null && Object.keys(v).length === 0);

/** A copy of `o` without the named members that are empty. */
function withoutEmpty<T extends object>(o: T, keys: readonly (keyof T)[]): Partial<T> {
  if (keys.every((k) => !isEmpty(o[k]))) return o;
  const out: Partial<T> = { ...o };
  for (const k of keys) if (isEmpty(o[k])) delete out[k];
  return out;
}

export const presentApi = (api: RestApi): unknown => withoutEmpty(api, ['binaryMediaTypes']);

export const presentIntegrationResponse = (r: IntegrationResponse): unknown => withoutEmpty(r, ['responseParameters', 'responseTemplates']);

/** `cacheKeyParameters` stays even when empty (recorded `[]`). */
export function presentIntegration(i: Integration): unknown {
  const out = withoutEmpty(i, ['requestParameters', 'requestTemplates', 'integrationResponses']);
  if (isEmpty(i.integrationResponses)) return out;
  return { ...out, integrationResponses: Object.fromEntries(Object.entries(i.integrationResponses).map(([k, r]) => [k, presentIntegrationResponse(r)])) };
}

export function presentMethod(m: Method): unknown {
  const out = withoutEmpty(m, ['requestParameters', 'requestModels', 'methodResponses']);
  return m.methodIntegration ? { ...out, methodIntegration: presentIntegration(m.methodIntegration) } : out;
}

/**
 * Usage plans and API keys: a Create or a list leaves an empty `tags` out, while Get and Update
 * answer `tags: {}` (recorded).
 */
export const withoutEmptyTags = <T extends { tags?: unknown }>(o: T): Partial<T> => withoutEmpty(o, ['tags']);

/** `methodSettings: {}` stays (recorded); empty variables, tags and canary overrides do not. */
export function presentStage(s: Stage): unknown {
  const out = withoutEmpty(s, ['variables', 'tags']);
  if (!s.canarySettings) return out;
  return { ...out, canarySettings: withoutEmpty(s.canarySettings, ['stageVariableOverrides']) };
}

/** GetResource(s) list method verbs only unless `embed=methods` asks for the full methods. */
export function presentResource(r: Resource, embedMethods: boolean): unknown {
  const verbs = Object.keys(r.resourceMethods);
  const { resourceMethods, ...rest } = r;
  if (verbs.length === 0) return rest;
  return { ...rest, resourceMethods: Object.fromEntries(verbs.map((v) => [v, embedMethods ? presentMethod(resourceMethods[v]!) : {}])) };
}

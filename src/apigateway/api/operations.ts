// The control plane's operation table: `METHOD /uri-template` → parse the request, call the
// core, shape the reply. No business rules live here (those are in ../core).
import * as apis from '../core/restapis.js';
import * as res from '../core/resources.js';
import * as defs from '../core/definitions.js';
import * as deps from '../core/deployments.js';
import * as keys from '../core/keys.js';
import { importApiKeys } from '../core/import-keys.js';
import { BadRequest } from '../core/errors.js';
import { Input } from '../core/input.js';
import type { Scope, UsageMeter } from '../core/model.js';
import { parsePatchOps, patchVerbViolations, validationFailure } from '../core/patch.js';
import { presentApi, presentIntegration, presentIntegrationResponse, presentMethod, presentResource, presentStage, withoutEmptyTags } from './present.js';
import type { ApiGatewayState } from '../core/state.js';
import { exportRestApi } from '../openapi/export.js';
import { importRestApi, putRestApi } from '../openapi/import.js';
import { Router } from './router.js';

export interface Call {
  readonly scope: Scope;
  /** The operation's AWS name (its input shape names validation messages). */
  readonly operation: string;
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  readonly headers: Record<string, string | string[] | undefined>;
  /** Raw request body (ImportRestApi / PutRestApi take a definition file). */
  readonly raw: Buffer;
  /** Parsed JSON body (empty object when there is none). */
  readonly body: Record<string, unknown>;
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  /** A non-JSON body (GetExport). */
  readonly payload?: { data: Buffer; contentType: string; headers?: Record<string, string> };
}

export interface OperationContext {
  readonly state: ApiGatewayState;
  meter(): UsageMeter | undefined;
}

type Handler = (ctx: OperationContext, call: Call) => Reply;

const ok = (body: unknown): Reply => ({ status: 200, body });
const created = (body: unknown): Reply => ({ status: 201, body });
const accepted: Reply = { status: 202 };
const noContent: Reply = { status: 204 };

const shapeName = (op: string) => op[0]!.toLowerCase() + op.slice(1) + 'Input';
const input = (op: string, call: Call) => new Input(call.body, shapeName(op));
const patch = (call: Call) => parsePatchOps(call.body.patchOperations, shapeName(call.operation));

function limitOf(call: Call): number | undefined {
  const raw = call.query.get('limit');
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw)) throw BadRequest(`Invalid limit specified: ${raw}`);
  return Number(raw);
}

const position = (call: Call) => call.query.get('position') ?? undefined;
const flag = (call: Call, name: string) => (call.query.get(name) ?? '').toLowerCase() === 'true';

const embeds = (call: Call) => new Set(call.query.getAll('embed').flatMap((e) => e.split(',')));

const P = (c: Call, name: string) => c.params[name]!;

/** A status code in the path must look like one (`[1-5]\d\d`), checked with the patch verbs. */
const STATUS_CODE = /^[1-5]\d\d$/;

/**
 * AWS's front end validates the request against the service model before the service sees it,
 * and reports every violation at once (recorded: bad patch verbs, then a bad status code).
 */
function frontEnd(call: Call): void {
  const violations = patchVerbViolations(call.body.patchOperations, shapeName(call.operation));
  const code = call.params.statusCode;
  if (code !== undefined && !STATUS_CODE.test(code)) {
    violations.push(`Value '${code}' at 'statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [1-5]\\d\\d`);
  }
  if (violations.length) throw validationFailure(violations);
}

export function buildRouter(): Router<Handler> {
  const router = new Router<Handler>();
  const r = {
    add(method: string, template: string, name: string, handler: Handler) {
      router.add(method, template, name, (x, c) => {
        frontEnd(c);
        return handler(x, c);
      });
    },
  };
  const base = '/restapis/{restApiId}';
  const method = `${base}/resources/{resourceId}/methods/{httpMethod}`;

  // RestApis
  r.add('POST', '/restapis', 'CreateRestApi', (x, c) => {
    if (c.query.get('mode') === 'import') {
      return created(presentApi(importRestApi(x.state, c.scope, c.raw, { failOnWarnings: flag(c, 'failonwarnings'), parameters: c.query })));
    }
    return created(presentApi(apis.createRestApi(x.state, c.scope, input('CreateRestApi', c))));
  });
  r.add('GET', '/restapis', 'GetRestApis', (x, c) => {
    const page = apis.listRestApis(x.state, c.scope, position(c), limitOf(c));
    return ok({ ...page, item: page.item.map(presentApi) });
  });
  r.add('GET', base, 'GetRestApi', (x, c) => ok(presentApi(apis.getRestApi(x.state, c.scope, P(c, 'restApiId')))));
  r.add('PATCH', base, 'UpdateRestApi', (x, c) => ok(presentApi(apis.updateRestApi(x.state, c.scope, P(c, 'restApiId'), patch(c)))));
  r.add('PUT', base, 'PutRestApi', (x, c) => {
    const mode = c.query.get('mode') ?? 'merge';
    if (mode !== 'merge' && mode !== 'overwrite') throw BadRequest(`Invalid mode specified: ${mode}. Must be one of: merge, overwrite`);
    return ok(presentApi(putRestApi(x.state, c.scope, P(c, 'restApiId'), c.raw, { mode, failOnWarnings: flag(c, 'failonwarnings'), parameters: c.query })));
  });
  r.add('DELETE', base, 'DeleteRestApi', (x, c) => (apis.deleteRestApi(x.state, c.scope, P(c, 'restApiId')), accepted));

  // Resources
  r.add('GET', `${base}/resources`, 'GetResources', (x, c) => {
    const page = res.listResources(x.state, c.scope, P(c, 'restApiId'), position(c), limitOf(c));
    const embed = embeds(c).has('methods');
    return ok({ ...page, item: page.item.map((i) => presentResource(i, embed)) });
  });
  r.add('GET', `${base}/resources/{resourceId}`, 'GetResource', (x, c) =>
    ok(presentResource(res.getResource(x.state, c.scope, P(c, 'restApiId'), P(c, 'resourceId')), embeds(c).has('methods'))),
  );
  r.add('POST', `${base}/resources/{parentId}`, 'CreateResource', (x, c) =>
    created(presentResource(res.createResource(x.state, c.scope, P(c, 'restApiId'), P(c, 'parentId'), input('CreateResource', c)), false)),
  );
  r.add('PATCH', `${base}/resources/{resourceId}`, 'UpdateResource', (x, c) =>
    ok(presentResource(res.updateResource(x.state, c.scope, P(c, 'restApiId'), P(c, 'resourceId'), patch(c)), false)),
  );
  r.add('DELETE', `${base}/resources/{resourceId}`, 'DeleteResource', (x, c) => (res.deleteResource(x.state, c.scope, P(c, 'restApiId'), P(c, 'resourceId')), accepted));

  // Methods
  const m = (c: Call) => [P(c, 'restApiId'), P(c, 'resourceId'), P(c, 'httpMethod')] as const;
  r.add('PUT', method, 'PutMethod', (x, c) => created(presentMethod(res.putMethod(x.state, c.scope, ...m(c), input('PutMethod', c)))));
  r.add('GET', method, 'GetMethod', (x, c) => ok(presentMethod(res.getMethod(x.state, c.scope, ...m(c)))));
  r.add('PATCH', method, 'UpdateMethod', (x, c) => ok(presentMethod(res.updateMethod(x.state, c.scope, ...m(c), patch(c)))));
  r.add('DELETE', method, 'DeleteMethod', (x, c) => (res.deleteMethod(x.state, c.scope, ...m(c)), noContent));

  // Method responses (UpdateMethodResponse answers 201, as the AWS model says)
  const mr = `${method}/responses/{statusCode}`;
  r.add('PUT', mr, 'PutMethodResponse', (x, c) => created(res.putMethodResponse(x.state, c.scope, ...m(c), P(c, 'statusCode'), input('PutMethodResponse', c))));
  r.add('GET', mr, 'GetMethodResponse', (x, c) => ok(res.getMethodResponse(x.state, c.scope, ...m(c), P(c, 'statusCode'))));
  r.add('PATCH', mr, 'UpdateMethodResponse', (x, c) => created(res.updateMethodResponse(x.state, c.scope, ...m(c), P(c, 'statusCode'), patch(c))));
  r.add('DELETE', mr, 'DeleteMethodResponse', (x, c) => (res.deleteMethodResponse(x.state, c.scope, ...m(c), P(c, 'statusCode')), noContent));

  // Integrations
  const integ = `${method}/integration`;
  r.add('PUT', integ, 'PutIntegration', (x, c) => created(presentIntegration(res.putIntegration(x.state, c.scope, ...m(c), input('PutIntegration', c)))));
  r.add('GET', integ, 'GetIntegration', (x, c) => ok(presentIntegration(res.getIntegration(x.state, c.scope, ...m(c)))));
  r.add('PATCH', integ, 'UpdateIntegration', (x, c) => ok(presentIntegration(res.updateIntegration(x.state, c.scope, ...m(c), patch(c)))));
  r.add('DELETE', integ, 'DeleteIntegration', (x, c) => (res.deleteIntegration(x.state, c.scope, ...m(c)), noContent));

  const ir = `${integ}/responses/{statusCode}`;
  r.add('PUT', ir, 'PutIntegrationResponse', (x, c) =>
    created(presentIntegrationResponse(res.putIntegrationResponse(x.state, c.scope, ...m(c), P(c, 'statusCode'), input('PutIntegrationResponse', c)))),
  );
  r.add('GET', ir, 'GetIntegrationResponse', (x, c) => ok(presentIntegrationResponse(res.getIntegrationResponse(x.state, c.scope, ...m(c), P(c, 'statusCode')))));
  r.add('PATCH', ir, 'UpdateIntegrationResponse', (x, c) =>
    ok(presentIntegrationResponse(res.updateIntegrationResponse(x.state, c.scope, ...m(c), P(c, 'statusCode'), patch(c)))),
  );
  r.add('DELETE', ir, 'DeleteIntegrationResponse', (x, c) => (res.deleteIntegrationResponse(x.state, c.scope, ...m(c), P(c, 'statusCode')), noContent));

  // Models
  r.add('POST', `${base}/models`, 'CreateModel', (x, c) => created(defs.createModel(x.state, c.scope, P(c, 'restApiId'), input('CreateModel', c))));
  r.add('GET', `${base}/models`, 'GetModels', (x, c) => ok(defs.listModels(x.state, c.scope, P(c, 'restApiId'), position(c), limitOf(c))));
  r.add('GET', `${base}/models/{modelName}`, 'GetModel', (x, c) => ok(defs.getModel(x.state, c.scope, P(c, 'restApiId'), P(c, 'modelName'))));
  r.add('GET', `${base}/models/{modelName}/default_template`, 'GetModelTemplate', (x, c) => ok(defs.getModelTemplate(x.state, c.scope, P(c, 'restApiId'), P(c, 'modelName'))));
  r.add('PATCH', `${base}/models/{modelName}`, 'UpdateModel', (x, c) => ok(defs.updateModel(x.state, c.scope, P(c, 'restApiId'), P(c, 'modelName'), patch(c))));
  r.add('DELETE', `${base}/models/{modelName}`, 'DeleteModel', (x, c) => (defs.deleteModel(x.state, c.scope, P(c, 'restApiId'), P(c, 'modelName')), accepted));

  // Request validators
  const rv = `${base}/requestvalidators`;
  r.add('POST', rv, 'CreateRequestValidator', (x, c) => created(defs.createRequestValidator(x.state, c.scope, P(c, 'restApiId'), input('CreateRequestValidator', c))));
  r.add('GET', rv, 'GetRequestValidators', (x, c) => ok(defs.listRequestValidators(x.state, c.scope, P(c, 'restApiId'), position(c), limitOf(c))));
  r.add('GET', `${rv}/{requestValidatorId}`, 'GetRequestValidator', (x, c) => ok(defs.getRequestValidator(x.state, c.scope, P(c, 'restApiId'), P(c, 'requestValidatorId'))));
  r.add('PATCH', `${rv}/{requestValidatorId}`, 'UpdateRequestValidator', (x, c) =>
    ok(defs.updateRequestValidator(x.state, c.scope, P(c, 'restApiId'), P(c, 'requestValidatorId'), patch(c))),
  );
  r.add('DELETE', `${rv}/{requestValidatorId}`, 'DeleteRequestValidator', (x, c) => (defs.deleteRequestValidator(x.state, c.scope, P(c, 'restApiId'), P(c, 'requestValidatorId')), accepted));

  // Authorizers
  const au = `${base}/authorizers`;
  r.add('POST', au, 'CreateAuthorizer', (x, c) => created(defs.createAuthorizer(x.state, c.scope, P(c, 'restApiId'), input('CreateAuthorizer', c))));
  r.add('GET', au, 'GetAuthorizers', (x, c) => ok(defs.listAuthorizers(x.state, c.scope, P(c, 'restApiId'), position(c), limitOf(c))));
  r.add('GET', `${au}/{authorizerId}`, 'GetAuthorizer', (x, c) => ok(defs.getAuthorizer(x.state, c.scope, P(c, 'restApiId'), P(c, 'authorizerId'))));
  r.add('PATCH', `${au}/{authorizerId}`, 'UpdateAuthorizer', (x, c) => ok(defs.updateAuthorizer(x.state, c.scope, P(c, 'restApiId'), P(c, 'authorizerId'), patch(c))));
  r.add('DELETE', `${au}/{authorizerId}`, 'DeleteAuthorizer', (x, c) => (defs.deleteAuthorizer(x.state, c.scope, P(c, 'restApiId'), P(c, 'authorizerId')), accepted));

  // Gateway responses
  const gr = `${base}/gatewayresponses`;
  r.add('GET', gr, 'GetGatewayResponses', (x, c) => ok(defs.listGatewayResponses(x.state, c.scope, P(c, 'restApiId'), position(c), limitOf(c))));
  r.add('PUT', `${gr}/{responseType}`, 'PutGatewayResponse', (x, c) =>
    created(defs.putGatewayResponse(x.state, c.scope, P(c, 'restApiId'), P(c, 'responseType'), input('PutGatewayResponse', c))),
  );
  r.add('GET', `${gr}/{responseType}`, 'GetGatewayResponse', (x, c) => ok(defs.getGatewayResponse(x.state, c.scope, P(c, 'restApiId'), P(c, 'responseType'))));
  r.add('PATCH', `${gr}/{responseType}`, 'UpdateGatewayResponse', (x, c) =>
    ok(defs.updateGatewayResponse(x.state, c.scope, P(c, 'restApiId'), P(c, 'responseType'), patch(c))),
  );
  r.add('DELETE', `${gr}/{responseType}`, 'DeleteGatewayResponse', (x, c) => (defs.deleteGatewayResponse(x.state, c.scope, P(c, 'restApiId'), P(c, 'responseType')), accepted));

  // Deployments
  const dp = `${base}/deployments`;
  r.add('POST', dp, 'CreateDeployment', (x, c) => created(deps.createDeployment(x.state, c.scope, P(c, 'restApiId'), input('CreateDeployment', c))));
  r.add('GET', dp, 'GetDeployments', (x, c) => ok(deps.listDeployments(x.state, c.scope, P(c, 'restApiId'), position(c), limitOf(c))));
  r.add('GET', `${dp}/{deploymentId}`, 'GetDeployment', (x, c) =>
    ok(deps.getDeployment(x.state, c.scope, P(c, 'restApiId'), P(c, 'deploymentId'), embeds(c).has('apisummary'))),
  );
  r.add('PATCH', `${dp}/{deploymentId}`, 'UpdateDeployment', (x, c) => ok(deps.updateDeployment(x.state, c.scope, P(c, 'restApiId'), P(c, 'deploymentId'), patch(c))));
  r.add('DELETE', `${dp}/{deploymentId}`, 'DeleteDeployment', (x, c) => (deps.deleteDeployment(x.state, c.scope, P(c, 'restApiId'), P(c, 'deploymentId')), accepted));

  // Stages
  const st = `${base}/stages`;
  r.add('POST', st, 'CreateStage', (x, c) => created(presentStage(deps.createStage(x.state, c.scope, P(c, 'restApiId'), input('CreateStage', c)))));
  r.add('GET', st, 'GetStages', (x, c) => ok({ item: deps.listStages(x.state, c.scope, P(c, 'restApiId'), c.query.get('deploymentId') ?? undefined).item.map(presentStage) }));
  r.add('GET', `${st}/{stageName}`, 'GetStage', (x, c) => ok(presentStage(deps.getStage(x.state, c.scope, P(c, 'restApiId'), P(c, 'stageName')))));
  r.add('PATCH', `${st}/{stageName}`, 'UpdateStage', (x, c) => ok(presentStage(deps.updateStage(x.state, c.scope, P(c, 'restApiId'), P(c, 'stageName'), patch(c)))));
  r.add('DELETE', `${st}/{stageName}`, 'DeleteStage', (x, c) => (deps.deleteStage(x.state, c.scope, P(c, 'restApiId'), P(c, 'stageName')), accepted));
  r.add('DELETE', `${st}/{stageName}/cache/data`, 'FlushStageCache', (x, c) => (deps.flushStageCache(x.state, c.scope, P(c, 'restApiId'), P(c, 'stageName'), 'data'), accepted));
  r.add('DELETE', `${st}/{stageName}/cache/authorizers`, 'FlushStageAuthorizersCache', (x, c) => (
    deps.flushStageCache(x.state, c.scope, P(c, 'restApiId'), P(c, 'stageName'), 'authorizers'), accepted
  ));
  r.add('GET', `${st}/{stageName}/exports/{exportType}`, 'GetExport', (x, c) => {
    const accept = typeof c.headers.accept === 'string' ? c.headers.accept : undefined;
    const out = exportRestApi(x.state, c.scope, P(c, 'restApiId'), P(c, 'stageName'), P(c, 'exportType'), {
      accept,
      extensions: (c.query.get('extensions') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    });
    return { status: 200, payload: out };
  });

  // API keys
  r.add('POST', '/apikeys', 'CreateApiKey', (x, c) => {
    if (c.query.get('mode') === 'import') return created(importApiKeys(x.state, c.scope, c.raw, c.query.get('format'), flag(c, 'failonwarnings')));
    return created(withoutEmptyTags(keys.createApiKey(x.state, c.scope, input('CreateApiKey', c))));
  });
  r.add('GET', '/apikeys', 'GetApiKeys', (x, c) => {
    const page = keys.listApiKeys(x.state, c.scope, {
      nameQuery: c.query.get('name') ?? undefined,
      customerId: c.query.get('customerId') ?? undefined,
      position: position(c),
      limit: limitOf(c),
    });
    const include = flag(c, 'includeValues');
    return ok({ ...page, item: page.item.map((k) => withoutEmptyTags(keys.presentKey(k, include))) });
  });
  r.add('GET', '/apikeys/{apiKey}', 'GetApiKey', (x, c) => ok(keys.presentKey(keys.getApiKey(x.state, c.scope, P(c, 'apiKey')), flag(c, 'includeValue'))));
  r.add('PATCH', '/apikeys/{apiKey}', 'UpdateApiKey', (x, c) => ok(keys.presentKey(keys.updateApiKey(x.state, c.scope, P(c, 'apiKey'), patch(c)), false)));
  r.add('DELETE', '/apikeys/{apiKey}', 'DeleteApiKey', (x, c) => (keys.deleteApiKey(x.state, c.scope, P(c, 'apiKey')), accepted));

  // Usage plans and their keys
  r.add('POST', '/usageplans', 'CreateUsagePlan', (x, c) => created(withoutEmptyTags(keys.createUsagePlan(x.state, c.scope, input('CreateUsagePlan', c)))));
  r.add('GET', '/usageplans', 'GetUsagePlans', (x, c) => {
    const page = keys.listUsagePlans(x.state, c.scope, { keyId: c.query.get('keyId') ?? undefined, position: position(c), limit: limitOf(c) });
    return ok({ ...page, item: page.item.map(withoutEmptyTags) });
  });
  r.add('GET', '/usageplans/{usagePlanId}', 'GetUsagePlan', (x, c) => ok(keys.getUsagePlan(x.state, c.scope, P(c, 'usagePlanId'))));
  r.add('PATCH', '/usageplans/{usagePlanId}', 'UpdateUsagePlan', (x, c) => ok(keys.updateUsagePlan(x.state, c.scope, P(c, 'usagePlanId'), patch(c))));
  r.add('DELETE', '/usageplans/{usagePlanId}', 'DeleteUsagePlan', (x, c) => (keys.deleteUsagePlan(x.state, c.scope, P(c, 'usagePlanId')), accepted));
  r.add('POST', '/usageplans/{usagePlanId}/keys', 'CreateUsagePlanKey', (x, c) =>
    created(keys.createUsagePlanKey(x.state, c.scope, P(c, 'usagePlanId'), input('CreateUsagePlanKey', c))),
  );
  r.add('GET', '/usageplans/{usagePlanId}/keys', 'GetUsagePlanKeys', (x, c) =>
    ok(keys.listUsagePlanKeys(x.state, c.scope, P(c, 'usagePlanId'), { nameQuery: c.query.get('name') ?? undefined, position: position(c), limit: limitOf(c) })),
  );
  r.add('GET', '/usageplans/{usagePlanId}/keys/{keyId}', 'GetUsagePlanKey', (x, c) => ok(keys.getUsagePlanKey(x.state, c.scope, P(c, 'usagePlanId'), P(c, 'keyId'))));
  r.add('DELETE', '/usageplans/{usagePlanId}/keys/{keyId}', 'DeleteUsagePlanKey', (x, c) => (keys.deleteUsagePlanKey(x.state, c.scope, P(c, 'usagePlanId'), P(c, 'keyId')), accepted));
  r.add('GET', '/usageplans/{usagePlanId}/usage', 'GetUsage', (x, c) => {
    const startDate = c.query.get('startDate');
    const endDate = c.query.get('endDate');
    if (!startDate || !endDate) throw BadRequest('Both startDate and endDate must be specified');
    return ok(keys.getUsage(x.state, c.scope, x.meter(), P(c, 'usagePlanId'), { startDate, endDate, keyId: c.query.get('keyId') ?? undefined }));
  });
  r.add('PATCH', '/usageplans/{usagePlanId}/keys/{keyId}/usage', 'UpdateUsage', (x, c) =>
    ok(keys.updateUsage(x.state, c.scope, x.meter(), P(c, 'usagePlanId'), P(c, 'keyId'), patch(c))),
  );

  // Account
  r.add('GET', '/account', 'GetAccount', (x, c) => ok(keys.getAccount(x.state, c.scope)));
  r.add('PATCH', '/account', 'UpdateAccount', (x, c) => ok(keys.updateAccount(x.state, c.scope, patch(c))));

  // Tags
  r.add('GET', '/tags/{resourceArn}', 'GetTags', (x, c) => ok({ tags: apis.getTags(x.state, c.scope, P(c, 'resourceArn')) }));
  r.add('PUT', '/tags/{resourceArn}', 'TagResource', (x, c) => {
    const tags = input('TagResource', c).strMap('tags');
    if (!tags) throw BadRequest("1 validation error detected: Value null at 'tagResourceInput.tags' failed to satisfy constraint: Member must not be null");
    apis.tagResource(x.state, c.scope, P(c, 'resourceArn'), tags);
    return noContent;
  });
  r.add('DELETE', '/tags/{resourceArn}', 'UntagResource', (x, c) => {
    const tagKeys = c.query.getAll('tagKeys').flatMap((k) => k.split(','));
    apis.untagResource(x.state, c.scope, P(c, 'resourceArn'), tagKeys);
    return noContent;
  });
  return router;
}

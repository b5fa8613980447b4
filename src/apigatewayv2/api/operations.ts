// The apigatewayv2 operation table (HTTP APIs): `METHOD /v2/uri-template` → read the input, call
// the core, shape the reply. No business rules here; those live in ../core.
import { Input, Router } from '../../apigateway/index.js';
import * as apis from '../core/apis.js';
import * as authorizers from '../core/authorizers.js';
import type { CoreContext } from '../core/context.js';
import * as deployments from '../core/deployments.js';
import { BadRequest } from '../core/errors.js';
import * as integrations from '../core/integrations.js';
import { exportApi } from '../core/openapi-export.js';
import { importApi, reimportApi } from '../core/openapi-import.js';
import * as routes from '../core/routes.js';
import * as routeResponses from '../core/route-responses.js';
import * as stages from '../core/stages.js';

export interface Call {
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  /** Parsed JSON body (empty object when there is none). */
  readonly body: Record<string, unknown>;
}

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  /** A document sent as it is (ExportApi's blob payload) instead of a JSON body. */
  readonly raw?: { readonly data: Buffer; readonly contentType: string };
}

type Handler = (ctx: CoreContext, call: Call) => Reply;

const ok = (body: unknown): Reply => ({ status: 200, body });
const created = (body: unknown): Reply => ({ status: 201, body });
const noContent: Reply = { status: 204 };

const input = (op: string, call: Call) => new Input(call.body, op[0]!.toLowerCase() + op.slice(1) + 'Input');
const P = (c: Call, name: string) => c.params[name]!;

/** `maxResults` and `nextToken` of the Get* list operations. */
function page(call: Call): [number | undefined, string | undefined] {
  const raw = call.query.get('maxResults');
  if (raw !== null && !/^\d+$/.test(raw)) throw BadRequest(`Invalid maxResults specified: ${raw}`);
  return [raw === null ? undefined : Number(raw), call.query.get('nextToken') ?? undefined];
}

export function buildRouter(): Router<Handler> {
  const r = new Router<Handler>();
  const api = '/v2/apis/{apiId}';
  const id = (c: Call) => P(c, 'apiId');

  r.add('POST', '/v2/apis', 'CreateApi', (x, c) => created(apis.createApi(x, input('CreateApi', c))));
  r.add('GET', '/v2/apis', 'GetApis', (x, c) => ok(apis.getApis(x, ...page(c))));
  r.add('GET', api, 'GetApi', (x, c) => ok(apis.getApi(x, id(c))));
  r.add('PATCH', api, 'UpdateApi', (x, c) => ok(apis.updateApi(x, id(c), input('UpdateApi', c))));
  r.add('DELETE', api, 'DeleteApi', (x, c) => (apis.deleteApi(x, id(c)), noContent));
  r.add('DELETE', `${api}/cors`, 'DeleteCorsConfiguration', (x, c) => (apis.deleteCorsConfiguration(x, id(c)), noContent));
  addOpenApi(r);

  const route = `${api}/routes/{routeId}`;
  r.add('POST', `${api}/routes`, 'CreateRoute', (x, c) => created(routes.createRoute(x, id(c), input('CreateRoute', c))));
  r.add('GET', `${api}/routes`, 'GetRoutes', (x, c) => ok(routes.getRoutes(x, id(c), ...page(c))));
  r.add('GET', route, 'GetRoute', (x, c) => ok(routes.getRoute(x, id(c), P(c, 'routeId'))));
  r.add('PATCH', route, 'UpdateRoute', (x, c) => ok(routes.updateRoute(x, id(c), P(c, 'routeId'), input('UpdateRoute', c))));
  r.add('DELETE', route, 'DeleteRoute', (x, c) => (routes.deleteRoute(x, id(c), P(c, 'routeId')), noContent));

  // WebSocket APIs only: a route's `$default` route response makes it two-way.
  const rr = `${route}/routeresponses/{routeResponseId}`;
  const rId = (c: Call) => P(c, 'routeId');
  const rrId = (c: Call) => P(c, 'routeResponseId');
  r.add('POST', `${route}/routeresponses`, 'CreateRouteResponse', (x, c) => created(routeResponses.createRouteResponse(x, id(c), rId(c), input('CreateRouteResponse', c))));
  r.add('GET', `${route}/routeresponses`, 'GetRouteResponses', (x, c) => ok(routeResponses.getRouteResponses(x, id(c), rId(c), ...page(c))));
  r.add('GET', rr, 'GetRouteResponse', (x, c) => ok(routeResponses.getRouteResponse(x, id(c), rId(c), rrId(c))));
  r.add('PATCH', rr, 'UpdateRouteResponse', (x, c) => ok(routeResponses.updateRouteResponse(x, id(c), rId(c), rrId(c), input('UpdateRouteResponse', c))));
  r.add('DELETE', rr, 'DeleteRouteResponse', (x, c) => (routeResponses.deleteRouteResponse(x, id(c), rId(c), rrId(c)), noContent));

  const integ = `${api}/integrations/{integrationId}`;
  const integId = (c: Call) => P(c, 'integrationId');
  r.add('POST', `${api}/integrations`, 'CreateIntegration', (x, c) => created(integrations.createIntegration(x, id(c), input('CreateIntegration', c))));
  r.add('GET', `${api}/integrations`, 'GetIntegrations', (x, c) => ok(integrations.getIntegrations(x, id(c), ...page(c))));
  r.add('GET', integ, 'GetIntegration', (x, c) => ok(integrations.getIntegration(x, id(c), integId(c))));
  r.add('PATCH', integ, 'UpdateIntegration', (x, c) => ok(integrations.updateIntegration(x, id(c), integId(c), input('UpdateIntegration', c))));
  r.add('DELETE', integ, 'DeleteIntegration', (x, c) => (integrations.deleteIntegration(x, id(c), integId(c)), noContent));

  const auth = `${api}/authorizers/{authorizerId}`;
  const authId = (c: Call) => P(c, 'authorizerId');
  r.add('POST', `${api}/authorizers`, 'CreateAuthorizer', (x, c) => created(authorizers.createAuthorizer(x, id(c), input('CreateAuthorizer', c))));
  r.add('GET', `${api}/authorizers`, 'GetAuthorizers', (x, c) => ok(authorizers.getAuthorizers(x, id(c), ...page(c))));
  r.add('GET', auth, 'GetAuthorizer', (x, c) => ok(authorizers.getAuthorizer(x, id(c), authId(c))));
  r.add('PATCH', auth, 'UpdateAuthorizer', (x, c) => ok(authorizers.updateAuthorizer(x, id(c), authId(c), input('UpdateAuthorizer', c))));
  r.add('DELETE', auth, 'DeleteAuthorizer', (x, c) => (authorizers.deleteAuthorizer(x, id(c), authId(c)), noContent));

  const stage = `${api}/stages/{stageName}`;
  const name = (c: Call) => P(c, 'stageName');
  r.add('POST', `${api}/stages`, 'CreateStage', (x, c) => created(stages.createStage(x, id(c), input('CreateStage', c))));
  r.add('GET', `${api}/stages`, 'GetStages', (x, c) => ok(stages.getStages(x, id(c), ...page(c))));
  r.add('GET', stage, 'GetStage', (x, c) => ok(stages.getStage(x, id(c), name(c))));
  r.add('PATCH', stage, 'UpdateStage', (x, c) => ok(stages.updateStage(x, id(c), name(c), input('UpdateStage', c))));
  r.add('DELETE', stage, 'DeleteStage', (x, c) => (stages.deleteStage(x, id(c), name(c)), noContent));

  const dep = `${api}/deployments/{deploymentId}`;
  const depId = (c: Call) => P(c, 'deploymentId');
  r.add('POST', `${api}/deployments`, 'CreateDeployment', (x, c) => {
    const i = input('CreateDeployment', c);
    const description = i.str('description');
    const stageName = i.str('stageName');
    return created(
      deployments.createDeployment(x, id(c), {
        ...(description !== undefined ? { description } : {}),
        ...(stageName !== undefined ? { stageName } : {}),
      }),
    );
  });
  r.add('GET', `${api}/deployments`, 'GetDeployments', (x, c) => ok(deployments.getDeployments(x, id(c), ...page(c))));
  r.add('GET', dep, 'GetDeployment', (x, c) => ok(deployments.getDeployment(x, id(c), depId(c))));
  r.add('DELETE', dep, 'DeleteDeployment', (x, c) => (deployments.deleteDeployment(x, id(c), depId(c)), noContent));

  const tags = '/v2/tags/{resourceArn}';
  const arn = (c: Call) => P(c, 'resourceArn');
  r.add('GET', tags, 'GetTags', (x, c) => ok({ tags: apis.getTags(x, arn(c)) }));
  r.add('POST', tags, 'TagResource', (x, c) => {
    apis.tagResource(x, arn(c), input('TagResource', c).strMap('tags') ?? {});
    return created({});
  });
  r.add('DELETE', tags, 'UntagResource', (x, c) => (apis.untagResource(x, arn(c), c.query.getAll('tagKeys')), noContent));
  return r;
}

/** `true`/`false` query flags (failOnWarnings, includeExtensions); anything else is the caller's error. */
function flag(call: Call, name: string): boolean | undefined {
  const raw = call.query.get(name);
  if (raw === null) return undefined;
  if (raw !== 'true' && raw !== 'false') throw BadRequest(`Invalid ${name} specified: ${raw}. Use true or false`);
  return raw === 'true';
}

/** ImportApi, ReimportApi and ExportApi: OpenAPI in and out (../core/openapi-*.ts). */
function addOpenApi(r: Router<Handler>): void {
  const definition = (c: Call) => {
    const i = input('ImportApi', c);
    const basepath = c.query.get('basepath') ?? undefined;
    const failOnWarnings = flag(c, 'failOnWarnings');
    return [i.reqStr('body'), { ...(basepath !== undefined ? { basepath } : {}), ...(failOnWarnings !== undefined ? { failOnWarnings } : {}) }] as const;
  };
  r.add('PUT', '/v2/apis', 'ImportApi', (x, c) => created(importApi(x, ...definition(c))));
  r.add('PUT', '/v2/apis/{apiId}', 'ReimportApi', (x, c) => created(reimportApi(x, P(c, 'apiId'), ...definition(c))));
  r.add('GET', '/v2/apis/{apiId}/exports/{specification}', 'ExportApi', (x, c) => {
    const stageName = c.query.get('stageName') ?? undefined;
    const exportVersion = c.query.get('exportVersion') ?? undefined;
    const includeExtensions = flag(c, 'includeExtensions');
    const doc = exportApi(x, P(c, 'apiId'), {
      specification: P(c, 'specification'),
      outputType: c.query.get('outputType') ?? undefined,
      ...(stageName !== undefined ? { stageName } : {}),
      ...(exportVersion !== undefined ? { exportVersion } : {}),
      ...(includeExtensions !== undefined ? { includeExtensions } : {}),
    });
    return { status: 200, raw: doc };
  });
}

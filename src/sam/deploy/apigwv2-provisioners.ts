// CloudFormation's API Gateway v2 types (`AWS::ApiGatewayV2::Api/Integration/Authorizer/Route/Stage`, and
// for WebSocket APIs `RouteResponse/Deployment`), mapped onto the apigatewayv2 control plane with the Ref
// and GetAtt values CloudFormation documents: the API's Ref is its id, an integration's, authorizer's,
// route's, route response's and deployment's Ref their ids, a stage's Ref its name.
// An API with a `Body` (an OpenAPI document, as SAM's DefinitionBody makes it) is imported with
// ImportApi and updated with ReimportApi; its other properties are applied over the import.
import {
  ImportApiCommand, ReimportApiCommand, TagResourceCommand,
  CreateDeploymentCommand, CreateRouteResponseCommand, DeleteDeploymentCommand, DeleteRouteResponseCommand, UpdateRouteResponseCommand,
  CreateApiCommand, CreateAuthorizerCommand, CreateIntegrationCommand, DeleteAuthorizerCommand, UpdateAuthorizerCommand, CreateRouteCommand, CreateStageCommand, DeleteApiCommand, DeleteCorsConfigurationCommand,
  DeleteIntegrationCommand, DeleteRouteCommand, DeleteStageCommand, UpdateApiCommand, UpdateIntegrationCommand, UpdateRouteCommand,
  UpdateStageCommand, type Cors, type IntegrationType,
} from '@aws-sdk/client-apigatewayv2';
import { ignoreMissing, type ProvisionContext, type Provisioner } from './provisioners.js';

type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const bool = (v: unknown) => (v === undefined ? undefined : v === true || v === 'true');
const num = (v: unknown) => (v === undefined ? undefined : Number(v));

function cors(c: Props | undefined): Cors | undefined {
  if (!c) return undefined;
  return {
    AllowCredentials: bool(c.AllowCredentials),
    AllowHeaders: c.AllowHeaders,
    AllowMethods: c.AllowMethods,
    AllowOrigins: c.AllowOrigins,
    ExposeHeaders: c.ExposeHeaders,
    MaxAge: num(c.MaxAge),
  };
}

function apiFields(ctx: ProvisionContext, props: Props) {
  return {
    // CloudFormation names an unnamed API after the stack, as SAM's implicit API is.
    Name: props.Name ?? ctx.stackName,
    Description: props.Description,
    Version: props.Version,
    CorsConfiguration: cors(props.CorsConfiguration),
    DisableExecuteApiEndpoint: bool(props.DisableExecuteApiEndpoint),
    // WebSocket APIs require the first; HTTP APIs keep AWS's defaults when they are absent.
    RouteSelectionExpression: props.RouteSelectionExpression,
    ApiKeySelectionExpression: props.ApiKeySelectionExpression,
  };
}

/** The document's text; an API named by neither `info.title` nor `Name` is named after the stack, as CloudFormation names it. */
function bodyOf(ctx: ProvisionContext, props: Props): string {
  if (typeof props.Body === 'string') return props.Body;
  const doc = { ...(props.Body as Props) };
  const info = (doc.info ?? {}) as Props;
  if (typeof info.title !== 'string' || info.title === '') doc.info = { ...info, title: props.Name ?? ctx.stackName };
  return JSON.stringify(doc);
}

/** What the template sets over the imported document (an unset property keeps the document's value). */
function importedFields(props: Props) {
  return {
    Name: props.Name,
    Description: props.Description,
    Version: props.Version,
    CorsConfiguration: cors(props.CorsConfiguration),
    DisableExecuteApiEndpoint: bool(props.DisableExecuteApiEndpoint),
  };
}

const importOptions = (props: Props) => ({ FailOnWarnings: bool(props.FailOnWarnings), Basepath: props.BasePath });

export const httpApi: Provisioner = {
  async create(ctx, logicalId, props) {
    if (props.Body !== undefined) return importHttpApi(ctx, logicalId, props);
    const out = await ctx.clients.apigwv2.send(
      new CreateApiCommand({
        ...apiFields(ctx, props),
        ProtocolType: props.ProtocolType ?? 'HTTP',
        Tags: props.Tags,
        Target: props.Target,
        RouteKey: props.RouteKey,
        CredentialsArn: props.CredentialsArn,
      }),
    );
    return { physicalId: out.ApiId!, ref: out.ApiId!, attributes: { ApiId: out.ApiId, ApiEndpoint: out.ApiEndpoint } };
  },
  async update(ctx, _logicalId, current, props, old) {
    if (props.Body !== undefined) {
      await ctx.clients.apigwv2.send(new ReimportApiCommand({ ApiId: current.physicalId, Body: bodyOf(ctx, props), ...importOptions(props) }));
      await ctx.clients.apigwv2.send(new UpdateApiCommand({ ApiId: current.physicalId, ...importedFields(props) }));
      return current;
    }
    if (old.Body !== undefined) {
      // The API leaves its definition for Route/Integration resources: an empty document clears what
      // the old one imported, so the new resources do not clash with it.
      const empty = JSON.stringify({ openapi: '3.0.1', info: { title: props.Name ?? ctx.stackName, version: '1.0' }, paths: {} });
      await ctx.clients.apigwv2.send(new ReimportApiCommand({ ApiId: current.physicalId, Body: empty }));
    }
    await ctx.clients.apigwv2.send(new UpdateApiCommand({ ApiId: current.physicalId, ...apiFields(ctx, props) }));
    if (old.CorsConfiguration !== undefined && props.CorsConfiguration === undefined) {
      await ctx.clients.apigwv2.send(new DeleteCorsConfigurationCommand({ ApiId: current.physicalId }));
    }
    return current;
  },
  async delete(ctx, current) {
    await ignoreMissing(ctx.clients.apigwv2.send(new DeleteApiCommand({ ApiId: current.physicalId })));
  },
};

async function importHttpApi(ctx: ProvisionContext, _logicalId: string, props: Props) {
  const out = await ctx.clients.apigwv2.send(new ImportApiCommand({ Body: bodyOf(ctx, props), ...importOptions(props) }));
  const id = out.ApiId!;
  const fields = importedFields(props);
  if (Object.values(fields).some((v) => v !== undefined)) await ctx.clients.apigwv2.send(new UpdateApiCommand({ ApiId: id, ...fields }));
  if (props.Tags !== undefined) {
    const arn = `arn:aws:apigateway:${ctx.region}::/apis/${id}`;
    await ctx.clients.apigwv2.send(new TagResourceCommand({ ResourceArn: arn, Tags: props.Tags }));
  }
  return { physicalId: id, ref: id, attributes: { ApiId: id, ApiEndpoint: out.ApiEndpoint } };
}

function integrationFields(props: Props) {
  return {
    IntegrationType: props.IntegrationType as IntegrationType,
    IntegrationUri: props.IntegrationUri,
    IntegrationMethod: props.IntegrationMethod,
    PayloadFormatVersion: props.PayloadFormatVersion,
    TimeoutInMillis: num(props.TimeoutInMillis),
    Description: props.Description,
    ContentHandlingStrategy: props.ContentHandlingStrategy,
    IntegrationSubtype: props.IntegrationSubtype,
    RequestParameters: props.RequestParameters,
    CredentialsArn: props.CredentialsArn,
  };
}

/**
 * A resource of an API known by its generated id (integrations, routes): Ref and the `<Kind>Id`
 * attribute are that id; the API's id comes with every call.
 */
function apiChild(attribute: string, calls: {
  create(ctx: ProvisionContext, props: Props): Promise<string>;
  update(ctx: ProvisionContext, props: Props, id: string): Promise<unknown>;
  remove(ctx: ProvisionContext, props: Props, id: string): Promise<unknown>;
}): Provisioner {
  return {
    async create(ctx, _logicalId, props) {
      const id = await calls.create(ctx, props);
      return { physicalId: id, ref: id, attributes: { [attribute]: id } };
    },
    async update(ctx, _logicalId, current, props) {
      await calls.update(ctx, props, current.physicalId);
      return current;
    },
    async delete(ctx, current, props) {
      await ignoreMissing(calls.remove(ctx, props, current.physicalId));
    },
  };
}

export const httpIntegration = apiChild('IntegrationId', {
  create: async (ctx, p) => (await ctx.clients.apigwv2.send(new CreateIntegrationCommand({ ApiId: p.ApiId, ...integrationFields(p) }))).IntegrationId!,
  update: (ctx, p, id) => ctx.clients.apigwv2.send(new UpdateIntegrationCommand({ ApiId: p.ApiId, IntegrationId: id, ...integrationFields(p) })),
  remove: (ctx, p, id) => ctx.clients.apigwv2.send(new DeleteIntegrationCommand({ ApiId: p.ApiId, IntegrationId: id })),
});

function authorizerFields(props: Props) {
  return {
    Name: props.Name,
    AuthorizerUri: props.AuthorizerUri,
    AuthorizerPayloadFormatVersion: props.AuthorizerPayloadFormatVersion,
    EnableSimpleResponses: bool(props.EnableSimpleResponses),
    IdentitySource: props.IdentitySource,
    AuthorizerResultTtlInSeconds: num(props.AuthorizerResultTtlInSeconds),
  };
}

export const httpAuthorizer = apiChild('AuthorizerId', {
  create: async (ctx, p) =>
    (await ctx.clients.apigwv2.send(new CreateAuthorizerCommand({ ApiId: p.ApiId, AuthorizerType: p.AuthorizerType, JwtConfiguration: p.JwtConfiguration, ...authorizerFields(p) })))
      .AuthorizerId!,
  update: (ctx, p, id) => ctx.clients.apigwv2.send(new UpdateAuthorizerCommand({ ApiId: p.ApiId, AuthorizerId: id, AuthorizerType: p.AuthorizerType, ...authorizerFields(p) })),
  remove: (ctx, p, id) => ctx.clients.apigwv2.send(new DeleteAuthorizerCommand({ ApiId: p.ApiId, AuthorizerId: id })),
});

function routeFields(props: Props) {
  return {
    RouteKey: props.RouteKey,
    Target: props.Target,
    // Without it an update would keep the route's former authorizer.
    AuthorizationType: props.AuthorizationType ?? 'NONE',
    AuthorizerId: props.AuthorizerId,
    // JWT routes only; an update without them clears them.
    AuthorizationScopes: props.AuthorizationType === 'JWT' ? ((props.AuthorizationScopes as string[] | undefined) ?? []) : undefined,
    OperationName: props.OperationName,
    RouteResponseSelectionExpression: props.RouteResponseSelectionExpression,
  };
}

export const httpRoute = apiChild('RouteId', {
  create: async (ctx, p) =>
    (await ctx.clients.apigwv2.send(new CreateRouteCommand({ ApiId: p.ApiId, ...routeFields(p), ApiKeyRequired: bool(p.ApiKeyRequired) }))).RouteId!,
  update: (ctx, p, id) => ctx.clients.apigwv2.send(new UpdateRouteCommand({ ApiId: p.ApiId, RouteId: id, ...routeFields(p) })),
  remove: (ctx, p, id) => ctx.clients.apigwv2.send(new DeleteRouteCommand({ ApiId: p.ApiId, RouteId: id })),
});

function routeResponseFields(props: Props) {
  return { RouteResponseKey: props.RouteResponseKey, ModelSelectionExpression: props.ModelSelectionExpression, ResponseModels: props.ResponseModels };
}

export const httpRouteResponse = apiChild('RouteResponseId', {
  create: async (ctx, p) => (await ctx.clients.apigwv2.send(new CreateRouteResponseCommand({ ApiId: p.ApiId, RouteId: p.RouteId, ...routeResponseFields(p) }))).RouteResponseId!,
  update: (ctx, p, id) => ctx.clients.apigwv2.send(new UpdateRouteResponseCommand({ ApiId: p.ApiId, RouteId: p.RouteId, RouteResponseId: id, ...routeResponseFields(p) })),
  remove: (ctx, p, id) => ctx.clients.apigwv2.send(new DeleteRouteResponseCommand({ ApiId: p.ApiId, RouteId: p.RouteId, RouteResponseId: id })),
});

/**
 * A deployment freezes the API as it is when created (list the routes in DependsOn, as AWS's samples
 * do); any change of its properties makes a new one (replaceOn `*`), and the stage follows its Ref.
 */
export const httpDeployment = apiChild('DeploymentId', {
  create: async (ctx, p) =>
    (await ctx.clients.apigwv2.send(new CreateDeploymentCommand({ ApiId: p.ApiId, Description: p.Description, StageName: p.StageName }))).DeploymentId!,
  update: async () => undefined,
  remove: (ctx, p, id) => ctx.clients.apigwv2.send(new DeleteDeploymentCommand({ ApiId: p.ApiId, DeploymentId: id })),
});

function stageFields(props: Props, old?: Props) {
  const d = props.DefaultRouteSettings as Props | undefined;
  return {
    AutoDeploy: bool(props.AutoDeploy),
    DeploymentId: props.DeploymentId,
    Description: props.Description,
    StageVariables: props.StageVariables,
    DefaultRouteSettings: d ? routeSettings(d) : undefined,
    RouteSettings: isMap(props.RouteSettings)
      ? Object.fromEntries(Object.entries(props.RouteSettings).map(([key, v]) => [key, routeSettings(v as Props)]))
      : undefined,
    // An emptied AccessLogSettings turns access logging off (CloudFormation calls DeleteAccessLogSettings).
    AccessLogSettings: isMap(props.AccessLogSettings)
      ? { DestinationArn: str(props.AccessLogSettings.DestinationArn), Format: str(props.AccessLogSettings.Format) }
      : old !== undefined && isMap(old.AccessLogSettings) ? {} : undefined,
  };
}

function routeSettings(r: Props) {
  return { DetailedMetricsEnabled: bool(r.DetailedMetricsEnabled), ThrottlingBurstLimit: num(r.ThrottlingBurstLimit), ThrottlingRateLimit: num(r.ThrottlingRateLimit) };
}

const isMap = (v: unknown): v is Props => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

export const httpStage: Provisioner = {
  async create(ctx, _logicalId, props) {
    await ctx.clients.apigwv2.send(new CreateStageCommand({ ApiId: props.ApiId, StageName: props.StageName, Tags: props.Tags, ...stageFields(props) }));
    return { physicalId: props.StageName, ref: props.StageName, attributes: {} };
  },
  async update(ctx, _logicalId, current, props, old) {
    await ctx.clients.apigwv2.send(new UpdateStageCommand({ ApiId: props.ApiId, StageName: current.physicalId, ...stageFields(props, old) }));
    return current;
  },
  async delete(ctx, current, props) {
    await ignoreMissing(ctx.clients.apigwv2.send(new DeleteStageCommand({ ApiId: props.ApiId, StageName: current.physicalId })));
  },
};

// CloudFormation's HTTP API types (`AWS::ApiGatewayV2::Api/Integration/Route/Stage`), mapped onto
// the apigatewayv2 control plane with the Ref and GetAtt values CloudFormation documents: the API's
// Ref is its id, an integration's and route's Ref their ids, a stage's Ref its name.
import {
  CreateApiCommand, CreateIntegrationCommand, CreateRouteCommand, CreateStageCommand, DeleteApiCommand, DeleteCorsConfigurationCommand,
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
  };
}

export const httpApi: Provisioner = {
  async create(ctx, _logicalId, props) {
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

function integrationFields(props: Props) {
  return {
    IntegrationType: props.IntegrationType as IntegrationType,
    IntegrationUri: props.IntegrationUri,
    IntegrationMethod: props.IntegrationMethod,
    PayloadFormatVersion: props.PayloadFormatVersion,
    TimeoutInMillis: num(props.TimeoutInMillis),
    Description: props.Description,
  };
}

export const httpIntegration: Provisioner = {
  async create(ctx, _logicalId, props) {
    const out = await ctx.clients.apigwv2.send(new CreateIntegrationCommand({ ApiId: props.ApiId, ...integrationFields(props) }));
    return { physicalId: out.IntegrationId!, ref: out.IntegrationId!, attributes: { IntegrationId: out.IntegrationId } };
  },
  async update(ctx, _logicalId, current, props) {
    await ctx.clients.apigwv2.send(new UpdateIntegrationCommand({ ApiId: props.ApiId, IntegrationId: current.physicalId, ...integrationFields(props) }));
    return current;
  },
  async delete(ctx, current, props) {
    await ignoreMissing(ctx.clients.apigwv2.send(new DeleteIntegrationCommand({ ApiId: props.ApiId, IntegrationId: current.physicalId })));
  },
};

function routeFields(props: Props) {
  return { RouteKey: props.RouteKey, Target: props.Target, AuthorizationType: props.AuthorizationType, OperationName: props.OperationName };
}

export const httpRoute: Provisioner = {
  async create(ctx, _logicalId, props) {
    const out = await ctx.clients.apigwv2.send(new CreateRouteCommand({ ApiId: props.ApiId, ...routeFields(props), ApiKeyRequired: bool(props.ApiKeyRequired) }));
    return { physicalId: out.RouteId!, ref: out.RouteId!, attributes: { RouteId: out.RouteId } };
  },
  async update(ctx, _logicalId, current, props) {
    await ctx.clients.apigwv2.send(new UpdateRouteCommand({ ApiId: props.ApiId, RouteId: current.physicalId, ...routeFields(props) }));
    return current;
  },
  async delete(ctx, current, props) {
    await ignoreMissing(ctx.clients.apigwv2.send(new DeleteRouteCommand({ ApiId: props.ApiId, RouteId: current.physicalId })));
  },
};

function stageFields(props: Props) {
  const d = props.DefaultRouteSettings as Props | undefined;
  return {
    AutoDeploy: bool(props.AutoDeploy),
    DeploymentId: props.DeploymentId,
    Description: props.Description,
    StageVariables: props.StageVariables,
    DefaultRouteSettings: d
      ? { DetailedMetricsEnabled: bool(d.DetailedMetricsEnabled), ThrottlingBurstLimit: num(d.ThrottlingBurstLimit), ThrottlingRateLimit: num(d.ThrottlingRateLimit) }
      : undefined,
  };
}

export const httpStage: Provisioner = {
  async create(ctx, _logicalId, props) {
    await ctx.clients.apigwv2.send(new CreateStageCommand({ ApiId: props.ApiId, StageName: props.StageName, Tags: props.Tags, ...stageFields(props) }));
    return { physicalId: props.StageName, ref: props.StageName, attributes: {} };
  },
  async update(ctx, _logicalId, current, props) {
    await ctx.clients.apigwv2.send(new UpdateStageCommand({ ApiId: props.ApiId, StageName: current.physicalId, ...stageFields(props) }));
    return current;
  },
  async delete(ctx, current, props) {
    await ignoreMissing(ctx.clients.apigwv2.send(new DeleteStageCommand({ ApiId: props.ApiId, StageName: current.physicalId })));
  },
};

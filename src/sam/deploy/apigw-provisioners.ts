// CloudFormation's API Gateway definition types beside the REST API itself: Lambda authorizers,
// request validators, models and gateway responses. Templates that build an API from raw
// `AWS::ApiGateway::*` resources (rather than an OpenAPI body) use them; each maps onto the
// API Gateway control plane with the Ref and GetAtt values CloudFormation documents.
import {
  CreateAuthorizerCommand, CreateModelCommand, CreateRequestValidatorCommand, DeleteAuthorizerCommand, DeleteGatewayResponseCommand,
  DeleteModelCommand, DeleteRequestValidatorCommand, PutGatewayResponseCommand, UpdateAuthorizerCommand, UpdateModelCommand,
  UpdateRequestValidatorCommand, type AuthorizerType, type GatewayResponseType, type PatchOperation,
} from '@aws-sdk/client-api-gateway';
import { randomBytes } from 'node:crypto';
import { ignoreMissing, type Provisioner } from './provisioners.js';

type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const bool = (v: unknown) => (v === undefined ? undefined : v === true || v === 'true');
const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

/** Replace-ops for the members whose value changed (a removed member is reset to empty). */
function changed(now: Record<string, unknown>, before: Record<string, unknown>): PatchOperation[] {
  const ops: PatchOperation[] = [];
  for (const [path, v] of Object.entries(now)) {
    if (JSON.stringify(v) !== JSON.stringify(before[path])) ops.push({ op: 'replace', path, value: v === undefined ? '' : String(v) });
  }
  return ops;
}

// ---- AWS::ApiGateway::Authorizer ----------------------------------------------------------------

function authorizerFields(p: Props) {
  return {
    '/name': str(p.Name),
    '/type': str(p.Type),
    '/authType': str(p.AuthType),
    '/authorizerUri': str(p.AuthorizerUri),
    '/authorizerCredentials': str(p.AuthorizerCredentials),
    '/identitySource': str(p.IdentitySource),
    '/identityValidationExpression': str(p.IdentityValidationExpression),
    '/authorizerResultTtlInSeconds': str(p.AuthorizerResultTtlInSeconds),
  };
}

export const authorizer: Provisioner = {
  async create(ctx, logicalId, props) {
    const out = await ctx.clients.apigw.send(new CreateAuthorizerCommand({
      restApiId: props.RestApiId,
      // CloudFormation requires Name; the control plane does too.
      name: props.Name ?? logicalId,
      type: props.Type as AuthorizerType,
      authType: props.AuthType,
      authorizerUri: props.AuthorizerUri,
      authorizerCredentials: props.AuthorizerCredentials,
      identitySource: props.IdentitySource,
      identityValidationExpression: props.IdentityValidationExpression,
      authorizerResultTtlInSeconds: props.AuthorizerResultTtlInSeconds === undefined ? undefined : Number(props.AuthorizerResultTtlInSeconds),
      providerARNs: props.ProviderARNs,
    }));
    return { physicalId: out.id!, ref: out.id!, attributes: { AuthorizerId: out.id } };
  },
  async update(ctx, _logicalId, current, props, old) {
    const ops = changed(authorizerFields(props), authorizerFields(old));
    if (ops.length) await ctx.clients.apigw.send(new UpdateAuthorizerCommand({ restApiId: props.RestApiId, authorizerId: current.physicalId, patchOperations: ops }));
    return current;
  },
  async delete(ctx, current, props) {
    await ignoreMissing(ctx.clients.apigw.send(new DeleteAuthorizerCommand({ restApiId: props.RestApiId, authorizerId: current.physicalId })));
  },
};

// ---- AWS::ApiGateway::RequestValidator ------------------------------------------------------------

export const requestValidator: Provisioner = {
  async create(ctx, logicalId, props) {
    const out = await ctx.clients.apigw.send(new CreateRequestValidatorCommand({
      restApiId: props.RestApiId,
      name: props.Name ?? logicalId,
      validateRequestBody: bool(props.ValidateRequestBody),
      validateRequestParameters: bool(props.ValidateRequestParameters),
    }));
    return { physicalId: out.id!, ref: out.id!, attributes: { RequestValidatorId: out.id } };
  },
  async update(ctx, _logicalId, current, props, old) {
    const fields = (p: Props) => ({
      '/name': str(p.Name),
      '/validateRequestBody': String(bool(p.ValidateRequestBody) ?? false),
      '/validateRequestParameters': String(bool(p.ValidateRequestParameters) ?? false),
    });
    const ops = changed(fields(props), fields(old)).filter((o) => o.path !== '/name' || o.value !== '');
    if (ops.length) await ctx.clients.apigw.send(new UpdateRequestValidatorCommand({ restApiId: props.RestApiId, requestValidatorId: current.physicalId, patchOperations: ops }));
    return current;
  },
  async delete(ctx, current, props) {
    await ignoreMissing(ctx.clients.apigw.send(new DeleteRequestValidatorCommand({ restApiId: props.RestApiId, requestValidatorId: current.physicalId })));
  },
};

// ---- AWS::ApiGateway::Model -----------------------------------------------------------------------

const schemaText = (s: unknown) => (s === undefined ? undefined : typeof s === 'string' ? s : JSON.stringify(s));

export const model: Provisioner = {
  async create(ctx, logicalId, props) {
    // A model name is alphanumeric; CloudFormation generates one from the logical id when absent.
    const name = props.Name ?? `${logicalId.replace(/[^A-Za-z0-9]/g, '')}${randomBytes(4).toString('hex').toUpperCase()}`;
    await ctx.clients.apigw.send(new CreateModelCommand({
      restApiId: props.RestApiId, name, contentType: props.ContentType ?? 'application/json', description: props.Description, schema: schemaText(props.Schema),
    }));
    return { physicalId: name, ref: name, attributes: {} };
  },
  async update(ctx, _logicalId, current, props, old) {
    const ops = changed({ '/schema': schemaText(props.Schema), '/description': str(props.Description) }, { '/schema': schemaText(old.Schema), '/description': str(old.Description) });
    if (ops.length) await ctx.clients.apigw.send(new UpdateModelCommand({ restApiId: props.RestApiId, modelName: current.physicalId, patchOperations: ops }));
    return current;
  },
  async delete(ctx, current, props) {
    await ignoreMissing(ctx.clients.apigw.send(new DeleteModelCommand({ restApiId: props.RestApiId, modelName: current.physicalId })));
  },
};

// ---- AWS::ApiGateway::GatewayResponse ---------------------------------------------------------------

async function putGatewayResponse(ctx: Parameters<Provisioner['create']>[0], props: Props) {
  await ctx.clients.apigw.send(new PutGatewayResponseCommand({
    restApiId: props.RestApiId,
    responseType: props.ResponseType as GatewayResponseType,
    statusCode: str(props.StatusCode),
    responseParameters: props.ResponseParameters,
    responseTemplates: props.ResponseTemplates,
  }));
}

export const gatewayResponse: Provisioner = {
  async create(ctx, _logicalId, props) {
    await putGatewayResponse(ctx, props);
    const id = `${props.RestApiId}/${props.ResponseType}`;
    return { physicalId: id, ref: id, attributes: {} };
  },
  async update(ctx, _logicalId, current, props) {
    // PutGatewayResponse replaces the whole response, which is what an update means here.
    await putGatewayResponse(ctx, props);
    return current;
  },
  async delete(ctx, _current, props) {
    await ignoreMissing(ctx.clients.apigw.send(new DeleteGatewayResponseCommand({ restApiId: props.RestApiId, responseType: props.ResponseType as GatewayResponseType })));
  },
};

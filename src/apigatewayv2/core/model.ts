// The HTTP API model, field for field as apigatewayv2's wire shapes (camelCase JSON), so the wire
// layer returns documents without mapping. Stored documents are these objects.

export interface Scope {
  readonly accountId: string;
  readonly region: string;
}

export interface Cors {
  allowCredentials?: boolean;
  allowHeaders?: string[];
  allowMethods?: string[];
  allowOrigins?: string[];
  exposeHeaders?: string[];
  maxAge?: number;
}

export interface HttpApi {
  apiId: string;
  name: string;
  /** WEBSOCKET APIs route messages of a connection (see ./websocket.ts); HTTP APIs route requests. */
  protocolType: 'HTTP' | 'WEBSOCKET';
  apiEndpoint: string;
  apiKeySelectionExpression: string;
  routeSelectionExpression: string;
  createdDate: string;
  description?: string;
  version?: string;
  corsConfiguration?: Cors;
  disableExecuteApiEndpoint: boolean;
  tags: Record<string, string>;
}

export interface Route {
  routeId: string;
  routeKey: string;
  target?: string;
  authorizationType: 'NONE' | 'CUSTOM' | 'JWT';
  /** Set with authorizationType CUSTOM (a Lambda authorizer) or JWT (a JWT authorizer). */
  authorizerId?: string;
  /** JWT only: a token needs one of these in its `scope` / `scp` claim. */
  authorizationScopes?: string[];
  apiKeyRequired: boolean;
  apiGatewayManaged?: boolean;
  operationName?: string;
  /** WebSocket routes: `$default` once the route answers the client (with a `$default` route response). */
  routeResponseSelectionExpression?: string;
}

/** A WebSocket route's response: its `$default` key makes the route two-way. */
export interface RouteResponse {
  routeResponseId: string;
  routeResponseKey: string;
  modelSelectionExpression?: string;
  responseModels?: Record<string, string>;
}

/** A route response as stored: with the route it belongs to (not on the wire). */
export interface RouteResponseRecord {
  readonly routeId: string;
  readonly response: RouteResponse;
}

export type IntegrationType = 'AWS_PROXY' | 'HTTP_PROXY';

export interface Integration {
  integrationId: string;
  integrationType: IntegrationType;
  /** Absent for AWS service integrations (those with an `integrationSubtype`). */
  integrationUri?: string;
  /** AWS service integrations (./service-integrations.ts): the action called, e.g. `StepFunctions-StartExecution`. */
  integrationSubtype?: string;
  /** AWS service integrations: the action's parameters, static or mapped from the request. */
  requestParameters?: Record<string, string>;
  /** The role API Gateway assumes for an AWS service integration (recorded: IAM is not enforced). */
  credentialsArn?: string;
  integrationMethod?: string;
  payloadFormatVersion: '1.0' | '2.0';
  timeoutInMillis: number;
  connectionType: 'INTERNET';
  description?: string;
  apiGatewayManaged?: boolean;
  /** WebSocket integrations: how binary and text bodies are converted (recorded, not applied). */
  contentHandlingStrategy?: 'CONVERT_TO_BINARY' | 'CONVERT_TO_TEXT';
}

/** A Lambda (REQUEST) authorizer of an HTTP API. */
export type Authorizer = LambdaAuthorizer | JwtAuthorizer;

export interface JwtAuthorizer {
  authorizerId: string;
  name: string;
  authorizerType: 'JWT';
  /** Tokens must come from `issuer` (its OpenID discovery document names the signing keys) for one of `audience`. */
  jwtConfiguration: { issuer: string; audience: string[] };
  /** One selection expression: where the token is. */
  identitySource: string[];
}

export interface LambdaAuthorizer {
  authorizerId: string;
  name: string;
  authorizerType: 'REQUEST';
  /** `arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations`. */
  authorizerUri: string;
  /** HTTP APIs only (WebSocket APIs' authorizers have none). */
  authorizerPayloadFormatVersion?: '1.0' | '2.0';
  /** Payload format 2.0 only: the function answers `{isAuthorized, context}` instead of a policy. */
  enableSimpleResponses?: boolean;
  /** Selection expressions (`$request.header.Authorization`…) that must all be present. */
  identitySource: string[];
  /** 0 disables caching. */
  authorizerResultTtlInSeconds: number;
}

export interface RouteSettings {
  detailedMetricsEnabled: boolean;
  throttlingBurstLimit?: number;
  throttlingRateLimit?: number;
}

export interface Stage {
  stageName: string;
  autoDeploy: boolean;
  deploymentId?: string;
  createdDate: string;
  lastUpdatedDate: string;
  description?: string;
  stageVariables?: Record<string, string>;
  defaultRouteSettings: RouteSettings;
  /** By route key; a route's settings replace the stage's defaults for that route. */
  routeSettings: Record<string, RouteSettings>;
  /** Where and how the data plane writes one access log line per request (a CloudWatch Logs group ARN). */
  accessLogSettings?: { destinationArn?: string; format?: string };
  apiGatewayManaged?: boolean;
  lastDeploymentStatusMessage?: string;
  tags: Record<string, string>;
}

/** What a deployment froze: the routes, integrations and authorizers as they were, and the CORS rules. */
export interface Snapshot {
  readonly routes: readonly Route[];
  readonly integrations: readonly Integration[];
  /** Absent in deployments made before authorizers existed. */
  readonly authorizers?: readonly Authorizer[];
  readonly cors?: Cors;
  /** WebSocket APIs: the route responses (absent for HTTP APIs and older deployments). */
  readonly routeResponses?: readonly RouteResponseRecord[];
}

export interface Deployment {
  deploymentId: string;
  deploymentStatus: 'DEPLOYED';
  createdDate: string;
  description?: string;
  autoDeployed: boolean;
}

/** The stored deployment: the public document plus its snapshot (never returned on the wire). */
export interface DeploymentRecord {
  readonly deployment: Deployment;
  readonly snapshot: Snapshot;
}

/** A stage as the data plane serves it: the stage and the snapshot of its deployment. */
export interface DeployedStage {
  readonly stage: Stage;
  readonly deploymentId: string;
  readonly snapshot: Snapshot;
}

/** One API as the data plane sees it; stages without a deployment are left out (they serve nothing). */
export interface ServedApi {
  readonly scope: Scope;
  readonly api: HttpApi;
  readonly stages: ReadonlyMap<string, DeployedStage>;
}

/** The data plane's view of the control plane. */
export interface HttpApiCatalog {
  /** Bumped on every change to the API (0 before it exists): caches compare it. */
  revision(apiId: string): number;
  /** The API with this id in any scope (data-plane URLs carry no region), or undefined. */
  load(apiId: string): ServedApi | undefined;
}

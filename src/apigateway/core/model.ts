// API Gateway (REST APIs, v1) domain model: the types the control plane stores and the read
// interface the data plane uses on its hot path. Field names follow the AWS API Gateway REST API
// reference (and @aws-sdk/client-api-gateway) so the wire layer maps them one to one.
//
// Ownership: the control plane (core/ + api/) writes; the data plane (gateway/, vtl/) only reads
// through `ApiGatewayCatalog`, which answers from memory (never SQLite per request). Every object a
// catalog hands out is frozen: treat it as immutable and cache derived structures by identity
// (a deployment snapshot never changes once created; a new stage object replaces the old on write).

export type HttpVerb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'ANY';
export type EndpointType = 'EDGE' | 'REGIONAL' | 'PRIVATE';
export type ApiKeySource = 'HEADER' | 'AUTHORIZER';
export type AuthorizationType = 'NONE' | 'AWS_IAM' | 'CUSTOM' | 'COGNITO_USER_POOLS';
export type IntegrationType = 'AWS' | 'AWS_PROXY' | 'HTTP' | 'HTTP_PROXY' | 'MOCK';
export type PassthroughBehavior = 'WHEN_NO_MATCH' | 'WHEN_NO_TEMPLATES' | 'NEVER';
export type ContentHandling = 'CONVERT_TO_BINARY' | 'CONVERT_TO_TEXT';
export type ConnectionType = 'INTERNET' | 'VPC_LINK';
export type AuthorizerType = 'TOKEN' | 'REQUEST' | 'COGNITO_USER_POOLS';
export type QuotaPeriod = 'DAY' | 'WEEK' | 'MONTH';
export type GatewayResponseType =
  | 'DEFAULT_4XX'
  | 'DEFAULT_5XX'
  | 'RESOURCE_NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'INVALID_API_KEY'
  | 'ACCESS_DENIED'
  | 'AUTHORIZER_FAILURE'
  | 'AUTHORIZER_CONFIGURATION_ERROR'
  | 'INVALID_SIGNATURE'
  | 'EXPIRED_TOKEN'
  | 'MISSING_AUTHENTICATION_TOKEN'
  | 'INTEGRATION_FAILURE'
  | 'INTEGRATION_TIMEOUT'
  | 'API_CONFIGURATION_ERROR'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'BAD_REQUEST_PARAMETERS'
  | 'BAD_REQUEST_BODY'
  | 'REQUEST_TOO_LARGE'
  | 'THROTTLED'
  | 'QUOTA_EXCEEDED'
  | 'WAF_FILTERED';

/** Resources are scoped by (account, region), as in AWS. */
export interface Scope {
  readonly accountId: string;
  readonly region: string;
}

/** Dates are epoch seconds (the rest-json timestamp format the SDK reads). */
export type EpochSeconds = number;

export type IpAddressType = 'ipv4' | 'dualstack';

export interface EndpointConfiguration {
  readonly types: readonly EndpointType[];
  /** AWS answers `ipv4` when the caller does not choose. */
  readonly ipAddressType?: IpAddressType;
  readonly vpcEndpointIds?: readonly string[];
}

export interface RestApi {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly createdDate: EpochSeconds;
  readonly version?: string;
  readonly warnings?: readonly string[];
  readonly binaryMediaTypes: readonly string[];
  /** Bytes; undefined = compression disabled. 0..10485760. */
  readonly minimumCompressionSize?: number;
  readonly apiKeySource: ApiKeySource;
  readonly endpointConfiguration: EndpointConfiguration;
  /** Resource policy JSON as a string. */
  readonly policy?: string;
  /**
   * Absent until the API is created with tags or changed: AWS leaves `tags` out of a fresh API's
   * answers but shows `{}` once UpdateRestApi has touched it (recorded behaviour).
   */
  readonly tags?: Readonly<Record<string, string>>;
  readonly disableExecuteApiEndpoint: boolean;
  readonly rootResourceId: string;
}

export interface MethodResponse {
  readonly statusCode: string;
  /**
   * `method.response.header.X` → required. Absent when never given or emptied by a patch; kept
   * empty when Put with `{}` (AWS answers each way differently, recorded).
   */
  readonly responseParameters?: Readonly<Record<string, boolean>>;
  /** content type → model name (present/absent as responseParameters). */
  readonly responseModels?: Readonly<Record<string, string>>;
}

export interface IntegrationResponse {
  readonly statusCode: string;
  /** Regex matched against the Lambda errorMessage / HTTP status; undefined = default response. */
  readonly selectionPattern?: string;
  /** `method.response.header.X` → `integration.response.header.Y` | `'literal'` | … */
  readonly responseParameters: Readonly<Record<string, string>>;
  /** content type → VTL template. */
  readonly responseTemplates: Readonly<Record<string, string>>;
  readonly contentHandling?: ContentHandling;
}

export interface TlsConfig {
  readonly insecureSkipVerification?: boolean;
}

export interface Integration {
  readonly type: IntegrationType;
  /** The integration's HTTP method (for AWS/AWS_PROXY Lambda: POST). */
  readonly httpMethod?: string;
  /**
   * HTTP(S) URL for HTTP/HTTP_PROXY; for AWS/AWS_PROXY an ARN
   * `arn:aws:apigateway:{region}:{service}:path|action/{...}`, e.g. Lambda
   * `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{functionArn}/invocations`.
   */
  readonly uri?: string;
  readonly connectionType?: ConnectionType;
  readonly connectionId?: string;
  /** IAM role ARN, or `arn:aws:iam::*:user/*` to pass the caller's credentials. */
  readonly credentials?: string;
  /** `integration.request.header.X` → `method.request.path.p` | `'literal'` | `stageVariables.v` … */
  readonly requestParameters: Readonly<Record<string, string>>;
  /** content type → VTL template. */
  readonly requestTemplates: Readonly<Record<string, string>>;
  readonly passthroughBehavior: PassthroughBehavior;
  readonly contentHandling?: ContentHandling;
  /** 50..29000, default 29000. */
  readonly timeoutInMillis: number;
  readonly cacheNamespace: string;
  readonly cacheKeyParameters: readonly string[];
  /** statusCode → response. */
  readonly integrationResponses: Readonly<Record<string, IntegrationResponse>>;
  readonly tlsConfig?: TlsConfig;
}

export interface Method {
  readonly httpMethod: HttpVerb;
  readonly authorizationType: AuthorizationType;
  readonly authorizerId?: string;
  readonly apiKeyRequired: boolean;
  readonly requestValidatorId?: string;
  readonly operationName?: string;
  /** `method.request.{path|querystring|header}.name` → required. */
  readonly requestParameters: Readonly<Record<string, boolean>>;
  /** content type → model name. */
  readonly requestModels: Readonly<Record<string, string>>;
  readonly authorizationScopes?: readonly string[];
  /** statusCode → response. */
  readonly methodResponses: Readonly<Record<string, MethodResponse>>;
  readonly methodIntegration?: Integration;
}

export interface Resource {
  readonly id: string;
  /** Undefined for the root resource `/`. */
  readonly parentId?: string;
  /** Last path segment as declared: `pets`, `{petId}`, `{proxy+}`; undefined for `/`. */
  readonly pathPart?: string;
  /** Full path, e.g. `/pets/{petId}`. */
  readonly path: string;
  /** verb → method. */
  readonly resourceMethods: Readonly<Record<string, Method>>;
}

export interface Model {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  /** JSON Schema draft 4, as the string the user sent. */
  readonly schema?: string;
  readonly contentType: string;
}

export interface RequestValidator {
  readonly id: string;
  readonly name: string;
  readonly validateRequestBody: boolean;
  readonly validateRequestParameters: boolean;
}

export interface Authorizer {
  readonly id: string;
  readonly name: string;
  readonly type: AuthorizerType;
  /** Cognito user pool ARNs (COGNITO_USER_POOLS). */
  readonly providerARNs?: readonly string[];
  readonly authType?: string;
  /** `arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{fnArn}/invocations`. */
  readonly authorizerUri?: string;
  readonly authorizerCredentials?: string;
  /**
   * TOKEN: `method.request.header.Name`. REQUEST: comma-separated list of
   * `method.request.header.X`, `method.request.querystring.Y`, `stageVariables.Z`, `context.W`
   * (may be empty when caching is disabled).
   */
  readonly identitySource?: string;
  /** TOKEN only: regex the token must match, else 401 without calling the function. */
  readonly identityValidationExpression?: string;
  /** 0..3600, default 300; 0 disables the policy cache. */
  readonly authorizerResultTtlInSeconds: number;
}

export interface GatewayResponse {
  readonly responseType: GatewayResponseType;
  /** Undefined means "the status the error naturally has" (e.g. DEFAULT_4XX). */
  readonly statusCode?: string;
  readonly responseParameters: Readonly<Record<string, string>>;
  readonly responseTemplates: Readonly<Record<string, string>>;
  /** True while the response is AWS's default (never Put by the user). */
  readonly defaultResponse: boolean;
}

export interface ApiSummaryEntry {
  readonly authorizationType: string;
  readonly apiKeyRequired: boolean;
}

export interface Deployment {
  readonly id: string;
  readonly description?: string;
  readonly createdDate: EpochSeconds;
  /** path → verb → summary (GetDeployment with embed=apisummary). */
  readonly apiSummary?: Readonly<Record<string, Readonly<Record<string, ApiSummaryEntry>>>>;
}

export type LoggingLevel = 'OFF' | 'ERROR' | 'INFO';
export type UnauthorizedCacheControlHeaderStrategy =
  | 'FAIL_WITH_403'
  | 'SUCCEED_WITH_RESPONSE_HEADER'
  | 'SUCCEED_WITHOUT_RESPONSE_HEADER';

/** Per-method stage settings. Keys in `Stage.methodSettings` are the resource path without its leading slash plus the verb (`pets/GET`), or `*\/*` for all. */
export interface MethodSetting {
  readonly metricsEnabled: boolean;
  readonly loggingLevel: LoggingLevel;
  readonly dataTraceEnabled: boolean;
  /** Requests burst; a new entry gets AWS's default 5000. */
  readonly throttlingBurstLimit: number;
  /** Requests per second steady rate; a new entry gets AWS's default 10000. */
  readonly throttlingRateLimit: number;
  readonly cachingEnabled: boolean;
  /** 0..3600, default 300. */
  readonly cacheTtlInSeconds: number;
  readonly cacheDataEncrypted: boolean;
  readonly requireAuthorizationForCacheControl: boolean;
  readonly unauthorizedCacheControlHeaderStrategy: UnauthorizedCacheControlHeaderStrategy;
}

export interface CanarySettings {
  /** 0.0..100.0 */
  readonly percentTraffic: number;
  readonly deploymentId?: string;
  readonly stageVariableOverrides: Readonly<Record<string, string>>;
  readonly useStageCache: boolean;
}

export interface AccessLogSettings {
  readonly format?: string;
  readonly destinationArn?: string;
}

export interface Stage {
  readonly stageName: string;
  readonly deploymentId: string;
  readonly description?: string;
  readonly clientCertificateId?: string;
  readonly cacheClusterEnabled: boolean;
  /** '0.5' | '1.6' | '6.1' | '13.5' | '28.4' | '58.2' | '118' | '237' */
  readonly cacheClusterSize?: string;
  readonly cacheClusterStatus: 'CREATE_IN_PROGRESS' | 'AVAILABLE' | 'DELETE_IN_PROGRESS' | 'NOT_AVAILABLE' | 'FLUSH_IN_PROGRESS';
  /** `pets/GET`, `pets/{id}/GET` or `*\/*` → settings (AWS's key shape). */
  readonly methodSettings: Readonly<Record<string, MethodSetting>>;
  readonly variables: Readonly<Record<string, string>>;
  readonly documentationVersion?: string;
  readonly accessLogSettings?: AccessLogSettings;
  readonly canarySettings?: CanarySettings;
  readonly tracingEnabled: boolean;
  readonly webAclArn?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly createdDate: EpochSeconds;
  readonly lastUpdatedDate: EpochSeconds;
}

export interface ApiKey {
  readonly id: string;
  readonly value: string;
  readonly name: string;
  readonly customerId?: string;
  readonly description?: string;
  readonly enabled: boolean;
  readonly createdDate: EpochSeconds;
  readonly lastUpdatedDate: EpochSeconds;
  /** `{restApiId}/{stageName}` */
  readonly stageKeys: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

export interface ThrottleSettings {
  readonly burstLimit?: number;
  readonly rateLimit?: number;
}

export interface QuotaSettings {
  readonly limit: number;
  readonly offset: number;
  readonly period: QuotaPeriod;
}

export interface ApiStage {
  readonly apiId: string;
  readonly stage: string;
  /** `{resourcePath}/{VERB}` → method-level throttle within this plan. */
  readonly throttle?: Readonly<Record<string, ThrottleSettings>>;
}

export interface UsagePlan {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly apiStages: readonly ApiStage[];
  readonly throttle?: ThrottleSettings;
  readonly quota?: QuotaSettings;
  readonly productCode?: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface UsagePlanKey {
  /** The API key's id. */
  readonly id: string;
  readonly type: 'API_KEY';
  readonly value: string;
  readonly name: string;
}

export interface Account {
  readonly cloudwatchRoleArn?: string;
  /** Account-level (per region) throttle: AWS defaults rateLimit 10000, burstLimit 5000. */
  readonly throttleSettings: Required<ThrottleSettings>;
  readonly features: readonly string[];
  readonly apiKeyVersion: string;
}

// ---------------------------------------------------------------------------------------------
// Deployment snapshot: what a stage serves. Immutable, created by CreateDeployment.

/** The API-level settings the data plane needs, as of the deployment. */
export interface SnapshotApiSettings {
  readonly binaryMediaTypes: readonly string[];
  readonly minimumCompressionSize?: number;
  readonly apiKeySource: ApiKeySource;
  readonly disableExecuteApiEndpoint: boolean;
  readonly endpointConfiguration: EndpointConfiguration;
  readonly policy?: string;
}

export interface DeploymentSnapshot {
  readonly apiId: string;
  readonly deploymentId: string;
  readonly createdDate: EpochSeconds;
  readonly api: SnapshotApiSettings;
  /** Every resource of the API (root first, then by path), with methods, integrations, responses. */
  readonly resources: readonly Resource[];
  /** name → model (schemas referenced by requestModels/responseModels). */
  readonly models: Readonly<Record<string, Model>>;
  /** id → validator. */
  readonly requestValidators: Readonly<Record<string, RequestValidator>>;
  /** id → authorizer. */
  readonly authorizers: Readonly<Record<string, Authorizer>>;
  /**
   * Every response type → the effective gateway response (user's Put merged over AWS's defaults),
   * so the data plane never needs the default table.
   */
  readonly gatewayResponses: Readonly<Record<GatewayResponseType, GatewayResponse>>;
}

// ---------------------------------------------------------------------------------------------
// Read interface for the data plane.

export interface ResolvedCanary {
  readonly deployment: DeploymentSnapshot;
  readonly percentTraffic: number;
  readonly stageVariableOverrides: Readonly<Record<string, string>>;
  readonly useStageCache: boolean;
}

export interface ResolvedStage {
  readonly scope: Scope;
  readonly api: RestApi;
  readonly stage: Stage;
  readonly deployment: DeploymentSnapshot;
  /** Present when the stage has canarySettings with a deploymentId. */
  readonly canary?: ResolvedCanary;
}

/** A usage plan that covers one stage, with the API keys attached to it. */
export interface StagePlanBinding {
  readonly plan: UsagePlan;
  /** Method throttles of this plan for the stage (`/path/VERB` → limits), if any. */
  readonly methodThrottle?: Readonly<Record<string, ThrottleSettings>>;
  /** keyId → key (enabled or not; the data plane checks `enabled`). */
  readonly keys: ReadonlyMap<string, ApiKey>;
}

/** Things the control plane tells the data plane about, so caches and buckets follow writes. */
export type CatalogEvent =
  | { readonly type: 'stageChanged'; readonly scope: Scope; readonly apiId: string; readonly stageName: string }
  | { readonly type: 'stageDeleted'; readonly scope: Scope; readonly apiId: string; readonly stageName: string }
  | { readonly type: 'apiDeleted'; readonly scope: Scope; readonly apiId: string }
  | { readonly type: 'flushStageCache'; readonly scope: Scope; readonly apiId: string; readonly stageName: string }
  | { readonly type: 'flushStageAuthorizersCache'; readonly scope: Scope; readonly apiId: string; readonly stageName: string }
  | { readonly type: 'usagePlansChanged'; readonly scope: Scope }
  | { readonly type: 'apiKeysChanged'; readonly scope: Scope }
  | { readonly type: 'accountChanged'; readonly scope: Scope };

/**
 * What the data plane reads. All methods are synchronous and answer from memory; results are
 * frozen objects replaced (never mutated) on writes, so identity comparison detects change.
 */
export interface ApiGatewayCatalog {
  /** Where an API lives: data-plane URLs carry only the API id (ids are unique across scopes). */
  locateApi(apiId: string): Scope | undefined;
  resolveStage(accountId: string, region: string, apiId: string, stageName: string): ResolvedStage | undefined;
  /** Looks an API key up by its value (the `x-api-key` header or an authorizer's usageIdentifierKey). */
  findApiKeyByValue(accountId: string, region: string, value: string): ApiKey | undefined;
  /** Usage plans whose apiStages include this stage. */
  usagePlansForStage(accountId: string, region: string, apiId: string, stageName: string): readonly StagePlanBinding[];
  /** A usage plan by id (plan ids are unique across scopes), e.g. for the meter's quota. */
  findUsagePlan(usagePlanId: string): UsagePlan | undefined;
  /** Account-level throttle (per region). */
  account(accountId: string, region: string): Account;
  /** Subscribes to control-plane changes; returns the unsubscribe function. */
  subscribe(listener: (event: CatalogEvent) => void): () => void;
}

/**
 * Implemented by the data plane (it counts requests per usage plan and key, tables `apigw_usage_*`);
 * read by GetUsage and written by UpdateUsage. Dates are UTC days `YYYY-MM-DD`, inclusive.
 * Plan and key ids are unique across scopes (random ids), so no scope is passed.
 */
export interface UsageMeter {
  /**
   * keyId → one `[used, remaining]` pair per day of the range, oldest first (`remaining` = what
   * the plan's quota had left at the end of that day). Keys with no traffic may be omitted.
   */
  getUsage(
    usagePlanId: string,
    keyIds: readonly string[],
    startDate: string,
    endDate: string,
  ): Readonly<Record<string, ReadonlyArray<readonly [used: number, remaining: number]>>>;
  /** Requests left in the current quota period (plan's quota limit when unused). */
  remaining(usagePlanId: string, keyId: string): number;
  /** UpdateUsage (`replace /remaining`): sets what is left in the current quota period. */
  setRemaining(usagePlanId: string, keyId: string, remaining: number): void;
}

// The CloudFormation resource types Nimbus can deploy: their properties (required and known, so a
// typo is reported with its path), their GetAtt attributes and which property changes replace the
// resource instead of updating it in place.
export interface TypeSpec {
  required: readonly string[];
  known: readonly string[];
  attributes: readonly string[];
  /** Properties whose change needs a new physical resource. `*` = every change replaces. */
  replaceOn: readonly string[];
}

/** Whether `name` is one of the type's attributes (`Outputs.*` stands for any `Outputs.<Key>`). */
export function hasAttribute(spec: TypeSpec, name: string): boolean {
  return spec.attributes.some((a) => a === name || (a.endsWith('.*') && name.startsWith(a.slice(0, -1)) && name.length > a.length - 1));
}

export const TYPES: Record<string, TypeSpec> = {
  // A nested stack (SAM's AWS::Serverless::Application): a local template, deployed as a stack of its own.
  'AWS::CloudFormation::Stack': {
    required: ['TemplateURL'],
    known: ['TemplateURL', 'Parameters', 'Tags', 'TimeoutInMinutes', 'NotificationARNs', 'Nimbus::ContentSha256'],
    attributes: ['Outputs.*'],
    replaceOn: [],
  },
  'AWS::Lambda::Function': {
    required: ['Code', 'Role'],
    known: ['Code', 'Role', 'Handler', 'Runtime', 'MemorySize', 'Timeout', 'Environment', 'FunctionName', 'Description', 'Architectures', 'EphemeralStorage', 'ReservedConcurrentExecutions', 'Tags', 'LoggingConfig', 'TracingConfig', 'PackageType', 'Layers', 'VpcConfig', 'KmsKeyArn', 'SnapStart', 'DeadLetterConfig', 'RuntimeManagementConfig', 'RecursiveLoop'],
    attributes: ['Arn'],
    replaceOn: ['FunctionName'],
  },
  'AWS::Lambda::EventInvokeConfig': {
    required: ['FunctionName', 'Qualifier'],
    known: ['FunctionName', 'Qualifier', 'MaximumEventAgeInSeconds', 'MaximumRetryAttempts', 'DestinationConfig'],
    attributes: [],
    replaceOn: ['FunctionName', 'Qualifier'],
  },
  // Layer versions are immutable: any change publishes a new version (Ref is its LayerVersionArn).
  'AWS::Lambda::LayerVersion': {
    required: ['Content'],
    known: ['Content', 'LayerName', 'Description', 'CompatibleRuntimes', 'CompatibleArchitectures', 'LicenseInfo'],
    attributes: ['LayerVersionArn'],
    replaceOn: ['*'],
  },
  'AWS::Lambda::LayerVersionPermission': {
    required: ['Action', 'LayerVersionArn', 'Principal'],
    known: ['Action', 'LayerVersionArn', 'Principal', 'OrganizationId'],
    attributes: ['Id'],
    replaceOn: ['*'],
  },
  'AWS::Lambda::Version': { required: ['FunctionName'], known: ['FunctionName', 'Description', 'CodeSha256'], attributes: ['Version', 'FunctionArn'], replaceOn: ['*'] },
  'AWS::Lambda::Alias': {
    required: ['FunctionName', 'FunctionVersion', 'Name'],
    known: ['FunctionName', 'FunctionVersion', 'Name', 'Description', 'RoutingConfig', 'ProvisionedConcurrencyConfig'],
    attributes: ['AliasArn'],
    replaceOn: ['Name', 'FunctionName'],
  },
  'AWS::Lambda::Url': {
    required: ['AuthType', 'TargetFunctionArn'],
    known: ['AuthType', 'TargetFunctionArn', 'Qualifier', 'Cors', 'InvokeMode'],
    attributes: ['FunctionArn', 'FunctionUrl'],
    replaceOn: ['TargetFunctionArn', 'Qualifier'],
  },
  'AWS::Lambda::Permission': {
    required: ['Action', 'FunctionName', 'Principal'],
    known: ['Action', 'FunctionName', 'Principal', 'SourceArn', 'SourceAccount', 'EventSourceToken', 'FunctionUrlAuthType', 'PrincipalOrgID'],
    attributes: [],
    replaceOn: ['*'],
  },
  // Activities in Nimbus's Step Functions (CreateActivity / DeleteActivity).
  'AWS::StepFunctions::Activity': { required: ['Name'], known: ['Name', 'Tags', 'EncryptionConfiguration'], attributes: ['Arn', 'Name'], replaceOn: ['Name', 'EncryptionConfiguration'] },
  'AWS::StepFunctions::StateMachine': {
    required: ['RoleArn'],
    known: ['Definition', 'DefinitionString', 'DefinitionS3Location', 'DefinitionSubstitutions', 'RoleArn', 'StateMachineName', 'StateMachineType', 'LoggingConfiguration', 'TracingConfiguration', 'Tags'],
    attributes: ['Arn', 'Name', 'StateMachineRevisionId'],
    replaceOn: ['StateMachineName', 'StateMachineType'],
  },
  // A changed revision publishes a new version (the old one is kept: SAM sets DeletionPolicy Retain).
  'AWS::StepFunctions::StateMachineVersion': {
    required: ['StateMachineArn'],
    known: ['StateMachineArn', 'StateMachineRevisionId', 'Description'],
    attributes: ['Arn'],
    replaceOn: ['*'],
  },
  'AWS::StepFunctions::StateMachineAlias': {
    required: [],
    known: ['Name', 'Description', 'DeploymentPreference', 'RoutingConfiguration', 'StateMachineArn'],
    attributes: ['Arn'],
    replaceOn: ['Name'],
  },
  'AWS::ApiGateway::RestApi': {
    required: [],
    known: ['Name', 'Description', 'Body', 'BodyS3Location', 'BinaryMediaTypes', 'ApiKeySourceType', 'EndpointConfiguration', 'FailOnWarnings', 'Mode', 'Parameters', 'Policy', 'Tags', 'MinimumCompressionSize', 'DisableExecuteApiEndpoint', 'CloneFrom'],
    attributes: ['RestApiId', 'RootResourceId'],
    replaceOn: [],
  },
  'AWS::ApiGateway::Resource': { required: ['ParentId', 'PathPart', 'RestApiId'], known: ['ParentId', 'PathPart', 'RestApiId'], attributes: ['ResourceId'], replaceOn: ['*'] },
  'AWS::ApiGateway::Method': {
    required: ['HttpMethod', 'ResourceId', 'RestApiId'],
    known: ['HttpMethod', 'ResourceId', 'RestApiId', 'AuthorizationType', 'AuthorizerId', 'ApiKeyRequired', 'Integration', 'MethodResponses', 'RequestParameters', 'RequestModels', 'OperationName', 'RequestValidatorId', 'AuthorizationScopes'],
    attributes: [],
    replaceOn: ['HttpMethod', 'ResourceId', 'RestApiId'],
  },
  'AWS::ApiGateway::Deployment': { required: ['RestApiId'], known: ['RestApiId', 'Description', 'StageName', 'StageDescription', 'DeploymentCanarySettings'], attributes: ['DeploymentId'], replaceOn: ['*'] },
  'AWS::ApiGateway::Stage': {
    required: ['RestApiId'],
    known: ['RestApiId', 'StageName', 'DeploymentId', 'Description', 'Variables', 'MethodSettings', 'CanarySetting', 'TracingEnabled', 'CacheClusterEnabled', 'CacheClusterSize', 'AccessLogSetting', 'Tags', 'ClientCertificateId', 'DocumentationVersion'],
    attributes: [],
    replaceOn: ['RestApiId', 'StageName'],
  },
  'AWS::ApiGateway::Account': { required: [], known: ['CloudWatchRoleArn'], attributes: ['Id'], replaceOn: [] },
  'AWS::ApiGateway::ApiKey': { required: [], known: ['Name', 'Description', 'Enabled', 'StageKeys', 'Value', 'GenerateDistinctId', 'CustomerId', 'Tags'], attributes: ['APIKeyId'], replaceOn: ['Name', 'Value'] },
  'AWS::ApiGateway::UsagePlan': { required: [], known: ['ApiStages', 'Description', 'Quota', 'Throttle', 'UsagePlanName', 'Tags'], attributes: ['Id'], replaceOn: [] },
  'AWS::ApiGateway::UsagePlanKey': { required: ['KeyId', 'KeyType', 'UsagePlanId'], known: ['KeyId', 'KeyType', 'UsagePlanId'], attributes: ['Id'], replaceOn: ['*'] },
  'AWS::ApiGateway::Authorizer': {
    required: ['RestApiId', 'Type', 'Name'],
    known: ['RestApiId', 'Type', 'Name', 'AuthorizerUri', 'AuthorizerCredentials', 'AuthorizerResultTtlInSeconds', 'IdentitySource', 'IdentityValidationExpression', 'AuthType', 'ProviderARNs'],
    attributes: ['AuthorizerId'],
    replaceOn: ['RestApiId'],
  },
  'AWS::ApiGateway::RequestValidator': { required: ['RestApiId'], known: ['RestApiId', 'Name', 'ValidateRequestBody', 'ValidateRequestParameters'], attributes: ['RequestValidatorId'], replaceOn: ['RestApiId'] },
  'AWS::ApiGateway::Model': { required: ['RestApiId'], known: ['RestApiId', 'Name', 'ContentType', 'Description', 'Schema'], attributes: [], replaceOn: ['RestApiId', 'Name', 'ContentType'] },
  'AWS::ApiGateway::GatewayResponse': { required: ['RestApiId', 'ResponseType'], known: ['RestApiId', 'ResponseType', 'StatusCode', 'ResponseParameters', 'ResponseTemplates'], attributes: [], replaceOn: ['RestApiId', 'ResponseType'] },
  // HTTP APIs (API Gateway v2, ProtocolType HTTP), as SAM's HttpApi resources and events generate them.
  'AWS::ApiGatewayV2::Api': {
    required: [],
    known: ['Name', 'ProtocolType', 'Description', 'Version', 'CorsConfiguration', 'Tags', 'DisableExecuteApiEndpoint', 'Target', 'RouteKey', 'CredentialsArn', 'RouteSelectionExpression', 'ApiKeySelectionExpression', 'FailOnWarnings', 'Body', 'BasePath'],
    attributes: ['ApiId', 'ApiEndpoint'],
    replaceOn: ['ProtocolType'],
  },
  'AWS::ApiGatewayV2::Integration': {
    required: ['ApiId', 'IntegrationType'],
    known: [
      'ApiId', 'IntegrationType', 'IntegrationUri', 'IntegrationMethod', 'PayloadFormatVersion', 'TimeoutInMillis', 'Description', 'ConnectionType', 'ContentHandlingStrategy',
      'IntegrationSubtype', 'RequestParameters', 'CredentialsArn',
    ],
    attributes: ['IntegrationId'],
    replaceOn: ['ApiId'],
  },
  'AWS::ApiGatewayV2::Authorizer': {
    required: ['ApiId', 'AuthorizerType', 'Name'],
    known: ['ApiId', 'AuthorizerType', 'Name', 'AuthorizerUri', 'AuthorizerPayloadFormatVersion', 'EnableSimpleResponses', 'IdentitySource', 'AuthorizerResultTtlInSeconds', 'JwtConfiguration'],
    attributes: ['AuthorizerId'],
    replaceOn: ['ApiId'],
  },
  'AWS::ApiGatewayV2::Route': {
    required: ['ApiId', 'RouteKey'],
    known: ['ApiId', 'RouteKey', 'Target', 'AuthorizationType', 'AuthorizerId', 'AuthorizationScopes', 'ApiKeyRequired', 'OperationName', 'RouteResponseSelectionExpression'],
    attributes: ['RouteId'],
    replaceOn: ['ApiId'],
  },
  // WebSocket APIs (ProtocolType WEBSOCKET): route responses make routes two-way; deployments are explicit.
  'AWS::ApiGatewayV2::RouteResponse': {
    required: ['ApiId', 'RouteId', 'RouteResponseKey'],
    known: ['ApiId', 'RouteId', 'RouteResponseKey', 'ModelSelectionExpression', 'ResponseModels'],
    attributes: ['RouteResponseId'],
    replaceOn: ['ApiId', 'RouteId'],
  },
  'AWS::ApiGatewayV2::Deployment': { required: ['ApiId'], known: ['ApiId', 'Description', 'StageName'], attributes: ['DeploymentId'], replaceOn: ['*'] },
  'AWS::ApiGatewayV2::Stage': {
    required: ['ApiId', 'StageName'],
    known: ['ApiId', 'StageName', 'AutoDeploy', 'DeploymentId', 'Description', 'StageVariables', 'DefaultRouteSettings', 'RouteSettings', 'AccessLogSettings', 'Tags'],
    attributes: [],
    replaceOn: ['ApiId', 'StageName'],
  },
  // Recorded only: gradual deployments are driven by the deployer against Nimbus's CodeDeploy hook API.
  'AWS::CodeDeploy::Application': { required: [], known: ['ApplicationName', 'ComputePlatform', 'Tags'], attributes: [], replaceOn: ['ApplicationName', 'ComputePlatform'] },
  'AWS::CodeDeploy::DeploymentGroup': {
    required: ['ApplicationName', 'ServiceRoleArn'],
    known: ['ApplicationName', 'ServiceRoleArn', 'DeploymentGroupName', 'DeploymentConfigName', 'DeploymentStyle', 'AlarmConfiguration', 'AutoRollbackConfiguration', 'Tags'],
    attributes: [],
    replaceOn: ['ApplicationName', 'DeploymentGroupName'],
  },
  // No IAM in Nimbus: a role is recorded so `!GetAtt FnRole.Arn` resolves to a well-formed ARN.
  // Recorded only (no such service in Nimbus; nothing a function or workflow does depends on them):
  // IAM is not enforced, and `sam init`'s monitoring opt-in adds a resource group and Application
  // Insights, which would otherwise stop a stock template from deploying.
  'AWS::IAM::Policy': { required: ['PolicyDocument', 'PolicyName'], known: ['PolicyDocument', 'PolicyName', 'Groups', 'Roles', 'Users'], attributes: ['Id'], replaceOn: [] },
  'AWS::IAM::ManagedPolicy': {
    required: ['PolicyDocument'],
    known: ['PolicyDocument', 'ManagedPolicyName', 'Description', 'Groups', 'Path', 'Roles', 'Users'],
    attributes: ['PolicyArn', 'PolicyId'],
    replaceOn: ['ManagedPolicyName', 'Path'],
  },
  'AWS::ResourceGroups::Group': { required: ['Name'], known: ['Name', 'Description', 'ResourceQuery', 'Resources', 'Configuration', 'Tags'], attributes: ['Arn'], replaceOn: ['Name'] },
  'AWS::ApplicationInsights::Application': {
    required: ['ResourceGroupName'],
    known: ['ResourceGroupName', 'AutoConfigurationEnabled', 'CWEMonitorEnabled', 'OpsCenterEnabled', 'OpsItemSNSTopicArn', 'SNSNotificationArn', 'CustomComponents', 'LogPatternSets', 'ComponentMonitoringSettings', 'GroupingType', 'AttachMissingPermission', 'Tags'],
    attributes: ['ApplicationARN'],
    replaceOn: ['ResourceGroupName'],
  },
  'AWS::CloudWatch::Dashboard': { required: ['DashboardBody'], known: ['DashboardBody', 'DashboardName'], attributes: [], replaceOn: ['DashboardName'] },
  'AWS::IAM::Role': { required: [], known: ['AssumeRolePolicyDocument', 'Policies', 'ManagedPolicyArns', 'RoleName', 'Path', 'Description', 'PermissionsBoundary', 'Tags', 'MaxSessionDuration'], attributes: ['Arn', 'RoleId'], replaceOn: ['RoleName', 'Path'] },
  'AWS::Logs::LogGroup': { required: [], known: ['LogGroupName', 'RetentionInDays', 'Tags', 'KmsKeyId', 'LogGroupClass', 'DataProtectionPolicy'], attributes: ['Arn'], replaceOn: ['LogGroupName'] },
  // Schedule events: EventBridge rules in Nimbus (Lambda targets); state-machine targets fire client side (src/sam/scheduler.ts).
  // An EventBridge Scheduler schedule, carried out by an EventBridge rule of the same name on the
  // default bus (see provisioners.ts); Ref is its Name, Arn the scheduler ARN.
  'AWS::Scheduler::Schedule': {
    required: ['FlexibleTimeWindow', 'ScheduleExpression', 'Target'],
    known: ['FlexibleTimeWindow', 'ScheduleExpression', 'Target', 'Name', 'Description', 'GroupName', 'ScheduleExpressionTimezone', 'StartDate', 'EndDate', 'State', 'KmsKeyArn'],
    attributes: ['Arn'],
    replaceOn: ['Name', 'GroupName'],
  },
  // Recorded only (see provisioners.ts): a group names its schedules' ARNs.
  'AWS::Scheduler::ScheduleGroup': { required: [], known: ['Name', 'Tags'], attributes: ['Arn', 'CreationDate', 'LastModificationDate', 'State'], replaceOn: ['Name'] },
  'AWS::Events::Rule': { required: [], known: ['ScheduleExpression', 'State', 'Name', 'Description', 'Targets', 'EventPattern', 'EventBusName', 'RoleArn'], attributes: ['Arn'], replaceOn: ['Name', 'EventBusName'] },
  // Custom event buses in Nimbus's EventBridge; Policy is accepted, not applied (no resource policies).
  'AWS::Events::EventBus': {
    required: ['Name'],
    known: ['Name', 'Description', 'EventSourceName', 'KmsKeyIdentifier', 'DeadLetterConfig', 'Policy', 'Tags'],
    attributes: ['Arn', 'Name'],
    replaceOn: ['Name', 'EventSourceName'],
  },
  'AWS::CloudWatch::Alarm': {
    required: ['ComparisonOperator', 'EvaluationPeriods'],
    known: ['AlarmName', 'AlarmDescription', 'ActionsEnabled', 'AlarmActions', 'OKActions', 'InsufficientDataActions', 'ComparisonOperator', 'DatapointsToAlarm', 'Dimensions', 'EvaluateLowSampleCountPercentile', 'EvaluationPeriods', 'ExtendedStatistic', 'MetricName', 'Metrics', 'Namespace', 'Period', 'Statistic', 'Threshold', 'ThresholdMetricId', 'TreatMissingData', 'Unit'],
    attributes: ['Arn'],
    replaceOn: ['AlarmName'],
  },
};

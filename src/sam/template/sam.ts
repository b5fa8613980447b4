// The `AWS::Serverless-2016-10-31` transform: SAM resources become the CloudFormation resources SAM
// itself generates (same logical-id conventions: `ServerlessRestApi`, `<Fn>Role`,
// `<Fn>Alias<alias>`, `<Fn><Event>Permission`…), so Outputs written for AWS work unchanged.
// Pure: reads files only through the injected `files` callbacks.
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { TemplateError, joinPath } from './errors.js';
import { schedulerExpressionForRule, schedulerLimits } from './scheduler-expr.js';
import type { Json } from './yaml.js';
import { HttpApiBuild, IMPLICIT_HTTP_API, httpApiFor } from './http-api.js';

type Obj = Record<string, Json>;

export interface TransformInput {
  resources: Record<string, Obj>;
  globals: Obj | undefined;
  /** Resolves a plain value that SAM needs at transform time (AutoPublishAlias, DeploymentPreference.Type…). */
  resolve(value: Json, path: string): Json;
  /** Like resolve, but never reports: the value as is when it cannot be resolved yet. */
  tryResolve?(value: Json): Json;
  files: {
    /** Absolute path of a CodeUri/DefinitionUri; throws TemplateError when missing. */
    locate(uri: string, path: string, kind: 'dir-or-zip' | 'file'): string;
    /** Stable content hash of a code location (for version logical ids). */
    hash(absPath: string): string;
    /** Reads a YAML/JSON document (DefinitionUri). */
    readDocument(absPath: string, path: string): Json;
  };
  errors: TemplateError[];
  /** The account the stack deploys to (layers of other accounts cannot be fetched). */
  accountId: string;
}

const GLOBAL_SECTIONS = new Set(['Function', 'Api', 'StateMachine', 'HttpApi', 'SimpleTable', 'LayerVersion']);
const SUPPORTED_EVENTS = new Set(['Api', 'HttpApi', 'Schedule', 'ScheduleV2', 'EventBridgeRule', 'CloudWatchEvent']);

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 10);

/**
 * A layer version of another account, named by a literal ARN or one built with `!Sub` around a
 * literal account (`arn:aws:lambda:${AWS::Region}:017000801446:layer:AWSLambdaPowertools…:79`):
 * Nimbus has only the layers published to it, under its own account.
 */
export function foreignLayer(entry: Json, accountId: string): { arn: string; account: string } | undefined {
  const text = typeof entry === 'string' ? entry : isObj(entry) && 'Fn::Sub' in entry ? (Array.isArray(entry['Fn::Sub']) ? entry['Fn::Sub'][0] : entry['Fn::Sub']) : undefined;
  if (typeof text !== 'string') return undefined;
  const part = '(?:\\$\\{[^}]*\\}|[^:$])+'; // a segment, `${AWS::Region}` and the like included
  const m = new RegExp(`^arn:${part}:lambda:${part}:(\\d{12}):layer:${part}:${part}$`).exec(text);
  return m && m[1] !== accountId ? { arn: text, account: m[1]! } : undefined;
}

/** Globals merge as SAM merges them: maps merge recursively, lists concatenate, scalars override. */
function mergeGlobals(global: Json | undefined, local: Json | undefined): Json | undefined {
  if (global === undefined) return local;
  if (local === undefined) return global;
  if (isObj(global) && isObj(local) && !Object.keys(local).some((k) => k === 'Ref' || k.startsWith('Fn::'))) {
    const out: Obj = { ...global };
    for (const [k, v] of Object.entries(local)) out[k] = mergeGlobals(global[k], v) as Json;
    return out;
  }
  if (Array.isArray(global) && Array.isArray(local)) return [...global, ...local];
  return local;
}

/** SAM's `Fn.Alias` / `Fn.Version` reference shortcuts → generated logical ids (filled by the transform). */
export type RefShortcuts = Map<string, string>;

export function transformServerless(input: TransformInput, shortcuts: RefShortcuts = new Map()): Record<string, Obj> {
  const { errors } = input;
  const globals = input.globals ?? {};
  for (const section of Object.keys(globals)) {
    if (!GLOBAL_SECTIONS.has(section)) errors.push(new TemplateError(joinPath('Globals', section), `'${section}' is not a supported Globals section (Function, Api, HttpApi, StateMachine)`));
  }
  const out: Record<string, Obj> = {};
  const apis = new Map<string, ApiBuild>();
  const httpApis = new Map<string, HttpApiBuild>();
  const codeDeployGroups: Array<[string, Obj]> = [];

  const add = (id: string, resource: Obj, path: string) => {
    if (id in out) {
      errors.push(new TemplateError(path, `generated resource ${id} collides with a resource of the same logical id`));
      return;
    }
    out[id] = resource;
  };

  // Non-SAM resources pass through; SAM APIs are collected first so events can attach to them, and
  // layers are transformed first so functions know their content hashes.
  const layerHashes = new Map<string, string>();
  for (const [id, res] of Object.entries(input.resources)) {
    const type = res.Type;
    if (type === 'AWS::Serverless::LayerVersion') {
      const props = mergeGlobals(globals.LayerVersion, (res.Properties ?? {}) as Json);
      if (isObj(props)) transformLayer(id, props, res, `Resources.${id}`, input, add, layerHashes);
      else errors.push(new TemplateError(joinPath(`Resources.${id}`, 'Properties'), 'must be a mapping'));
    } else if (type === 'AWS::Serverless::Api') {
      const props = mergeGlobals(globals.Api, (res.Properties ?? {}) as Json) as Obj;
      apis.set(id, new ApiBuild(id, props, `Resources.${id}.Properties`, res, input));
    } else if (type === 'AWS::Serverless::HttpApi') {
      const props = mergeGlobals(globals.HttpApi, (res.Properties ?? {}) as Json) as Obj;
      const readDefinition = (uri: string, path: string) => input.files.readDocument(input.files.locate(uri, path, 'file'), path);
      httpApis.set(id, new HttpApiBuild(id, props, `Resources.${id}.Properties`, res, errors, readDefinition));
    } else if (type === 'AWS::Lambda::LayerVersion' && isObj(res.Properties) && typeof res.Properties.Content === 'string') {
      // A local Content path, as `sam package` takes it for this type (CloudFormation needs S3).
      try {
        const abs = input.files.locate(res.Properties.Content, `Resources.${id}.Properties.Content`, 'dir-or-zip');
        out[id] = { ...res, Properties: { ...res.Properties, Content: { 'Nimbus::CodePath': abs } } };
      } catch (err) {
        if (err instanceof TemplateError) errors.push(err);
        else throw err;
      }
    } else if (typeof type === 'string' && !type.startsWith('AWS::Serverless::')) {
      out[id] = res;
    }
  }
  const implicitApi = () => {
    let api = apis.get('ServerlessRestApi');
    if (!api) {
      const props = mergeGlobals(globals.Api, { StageName: 'Prod' }) as Obj;
      api = new ApiBuild('ServerlessRestApi', props, 'Resources', undefined, input);
      apis.set('ServerlessRestApi', api);
    }
    return api;
  };
  const apiFor = (eventProps: Obj, path: string): ApiBuild | undefined => {
    const rid = eventProps.RestApiId;
    if (rid === undefined) return implicitApi();
    const target = isObj(rid) && typeof rid.Ref === 'string' ? rid.Ref : typeof rid === 'string' ? rid : undefined;
    const api = target ? apis.get(target) : undefined;
    if (!api) errors.push(new TemplateError(joinPath(path, 'RestApiId'), 'must be a !Ref to an AWS::Serverless::Api resource in this template'));
    return api;
  };

  const implicitHttpApi = () => {
    let api = httpApis.get(IMPLICIT_HTTP_API);
    if (!api) {
      api = new HttpApiBuild(IMPLICIT_HTTP_API, (mergeGlobals(globals.HttpApi, {}) ?? {}) as Obj, 'Resources', undefined, errors);
      httpApis.set(IMPLICIT_HTTP_API, api);
    }
    return api;
  };
  const httpApiOf: HttpApiLookup = (ev, evPath) => httpApiFor(httpApis, implicitHttpApi, ev, evPath, errors);

  for (const [id, res] of Object.entries(input.resources)) {
    const base = `Resources.${id}`;
    const type = res.Type;
    if (type === 'AWS::Serverless::Function') {
      const props = mergeGlobals(globals.Function, (res.Properties ?? {}) as Json);
      if (!isObj(props)) {
        errors.push(new TemplateError(joinPath(base, 'Properties'), 'must be a mapping'));
        continue;
      }
      if (transformFunction(id, props, res, base, input, add, (ev, evPath) => apiFor(ev, evPath), httpApiOf, shortcuts, layerHashes)) codeDeployGroups.push([id, res]);
    } else if (type === 'AWS::Serverless::StateMachine') {
      const props = mergeGlobals(globals.StateMachine, (res.Properties ?? {}) as Json);
      if (!isObj(props)) {
        errors.push(new TemplateError(joinPath(base, 'Properties'), 'must be a mapping'));
        continue;
      }
      transformStateMachine(id, props, res, base, input, add, (ev, evPath) => apiFor(ev, evPath));
    } else if (type === 'AWS::Serverless::Application') {
      transformApplication(id, res, base, input, add);
    } else if (type === 'AWS::Serverless::Api' || type === 'AWS::Serverless::HttpApi' || type === 'AWS::Serverless::LayerVersion') {
      // built below / above, after every event had its say
    } else if (typeof type === 'string' && type.startsWith('AWS::Serverless::')) {
      errors.push(new TemplateError(joinPath(base, 'Type'), `${type} is not supported by Nimbus (supported: AWS::Serverless::Function, Api, HttpApi, StateMachine, LayerVersion, Application)`));
    }
  }
  for (const api of apis.values()) api.emit(add);
  for (const api of httpApis.values()) api.emit(add);
  if (codeDeployGroups.length) codeDeployResources(codeDeployGroups, add);
  return out;
}

const APPLICATION_PROPS = new Set(['Location', 'Parameters', 'Tags', 'TimeoutInMinutes', 'NotificationARNs']);

/**
 * A nested application, as SAM expands it: an AWS::CloudFormation::Stack of the template at
 * `Location` (a local path; applications of the Serverless Application Repository cannot be
 * fetched). The stack carries a hash of the template's folder, so a change there (code included)
 * deploys the nested stack again.
 */
function transformApplication(id: string, res: Obj, base: string, input: TransformInput, add: Add): void {
  const p = joinPath(base, 'Properties');
  const props = isObj(res.Properties) ? res.Properties : {};
  for (const k of Object.keys(props)) if (!APPLICATION_PROPS.has(k)) input.errors.push(new TemplateError(joinPath(p, k), 'unknown property of AWS::Serverless::Application'));
  const location = props.Location;
  if (typeof location !== 'string') {
    input.errors.push(new TemplateError(joinPath(p, 'Location'), isObj(location) && location.ApplicationId !== undefined
      ? 'applications of the Serverless Application Repository are not supported by Nimbus (they cannot be fetched); name a local template'
      : 'must be the path of a local template'));
    return;
  }
  let template: string;
  try {
    template = input.files.locate(location, joinPath(p, 'Location'), 'file');
  } catch (err) {
    if (err instanceof TemplateError) input.errors.push(err);
    else throw err;
    return;
  }
  const stack: Obj = { TemplateURL: template, 'Nimbus::ContentSha256': input.files.hash(dirname(template)) };
  if (props.Parameters !== undefined) stack.Parameters = props.Parameters;
  if (isObj(props.Tags)) stack.Tags = Object.entries(props.Tags).map(([Key, Value]) => ({ Key, Value }));
  if (props.TimeoutInMinutes !== undefined) stack.TimeoutInMinutes = props.TimeoutInMinutes;
  add(id, { Type: 'AWS::CloudFormation::Stack', Properties: stack, ...common(res) }, base);
}

/** The CodeDeploy resources SAM adds for gradual deployments, so templates that reference them
 * (`!Ref ServerlessDeploymentApplication`, `<Fn>DeploymentGroup`) resolve. Nimbus records them; the
 * traffic shifting itself is driven by the deployer (src/sam/deploy/traffic.ts). */
function codeDeployResources(groups: Array<[string, Obj]>, add: Add) {
  add('ServerlessDeploymentApplication', { Type: 'AWS::CodeDeploy::Application', Properties: { ComputePlatform: 'Lambda' } }, 'Resources');
  add('CodeDeployServiceRole', {
    Type: 'AWS::IAM::Role',
    Properties: { ManagedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda'] },
  }, 'Resources');
  for (const [id, res] of groups) {
    withCondition(add, res)(`${id}DeploymentGroup`, {
      Type: 'AWS::CodeDeploy::DeploymentGroup',
      Properties: {
        ApplicationName: { Ref: 'ServerlessDeploymentApplication' },
        ServiceRoleArn: { 'Fn::GetAtt': ['CodeDeployServiceRole', 'Arn'] },
        DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
      },
    }, `Resources.${id}.Properties.DeploymentPreference`);
  }
}

function common(res: Obj): Obj {
  const out: Obj = {};
  for (const k of ['DependsOn', 'Condition', 'Metadata', 'DeletionPolicy', 'UpdateReplacePolicy'] as const) {
    if (res[k] !== undefined) out[k] = res[k]!;
  }
  return out;
}

type Add = (id: string, resource: Obj, path: string) => void;
type ApiLookup = (eventProps: Obj, path: string) => ApiBuild | undefined;
type HttpApiLookup = (eventProps: Obj, path: string) => HttpApiBuild | undefined;

const FUNCTION_PROPS = new Set([
  'CodeUri', 'InlineCode', 'Handler', 'Runtime', 'MemorySize', 'Timeout', 'Environment', 'AutoPublishAlias',
  'DeploymentPreference', 'Events', 'FunctionName', 'Description', 'Role', 'Policies', 'Tags', 'Architectures',
  'EphemeralStorage', 'ReservedConcurrentExecutions', 'Tracing', 'PackageType', 'AutoPublishCodeSha256',
  'VersionDescription', 'Layers', 'LoggingConfig', 'PermissionsBoundary', 'ProvisionedConcurrencyConfig',
  // RuntimeManagementConfig and RecursiveLoop go to the function (recorded: Nimbus has one build per
  // runtime and no loops to detect); PropagateTags (tags of generated resources are not modelled) is accepted as SAM does.
  'KmsKeyArn', 'VpcConfig', 'DeadLetterQueue', 'EventInvokeConfig', 'RuntimeManagementConfig', 'RecursiveLoop', 'PropagateTags', 'SnapStart',
  'FunctionUrlConfig', 'ImageUri', 'ImageConfig', 'CodeSigningConfigArn', 'FileSystemConfigs', 'AssumeRolePolicyDocument',
  'AutoPublishAliasAllProperties', 'RolePath',
]);
const UNSUPPORTED_FN_PROPS: Record<string, string> = {
  ImageUri: 'container images', ImageConfig: 'container images',
  FileSystemConfigs: 'EFS',
};

export const DEPLOYMENT_TYPES = new Set([
  'Canary10Percent5Minutes', 'Canary10Percent10Minutes', 'Canary10Percent15Minutes', 'Canary10Percent30Minutes',
  'Linear10PercentEvery1Minute', 'Linear10PercentEvery2Minutes', 'Linear10PercentEvery3Minutes',
  'Linear10PercentEvery10Minutes', 'AllAtOnce',
]);

/** Resources generated for a conditional SAM resource carry its Condition, as SAM does. */
function withCondition(add: Add, res: Obj | undefined): Add {
  const cond = res?.Condition;
  if (cond === undefined) return add;
  return (id, r, path) => add(id, r.Condition === undefined ? { ...r, Condition: cond } : r, path);
}

/**
 * EventInvokeConfig, as SAM expands it: `<Fn>EventInvokeConfig` (AWS::Lambda::EventInvokeConfig) on
 * the function's AutoPublishAlias, else on $LATEST. Destinations must be named: SAM would create an
 * SQS queue or SNS topic for one without `Destination`, which Nimbus does not provide.
 */
function eventInvokeConfig(id: string, config: Json, alias: { aliasId: string; name: string } | undefined, path: string, add: Add, errors: TemplateError[]): void {
  if (!isObj(config)) {
    errors.push(new TemplateError(path, 'must be a mapping (MaximumEventAgeInSeconds, MaximumRetryAttempts, DestinationConfig)'));
    return;
  }
  const props: Obj = { FunctionName: { Ref: id }, Qualifier: alias?.name ?? '$LATEST' };
  for (const k of ['MaximumEventAgeInSeconds', 'MaximumRetryAttempts'] as const) if (config[k] !== undefined) props[k] = config[k]!;
  const destinations = config.DestinationConfig;
  if (isObj(destinations)) {
    const out: Obj = {};
    for (const when of ['OnSuccess', 'OnFailure'] as const) {
      const d = destinations[when];
      if (d === undefined) continue;
      if (!isObj(d) || d.Destination === undefined) {
        errors.push(new TemplateError(joinPath(joinPath(path, 'DestinationConfig'), when), 'a destination without Destination (SAM creates an SQS queue or SNS topic for it) is not supported by Nimbus; name the destination\'s ARN'));
        continue;
      }
      out[when] = { Destination: d.Destination };
    }
    props.DestinationConfig = out;
  }
  add(`${id}EventInvokeConfig`, { Type: 'AWS::Lambda::EventInvokeConfig', Properties: props, ...(alias ? { DependsOn: [alias.aliasId] } : {}) }, path);
}

/**
 * FunctionUrlConfig, as SAM expands it: an AWS::Lambda::Url on the function (its AutoPublishAlias
 * when it has one) and, for AuthType NONE, the public lambda:InvokeFunctionUrl permission.
 */
function functionUrl(id: string, config: Json, alias: { aliasId: string; name: string } | undefined, path: string, add: Add, errors: TemplateError[]): void {
  if (!isObj(config)) {
    errors.push(new TemplateError(path, 'must be a mapping with AuthType'));
    return;
  }
  for (const k of Object.keys(config)) {
    if (!['AuthType', 'Cors', 'InvokeMode'].includes(k)) errors.push(new TemplateError(joinPath(path, k), 'is not a property of FunctionUrlConfig'));
  }
  if (config.AuthType === undefined) errors.push(new TemplateError(joinPath(path, 'AuthType'), 'is required'));
  const props: Obj = { TargetFunctionArn: { Ref: id }, AuthType: config.AuthType! };
  if (config.Cors !== undefined) props.Cors = config.Cors;
  if (config.InvokeMode !== undefined) props.InvokeMode = config.InvokeMode;
  if (alias) props.Qualifier = alias.name;
  add(`${id}Url`, { Type: 'AWS::Lambda::Url', ...(alias ? { DependsOn: [alias.aliasId] } : {}), Properties: props }, path);
  if (config.AuthType === 'NONE') {
    add(`${id}UrlPublicPermissions`, {
      Type: 'AWS::Lambda::Permission',
      ...(alias ? { DependsOn: [alias.aliasId] } : {}),
      Properties: { Action: 'lambda:InvokeFunctionUrl', FunctionName: alias ? { Ref: alias.aliasId } : { Ref: id }, Principal: '*', FunctionUrlAuthType: 'NONE' },
    }, path);
  }
}

/** Returns whether the function deploys gradually (an enabled DeploymentPreference). */
function transformFunction(id: string, props: Obj, res: Obj, base: string, input: TransformInput, addAny: Add, apiFor: ApiLookup, httpApiOf: HttpApiLookup, shortcuts: RefShortcuts, layerHashes: Map<string, string>): boolean {
  let gradual = false;
  const { errors } = input;
  const add = withCondition(addAny, res);
  const p = joinPath(base, 'Properties');
  for (const k of Object.keys(props)) {
    if (!FUNCTION_PROPS.has(k)) errors.push(new TemplateError(joinPath(p, k), `unknown property of AWS::Serverless::Function`));
    else if (UNSUPPORTED_FN_PROPS[k]) errors.push(new TemplateError(joinPath(p, k), `${UNSUPPORTED_FN_PROPS[k]} are not supported by Nimbus`));
  }
  if (props.PackageType === 'Image') errors.push(new TemplateError(joinPath(p, 'PackageType'), 'container images are not supported by Nimbus'));
  let code: Obj | undefined;
  let codeHash = '';
  if (props.InlineCode !== undefined) {
    if (props.CodeUri !== undefined) errors.push(new TemplateError(joinPath(p, 'InlineCode'), 'specify either CodeUri or InlineCode, not both'));
    code = { ZipFile: props.InlineCode };
    codeHash = hash(JSON.stringify(props.InlineCode));
  } else if (props.CodeUri !== undefined) {
    const uri = props.CodeUri;
    if (typeof uri !== 'string') errors.push(new TemplateError(joinPath(p, 'CodeUri'), 'must be a local path (S3 locations are not supported by Nimbus)'));
    else {
      try {
        const abs = input.files.locate(uri, joinPath(p, 'CodeUri'), 'dir-or-zip');
        code = { 'Nimbus::CodePath': abs };
        codeHash = input.files.hash(abs);
      } catch (err) {
        if (err instanceof TemplateError) errors.push(err);
        else throw err;
      }
    }
  } else if (props.ImageUri === undefined && props.PackageType !== 'Image') {
    // No CodeUri: `sam build` / `sam package` take the template's folder as the code.
    try {
      const abs = input.files.locate('.', joinPath(p, 'CodeUri'), 'dir-or-zip');
      code = { 'Nimbus::CodePath': abs };
      codeHash = input.files.hash(abs);
    } catch (err) {
      if (err instanceof TemplateError) errors.push(err);
      else throw err;
    }
  }
  for (const k of ['Handler', 'Runtime'] as const) {
    if (props[k] === undefined) errors.push(new TemplateError(joinPath(p, k), `is required`));
  }
  const fn: Obj = {
    Type: 'AWS::Lambda::Function',
    Properties: {},
    ...common(res),
  };
  const fp = fn.Properties as Obj;
  if (code) fp.Code = code;
  for (const k of ['Handler', 'Runtime', 'MemorySize', 'Timeout', 'Environment', 'FunctionName', 'Description', 'Architectures', 'EphemeralStorage', 'ReservedConcurrentExecutions', 'LoggingConfig', 'TracingConfig', 'Layers', 'VpcConfig', 'KmsKeyArn', 'SnapStart', 'RuntimeManagementConfig', 'RecursiveLoop'] as const) {
    if (props[k] !== undefined) fp[k] = props[k]!;
  }
  if (isObj(props.DeadLetterQueue)) fp.DeadLetterConfig = { TargetArn: props.DeadLetterQueue.TargetArn ?? null };
  if (Array.isArray(fp.Layers)) {
    for (const [i, layer] of fp.Layers.entries()) {
      const foreign = foreignLayer(layer, input.accountId);
      if (foreign) {
        errors.push(new TemplateError(joinPath(joinPath(p, 'Layers'), String(i)), `layer ${foreign.arn} of account ${foreign.account} is not supported by Nimbus: layers of other accounts (AWS's public ones too) cannot be fetched; publish its content with PublishLayerVersion and name that version, or leave it out with --skip-unsupported`));
      }
    }
  }
  if (props.Tracing !== undefined) fp.TracingConfig = { Mode: props.Tracing };
  const tags: Json[] = [{ Key: 'lambda:createdBy', Value: 'SAM' }];
  if (isObj(props.Tags)) for (const [k, v] of Object.entries(props.Tags)) tags.push({ Key: k, Value: v });
  fp.Tags = tags;
  if (props.Role !== undefined) fp.Role = props.Role;
  else {
    // SAM creates `<Fn>Role`; Nimbus has no IAM, so it is recorded with a well-formed ARN only.
    add(`${id}Role`, { Type: 'AWS::IAM::Role', Properties: { Policies: props.Policies ?? [], ManagedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'] } }, joinPath(p, 'Role'));
    fp.Role = { 'Fn::GetAtt': [`${id}Role`, 'Arn'] };
  }
  add(id, fn, base);

  // AutoPublishAlias: a Version whose logical id changes with the code, and an alias pointing to it.
  let target: Json = { 'Fn::GetAtt': [id, 'Arn'] };
  const aliasRaw = props.AutoPublishAlias;
  let urlQualifier: { aliasId: string; name: string } | undefined;
  if (aliasRaw !== undefined) {
    const alias = input.resolve(aliasRaw, joinPath(p, 'AutoPublishAlias'));
    if (typeof alias !== 'string' || !/^(?!^[0-9]+$)[a-zA-Z0-9-_]+$/.test(alias)) {
      errors.push(new TemplateError(joinPath(p, 'AutoPublishAlias'), `must be an alias name (letters, digits, - and _; not only digits), got ${JSON.stringify(alias)}`));
    } else {
      // A new version when the code or its configuration changes — parameters resolved, so a
      // `--parameter-overrides` change reaches the alias too.
      // A layer of this template is named by `!Ref`, whose ARN is known only once it is published:
      // its content hash stands in, so new layer content publishes a new function version too.
      const layers: Json = Array.isArray(fp.Layers)
        ? fp.Layers.map((l) => (isObj(l) && typeof l.Ref === 'string' && layerHashes.has(l.Ref) ? layerHashes.get(l.Ref)! : l))
        : (fp.Layers ?? null);
      const config: Json = [fp.Handler ?? null, fp.Runtime ?? null, fp.MemorySize ?? null, fp.Timeout ?? null, fp.Environment ?? null, fp.Architectures ?? null, ...(fp.Layers !== undefined ? [layers] : [])];
      const configHash = hash(codeHash + JSON.stringify(input.tryResolve ? input.tryResolve(config) : config));
      const versionId = `${id}Version${configHash}`;
      add(versionId, {
        Type: 'AWS::Lambda::Version',
        DeletionPolicy: 'Retain',
        Properties: { FunctionName: { Ref: id }, ...(props.VersionDescription !== undefined ? { Description: props.VersionDescription } : {}) },
      }, joinPath(p, 'AutoPublishAlias'));
      const aliasId = `${id}Alias${alias.replace(/[^A-Za-z0-9]/g, '')}`;
      const aliasRes: Obj = {
        Type: 'AWS::Lambda::Alias',
        Properties: { Name: alias, FunctionName: { Ref: id }, FunctionVersion: { 'Fn::GetAtt': [versionId, 'Version'] } },
      };
      // As SAM does: the alias carries the function's provisioned concurrency.
      if (props.ProvisionedConcurrencyConfig !== undefined) (aliasRes.Properties as Obj).ProvisionedConcurrencyConfig = props.ProvisionedConcurrencyConfig;
      const pref = props.DeploymentPreference;
      if (pref !== undefined) {
        const dp = deploymentPreference(pref, joinPath(p, 'DeploymentPreference'), input);
        if (dp) {
          aliasRes.Metadata = { 'Nimbus::DeploymentPreference': dp };
          gradual = true;
        }
      }
      add(aliasId, aliasRes, joinPath(p, 'AutoPublishAlias'));
      shortcuts.set(`${id}.Alias`, aliasId);
      shortcuts.set(`${id}.Version`, versionId);
      target = { Ref: aliasId };
      urlQualifier = { aliasId, name: alias };
    }
  } else if (props.DeploymentPreference !== undefined && !preferenceDisabled(props.DeploymentPreference, input)) {
    errors.push(new TemplateError(joinPath(p, 'DeploymentPreference'), 'needs AutoPublishAlias (traffic shifts between alias versions)'));
  }
  if (aliasRaw === undefined && props.ProvisionedConcurrencyConfig !== undefined) {
    errors.push(new TemplateError(joinPath(p, 'ProvisionedConcurrencyConfig'), 'needs AutoPublishAlias (provisioned concurrency applies to the alias)'));
  }
  if (props.FunctionUrlConfig !== undefined) functionUrl(id, props.FunctionUrlConfig, urlQualifier, joinPath(p, 'FunctionUrlConfig'), add, errors);
  if (props.EventInvokeConfig !== undefined) eventInvokeConfig(id, props.EventInvokeConfig, urlQualifier, joinPath(p, 'EventInvokeConfig'), add, errors);

  forEachEvent(props, p, errors, {
    api(evId, ep, path, method, evProps) {
      const api = apiFor(evProps, joinPath(ep, 'Properties'));
      if (!api) return;
      api.addLambdaRoute(path, method.toLowerCase(), target, isObj(evProps.Auth) ? evProps.Auth : undefined, joinPath(ep, 'Properties'), evProps);
      add(`${id}${evId}Permission${api.stageSuffix()}`, {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction',
          FunctionName: target,
          Principal: 'apigateway.amazonaws.com',
          SourceArn: { 'Fn::Sub': [`arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${__ApiId__}/*/${method.toUpperCase() === 'ANY' ? '*' : method.toUpperCase()}${path.replace(/\{[^}]+\}/g, '*')}`, { __ApiId__: { Ref: api.id } }] },
        },
      }, ep);
    },
    httpApi(evId, ep, evProps) {
      httpApiOf(evProps, joinPath(ep, 'Properties'))?.addLambdaRoute(id, evId, target, evProps, joinPath(ep, 'Properties'), add);
    },
    rule(evId, ep, evProps) {
      eventRule(`${id}${evId}`, evProps, ep, target, add, input);
    },
  });
  return gradual;
}

const LAYER_PROPS = new Set(['ContentUri', 'LayerName', 'Description', 'CompatibleRuntimes', 'CompatibleArchitectures', 'LicenseInfo', 'RetentionPolicy']);

/**
 * AWS::Serverless::LayerVersion → AWS::Lambda::LayerVersion under the same logical id (so `!Ref`
 * gives the LayerVersionArn). The name defaults to the logical id, as SAM's; RetentionPolicy
 * (Retain unless Delete, as SAM) becomes the DeletionPolicy that keeps replaced versions.
 */
function transformLayer(id: string, props: Obj, res: Obj, base: string, input: TransformInput, add: Add, hashes: Map<string, string>): void {
  const { errors } = input;
  const p = joinPath(base, 'Properties');
  for (const k of Object.keys(props)) {
    if (!LAYER_PROPS.has(k)) errors.push(new TemplateError(joinPath(p, k), 'unknown property of AWS::Serverless::LayerVersion'));
  }
  const layer: Obj = { LayerName: props.LayerName ?? id };
  const uri = props.ContentUri;
  if (typeof uri !== 'string') {
    errors.push(new TemplateError(joinPath(p, 'ContentUri'), uri === undefined ? 'is required' : 'must be a local path (S3 locations are not supported by Nimbus)'));
  } else {
    try {
      const abs = input.files.locate(uri, joinPath(p, 'ContentUri'), 'dir-or-zip');
      layer.Content = { 'Nimbus::CodePath': abs };
      hashes.set(id, input.files.hash(abs));
    } catch (err) {
      if (err instanceof TemplateError) errors.push(err);
      else throw err;
    }
  }
  for (const k of ['Description', 'CompatibleRuntimes', 'CompatibleArchitectures', 'LicenseInfo'] as const) {
    if (props[k] !== undefined) layer[k] = props[k]!;
  }
  const retention = props.RetentionPolicy === undefined ? 'Retain' : input.resolve(props.RetentionPolicy, joinPath(p, 'RetentionPolicy'));
  if (retention !== 'Retain' && retention !== 'Delete') {
    errors.push(new TemplateError(joinPath(p, 'RetentionPolicy'), `must be Retain or Delete, got ${JSON.stringify(retention)}`));
  }
  add(id, { Type: 'AWS::Lambda::LayerVersion', Properties: layer, ...common(res), DeletionPolicy: retention === 'Delete' ? 'Delete' : 'Retain' }, base);
}

/** `DeploymentPreference: {Enabled: false}` turns the preference off (SAM then needs no alias for it). */
function preferenceDisabled(pref: Json, input: TransformInput): boolean {
  if (!isObj(pref) || pref.Enabled === undefined) return false;
  const enabled = input.tryResolve ? input.tryResolve(pref.Enabled) : pref.Enabled;
  return enabled === false || enabled === 'false';
}

function deploymentPreference(pref: Json, path: string, input: TransformInput): Obj | undefined {
  if (!isObj(pref)) {
    input.errors.push(new TemplateError(path, 'must be a mapping with a Type'));
    return undefined;
  }
  if (pref.Enabled !== undefined) {
    const enabled = input.resolve(pref.Enabled, joinPath(path, 'Enabled'));
    if (enabled === false || enabled === 'false') return undefined;
  }
  const type = input.resolve(pref.Type ?? null, joinPath(path, 'Type'));
  if (typeof type !== 'string' || !DEPLOYMENT_TYPES.has(type)) {
    input.errors.push(new TemplateError(joinPath(path, 'Type'), `must be one of ${[...DEPLOYMENT_TYPES].join(', ')}; got ${JSON.stringify(type)}`));
    return undefined;
  }
  const out: Obj = { Type: type };
  if (pref.Hooks !== undefined) {
    if (!isObj(pref.Hooks)) input.errors.push(new TemplateError(joinPath(path, 'Hooks'), 'must be a mapping with PreTraffic/PostTraffic'));
    else {
      for (const k of Object.keys(pref.Hooks)) {
        if (k !== 'PreTraffic' && k !== 'PostTraffic') input.errors.push(new TemplateError(joinPath(joinPath(path, 'Hooks'), k), 'only PreTraffic and PostTraffic hooks exist'));
      }
      out.Hooks = pref.Hooks;
    }
  }
  if (pref.Alarms !== undefined) {
    if (!Array.isArray(pref.Alarms)) input.errors.push(new TemplateError(joinPath(path, 'Alarms'), 'must be a list of alarm names (!Ref AlarmResource)'));
    else out.Alarms = pref.Alarms;
  }
  for (const k of Object.keys(pref)) {
    if (!['Type', 'Hooks', 'Alarms', 'Enabled', 'Role', 'TriggerConfigurations', 'PassthroughCondition'].includes(k)) {
      input.errors.push(new TemplateError(joinPath(path, k), 'unknown DeploymentPreference property'));
    }
  }
  return out;
}

/**
 * An EventBridge rule for a Schedule event (`Schedule`) or an EventBridgeRule / CloudWatchEvent
 * event (`Pattern`), targeting the function or state machine, as SAM generates it.
 */
function eventRule(ruleId: string, props: Obj, path: string, target: Json, add: Add, input: TransformInput, stateMachine = false) {
  const trigger: Obj = props.Pattern !== undefined ? { EventPattern: props.Pattern } : { ScheduleExpression: props.Schedule! };
  if (props.Pattern === undefined && props.Schedule === undefined) {
    input.errors.push(new TemplateError(joinPath(path, 'Properties.Schedule'), 'is required (rate(...) or cron(...))'));
    return;
  }
  // EventBridgeRule / CloudWatchEvent rules may sit on a custom bus; schedules exist only on the default one.
  if (props.EventBusName !== undefined && props.Pattern === undefined && props.EventBusName !== 'default') {
    input.errors.push(new TemplateError(joinPath(path, 'Properties.EventBusName'), 'scheduled rules run only on the default event bus'));
    return;
  }
  const enabled = props.Enabled === undefined ? true : props.Enabled;
  const state = props.State ?? (enabled === false ? 'DISABLED' : 'ENABLED');
  // SAM's target id: the event's `Target.Id` (EventBridgeRule / CloudWatchEvent), else the rule's logical
  // id with `LambdaTarget` / `StepFunctionsTarget`, its head cut to keep EventBridge's 64 characters.
  const suffix = stateMachine ? 'StepFunctionsTarget' : 'LambdaTarget';
  const ownId = isObj(props.Target) ? props.Target.Id : undefined;
  const targetEntry: Obj = { Arn: target, Id: ownId ?? (ruleId.length + suffix.length <= 64 ? ruleId + suffix : ruleId.slice(0, 64 - suffix.length) + suffix) };
  if (props.Input !== undefined) targetEntry.Input = props.Input;
  if (props.RetryPolicy !== undefined) targetEntry.RetryPolicy = props.RetryPolicy;
  if (props.InputPath !== undefined) targetEntry.InputPath = props.InputPath;
  if (props.InputTransformer !== undefined) targetEntry.InputTransformer = props.InputTransformer;
  if (stateMachine) {
    // SAM gives EventBridge a role to start the execution with (`<StateMachine><Event>Role`).
    add(`${ruleId}Role`, {
      Type: 'AWS::IAM::Role',
      Properties: { Policies: [{ PolicyName: `${ruleId}RoleStartExecutionPolicy`, PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'states:StartExecution', Resource: target }] } }] },
    }, path);
    targetEntry.RoleArn = { 'Fn::GetAtt': [`${ruleId}Role`, 'Arn'] };
  }
  add(ruleId, {
    Type: 'AWS::Events::Rule',
    Properties: {
      ...trigger,
      State: state,
      ...(props.Name !== undefined ? { Name: props.Name } : {}),
      ...(props.RuleName !== undefined ? { Name: props.RuleName } : {}),
      ...(props.Description !== undefined ? { Description: props.Description } : {}),
      ...(props.Pattern !== undefined && props.EventBusName !== undefined ? { EventBusName: props.EventBusName } : {}),
      ...(props['Nimbus::FireOnCreate'] === true ? { 'Nimbus::FireOnCreate': true } : {}),
      Targets: [targetEntry],
    },
    Metadata: { 'Nimbus::TargetKind': stateMachine ? 'states' : 'lambda' },
  }, path);
  if (!stateMachine) {
    add(`${ruleId}Permission`, {
      Type: 'AWS::Lambda::Permission',
      Properties: { Action: 'lambda:InvokeFunction', FunctionName: target, Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] } },
    }, path);
  }
}

const SM_PROPS = new Set(['Definition', 'DefinitionUri', 'DefinitionSubstitutions', 'Type', 'Name', 'Role', 'Policies', 'Events', 'Logging', 'Tracing', 'Tags', 'PermissionsBoundary', 'RolePath', 'AutoPublishAlias', 'DeploymentPreference', 'UseAliasAsEventTarget']);

function transformStateMachine(id: string, props: Obj, res: Obj, base: string, input: TransformInput, addAny: Add, apiFor: ApiLookup) {
  const { errors } = input;
  const add = withCondition(addAny, res);
  const p = joinPath(base, 'Properties');
  for (const k of Object.keys(props)) {
    if (!SM_PROPS.has(k)) errors.push(new TemplateError(joinPath(p, k), 'unknown property of AWS::Serverless::StateMachine'));
  }
  let definition: Json | undefined;
  if (props.Definition !== undefined) {
    if (props.DefinitionUri !== undefined) errors.push(new TemplateError(joinPath(p, 'Definition'), 'specify either Definition or DefinitionUri, not both'));
    definition = props.Definition;
  } else if (props.DefinitionUri !== undefined) {
    if (typeof props.DefinitionUri !== 'string') errors.push(new TemplateError(joinPath(p, 'DefinitionUri'), 'must be a local file path (S3 locations are not supported by Nimbus)'));
    else {
      try {
        const abs = input.files.locate(props.DefinitionUri, joinPath(p, 'DefinitionUri'), 'file');
        definition = input.files.readDocument(abs, joinPath(p, 'DefinitionUri'));
      } catch (err) {
        if (err instanceof TemplateError) errors.push(err);
        else throw err;
      }
    }
  } else errors.push(new TemplateError(p, 'AWS::Serverless::StateMachine needs Definition or DefinitionUri'));
  const sp: Obj = {};
  if (definition !== undefined) sp.Definition = definition;
  if (props.DefinitionSubstitutions !== undefined) sp.DefinitionSubstitutions = props.DefinitionSubstitutions;
  if (props.Name !== undefined) sp.StateMachineName = props.Name;
  if (props.Type !== undefined) sp.StateMachineType = props.Type;
  if (props.Logging !== undefined) sp.LoggingConfiguration = props.Logging;
  if (props.Tracing !== undefined) sp.TracingConfiguration = props.Tracing;
  if (isObj(props.Tags)) sp.Tags = Object.entries(props.Tags).map(([Key, Value]) => ({ Key, Value }));
  if (props.Role !== undefined) sp.RoleArn = props.Role;
  else {
    add(`${id}Role`, { Type: 'AWS::IAM::Role', Properties: { Policies: props.Policies ?? [] } }, p);
    sp.RoleArn = { 'Fn::GetAtt': [`${id}Role`, 'Arn'] };
  }
  add(id, { Type: 'AWS::StepFunctions::StateMachine', Properties: sp, ...common(res) }, base);
  const aliasId = stateMachineAlias(id, props, p, input, add);
  // UseAliasAsEventTarget: events start executions of the alias rather than of the latest revision.
  const target: Json = aliasId && props.UseAliasAsEventTarget === true ? { Ref: aliasId } : { Ref: id };
  forEachEvent(props, p, errors, {
    api(_evId, ep, path, method, evProps) {
      apiFor(evProps, joinPath(ep, 'Properties'))?.addStatesRoute(path, method.toLowerCase(), target, joinPath(ep, 'Properties'));
    },
    httpApi(_evId, ep) {
      errors.push(new TemplateError(joinPath(ep, 'Type'), 'HttpApi events of state machines are not supported by Nimbus (functions take them)'));
    },
    rule(evId, ep, evProps) {
      eventRule(`${id}${evId}`, evProps, ep, target, add, input, true);
    },
  });
}

/**
 * AutoPublishAlias of a state machine, as SAM expands it: `<Id>Version` publishes the machine's
 * current revision (kept when a new revision replaces it) and `<Id>Alias<Name>` points to it,
 * moved by DeploymentPreference (ALL_AT_ONCE unless given). Returns the alias's logical id.
 */
function stateMachineAlias(id: string, props: Obj, p: string, input: TransformInput, add: Add): string | undefined {
  if (props.AutoPublishAlias === undefined) {
    if (props.DeploymentPreference !== undefined) input.errors.push(new TemplateError(joinPath(p, 'DeploymentPreference'), 'needs AutoPublishAlias'));
    if (props.UseAliasAsEventTarget !== undefined) input.errors.push(new TemplateError(joinPath(p, 'UseAliasAsEventTarget'), 'needs AutoPublishAlias'));
    return undefined;
  }
  const alias = input.resolve(props.AutoPublishAlias, joinPath(p, 'AutoPublishAlias'));
  if (typeof alias !== 'string' || !/^(?=.*[a-zA-Z_.-])[a-zA-Z0-9_.-]{1,80}$/.test(alias)) {
    input.errors.push(new TemplateError(joinPath(p, 'AutoPublishAlias'), `must be an alias name (letters, digits, - and _; not only digits), got ${JSON.stringify(alias)}`));
    return undefined;
  }
  const pref = props.DeploymentPreference === undefined ? { Type: 'ALL_AT_ONCE' } : props.DeploymentPreference;
  if (!isObj(pref)) {
    input.errors.push(new TemplateError(joinPath(p, 'DeploymentPreference'), 'must be a mapping with Type (ALL_AT_ONCE, CANARY or LINEAR), Percentage, Interval and Alarms'));
    return undefined;
  }
  const versionId = `${id}Version`;
  add(versionId, {
    Type: 'AWS::StepFunctions::StateMachineVersion',
    DeletionPolicy: 'Retain',
    Properties: { StateMachineArn: { Ref: id }, StateMachineRevisionId: { 'Fn::GetAtt': [id, 'StateMachineRevisionId'] } },
  }, joinPath(p, 'AutoPublishAlias'));
  const aliasId = `${id}Alias${alias.replace(/[^A-Za-z0-9]/g, '')}`;
  add(aliasId, {
    Type: 'AWS::StepFunctions::StateMachineAlias',
    Properties: { Name: alias, DeploymentPreference: { ...pref, StateMachineVersionArn: { Ref: versionId } } },
  }, joinPath(p, 'AutoPublishAlias'));
  return aliasId;
}

/** Checks a resource's `Events` and hands each supported event to its handler. */
function forEachEvent(
  props: Obj,
  p: string,
  errors: TemplateError[],
  handlers: {
    api(evId: string, ep: string, path: string, method: string, evProps: Obj): void;
    httpApi(evId: string, ep: string, evProps: Obj): void;
    rule(evId: string, ep: string, evProps: Obj): void;
  },
): void {
  const events = props.Events;
  if (events === undefined) return;
  if (!isObj(events)) {
    errors.push(new TemplateError(joinPath(p, 'Events'), 'must be a mapping of event name to {Type, Properties}'));
    return;
  }
  for (const [evId, ev] of Object.entries(events)) {
    const ep = joinPath(joinPath(p, 'Events'), evId);
    if (!isObj(ev) || typeof ev.Type !== 'string') {
      errors.push(new TemplateError(ep, 'an event needs a Type and Properties'));
      continue;
    }
    if (!SUPPORTED_EVENTS.has(ev.Type)) {
      errors.push(new TemplateError(joinPath(ep, 'Type'), `event type ${ev.Type} is not supported by Nimbus (supported: Api, HttpApi, Schedule, ScheduleV2, EventBridgeRule, CloudWatchEvent)`));
      continue;
    }
    const evProps = (ev.Properties ?? {}) as Obj;
    if (ev.Type === 'Api') {
      const path = evProps.Path;
      const method = evProps.Method;
      if (typeof path !== 'string' || !path.startsWith('/')) errors.push(new TemplateError(joinPath(ep, 'Properties.Path'), 'is required and must start with /'));
      if (typeof method !== 'string') errors.push(new TemplateError(joinPath(ep, 'Properties.Method'), 'is required'));
      if (typeof path !== 'string' || typeof method !== 'string') continue;
      handlers.api(evId, ep, path, method, evProps);
    } else if (ev.Type === 'HttpApi') {
      handlers.httpApi(evId, ep, evProps);
    } else if (ev.Type === 'EventBridgeRule' || ev.Type === 'CloudWatchEvent') {
      if (evProps.Pattern === undefined) errors.push(new TemplateError(joinPath(ep, 'Properties.Pattern'), 'is required'));
      else handlers.rule(evId, ep, evProps);
    } else if (ev.Type === 'ScheduleV2') {
      const asRule = scheduleV2AsRule(evProps, joinPath(ep, 'Properties'), errors);
      if (asRule) handlers.rule(evId, ep, asRule);
    } else {
      handlers.rule(evId, ep, evProps);
    }
  }
}

/**
 * A ScheduleV2 event (EventBridge Scheduler) as the Schedule event's EventBridge rule, which fires
 * its target the same way for recurring UTC schedules. What a rule cannot do is refused: one-time
 * `at()` schedules, other time zones, start and end dates.
 */
function scheduleV2AsRule(props: Obj, path: string, errors: TemplateError[]): Obj | undefined {
  const expr = props.ScheduleExpression;
  const limits = schedulerLimits(props);
  for (const [k, why] of limits) errors.push(new TemplateError(joinPath(path, k), why));
  if (limits.length) return undefined;
  if (expr === undefined) {
    errors.push(new TemplateError(joinPath(path, 'ScheduleExpression'), 'is required (rate(...) or cron(...))'));
    return undefined;
  }
  // FlexibleTimeWindow, RetryPolicy, DeadLetterConfig, GroupName, KmsKeyArn, RoleArn and the like
  // change nothing here: a schedule fires on time, once.
  return {
    // SAM makes this an AWS::Scheduler::Schedule, which starts a rate schedule at once.
    'Nimbus::FireOnCreate': true,
    Schedule: typeof expr === 'string' ? schedulerExpressionForRule(expr) : expr,
    ...(props.State !== undefined ? { State: props.State } : {}),
    ...(props.Input !== undefined ? { Input: props.Input } : {}),
    ...(props.Name !== undefined ? { Name: props.Name } : {}),
    ...(props.Description !== undefined ? { Description: props.Description } : {}),
  };
}

const HTTP_VERBS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'x-amazon-apigateway-any-method']);

const API_PROPS = new Set(['StageName', 'Variables', 'Auth', 'Cors', 'DefinitionBody', 'DefinitionUri', 'MethodSettings', 'CanarySetting', 'Name', 'Description', 'EndpointConfiguration', 'BinaryMediaTypes', 'TracingEnabled', 'CacheClusterEnabled', 'CacheClusterSize', 'OpenApiVersion', 'GatewayResponses', 'Tags', 'AccessLogSetting', 'MinimumCompressionSize', 'ApiKeySourceType', 'Models', 'DisableExecuteApiEndpoint', 'AlwaysDeploy', 'Domain', 'FailOnWarnings', 'Mode', 'MergeDefinitions', 'PropagateTags']);

/** Builds one REST API (explicit AWS::Serverless::Api or the implicit ServerlessRestApi) as an
 * OpenAPI 2.0 body with x-amazon-apigateway extensions, then its Deployment, Stage and usage plan. */
class ApiBuild {
  private readonly body: Obj;
  private readonly stageName: Json;
  constructor(readonly id: string, private readonly props: Obj, private readonly path: string, private readonly res: Obj | undefined, private readonly input: TransformInput) {
    const errors = input.errors;
    for (const k of Object.keys(props)) {
      if (!API_PROPS.has(k)) errors.push(new TemplateError(joinPath(path, k), 'unknown property of AWS::Serverless::Api'));
    }
    if (props.Domain !== undefined) errors.push(new TemplateError(joinPath(path, 'Domain'), 'custom domains are not supported by Nimbus'));
    // SAM resolves StageName (often a !Ref to a parameter) to name the stage's logical id.
    this.stageName = props.StageName === undefined ? (res ? null : 'Prod') : input.resolve(props.StageName, joinPath(path, 'StageName'));
    if (this.stageName === null) errors.push(new TemplateError(joinPath(path, 'StageName'), 'is required'));
    let body: Json | undefined = props.DefinitionBody;
    if (body === undefined && props.DefinitionUri !== undefined) {
      if (typeof props.DefinitionUri !== 'string') errors.push(new TemplateError(joinPath(path, 'DefinitionUri'), 'must be a local file path (S3 locations are not supported by Nimbus)'));
      else {
        try {
          body = input.files.readDocument(input.files.locate(props.DefinitionUri, joinPath(path, 'DefinitionUri'), 'file'), joinPath(path, 'DefinitionUri'));
        } catch (err) {
          if (err instanceof TemplateError) errors.push(err);
          else throw err;
        }
      }
    }
    if (body !== undefined && !isObj(body)) errors.push(new TemplateError(joinPath(path, 'DefinitionBody'), 'must be an OpenAPI document (a mapping)'));
    this.body = isObj(body) ? structuredClone(body) : { swagger: '2.0', info: { version: '1.0', title: props.Name ?? { Ref: 'AWS::StackName' } }, paths: {} };
    // SAM writes events into the definition only when it generated it, or when asked to merge: an
    // API described by its own OpenAPI document must already describe every event's operation.
    const merge = props.MergeDefinitions === undefined ? false : input.tryResolve ? input.tryResolve(props.MergeDefinitions) : props.MergeDefinitions;
    this.managed = body === undefined || merge === true || merge === 'true';
    if (!isObj(this.body.paths)) this.body.paths = {};
    this.applyAuth();
    this.applyModels();
  }

  stageSuffix(): string {
    return typeof this.stageName === 'string' ? this.stageName.replace(/[^A-Za-z0-9]/g, '') : 'Stage';
  }

  private auth(): Obj {
    return isObj(this.props.Auth) ? this.props.Auth : {};
  }

  private applyAuth() {
    const auth = this.auth();
    const ap = joinPath(this.path, 'Auth');
    const sec: Obj = isObj(this.body.securityDefinitions) ? this.body.securityDefinitions : {};
    if (auth.ApiKeyRequired === true || isObj(auth.UsagePlan)) sec.api_key = { type: 'apiKey', name: 'x-api-key', in: 'header' };
    if (auth.Authorizers !== undefined) {
      if (!isObj(auth.Authorizers)) this.input.errors.push(new TemplateError(joinPath(ap, 'Authorizers'), 'must be a mapping of authorizer name to its definition'));
      else {
        for (const [name, a] of Object.entries(auth.Authorizers)) {
          const p = joinPath(joinPath(ap, 'Authorizers'), name);
          if (!isObj(a) || a.FunctionArn === undefined) {
            this.input.errors.push(new TemplateError(p, 'only Lambda authorizers (FunctionArn) are supported by Nimbus'));
            continue;
          }
          const kind = String(a.FunctionPayloadType ?? 'TOKEN').toUpperCase();
          if (kind !== 'TOKEN' && kind !== 'REQUEST') this.input.errors.push(new TemplateError(joinPath(p, 'FunctionPayloadType'), 'must be TOKEN or REQUEST'));
          const identity = isObj(a.Identity) ? a.Identity : {};
          const header = typeof identity.Header === 'string' ? identity.Header : 'Authorization';
          const sources: string[] = [];
          if (kind === 'TOKEN') sources.push(`method.request.header.${header}`);
          else {
            for (const h of (identity.Headers as Json[] | undefined) ?? []) sources.push(`method.request.header.${String(h)}`);
            for (const q of (identity.QueryStrings as Json[] | undefined) ?? []) sources.push(`method.request.querystring.${String(q)}`);
            for (const v of (identity.StageVariables as Json[] | undefined) ?? []) sources.push(`stageVariables.${String(v)}`);
            for (const c of (identity.Context as Json[] | undefined) ?? []) sources.push(`context.${String(c)}`);
          }
          const authorizer: Obj = {
            type: kind.toLowerCase(),
            authorizerUri: { 'Fn::Sub': ['arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${__FunctionArn__}/invocations', { __FunctionArn__: a.FunctionArn }] },
            authorizerResultTtlInSeconds: identity.ReauthorizeEvery ?? 300,
          };
          if (sources.length) authorizer.identitySource = sources.join(', ');
          if (kind === 'TOKEN' && typeof identity.ValidationExpression === 'string') authorizer.identityValidationExpression = identity.ValidationExpression;
          sec[name] = { type: 'apiKey', name: header, in: 'header', 'x-amazon-apigateway-authtype': 'custom', 'x-amazon-apigateway-authorizer': authorizer };
          this.authorizerFunctions.push([name, a.FunctionArn]);
        }
      }
    }
    if (auth.DefaultAuthorizer !== undefined && (typeof auth.DefaultAuthorizer !== 'string' || !(auth.DefaultAuthorizer in sec))) {
      this.input.errors.push(new TemplateError(joinPath(ap, 'DefaultAuthorizer'), `must name one of Auth.Authorizers`));
    }
    if (Object.keys(sec).length) this.body.securityDefinitions = sec;
  }

  private readonly authorizerFunctions: Array<[string, Json]> = [];
  /** Whether events add their operations to the definition (see the constructor). */
  private readonly managed: boolean;

  private security(eventAuth: Obj | undefined, path: string): Json[] | undefined {
    const auth = this.auth();
    const out: Json[] = [];
    const authorizer = eventAuth?.Authorizer ?? auth.DefaultAuthorizer;
    // `NONE` and `ApiKeyRequired: false` stay as markers until applyDefaultSecurity, which must not
    // put the API's defaults back on such an operation (SAM's own markers, removed there).
    if (authorizer === 'NONE') out.push({ NONE: [] });
    else if (typeof authorizer === 'string') {
      const sec = this.body.securityDefinitions as Obj | undefined;
      if (!sec || !(authorizer in sec)) this.input.errors.push(new TemplateError(joinPath(path, 'Auth.Authorizer'), `authorizer "${authorizer}" is not declared in the API's Auth.Authorizers`));
      else out.push({ [authorizer]: [] });
    }
    const keyRequired = eventAuth?.ApiKeyRequired ?? auth.ApiKeyRequired;
    if (keyRequired === true) out.push({ api_key: [] });
    else if (eventAuth?.ApiKeyRequired === false) out.push({ api_key_false: [] });
    return out.length ? out : undefined;
  }

  private operation(apiPath: string, method: string, op: Obj, path: string) {
    const paths = this.body.paths as Obj;
    const item = (isObj(paths[apiPath]) ? paths[apiPath] : (paths[apiPath] = {})) as Obj;
    const verb = method === 'any' ? 'x-amazon-apigateway-any-method' : method;
    if (this.merged.has(`${apiPath} ${verb}`)) {
      this.input.errors.push(new TemplateError(path, `route ${method.toUpperCase()} ${apiPath} is already used by another event of API ${this.id}`));
      return;
    }
    this.merged.add(`${apiPath} ${verb}`);
    item[verb] = op;
  }
  private readonly merged = new Set<string>();

  addLambdaRoute(apiPath: string, method: string, target: Json, eventAuth: Obj | undefined, path: string, evProps: Obj = {}) {
    if (!this.managed) return;
    const op: Obj = {
      responses: {},
      'x-amazon-apigateway-integration': {
        type: 'aws_proxy',
        httpMethod: 'POST',
        uri: { 'Fn::Sub': ['arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${__Target__}/invocations', { __Target__: target }] },
        passthroughBehavior: 'when_no_match',
      },
    };
    const params: Json[] = [...apiPath.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => ({ name: m[1]!, in: 'path', required: true, type: 'string' }));
    if (params.length) op.parameters = params;
    this.requestShape(op, evProps, path);
    const security = this.security(eventAuth, path);
    if (security) op.security = security;
    this.operation(apiPath, method, op, path);
  }

  private get openApi3(): boolean {
    return typeof this.body.openapi === 'string';
  }

  /** The Api's `Models` become the body's schema definitions, under lower-case names as SAM writes them. */
  private applyModels() {
    const models = this.props.Models;
    if (models === undefined) return;
    if (!isObj(models)) {
      this.input.errors.push(new TemplateError(joinPath(this.path, 'Models'), 'must be a mapping of model name to JSON schema'));
      return;
    }
    let defs: Obj;
    if (this.openApi3) {
      const components = (isObj(this.body.components) ? this.body.components : (this.body.components = {})) as Obj;
      defs = (isObj(components.schemas) ? components.schemas : (components.schemas = {})) as Obj;
    } else defs = (isObj(this.body.definitions) ? this.body.definitions : (this.body.definitions = {})) as Obj;
    for (const [name, schema] of Object.entries(models)) {
      if (!isObj(schema)) this.input.errors.push(new TemplateError(joinPath(joinPath(this.path, 'Models'), name), 'must be a JSON schema (a mapping)'));
      else defs[name.toLowerCase()] = schema;
    }
  }

  /** An Api event's `RequestModel` and `RequestParameters`: the operation's body model, its
   * parameters and the request validator that checks them (SAM's validator names). */
  private requestShape(op: Obj, evProps: Obj, path: string) {
    const params = (op.parameters ?? []) as Json[];
    let validateBody: Json | undefined;
    let validateParams: Json | undefined;
    const rm = evProps.RequestModel;
    if (rm !== undefined) {
      const rp = joinPath(path, 'RequestModel');
      if (!isObj(rm) || typeof rm.Model !== 'string') {
        this.input.errors.push(new TemplateError(rp, 'must be a mapping with Model (the name of one of the API\'s Models)'));
        return;
      }
      const name = rm.Model.toLowerCase();
      const defs = this.openApi3 ? ((this.body.components as Obj | undefined)?.schemas as Obj | undefined) : (this.body.definitions as Obj | undefined);
      if (!defs || !isObj(defs) || !(name in defs)) {
        this.input.errors.push(new TemplateError(joinPath(rp, 'Model'), `Unable to find Model with name '${rm.Model}' in the API's Models`));
        return;
      }
      if (this.openApi3) {
        op.requestBody = { content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } }, ...(rm.Required !== undefined ? { required: rm.Required } : {}) };
      } else {
        params.push({ in: 'body', name, ...(rm.Required !== undefined ? { required: rm.Required } : {}), schema: { $ref: `#/definitions/${name}` } });
      }
      validateBody = rm.ValidateBody;
      validateParams = rm.ValidateParameters;
    }
    const rps = evProps.RequestParameters;
    if (rps !== undefined) {
      if (!Array.isArray(rps)) this.input.errors.push(new TemplateError(joinPath(path, 'RequestParameters'), 'must be a list of method.request.(header|querystring|path).<name> entries'));
      else {
        for (const [i, entry] of rps.entries()) {
          const ep = `${joinPath(path, 'RequestParameters')}[${i}]`;
          const [key, opts]: [string | undefined, Json] = typeof entry === 'string' ? [entry, {}] : isObj(entry) && Object.keys(entry).length === 1 ? Object.entries(entry)[0]! : [undefined, {}];
          const m = typeof key === 'string' ? /^method\.request\.(header|querystring|path)\.(.+)$/.exec(key) : null;
          if (!m) {
            this.input.errors.push(new TemplateError(ep, 'must be method.request.header.<name>, method.request.querystring.<name> or method.request.path.<name>'));
            continue;
          }
          const where = m[1] === 'querystring' ? 'query' : m[1]!;
          if (where === 'path' && params.some((x) => isObj(x) && x.in === 'path' && x.name === m[2])) continue;
          params.push({ name: m[2]!, in: where, ...(isObj(opts) && opts.Required !== undefined ? { required: opts.Required } : {}), type: 'string' });
        }
      }
    }
    if (params.length) op.parameters = params;
    // SAM adds a validator only when ValidateBody or ValidateParameters is given; the other defaults to false.
    if (validateBody !== undefined || validateParams !== undefined) {
      const body = validateBody === true;
      const parameters = validateParams === true;
      const name = body && parameters ? 'body-and-params' : body ? 'body-only' : parameters ? 'params-only' : 'no-validation';
      const validators = (isObj(this.body['x-amazon-apigateway-request-validators']) ? this.body['x-amazon-apigateway-request-validators'] : (this.body['x-amazon-apigateway-request-validators'] = {})) as Obj;
      validators[name] = { validateRequestBody: body, validateRequestParameters: parameters };
      op['x-amazon-apigateway-request-validator'] = name;
    }
  }

  addStatesRoute(apiPath: string, method: string, stateMachine: Json, path: string) {
    if (!this.managed) return;
    const op: Obj = {
      responses: { '200': { description: 'OK' }, '400': { description: 'Bad Request' } },
      'x-amazon-apigateway-integration': {
        type: 'aws',
        httpMethod: 'POST',
        uri: { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:${AWS::Region}:states:action/StartExecution' },
        requestTemplates: {
          'application/json': { 'Fn::Sub': ['{"input": "$util.escapeJavaScript($input.json(\'$\'))", "stateMachineArn": "${__Sm__}"}', { __Sm__: stateMachine }] },
        },
        responses: { '200': { statusCode: '200' }, '400': { statusCode: '400' } },
      },
    };
    const security = this.security(undefined, path);
    if (security) op.security = security;
    this.operation(apiPath, method, op, path);
  }

  private applyCors() {
    const cors = this.props.Cors;
    if (cors === undefined) return;
    const c: Obj = typeof cors === 'string' ? { AllowOrigin: cors } : isObj(cors) ? cors : {};
    if (c.AllowOrigin === undefined) {
      this.input.errors.push(new TemplateError(joinPath(this.path, 'Cors.AllowOrigin'), 'is required'));
      return;
    }
    const params: Obj = { 'method.response.header.Access-Control-Allow-Origin': c.AllowOrigin };
    if (c.AllowHeaders !== undefined) params['method.response.header.Access-Control-Allow-Headers'] = c.AllowHeaders;
    if (c.MaxAge !== undefined) params['method.response.header.Access-Control-Max-Age'] = typeof c.MaxAge === 'string' ? c.MaxAge : `'${String(c.MaxAge)}'`;
    if (c.AllowCredentials === true) params['method.response.header.Access-Control-Allow-Credentials'] = "'true'";
    const paths = this.body.paths as Obj;
    // Every path of the definition, the document's own ones included (as SAM adds CORS).
    for (const p of Object.keys(paths)) {
      const item = paths[p];
      if (!isObj(item)) continue;
      if (item.options !== undefined) continue;
      const verbs = Object.keys(item).filter((v) => HTTP_VERBS.has(v)).map((v) => (v === 'x-amazon-apigateway-any-method' ? 'DELETE,GET,HEAD,PATCH,POST,PUT' : v.toUpperCase()));
      const methods = c.AllowMethods ?? `'${[...new Set([...verbs.join(',').split(','), 'OPTIONS'])].sort().join(',')}'`;
      const headers: Obj = {};
      const rp: Obj = { ...params, 'method.response.header.Access-Control-Allow-Methods': methods };
      for (const k of Object.keys(rp)) headers[k.replace('method.response.header.', '')] = { type: 'string' };
      item.options = {
        summary: 'CORS support',
        consumes: ['application/json'],
        produces: ['application/json'],
        responses: { '200': { description: 'Default response for CORS method', headers } },
        'x-amazon-apigateway-integration': {
          type: 'mock',
          requestTemplates: { 'application/json': '{\n  "statusCode" : 200\n}\n' },
          responses: { default: { statusCode: '200', responseParameters: rp, responseTemplates: { 'application/json': '{}\n' } } },
        },
      };
    }
  }

  /**
   * The API's `Auth.DefaultAuthorizer` and `Auth.ApiKeyRequired` on every operation of the definition,
   * as SAM's SwaggerEditor sets them (set_path_default_authorizer / set_path_default_apikey_required):
   * the document's own operations too, not only the events' — an API with its own DefinitionBody and a
   * DefaultAuthorizer is guarded on AWS. An operation that names an authorizer keeps it; `NONE` opts
   * out; CORS preflights are included unless AddDefaultAuthorizerToCorsPreflight /
   * AddApiKeyRequiredToCorsPreflight is false. Runs after applyCors, as SAM adds CORS before auth.
   */
  private applyDefaultSecurity() {
    const auth = this.auth();
    const authorizers = isObj(auth.Authorizers) ? auth.Authorizers : {};
    const def = typeof auth.DefaultAuthorizer === 'string' && auth.DefaultAuthorizer in authorizers ? auth.DefaultAuthorizer : undefined;
    const names = new Set(['AWS_IAM', ...Object.keys(authorizers)]);
    const scopes = def && isObj(authorizers[def]) && Array.isArray(authorizers[def].AuthorizationScopes) ? authorizers[def].AuthorizationScopes : [];
    const keyDefault = auth.ApiKeyRequired === true;
    const authToPreflight = auth.AddDefaultAuthorizerToCorsPreflight !== false;
    const keyToPreflight = auth.AddApiKeyRequiredToCorsPreflight !== false;
    for (const item of Object.values(this.body.paths as Obj)) {
      if (!isObj(item)) continue;
      for (const [verb, op] of Object.entries(item)) {
        if (!HTTP_VERBS.has(verb) || !isObj(op)) continue;
        const before = Array.isArray(op.security) ? op.security : undefined;
        let security = (before ?? []).filter(isObj);
        if (def && (authToPreflight || verb !== 'options')) {
          const isAuthorizer = (x: Obj) => Object.keys(x).some((k) => names.has(k));
          const others = security.filter((x) => !isAuthorizer(x));
          const own = security.filter(isAuthorizer);
          if (others.some((x) => 'NONE' in x)) security = others;
          else security = [...others, ...(own.length ? own : [{ [def]: scopes }])];
        }
        if (keyDefault) {
          const isKey = (x: Obj) => 'api_key' in x || 'api_key_false' in x;
          const others = security.filter((x) => !isKey(x));
          const optedOut = security.some((x) => 'api_key_false' in x);
          security = optedOut || (verb === 'options' && !keyToPreflight) ? others : [...others, { api_key: [] }];
        }
        security = security.filter((x) => !('NONE' in x) && !('api_key_false' in x));
        if (security.length) op.security = security;
        else if (before?.length) delete op.security;
      }
    }
  }

  emit(addAny: Add) {
    const add = withCondition(addAny, this.res);
    this.applyCors();
    this.applyDefaultSecurity();
    const props = this.props;
    const bodyHash = hash(JSON.stringify(this.body) + JSON.stringify(props.Variables ?? null));
    const api: Obj = { Type: 'AWS::ApiGateway::RestApi', Properties: { Body: this.body } };
    const ap = api.Properties as Obj;
    if (props.Name !== undefined) ap.Name = props.Name;
    if (props.Description !== undefined) ap.Description = props.Description;
    if (props.BinaryMediaTypes !== undefined) ap.BinaryMediaTypes = props.BinaryMediaTypes;
    if (props.ApiKeySourceType !== undefined) ap.ApiKeySourceType = props.ApiKeySourceType;
    if (props.EndpointConfiguration !== undefined) ap.EndpointConfiguration = typeof props.EndpointConfiguration === 'string' ? { Types: [props.EndpointConfiguration] } : props.EndpointConfiguration;
    if (this.res) Object.assign(api, common(this.res));
    add(this.id, api, this.path);
    const deploymentId = `${this.id}Deployment${bodyHash}`;
    // The id hash covers the body with its intrinsics unresolved; the deployer also redeploys when the
    // resolved body changes (e.g. a replaced state machine's ARN), which SAM on AWS would miss.
    add(deploymentId, { Type: 'AWS::ApiGateway::Deployment', Metadata: { 'Nimbus::TracksBodyOf': this.id }, Properties: { RestApiId: { Ref: this.id }, Description: `RestApi deployment id: ${bodyHash}` } }, this.path);
    const stageId = `${this.id}${this.stageSuffix()}Stage`;
    const stage: Obj = { StageName: this.stageName, RestApiId: { Ref: this.id }, DeploymentId: { Ref: deploymentId } };
    if (props.Variables !== undefined) stage.Variables = props.Variables;
    if (props.MethodSettings !== undefined) stage.MethodSettings = props.MethodSettings;
    if (props.CanarySetting !== undefined) stage.CanarySetting = props.CanarySetting;
    if (props.TracingEnabled !== undefined) stage.TracingEnabled = props.TracingEnabled;
    if (props.CacheClusterEnabled !== undefined) stage.CacheClusterEnabled = props.CacheClusterEnabled;
    if (props.CacheClusterSize !== undefined) stage.CacheClusterSize = props.CacheClusterSize;
    if (props.AccessLogSetting !== undefined) stage.AccessLogSetting = props.AccessLogSetting;
    add(stageId, { Type: 'AWS::ApiGateway::Stage', Properties: stage }, this.path);
    for (const [name, fnArn] of this.authorizerFunctions) {
      add(`${this.id}${name}AuthorizerPermission`, {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          Action: 'lambda:InvokeFunction', FunctionName: fnArn, Principal: 'apigateway.amazonaws.com',
          SourceArn: { 'Fn::Sub': ['arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/authorizers/*', { __ApiId__: { Ref: this.id } }] },
        },
      }, this.path);
    }
    const plan = this.auth().UsagePlan;
    if (isObj(plan)) {
      const mode = plan.CreateUsagePlan;
      const pp = joinPath(this.path, 'Auth.UsagePlan.CreateUsagePlan');
      if (mode !== 'PER_API' && mode !== 'SHARED' && mode !== 'NONE') this.input.errors.push(new TemplateError(pp, 'must be PER_API, SHARED or NONE'));
      else if (mode !== 'NONE') {
        const prefix = mode === 'SHARED' ? 'ServerlessUsagePlan' : `${this.id}UsagePlan`;
        const up: Obj = { ApiStages: [{ ApiId: { Ref: this.id }, Stage: { Ref: stageId } }] };
        for (const k of ['Description', 'Quota', 'Throttle', 'UsagePlanName'] as const) if (plan[k] !== undefined) up[k] = plan[k]!;
        add(prefix, { Type: 'AWS::ApiGateway::UsagePlan', DependsOn: [stageId], Properties: up }, pp);
        const keyId = mode === 'SHARED' ? 'ServerlessApiKey' : `${this.id}ApiKey`;
        add(keyId, { Type: 'AWS::ApiGateway::ApiKey', DependsOn: [prefix], Properties: { Enabled: true, StageKeys: [{ RestApiId: { Ref: this.id }, StageName: { Ref: stageId } }] } }, pp);
        add(`${prefix}Key`, { Type: 'AWS::ApiGateway::UsagePlanKey', Properties: { KeyId: { Ref: keyId }, KeyType: 'API_KEY', UsagePlanId: { Ref: prefix } } }, pp);
      }
    }
  }
}

/** Rewrites `!Ref Fn.Alias`, `!Ref Fn.Version` and `${Fn.Alias}` in Fn::Sub to the generated ids. */
export function applyShortcuts(value: Json, shortcuts: RefShortcuts): Json {
  if (shortcuts.size === 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => applyShortcuts(v, shortcuts));
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref' && typeof value.Ref === 'string' && shortcuts.has(value.Ref)) return { Ref: shortcuts.get(value.Ref)! };
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'Fn::Sub') {
      const sub = (t: Json) => (typeof t === 'string' ? t.replace(/\$\{([^}!][^}]*)\}/g, (whole, name: string) => (shortcuts.has(name.trim()) ? `\${${shortcuts.get(name.trim())}}` : whole)) : t);
      out[k] = Array.isArray(v) ? [sub(v[0] ?? null), applyShortcuts(v[1] ?? null, shortcuts)] : sub(v);
    } else out[k] = applyShortcuts(v, shortcuts);
  }
  return out;
}

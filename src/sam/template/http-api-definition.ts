// The OpenAPI definition of an `AWS::Serverless::HttpApi` with DefinitionBody or DefinitionUri. As
// SAM does, the API's functions' `HttpApi` events are merged into the document (an operation with
// an `aws_proxy` x-amazon-apigateway-integration each), `Auth.Authorizers` become security schemes
// with `x-amazon-apigateway-authorizer`, `Auth.DefaultAuthorizer` guards every operation that names
// no security of its own, and `CorsConfiguration` becomes `x-amazon-apigateway-cors`. The result is
// the `Body` of the `AWS::ApiGatewayV2::Api`, which the deployer imports (ImportApi/ReimportApi).
import { TemplateError, joinPath } from './errors.js';
import type { Json } from './yaml.js';

type Obj = Record<string, Json>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const OPERATION_KEYS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'x-amazon-apigateway-any-method']);
/** SAM's path of the `$default` route (AWS's exports spell it `/$default`; ImportApi reads both). */
const DEFAULT_PATH = '$default';

/** `AllowOrigins` → `allowOrigins`: CloudFormation's spelling of a property to the extension's. */
const camel = (k: string) => k.charAt(0).toLowerCase() + k.slice(1);

export class HttpApiDefinition {
  readonly body: Obj;

  constructor(
    document: Obj,
    private readonly path: string,
    private readonly errors: TemplateError[],
  ) {
    this.body = structuredClone(document);
    if (!isObj(this.body.paths)) this.body.paths = {};
  }

  private get paths(): Obj {
    return this.body.paths as Obj;
  }

  /** The security schemes of `components`, created when missing. */
  private schemes(): Obj {
    if (!isObj(this.body.components)) this.body.components = {};
    const components = this.body.components as Obj;
    if (!isObj(components.securitySchemes)) components.securitySchemes = {};
    return components.securitySchemes as Obj;
  }

  /** An authorizer (Lambda or JWT) from its `AWS::ApiGatewayV2::Authorizer` properties, as SAM writes it. */
  addAuthorizer(name: string, props: Obj): void {
    if (props.AuthorizerType === 'JWT') {
      const jwt = props.JwtConfiguration as Obj;
      this.schemes()[name] = {
        type: 'oauth2',
        flows: {},
        'x-amazon-apigateway-authorizer': {
          type: 'jwt',
          jwtConfiguration: { issuer: jwt.Issuer!, audience: jwt.Audience! },
          identitySource: (props.IdentitySource as Json[])[0]!,
        },
      };
      return;
    }
    const sources = Array.isArray(props.IdentitySource) ? (props.IdentitySource as Json[]) : [];
    this.schemes()[name] = {
      type: 'apiKey',
      name: 'Unused',
      in: 'header',
      'x-amazon-apigateway-authorizer': {
        type: 'request',
        authorizerUri: props.AuthorizerUri!,
        authorizerPayloadFormatVersion: props.AuthorizerPayloadFormatVersion!,
        ...(props.EnableSimpleResponses !== undefined ? { enableSimpleResponses: props.EnableSimpleResponses } : {}),
        ...(sources.length > 0 ? { identitySource: sources.every((s) => typeof s === 'string') ? sources.join(', ') : sources } : {}),
        ...(props.AuthorizerResultTtlInSeconds !== undefined ? { authorizerResultTtlInSeconds: props.AuthorizerResultTtlInSeconds } : {}),
      },
    };
  }

  /**
   * One `HttpApi` event: its operation gets the Lambda integration (an operation the document
   * already declares keeps its other members) and, when `security` is given, that security.
   */
  addLambdaRoute(verb: string | undefined, apiPath: string | undefined, integration: Obj, security: Json[] | undefined, evPath: string): void {
    const path = apiPath ?? DEFAULT_PATH;
    const key = verb === undefined || verb === 'ANY' ? 'x-amazon-apigateway-any-method' : verb.toLowerCase();
    const item = isObj(this.paths[path]) ? (this.paths[path] as Obj) : (this.paths[path] = {});
    const op = isObj(item[key]) ? (item[key] as Obj) : (item[key] = {});
    if (op['x-amazon-apigateway-integration'] !== undefined) {
      this.errors.push(new TemplateError(evPath, `the HttpApi's OpenAPI definition already has an integration for ${verb ?? 'ANY'} ${path}`));
      return;
    }
    op['x-amazon-apigateway-integration'] = integration;
    if (apiPath === undefined) op.isDefaultRoute = true;
    if (security !== undefined) op.security = security;
    if (op.responses === undefined) op.responses = {};
  }

  /** `Auth.DefaultAuthorizer`: every operation without its own `security` takes it. */
  applyDefaultAuthorizer(name: string): void {
    for (const item of Object.values(this.paths)) {
      if (!isObj(item)) continue;
      for (const [k, op] of Object.entries(item)) {
        if (OPERATION_KEYS.has(k) && isObj(op) && op.security === undefined) op.security = [{ [name]: [] }];
      }
    }
  }

  /** `CorsConfiguration` (already expanded from `true`) as `x-amazon-apigateway-cors`. */
  setCors(cors: Json): void {
    if (!isObj(cors)) {
      this.errors.push(new TemplateError(joinPath(this.path, 'CorsConfiguration'), 'must be true or a mapping (AllowOrigins, AllowMethods…)'));
      return;
    }
    const out: Obj = {};
    for (const [k, v] of Object.entries(cors)) out[camel(k)] = v;
    this.body['x-amazon-apigateway-cors'] = out;
  }
}

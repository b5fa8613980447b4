// ImportRestApi / PutRestApi / GetExport through @aws-sdk/client-api-gateway: OpenAPI 3 and
// Swagger 2 (JSON and YAML) with the x-amazon-apigateway-* extensions, round-tripped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as toYaml, parse as parseYaml } from 'yaml';
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  GetAuthorizersCommand,
  GetExportCommand,
  GetGatewayResponseCommand,
  GetMethodCommand,
  GetModelsCommand,
  GetRequestValidatorsCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  ImportRestApiCommand,
  PutRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { failure } from '../helpers/failure.js';

const FN = 'arn:aws:lambda:us-east-1:000000000000:function:pets';
const LAMBDA_URI = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FN}/invocations`;
const AUTH_URI = `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FN.replace('pets', 'auth')}/invocations`;

const oas3 = {
  openapi: '3.0.1',
  info: { title: 'PetStore3', version: '1.0', description: 'imported' },
  paths: {
    '/pets': {
      get: {
        operationId: 'ListPets',
        parameters: [{ name: 'type', in: 'query', required: false, schema: { type: 'string' } }],
        responses: { '200': { description: 'ok', headers: { 'X-Count': { schema: { type: 'string' } } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/Pets' } } } } },
        security: [{ tok: [] }],
        'x-amazon-apigateway-integration': {
          type: 'aws_proxy',
          httpMethod: 'POST',
          uri: LAMBDA_URI,
          passthroughBehavior: 'when_no_match',
        },
      },
      post: {
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } }, required: true },
        responses: { '201': { description: 'created' } },
        security: [{ api_key: [] }],
        'x-amazon-apigateway-request-validator': 'all',
        'x-amazon-apigateway-integration': {
          type: 'mock',
          requestTemplates: { 'application/json': '{"statusCode": 201}' },
          responses: { default: { statusCode: '201', responseTemplates: { 'application/json': '{"ok":true}' } } },
        },
      },
    },
    '/pets/{petId}': {
      get: {
        parameters: [{ name: 'petId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'ok' }, '404': { description: 'missing' } },
        'x-amazon-apigateway-integration': {
          type: 'http',
          httpMethod: 'GET',
          uri: 'https://pets.example.com/pets/{id}',
          requestParameters: { 'integration.request.path.id': 'method.request.path.petId' },
          responses: { '404': { statusCode: '404' }, default: { statusCode: '200' } },
          timeoutInMillis: 3000,
        },
      },
    },
    '/{proxy+}': {
      'x-amazon-apigateway-any-method': {
        responses: {},
        'x-amazon-apigateway-integration': { type: 'http_proxy', httpMethod: 'ANY', uri: 'https://pets.example.com/{proxy}', requestParameters: { 'integration.request.path.proxy': 'method.request.path.proxy' } },
      },
    },
  },
  components: {
    schemas: {
      Pet: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
      Pets: { type: 'array', items: { $ref: '#/components/schemas/Pet' } },
    },
    securitySchemes: {
      api_key: { type: 'apiKey', name: 'x-api-key', in: 'header' },
      tok: {
        type: 'apiKey',
        name: 'Authorization',
        in: 'header',
        'x-amazon-apigateway-authtype': 'custom',
        'x-amazon-apigateway-authorizer': { type: 'token', authorizerUri: AUTH_URI, authorizerResultTtlInSeconds: 60, identityValidationExpression: '^Bearer .+' },
      },
    },
  },
  'x-amazon-apigateway-request-validators': { all: { validateRequestBody: true, validateRequestParameters: true } },
  'x-amazon-apigateway-gateway-responses': {
    DEFAULT_4XX: { responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" }, responseTemplates: { 'application/json': '{"message":$context.error.messageString}' } },
  },
  'x-amazon-apigateway-binary-media-types': ['image/png'],
  'x-amazon-apigateway-api-key-source': 'HEADER',
};

const swagger2 = {
  swagger: '2.0',
  info: { title: 'PetStore2', version: '2.0' },
  basePath: '/',
  schemes: ['https'],
  consumes: ['application/json'],
  produces: ['application/json'],
  'x-amazon-apigateway-request-validator': 'body',
  'x-amazon-apigateway-request-validators': { body: { validateRequestBody: true, validateRequestParameters: false } },
  paths: {
    '/orders': {
      post: {
        parameters: [
          { in: 'body', name: 'Order', required: true, schema: { $ref: '#/definitions/Order' } },
          { in: 'header', name: 'X-Tenant', required: true, type: 'string' },
        ],
        responses: { '200': { description: 'ok', schema: { $ref: '#/definitions/Order' } } },
        security: [{ sigv4: [] }],
        'x-amazon-apigateway-integration': {
          type: 'aws',
          httpMethod: 'POST',
          uri: 'arn:aws:apigateway:us-east-1:states:action/StartExecution',
          credentials: 'arn:aws:iam::000000000000:role/apigw',
          requestTemplates: { 'application/json': '{"input": "$util.escapeJavaScript($input.json(\'$\'))"}' },
          passthroughBehavior: 'never',
          responses: { default: { statusCode: '200' }, '.*error.*': { statusCode: '200', responseTemplates: { 'application/json': '{"failed":true}' } } },
        },
      },
    },
  },
  definitions: { Order: { type: 'object', properties: { id: { type: 'string' } } } },
  securityDefinitions: { sigv4: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' } },
};


describe('API Gateway control plane: OpenAPI import and export', () => {
  let nimbus: TestNimbus;
  let client: APIGatewayClient;
  beforeAll(async () => {
    nimbus = await startNimbus();
    client = new APIGatewayClient(clientConfig(nimbus.endpoint));
  });
  afterAll(() => nimbus.dispose());

  async function exportJson(restApiId: string, exportType: 'oas30' | 'swagger', extensions = 'apigateway') {
    const out = await client.send(new GetExportCommand({ restApiId, stageName: 'v1', exportType, parameters: { extensions }, accepts: 'application/json' }));
    expect(out.contentType).toBe('application/json');
    return JSON.parse(Buffer.from(out.body!).toString('utf8')) as Record<string, any>;
  }

  it('imports OpenAPI 3 with extensions and exports it back', async () => {
    const api = await client.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(oas3)), parameters: { endpointConfigurationTypes: 'REGIONAL' } }));
    expect(api).toMatchObject({ name: 'PetStore3', description: 'imported', version: '1.0', binaryMediaTypes: ['image/png'], endpointConfiguration: { types: ['REGIONAL'] } });
    const id = api.id!;
    const resources = await client.send(new GetResourcesCommand({ restApiId: id, embed: ['methods'] }));
    expect(resources.items?.map((r) => r.path).sort()).toEqual(['/', '/pets', '/pets/{petId}', '/{proxy+}']);
    const pets = resources.items!.find((r) => r.path === '/pets')!;
    const authorizers = (await client.send(new GetAuthorizersCommand({ restApiId: id }))).items!;
    expect(authorizers).toHaveLength(1);
    expect(authorizers[0]).toMatchObject({ name: 'tok', type: 'TOKEN', identitySource: 'method.request.header.Authorization', authorizerResultTtlInSeconds: 60 });

    const get = await client.send(new GetMethodCommand({ restApiId: id, resourceId: pets.id!, httpMethod: 'GET' }));
    expect(get).toMatchObject({ authorizationType: 'CUSTOM', authorizerId: authorizers[0]!.id, operationName: 'ListPets', requestParameters: { 'method.request.querystring.type': false } });
    expect(get.methodIntegration).toMatchObject({ type: 'AWS_PROXY', httpMethod: 'POST', uri: LAMBDA_URI });
    expect(get.methodResponses?.['200']).toMatchObject({ responseModels: { 'application/json': 'Pets' }, responseParameters: { 'method.response.header.X-Count': false } });
    const post = await client.send(new GetMethodCommand({ restApiId: id, resourceId: pets.id!, httpMethod: 'POST' }));
    const validators = (await client.send(new GetRequestValidatorsCommand({ restApiId: id }))).items!;
    expect(post).toMatchObject({ apiKeyRequired: true, requestModels: { 'application/json': 'Pet' }, requestValidatorId: validators[0]!.id });
    expect(post.methodIntegration?.integrationResponses?.['201']).toMatchObject({ responseTemplates: { 'application/json': '{"ok":true}' } });
    const proxy = resources.items!.find((r) => r.path === '/{proxy+}')!;
    expect(proxy.resourceMethods?.ANY?.methodIntegration?.type).toBe('HTTP_PROXY');
    expect((await client.send(new GetModelsCommand({ restApiId: id }))).items?.map((m) => m.name)).toEqual(['Empty', 'Error', 'Pet', 'Pets']);
    expect((await client.send(new GetGatewayResponseCommand({ restApiId: id, responseType: 'DEFAULT_4XX' }))).responseParameters).toEqual({
      'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
    });

    await client.send(new CreateDeploymentCommand({ restApiId: id, stageName: 'v1' }));
    const doc = await exportJson(id, 'oas30');
    expect(doc.openapi).toBe('3.0.1');
    expect(doc.info).toMatchObject({ title: 'PetStore3', version: '1.0' });
    expect(doc.servers[0].variables.basePath.default).toBe('v1');
    expect(Object.keys(doc.paths).sort()).toEqual(['/pets', '/pets/{petId}', '/{proxy+}']);
    expect(doc.paths['/pets'].get['x-amazon-apigateway-integration']).toMatchObject({ type: 'aws_proxy', httpMethod: 'POST', uri: LAMBDA_URI, passthroughBehavior: 'when_no_match' });
    expect(doc.paths['/pets'].get.security).toEqual([{ tok: [] }]);
    expect(doc.paths['/pets'].post.security).toEqual([{ api_key: [] }]);
    expect(doc.paths['/pets'].post['x-amazon-apigateway-request-validator']).toBe('all');
    expect(doc.paths['/pets'].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/Pet');
    expect(doc.paths['/pets/{petId}'].get['x-amazon-apigateway-integration'].responses).toEqual({ '404': { statusCode: '404' }, default: { statusCode: '200' } });
    expect(doc.paths['/{proxy+}']['x-amazon-apigateway-any-method']).toBeDefined();
    expect(doc.components.schemas.Pets.items.$ref).toBe('#/components/schemas/Pet');
    expect(doc.components.securitySchemes.tok['x-amazon-apigateway-authorizer']).toMatchObject({ type: 'token', authorizerUri: AUTH_URI, authorizerResultTtlInSeconds: 60 });
    expect(doc['x-amazon-apigateway-request-validators']).toEqual({ all: { validateRequestBody: true, validateRequestParameters: true } });
    expect(doc['x-amazon-apigateway-gateway-responses'].DEFAULT_4XX.responseParameters).toBeDefined();
    expect(doc['x-amazon-apigateway-binary-media-types']).toEqual(['image/png']);

    // Round trip: the export imports into an equivalent API and exports the same paths.
    const again = await client.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(doc)) }));
    await client.send(new CreateDeploymentCommand({ restApiId: again.id!, stageName: 'v1' }));
    const doc2 = await exportJson(again.id!, 'oas30');
    expect(doc2.paths).toEqual(doc.paths);
    expect(doc2.components).toEqual(doc.components);

    // Without extensions the x-amazon-apigateway-integration blocks are left out.
    const plain = await exportJson(id, 'oas30', '');
    expect(plain.paths['/pets'].get['x-amazon-apigateway-integration']).toBeUndefined();
  });

  it('imports Swagger 2 (YAML) with extensions and exports it back as Swagger and YAML', async () => {
    const api = await client.send(new ImportRestApiCommand({ body: Buffer.from(toYaml(swagger2)) }));
    expect(api.name).toBe('PetStore2');
    const id = api.id!;
    const resources = await client.send(new GetResourcesCommand({ restApiId: id }));
    const orders = resources.items!.find((r) => r.path === '/orders')!;
    const post = await client.send(new GetMethodCommand({ restApiId: id, resourceId: orders.id!, httpMethod: 'POST' }));
    expect(post).toMatchObject({
      authorizationType: 'AWS_IAM',
      requestModels: { 'application/json': 'Order' },
      requestParameters: { 'method.request.header.X-Tenant': true },
    });
    expect(post.requestValidatorId).toBeDefined();
    expect(post.methodIntegration).toMatchObject({ type: 'AWS', credentials: 'arn:aws:iam::000000000000:role/apigw', passthroughBehavior: 'NEVER' });
    expect(post.methodIntegration?.integrationResponses?.['200']?.selectionPattern).toBe('.*error.*');

    await client.send(new CreateDeploymentCommand({ restApiId: id, stageName: 'v1' }));
    const doc = await exportJson(id, 'swagger');
    expect(doc).toMatchObject({ swagger: '2.0', basePath: '/v1', info: { title: 'PetStore2', version: '2.0' } });
    const op = doc.paths['/orders'].post;
    expect(op.security).toEqual([{ sigv4: [] }]);
    expect(op.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'body', schema: { $ref: '#/definitions/Order' } })]));
    expect(op['x-amazon-apigateway-integration']).toMatchObject({ type: 'aws', uri: 'arn:aws:apigateway:us-east-1:states:action/StartExecution', passthroughBehavior: 'never' });
    expect(doc.securityDefinitions.sigv4['x-amazon-apigateway-authtype']).toBe('awsSigv4');
    expect(doc.definitions.Order).toMatchObject({ type: 'object' });

    const yaml = await client.send(new GetExportCommand({ restApiId: id, stageName: 'v1', exportType: 'swagger', parameters: { extensions: 'integrations' }, accepts: 'application/yaml' }));
    expect(yaml.contentType).toBe('application/yaml');
    expect(parseYaml(Buffer.from(yaml.body!).toString('utf8')).paths['/orders'].post['x-amazon-apigateway-integration'].type).toBe('aws');
  });

  it('resolves reusable parameters and responses and reads x-amazon-apigateway-auth', async () => {
    const def = {
      openapi: '3.0.1',
      info: { title: 'Refs', version: '1' },
      components: {
        parameters: { Id: { name: 'id', in: 'path', required: true, schema: { type: 'string' } }, Verbose: { name: 'verbose', in: 'query', required: true, schema: { type: 'string' } } },
        responses: { Ok: { description: 'ok', headers: { 'X-Req': { schema: { type: 'string' } } } } },
      },
      paths: {
        '/items/{id}': {
          parameters: [{ $ref: '#/components/parameters/Id' }],
          get: {
            parameters: [{ $ref: '#/components/parameters/Verbose' }],
            responses: { '200': { $ref: '#/components/responses/Ok' } },
            'x-amazon-apigateway-auth': { type: 'AWS_IAM' },
            'x-amazon-apigateway-integration': { type: 'mock', requestTemplates: { 'application/json': '{"statusCode":200}' } },
          },
        },
      },
    };
    const api = await client.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(def)), failOnWarnings: true }));
    const item = (await client.send(new GetResourcesCommand({ restApiId: api.id! }))).items!.find((r) => r.path === '/items/{id}')!;
    const m = await client.send(new GetMethodCommand({ restApiId: api.id!, resourceId: item.id!, httpMethod: 'GET' }));
    expect(m.authorizationType).toBe('AWS_IAM');
    expect(m.requestParameters).toEqual({ 'method.request.path.id': true, 'method.request.querystring.verbose': true });
    expect(m.methodResponses?.['200']?.responseParameters).toEqual({ 'method.response.header.X-Req': false });
  });

  it('honours the basepath import parameter', async () => {
    const withBase = { ...swagger2, info: { title: 'Based', version: '1' }, basePath: '/api/v1' };
    const prepended = await client.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(withBase)), parameters: { basepath: 'prepend' } }));
    expect((await client.send(new GetResourcesCommand({ restApiId: prepended.id! }))).items!.map((r) => r.path).sort()).toEqual(['/', '/api', '/api/v1', '/api/v1/orders']);
    const split = await client.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(withBase)), parameters: { basepath: 'split' } }));
    expect((await client.send(new GetResourcesCommand({ restApiId: split.id! }))).items!.map((r) => r.path).sort()).toEqual(['/', '/v1', '/v1/orders']);
    const ignored = await client.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(withBase)) }));
    expect((await client.send(new GetResourcesCommand({ restApiId: ignored.id! }))).items!.map((r) => r.path).sort()).toEqual(['/', '/orders']);
  });

  it('merges and overwrites with PutRestApi', async () => {
    const api = await client.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(oas3)) }));
    const id = api.id!;
    const extra = {
      openapi: '3.0.1',
      info: { title: 'PetStore3', version: '1.1' },
      paths: { '/health': { get: { responses: { '200': { description: 'ok' } }, 'x-amazon-apigateway-integration': { type: 'mock', requestTemplates: { 'application/json': '{"statusCode":200}' } } } } },
    };
    const merged = await client.send(new PutRestApiCommand({ restApiId: id, mode: 'merge', body: Buffer.from(JSON.stringify(extra)) }));
    expect(merged.version).toBe('1.1');
    let paths = (await client.send(new GetResourcesCommand({ restApiId: id }))).items!.map((r) => r.path).sort();
    expect(paths).toEqual(['/', '/health', '/pets', '/pets/{petId}', '/{proxy+}']);

    await client.send(new PutRestApiCommand({ restApiId: id, mode: 'overwrite', body: Buffer.from(JSON.stringify(extra)) }));
    paths = (await client.send(new GetResourcesCommand({ restApiId: id }))).items!.map((r) => r.path).sort();
    expect(paths).toEqual(['/', '/health']);
    expect((await client.send(new GetModelsCommand({ restApiId: id }))).items?.map((m) => m.name)).toEqual(['Empty', 'Error']);
    expect((await client.send(new GetRestApiCommand({ restApiId: id }))).rootResourceId).toBe(api.rootResourceId);

    expect(await failure(client.send(new PutRestApiCommand({ restApiId: 'nope000000', mode: 'merge', body: Buffer.from(JSON.stringify(extra)) })))).toMatchObject({
      name: 'NotFoundException',
      status: 404,
    });
  });

  it('reports warnings, honours failOnWarnings and rejects bad definitions without creating anything', async () => {
    const before = (await client.send(new GetResourcesCommand({ restApiId: (await client.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(swagger2)) }))).id! }))).items;
    expect(before).toBeDefined();
    const warned = { ...swagger2, info: { title: 'Warned', version: '1' }, paths: { '/x': { get: { responses: { '200': { description: 'ok' } } } } } };
    const api = await client.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(warned)) }));
    expect(api.warnings?.some((w) => w.includes('No integration defined'))).toBe(true);
    expect(await failure(client.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(warned)), failOnWarnings: true })))).toMatchObject({
      name: 'BadRequestException',
      status: 400,
    });

    const badUri = JSON.parse(JSON.stringify(oas3)) as typeof oas3;
    badUri.info.title = 'BadUri';
    (badUri.paths['/pets'].get['x-amazon-apigateway-integration'] as { uri: string }).uri = 'arn:aws:lambda:bad';
    const err = await failure(client.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify(badUri)) })));
    expect(err).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(err.message).toContain('Errors found during import');
    expect(await failure(client.send(new ImportRestApiCommand({ body: Buffer.from('not: [valid') })))).toMatchObject({ name: 'BadRequestException' });
    expect(await failure(client.send(new ImportRestApiCommand({ body: Buffer.from(JSON.stringify({ openapi: '3.0.1', paths: {} })) })))).toMatchObject({
      name: 'BadRequestException',
    });
    const { GetRestApisCommand } = await import('@aws-sdk/client-api-gateway');
    const names = (await client.send(new GetRestApisCommand({ limit: 500 }))).items!.map((a) => a.name);
    expect(names).not.toContain('BadUri');
  });
});

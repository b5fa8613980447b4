// API Gateway control plane through @aws-sdk/client-api-gateway: REST APIs, resources, methods,
// integrations, responses, models, validators, authorizers, gateway responses — and their errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APIGatewayClient,
  CreateAuthorizerCommand,
  CreateModelCommand,
  CreateRequestValidatorCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  DeleteAuthorizerCommand,
  DeleteGatewayResponseCommand,
  DeleteIntegrationCommand,
  DeleteMethodCommand,
  DeleteModelCommand,
  DeleteResourceCommand,
  DeleteRestApiCommand,
  GetAuthorizerCommand,
  GetGatewayResponseCommand,
  GetGatewayResponsesCommand,
  GetIntegrationCommand,
  GetIntegrationResponseCommand,
  GetMethodCommand,
  GetMethodResponseCommand,
  GetModelCommand,
  GetModelsCommand,
  GetModelTemplateCommand,
  GetRequestValidatorsCommand,
  GetResourceCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetRestApisCommand,
  PutGatewayResponseCommand,
  PutIntegrationCommand,
  PutIntegrationResponseCommand,
  PutMethodCommand,
  PutMethodResponseCommand,
  UpdateAuthorizerCommand,
  UpdateGatewayResponseCommand,
  UpdateIntegrationCommand,
  UpdateIntegrationResponseCommand,
  UpdateMethodCommand,
  UpdateModelCommand,
  UpdateResourceCommand,
  UpdateRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import { clientConfig, startNimbus, type TestNimbus } from '../helpers/nimbus.js';
import { failure } from '../helpers/failure.js';

const LAMBDA_URI = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:hello/invocations';


describe('API Gateway control plane: REST APIs and their tree', () => {
  let nimbus: TestNimbus;
  let client: APIGatewayClient;
  beforeAll(async () => {
    nimbus = await startNimbus();
    client = new APIGatewayClient(clientConfig(nimbus.endpoint));
  });
  afterAll(() => nimbus.dispose());

  it('creates, reads, lists, patches and deletes a REST API', async () => {
    const api = await client.send(
      new CreateRestApiCommand({
        name: 'pets',
        description: 'pet store',
        endpointConfiguration: { types: ['REGIONAL'] },
        binaryMediaTypes: ['image/png'],
        apiKeySource: 'HEADER',
        tags: { team: 'a' },
      }),
    );
    expect(api.id).toMatch(/^[a-z0-9]{10}$/);
    expect(api.rootResourceId).toMatch(/^[a-z0-9]{10}$/);
    expect(api.endpointConfiguration?.types).toEqual(['REGIONAL']);
    expect(api.createdDate).toBeInstanceOf(Date);

    const got = await client.send(new GetRestApiCommand({ restApiId: api.id! }));
    expect(got).toMatchObject({ name: 'pets', description: 'pet store', binaryMediaTypes: ['image/png'], tags: { team: 'a' } });
    const list = await client.send(new GetRestApisCommand({}));
    expect(list.items?.map((i) => i.id)).toContain(api.id);

    const updated = await client.send(
      new UpdateRestApiCommand({
        restApiId: api.id!,
        patchOperations: [
          { op: 'replace', path: '/name', value: 'pets2' },
          { op: 'add', path: '/binaryMediaTypes/image~1jpeg' },
          { op: 'remove', path: '/binaryMediaTypes/image~1png' },
          { op: 'replace', path: '/apiKeySource', value: 'AUTHORIZER' },
          { op: 'replace', path: '/minimumCompressionSize', value: '1024' },
        ],
      }),
    );
    expect(updated).toMatchObject({ name: 'pets2', binaryMediaTypes: ['image/jpeg'], apiKeySource: 'AUTHORIZER', minimumCompressionSize: 1024 });

    const badPath = await failure(client.send(new UpdateRestApiCommand({ restApiId: api.id!, patchOperations: [{ op: 'replace', path: '/nope', value: 'x' }] })));
    expect(badPath).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(badPath.message).toBe(
      "Invalid patch path  '/nope' specified for op 'replace'. Must be one of: [/name, /description, /apiKeySource, /binaryMediaTypes/{mediaType}, /minimumCompressionSize, /policy, /endpointConfiguration/types/{type}, /endpointConfiguration/vpcEndpointIds, /disableExecuteApiEndpoint, /version]",
    );
    const badEnum = await failure(client.send(new UpdateRestApiCommand({ restApiId: api.id!, patchOperations: [{ op: 'replace', path: '/apiKeySource', value: 'QUERY' }] })));
    expect(badEnum).toMatchObject({ name: 'BadRequestException', status: 400 });
    // A failed patch changes nothing, even when earlier operations in it were valid.
    await failure(
      client.send(
        new UpdateRestApiCommand({ restApiId: api.id!, patchOperations: [{ op: 'replace', path: '/name', value: 'half' }, { op: 'replace', path: '/minimumCompressionSize', value: '-5' }] }),
      ),
    );
    expect((await client.send(new GetRestApiCommand({ restApiId: api.id! }))).name).toBe('pets2');

    await client.send(new DeleteRestApiCommand({ restApiId: api.id! }));
    const gone = await failure(client.send(new GetRestApiCommand({ restApiId: api.id! })));
    expect(gone).toEqual({ name: 'NotFoundException', status: 404, message: `Invalid API identifier specified 000000000000:${api.id}` });
  });

  it('clones an API with cloneFrom, remapping ids', async () => {
    const source = await client.send(new CreateRestApiCommand({ name: 'source' }));
    const child = await client.send(new CreateResourceCommand({ restApiId: source.id!, parentId: source.rootResourceId!, pathPart: 'things' }));
    const auth = await client.send(new CreateAuthorizerCommand({ restApiId: source.id!, name: 'a', type: 'TOKEN', authorizerUri: LAMBDA_URI, identitySource: 'method.request.header.Authorization' }));
    await client.send(new PutMethodCommand({ restApiId: source.id!, resourceId: child.id!, httpMethod: 'GET', authorizationType: 'CUSTOM', authorizerId: auth.id! }));
    const clone = await client.send(new CreateRestApiCommand({ name: 'clone', cloneFrom: source.id! }));
    const resources = await client.send(new GetResourcesCommand({ restApiId: clone.id!, embed: ['methods'] }));
    const things = resources.items!.find((r) => r.path === '/things')!;
    expect(things.id).not.toBe(child.id);
    const cloneAuth = things.resourceMethods!.GET!.authorizerId!;
    expect(cloneAuth).not.toBe(auth.id);
    expect((await client.send(new GetAuthorizerCommand({ restApiId: clone.id!, authorizerId: cloneAuth }))).name).toBe('a');
    expect(await failure(client.send(new CreateRestApiCommand({ name: 'x', cloneFrom: 'nope000000' })))).toMatchObject({ name: 'NotFoundException', status: 404 });
  });

  it('rejects bad REST API input with AWS errors', async () => {
    expect(await failure(client.send(new CreateRestApiCommand({ name: undefined as unknown as string })))).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(await failure(client.send(new CreateRestApiCommand({ name: 'x', endpointConfiguration: { types: ['EDGE', 'REGIONAL'] } })))).toMatchObject({
      name: 'BadRequestException',
      status: 400,
    });
    // Enum members fail AWS's front-end validation (ValidationException, AWS-recorded).
    expect(await failure(client.send(new CreateRestApiCommand({ name: 'x', apiKeySource: 'QUERY' as 'HEADER' })))).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(await failure(client.send(new CreateRestApiCommand({ name: 'x', minimumCompressionSize: 20_000_000 })))).toMatchObject({ name: 'BadRequestException' });
    expect(await failure(client.send(new DeleteRestApiCommand({ restApiId: 'abcdefghij' })))).toMatchObject({ name: 'NotFoundException', status: 404 });
  });

  it('builds resources with {param} and {proxy+}, and deletes subtrees', async () => {
    const api = await client.send(new CreateRestApiCommand({ name: 'tree' }));
    const root = api.rootResourceId!;
    const pets = await client.send(new CreateResourceCommand({ restApiId: api.id!, parentId: root, pathPart: 'pets' }));
    expect(pets).toMatchObject({ path: '/pets', pathPart: 'pets', parentId: root });
    const pet = await client.send(new CreateResourceCommand({ restApiId: api.id!, parentId: pets.id!, pathPart: '{petId}' }));
    expect(pet.path).toBe('/pets/{petId}');
    const proxy = await client.send(new CreateResourceCommand({ restApiId: api.id!, parentId: root, pathPart: '{proxy+}' }));
    expect(proxy.path).toBe('/{proxy+}');

    expect(await failure(client.send(new CreateResourceCommand({ restApiId: api.id!, parentId: root, pathPart: 'pets' })))).toMatchObject({
      name: 'ConflictException',
      status: 409,
      message: 'Another resource with the same parent already has this name: pets',
    });
    expect(await failure(client.send(new CreateResourceCommand({ restApiId: api.id!, parentId: pets.id!, pathPart: '{other}' })))).toMatchObject({
      name: 'BadRequestException',
    });
    expect(await failure(client.send(new CreateResourceCommand({ restApiId: api.id!, parentId: proxy.id!, pathPart: 'x' })))).toMatchObject({
      name: 'BadRequestException',
      status: 400,
    });
    expect(await failure(client.send(new CreateResourceCommand({ restApiId: api.id!, parentId: root, pathPart: 'bad path' })))).toMatchObject({ name: 'BadRequestException' });
    expect(await failure(client.send(new CreateResourceCommand({ restApiId: api.id!, parentId: 'zzzzzzzzzz', pathPart: 'x' })))).toEqual({
      name: 'NotFoundException',
      status: 404,
      message: 'Invalid Resource identifier specified',
    });

    await client.send(new PutMethodCommand({ restApiId: api.id!, resourceId: pet.id!, httpMethod: 'GET', authorizationType: 'NONE', requestParameters: { 'method.request.path.petId': true } }));
    const embedded = await client.send(new GetResourcesCommand({ restApiId: api.id!, embed: ['methods'] }));
    expect(embedded.items?.find((r) => r.id === pet.id)?.resourceMethods?.GET).toMatchObject({ httpMethod: 'GET', authorizationType: 'NONE' });
    const plain = await client.send(new GetResourcesCommand({ restApiId: api.id! }));
    expect(plain.items?.map((r) => r.path).sort()).toEqual(['/', '/pets', '/pets/{petId}', '/{proxy+}']);

    const renamed = await client.send(new UpdateResourceCommand({ restApiId: api.id!, resourceId: pets.id!, patchOperations: [{ op: 'replace', path: '/pathPart', value: 'animals' }] }));
    expect(renamed.path).toBe('/animals');
    expect((await client.send(new GetResourceCommand({ restApiId: api.id!, resourceId: pet.id! }))).path).toBe('/animals/{petId}');

    await client.send(new DeleteResourceCommand({ restApiId: api.id!, resourceId: pets.id! }));
    expect(await failure(client.send(new GetResourceCommand({ restApiId: api.id!, resourceId: pet.id! })))).toMatchObject({ name: 'NotFoundException', status: 404 });
    expect(await failure(client.send(new DeleteResourceCommand({ restApiId: api.id!, resourceId: root })))).toMatchObject({ name: 'BadRequestException' });
  });

  it('puts methods, integrations and responses with validation', async () => {
    const api = await client.send(new CreateRestApiCommand({ name: 'methods' }));
    const id = api.id!;
    const r = await client.send(new CreateResourceCommand({ restApiId: id, parentId: api.rootResourceId!, pathPart: '{item}' }));
    const rid = r.id!;
    const m = await client.send(
      new PutMethodCommand({
        restApiId: id,
        resourceId: rid,
        httpMethod: 'POST',
        authorizationType: 'NONE',
        apiKeyRequired: true,
        operationName: 'CreateItem',
        requestParameters: { 'method.request.path.item': true, 'method.request.header.X-Trace': false },
      }),
    );
    expect(m).toMatchObject({ httpMethod: 'POST', apiKeyRequired: true, operationName: 'CreateItem' });
    expect(await failure(client.send(new PutMethodCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST', authorizationType: 'NONE' })))).toMatchObject({
      name: 'ConflictException',
      status: 409,
      message: 'Method already exists for this resource',
    });
    expect(await failure(client.send(new PutMethodCommand({ restApiId: id, resourceId: rid, httpMethod: 'FETCH', authorizationType: 'NONE' })))).toMatchObject({
      name: 'BadRequestException',
    });
    expect(await failure(client.send(new PutMethodCommand({ restApiId: id, resourceId: rid, httpMethod: 'GET', authorizationType: 'CUSTOM' })))).toMatchObject({
      name: 'BadRequestException',
    });
    expect(await failure(client.send(new PutMethodCommand({ restApiId: id, resourceId: rid, httpMethod: 'GET', authorizationType: 'MAGIC' })))).toMatchObject({
      name: 'ValidationException',
    });
    expect(await failure(client.send(new GetMethodCommand({ restApiId: id, resourceId: rid, httpMethod: 'GET' })))).toEqual({
      name: 'NotFoundException',
      status: 404,
      message: 'Invalid Method identifier specified',
    });

    // Integrations: URI shapes, timeout bounds, mapping expressions.
    expect(await failure(client.send(new GetIntegrationCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST' })))).toMatchObject({
      name: 'NotFoundException',
      message: 'Invalid Integration identifier specified',
    });
    expect(
      await failure(client.send(new PutIntegrationCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: 'arn:aws:lambda:nope' }))),
    ).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(
      await failure(client.send(new PutIntegrationCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST', type: 'HTTP', integrationHttpMethod: 'GET', uri: 'not a url' }))),
    ).toMatchObject({ name: 'BadRequestException', message: 'Invalid HTTP endpoint specified for URI' });
    expect(
      await failure(
        client.send(new PutIntegrationCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: LAMBDA_URI, timeoutInMillis: 30000 })),
      ),
    ).toMatchObject({ name: 'BadRequestException', message: 'Timeout should be between 50 ms and 29000 ms' });
    expect(
      await failure(
        client.send(
          new PutIntegrationCommand({
            restApiId: id,
            resourceId: rid,
            httpMethod: 'POST',
            type: 'HTTP',
            integrationHttpMethod: 'POST',
            uri: 'https://example.com/{item}',
            requestParameters: { 'integration.request.path.item': 'method.request.path.undeclared' },
          }),
        ),
      ),
    ).toMatchObject({ name: 'BadRequestException' });

    const integ = await client.send(
      new PutIntegrationCommand({
        restApiId: id,
        resourceId: rid,
        httpMethod: 'POST',
        type: 'HTTP',
        integrationHttpMethod: 'POST',
        uri: 'https://example.com/items/{item}',
        requestParameters: { 'integration.request.path.item': 'method.request.path.item', 'integration.request.header.X-Src': "'nimbus'" },
        requestTemplates: { 'application/json': '{"item": "$input.params(\'item\')"}' },
        passthroughBehavior: 'WHEN_NO_TEMPLATES',
        timeoutInMillis: 5000,
        cacheKeyParameters: ['method.request.path.item'],
      }),
    );
    expect(integ).toMatchObject({ type: 'HTTP', httpMethod: 'POST', timeoutInMillis: 5000, passthroughBehavior: 'WHEN_NO_TEMPLATES', cacheNamespace: rid });

    const patched = await client.send(
      new UpdateIntegrationCommand({
        restApiId: id,
        resourceId: rid,
        httpMethod: 'POST',
        patchOperations: [
          { op: 'replace', path: '/timeoutInMillis', value: '1000' },
          { op: 'add', path: '/requestTemplates/text~1plain', value: 'plain' },
        ],
      }),
    );
    expect(patched.timeoutInMillis).toBe(1000);
    expect(patched.requestTemplates?.['text/plain']).toBe('plain');

    // Responses: an integration response may come before its method response (AWS-recorded).
    expect(await client.send(new PutIntegrationResponseCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST', statusCode: '200' }))).toMatchObject({ statusCode: '200' });
    await client.send(
      new PutMethodResponseCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST', statusCode: '200', responseParameters: { 'method.response.header.X-Id': false } }),
    );
    await client.send(new PutMethodResponseCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST', statusCode: '400' }));
    await client.send(
      new PutIntegrationResponseCommand({
        restApiId: id,
        resourceId: rid,
        httpMethod: 'POST',
        statusCode: '200',
        responseParameters: { 'method.response.header.X-Id': 'integration.response.header.X-Backend-Id' },
        responseTemplates: { 'application/json': '$input.json("$")' },
      }),
    );
    await client.send(new PutIntegrationResponseCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST', statusCode: '400', selectionPattern: '4\\d{2}' }));
    expect(
      await failure(client.send(new PutIntegrationResponseCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST', statusCode: '400', selectionPattern: '(' }))),
    ).toMatchObject({ name: 'BadRequestException' });
    const ir = await client.send(
      new UpdateIntegrationResponseCommand({
        restApiId: id,
        resourceId: rid,
        httpMethod: 'POST',
        statusCode: '400',
        patchOperations: [{ op: 'replace', path: '/selectionPattern', value: '400' }],
      }),
    );
    expect(ir.selectionPattern).toBe('400');
    expect((await client.send(new GetIntegrationResponseCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST', statusCode: '200' }))).responseParameters).toEqual({
      'method.response.header.X-Id': 'integration.response.header.X-Backend-Id',
    });
    expect(await failure(client.send(new GetMethodResponseCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST', statusCode: '500' })))).toMatchObject({
      name: 'NotFoundException',
      message: 'Invalid Response status code specified',
    });

    const method = await client.send(new GetMethodCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST' }));
    expect(method.methodResponses?.['200']?.responseParameters).toEqual({ 'method.response.header.X-Id': false });
    expect(method.methodIntegration?.integrationResponses?.['400']?.selectionPattern).toBe('400');

    const updated = await client.send(
      new UpdateMethodCommand({
        restApiId: id,
        resourceId: rid,
        httpMethod: 'POST',
        patchOperations: [
          { op: 'replace', path: '/apiKeyRequired', value: 'false' },
          { op: 'add', path: '/requestParameters/method.request.querystring.q', value: 'true' },
        ],
      }),
    );
    expect(updated.apiKeyRequired).toBe(false);
    expect(updated.requestParameters?.['method.request.querystring.q']).toBe(true);

    await client.send(new DeleteIntegrationCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST' }));
    expect(await failure(client.send(new GetIntegrationCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST' })))).toMatchObject({ name: 'NotFoundException' });
    await client.send(new DeleteMethodCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST' }));
    expect(await failure(client.send(new GetMethodCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST' })))).toMatchObject({ name: 'NotFoundException' });
  });

  it('accepts stage variables in integration and authorizer URIs', async () => {
    const api = await client.send(new CreateRestApiCommand({ name: 'stagevars' }));
    const id = api.id!;
    const rid = api.rootResourceId!;
    await client.send(new PutMethodCommand({ restApiId: id, resourceId: rid, httpMethod: 'GET', authorizationType: 'NONE' }));
    await client.send(new PutMethodCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST', authorizationType: 'NONE' }));
    const fnUri = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:${stageVariables.fn}/invocations';
    const lambda = await client.send(new PutIntegrationCommand({ restApiId: id, resourceId: rid, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: fnUri }));
    expect(lambda.uri).toBe(fnUri);
    const http = await client.send(
      new PutIntegrationCommand({ restApiId: id, resourceId: rid, httpMethod: 'POST', type: 'HTTP_PROXY', integrationHttpMethod: 'ANY', uri: 'http://127.0.0.1:${stageVariables.port}/items' }),
    );
    expect(http.uri).toBe('http://127.0.0.1:${stageVariables.port}/items');
    const auth = await client.send(
      new CreateAuthorizerCommand({ restApiId: id, name: 'sv', type: 'REQUEST', authorizerUri: fnUri.replace('${stageVariables.fn}', '${stageVariables.authFn}'), identitySource: 'method.request.header.X' }),
    );
    expect(auth.authorizerUri).toContain('${stageVariables.authFn}');
    expect(
      await failure(client.send(new PutIntegrationCommand({ restApiId: id, resourceId: rid, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST', uri: 'arn:aws:lambda:${stageVariables.fn}' }))),
    ).toMatchObject({ name: 'BadRequestException' });
  });

  it('manages models (draft-04 validated), request validators and authorizers', async () => {
    const api = await client.send(new CreateRestApiCommand({ name: 'defs' }));
    const id = api.id!;
    const petSchema = JSON.stringify({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', properties: { name: { type: 'string' } }, required: ['name'] });
    const model = await client.send(new CreateModelCommand({ restApiId: id, name: 'Pet', contentType: 'application/json', schema: petSchema }));
    expect(model).toMatchObject({ name: 'Pet', contentType: 'application/json' });
    // A model may reference another by its AWS model URL.
    await client.send(
      new CreateModelCommand({
        restApiId: id,
        name: 'Pets',
        contentType: 'application/json',
        schema: JSON.stringify({ type: 'array', items: { $ref: `https://apigateway.amazonaws.com/restapis/${id}/models/Pet` } }),
      }),
    );
    expect(await failure(client.send(new CreateModelCommand({ restApiId: id, name: 'Pet', contentType: 'application/json', schema: petSchema })))).toMatchObject({
      name: 'ConflictException',
      status: 409,
    });
    expect(await failure(client.send(new CreateModelCommand({ restApiId: id, name: 'Bad', contentType: 'application/json', schema: '{not json' })))).toMatchObject({
      name: 'BadRequestException',
      status: 400,
    });
    expect(
      await failure(client.send(new CreateModelCommand({ restApiId: id, name: 'Bad', contentType: 'application/json', schema: JSON.stringify({ type: 'object', required: 'name' }) }))),
    ).toMatchObject({ name: 'BadRequestException' });
    expect(await failure(client.send(new GetModelCommand({ restApiId: id, modelName: 'Nope' })))).toMatchObject({ name: 'NotFoundException', status: 404 });
    const listed = await client.send(new GetModelsCommand({ restApiId: id }));
    // AWS gives every API its Empty and Error models.
    expect(listed.items?.map((m) => m.name)).toEqual(['Empty', 'Error', 'Pet', 'Pets']);
    const template = await client.send(new GetModelTemplateCommand({ restApiId: id, modelName: 'Pets' }));
    expect(template.value).toContain("#set($inputRoot = $input.path('$'))");
    expect(template.value).toContain('#foreach($elem0 in $inputRoot)');
    expect(template.value).toContain('"name" : "$elem0.name"');
    const changed = await client.send(new UpdateModelCommand({ restApiId: id, modelName: 'Pet', patchOperations: [{ op: 'replace', path: '/description', value: 'a pet' }] }));
    expect(changed.description).toBe('a pet');

    const validator = await client.send(new CreateRequestValidatorCommand({ restApiId: id, name: 'body', validateRequestBody: true }));
    expect(validator).toMatchObject({ name: 'body', validateRequestBody: true, validateRequestParameters: false });
    expect((await client.send(new GetRequestValidatorsCommand({ restApiId: id }))).items).toHaveLength(1);

    // A method that uses the model and the validator pins them.
    await client.send(
      new PutMethodCommand({
        restApiId: id,
        resourceId: api.rootResourceId!,
        httpMethod: 'POST',
        authorizationType: 'NONE',
        requestModels: { 'application/json': 'Pet' },
        requestValidatorId: validator.id!,
      }),
    );
    // A model in use is a conflict (AWS-recorded, test/conformance/apigateway).
    expect(await failure(client.send(new DeleteModelCommand({ restApiId: id, modelName: 'Pet' })))).toMatchObject({ name: 'ConflictException' });
    expect(
      await failure(client.send(new PutMethodCommand({ restApiId: id, resourceId: api.rootResourceId!, httpMethod: 'PUT', authorizationType: 'NONE', requestModels: { 'application/json': 'Ghost' } }))),
    ).toMatchObject({ name: 'BadRequestException' });

    const auth = await client.send(
      new CreateAuthorizerCommand({
        restApiId: id,
        name: 'tok',
        type: 'TOKEN',
        authorizerUri: LAMBDA_URI,
        identitySource: 'method.request.header.Authorization',
        identityValidationExpression: '^Bearer .+$',
      }),
    );
    expect(auth.authorizerResultTtlInSeconds).toBe(300);
    expect(
      await failure(client.send(new CreateAuthorizerCommand({ restApiId: id, name: 'x', type: 'TOKEN', authorizerUri: LAMBDA_URI, identitySource: 'method.request.header.A', authorizerResultTtlInSeconds: 3601 }))),
    ).toMatchObject({ name: 'BadRequestException' });
    expect(await failure(client.send(new CreateAuthorizerCommand({ restApiId: id, name: 'x', type: 'TOKEN', authorizerUri: 'https://nope', identitySource: 'method.request.header.A' })))).toMatchObject({
      name: 'BadRequestException',
    });
    const req = await client.send(
      new CreateAuthorizerCommand({ restApiId: id, name: 'req', type: 'REQUEST', authorizerUri: LAMBDA_URI, identitySource: 'method.request.header.X-Id, method.request.querystring.token', authorizerResultTtlInSeconds: 0 }),
    );
    const updatedAuth = await client.send(new UpdateAuthorizerCommand({ restApiId: id, authorizerId: req.id!, patchOperations: [{ op: 'replace', path: '/authorizerResultTtlInSeconds', value: '60' }] }));
    expect(updatedAuth.authorizerResultTtlInSeconds).toBe(60);
    await client.send(new PutMethodCommand({ restApiId: id, resourceId: api.rootResourceId!, httpMethod: 'GET', authorizationType: 'CUSTOM', authorizerId: auth.id! }));
    expect(await failure(client.send(new DeleteAuthorizerCommand({ restApiId: id, authorizerId: auth.id! })))).toMatchObject({ name: 'ConflictException', status: 409 });
    await client.send(new DeleteAuthorizerCommand({ restApiId: id, authorizerId: req.id! }));
    expect(await failure(client.send(new GetAuthorizerCommand({ restApiId: id, authorizerId: req.id! })))).toMatchObject({ name: 'NotFoundException', status: 404 });
  });

  it('pages resources like AWS and enforces AWS quotas', async () => {
    const api = await client.send(new CreateRestApiCommand({ name: 'limits' }));
    const id = api.id!;
    for (let i = 0; i < 30; i++) await client.send(new CreateResourceCommand({ restApiId: id, parentId: api.rootResourceId!, pathPart: `r${i}` }));
    const first = await client.send(new GetResourcesCommand({ restApiId: id }));
    expect(first.items).toHaveLength(25);
    expect(first.position).toBeDefined();
    const second = await client.send(new GetResourcesCommand({ restApiId: id, position: first.position }));
    expect(second.items).toHaveLength(6);
    expect(second.position).toBeUndefined();

    for (let i = 0; i < 10; i++) {
      await client.send(new CreateAuthorizerCommand({ restApiId: id, name: `a${i}`, type: 'TOKEN', authorizerUri: LAMBDA_URI, identitySource: 'method.request.header.Authorization' }));
    }
    expect(
      await failure(client.send(new CreateAuthorizerCommand({ restApiId: id, name: 'a10', type: 'TOKEN', authorizerUri: LAMBDA_URI, identitySource: 'method.request.header.Authorization' }))),
    ).toEqual({
      name: 'LimitExceededException',
      status: 429,
      message: 'Maximum number of Authorizers for this API has been reached.  Please contact AWS if you need additional Authorizers.',
    });
  });

  it('lists default gateway responses and customises them', async () => {
    const api = await client.send(new CreateRestApiCommand({ name: 'gw' }));
    const id = api.id!;
    const all = await client.send(new GetGatewayResponsesCommand({ restApiId: id }));
    expect(all.items?.length).toBeGreaterThanOrEqual(20);
    const throttled = all.items?.find((g) => g.responseType === 'THROTTLED');
    expect(throttled).toMatchObject({ statusCode: '429', defaultResponse: true, responseTemplates: { 'application/json': '{"message":$context.error.messageString}' } });

    const put = await client.send(
      new PutGatewayResponseCommand({
        restApiId: id,
        responseType: 'DEFAULT_4XX',
        statusCode: '418',
        responseParameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'*'" },
        responseTemplates: { 'application/json': '{"error":$context.error.messageString}' },
      }),
    );
    expect(put).toMatchObject({ responseType: 'DEFAULT_4XX', statusCode: '418', defaultResponse: false });
    const patched = await client.send(
      new UpdateGatewayResponseCommand({ restApiId: id, responseType: 'MISSING_AUTHENTICATION_TOKEN', patchOperations: [{ op: 'replace', path: '/statusCode', value: '404' }] }),
    );
    expect(patched).toMatchObject({ statusCode: '404', defaultResponse: false });
    // An unknown type fails AWS's front-end enum check (AWS-recorded, test/conformance/apigateway).
    expect(await failure(client.send(new PutGatewayResponseCommand({ restApiId: id, responseType: 'NOPE' as 'THROTTLED' })))).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(
      await failure(client.send(new PutGatewayResponseCommand({ restApiId: id, responseType: 'THROTTLED', responseParameters: { 'bad.header': "'x'" } }))),
    ).toMatchObject({ name: 'BadRequestException' });

    await client.send(new DeleteGatewayResponseCommand({ restApiId: id, responseType: 'MISSING_AUTHENTICATION_TOKEN' }));
    const reset = await client.send(new GetGatewayResponseCommand({ restApiId: id, responseType: 'MISSING_AUTHENTICATION_TOKEN' }));
    // Back to a default, which inherits DEFAULT_4XX's customised status (AWS-recorded for the 5xx family).
    expect(reset).toMatchObject({ statusCode: '418', defaultResponse: true });
    expect(await failure(client.send(new DeleteGatewayResponseCommand({ restApiId: id, responseType: 'MISSING_AUTHENTICATION_TOKEN' })))).toMatchObject({
      name: 'NotFoundException',
      status: 404,
    });
  });
});

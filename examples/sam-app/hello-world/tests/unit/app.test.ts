import { test } from 'node:test';
import assert from 'node:assert/strict';
import { greet, lambdaHandler } from '../../app';

test('greets by name', () => {
  assert.equal(greet('Ada', 'Hi'), 'Hi, Ada!');
});

test('answers GET /hello', async () => {
  const res = await lambdaHandler({ httpMethod: 'GET', resource: '/hello', queryStringParameters: { name: 'Bob' } });
  assert.equal(res.statusCode, 200);
  assert.match(JSON.parse(res.body).message, /, Bob!$/);
});

test('answers GET /admin/stats with the stage environment', async () => {
  const res = await lambdaHandler({ httpMethod: 'GET', resource: '/admin/stats', stageVariables: { environment: 'production' } });
  assert.equal(JSON.parse(res.body).environment, 'production');
});

// Authorizer policy evaluation and resource matching.
import { describe, expect, it } from 'vitest';
import { evaluatePolicy, statementsOf } from './policy.js';
import { matchRoute } from './router.js';
import type { DeploymentSnapshot, Method, Resource } from '../core/model.js';

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/42';

describe('evaluatePolicy', () => {
  const policy = (effect: string, resource: string | string[], action: string | string[] = 'execute-api:Invoke') =>
    statementsOf({ Version: '2012-10-17', Statement: [{ Effect: effect, Action: action, Resource: resource }] })!;

  it('matches wildcards over the whole methodArn', () => {
    expect(evaluatePolicy(policy('Allow', 'arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/*'), ARN)).toBe('allow');
    expect(evaluatePolicy(policy('Allow', 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/*'), ARN)).toBe('implicitDeny');
    expect(evaluatePolicy(policy('Allow', 'arn:aws:execute-api:*:*:abc123/prod/GET/pets/??'), ARN)).toBe('allow');
    expect(evaluatePolicy(policy('Allow', '*', 'execute-api:*'), ARN)).toBe('allow');
    expect(evaluatePolicy(policy('Allow', '*', 's3:GetObject'), ARN)).toBe('implicitDeny');
  });

  it('an explicit Deny wins over an Allow', () => {
    const both = statementsOf({
      Statement: [
        { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' },
        { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: [ARN] },
      ],
    })!;
    expect(evaluatePolicy(both, ARN)).toBe('deny');
  });

  it('rejects malformed documents', () => {
    expect(statementsOf(undefined)).toBeUndefined();
    expect(statementsOf({ Statement: [{ Effect: 'Maybe', Action: '*', Resource: '*' }] })).toBeUndefined();
    expect(statementsOf({ Statement: [{ Effect: 'Allow', Action: 1, Resource: '*' }] })).toBeUndefined();
    expect(statementsOf({ Statement: { Effect: 'Allow', Action: '*', Resource: '*' } })).toHaveLength(1);
  });
});

describe('matchRoute', () => {
  const m = (verb: string): Method => ({
    httpMethod: verb as Method['httpMethod'], authorizationType: 'NONE', apiKeyRequired: false,
    requestParameters: {}, requestModels: {}, methodResponses: {},
  });
  const r = (id: string, path: string, verbs: string[]): Resource => ({
    id, path, resourceMethods: Object.fromEntries(verbs.map((v) => [v, m(v)])),
  });
  const snap = {
    resources: [
      r('root', '/', ['GET']),
      r('pets', '/pets', ['GET']),
      r('pet', '/pets/{petId}', ['GET', 'DELETE']),
      r('mine', '/pets/mine', ['GET']),
      r('proxy', '/{proxy+}', ['ANY']),
    ],
  } as unknown as DeploymentSnapshot;

  it('prefers literal over parameter over greedy, and falls back to ANY', () => {
    expect(matchRoute(snap, 'GET', '/pets/mine')?.resource.id).toBe('mine');
    expect(matchRoute(snap, 'GET', '/pets/7')?.pathParameters).toEqual({ petId: '7' });
    expect(matchRoute(snap, 'GET', '/pets/')?.resource.id).toBe('pets');
    expect(matchRoute(snap, 'POST', '/a/b/c')?.pathParameters).toEqual({ proxy: 'a/b/c' });
    expect(matchRoute(snap, 'GET', '/')?.resource.id).toBe('root');
  });

  it('a matched resource without the verb is no route (403 in AWS)', () => {
    expect(matchRoute(snap, 'POST', '/pets/7')).toBeUndefined();
    expect(matchRoute(snap, 'PUT', '/')).toBeUndefined();
  });

  it('keeps path parameters percent-encoded, as AWS delivers them', () => {
    expect(matchRoute(snap, 'GET', '/pets/a%20b')?.pathParameters).toEqual({ petId: 'a%20b' });
  });
});

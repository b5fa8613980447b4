import { describe, expect, it } from 'vitest';
import type { Integration, Route, Snapshot } from '../core/model.js';
import { compileRoutes } from './matcher.js';

const integration: Integration = {
  integrationId: 'i1',
  integrationType: 'HTTP_PROXY',
  integrationUri: 'http://example.com',
  payloadFormatVersion: '1.0',
  timeoutInMillis: 30000,
  connectionType: 'INTERNET',
};

function table(...keys: string[]) {
  const routes: Route[] = keys.map((routeKey, i) => ({ routeId: `r${i}`, routeKey, target: 'integrations/i1', authorizationType: 'NONE', apiKeyRequired: false }));
  const snapshot: Snapshot = { routes, integrations: [integration] };
  const t = compileRoutes(snapshot);
  return (method: string, path: string) => {
    const m = t.match(method, path);
    return m ? { key: m.compiled.route.routeKey, params: m.pathParameters } : undefined;
  };
}

describe('HTTP API route selection', () => {
  it('prefers literal segments, then variables, then greedy paths, then $default', () => {
    const match = table('$default', 'ANY /{proxy+}', 'GET /pets/{id}', 'GET /pets/dog', 'ANY /pets/{proxy+}', 'GET /');
    expect(match('GET', '/pets/dog')).toEqual({ key: 'GET /pets/dog', params: undefined });
    expect(match('GET', '/pets/cat')).toEqual({ key: 'GET /pets/{id}', params: { id: 'cat' } });
    expect(match('POST', '/pets/cat')).toEqual({ key: 'ANY /pets/{proxy+}', params: { proxy: 'cat' } });
    expect(match('GET', '/pets/a/b')).toEqual({ key: 'ANY /pets/{proxy+}', params: { proxy: 'a/b' } });
    expect(match('GET', '/other/x')).toEqual({ key: 'ANY /{proxy+}', params: { proxy: 'other/x' } });
    expect(match('GET', '/')).toEqual({ key: 'GET /', params: undefined });
    expect(match('POST', '/')).toEqual({ key: '$default', params: undefined });
  });

  it('prefers a named method over ANY on the same path, and finds nothing without $default', () => {
    const match = table('ANY /items', 'GET /items', 'GET /items/{id}');
    expect(match('GET', '/items')?.key).toBe('GET /items');
    expect(match('DELETE', '/items')?.key).toBe('ANY /items');
    expect(match('DELETE', '/items/1')).toBeUndefined();
    // A variable needs a non-empty segment; a greedy one at least one segment.
    expect(match('GET', '/items/')).toBeUndefined();
  });

  it('splits the path as sent and compares decoded segments', () => {
    const match = table('GET /files/{name}', 'GET /café');
    expect(match('GET', '/files/x%2Fy')).toEqual({ key: 'GET /files/{name}', params: { name: 'x/y' } });
    expect(match('GET', '/caf%C3%A9')).toEqual({ key: 'GET /café', params: undefined });
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../store/database.js';
import { StateCatalog } from './catalog.js';
import { createDeployment } from './deployments.js';
import { Input } from './input.js';
import type { CatalogEvent } from './model.js';
import { putIntegration, putMethod } from './resources.js';
import { createRestApi, getRestApi, updateRestApi } from './restapis.js';
import { ApiGatewayState } from './state.js';

const scope = { accountId: '000000000000', region: 'us-east-1' };

describe('ApiGatewayState', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'apigw-state-'));
    store = Store.open(dir);
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves memory and disk untouched when a mutation throws half-way', () => {
    const state = new ApiGatewayState(store);
    const api = createRestApi(state, scope, new Input({ name: 'a' }, 'createRestApiInput'));
    expect(() =>
      state.mutate(scope, (draft) => {
        const a = draft.api(api.id)!;
        a.api = { ...a.api, name: 'changed' };
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(getRestApi(state, scope, api.id).name).toBe('a');
    expect(getRestApi(new ApiGatewayState(store), scope, api.id).name).toBe('a');
  });

  it('reloads exactly what was committed, frozen', () => {
    const state = new ApiGatewayState(store);
    const api = createRestApi(state, scope, new Input({ name: 'a' }, 'createRestApiInput'));
    updateRestApi(state, scope, api.id, [{ op: 'replace', path: '/name', value: 'b' }]);
    const reloaded = new ApiGatewayState(store);
    const got = getRestApi(reloaded, scope, api.id);
    expect(got.name).toBe('b');
    expect(Object.isFrozen(got)).toBe(true);
    expect(reloaded.locateApi(api.id)).toEqual(scope);
  });

  it('serves the catalog from memory and follows writes', () => {
    const state = new ApiGatewayState(store);
    const catalog = new StateCatalog(state);
    const events: CatalogEvent[] = [];
    catalog.subscribe((e) => events.push(e));
    const api = createRestApi(state, scope, new Input({ name: 'a' }, 'createRestApiInput'));
    putMethod(state, scope, api.id, api.rootResourceId, 'GET', new Input({ authorizationType: 'NONE' }, 'putMethodInput'));
    putIntegration(state, scope, api.id, api.rootResourceId, 'GET', new Input({ type: 'MOCK' }, 'putIntegrationInput'));
    expect(catalog.resolveStage(scope.accountId, scope.region, api.id, 'prod')).toBeUndefined();
    const d1 = createDeployment(state, scope, api.id, new Input({ stageName: 'prod' }, 'createDeploymentInput'));
    const first = catalog.resolveStage(scope.accountId, scope.region, api.id, 'prod')!;
    expect(first.deployment.deploymentId).toBe(d1.id);
    // Same object while nothing changed: the data plane may cache by identity.
    expect(catalog.resolveStage(scope.accountId, scope.region, api.id, 'prod')).toBe(first);
    const d2 = createDeployment(state, scope, api.id, new Input({ stageName: 'prod' }, 'createDeploymentInput'));
    expect(catalog.resolveStage(scope.accountId, scope.region, api.id, 'prod')!.deployment.deploymentId).toBe(d2.id);
    expect(events.filter((e) => e.type === 'stageChanged')).toHaveLength(2);
  });
});

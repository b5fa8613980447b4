import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../store/database.js';
import { createDeployment } from './deployments.js';
import { Input } from './input.js';
import { createApiKey, createUsagePlan, createUsagePlanKey, getUsage, updateUsage } from './keys.js';
import type { UsageMeter } from './model.js';
import { putIntegration, putMethod } from './resources.js';
import { createRestApi } from './restapis.js';
import { ApiGatewayState } from './state.js';

const scope = { accountId: '000000000000', region: 'us-east-1' };

/** A meter that remembers what UpdateUsage set and reports fixed daily use. */
class FakeMeter implements UsageMeter {
  readonly remainingSet = new Map<string, number>();
  getUsage(planId: string, keyIds: readonly string[], start: string, end: string) {
    const days = (Date.parse(end) - Date.parse(start)) / 86_400_000 + 1;
    return Object.fromEntries(keyIds.map((k) => [k, Array.from({ length: days }, (_, i) => [i + 1, 100 - (i + 1)] as const)]));
  }
  remaining(planId: string, keyId: string) {
    return this.remainingSet.get(`${planId}/${keyId}`) ?? 100;
  }
  setRemaining(planId: string, keyId: string, n: number) {
    this.remainingSet.set(`${planId}/${keyId}`, n);
  }
}

describe('usage (GetUsage / UpdateUsage) over the data plane meter', () => {
  let dir: string;
  let store: Store;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'apigw-keys-'));
    store = Store.open(dir);
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function setup() {
    const state = new ApiGatewayState(store);
    const api = createRestApi(state, scope, new Input({ name: 'a' }, 'createRestApiInput'));
    putMethod(state, scope, api.id, api.rootResourceId, 'GET', new Input({ authorizationType: 'NONE', apiKeyRequired: true }, 'putMethodInput'));
    putIntegration(state, scope, api.id, api.rootResourceId, 'GET', new Input({ type: 'MOCK' }, 'putIntegrationInput'));
    createDeployment(state, scope, api.id, new Input({ stageName: 'prod' }, 'createDeploymentInput'));
    const plan = createUsagePlan(state, scope, new Input({ name: 'p', apiStages: [{ apiId: api.id, stage: 'prod' }], quota: { limit: 100, period: 'DAY' } }, 'createUsagePlanInput'));
    const key = createApiKey(state, scope, new Input({ name: 'k', enabled: true }, 'createApiKeyInput'));
    createUsagePlanKey(state, scope, plan.id, new Input({ keyId: key.id, keyType: 'API_KEY' }, 'createUsagePlanKeyInput'));
    return { state, plan, key };
  }

  it('reports the meter\'s daily [used, remaining] per key', () => {
    const { state, plan, key } = setup();
    const usage = getUsage(state, scope, new FakeMeter(), plan.id, { startDate: '2026-03-01', endDate: '2026-03-03' });
    expect(usage.values[key.id]).toEqual([
      [1, 99],
      [2, 98],
      [3, 97],
    ]);
    // Without a meter: zero use, the whole quota left.
    expect(getUsage(state, scope, undefined, plan.id, { startDate: '2026-03-01', endDate: '2026-03-02' }).values[key.id]).toEqual([
      [0, 100],
      [0, 100],
    ]);
  });

  it('passes UpdateUsage replace /remaining to the meter and validates it', () => {
    const { state, plan, key } = setup();
    const meter = new FakeMeter();
    updateUsage(state, scope, meter, plan.id, key.id, [{ op: 'replace', path: '/remaining', value: '42' }]);
    expect(meter.remaining(plan.id, key.id)).toBe(42);
    expect(() => updateUsage(state, scope, meter, plan.id, key.id, [{ op: 'add', path: '/remaining', value: '1' }])).toThrow(/Invalid patch path/);
    expect(() => updateUsage(state, scope, meter, plan.id, key.id, [{ op: 'replace', path: '/remaining', value: 'lots' }])).toThrow(/Invalid integer/);
    expect(() => updateUsage(state, scope, meter, plan.id, 'nokey', [{ op: 'replace', path: '/remaining', value: '1' }])).toThrow(/Usage Plan Key/);
  });
});

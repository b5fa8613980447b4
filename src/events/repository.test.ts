import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Store } from '../store/database.js';
import { EVENTS_MIGRATIONS, EventsRepository } from './repository.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

it('moves the rules and targets of a store from before custom buses onto the default bus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'events-repo-'));
  dirs.push(dir);
  const store = Store.open(dir);
  store.migrate('events', EVENTS_MIGRATIONS.filter((m) => m.version < 3));
  store.db.prepare(`INSERT INTO events_rules (account, region, name, event_pattern, state, created_ms, next_fire_ms) VALUES ('a', 'r', 'old', '{}', 'ENABLED', 1, 5)`).run();
  store.db.prepare(`INSERT INTO events_targets (account, region, rule, id, arn, seq, input_transformer) VALUES ('a', 'r', 'old', 't', 'arn:x', 1, NULL)`).run();

  const repo = new EventsRepository(store);
  const key = { account: 'a', region: 'r', bus: 'default' };
  expect(repo.getRule(key, 'old')).toMatchObject({ bus: 'default', name: 'old', event_pattern: '{}', next_fire_ms: 5 });
  expect(repo.targets(key, 'old')).toEqual([expect.objectContaining({ bus: 'default', rule: 'old', id: 't', arn: 'arn:x' })]);
  expect(repo.earliestFire()).toBe(5);
  expect(repo.getRule({ ...key, bus: 'other' }, 'old')).toBeUndefined();
  store.close();
});

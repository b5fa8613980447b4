// Saved test events for the Functions page, kept per function in the console's own table (the AWS
// console keeps them per function too, at most 10 private events each). Written before replying.
import type { Store } from '../store/database.js';
import type { Scope } from './deps.js';
import { BadRequest, NotFound } from './errors.js';

export const MAX_EVENTS_PER_FUNCTION = 10;
export const EVENT_NAME = /^[A-Za-z0-9._-]{1,25}$/;

const MIGRATIONS = [
  {
    version: 1,
    sql: `CREATE TABLE console_test_events (
      account TEXT NOT NULL, region TEXT NOT NULL, function_name TEXT NOT NULL, name TEXT NOT NULL,
      payload TEXT NOT NULL, updated_at INTEGER NOT NULL,
      PRIMARY KEY (account, region, function_name, name)
    )`,
  },
];

export interface TestEvent {
  name: string;
  payload: string;
  updatedAt: number;
}

export class TestEvents {
  constructor(private readonly store: Store) {
    store.migrate('console', MIGRATIONS);
  }

  list(scope: Scope, fn: string): TestEvent[] {
    return this.store.db
      .prepare('SELECT name, payload, updated_at AS updatedAt FROM console_test_events WHERE account = ? AND region = ? AND function_name = ? ORDER BY name')
      .all(scope.accountId, scope.region, fn) as TestEvent[];
  }

  put(scope: Scope, fn: string, name: string, payload: string, now = Date.now()): TestEvent {
    if (!EVENT_NAME.test(name)) throw BadRequest('Event names are 1 to 25 letters, digits, dots, dashes or underscores');
    return this.store.transaction(() => {
      const exists = this.store.db
        .prepare('SELECT 1 FROM console_test_events WHERE account = ? AND region = ? AND function_name = ? AND name = ?')
        .get(scope.accountId, scope.region, fn, name);
      if (!exists) {
        const { n } = this.store.db
          .prepare('SELECT COUNT(*) AS n FROM console_test_events WHERE account = ? AND region = ? AND function_name = ?')
          .get(scope.accountId, scope.region, fn) as { n: number };
        if (n >= MAX_EVENTS_PER_FUNCTION) throw BadRequest(`A function keeps at most ${MAX_EVENTS_PER_FUNCTION} saved test events`);
      }
      this.store.db
        .prepare(`INSERT INTO console_test_events (account, region, function_name, name, payload, updated_at) VALUES (?, ?, ?, ?, ?, ?)
          ON CONFLICT (account, region, function_name, name) DO UPDATE SET payload = excluded.payload, updated_at = excluded.updated_at`)
        .run(scope.accountId, scope.region, fn, name, payload, now);
      return { name, payload, updatedAt: now };
    });
  }

  delete(scope: Scope, fn: string, name: string): void {
    const r = this.store.db
      .prepare('DELETE FROM console_test_events WHERE account = ? AND region = ? AND function_name = ? AND name = ?')
      .run(scope.accountId, scope.region, fn, name);
    if (r.changes === 0) throw NotFound(`No saved test event ${name}`);
  }
}

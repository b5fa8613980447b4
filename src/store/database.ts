// The embedded store: one SQLite file in WAL mode under the data dir. Each service owns its tables
// and registers its migrations here; repositories in the services hold the SQL. A mutation is
// committed before the API acknowledges it (synchronous=NORMAL in WAL survives a kill -9).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type Sqlite = Database.Database;

export interface Migration {
  /** Monotonic per service, starting at 1. */
  version: number;
  sql: string;
}

/** Every connection to the store file sets these (WriteBehind's thread opens one of its own). */
export const CONNECTION_PRAGMAS = ['journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON', 'busy_timeout = 5000'];

export class Store {
  readonly db: Sqlite;
  readonly dataDir: string;

  private constructor(dataDir: string, db: Sqlite) {
    this.dataDir = dataDir;
    this.db = db;
  }

  /** The database file (other connections, e.g. WriteBehind's thread, open it too). */
  get file(): string {
    return this.db.name;
  }

  static open(dataDir: string): Store {
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(join(dataDir, 'nimbus.db'));
    for (const p of CONNECTION_PRAGMAS) db.pragma(p);
    beginImmediately(db);
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      service TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL,
      PRIMARY KEY (service, version))`);
    return new Store(dataDir, db);
  }

  /** Applies the service's migrations not yet applied, each in its own transaction. */
  migrate(service: string, migrations: readonly Migration[]): void {
    const applied = new Set(
      (this.db.prepare('SELECT version FROM schema_migrations WHERE service = ?').all(service) as { version: number }[]).map(
        (r) => r.version,
      ),
    );
    const record = this.db.prepare('INSERT INTO schema_migrations (service, version, applied_at) VALUES (?, ?, ?)');
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        record.run(service, m.version, new Date().toISOString());
      })();
    }
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * Makes every transaction on `db` take the write lock when it begins (BEGIN IMMEDIATE). Another
 * connection (WriteBehind's thread) may commit between a deferred transaction's first read and its
 * first write, and SQLite refuses such a transaction (SQLITE_BUSY) instead of waiting for the lock.
 */
function beginImmediately(db: Sqlite): void {
  const transaction = db.transaction.bind(db);
  // The immediate variant is itself a transaction function of the same kind (nesting included).
  db.transaction = ((fn: Parameters<Sqlite['transaction']>[0]) => transaction(fn).immediate) as Sqlite['transaction'];
}

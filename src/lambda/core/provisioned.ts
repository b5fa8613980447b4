// Provisioned concurrency: configurations per published version or alias, kept in the store, and
// the environments the pool keeps initialized for them. A configuration follows its target: when
// an alias moves (or the environments die), `reconcile` provisions the version it points at now.
import type { Store } from '../../store/database.js';
import type { EnvironmentPool, FunctionImage } from '../environments/types.js';
import { InvalidParameterValue, ProvisionedConcurrencyConfigNotFound, ResourceConflict, ResourceNotFound } from '../errors.js';
import { UNRESERVED_MINIMUM, type FunctionRegistry, type Scope } from './functions.js';
import type { FunctionRef } from './names.js';
import { LATEST, functionArn, lambdaTimestamp, type FunctionVersion } from './model.js';

const MIGRATIONS = [
  {
    version: 1,
    sql: `
      CREATE TABLE lambda_provisioned_concurrency (
        account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, qualifier TEXT NOT NULL,
        requested INTEGER NOT NULL, last_modified TEXT NOT NULL,
        PRIMARY KEY (account, region, name, qualifier));`,
  },
];

/** How often configurations are checked against what they point at (an alias may have moved). */
const RECONCILE_MS = 2_000;

export interface ProvisionedConfig {
  readonly functionArn: string;
  readonly requested: number;
  readonly available: number;
  readonly allocated: number;
  readonly status: 'IN_PROGRESS' | 'READY' | 'FAILED';
  readonly statusReason?: string;
  readonly lastModified: string;
}

interface Row {
  account: string;
  region: string;
  name: string;
  qualifier: string;
  requested: number;
  last_modified: string;
}

export class ProvisionedConcurrency {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly registry: FunctionRegistry,
    private readonly pool: () => EnvironmentPool | undefined,
    private readonly imageFor: (v: FunctionVersion) => Promise<FunctionImage>,
  ) {
    store.migrate('lambda-provisioned', MIGRATIONS);
  }

  /** Provisions every stored configuration, then keeps them in step. */
  start(): void {
    void this.reconcileAll();
    this.timer = setInterval(() => void this.reconcileAll(), RECONCILE_MS);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }

  async put(scope: Scope, name: string, qualifier: string | undefined, requested: number): Promise<ProvisionedConfig> {
    if (qualifier === LATEST) throw InvalidParameterValue('Provisioned Concurrency Configs cannot be applied to unpublished function versions.');
    const q = this.target(scope, name, qualifier);
    const version = this.versionOf(scope, name, q);
    if (version === LATEST) throw InvalidParameterValue('Provisioned Concurrency Configs cannot be applied to unpublished function versions.');
    // A version and an alias pointing at it cannot both be provisioned.
    for (const other of this.rows(scope, name)) {
      if (other.qualifier === q) continue;
      if (isAlias(q) && other.qualifier === version) {
        throw ResourceConflict("Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version");
      }
      if (!isAlias(q) && isAlias(other.qualifier) && this.versionOf(scope, name, other.qualifier) === q) {
        throw ResourceConflict('Version is pointed by a Provisioned Concurrency alias');
      }
    }
    const reserved = this.registry.meta(scope, name).reservedConcurrency;
    if (reserved !== undefined && requested > reserved) {
      throw InvalidParameterValue('Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function');
    }
    if (reserved === undefined) this.checkUnreserved(scope, name, q, requested);
    const lastModified = lambdaTimestamp();
    this.store.db
      .prepare(
        `INSERT INTO lambda_provisioned_concurrency (account, region, name, qualifier, requested, last_modified) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (account, region, name, qualifier) DO UPDATE SET requested = excluded.requested, last_modified = excluded.last_modified`,
      )
      .run(scope.accountId, scope.region, name, q, requested, lastModified);
    await this.reconcile({ account: scope.accountId, region: scope.region, name, qualifier: q, requested, last_modified: lastModified }, true);
    // As AWS answers a put: allocation has only begun.
    return { functionArn: functionArn(scope.region, scope.accountId, name, q), requested, available: 0, allocated: 0, status: 'IN_PROGRESS', lastModified };
  }

  get(scope: Scope, name: string, qualifier: string | undefined): ProvisionedConfig {
    if (qualifier === LATEST) throw InvalidParameterValue('The function resource provided must be an alias or a published version.');
    const q = this.target(scope, name, qualifier);
    const row = this.rows(scope, name).find((r) => r.qualifier === q);
    if (!row) throw ProvisionedConcurrencyConfigNotFound('No Provisioned Concurrency Config found for this function');
    return this.describe(row);
  }

  list(scope: Scope, name: string): ProvisionedConfig[] {
    this.registry.meta(scope, name); // ResourceNotFound for an unknown function
    return this.rows(scope, name).map((r) => this.describe(r));
  }

  delete(scope: Scope, name: string, qualifier: string | undefined): void {
    if (qualifier === LATEST) throw InvalidParameterValue('The function resource provided must be an alias or a published version.');
    const q = this.target(scope, name, qualifier);
    const row = this.rows(scope, name).find((r) => r.qualifier === q);
    if (!row) return; // idempotent, as AWS
    this.remove(row);
  }

  private describe(row: Row): ProvisionedConfig {
    const { allocated, available, failure } = this.pool()?.provisioned(ownerKey(row)) ?? { allocated: 0, available: 0 };
    const status = failure ? 'FAILED' : available >= row.requested ? 'READY' : 'IN_PROGRESS';
    return {
      functionArn: functionArn(row.region, row.account, row.name, row.qualifier),
      requested: row.requested,
      available: Math.min(available, row.requested),
      allocated: status === 'READY' ? row.requested : Math.min(allocated, row.requested),
      status,
      ...(failure ? { statusReason: failure } : {}),
      lastModified: row.last_modified,
    };
  }

  /** Provisions what the configuration points at now; drops it when its function or target is gone. */
  private async reconcile(row: Row, retry = false): Promise<void> {
    const scope = { accountId: row.account, region: row.region };
    let version: FunctionVersion;
    try {
      version = this.registry.resolve(scope, ref(row.name, row.qualifier)).version;
    } catch {
      this.remove(row);
      return;
    }
    const image = await this.imageFor(version);
    this.pool()?.provision(ownerKey(row), image, row.requested, retry);
  }

  private async reconcileAll(): Promise<void> {
    const rows = this.store.db.prepare('SELECT * FROM lambda_provisioned_concurrency').all() as Row[];
    for (const row of rows) await this.reconcile(row);
  }

  private remove(row: Row): void {
    this.store.db
      .prepare('DELETE FROM lambda_provisioned_concurrency WHERE account = ? AND region = ? AND name = ? AND qualifier = ?')
      .run(row.account, row.region, row.name, row.qualifier);
    this.pool()?.provision(ownerKey(row), undefined, 0);
  }

  /**
   * Provisioned concurrency of a function without reserved concurrency comes out of the account's
   * unreserved concurrency, which must keep its minimum (AWS's messages).
   */
  private checkUnreserved(scope: Scope, name: string, qualifier: string, requested: number): void {
    const { accountLimit, unreserved } = this.registry.accountSettings(scope);
    const others = this.store.db
      .prepare('SELECT COALESCE(SUM(requested), 0) AS n FROM lambda_provisioned_concurrency WHERE account = ? AND region = ? AND NOT (name = ? AND qualifier = ?)')
      .get(scope.accountId, scope.region, name, qualifier) as { n: number };
    const available = unreserved - others.n;
    if (requested > available) {
      throw InvalidParameterValue(`Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [${available}].`);
    }
    const minimum = Math.min(UNRESERVED_MINIMUM, accountLimit);
    if (available - requested < minimum) {
      throw InvalidParameterValue(
        `Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${minimum}].`,
      );
    }
  }

  private rows(scope: Scope, name: string): Row[] {
    return this.store.db
      .prepare('SELECT * FROM lambda_provisioned_concurrency WHERE account = ? AND region = ? AND name = ? ORDER BY qualifier')
      .all(scope.accountId, scope.region, name) as Row[];
  }

  /** The qualifier a request names, checked to exist (AWS's messages for a missing alias or version). */
  private target(scope: Scope, name: string, qualifier: string | undefined): string {
    if (!qualifier) throw InvalidParameterValue('The function resource provided must be an alias or a published version.');
    // An unknown function is reported as its missing alias or version, as AWS does.
    if (isAlias(qualifier)) {
      if (!this.registry.hasAlias(scope, name, qualifier)) {
        throw ResourceNotFound(`Cannot find alias arn: ${functionArn(scope.region, scope.accountId, name, qualifier)}`);
      }
    } else {
      this.registry.resolve(scope, ref(name, qualifier));
    }
    return qualifier;
  }

  private versionOf(scope: Scope, name: string, qualifier: string): string {
    return this.registry.resolve(scope, ref(name, qualifier)).version.version;
  }
}

const ref = (name: string, qualifier: string | undefined): FunctionRef => ({ name, qualifier, accountId: undefined, region: undefined });
const isAlias = (qualifier: string) => qualifier !== LATEST && !/^\d+$/.test(qualifier);
const ownerKey = (r: Row) => `${r.account}/${r.region}/${r.name}/${r.qualifier}`;

// The function registry: functions, versions, aliases, reserved concurrency, asynchronous
// invocation settings, tags and resource policies. Every mutation is one SQLite transaction; an
// in-memory copy of each function serves reads so the invoke path never touches the database.
import { randomUUID } from 'node:crypto';
import {
  InvalidParameterValue,
  PreconditionFailed,
  ResourceConflict,
  ResourceNotFound,
  constraintViolation,
} from '../errors.js';
import type { CodeStore, StoredCode } from './code-store.js';
import type { LayerRegistry } from './layers.js';
import {
  LATEST,
  functionArn,
  lambdaTimestamp,
  type Alias,
  type ApplicationLogLevel,
  type SystemLogLevel,
  type EventInvokeConfig,
  type FunctionMeta,
  type FunctionVersion,
  type LayerReference,
  type RecursiveLoop,
  type RuntimeManagement,
  type VpcConfig,
} from './model.js';
import { isAliasName, isVersionNumber, parseFunctionRef, type FunctionRef } from './names.js';
import type { FunctionRecord, LambdaRepository } from './repository.js';

export interface Scope {
  readonly accountId: string;
  readonly region: string;
}

/** Configuration fields a caller may set; already validated by the wire layer's parsers. */
export interface ConfigurationInput {
  runtime?: string;
  handler?: string;
  role?: string;
  description?: string;
  timeout?: number;
  memorySize?: number;
  ephemeralStorageSize?: number;
  environment?: Record<string, string>;
  architectures?: string[];
  tracingMode?: 'Active' | 'PassThrough';
  deadLetterTargetArn?: string;
  kmsKeyArn?: string;
  vpcConfig?: VpcConfig;
  snapStartApplyOn?: 'PublishedVersions' | 'None';
  /** Layer version ARNs, in order (resolved and checked against the layer registry). */
  layers?: string[];
  logFormat?: 'Text' | 'JSON';
  applicationLogLevel?: ApplicationLogLevel;
  systemLogLevel?: SystemLogLevel;
  logGroup?: string;
}

export interface CreateFunctionInput extends ConfigurationInput {
  functionName: string;
  runtime: string;
  handler: string;
  role: string;
  zip: Buffer;
  publish?: boolean;
  tags?: Record<string, string>;
}

export interface ResolvedFunction {
  readonly meta: FunctionMeta;
  readonly version: FunctionVersion;
  /** The alias the caller named, if any. */
  readonly alias?: Alias;
  /** The qualifier the caller named ($LATEST when none). */
  readonly qualifier: string;
}

export interface RegistryHooks {
  /**
   * Readies the runtime: throws InvalidParameterValue when it cannot run here, returns a promise
   * when it must be fetched first (the function stays Pending or InProgress until then).
   */
  prepareRuntime(runtime: string): Promise<void> | undefined;
  /** A function's environments should stop (code or configuration changed, or it was deleted). */
  retire(scope: Scope, functionName: string): void;
}

/** The unreserved concurrency AWS keeps free in an account (reserved and provisioned concurrency). */
export const UNRESERVED_MINIMUM = 100;

export class FunctionRegistry {
  private readonly cache = new Map<string, FunctionRecord | null>();
  private readonly reservedTotals = new Map<string, number>();

  constructor(
    private readonly repo: LambdaRepository,
    private readonly code: CodeStore,
    private readonly accountLimit: number,
    private readonly hooks: RegistryHooks,
    private readonly layerRegistry: LayerRegistry,
  ) {
    // Anything a stop left Pending/InProgress had its package in place before it was acknowledged;
    // only a runtime still being fetched may be missing, and is fetched again.
    for (const key of repo.listFunctionKeys()) {
      const latest = repo.load(key)?.versions.get(LATEST);
      if (latest && (latest.state === 'Pending' || latest.lastUpdateStatus === 'InProgress')) this.settle(key, key.functionName);
    }
  }

  // --- reads ---------------------------------------------------------------------------------

  private cacheKey(scope: Scope, name: string): string {
    return `${scope.accountId}/${scope.region}/${name}`;
  }

  private record(scope: Scope, name: string): FunctionRecord | undefined {
    const key = this.cacheKey(scope, name);
    let record = this.cache.get(key);
    if (record === undefined) {
      record = this.repo.load({ ...scope, functionName: name }) ?? null;
      this.cache.set(key, record);
    }
    return record ?? undefined;
  }

  private mustRecord(scope: Scope, name: string): FunctionRecord {
    const record = this.record(scope, name);
    if (!record) throw ResourceNotFound(`Function not found: ${functionArn(scope.region, scope.accountId, name)}`);
    return record;
  }

  /** Resolves a (possibly qualified) reference to the version it names. */
  resolve(scope: Scope, ref: FunctionRef): ResolvedFunction {
    this.checkScope(scope, ref);
    const record = this.record(scope, ref.name);
    // An unknown function is reported under the qualifier the caller named, as AWS does.
    if (!record) throw ResourceNotFound(`Function not found: ${functionArn(scope.region, scope.accountId, ref.name, ref.qualifier)}`);
    const qualifier = ref.qualifier ?? LATEST;
    if (qualifier === LATEST || isVersionNumber(qualifier)) {
      const version = record.versions.get(qualifier);
      if (!version) throw ResourceNotFound(`Function not found: ${functionArn(scope.region, scope.accountId, ref.name, qualifier)}`);
      return { meta: record.meta, version, qualifier };
    }
    const alias = record.aliases.get(qualifier);
    if (!alias) throw ResourceNotFound(`Function not found: ${functionArn(scope.region, scope.accountId, ref.name, qualifier)}`);
    const version = record.versions.get(alias.functionVersion);
    if (!version) throw ResourceNotFound(`Function not found: ${functionArn(scope.region, scope.accountId, ref.name, alias.functionVersion)}`);
    return { meta: record.meta, version, alias, qualifier };
  }

  /** The version an invocation runs: an alias splits traffic by its weights. */
  pickVersion(resolved: ResolvedFunction, random: number): FunctionVersion {
    const alias = resolved.alias;
    if (!alias) return resolved.version;
    let threshold = 0;
    for (const [version, weight] of Object.entries(alias.additionalVersionWeights)) {
      threshold += weight;
      if (random < threshold) {
        const { accountId, region, functionName } = resolved.version;
        const v = this.record({ accountId, region }, functionName)?.versions.get(version);
        if (v) return v;
      }
    }
    return resolved.version;
  }

  meta(scope: Scope, name: string): FunctionMeta {
    return this.mustRecord(scope, name).meta;
  }

  hasFunction(scope: Scope, name: string): boolean {
    return this.record(scope, name) !== undefined;
  }

  /** Whether the function exists and has the alias (false for an unknown function). */
  hasAlias(scope: Scope, name: string, alias: string): boolean {
    return this.record(scope, name)?.aliases.has(alias) ?? false;
  }

  list(scope: Scope, allVersions: boolean): FunctionVersion[] {
    const out: FunctionVersion[] = [];
    for (const key of this.repo.listFunctionKeys()) {
      if (key.accountId !== scope.accountId || key.region !== scope.region) continue;
      const record = this.record(scope, key.functionName);
      if (!record) continue;
      if (allVersions) out.push(...sortVersions([...record.versions.values()]));
      else {
        const latest = record.versions.get(LATEST);
        if (latest) out.push(latest);
      }
    }
    return out;
  }

  versions(scope: Scope, ref: FunctionRef): FunctionVersion[] {
    this.checkScope(scope, ref);
    return sortVersions([...this.mustRecord(scope, ref.name).versions.values()]);
  }

  aliases(scope: Scope, ref: FunctionRef, functionVersion?: string): Alias[] {
    this.checkScope(scope, ref);
    return [...this.mustRecord(scope, ref.name).aliases.values()]
      .filter((a) => functionVersion === undefined || a.functionVersion === functionVersion)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  alias(scope: Scope, ref: FunctionRef, name: string): Alias {
    this.checkScope(scope, ref);
    const alias = this.mustRecord(scope, ref.name).aliases.get(name);
    if (!alias) {
      throw ResourceNotFound(`Cannot find alias arn: ${functionArn(scope.region, scope.accountId, ref.name, name)}`);
    }
    return alias;
  }

  totalReserved(accountId: string, region: string): number {
    const scopeKey = `${accountId}/${region}`;
    let total = this.reservedTotals.get(scopeKey);
    if (total === undefined) {
      total = 0;
      for (const key of this.repo.listFunctionKeys()) {
        if (key.accountId !== accountId || key.region !== region) continue;
        total += this.record({ accountId, region }, key.functionName)?.meta.reservedConcurrency ?? 0;
      }
      this.reservedTotals.set(scopeKey, total);
    }
    return total;
  }

  accountSettings(scope: Scope) {
    let totalCodeSize = 0;
    let functionCount = 0;
    for (const key of this.repo.listFunctionKeys()) {
      if (key.accountId !== scope.accountId || key.region !== scope.region) continue;
      functionCount++;
      for (const v of this.record(scope, key.functionName)?.versions.values() ?? []) totalCodeSize += v.codeSize;
    }
    return {
      accountLimit: this.accountLimit,
      unreserved: this.accountLimit - this.totalReserved(scope.accountId, scope.region),
      totalCodeSize,
      functionCount,
    };
  }

  eventInvokeConfig(scope: Scope, name: string, qualifier: string): EventInvokeConfig | undefined {
    return this.record(scope, name)?.eventInvokeConfigs.get(qualifier);
  }

  eventInvokeConfigs(scope: Scope, ref: FunctionRef): EventInvokeConfig[] {
    this.checkScope(scope, ref);
    const record = this.record(scope, ref.name);
    if (!record) throw ResourceNotFound("The function doesn't exist.");
    return [...record.eventInvokeConfigs.values()];
  }

  // --- writes --------------------------------------------------------------------------------

  /** Creates the function; `published` is version 1 when the request asked to publish. */
  async create(scope: Scope, input: CreateFunctionInput): Promise<{ latest: FunctionVersion; published?: FunctionVersion }> {
    this.hooks.prepareRuntime(input.runtime); // refuses a runtime that cannot run here
    if (this.record(scope, input.functionName)) {
      throw ResourceConflict(`Function already exist: ${input.functionName}`);
    }
    const layers = this.layerRegistry.resolve(scope, input.layers ?? []);
    const stored = await this.code.put(input.zip);
    await this.layerRegistry.checkCombinedSize(stored.sha256Hex, layers);
    // The package was extracted while we awaited: someone may have created the same name meanwhile.
    if (this.record(scope, input.functionName)) {
      throw ResourceConflict(`Function already exist: ${input.functionName}`);
    }
    const latest = this.newLatest(scope, input, stored, layers);
    const meta: FunctionMeta = {
      ...scope,
      functionName: input.functionName,
      reservedConcurrency: undefined,
      tags: input.tags ?? {},
      lastVersion: 0,
      policy: [],
      recursiveLoop: 'Terminate',
    };
    let published: FunctionVersion | undefined;
    this.repo.transaction(() => {
      this.repo.saveMeta(meta);
      this.repo.saveVersion(latest);
      if (input.publish) published = this.publishInTransaction(scope, input.functionName, meta, latest, undefined);
    });
    this.invalidate(scope, input.functionName);
    this.settle(scope, input.functionName);
    return published ? { latest, published } : { latest };
  }

  private newLatest(scope: Scope, input: CreateFunctionInput, stored: StoredCode, layers: LayerReference[]): FunctionVersion {
    return {
      ...scope,
      functionName: input.functionName,
      version: LATEST,
      runtime: input.runtime,
      handler: input.handler,
      role: input.role,
      description: input.description ?? '',
      timeout: input.timeout ?? 3,
      memorySize: input.memorySize ?? 128,
      ephemeralStorageSize: input.ephemeralStorageSize ?? 512,
      environment: input.environment ?? {},
      codeSha256Hex: stored.sha256Hex,
      codeSize: stored.size,
      architectures: input.architectures ?? ['x86_64'],
      tracingMode: input.tracingMode ?? 'PassThrough',
      ...(input.deadLetterTargetArn ? { deadLetterTargetArn: input.deadLetterTargetArn } : {}),
      ...(input.kmsKeyArn ? { kmsKeyArn: input.kmsKeyArn } : {}),
      ...(input.vpcConfig ? { vpcConfig: input.vpcConfig } : {}),
      ...(input.snapStartApplyOn ? { snapStartApplyOn: input.snapStartApplyOn } : {}),
      layers,
      ...(input.environment !== undefined ? { environmentGiven: true } : {}),
      ...loggingLevels(input.logFormat ?? 'Text', input),
      logGroup: input.logGroup ?? `/aws/lambda/${input.functionName}`,
      lastModified: lambdaTimestamp(),
      revisionId: randomUUID(),
      state: 'Pending',
      lastUpdateStatus: 'Successful',
    };
  }

  async updateCode(
    scope: Scope,
    ref: FunctionRef,
    input: { zip: Buffer; publish?: boolean; revisionId?: string; dryRun?: boolean },
  ): Promise<FunctionVersion> {
    this.checkScope(scope, ref);
    this.requireUnqualified(ref);
    this.mustRecord(scope, ref.name);
    const stored = await this.code.put(input.zip);
    await this.layerRegistry.checkCombinedSize(stored.sha256Hex, this.mustRecord(scope, ref.name).versions.get(LATEST)!.layers);
    const record = this.mustRecord(scope, ref.name);
    const current = record.versions.get(LATEST)!;
    this.checkRevision(current.revisionId, input.revisionId);
    this.checkUpdatable(current, scope);
    if (input.dryRun) return { ...current, codeSha256Hex: stored.sha256Hex, codeSize: stored.size };
    const updated: FunctionVersion = {
      ...current,
      codeSha256Hex: stored.sha256Hex,
      codeSize: stored.size,
      lastModified: lambdaTimestamp(),
      revisionId: randomUUID(),
      lastUpdateStatus: 'InProgress',
    };
    let result = updated;
    this.repo.transaction(() => {
      this.repo.saveVersion(updated);
      if (input.publish) result = this.publishInTransaction(scope, ref.name, record.meta, updated, undefined, 'Pending');
    });
    this.invalidate(scope, ref.name);
    this.hooks.retire(scope, ref.name);
    this.settle(scope, ref.name);
    return input.publish ? result : updated;
  }

  async updateConfiguration(scope: Scope, ref: FunctionRef, input: ConfigurationInput & { revisionId?: string }): Promise<FunctionVersion> {
    this.checkScope(scope, ref);
    this.requireUnqualified(ref);
    let layers: LayerReference[] | undefined;
    if (input.layers !== undefined) {
      layers = this.layerRegistry.resolve(scope, input.layers);
      await this.layerRegistry.checkCombinedSize(this.mustRecord(scope, ref.name).versions.get(LATEST)!.codeSha256Hex, layers);
    }
    // Everything below is synchronous: the checks hold for the version that is replaced.
    const record = this.mustRecord(scope, ref.name);
    const current = record.versions.get(LATEST)!;
    this.checkRevision(current.revisionId, input.revisionId);
    this.checkUpdatable(current, scope);
    if (input.runtime !== undefined) this.hooks.prepareRuntime(input.runtime); // refuses a runtime that cannot run here
    const { revisionId: _ignored, layers: _arns, ...changes } = input;
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Omit<ConfigurationInput, 'layers'>;
    const { applicationLogLevel: _a, systemLogLevel: _s, ...kept } = current;
    const logFormat = input.logFormat ?? current.logFormat;
    // Levels stay while the format stays JSON; a request naming the format names its levels too.
    const levels = input.logFormat === undefined && logFormat === 'JSON' ? { ...current, ...defined } : defined;
    const updated: FunctionVersion = {
      ...kept,
      ...defined,
      ...(layers ? { layers } : {}),
      ...(input.environment !== undefined ? { environmentGiven: true } : {}),
      ...loggingLevels(logFormat, levels),
      lastModified: lambdaTimestamp(),
      revisionId: randomUUID(),
      lastUpdateStatus: 'InProgress',
    };
    this.repo.saveVersion(updated);
    this.invalidate(scope, ref.name);
    this.hooks.retire(scope, ref.name);
    this.settle(scope, ref.name);
    return updated;
  }

  delete(scope: Scope, ref: FunctionRef): void {
    this.checkScope(scope, ref);
    const qualifier = ref.qualifier;
    // AWS refuses these before it looks the function up.
    if (qualifier === LATEST) {
      throw InvalidParameterValue('$LATEST version cannot be deleted without deleting the function.');
    }
    if (qualifier !== undefined && !isVersionNumber(qualifier)) {
      throw InvalidParameterValue('Deletion of aliases is not supported. Use DeleteAlias instead.');
    }
    const record = this.mustRecord(scope, ref.name);
    if (qualifier === undefined) {
      this.repo.deleteFunction({ ...scope, functionName: ref.name });
      this.reservedTotals.delete(`${scope.accountId}/${scope.region}`);
      this.invalidate(scope, ref.name);
      this.hooks.retire(scope, ref.name);
      return;
    }
    if (!record.versions.has(qualifier)) return; // Lambda answers 204 for a version already gone.
    const users = [...record.aliases.values()]
      .filter((a) => a.functionVersion === qualifier || qualifier in a.additionalVersionWeights)
      .map((a) => functionArn(scope.region, scope.accountId, ref.name, a.name));
    if (users.length > 0) {
      throw ResourceConflict(`Unable to delete version because the following aliases reference it: [${users.join(', ')}]`);
    }
    this.repo.deleteVersion({ ...scope, functionName: ref.name }, qualifier);
    this.invalidate(scope, ref.name);
  }

  publishVersion(
    scope: Scope,
    ref: FunctionRef,
    input: { codeSha256?: string; description?: string; revisionId?: string },
  ): FunctionVersion {
    this.checkScope(scope, ref);
    this.requireUnqualified(ref);
    const record = this.mustRecord(scope, ref.name);
    const latest = record.versions.get(LATEST)!;
    this.checkRevision(latest.revisionId, input.revisionId);
    if (input.codeSha256 !== undefined) {
      const current = Buffer.from(latest.codeSha256Hex, 'hex').toString('base64');
      if (input.codeSha256 !== current) {
        throw InvalidParameterValue(
          `CodeSHA256 (${input.codeSha256}) is different from current CodeSHA256 in $LATEST (${current}). Please try again with the CodeSHA256 in $LATEST.`,
        );
      }
    }
    if (latest.lastUpdateStatus === 'InProgress') {
      throw ResourceConflict(
        `The operation cannot be performed at this time. An update is in progress for resource: ${functionArn(scope.region, scope.accountId, ref.name)}`,
      );
    }
    const published = this.repo.transaction(() =>
      this.publishInTransaction(scope, ref.name, record.meta, latest, input.description),
    );
    this.invalidate(scope, ref.name);
    return published;
  }

  /** Publishes $LATEST unless the newest version already has the same code and configuration. */
  private publishInTransaction(
    scope: Scope,
    name: string,
    meta: FunctionMeta,
    latest: FunctionVersion,
    description: string | undefined,
    state: 'Pending' | 'Active' = 'Active',
  ): FunctionVersion {
    const record = this.repo.load({ ...scope, functionName: name })!;
    const newest = record.versions.get(String(record.meta.lastVersion));
    if (newest && newest.publishedFromRevisionId === latest.revisionId) return newest;
    // Publishing changes $LATEST's revision id as well (AWS's revision lifecycle).
    const republished: FunctionVersion = { ...latest, revisionId: randomUUID() };
    const number = record.meta.lastVersion + 1;
    const version: FunctionVersion = {
      ...latest,
      version: String(number),
      description: description ?? latest.description,
      publishedFromRevisionId: republished.revisionId,
      lastModified: lambdaTimestamp(),
      revisionId: randomUUID(),
      state,
      lastUpdateStatus: 'Successful',
    };
    this.repo.saveVersion(republished);
    this.repo.saveVersion(version);
    this.repo.saveMeta({ ...meta, ...record.meta, lastVersion: number });
    return version;
  }

  createAlias(
    scope: Scope,
    ref: FunctionRef,
    input: { name: string; functionVersion: string; description?: string; weights?: Record<string, number> },
  ): Alias {
    this.checkScope(scope, ref);
    const record = this.record(scope, ref.name);
    if (!record) {
      throw ResourceNotFound(`Function not found: ${functionArn(scope.region, scope.accountId, ref.name, input.functionVersion)}`);
    }
    if (record.aliases.has(input.name)) {
      throw ResourceConflict(`Alias already exists: ${functionArn(scope.region, scope.accountId, ref.name, input.name)}`);
    }
    const alias: Alias = {
      ...scope,
      functionName: ref.name,
      name: input.name,
      functionVersion: input.functionVersion,
      description: input.description ?? '',
      additionalVersionWeights: input.weights ?? {},
      revisionId: randomUUID(),
    };
    this.checkAliasTargets(scope, record, alias);
    this.repo.saveAlias(alias);
    this.invalidate(scope, ref.name);
    return alias;
  }

  updateAlias(
    scope: Scope,
    ref: FunctionRef,
    name: string,
    input: { functionVersion?: string; description?: string; weights?: Record<string, number>; revisionId?: string },
  ): Alias {
    const current = this.alias(scope, ref, name);
    this.checkRevision(current.revisionId, input.revisionId);
    const record = this.mustRecord(scope, ref.name);
    const alias: Alias = {
      ...current,
      ...(input.functionVersion !== undefined ? { functionVersion: input.functionVersion } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.weights !== undefined ? { additionalVersionWeights: input.weights } : {}),
      revisionId: randomUUID(),
    };
    this.checkAliasTargets(scope, record, alias);
    this.repo.saveAlias(alias);
    this.invalidate(scope, ref.name);
    return alias;
  }

  deleteAlias(scope: Scope, ref: FunctionRef, name: string): void {
    this.checkScope(scope, ref);
    const record = this.mustRecord(scope, ref.name);
    if (!record.aliases.has(name)) return; // 204 either way, as Lambda answers.
    this.repo.deleteAlias({ ...scope, functionName: ref.name }, name);
    this.invalidate(scope, ref.name);
  }

  private checkAliasTargets(scope: Scope, record: FunctionRecord, alias: Alias): void {
    const missing = (v: string) =>
      ResourceNotFound(`Function not found: ${functionArn(scope.region, scope.accountId, alias.functionName, v)}`);
    if (!record.versions.has(alias.functionVersion)) throw missing(alias.functionVersion);
    const extra = Object.entries(alias.additionalVersionWeights);
    if (extra.length > 1) {
      throw InvalidParameterValue('Number of items in AdditionalVersionWeights cannot be greater than 1');
    }
    for (const [version] of extra) {
      if (!isVersionNumber(version)) {
        throw InvalidParameterValue(`$LATEST is not supported for an alias pointing to more than 1 version`);
      }
      if (alias.functionVersion === LATEST) {
        throw InvalidParameterValue(`$LATEST is not supported for an alias pointing to more than 1 version`);
      }
      if (version === alias.functionVersion) {
        throw InvalidParameterValue(`Invalid function version ${version}. Function version ${version} is already included in routing configuration.`);
      }
      if (!record.versions.has(version)) throw missing(version);
    }
  }

  putReservedConcurrency(scope: Scope, ref: FunctionRef, value: number): number {
    this.checkScope(scope, ref);
    requireFunctionOnly(ref);
    const record = this.record(scope, ref.name);
    if (!record) throw ResourceNotFound(`Function not found: ${functionArn(scope.region, scope.accountId, ref.name, LATEST)}`);
    const others = this.totalReserved(scope.accountId, scope.region) - (record.meta.reservedConcurrency ?? 0);
    if (this.accountLimit - others - value < Math.min(UNRESERVED_MINIMUM, this.accountLimit)) {
      throw InvalidParameterValue(
        `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${Math.min(UNRESERVED_MINIMUM, this.accountLimit)}].`,
      );
    }
    this.repo.saveMeta({ ...record.meta, reservedConcurrency: value });
    this.reservedTotals.delete(`${scope.accountId}/${scope.region}`);
    this.invalidate(scope, ref.name);
    return value;
  }

  deleteReservedConcurrency(scope: Scope, ref: FunctionRef): void {
    this.checkScope(scope, ref);
    requireFunctionOnly(ref);
    const record = this.mustRecord(scope, ref.name);
    this.repo.saveMeta({ ...record.meta, reservedConcurrency: undefined });
    this.reservedTotals.delete(`${scope.accountId}/${scope.region}`);
    this.invalidate(scope, ref.name);
  }

  recursionConfig(scope: Scope, ref: FunctionRef): RecursiveLoop {
    this.checkScope(scope, ref);
    requireFunctionOnly(ref);
    return this.mustRecord(scope, ref.name).meta.recursiveLoop;
  }

  putRecursionConfig(scope: Scope, ref: FunctionRef, recursiveLoop: RecursiveLoop): RecursiveLoop {
    this.checkScope(scope, ref);
    requireFunctionOnly(ref);
    const record = this.mustRecord(scope, ref.name);
    this.repo.saveMeta({ ...record.meta, recursiveLoop });
    this.invalidate(scope, ref.name);
    return recursiveLoop;
  }

  /** The version a runtime management call names: $LATEST or a published version, never an alias. */
  private managedVersion(scope: Scope, ref: FunctionRef): FunctionVersion {
    this.checkScope(scope, ref);
    const qualifier = ref.qualifier ?? LATEST;
    const version = qualifier === LATEST || isVersionNumber(qualifier) ? this.record(scope, ref.name)?.versions.get(qualifier) : undefined;
    if (!version) throw ResourceNotFound(`Function not found: ${functionArn(scope.region, scope.accountId, ref.name, qualifier)}`);
    return version;
  }

  runtimeManagement(scope: Scope, ref: FunctionRef): { version: FunctionVersion; config: RuntimeManagement } {
    const version = this.managedVersion(scope, ref);
    return { version, config: version.runtimeManagement ?? { updateRuntimeOn: 'Auto' } };
  }

  putRuntimeManagement(scope: Scope, ref: FunctionRef, config: RuntimeManagement): { version: FunctionVersion; config: RuntimeManagement } {
    const version = this.managedVersion(scope, ref);
    const updated: FunctionVersion = { ...version, runtimeManagement: config };
    this.repo.saveVersion(updated);
    this.invalidate(scope, ref.name);
    return { version: updated, config };
  }

  putEventInvokeConfig(scope: Scope, ref: FunctionRef, config: Omit<EventInvokeConfig, 'functionName' | 'qualifier' | 'lastModified'>, merge: boolean): EventInvokeConfig {
    this.checkScope(scope, ref);
    const resolved = this.tryResolve(scope, ref);
    // Put, update and list answer an unknown function, version or alias alike.
    if (!resolved) throw ResourceNotFound("The function doesn't exist.");
    const record = this.mustRecord(scope, ref.name);
    const qualifier = resolved.qualifier;
    for (const destination of [config.onSuccess, config.onFailure]) {
      if (destination === undefined || !destination.includes(':lambda:')) continue;
      const target = parseFunctionRef(destination);
      if (target.name === ref.name) throw InvalidParameterValue("You can't specify the function as a destination for itself.");
      if (!this.tryResolve(scope, target)) throw InvalidParameterValue(`The destination ARN ${destination} is invalid.`);
    }
    const existing = record.eventInvokeConfigs.get(qualifier);
    if (merge && !existing) throw noEventInvokeConfig(scope, ref.name, qualifier);
    const next: EventInvokeConfig = {
      ...(merge ? existing : {}),
      ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)),
      functionName: ref.name,
      qualifier,
      lastModified: Date.now() / 1000,
    };
    this.repo.saveEventInvokeConfig({ ...scope, functionName: ref.name }, next);
    this.invalidate(scope, ref.name);
    return next;
  }

  /** GetFunctionEventInvokeConfig: anything missing, the function included, is "no config" for AWS. */
  mustEventInvokeConfig(scope: Scope, ref: FunctionRef): EventInvokeConfig {
    this.checkScope(scope, ref);
    const qualifier = ref.qualifier ?? LATEST;
    const config = this.record(scope, ref.name)?.eventInvokeConfigs.get(qualifier);
    if (!config) throw noEventInvokeConfig(scope, ref.name, qualifier);
    return config;
  }

  deleteEventInvokeConfig(scope: Scope, ref: FunctionRef): void {
    const qualifier = this.mustEventInvokeConfig(scope, ref).qualifier;
    this.repo.deleteEventInvokeConfig({ ...scope, functionName: ref.name }, qualifier);
    this.invalidate(scope, ref.name);
  }

  /** resolve() without the error: undefined for an unknown function, version or alias. */
  private tryResolve(scope: Scope, ref: FunctionRef): ResolvedFunction | undefined {
    try {
      return this.resolve(scope, ref);
    } catch (err) {
      if (err instanceof Error && err.name === 'ResourceNotFoundException') return undefined;
      throw err;
    }
  }

  /** Replaces the function's tags; like any change to the function, it gives $LATEST a new revision id (recorded). */
  setTags(scope: Scope, name: string, tags: Record<string, string>): void {
    const record = this.mustRecord(scope, name);
    const latest = record.versions.get(LATEST)!;
    this.repo.transaction(() => {
      this.repo.saveMeta({ ...record.meta, tags });
      this.repo.saveVersion({ ...latest, revisionId: randomUUID() });
    });
    this.invalidate(scope, name);
  }

  /**
   * Replaces the function's policy statements. A change to the unqualified function's policy is a
   * change to the function: $LATEST gets a new revision id, which GetPolicy reports.
   */
  setPolicy(scope: Scope, name: string, policy: Record<string, unknown>[], touchesLatest = false): void {
    const record = this.mustRecord(scope, name);
    const latest = record.versions.get(LATEST)!;
    this.repo.transaction(() => {
      this.repo.saveMeta({ ...record.meta, policy });
      if (touchesLatest) this.repo.saveVersion({ ...latest, revisionId: randomUUID() });
    });
    this.invalidate(scope, name);
  }

  /**
   * What a permission is added to or removed from: the function, a version or an alias, with the
   * revision id a request may name. Unknown qualifiers get AWS's messages (an alias-shaped one is
   * looked up as an alias).
   */
  policyTarget(scope: Scope, ref: FunctionRef): { qualifier: string | undefined; revisionId: string } {
    this.checkScope(scope, ref);
    const record = this.mustRecord(scope, ref.name);
    const q = ref.qualifier;
    if (q === undefined) return { qualifier: undefined, revisionId: record.versions.get(LATEST)!.revisionId };
    if (isAliasName(q)) {
      const alias = record.aliases.get(q);
      if (!alias) throw ResourceNotFound(`Cannot find alias arn: ${functionArn(scope.region, scope.accountId, ref.name, q)}`);
      return { qualifier: q, revisionId: alias.revisionId };
    }
    const version = record.versions.get(q);
    if (!version) throw ResourceNotFound(`Function not found: ${functionArn(scope.region, scope.accountId, ref.name, q)}`);
    return { qualifier: q, revisionId: version.revisionId };
  }

  /** PreconditionFailed unless `given` (when present) is `current`. */
  requireRevision(current: string, given: string | undefined): void {
    this.checkRevision(current, given);
  }

  // --- helpers -------------------------------------------------------------------------------

  private invalidate(scope: Scope, name: string): void {
    this.cache.delete(this.cacheKey(scope, name));
  }

  /** The hook's answer as a promise, a refusal included (for settling at start-up). */
  private prepareRuntime(runtime: string): Promise<void> | undefined {
    try {
      return this.hooks.prepareRuntime(runtime);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  /**
   * Creation and updates are acknowledged as Pending / InProgress, as Lambda does; the package is
   * already extracted by then, so the function becomes Active / Successful on the next turn, or
   * once its runtime has been fetched (Failed, with the reason, when it cannot be).
   */
  private settle(scope: Scope, name: string): void {
    const latest = this.record(scope, name)?.versions.get(LATEST);
    const runtimeReady = latest && this.prepareRuntime(latest.runtime);
    if (runtimeReady) runtimeReady.then(() => this.settleNow(scope, name), (err: Error) => this.settleNow(scope, name, err.message));
    else setImmediate(() => this.settleNow(scope, name));
  }

  private settleNow(scope: Scope, name: string, failure?: string): void {
    const record = this.record(scope, name);
    if (!record) return;
    const settled = new Map<string, FunctionVersion>();
    for (const v of record.versions.values()) {
      if (v.state === 'Active' && v.lastUpdateStatus === 'Successful') continue;
      if (failure && v.state === 'Failed') continue;
      // $LATEST's revision id changes when it settles; a published version's never does.
      const revisionId = v.version === LATEST ? randomUUID() : v.revisionId;
      const { failure: _previous, ...rest } = v;
      settled.set(
        v.version,
        failure
          ? { ...rest, state: v.state === 'Pending' ? 'Failed' : v.state, lastUpdateStatus: 'Failed', failure: { reason: failure, code: 'InvalidRuntime' }, revisionId }
          : { ...rest, state: 'Active', lastUpdateStatus: 'Successful', revisionId },
      );
    }
    const before = record.versions.get(LATEST);
    const after = settled.get(LATEST);
    const newestKey = String(record.meta.lastVersion);
    const newest = settled.get(newestKey) ?? record.versions.get(newestKey);
    // A version published from the unsettled $LATEST still matches it (publishing again is a no-op).
    if (before && after && newest?.publishedFromRevisionId === before.revisionId) {
      settled.set(newestKey, { ...newest, publishedFromRevisionId: after.revisionId });
    }
    if (settled.size === 0) return;
    this.repo.transaction(() => settled.forEach((v) => this.repo.saveVersion(v)));
    this.invalidate(scope, name);
  }

  private checkRevision(current: string, given: string | undefined): void {
    if (given !== undefined && given !== current) {
      throw PreconditionFailed(
        'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
      );
    }
  }

  private checkUpdatable(current: FunctionVersion, scope: Scope): void {
    if (current.state === 'Pending' || current.lastUpdateStatus === 'InProgress') {
      throw ResourceConflict(
        `The operation cannot be performed at this time. An update is in progress for resource: ${functionArn(scope.region, scope.accountId, current.functionName)}`,
      );
    }
  }

  private requireUnqualified(ref: FunctionRef): void {
    if (ref.qualifier !== undefined) {
      throw InvalidParameterValue('Unqualified function name or ARN expected for this operation.');
    }
  }

  /** A function named by ARN must be in the caller's region (and account). */
  checkScope(scope: Scope, ref: Pick<FunctionRef, 'name' | 'qualifier' | 'accountId' | 'region'>): void {
    if (ref.region && ref.region !== scope.region) {
      throw ResourceNotFound(`Functions from '${ref.region}' are not reachable in this region ('${scope.region}')`);
    }
    if (ref.accountId && ref.accountId !== scope.accountId) {
      throw ResourceNotFound(
        `Function not found: ${functionArn(ref.region ?? scope.region, ref.accountId ?? scope.accountId, ref.name, ref.qualifier)}`,
      );
    }
  }
}

function noEventInvokeConfig(scope: Scope, name: string, qualifier: string) {
  return ResourceNotFound(`The function ${functionArn(scope.region, scope.accountId, name, qualifier)} doesn't have an EventInvokeConfig`);
}

/** Operations on the function as a whole (reserved concurrency) refuse versions and aliases. */
function requireFunctionOnly(ref: FunctionRef): void {
  if (ref.qualifier !== undefined) {
    throw InvalidParameterValue(
      'This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.',
    );
  }
}

function sortVersions(versions: FunctionVersion[]): FunctionVersion[] {
  const order = (v: string) => (v === LATEST ? 0 : Number(v));
  return versions.sort((a, b) => order(a.version) - order(b.version));
}

/**
 * The log format with its levels as AWS stores them: levels only with JSON (INFO unless given);
 * naming a level with the Text format is refused.
 */
function loggingLevels(
  logFormat: 'Text' | 'JSON',
  given: { applicationLogLevel?: ApplicationLogLevel; systemLogLevel?: SystemLogLevel },
): Pick<FunctionVersion, 'logFormat' | 'applicationLogLevel' | 'systemLogLevel'> {
  if (logFormat === 'Text') {
    if (given.applicationLogLevel !== undefined || given.systemLogLevel !== undefined) {
      throw InvalidParameterValue(
        'LogLevel is not supported when LogFormat is set to "Text". Remove LogLevel from your request or change the LogFormat to "Json" and try again.',
      );
    }
    return { logFormat };
  }
  return { logFormat, applicationLogLevel: given.applicationLogLevel ?? 'INFO', systemLogLevel: given.systemLogLevel ?? 'INFO' };
}

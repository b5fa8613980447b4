// Function URL configurations: one per function qualifier ($LATEST or an alias), each with the
// random id that names its endpoint. Kept in the store; looked up by id on every URL request.
import { randomBytes } from 'node:crypto';
import type { Store } from '../../store/database.js';
import { InvalidParameterValue, ResourceConflict, ResourceNotFound, constraintViolation } from '../errors.js';
import type { FunctionRegistry, Scope } from '../core/functions.js';
import { LATEST, functionArn, lambdaTimestamp } from '../core/model.js';
import type { FunctionRef } from '../core/names.js';

const MIGRATIONS = [
  {
    version: 1,
    sql: `
      CREATE TABLE lambda_function_urls (
        url_id TEXT PRIMARY KEY,
        account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, qualifier TEXT NOT NULL,
        config TEXT NOT NULL,
        UNIQUE (account, region, name, qualifier));`,
  },
];

export interface UrlCors {
  readonly AllowCredentials?: boolean;
  readonly AllowHeaders?: string[];
  readonly AllowMethods?: string[];
  readonly AllowOrigins?: string[];
  readonly ExposeHeaders?: string[];
  readonly MaxAge?: number;
}

export interface FunctionUrl {
  readonly urlId: string;
  readonly accountId: string;
  readonly region: string;
  readonly functionName: string;
  /** `$LATEST` or an alias. */
  readonly qualifier: string;
  readonly authType: 'NONE' | 'AWS_IAM';
  /** As set by the caller; unset means BUFFERED (AWS echoes only what was set). */
  readonly invokeMode?: 'BUFFERED' | 'RESPONSE_STREAM';
  readonly cors?: UrlCors;
  readonly creationTime: string;
  readonly lastModifiedTime: string;
}

export interface UrlSettings {
  readonly authType?: unknown;
  readonly invokeMode?: unknown;
  readonly cors?: unknown;
}

/** The endpoint a configuration answers at on AWS (its ARN-like identity; Nimbus serves it locally too). */
export function awsUrl(u: FunctionUrl): string {
  return `https://${u.urlId}.lambda-url.${u.region}.on.aws/`;
}

export function urlFunctionArn(u: FunctionUrl): string {
  return functionArn(u.region, u.accountId, u.functionName, u.qualifier === LATEST ? undefined : u.qualifier);
}

// A URL's Qualifier parameter names an alias: AWS refuses `$LATEST` and version numbers up front.
const QUALIFIER_PATTERN = /^(?!\d+$)[0-9a-zA-Z_-]+$/;
const notFound = () => ResourceNotFound('The resource you requested does not exist.');
const noFunction = () => ResourceNotFound('Function does not exist');

/** Checks a URL operation's Qualifier parameter (not one derived from an ARN) as AWS's front end does. */
export function validateUrlQualifier(qualifier: string | null | undefined): void {
  if (qualifier && !QUALIFIER_PATTERN.test(qualifier)) {
    throw constraintViolation(qualifier, 'qualifier', 'Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)');
  }
}

export class FunctionUrls {
  private readonly byId = new Map<string, FunctionUrl>();

  constructor(
    private readonly store: Store,
    private readonly functions: FunctionRegistry,
  ) {
    store.migrate('lambda-urls', MIGRATIONS);
    for (const row of store.db.prepare('SELECT config FROM lambda_function_urls').all() as { config: string }[]) {
      const u = JSON.parse(row.config) as FunctionUrl;
      this.byId.set(u.urlId, u);
    }
  }

  /** The configuration an endpoint id names, if its function still exists. */
  lookup(urlId: string): FunctionUrl | undefined {
    const u = this.byId.get(urlId);
    if (u && !this.exists(u)) {
      this.remove(u);
      return undefined;
    }
    return u;
  }

  create(scope: Scope, ref: FunctionRef, settings: UrlSettings): FunctionUrl {
    const qualifier = qualifierOf(ref);
    const authType = authTypeOf(settings.authType);
    const invokeMode = settings.invokeMode === undefined ? undefined : invokeModeOf(settings.invokeMode);
    const cors = settings.cors === undefined || settings.cors === null ? undefined : corsOf(settings.cors);
    this.requireTarget(scope, ref, qualifier);
    const existing = this.find(scope, ref.name, qualifier);
    if (existing) {
      throw ResourceConflict(`Failed to create function url config for [functionArn = ${urlFunctionArn(existing)}]. Error message:  FunctionUrlConfig exists for this Lambda function`);
    }
    const now = lambdaTimestamp();
    const u: FunctionUrl = {
      urlId: newUrlId(),
      ...scope,
      functionName: ref.name,
      qualifier,
      authType,
      ...(invokeMode ? { invokeMode } : {}),
      ...(cors ? { cors } : {}),
      creationTime: now,
      lastModifiedTime: now,
    };
    this.save(u);
    return u;
  }

  /** The configuration; a missing function, alias or configuration is all one "does not exist". */
  get(scope: Scope, ref: FunctionRef): FunctionUrl {
    const qualifier = qualifierOf(ref);
    if (!this.functionExists(scope, ref.name)) throw notFound();
    const found = this.find(scope, ref.name, qualifier);
    if (!found) throw notFound();
    return found;
  }

  /** Unlike Get, Update names a missing function or alias as such (as Create does). */
  update(scope: Scope, ref: FunctionRef, settings: UrlSettings): FunctionUrl {
    const qualifier = qualifierOf(ref);
    this.requireTarget(scope, ref, qualifier);
    const current = this.find(scope, ref.name, qualifier);
    if (!current) throw notFound();
    const updated: FunctionUrl = {
      ...current,
      ...(settings.authType !== undefined ? { authType: authTypeOf(settings.authType) } : {}),
      ...(settings.invokeMode !== undefined ? { invokeMode: invokeModeOf(settings.invokeMode) } : {}),
      ...(settings.cors !== undefined && settings.cors !== null ? { cors: corsOf(settings.cors) } : {}),
      lastModifiedTime: lambdaTimestamp(),
    };
    this.save(updated);
    return updated;
  }

  delete(scope: Scope, ref: FunctionRef): void {
    this.remove(this.get(scope, ref));
  }

  list(scope: Scope, name: string): FunctionUrl[] {
    if (!this.functionExists(scope, name)) throw noFunction();
    return [...this.byId.values()]
      .filter((u) => u.accountId === scope.accountId && u.region === scope.region && u.functionName === name && this.exists(u))
      .sort((a, b) => a.qualifier.localeCompare(b.qualifier));
  }

  /** The function, and the alias a qualifier names, must exist. */
  private requireTarget(scope: Scope, ref: FunctionRef, qualifier: string): void {
    if (!this.functionExists(scope, ref.name)) throw noFunction();
    if (qualifier !== LATEST && !this.functions.aliases(scope, ref).some((a) => a.name === qualifier)) throw noFunction();
  }

  private find(scope: Scope, name: string, qualifier: string): FunctionUrl | undefined {
    for (const u of this.byId.values()) {
      if (u.accountId === scope.accountId && u.region === scope.region && u.functionName === name && u.qualifier === qualifier) {
        if (this.exists(u)) return u;
        this.remove(u);
      }
    }
    return undefined;
  }

  private functionExists(scope: Scope, name: string): boolean {
    try {
      this.functions.meta(scope, name);
      return true;
    } catch {
      return false;
    }
  }

  /** A configuration goes with its function (and with its alias). */
  private exists(u: FunctionUrl): boolean {
    const scope = { accountId: u.accountId, region: u.region };
    if (!this.functionExists(scope, u.functionName)) return false;
    if (u.qualifier === LATEST) return true;
    const ref: FunctionRef = { name: u.functionName, qualifier: undefined, accountId: undefined, region: undefined };
    return this.functions.aliases(scope, ref).some((a) => a.name === u.qualifier);
  }

  private save(u: FunctionUrl): void {
    this.store.db
      .prepare(
        `INSERT INTO lambda_function_urls (url_id, account, region, name, qualifier, config) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (url_id) DO UPDATE SET config = excluded.config`,
      )
      .run(u.urlId, u.accountId, u.region, u.functionName, u.qualifier, JSON.stringify(u));
    this.byId.set(u.urlId, u);
  }

  private remove(u: FunctionUrl): void {
    this.store.db.prepare('DELETE FROM lambda_function_urls WHERE url_id = ?').run(u.urlId);
    this.byId.delete(u.urlId);
  }
}

/** The configuration's qualifier: `$LATEST` when none is given (an ARN may still name `$LATEST`). */
function qualifierOf(ref: FunctionRef): string {
  return ref.qualifier ?? LATEST;
}

/** 32 lower-case letters and digits, like AWS's url ids. */
function newUrlId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (const b of randomBytes(32)) out += alphabet[b % alphabet.length];
  return out;
}

function authTypeOf(v: unknown): 'NONE' | 'AWS_IAM' {
  if (v !== 'NONE' && v !== 'AWS_IAM') throw constraintViolation(v, 'authType', 'Member must satisfy enum value set: [AWS_IAM, NONE]');
  return v;
}

function invokeModeOf(v: unknown): 'BUFFERED' | 'RESPONSE_STREAM' {
  if (v !== 'BUFFERED' && v !== 'RESPONSE_STREAM') throw constraintViolation(v, 'invokeMode', 'Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]');
  return v;
}

function corsOf(v: unknown): UrlCors {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw InvalidParameterValue('Cors must be an object');
  const c = v as Record<string, unknown>;
  const list = (k: string, max: number): string[] | undefined => {
    const x = c[k];
    if (x === undefined || x === null) return undefined;
    if (!Array.isArray(x) || x.some((s) => typeof s !== 'string')) throw constraintViolation(x, `cors.${k[0]!.toLowerCase()}${k.slice(1)}`, 'Member must be a list of strings');
    if (x.length > max) throw constraintViolation(`[${x.join(', ')}]`, `cors.${k[0]!.toLowerCase()}${k.slice(1)}`, `Member must have length less than or equal to ${max}`);
    return x as string[];
  };
  const maxAge = c.MaxAge;
  if (maxAge !== undefined && maxAge !== null && (typeof maxAge !== 'number' || !Number.isInteger(maxAge) || maxAge < 0 || maxAge > 86400)) {
    throw constraintViolation(maxAge, 'cors.maxAge', 'Member must have value less than or equal to 86400');
  }
  const credentials = c.AllowCredentials;
  const out: Record<string, unknown> = {};
  if (typeof credentials === 'boolean') out.AllowCredentials = credentials;
  for (const [k, max] of [['AllowHeaders', 100], ['AllowMethods', 6], ['AllowOrigins', 100], ['ExposeHeaders', 100]] as const) {
    const l = list(k, max);
    if (l) out[k] = l;
  }
  if (typeof maxAge === 'number') out.MaxAge = maxAge;
  return out as UrlCors;
}

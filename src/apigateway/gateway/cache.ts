// Stage response cache: method responses keyed by stage, verb, resource path and the values of the
// integration's cacheKeyParameters (AWS does not add path parameters on its own), kept for the
// method's TTL (default 300 s, at most 3600 s). In memory, LRU, bounded in bytes; responses over
// 1 MB are not cached, as in AWS.
import type { Method, MethodSetting, Stage } from '../core/model.js';
import { header, type Call } from './call.js';

export interface CachedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
}

interface Entry extends CachedResponse {
  readonly expires: number;
  readonly size: number;
}

const MAX_ENTRY_BYTES = 1024 * 1024;

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly maxBytes = 64 * 1024 * 1024,
    private readonly clock: () => number = Date.now,
  ) {}

  get(key: string): CachedResponse | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires <= this.clock()) {
      this.delete(key, e);
      return undefined;
    }
    // Refresh LRU position.
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  set(key: string, value: CachedResponse, ttlSeconds: number): void {
    const size = value.body.length + 256;
    if (ttlSeconds <= 0 || value.body.length > MAX_ENTRY_BYTES) return;
    const old = this.entries.get(key);
    if (old) this.delete(key, old);
    this.entries.set(key, { ...value, expires: this.clock() + ttlSeconds * 1000, size });
    this.bytes += size;
    while (this.bytes > this.maxBytes) {
      const first = this.entries.entries().next().value as [string, Entry] | undefined;
      if (!first) break;
      this.delete(first[0], first[1]);
    }
  }

  invalidate(key: string): void {
    const e = this.entries.get(key);
    if (e) this.delete(key, e);
  }

  /** FlushStageCache and redeploys: drops every entry of one stage. */
  flush(prefix?: string): void {
    if (prefix === undefined) {
      this.entries.clear();
      this.bytes = 0;
      return;
    }
    for (const [k, e] of this.entries) if (k.startsWith(prefix)) this.delete(k, e);
  }

  private delete(key: string, e: Entry): void {
    this.entries.delete(key);
    this.bytes -= e.size;
  }
}

export function cacheStagePrefix(apiId: string, stageName: string): string {
  return `${apiId}/${stageName}\u0000`;
}

/** Key of a method in `Stage.methodSettings`: AWS drops the path's leading slash (`pets/GET`, root `/GET`). */
export function methodSettingKey(resourcePath: string, verb: string): string {
  return `${resourcePath.slice(1)}/${verb}`;
}

/** The effective method setting: the method's own, else `*\/*`. */
export function methodSetting(stage: Stage, resourcePath: string, verb: string): MethodSetting | undefined {
  return stage.methodSettings[methodSettingKey(resourcePath, verb)] ?? stage.methodSettings['*/*'];
}

export interface CachePlan {
  readonly key: string;
  readonly ttl: number;
  setting: MethodSetting | undefined;
}

/** Whether this request uses the stage cache, and under which key. */
export function cachePlan(call: Call, method: Method): CachePlan | undefined {
  const resolved = call.resolved!;
  const stage = resolved.stage;
  if (!stage.cacheClusterEnabled) return undefined;
  if (call.isCanary && resolved.canary && !resolved.canary.useStageCache) return undefined;
  const resourcePath = call.resource!.path;
  const specific = stage.methodSettings[methodSettingKey(resourcePath, call.verb)];
  const all = stage.methodSettings['*/*'];
  // AWS enables caching for GET methods by default when the stage cache is on.
  const enabled = specific ? specific.cachingEnabled : all?.cachingEnabled === true || call.verb === 'GET';
  if (!enabled) return undefined;
  const setting = specific ?? all;
  const ttl = Math.min(setting?.cacheTtlInSeconds ?? 300, 3600);
  if (ttl <= 0) return undefined;
  const parts = [cacheStagePrefix(call.apiId, call.stageName), call.isCanary ? 'canary' : '', call.verb, resourcePath];
  for (const p of method.methodIntegration?.cacheKeyParameters ?? []) {
    parts.push(p + '=' + (paramValue(call, p) ?? ''));
  }
  return { key: parts.join('\u0001'), ttl, setting };
}

function paramValue(call: Call, p: string): string | undefined {
  if (p.startsWith('method.request.querystring.')) return call.query.single[p.slice(27)];
  if (p.startsWith('method.request.header.')) return header(call, p.slice(22));
  if (p.startsWith('method.request.path.')) return call.pathParameters?.[p.slice(20)];
  if (p.startsWith('method.request.multivaluequerystring.')) return call.query.multi[p.slice(37)]?.join(',');
  return undefined;
}

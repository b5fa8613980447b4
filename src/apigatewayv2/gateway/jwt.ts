// JWT authorizers on the data plane, as API Gateway checks tokens: the token comes from the identity
// source (a `Bearer ` prefix is dropped), its RSA signature must verify with a key of the issuer's
// JWKS (found through `{issuer}/.well-known/openid-configuration`, kept two hours, fetched again for
// an unknown key id), `iss` must be the issuer, `aud` or `client_id` one of the audiences, `exp` in
// the future, `nbf` and `iat` in the past. A route with authorization scopes needs one of them in
// `scope` / `scp` (403 otherwise). Claims reach the integration as strings, as AWS passes them.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { request } from 'undici';
import type { JwtAuthorizer } from '../core/model.js';
import { identityValues, unauthorized, type Verdict } from './authorizer.js';
import type { HttpApiRequest } from './request.js';
import { forbidden } from './responses.js';

const KEYS_TTL_MS = 2 * 60 * 60_000;
/** An unknown key id fetches the JWKS again, at most this often per issuer. */
const REFETCH_MS = 60_000;
const FETCH_TIMEOUT_MS = 5_000;
const MAX_DOCUMENT_BYTES = 1024 * 1024;
const HASHES: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };

class Rejected extends Error {}

interface IssuerKeys {
  readonly keys: Map<string, KeyObject>;
  readonly fetchedAt: number;
}

/** The claims and scopes of a valid token, for `requestContext.authorizer`. */
export interface JwtIdentity {
  readonly claims: Record<string, string>;
  readonly scopes: string[] | null;
}

const decode = (part: string): Record<string, unknown> => {
  const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Rejected('the token is malformed');
  return v as Record<string, unknown>;
};

/** AWS passes every claim as a string: arrays as `[a b]`, objects as JSON. */
function claimText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(claimText).join(' ')}]`;
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

function scopesOf(payload: Record<string, unknown>): string[] {
  const raw = payload['scope'] ?? payload['scp'];
  if (typeof raw === 'string') return raw.split(' ').filter(Boolean);
  return Array.isArray(raw) ? raw.map(String) : [];
}

async function fetchJson(url: string): Promise<Record<string, unknown>> {
  const res = await request(url, { headersTimeout: FETCH_TIMEOUT_MS, bodyTimeout: FETCH_TIMEOUT_MS });
  const text = await res.body.text();
  if (res.statusCode !== 200 || text.length > MAX_DOCUMENT_BYTES) throw new Rejected(`${url} answered ${res.statusCode}`);
  const v = JSON.parse(text) as unknown;
  if (v === null || typeof v !== 'object') throw new Rejected(`${url} is not a JSON object`);
  return v as Record<string, unknown>;
}

export class JwtAuthorizers {
  private readonly issuers = new Map<string, IssuerKeys>();
  private readonly pending = new Map<string, Promise<IssuerKeys>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Allowed: `authorizer` is `{jwt: {claims, scopes}}` (payload 2.0; 1.0 integrations take the inside). */
  async authorize(req: HttpApiRequest, authorizer: JwtAuthorizer, scopes: readonly string[] | undefined): Promise<Verdict> {
    const token = identityValues(req, authorizer.identitySource)?.[0]?.replace(/^Bearer\s+/i, '');
    if (!token) return { allowed: false, answer: unauthorized() };
    let identity: JwtIdentity;
    try {
      identity = await this.check(token, authorizer);
    } catch (err) {
      const why = err instanceof Rejected ? err.message : 'the token could not be verified';
      const answer = unauthorized();
      return { allowed: false, answer: { ...answer, headers: { ...answer.headers, 'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${why.replace(/"/g, "'")}"` } } };
    }
    if (scopes && scopes.length > 0 && !scopes.some((s) => identity.scopes?.includes(s))) return { allowed: false, answer: forbidden() };
    return { allowed: true, authorizer: { jwt: identity } };
  }

  private async check(token: string, authorizer: JwtAuthorizer): Promise<JwtIdentity> {
    const parts = token.split('.');
    if (parts.length !== 3) throw new Rejected('the token is malformed');
    const header = decode(parts[0]!);
    const payload = decode(parts[1]!);
    const hash = HASHES[String(header['alg'])];
    if (!hash) throw new Rejected(`signing algorithm ${String(header['alg'])} is not supported (RS256, RS384, RS512)`);
    const { issuer, audience } = authorizer.jwtConfiguration;
    const key = await this.key(issuer, typeof header['kid'] === 'string' ? header['kid'] : '');
    if (!verify(hash, Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2]!, 'base64url'))) throw new Rejected('signature is invalid');
    if (payload['iss'] !== issuer) throw new Rejected('issuer is not the authorizer\'s');
    const aud = payload['aud'] ?? payload['client_id'];
    const auds = Array.isArray(aud) ? aud : [aud];
    if (!auds.some((a) => typeof a === 'string' && audience.includes(a))) throw new Rejected('audience is not allowed');
    const seconds = this.now() / 1000;
    if (typeof payload['exp'] !== 'number' || payload['exp'] <= seconds) throw new Rejected('the token has expired');
    if (typeof payload['nbf'] === 'number' && payload['nbf'] > seconds) throw new Rejected('the token is not valid yet');
    if (typeof payload['iat'] === 'number' && payload['iat'] > seconds + 1) throw new Rejected('the token was issued in the future');
    const claims: Record<string, string> = {};
    for (const [k, v] of Object.entries(payload)) claims[k] = claimText(v);
    const scopes = scopesOf(payload);
    return { claims, scopes: scopes.length > 0 ? scopes : null };
  }

  /** The issuer's key for `kid`, from the cache or a (shared) fetch of its JWKS. */
  private async key(issuer: string, kid: string): Promise<KeyObject> {
    let known = this.issuers.get(issuer);
    const stale = !known || this.now() - known.fetchedAt > KEYS_TTL_MS;
    const missing = known && !known.keys.has(kid) && this.now() - known.fetchedAt > REFETCH_MS;
    if (stale || missing) known = await this.fetchKeys(issuer);
    const key = known!.keys.get(kid) ?? (kid === '' && known!.keys.size === 1 ? [...known!.keys.values()][0] : undefined);
    if (!key) throw new Rejected('no signing key of the issuer matches the token');
    return key;
  }

  private fetchKeys(issuer: string): Promise<IssuerKeys> {
    let p = this.pending.get(issuer);
    if (!p) {
      p = (async () => {
        const discovery = await fetchJson(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
        if (typeof discovery['jwks_uri'] !== 'string') throw new Rejected('the issuer names no jwks_uri');
        const jwks = await fetchJson(discovery['jwks_uri']);
        const keys = new Map<string, KeyObject>();
        for (const jwk of Array.isArray(jwks['keys']) ? jwks['keys'] : []) {
          if (jwk === null || typeof jwk !== 'object' || (jwk as { kty?: unknown }).kty !== 'RSA') continue;
          try {
            keys.set(String((jwk as { kid?: unknown }).kid ?? ''), createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' }));
          } catch {
            /* a key that is not a valid RSA public key is skipped */
          }
        }
        const entry = { keys, fetchedAt: this.now() };
        this.issuers.set(issuer, entry);
        return entry;
      })().finally(() => this.pending.delete(issuer));
      this.pending.set(issuer, p);
    }
    return p;
  }
}

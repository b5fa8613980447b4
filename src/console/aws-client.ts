// Calls a public AWS REST API of this same Nimbus over loopback, for services whose in-process
// objects are not exported (API Gateway's control plane: resources, stages, keys, usage plans).
// The Authorization header carries only a credential scope so the front door routes the call to
// the caller's region; Nimbus does not verify signatures.
import { request } from 'undici';
import { ServiceError } from '../protocol/errors.js';

export interface RestClient {
  call<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export function restClient(endpoint: () => string, service: string, region: string): RestClient {
  const date = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const authorization = `AWS4-HMAC-SHA256 Credential=nimbus-console/${date}/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`;
  return {
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const res = await request(endpoint() + path, {
        method: method as 'GET',
        headers: { authorization, accept: 'application/json', ...(payload ? { 'content-type': 'application/json' } : {}) },
        ...(payload ? { body: payload } : {}),
      });
      const text = await res.body.text();
      if (res.statusCode >= 300) {
        const type = String(res.headers['x-amzn-errortype'] ?? 'ServiceException').split(':')[0]!;
        let message = text;
        try {
          message = (JSON.parse(text) as { message?: string }).message ?? text;
        } catch {
          // not JSON: keep the raw text
        }
        throw new ServiceError(type, res.statusCode, message);
      }
      return (text ? JSON.parse(text) : {}) as T;
    },
  };
}

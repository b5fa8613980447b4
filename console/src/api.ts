// The browser's client for /_nimbus/api/: JSON in and out, errors as ApiError(name, message).
export class ApiError extends Error {
  constructor(readonly type: string, readonly status: number, message: string) {
    super(message);
    this.name = type;
  }
}

const BASE = '/_nimbus/api/';

export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(BASE + path, {
    method,
    headers: body !== undefined || method !== 'GET' ? { 'content-type': 'application/json' } : {},
    ...(body !== undefined ? { body: JSON.stringify(body) } : method !== 'GET' ? { body: '{}' } : {}),
  });
  const text = await res.text();
  let data: any;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = { message: text };
  }
  if (!res.ok) {
    const type = (res.headers.get('x-amzn-errortype') ?? 'Error').split(':')[0]!;
    throw new ApiError(type, res.status, data?.message ?? res.statusText);
  }
  return data as T;
}

export const enc = encodeURIComponent;

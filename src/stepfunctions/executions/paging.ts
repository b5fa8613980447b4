// Opaque pagination tokens (base64url JSON cursors). A token that does not decode is the caller's
// fault: InvalidToken, as Step Functions answers for a bad nextToken.
import { SfnErrors } from './errors.js';

export function encodeToken(cursor: unknown): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeToken<T>(token: string): T {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (v && typeof v === 'object') return v as T;
  } catch {
    /* fall through */
  }
  throw SfnErrors.InvalidToken(`Invalid Token: '${token}'`);
}

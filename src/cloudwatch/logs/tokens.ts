// Paging tokens. GetLogEvents tokens keep AWS's visible shape — `f/<56 digits>/s` forward and
// `b/<56 digits>/s` backward — because tools compare them (a repeated forward token means "end of
// stream"). The 56 digits are the event key: 20 digits of timestamp, 36 of event id; the same
// digits are the FilterLogEvents `eventId`. Other operations use opaque base64url cursors.
import { InvalidParameter, MSG } from './errors.js';
import type { EventKey } from './repository.js';

const KEY_DIGITS = /^(\d{20})(\d{36})$/;

export function eventId(key: EventKey): string {
  return String(Math.max(0, key.ts)).padStart(20, '0') + String(key.id).padStart(36, '0');
}

function parseEventId(digits: string): EventKey | undefined {
  const m = KEY_DIGITS.exec(digits);
  if (!m) return undefined;
  const ts = Number(m[1]);
  const id = Number(m[2]);
  if (!Number.isSafeInteger(ts) || !Number.isSafeInteger(id)) return undefined;
  return { ts, id };
}

export interface StreamToken {
  forward: boolean;
  key: EventKey;
}

export function streamToken(forward: boolean, key: EventKey): string {
  return `${forward ? 'f' : 'b'}/${eventId(key)}/s`;
}

export function parseStreamToken(token: string): StreamToken {
  const m = /^([fb])\/(\d{56})\/s$/.exec(token);
  const key = m ? parseEventId(m[2]!) : undefined;
  if (!m || !key) throw InvalidParameter(MSG.badToken);
  return { forward: m[1] === 'f', key };
}

/** An opaque cursor: JSON in base64url, tagged with the operation so tokens are not mixed up. */
export function encodeCursor(kind: string, value: unknown): string {
  return Buffer.from(JSON.stringify([kind, value]), 'utf8').toString('base64url');
}

export function decodeCursor<T>(kind: string, token: string, check: (v: unknown) => v is T): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw InvalidParameter(MSG.badToken);
  }
  if (!Array.isArray(parsed) || parsed[0] !== kind || !check(parsed[1])) throw InvalidParameter(MSG.badToken);
  return parsed[1];
}

export function isEventKey(v: unknown): v is EventKey {
  if (v === null || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return Number.isSafeInteger(o.ts) && Number.isSafeInteger(o.id);
}

// The AWS event stream encoding (application/vnd.amazon.eventstream): a reply body made of
// messages, each `total length, headers length, prelude CRC32, headers, payload, message CRC32`
// (lengths big-endian). Used where an API streams its answer (Lambda's InvokeWithResponseStream).
import { crc32 } from 'node:zlib';

const PRELUDE_BYTES = 12;
const CRC_BYTES = 4;
const STRING_TYPE = 7;

/** One message; header values are strings (the only type these replies use). */
export function eventMessage(headers: Readonly<Record<string, string>>, payload: Buffer): Buffer {
  const encoded = Object.entries(headers).map(([name, value]) => [Buffer.from(name, 'utf8'), Buffer.from(value, 'utf8')] as const);
  const headersBytes = encoded.reduce((n, [name, value]) => n + 1 + name.length + 1 + 2 + value.length, 0);
  const total = PRELUDE_BYTES + headersBytes + payload.length + CRC_BYTES;
  const out = Buffer.allocUnsafe(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(headersBytes, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  let at = PRELUDE_BYTES;
  for (const [name, value] of encoded) {
    out.writeUInt8(name.length, at);
    name.copy(out, at + 1);
    at += 1 + name.length;
    out.writeUInt8(STRING_TYPE, at);
    out.writeUInt16BE(value.length, at + 1);
    value.copy(out, at + 3);
    at += 3 + value.length;
  }
  payload.copy(out, at);
  out.writeUInt32BE(crc32(out.subarray(0, total - CRC_BYTES)), total - CRC_BYTES);
  return out;
}

/** An `event` message of type `eventType`. */
export function event(eventType: string, contentType: string, payload: Buffer): Buffer {
  return eventMessage({ ':event-type': eventType, ':content-type': contentType, ':message-type': 'event' }, payload);
}

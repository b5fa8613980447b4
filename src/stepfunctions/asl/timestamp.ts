// ISO-8601 "extended offset date-time" as Step Functions accepts it (Timestamp fields, Choice
// Timestamp operators, IsTimestamp): date 'T' time, optional fraction, and a mandatory 'Z' or
// ±hh:mm offset. Returns epoch milliseconds (fractions beyond ms are kept in `nanos` for equality).
const RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

export interface Instant {
  readonly epochSeconds: number;
  /** Nanoseconds within the second. */
  readonly nanos: number;
}

export function parseTimestamp(s: string): Instant | undefined {
  const m = RE.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se, frac, zone] = m as unknown as string[];
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = Number(se);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const dim = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > dim) return undefined;
  let offsetMin = 0;
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const oh = Number(zone.slice(1, 3)), om = Number(zone.slice(4, 6));
    if (oh > 18 || om > 59) return undefined;
    offsetMin = sign * (oh * 60 + om);
  }
  const epochSeconds = Date.UTC(year, month - 1, day, hour, minute, second) / 1000 - offsetMin * 60;
  const nanos = frac ? Number(frac.padEnd(9, '0')) : 0;
  return { epochSeconds, nanos };
}

export function compareInstants(a: Instant, b: Instant): number {
  return a.epochSeconds - b.epochSeconds || a.nanos - b.nanos;
}

export function instantToMs(i: Instant): number {
  return i.epochSeconds * 1000 + Math.floor(i.nanos / 1e6);
}

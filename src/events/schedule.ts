// EventBridge schedule expressions: `rate(5 minutes)` and six-field `cron(min hour dom month dow year)`
// with AWS's rules (one of day-of-month / day-of-week must be `?`; `L`, `W`, `#`; names such as
// JAN/MON; UTC). Pure: parse once, then compute the next fire time after any instant.
export type Schedule =
  | { kind: 'rate'; everyMs: number; text: string }
  | { kind: 'cron'; text: string; fields: CronFields };

interface CronFields {
  minutes: Set<number>;
  hours: Set<number>;
  months: Set<number>;
  years: Set<number> | null;
  dom: DayRule | null;
  dow: DayRule | null;
}

type DayRule =
  | { kind: 'set'; values: Set<number> }
  | { kind: 'last' } // L in day-of-month
  | { kind: 'lastOffset'; offset: number } // L-3
  | { kind: 'weekday'; day: number } // 15W
  | { kind: 'lastWeekday' } // LW
  | { kind: 'lastDow'; dow: number } // 5L in day-of-week
  | { kind: 'nth'; dow: number; n: number }; // 3#2

export class ScheduleError extends Error {
  override readonly name = 'ValidationException';
}

const UNITS: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export function parseSchedule(expr: string): Schedule {
  const text = expr.trim();
  const rate = /^rate\((.*)\)$/.exec(text);
  if (rate) {
    const m = /^(\d+)\s+([a-z]+)$/.exec(rate[1]!.trim());
    if (!m) throw new ScheduleError(`Parameter ScheduleExpression is not valid: ${expr}`);
    const value = Number(m[1]);
    const unit = m[2]!;
    if (!(unit in UNITS) || value < 1) throw new ScheduleError(`Parameter ScheduleExpression is not valid: ${expr}`);
    // AWS: singular unit for 1, plural otherwise.
    if ((value === 1) !== !unit.endsWith('s')) throw new ScheduleError(`Parameter ScheduleExpression is not valid: ${expr} (use "1 ${unit.replace(/s$/, '')}" or "N ${unit.replace(/s?$/, 's')}")`);
    return { kind: 'rate', everyMs: value * UNITS[unit]!, text };
  }
  const cron = /^cron\((.*)\)$/.exec(text);
  if (!cron) throw new ScheduleError(`Parameter ScheduleExpression is not valid: ${expr} (expected rate(...) or cron(...))`);
  const parts = cron[1]!.trim().split(/\s+/);
  if (parts.length !== 6) throw new ScheduleError(`Parameter ScheduleExpression is not valid: ${expr} (cron needs 6 fields: minutes hours day-of-month month day-of-week year)`);
  const [mi, h, dom, mo, dow, y] = parts as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) throw new ScheduleError(`Parameter ScheduleExpression is not valid: ${expr} (exactly one of day-of-month and day-of-week must be ?)`);
  const bad = (what: string) => new ScheduleError(`Parameter ScheduleExpression is not valid: ${expr} (${what})`);
  return {
    kind: 'cron',
    text,
    fields: {
      minutes: field(mi, 0, 59, [], bad),
      hours: field(h, 0, 23, [], bad),
      months: field(mo, 1, 12, MONTHS, bad),
      years: y === '*' ? null : field(y, 1970, 2199, [], bad),
      dom: dom === '?' ? null : domRule(dom, bad),
      dow: dow === '?' ? null : dowRule(dow, bad),
    },
  };
}

function value(token: string, min: number, max: number, names: string[], bad: (w: string) => Error): number {
  const idx = names.indexOf(token.toUpperCase());
  // Names are 1-based for months (JAN=1) and days (SUN=1), like EventBridge.
  const n = idx >= 0 ? idx + 1 : /^\d+$/.test(token) ? Number(token) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw bad(`"${token}" is outside ${min}-${max}`);
  return n;
}

function field(text: string, min: number, max: number, names: string[], bad: (w: string) => Error): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw bad(`bad step in "${part}"`);
    let lo: number;
    let hi: number;
    if (range === '*') [lo, hi] = [min, max];
    else if (range.includes('-')) {
      const [a, b] = range.split('-') as [string, string];
      [lo, hi] = [value(a, min, max, names, bad), value(b, min, max, names, bad)];
      if (lo > hi) throw bad(`range "${range}" is reversed`);
    } else {
      lo = value(range, min, max, names, bad);
      hi = stepText === undefined ? lo : max;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

function domRule(text: string, bad: (w: string) => Error): DayRule {
  if (text === 'L') return { kind: 'last' };
  if (text === 'LW') return { kind: 'lastWeekday' };
  const lo = /^L-(\d+)$/.exec(text);
  if (lo) return { kind: 'lastOffset', offset: value(lo[1]!, 0, 30, [], bad) };
  const w = /^(\d+)W$/.exec(text);
  if (w) return { kind: 'weekday', day: value(w[1]!, 1, 31, [], bad) };
  return { kind: 'set', values: field(text, 1, 31, [], bad) };
}

function dowRule(text: string, bad: (w: string) => Error): DayRule {
  const l = /^(\w+)L$/.exec(text);
  if (l) return { kind: 'lastDow', dow: value(l[1]!, 1, 7, DAYS, bad) };
  const nth = /^(\w+)#(\d)$/.exec(text);
  if (nth) return { kind: 'nth', dow: value(nth[1]!, 1, 7, DAYS, bad), n: value(nth[2]!, 1, 5, [], bad) };
  if (text === 'L') return { kind: 'lastDow', dow: 7 };
  return { kind: 'set', values: field(text, 1, 7, DAYS, bad) };
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate(); // m is 1-based

function dayMatches(rule: DayRule, y: number, m: number, d: number, isDow: boolean): boolean {
  const dim = daysIn(y, m);
  const dow = new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 1; // 1 = Sunday
  switch (rule.kind) {
    case 'set': return rule.values.has(isDow ? dow : d);
    case 'last': return d === dim;
    case 'lastOffset': return d === dim - rule.offset;
    case 'lastDow': return dow === rule.dow && d + 7 > dim;
    case 'nth': return dow === rule.dow && Math.ceil(d / 7) === rule.n;
    case 'weekday': case 'lastWeekday': {
      // Nearest weekday to the target day, without leaving the month.
      const target = rule.kind === 'weekday' ? Math.min(rule.day, dim) : dim;
      const tdow = new Date(Date.UTC(y, m - 1, target)).getUTCDay();
      let nearest = target;
      if (tdow === 6) nearest = target === 1 ? 3 : target - 1;
      else if (tdow === 0) nearest = target === dim ? target - 2 : target + 1;
      return d === nearest;
    }
  }
}

/** The first fire time strictly after `after` (ms since epoch), or undefined when none remains. */
export function nextFire(schedule: Schedule, after: number, start = after): number | undefined {
  if (schedule.kind === 'rate') {
    const n = Math.floor((after - start) / schedule.everyMs) + 1;
    return start + n * schedule.everyMs;
  }
  const f = schedule.fields;
  const t = new Date(Math.floor(after / 60_000) * 60_000 + 60_000);
  let y = t.getUTCFullYear();
  let mo = t.getUTCMonth() + 1;
  let d = t.getUTCDate();
  let h = t.getUTCHours();
  let mi = t.getUTCMinutes();
  const lastYear = f.years ? Math.max(...f.years) : y + 30;
  while (y <= lastYear) {
    if ((f.years && !f.years.has(y)) || !f.months.has(mo)) {
      [mo, d, h, mi] = [mo + 1, 1, 0, 0];
      if (mo > 12) [y, mo] = [y + 1, 1];
      continue;
    }
    const rule = (f.dom ?? f.dow)!;
    if (d > daysIn(y, mo) || !dayMatches(rule, y, mo, d, f.dom === null)) {
      [d, h, mi] = [d + 1, 0, 0];
      if (d > daysIn(y, mo)) {
        [mo, d] = [mo + 1, 1];
        if (mo > 12) [y, mo] = [y + 1, 1];
      }
      continue;
    }
    if (!f.hours.has(h)) {
      [h, mi] = [h + 1, 0];
      if (h > 23) {
        [d, h] = [d + 1, 0];
        if (d > daysIn(y, mo)) {
          [mo, d] = [mo + 1, 1];
          if (mo > 12) [y, mo] = [y + 1, 1];
        }
      }
      continue;
    }
    if (!f.minutes.has(mi)) {
      mi += 1;
      if (mi > 59) {
        [h, mi] = [h + 1, 0];
        if (h > 23) {
          [d, h] = [d + 1, 0];
          if (d > daysIn(y, mo)) {
            [mo, d] = [mo + 1, 1];
            if (mo > 12) [y, mo] = [y + 1, 1];
          }
        }
      }
      continue;
    }
    return Date.UTC(y, mo - 1, d, h, mi);
  }
  return undefined;
}

// Compares an answer from Nimbus with one AWS recorded (LocalStack snapshot format, see SOURCE.md).
// Recorded strings may hold placeholders such as `<function-name:1>` or `<uuid:2>`: a placeholder
// matches any text, but within one case it must always stand for the same text, and two
// placeholders of one kind never for the same text (so revision ids that must differ, do).
// `date`, `datetime`, `<code-size>` and `<location>` stand for values that vary by nature; `date` is
// an ISO-8601 text (`datetime` a timestamp the SDK parsed), and `<lambda-url>` any function URL
// endpoint (the recordings write every FunctionUrl the same way, so it binds to no one value).

/** The account AWS recorded in; Nimbus's account is written back to it before comparing. */
export const RECORDED_ACCOUNT = '111111111111';

export class Bindings {
  private readonly values = new Map<string, string>();

  constructor(private readonly account: string, seed: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(seed)) this.values.set(k, v);
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /** Binds `name` to `value`; false when that breaks an earlier binding. */
  bind(name: string, value: string): boolean {
    const bound = this.values.get(name);
    if (bound !== undefined) return bound === value;
    const kind = kindOf(name);
    for (const [other, v] of this.values) if (v === value && kindOf(other) === kind && kind !== '') return false;
    this.values.set(name, value);
    return true;
  }

  /** Nimbus's account id in a string, written as the recorded one. */
  recordedView(s: string): string {
    return s.split(this.account).join(RECORDED_ACCOUNT);
  }

  names(kind: string): string[] {
    return [...this.values].filter(([k]) => kindOf(k) === kind).map(([, v]) => v);
  }
}

const kindOf = (name: string) => (name.includes(':') ? name.slice(0, name.indexOf(':')) : '');

const ANY_VALUE = new Set(['date', 'datetime', '<code-size>', '<location>', '<layer-location>']);
const PLACEHOLDER = /<[^<>\s]+>/g;
/** What `date` stands for: an ISO-8601 date and time, as text. */
const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:?\d\d)$/;
/** What `<lambda-url>` stands for: a function URL endpoint in AWS's shape. */
const LAMBDA_URL = /^https:\/\/[a-z0-9]{32}\.lambda-url\.[a-z0-9-]+\.on\.aws\/$/;

export interface CompareOptions {
  /** Members AWS added after the recording was made (e.g. LoggingConfig): allowed extra in Nimbus's answer. */
  extraFields?: readonly string[];
  /** Compare enum lists in messages as `[…]`: the runtimes AWS lists change over time. */
  ignoreEnumList?: boolean;
}

/** Differences between the recorded value and the actual one, as readable lines (empty: equal). */
export function compare(recorded: unknown, actual: unknown, b: Bindings, options: CompareOptions = {}, path = '$'): string[] {
  if (typeof recorded === 'string') return compareString(recorded, actual, b, options, path);
  if (Array.isArray(recorded)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array, got ${show(actual)}`];
    if (recorded.length !== actual.length) return [`${path}: expected ${recorded.length} items, got ${actual.length}: ${show(actual)}`];
    return recorded.flatMap((r, i) => compare(r, actual[i], b, options, `${path}[${i}]`));
  }
  if (recorded !== null && typeof recorded === 'object') {
    // AWS sends policies and statements as JSON text; the recording shows them parsed.
    const value = typeof actual === 'string' && actual.startsWith('{') ? (JSON.parse(actual) as unknown) : actual;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected an object, got ${show(actual)}`];
    const r = recorded as Record<string, unknown>;
    const a = value as Record<string, unknown>;
    const out: string[] = [];
    for (const key of Object.keys(r)) {
      if (!(key in a)) out.push(`${path}.${key}: missing (recorded ${show(r[key])})`);
      else out.push(...compare(r[key], a[key], b, options, `${path}.${key}`));
    }
    for (const key of Object.keys(a)) {
      if (!(key in r) && !options.extraFields?.includes(key)) out.push(`${path}.${key}: not recorded (got ${show(a[key])})`);
    }
    return out;
  }
  return recorded === actual ? [] : [`${path}: expected ${show(recorded)}, got ${show(actual)}`];
}

function compareString(recorded: string, actual: unknown, b: Bindings, options: CompareOptions, path: string): string[] {
  if (recorded === 'date' && typeof actual === 'string' && !ISO_DATE.test(actual)) return [`${path}: expected an ISO-8601 date, got ${show(actual)}`];
  if (recorded === '<lambda-url>') return typeof actual === 'string' && LAMBDA_URL.test(actual) ? [] : [`${path}: expected a function URL, got ${show(actual)}`];
  if (ANY_VALUE.has(recorded)) return actual === undefined || actual === null ? [`${path}: missing`] : [];
  if (typeof actual !== 'string') return [`${path}: expected ${show(recorded)}, got ${show(actual)}`];
  const normalise = (s: string) => (options.ignoreEnumList ? s.replace(/enum value set: \[[^\]]*\]/g, 'enum value set: […]') : s);
  const want = normalise(recorded);
  const got = normalise(b.recordedView(actual));
  const names = want.match(PLACEHOLDER) ?? [];
  if (names.length === 0) return want === got ? [] : [`${path}: expected ${show(want)}, got ${show(got)}`];
  const pattern = want.split(PLACEHOLDER).map(escape).join('(.+?)');
  const m = new RegExp(`^${pattern}$`, 's').exec(got);
  if (!m) return [`${path}: expected ${show(want)}, got ${show(got)}`];
  const out: string[] = [];
  names.forEach((name, i) => {
    if (!b.bind(name.slice(1, -1), m[i + 1]!)) out.push(`${path}: ${name} was ${show(b.get(name.slice(1, -1)))}, now ${show(m[i + 1])}`);
  });
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const show = (v: unknown) => (v instanceof Date ? v.toISOString() : JSON.stringify(v));

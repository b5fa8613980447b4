// Compares one live answer with an AWS-recorded snapshot entry. The recordings replace volatile
// values with placeholders (`<id:1>`, `<name:2>`, `datetime`); a placeholder matches any value
// but must keep matching the same value everywhere in a scenario, as the recorder's did.

/** Placeholder → the live value it stands for, shared by a scenario's steps. */
export type Bindings = Map<string, string>;

/** The account the recordings were made with (it appears unmasked in messages). */
const RECORDED_ACCOUNT = '111111111111';
/** Nimbus's default account for the test credentials. */
export const LIVE_ACCOUNT = '000000000000';

const PLACEHOLDER = /<[a-z][a-z0-9-]*:\d+>/g;

/** `${save.field.sub}` in a step's input → the saved output's value. */
export function resolveRefs(value: unknown, saved: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{([^}]+)\}$/.exec(value);
    if (whole) return lookup(saved, whole[1]!);
    return value.replace(/\$\{([^}]+)\}/g, (_m, ref: string) => String(lookup(saved, ref)));
  }
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, saved));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, saved)]));
  }
  return value;
}

function lookup(saved: Record<string, unknown>, ref: string): unknown {
  let cur: unknown = saved;
  for (const part of ref.split('.')) {
    if (cur === null || typeof cur !== 'object') throw new Error(`unresolved reference \${${ref}}`);
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined) throw new Error(`unresolved reference \${${ref}}`);
  return cur;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Matches a recorded string (placeholders allowed) against a live one, binding new placeholders. */
function matchString(expected: string, actual: string, bindings: Bindings): boolean {
  const exp = expected.split(RECORDED_ACCOUNT).join(LIVE_ACCOUNT);
  const names = exp.match(PLACEHOLDER) ?? [];
  if (names.length === 0) return exp === actual;
  const fresh: string[] = [];
  let pattern = '';
  let last = 0;
  for (const m of exp.matchAll(PLACEHOLDER)) {
    pattern += escape(exp.slice(last, m.index));
    const bound = bindings.get(m[0]);
    if (bound !== undefined) pattern += escape(bound);
    else if (fresh.includes(m[0])) pattern += `\\k<p${fresh.indexOf(m[0])}>`;
    else {
      pattern += `(?<p${fresh.length}>.+?)`;
      fresh.push(m[0]);
    }
    last = m.index + m[0].length;
  }
  pattern += escape(exp.slice(last));
  const hit = new RegExp(`^${pattern}$`, 's').exec(actual);
  if (!hit) return false;
  fresh.forEach((name, i) => bindings.set(name, hit.groups![`p${i}`]!));
  return true;
}

function compareValue(expected: unknown, actual: unknown, path: string, bindings: Bindings, diffs: string[]): void {
  if (expected === 'datetime') {
    if (!(actual instanceof Date)) diffs.push(`${path}: expected a timestamp, got ${JSON.stringify(actual)}`);
    return;
  }
  // The recorder parsed JSON documents (model schemas, policies) before snapshotting them.
  if (expected !== null && typeof expected === 'object' && typeof actual === 'string') {
    try {
      actual = JSON.parse(actual);
    } catch {
      /* compared as is below */
    }
  }
  if (typeof expected === 'string') {
    if (typeof actual !== 'string' || !matchString(expected, actual, bindings)) {
      diffs.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      diffs.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
      return;
    }
    expected.forEach((e, i) => compareValue(e, actual[i], `${path}[${i}]`, bindings, diffs));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      diffs.push(`${path}: expected an object, got ${JSON.stringify(actual)}`);
      return;
    }
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    for (const k of Object.keys(e)) {
      if (!(k in a) || a[k] === undefined) diffs.push(`${path}.${k}: missing (expected ${JSON.stringify(e[k])})`);
      else compareValue(e[k], a[k], `${path}.${k}`, bindings, diffs);
    }
    for (const k of Object.keys(a)) {
      if (!(k in e) && a[k] !== undefined) diffs.push(`${path}.${k}: not recorded, got ${JSON.stringify(a[k])}`);
    }
    return;
  }
  if (expected !== actual) diffs.push(`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

export interface LiveAnswer {
  readonly output?: Record<string, unknown>;
  readonly status: number;
  readonly error?: { name: string; message: string };
}

/**
 * One recorded answer, condensed from the snapshot entry: `status` is its HTTPStatusCode, `error`
 * its `[Error.Code, Error.Message]`, `body` the rest (ResponseMetadata dropped). `pick` compares a
 * single output member when the recorder snapshotted only that (e.g. just an id).
 */
export interface Recorded {
  readonly status?: number;
  readonly error?: readonly [string, string];
  readonly body?: unknown;
  readonly pick?: string;
}

/** Differences between a recorded answer and a live one (empty = conformant). */
export function compareRecorded(recorded: Recorded, live: LiveAnswer, bindings: Bindings): string[] {
  const diffs: string[] = [];
  if (recorded.status !== undefined && recorded.status !== live.status) diffs.push(`status: expected ${recorded.status}, got ${live.status}`);
  if (recorded.error) {
    const [code, message] = recorded.error;
    if (!live.error) diffs.push(`expected ${code}, got success ${JSON.stringify(live.output)}`);
    else {
      if (live.error.name !== code) diffs.push(`error: expected ${code}, got ${live.error.name}`);
      compareValue(message, live.error.message, 'message', bindings, diffs);
    }
    return diffs;
  }
  if (live.error) {
    diffs.push(`unexpected ${live.error.name}: ${live.error.message}`);
    return diffs;
  }
  const actual = recorded.pick ? live.output?.[recorded.pick] : (live.output ?? {});
  compareValue(recorded.body ?? {}, actual, '$', bindings, diffs);
  return diffs;
}

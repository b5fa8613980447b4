// Java-flavoured value semantics for API Gateway mapping templates. AWS runs templates on Apache
// Velocity (Java), so what a template prints is Java's toString of the value: maps print as
// `{k=v, k2=v2}`, literal lists as `[a, b]`, but lists that came out of a JSON document
// ($input.path, $util.parseJson) print as JSON, and so does any list nested in such a map.
// Equality follows Velocity too: numbers compare numerically, anything else by its string form,
// and null compares equal to the empty string (AWS-recorded behaviour).

/** Arrays that came from parsed JSON: they print as JSON, not as Java's `[a, b]`. */
const jsonLists = new WeakSet<object>();

/** Marks every array inside a parsed JSON value so it prints as JSON. Returns the value. */
export function markJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    jsonLists.add(value);
    for (const item of value) markJson(item);
  } else {
    for (const key in value) markJson((value as Record<string, unknown>)[key]);
  }
  return value;
}

export function isJsonList(value: unknown): boolean {
  return Array.isArray(value) && jsonLists.has(value);
}

/** Java's Double.toString for the common cases (integers print without a fraction). */
function numberString(n: number): string {
  if (Number.isInteger(n) || !Number.isFinite(n)) return String(n);
  return String(n);
}

/** What Velocity prints for a value (`$x`). Null and undefined print nothing (AWS renders quietly). */
export function javaString(value: unknown): string {
  if (value === null || value === undefined) return '';
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return numberString(value);
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'function':
      return '';
    default:
      break;
  }
  if (Array.isArray(value)) {
    if (jsonLists.has(value)) return JSON.stringify(value);
    return '[' + value.map(javaElement).join(', ') + ']';
  }
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  const custom = (value as { toString?: unknown }).toString;
  if (typeof custom === 'function' && custom !== Object.prototype.toString) return String(custom.call(value));
  const parts: string[] = [];
  for (const key of Object.keys(value)) parts.push(`${key}=${javaElement((value as Record<string, unknown>)[key])}`);
  return '{' + parts.join(', ') + '}';
}

/** Inside a Java collection, null prints as `null` (AbstractCollection.toString). */
function javaElement(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  return javaString(value);
}

/** Velocity's `==`: numbers numerically, null as "", else by string form. */
export function javaEquals(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === null && b === null) return true;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (a === null) return b === '';
  if (b === null) return a === '';
  if (typeof a === typeof b && typeof a !== 'object') return a === b;
  return javaString(a) === javaString(b);
}

/**
 * `#if` truthiness: null, false and the empty string are false; everything else (0 and empty
 * collections too) is true. Missing request values read as "" in AWS templates, and
 * `#if($input.params('x'))` is the common way to test for them.
 */
export function javaTruthy(value: unknown): boolean {
  return value !== null && value !== undefined && value !== false && value !== '';
}

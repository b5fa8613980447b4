// Property writes keyed by user data. A plain `obj[key] = v` with key "__proto__" would replace the
// object's prototype instead of creating a member, silently dropping data from JSON output.
import type { Json, JsonObject } from './model.js';

export function setOwn(obj: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

// Route selection of WebSocket APIs: the API's route selection expression (`$request.body.action`)
// evaluated against a message's JSON body. A message that is not JSON, lacks the member, or holds an
// object there selects nothing, and the caller falls back to `$default`, as AWS does.

/** The route key a message selects, from the expression's parsed path (see core/websocket.ts). */
export function selectRouteKey(path: readonly string[] | undefined, message: string | undefined): string | undefined {
  if (!path || message === undefined) return undefined;
  // Cheap pre-check: JSON bodies that can carry a member start with `{`.
  if (!/^\s*\{/.test(message)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return undefined;
  }
  for (const part of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

// IAM policy evaluation for Lambda authorizer results: does the returned policy allow
// `execute-api:Invoke` on this request's methodArn? Explicit Deny wins, then Allow, else denied.
// Wildcards follow IAM: `*` any run of characters, `?` one character, matched over the whole ARN.

export type PolicyDecision = 'allow' | 'deny' | 'implicitDeny';

export interface PolicyStatement {
  readonly Effect: string;
  readonly Action?: string | readonly string[];
  readonly Resource?: string | readonly string[];
}

const globs = new Map<string, RegExp>();

function glob(pattern: string, ignoreCase: boolean): RegExp {
  const key = (ignoreCase ? 'i:' : 's:') + pattern;
  let re = globs.get(key);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
    if (globs.size > 10_000) globs.clear();
    globs.set(key, re);
  }
  return re;
}

function list(v: string | readonly string[] | undefined): readonly string[] {
  if (v === undefined) return [];
  return typeof v === 'string' ? [v] : v;
}

function matches(statement: PolicyStatement, methodArn: string): boolean {
  const actionOk = list(statement.Action).some((a) => glob(a, true).test('execute-api:Invoke'));
  if (!actionOk) return false;
  return list(statement.Resource).some((r) => glob(r, false).test(methodArn));
}

/** Reads the `Statement` list of a policy document; undefined when the document is malformed. */
export function statementsOf(policyDocument: unknown): PolicyStatement[] | undefined {
  if (policyDocument === null || typeof policyDocument !== 'object') return undefined;
  const raw = (policyDocument as { Statement?: unknown }).Statement;
  const arr = Array.isArray(raw) ? raw : raw !== undefined ? [raw] : undefined;
  if (!arr) return undefined;
  const out: PolicyStatement[] = [];
  for (const s of arr) {
    if (s === null || typeof s !== 'object') return undefined;
    const st = s as Record<string, unknown>;
    if (st['Effect'] !== 'Allow' && st['Effect'] !== 'Deny') return undefined;
    const okList = (v: unknown) =>
      v === undefined || typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    if (!okList(st['Action']) || !okList(st['Resource'])) return undefined;
    out.push(st as unknown as PolicyStatement);
  }
  return out;
}

export function evaluatePolicy(statements: readonly PolicyStatement[], methodArn: string): PolicyDecision {
  let allowed = false;
  for (const s of statements) {
    if (!matches(s, methodArn)) continue;
    if (s.Effect === 'Deny') return 'deny';
    allowed = true;
  }
  return allowed ? 'allow' : 'implicitDeny';
}

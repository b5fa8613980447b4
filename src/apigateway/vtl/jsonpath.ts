// JSONPath for $input.path / $input.json. Simple definite paths (`$`, `$.a.b`, `$['a'][0]`) are
// walked directly (the common case, no allocation); anything else (wildcards, filters, recursive
// descent, unions, slices) goes to jsonpath-plus and yields the list of matches, as Jayway does
// for indefinite paths.
import { JSONPath } from 'jsonpath-plus';

type Step = string | number;

const simpleCache = new Map<string, Step[] | null>();

/** Parses `$.a['b'][0]`-style definite paths; null when the path needs the full engine. */
function parseSimple(path: string): Step[] | null {
  const cached = simpleCache.get(path);
  if (cached !== undefined) return cached;
  let steps: Step[] | null = [];
  // A path without the leading `$` (`a.b`) is read as `$.a.b`.
  const t = path.trim();
  const p = t[0] === '$' ? t : t[0] === '[' ? '$' + t : '$.' + t;
  let i = 1;
  while (steps && i < p.length) {
    const c = p[i];
    if (c === '.') {
      if (p[i + 1] === '.' || p[i + 1] === '*') {
        steps = null;
        break;
      }
      const m = /^[^.[\]\s*]+/.exec(p.slice(i + 1));
      if (!m) {
        steps = null;
        break;
      }
      steps.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === '[') {
      const rest = p.slice(i);
      const quoted = /^\[\s*(['"])((?:\\.|(?!\1).)*)\1\s*\]/.exec(rest);
      const index = /^\[\s*(\d+)\s*\]/.exec(rest);
      if (quoted) {
        steps.push(quoted[2]!.replace(/\\(.)/g, '$1'));
        i += quoted[0].length;
      } else if (index) {
        steps.push(Number(index[1]));
        i += index[0].length;
      } else {
        steps = null;
      }
    } else {
      steps = null;
    }
  }
  if (simpleCache.size > 5000) simpleCache.clear();
  simpleCache.set(path, steps);
  return steps;
}

/** Result of evaluating a path: `found` is false when a definite path matched nothing. */
export interface PathResult {
  found: boolean;
  value: unknown;
}

export function evaluatePath(root: unknown, path: string): PathResult {
  const steps = parseSimple(path === '' ? '$' : path);
  if (steps) {
    let cur: unknown = root;
    for (const step of steps) {
      if (cur === null || typeof cur !== 'object') return { found: false, value: undefined };
      if (typeof step === 'number') {
        if (!Array.isArray(cur)) {
          const v = (cur as Record<string, unknown>)[String(step)];
          if (v === undefined || !Object.hasOwn(cur, String(step))) return { found: false, value: undefined };
          cur = v;
          continue;
        }
        if (step >= cur.length) return { found: false, value: undefined };
        cur = cur[step];
      } else {
        if (Array.isArray(cur) || !Object.hasOwn(cur, step)) return { found: false, value: undefined };
        cur = (cur as Record<string, unknown>)[step];
      }
    }
    return { found: true, value: cur };
  }
  if (root === null || typeof root !== 'object') return { found: false, value: undefined };
  try {
    const matches = JSONPath({ path, json: root as object, wrap: true }) as unknown[];
    return { found: true, value: matches };
  } catch {
    return { found: false, value: undefined };
  }
}

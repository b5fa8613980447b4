// Graph rules for a set of states (the machine, a Parallel branch, a Map processor): required
// StartAt/States, transition targets inside the same graph, a terminal state, reachability.
import type { Json, QueryLanguage, State, StateGraph } from '../model.js';
import { checkType, isObject, seg, type Collector } from './collector.js';
import { validateState } from './states.js';

const GRAPH_FIELDS = {
  top: new Set(['Comment', 'StartAt', 'States', 'Version', 'TimeoutSeconds', 'QueryLanguage']),
  branch: new Set(['Comment', 'StartAt', 'States']),
  processor: new Set(['Comment', 'StartAt', 'States']),
};

export function validateGraph(
  c: Collector, raw: Json, loc: string, ql: QueryLanguage, topQl: QueryLanguage, kind: 'top' | 'branch' | 'processor',
): StateGraph | undefined {
  const where = loc === '' ? '/' : loc;
  if (!isObject(raw)) {
    c.schema('The definition must be a JSON OBJECT', where);
    return undefined;
  }
  for (const k of Object.keys(raw)) if (!GRAPH_FIELDS[kind].has(k)) c.schema(`Field '${k}' is not supported`, where);
  // AWS lists the missing required fields States first: `{}` is "[States, StartAt]".
  const missing = ['States', 'StartAt'].filter((k) => raw[k] === undefined);
  if (missing.length > 0) c.schema(`These fields are required: [${missing.join(', ')}]`, where);
  if (raw.Comment !== undefined) checkType(c, raw.Comment, 'STRING', 'Comment', `${loc}/Comment`);
  const startOk = raw.StartAt !== undefined && checkType(c, raw.StartAt, 'STRING', 'StartAt', `${loc}/StartAt`);
  if (raw.States === undefined) return undefined;
  if (!isObject(raw.States)) {
    c.schema(`The value for the field 'States' must be a OBJECT`, `${loc}/States`);
    return undefined;
  }

  const states = new Map<string, State>();
  let complete = true;
  for (const [name, sraw] of Object.entries(raw.States)) {
    const st = validateState(c, name, sraw, `${loc}/States/${seg(name)}`, ql, topQl,
      (g, gloc, tq, k) => validateGraph(c, g, gloc, tq, tq, k));
    if (st) states.set(name, st);
    else complete = false;
  }
  if (!startOk) return undefined;
  const startAt = raw.StartAt as string;

  // Transition targets: AWS says "Missing 'Next' target" whatever the field (Next, Default, Choices, Catch).
  const edges = new Map<string, string[]>();
  const target = (from: string, to: string, at: string): void => {
    if (!(raw.States as object).hasOwnProperty(to)) c.error('MISSING_TRANSITION_TARGET', `Missing 'Next' target: ${to}`, at);
    (edges.get(from) ?? edges.set(from, []).get(from)!).push(to);
  };
  if (!(raw.States as object).hasOwnProperty(startAt)) c.error('MISSING_TRANSITION_TARGET', `Missing 'Next' target: ${startAt}`, `${loc}/StartAt`);
  for (const [name, st] of states) {
    const sloc = `${loc}/States/${seg(name)}`;
    if ('Next' in st && typeof st.Next === 'string') target(name, st.Next, `${sloc}/Next`);
    if (st.Type === 'Choice') {
      st.Choices.forEach((ch, i) => { if (ch.Next) target(name, ch.Next, `${sloc}/Choices[${i}]/Next`); });
      if (typeof st.Default === 'string') target(name, st.Default, `${sloc}/Default`);
    }
    if (st.Type === 'Task' || st.Type === 'Parallel' || st.Type === 'Map') {
      st.Catch.forEach((ct, i) => { if (ct.Next) target(name, ct.Next, `${sloc}/Catch[${i}]/Next`); });
    }
  }
  if (!complete) return undefined;

  const terminal = [...states.values()].some((st) => st.Type === 'Succeed' || st.Type === 'Fail' || ('End' in st && st.End === true));
  if (!terminal) {
    c.error('MISSING_END_STATE', 'Workflow has no terminal state');
  } else {
    const seen = new Set<string>();
    const stack = [startAt];
    while (stack.length) {
      const n = stack.pop() as string;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const t of edges.get(n) ?? []) stack.push(t);
    }
    for (const name of states.keys()) {
      if (!seen.has(name)) c.error('MISSING_TRANSITION_TARGET', `State "${name}" is not reachable.`, `${loc}/States/${seg(name)}`);
    }
  }
  return {
    StartAt: startAt,
    States: states,
    queryLanguage: ql,
    ...(typeof raw.Comment === 'string' ? { Comment: raw.Comment } : {}),
  };
}

// Reads an execution's event history into what the diagram and the side panel show: each state's
// status (running, succeeded, failed, retried, caught), its inputs and outputs, and the task
// tokens of callback tasks still waiting. Events are tied to their state through the
// previousEventId chain, which stays right inside concurrent Parallel branches and Map iterations.

export type StateStatus = 'running' | 'succeeded' | 'failed' | 'retried' | 'caught' | 'aborted';

export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId?: number;
  readonly type: string;
  readonly timestamp: number | string;
  readonly [key: string]: unknown;
}

export interface StateRun {
  readonly name: string;
  status: StateStatus;
  entered: number;
  exited: number;
  failures: number;
  /** Inputs and outputs in order (Map iterators run many times). */
  readonly inputs: string[];
  readonly outputs: string[];
  error?: string;
  cause?: string;
}

export interface WaitingCallback {
  readonly state: string;
  readonly token: string;
  readonly scheduledEventId: number;
}

export interface ExecutionView {
  readonly states: Record<string, StateRun>;
  readonly waiting: WaitingCallback[];
}

const FAILURE = /(Failed|TimedOut)$/;
const NOT_A_STATE_FAILURE = new Set(['ExecutionFailed', 'ExecutionTimedOut', 'MapRunFailed']);
const SUCCESS = /^(Task|LambdaFunction|Activity)Succeeded$/;
const ATTEMPT = /^(Task|LambdaFunction|Activity)Scheduled$/;

type Details = Record<string, unknown>;

function details(e: HistoryEvent): Details | undefined {
  for (const [k, v] of Object.entries(e)) {
    if (k.endsWith('EventDetails') && typeof v === 'object' && v !== null) return v as Details;
  }
  return undefined;
}

/**
 * @param executionStatus DescribeExecution's status: states still open when the execution has
 *   stopped are failed (or aborted), not running.
 * @param tokenFields per state, where its callback token sits in the resolved parameters.
 */
export function readExecution(
  events: readonly HistoryEvent[],
  executionStatus: string,
  tokenPaths: Readonly<Record<string, ReadonlyArray<string>>> = {},
): ExecutionView {
  const owner = new Map<number, string>();
  const states: Record<string, StateRun> = {};
  const lastOutcome: Record<string, 'ok' | 'fail' | 'pending'> = {};
  const scheduled = new Map<string, { id: number; parameters?: string; callback: boolean }>();

  for (const e of events) {
    const d = details(e);
    let name: string | undefined;
    if (e.type.endsWith('StateEntered') && d && typeof d.name === 'string') {
      name = d.name;
      const run = (states[name] ??= { name, status: 'running', entered: 0, exited: 0, failures: 0, inputs: [], outputs: [] });
      run.entered++;
      if (typeof d.input === 'string') run.inputs.push(d.input);
      lastOutcome[name] = 'pending';
    } else if (e.type.endsWith('StateExited') && d && typeof d.name === 'string') {
      // A Parallel or Map exits after its branches' events: its previous event belongs to a branch.
      name = d.name;
    } else {
      name = e.previousEventId !== undefined ? owner.get(e.previousEventId) : undefined;
    }
    if (name !== undefined) owner.set(e.id, name);
    if (name === undefined) continue;
    const run = states[name];
    if (!run) continue;
    if (e.type.endsWith('StateExited')) {
      run.exited++;
      if (typeof d?.output === 'string') run.outputs.push(d.output);
      scheduled.delete(name);
    } else if (ATTEMPT.test(e.type)) {
      lastOutcome[name] = 'pending';
      const resource = typeof d?.resource === 'string' ? d.resource : '';
      scheduled.set(name, {
        id: e.id,
        callback: resource.endsWith('.waitForTaskToken'),
        ...(typeof d?.parameters === 'string' ? { parameters: d.parameters } : {}),
      });
    } else if (SUCCESS.test(e.type)) {
      lastOutcome[name] = 'ok';
      scheduled.delete(name);
    } else if (FAILURE.test(e.type) && !NOT_A_STATE_FAILURE.has(e.type)) {
      run.failures++;
      lastOutcome[name] = 'fail';
      if (typeof d?.error === 'string') run.error = d.error;
      if (typeof d?.cause === 'string') run.cause = d.cause;
      scheduled.delete(name);
    } else if (e.type === 'FailStateEntered') {
      lastOutcome[name] = 'fail';
    }
  }

  const finished = executionStatus !== 'RUNNING';
  for (const run of Object.values(states)) {
    const open = run.entered > run.exited;
    const failedLast = lastOutcome[run.name] === 'fail';
    if (open) {
      if (!finished) run.status = 'running';
      else if (executionStatus === 'ABORTED' && !failedLast) run.status = 'aborted';
      else run.status = 'failed';
    } else if (run.failures > 0) {
      run.status = failedLast ? 'caught' : 'retried';
    } else {
      run.status = 'succeeded';
    }
  }

  const waiting: WaitingCallback[] = [];
  if (!finished) {
    for (const [state, s] of scheduled) {
      if (!s.callback || !s.parameters) continue;
      const token = findToken(s.parameters, tokenPaths[state] ?? []);
      if (token) waiting.push({ state, token, scheduledEventId: s.id });
    }
  }
  return { states, waiting };
}

/**
 * The task token inside a callback task's resolved parameters: at one of the places the
 * definition put `$$.Task.Token`, else the one long token-looking string.
 */
function findToken(parameters: string, paths: ReadonlyArray<string>): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(parameters);
  } catch {
    return undefined;
  }
  for (const path of paths) {
    let cur: unknown = value;
    for (const key of path.split('.')) cur = typeof cur === 'object' && cur !== null ? (cur as Details)[key] : undefined;
    if (typeof cur === 'string' && cur.length > 0) return cur;
  }
  const found: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string' && /^[A-Za-z0-9+/=_-]{64,}$/.test(v)) found.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  walk(value);
  return found.length === 1 ? found[0] : undefined;
}

/**
 * Where each callback state of a definition puts the task token in its Parameters (JSONPath:
 * `"key.$": "$$.Task.Token"`) or Arguments (JSONata: `{% $states.context.Task.Token %}`), as
 * dotted paths of the resolved parameters.
 */
export function tokenPathsOf(definition: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const visitStates = (machine: unknown) => {
    if (typeof machine !== 'object' || machine === null) return;
    const states = (machine as Details).States;
    if (typeof states !== 'object' || states === null) return;
    for (const [name, raw] of Object.entries(states as Details)) {
      if (typeof raw !== 'object' || raw === null) continue;
      const s = raw as Details;
      if (Array.isArray(s.Branches)) s.Branches.forEach(visitStates);
      visitStates(s.ItemProcessor ?? s.Iterator);
      if (typeof s.Resource !== 'string' || !s.Resource.endsWith('.waitForTaskToken')) continue;
      const paths: string[] = [];
      const walk = (v: unknown, at: string[]) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return;
        for (const [k, val] of Object.entries(v as Details)) {
          if (k.endsWith('.$') && val === '$$.Task.Token') paths.push([...at, k.slice(0, -2)].join('.'));
          else if (typeof val === 'string' && /^\{%\s*\$states\.context\.Task\.Token\s*%\}$/.test(val)) paths.push([...at, k].join('.'));
          else walk(val, [...at, k]);
        }
      };
      walk(s.Parameters ?? s.Arguments, []);
      out[name] = paths;
    }
  };
  visitStates(definition);
  return out;
}

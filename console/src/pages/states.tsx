// State machines: the list; one machine's diagram, executions and a start form; one execution
// drawn live on the diagram beside its event history, with stop, redrive and callback approval.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, enc } from '../api.js';
import { Diagram, Legend } from '../components/diagram.js';
import { readExecution, tokenPathsOf, type HistoryEvent } from '../../../src/console/shared/execution-view.js';
import { ErrorBox, Json, Loading, pretty, Section, time, useLoad } from '../ui.js';

export function StateMachinesList() {
  const { data, error } = useLoad(() => api('GET', 'statemachines'), []);
  return (
    <>
      <h1 tabIndex={-1}>State machines</h1>
      <ErrorBox error={error} />
      {!data ? <Loading what="state machines" /> : data.stateMachines.length === 0 ? <p>No state machines yet.</p> : (
        <table class="list">
          <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Created</th></tr></thead>
          <tbody>
            {data.stateMachines.map((m: any) => (
              <tr><td><a href={`#/states/${enc(m.stateMachineArn)}`}>{m.name}</a></td><td>{m.type}</td><td>{time(m.creationDate * (m.creationDate < 1e12 ? 1000 : 1))}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function parseDefinition(text: string | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function ms(v: number | string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return Date.parse(v);
  return v < 1e12 ? v * 1000 : v;
}

export function StateMachinePage({ arn }: { arn: string }) {
  const machine = useLoad(() => api('GET', `statemachines/${enc(arn)}`), [arn]);
  const express = machine.data?.type === 'EXPRESS';
  const executions = useLoad(
    () => (machine.data && !express ? api('GET', `statemachines/${enc(arn)}/executions`) : Promise.resolve(undefined)),
    [arn, machine.data?.type],
    3000,
  );
  const [syncResult, setSyncResult] = useState<any>();
  const [input, setInput] = useState('{}');
  const [name, setName] = useState('');
  const [error, setError] = useState<Error>();
  const definition = useMemo(() => parseDefinition(machine.data?.definition), [machine.data]);

  const start = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      if (express) {
        setSyncResult(await api('POST', `statemachines/${enc(arn)}/sync-executions`, { input, ...(name ? { name } : {}) }));
        return;
      }
      const r = await api('POST', `statemachines/${enc(arn)}/executions`, { input, ...(name ? { name } : {}) });
      location.hash = `#/executions/${enc(r.executionArn)}`;
    } catch (err) {
      setError(err as Error);
    }
  };

  return (
    <>
      <p class="crumbs"><a href="#/states">State machines</a> /</p>
      <h1 tabIndex={-1}>{machine.data?.name ?? arn.split(':').pop()}</h1>
      <ErrorBox error={machine.error} />
      <div class="split wide-left">
        <Section title="Definition">
          {definition ? <Diagram definition={definition} /> : <Loading what="definition" />}
        </Section>
        <div>
          <form class="card" onSubmit={start} aria-label="Start execution">
            <h2>Start execution</h2>
            <label for="exec-name">Name (optional)</label>
            <input id="exec-name" value={name} maxLength={80} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
            <label for="exec-input">Input JSON</label>
            <textarea id="exec-input" rows={6} spellcheck={false} value={input} onInput={(e) => setInput((e.target as HTMLTextAreaElement).value)} />
            <button type="submit" class="primary">{express ? 'Run (synchronous Express execution)' : 'Start execution'}</button>
            <ErrorBox error={error} />
            {syncResult ? (
              <div aria-live="polite">
                <p><span class={`badge ${String(syncResult.status).toLowerCase()}`}>{syncResult.status}</span> {syncResult.error ? `${syncResult.error}: ${syncResult.cause ?? ''}` : ''}</p>
                {syncResult.output !== undefined ? <Json value={syncResult.output} label="Execution output" /> : null}
              </div>
            ) : null}
          </form>
          {express ? <p class="muted card">Express executions keep no browsable history (as in AWS): runs from here are synchronous.</p> : (
          <Section title="Executions">
            <ErrorBox error={executions.error} />
            {!executions.data ? <Loading what="executions" /> : executions.data.executions.length === 0 ? <p class="muted">No executions yet.</p> : (
              <table class="list">
                <thead><tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Started</th></tr></thead>
                <tbody>
                  {executions.data.executions.map((x: any) => (
                    <tr>
                      <td><a href={`#/executions/${enc(x.executionArn)}`}>{x.name}</a></td>
                      <td><span class={`badge ${x.status.toLowerCase()}`}>{x.status}</span></td>
                      <td>{time(ms(x.startDate))}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>
          )}
        </div>
      </div>
    </>
  );
}

const DETAIL_SUFFIX = 'EventDetails';

function eventDetails(e: HistoryEvent): Record<string, unknown> | undefined {
  for (const [k, v] of Object.entries(e)) if (k.endsWith(DETAIL_SUFFIX)) return v as Record<string, unknown>;
  return undefined;
}

export function ExecutionPage({ arn }: { arn: string }) {
  const [execution, setExecution] = useState<any>();
  const [machine, setMachine] = useState<any>();
  const [events, setEvents] = useState<HistoryEvent[]>([]);
  const [error, setError] = useState<Error>();
  const [selected, setSelected] = useState<string>();
  const [tick, setTick] = useState(0);
  const last = useRef(0);

  useEffect(() => {
    last.current = 0;
    setEvents([]);
    setExecution(undefined);
  }, [arn]);

  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const r = await api('GET', `executions/${enc(arn)}?after=${last.current}`);
        if (stop) return;
        if (r.events.length) {
          last.current = r.events[r.events.length - 1].id;
          setEvents((old) => [...old, ...r.events]);
        }
        setExecution(r.execution);
        setMachine(r.stateMachine);
        setError(undefined);
        if (r.execution.status === 'RUNNING') timer = setTimeout(poll, 700);
      } catch (e) {
        if (!stop) setError(e as Error);
      }
    };
    void poll();
    return () => {
      stop = true;
      if (timer) clearTimeout(timer);
    };
  }, [arn, tick]);

  const definition = useMemo(() => parseDefinition(machine?.definition), [machine?.definition]);
  const view = useMemo(
    () => (execution ? readExecution(events, execution.status, definition ? tokenPathsOf(definition) : {}) : undefined),
    [events, execution?.status, definition],
  );

  const act = async (fn: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await fn();
      setTick((t) => t + 1);
    } catch (e) {
      setError(e as Error);
    }
  };
  const status: string | undefined = execution?.status;
  const redrivable = status === 'FAILED' || status === 'TIMED_OUT' || status === 'ABORTED';
  const run = selected ? view?.states[selected] : undefined;

  return (
    <>
      <p class="crumbs">
        <a href="#/states">State machines</a> / {execution ? <a href={`#/states/${enc(execution.stateMachineArn)}`}>{execution.stateMachineArn.split(':').pop()}</a> : null} /
      </p>
      <h1 tabIndex={-1}>{arn.split(':').pop()}</h1>
      <ErrorBox error={error} />
      {execution ? (
        <div class="exec-head">
          <span class={`badge ${status!.toLowerCase()}`} aria-live="polite">{status}</span>
          <span class="muted">started {time(ms(execution.startDate))}{execution.stopDate ? ` · stopped ${time(ms(execution.stopDate))}` : ''}{execution.redriveCount ? ` · redriven ${execution.redriveCount}×` : ''}</span>
          {status === 'RUNNING' ? <button type="button" onClick={() => act(() => api('POST', `executions/${enc(arn)}/stop`, { error: 'Console.Stopped', cause: 'Stopped from the Nimbus console' }))}>Stop execution</button> : null}
          {redrivable ? <button type="button" onClick={() => act(() => api('POST', `executions/${enc(arn)}/redrive`))}>Redrive</button> : null}
        </div>
      ) : <Loading what="execution" />}
      {view?.waiting.map((w) => <Callback key={w.token} state={w.state} token={w.token} onDone={() => setTick((t) => t + 1)} />)}
      {execution?.error ? <div class="error" role="status"><strong>{execution.error}</strong>{execution.cause ? `: ${execution.cause}` : ''}</div> : null}
      <div class="split wide-left">
        <Section title="Graph">
          <Legend />
          {definition && view ? <Diagram definition={definition} runs={view.states} selected={selected} onSelect={setSelected} /> : <Loading what="diagram" />}
        </Section>
        <div>
          <Section title={selected ? `State: ${selected}` : 'State details'}>
            {!selected ? <p class="muted">Choose a state on the diagram to see its input and output.</p> : !run ? <p class="muted">{selected} has not run.</p> : (
              <>
                <p><span class={`badge ${run.status}`}>{run.status}</span> entered {run.entered}×, exited {run.exited}×{run.failures ? `, ${run.failures} failure(s)` : ''}</p>
                {run.error ? <p class="error"><strong>{run.error}</strong>{run.cause ? `: ${run.cause}` : ''}</p> : null}
                <h3>Input{run.inputs.length > 1 ? ` (last of ${run.inputs.length})` : ''}</h3>
                <Json value={run.inputs.at(-1)} label={`Input of ${selected}`} />
                <h3>Output{run.outputs.length > 1 ? ` (last of ${run.outputs.length})` : ''}</h3>
                <Json value={run.outputs.at(-1)} label={`Output of ${selected}`} />
              </>
            )}
          </Section>
          <Section title={`Event history (${events.length})`}>
            <ol class="events" aria-label="Event history">
              {events.map((e) => {
                const d = eventDetails(e);
                const name = typeof d?.name === 'string' ? d.name : '';
                return (
                  <li class={/Failed|TimedOut|Aborted/.test(e.type) ? 'ev bad' : /Succeeded|Exited/.test(e.type) ? 'ev good' : 'ev'}>
                    <details>
                      <summary><span class="id">{e.id}</span> <span class="type">{e.type}</span> {name ? <span class="name">{name}</span> : null} <span class="muted">{time(ms(e.timestamp as number))}</span></summary>
                      <pre class="json">{pretty(JSON.stringify(d ?? {}))}</pre>
                    </details>
                  </li>
                );
              })}
            </ol>
          </Section>
        </div>
      </div>
    </>
  );
}

function Callback({ state, token, onDone }: { state: string; token: string; onDone: () => void }) {
  const [output, setOutput] = useState('{"approved": true}');
  const [errorCode, setErrorCode] = useState('Rejected');
  const [cause, setCause] = useState('');
  const [error, setError] = useState<Error>();
  const send = async (ok: boolean) => {
    setError(undefined);
    try {
      if (ok) await api('POST', 'tasks/success', { taskToken: token, output });
      else await api('POST', 'tasks/failure', { taskToken: token, error: errorCode, ...(cause ? { cause } : {}) });
      onDone();
    } catch (e) {
      setError(e as Error);
    }
  };
  const id = `cb-${state.replace(/\W/g, '_')}`;
  return (
    <section class="card callback" aria-label={`Waiting callback: ${state}`}>
      <h2>{state} is waiting for a callback</h2>
      <p class="muted">Task token <code title={token}>{token.slice(0, 24)}…</code></p>
      <div class="cb-grid">
        <div>
          <label for={`${id}-out`}>Output JSON (SendTaskSuccess)</label>
          <textarea id={`${id}-out`} rows={3} value={output} onInput={(e) => setOutput((e.target as HTMLTextAreaElement).value)} />
          <button type="button" class="primary" onClick={() => send(true)}>Approve</button>
        </div>
        <div>
          <label for={`${id}-err`}>Error (SendTaskFailure)</label>
          <input id={`${id}-err`} value={errorCode} onInput={(e) => setErrorCode((e.target as HTMLInputElement).value)} />
          <label for={`${id}-cause`}>Cause</label>
          <input id={`${id}-cause`} value={cause} onInput={(e) => setCause((e.target as HTMLInputElement).value)} />
          <button type="button" class="danger" onClick={() => send(false)}>Reject</button>
        </div>
      </div>
      <ErrorBox error={error} />
    </section>
  );
}

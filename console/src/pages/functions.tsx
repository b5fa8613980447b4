// Functions: the list, and one function's test (invoke with saved events, result and logs),
// configuration, versions and aliases with weights, code, live log tail, metrics and cost.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, enc } from '../api.js';
import { Chart, type Series } from '../components/chart.js';
import { bytes, ErrorBox, Json, Loading, pretty, Section, Tabs, time, useLoad } from '../ui.js';

export function FunctionsList() {
  const { data, error } = useLoad(() => api('GET', 'functions'), []);
  return (
    <>
      <h1 tabIndex={-1}>Functions</h1>
      <ErrorBox error={error} />
      {!data ? <Loading what="functions" /> : data.functions.length === 0 ? (
        <p>No functions yet. Create one with <code>aws lambda create-function --endpoint-url http://localhost:4566 …</code></p>
      ) : (
        <table class="list">
          <caption class="sr-only">Lambda functions</caption>
          <thead>
            <tr><th scope="col">Name</th><th scope="col">Runtime</th><th scope="col">Memory</th><th scope="col">Timeout</th><th scope="col">Code size</th><th scope="col">Last modified</th></tr>
          </thead>
          <tbody>
            {data.functions.map((f: any) => (
              <tr>
                <td><a href={`#/functions/${enc(f.FunctionName)}`}>{f.FunctionName}</a></td>
                <td>{f.Runtime}</td><td>{f.MemorySize} MB</td><td>{f.Timeout} s</td><td>{bytes(f.CodeSize)}</td><td>{f.LastModified}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

const TABS = ['Test', 'Monitoring', 'Logs', 'Configuration', 'Versions and aliases', 'Code'];

export function FunctionPage({ name }: { name: string }) {
  const [tab, setTab] = useState('Test');
  const { data, error } = useLoad(() => api('GET', `functions/${enc(name)}`), [name]);
  return (
    <>
      <p class="crumbs"><a href="#/functions">Functions</a> /</p>
      <h1 tabIndex={-1}>{name}</h1>
      <ErrorBox error={error} />
      {data ? <p class="muted">{data.configuration.Runtime} · {data.configuration.MemorySize} MB · timeout {data.configuration.Timeout} s · {data.configuration.Architectures.join(', ')}{data.reservedConcurrency !== null ? ` · reserved concurrency ${data.reservedConcurrency}` : ''}</p> : null}
      <Tabs tabs={TABS} current={tab} onSelect={setTab} label="Function views" />
      <div role="tabpanel" aria-label={tab}>
        {tab === 'Test' && <TestPanel name={name} aliases={data?.aliases ?? []} versions={data?.versions ?? []} />}
        {tab === 'Monitoring' && <Monitoring name={name} />}
        {tab === 'Logs' && <LogTail name={name} />}
        {tab === 'Configuration' && data && <Configuration config={data.configuration} tags={data.tags} />}
        {tab === 'Versions and aliases' && data && <Versions versions={data.versions} aliases={data.aliases} />}
        {tab === 'Code' && <Code name={name} versions={data?.versions ?? []} />}
      </div>
    </>
  );
}

function TestPanel({ name, aliases, versions }: { name: string; aliases: any[]; versions: any[] }) {
  const events = useLoad(() => api('GET', `functions/${enc(name)}/events`), [name]);
  const [payload, setPayload] = useState('{\n  "key": "value"\n}');
  const [eventName, setEventName] = useState('');
  const [qualifier, setQualifier] = useState('');
  const [result, setResult] = useState<any>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const invoke = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api('POST', `functions/${enc(name)}/invoke`, { payload, ...(qualifier ? { qualifier } : {}) }));
    } catch (e) {
      setResult(undefined);
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const save = async () => {
    setError(undefined);
    try {
      await api('PUT', `functions/${enc(name)}/events/${enc(eventName)}`, { payload });
      events.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  const remove = async () => {
    setError(undefined);
    try {
      await api('DELETE', `functions/${enc(name)}/events/${enc(eventName)}`);
      setEventName('');
      events.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  const pick = (n: string) => {
    const ev = events.data?.events.find((e: any) => e.name === n);
    setEventName(n);
    if (ev) setPayload(pretty(ev.payload));
  };

  return (
    <div class="split">
      <Section title="Test event">
        <div class="form-row">
          <label for="saved">Saved events</label>
          <select id="saved" value={eventName} onChange={(e) => pick((e.target as HTMLSelectElement).value)}>
            <option value="">— choose a saved event —</option>
            {(events.data?.events ?? []).map((e: any) => <option value={e.name}>{e.name}</option>)}
          </select>
        </div>
        <div class="form-row">
          <label for="qualifier">Version or alias</label>
          <select id="qualifier" value={qualifier} onChange={(e) => setQualifier((e.target as HTMLSelectElement).value)}>
            <option value="">$LATEST</option>
            {versions.filter((v) => v.Version !== '$LATEST').map((v) => <option value={v.Version}>Version {v.Version}</option>)}
            {aliases.map((a) => <option value={a.Name}>Alias {a.Name}</option>)}
          </select>
        </div>
        <label for="payload">Event JSON</label>
        <textarea id="payload" rows={10} spellcheck={false} value={payload} onInput={(e) => setPayload((e.target as HTMLTextAreaElement).value)} />
        <div class="form-row">
          <label for="event-name">Event name</label>
          <input id="event-name" value={eventName} maxLength={25} onInput={(e) => setEventName((e.target as HTMLInputElement).value)} />
          <button type="button" onClick={save} disabled={!eventName}>Save event</button>
          <button type="button" onClick={remove} disabled={!eventName || !events.data?.events.some((e: any) => e.name === eventName)}>Delete event</button>
        </div>
        <button type="button" class="primary" onClick={invoke} disabled={busy}>{busy ? 'Invoking…' : 'Invoke'}</button>
        <ErrorBox error={error} />
      </Section>
      <Section title="Result">
        {!result ? <p class="muted">Invoke the function to see its result and logs here.</p> : (
          <div aria-live="polite">
            <p class={result.functionError ? 'status failed' : 'status succeeded'}>
              {result.functionError ? `Failed (${result.functionError})` : 'Succeeded'} · status {result.statusCode}
              {result.executedVersion ? ` · version ${result.executedVersion}` : ''}
              {result.report ? ` · ${result.report.durationMs} ms, billed ${result.report.billedMs} ms, ${result.report.memoryMb} MB` : ''}
            </p>
            <h3>Response</h3>
            <Json value={result.payload} label="Response payload" />
            <h3>Log output</h3>
            <pre class="logs" tabIndex={0} aria-label="Log output">{result.logs}</pre>
          </div>
        )}
      </Section>
    </div>
  );
}

function Configuration({ config, tags }: { config: any; tags: Record<string, string> }) {
  const rows: Array<[string, string]> = [
    ['ARN', config.FunctionArn], ['Runtime', config.Runtime], ['Handler', config.Handler], ['Role', config.Role],
    ['Description', config.Description || '—'], ['Memory', `${config.MemorySize} MB`], ['Timeout', `${config.Timeout} s`],
    ['Ephemeral storage', `${config.EphemeralStorage.Size} MB`], ['Architectures', config.Architectures.join(', ')],
    ['Code SHA-256', config.CodeSha256], ['Code size', bytes(config.CodeSize)], ['Log group', config.LoggingConfig.LogGroup],
    ['Log format', config.LoggingConfig.LogFormat], ['Tracing', config.TracingConfig.Mode], ['State', config.State],
    ['Last modified', config.LastModified], ['Revision', config.RevisionId],
  ];
  const env = Object.entries(config.Environment?.Variables ?? {});
  return (
    <>
      <Section title="General configuration">
        <dl class="props">{rows.map(([k, v]) => <><dt>{k}</dt><dd>{v}</dd></>)}</dl>
      </Section>
      <Section title="Environment variables">
        {env.length === 0 ? <p class="muted">None.</p> : (
          <table class="list"><thead><tr><th scope="col">Key</th><th scope="col">Value</th></tr></thead>
            <tbody>{env.map(([k, v]) => <tr><td>{k}</td><td><code>{String(v)}</code></td></tr>)}</tbody></table>
        )}
      </Section>
      <Section title="Tags">
        {Object.keys(tags).length === 0 ? <p class="muted">None.</p> : (
          <dl class="props">{Object.entries(tags).map(([k, v]) => <><dt>{k}</dt><dd>{v}</dd></>)}</dl>
        )}
      </Section>
    </>
  );
}

function Versions({ versions, aliases }: { versions: any[]; aliases: any[] }) {
  return (
    <>
      <Section title="Aliases">
        {aliases.length === 0 ? <p class="muted">No aliases.</p> : (
          <table class="list">
            <thead><tr><th scope="col">Alias</th><th scope="col">Traffic</th><th scope="col">Description</th></tr></thead>
            <tbody>
              {aliases.map((a) => (
                <tr>
                  <td>{a.Name}</td>
                  <td>
                    <div class="weights" role="img" aria-label={a.Weights.map((w: any) => `version ${w.version} ${Math.round(w.weight * 1000) / 10}%`).join(', ')}>
                      {a.Weights.map((w: any, i: number) => (
                        <span class={`w w${i}`} style={{ flexGrow: Math.max(w.weight, 0.0001) }}>v{w.version} · {Math.round(w.weight * 1000) / 10}%</span>
                      ))}
                    </div>
                  </td>
                  <td>{a.Description || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title="Versions">
        <table class="list">
          <thead><tr><th scope="col">Version</th><th scope="col">Description</th><th scope="col">Code SHA-256</th><th scope="col">Last modified</th></tr></thead>
          <tbody>{versions.map((v) => <tr><td>{v.Version}</td><td>{v.Description || '—'}</td><td><code>{v.CodeSha256.slice(0, 16)}…</code></td><td>{v.LastModified}</td></tr>)}</tbody>
        </table>
      </Section>
    </>
  );
}

function Code({ name, versions }: { name: string; versions: any[] }) {
  const [qualifier, setQualifier] = useState('$LATEST');
  const { data, error } = useLoad(() => api('GET', `functions/${enc(name)}/code?qualifier=${enc(qualifier)}`), [name, qualifier]);
  const [file, setFile] = useState<string>();
  const shown = data?.files.find((f: any) => f.path === file) ?? data?.files.find((f: any) => data.handler && f.path.startsWith(data.handler.split('.')[0])) ?? data?.files[0];
  return (
    <Section title="Code" actions={
      <>
        <label for="code-version">Version</label>
        <select id="code-version" value={qualifier} onChange={(e) => setQualifier((e.target as HTMLSelectElement).value)}>
          {versions.map((v) => <option value={v.Version}>{v.Version}</option>)}
        </select>
      </>
    }>
      <ErrorBox error={error} />
      {!data ? <Loading what="code" /> : (
        <div class="code">
          <ul class="files" aria-label="Files">
            {data.files.map((f: any) => (
              <li><button type="button" aria-current={shown?.path === f.path ? 'true' : undefined} onClick={() => setFile(f.path)}>{f.path} <span class="muted">{bytes(f.size)}</span></button></li>
            ))}
          </ul>
          <div class="source">
            {shown ? (shown.text !== undefined ? <pre tabIndex={0} aria-label={`Source of ${shown.path}`}>{shown.text}</pre> : <p class="muted">{shown.binary ? 'Binary file' : 'File too large to show'} ({bytes(shown.size)}).</p>) : <p class="muted">Empty package.</p>}
          </div>
        </div>
      )}
    </Section>
  );
}

interface LogEvent { eventId: string; timestamp: number; message: string; logStreamName: string }

function LogTail({ name }: { name: string }) {
  const [live, setLive] = useState(true);
  const [events, setEvents] = useState<LogEvent[]>([]);
  const [error, setError] = useState<Error>();
  const since = useRef(Date.now() - 15 * 60_000);
  const seen = useRef(new Map<string, number>());
  const box = useRef<HTMLPreElement>(null);
  useEffect(() => {
    if (!live) return undefined;
    let stop = false;
    const poll = async () => {
      try {
        const r = await api('GET', `functions/${enc(name)}/logs?since=${since.current}`);
        const fresh = (r.events as LogEvent[]).filter((e) => !seen.current.has(e.eventId));
        for (const e of fresh) {
          seen.current.set(e.eventId, e.timestamp);
          since.current = Math.max(since.current, e.timestamp);
        }
        // Only events at the newest timestamp can come back in the next poll: forget the rest.
        for (const [id, ts] of seen.current) if (ts < since.current) seen.current.delete(id);
        if (fresh.length && !stop) setEvents((old) => [...old, ...fresh].slice(-1000));
        setError(undefined);
      } catch (e) {
        setError(e as Error);
      }
    };
    void poll();
    const t = setInterval(poll, 1000);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, [name, live]);
  useEffect(() => {
    if (box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [events]);
  return (
    <Section title="Live log tail" actions={
      <>
        <button type="button" aria-pressed={live} onClick={() => setLive(!live)}>{live ? 'Pause' : 'Resume'}</button>
        <button type="button" onClick={() => setEvents([])}>Clear</button>
      </>
    }>
      <p class="muted">{live ? 'Following' : 'Paused'} /aws/lambda/{name} (last 15 minutes, then new events as they arrive).</p>
      <ErrorBox error={error} />
      <pre class="logs tail" ref={box} tabIndex={0} aria-label="Log events" aria-live="polite">
        {events.length === 0 ? 'No log events yet.' : events.map((e) => `${time(e.timestamp)}  ${e.message.replace(/\n$/, '')}\n`).join('')}
      </pre>
    </Section>
  );
}

const RANGES: Array<[number, string]> = [[60, 'Last hour'], [180, 'Last 3 hours'], [1440, 'Last 24 hours']];

function Monitoring({ name }: { name: string }) {
  const [minutes, setMinutes] = useState(60);
  const { data, error } = useLoad(() => api('GET', `functions/${enc(name)}/metrics?minutes=${minutes}`), [name, minutes], 10_000);
  const cost = useLoad(() => api('GET', `functions/${enc(name)}/cost`), [name], 30_000);
  const charts = useMemo(() => {
    if (!data) return undefined;
    const times: number[] = [];
    for (let t = data.start; t < data.end; t += data.period * 1000) times.push(t);
    const at = (metric: string, pick: (p: any) => number | undefined) => {
      const map = new Map<number, any>(data.series[metric].map((p: any) => [p.t, p]));
      return times.map((t) => {
        const p = map.get(t);
        const v = p ? pick(p) : undefined;
        return v === undefined ? null : Math.round(v * 100) / 100;
      });
    };
    const counts = (metric: string, color: string): Series => ({ label: metric, color, values: at(metric, (p) => p.sum).map((v) => v ?? 0) });
    return {
      times,
      invocations: [counts('Invocations', '#2563eb'), counts('Errors', '#dc2626')],
      throttles: [counts('Throttles', '#d97706')],
      duration: [
        { label: 'p50', color: '#2563eb', values: at('Duration', (p) => p.p50) },
        { label: 'p99', color: '#7c3aed', values: at('Duration', (p) => p.p99) },
      ],
      concurrency: [{ label: 'ConcurrentExecutions (max)', color: '#0d9488', values: at('ConcurrentExecutions', (p) => p.max) }],
    };
  }, [data]);
  return (
    <>
      <Section title="Metrics (AWS/Lambda, FunctionName)" actions={
        <>
          <label for="range">Range</label>
          <select id="range" value={minutes} onChange={(e) => setMinutes(Number((e.target as HTMLSelectElement).value))}>
            {RANGES.map(([m, l]) => <option value={m}>{l}</option>)}
          </select>
        </>
      }>
        <ErrorBox error={error} />
        {!charts ? <Loading what="metrics" /> : (
          <div class="charts">
            <Chart title="Invocations and errors" times={charts.times} series={charts.invocations} unit="count" />
            <Chart title="Throttles" times={charts.times} series={charts.throttles} unit="count" />
            <Chart title="Duration p50 / p99" times={charts.times} series={charts.duration} unit="ms" summary="max" />
            <Chart title="Concurrent executions" times={charts.times} series={charts.concurrency} unit="count" summary="max" />
          </div>
        )}
      </Section>
      <Section title="Cost this month (as AWS would bill it)">
        <ErrorBox error={cost.error} />
        {cost.data ? <CostTable cost={cost.data} /> : <Loading what="cost" />}
      </Section>
    </>
  );
}

const usd = (n: number) => (n > 0 && n < 0.01 ? `$${n.toPrecision(2)}` : `$${n.toFixed(2)}`);

function CostTable({ cost }: { cost: any }) {
  const a = cost.account;
  return (
    <>
      <dl class="props">
        <dt>This function</dt>
        <dd>{cost.function.requests.toLocaleString()} requests · {cost.function.gbSeconds.toFixed(3)} GB-seconds · {usd(cost.function.grossCost)} before the free tier</dd>
        <dt>Account, month to date</dt>
        <dd>{a.requests.toLocaleString()} requests ({a.freeRequests.toLocaleString()} of 1,000,000 free) · {a.gbSeconds.toFixed(3)} GB-seconds ({a.freeGbSeconds.toFixed(3)} of 400,000 free)</dd>
        <dt>Bill</dt>
        <dd><strong>{usd(a.total)}</strong> = requests {usd(a.requestCost)} + duration {usd(a.durationCost)}</dd>
      </dl>
      <p class="muted">$0.20 per million requests; $0.0000166667 per GB-second on x86_64 ($0.0000133334 on arm64), lower past 6 (7.5) billion GB-seconds. Billed duration includes the INIT phase of cold starts, as AWS bills it since August 2025. Since {time(cost.since)}.</p>
    </>
  );
}

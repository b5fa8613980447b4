// APIs (REST, v1): the list with API keys and usage plans (and this month's usage); one API's
// resources and methods, stages with deployments and canary, and a request tester that goes
// through the real data plane (keys, throttles and quotas apply).
import { useState } from 'preact/hooks';
import { api, enc } from '../api.js';
import { ErrorBox, Json, Loading, Section, time, useLoad } from '../ui.js';

export function ApisList() {
  const { data, error } = useLoad(() => api('GET', 'apis'), []);
  const usage = useLoad(() => api('GET', 'usage'), [], 10_000);
  return (
    <>
      <h1 tabIndex={-1}>APIs</h1>
      <ErrorBox error={error} />
      {!data ? <Loading what="APIs" /> : data.apis.length === 0 ? <p>No REST APIs yet.</p> : (
        <table class="list">
          <thead><tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">Description</th><th scope="col">Created</th></tr></thead>
          <tbody>{data.apis.map((a: any) => <tr><td><a href={`#/apis/${enc(a.id)}`}>{a.name}</a></td><td><code>{a.id}</code></td><td>{a.description ?? '—'}</td><td>{time(a.createdDate * (a.createdDate < 1e12 ? 1000 : 1))}</td></tr>)}</tbody>
        </table>
      )}
      <Section title="Usage plans and API keys">
        <ErrorBox error={usage.error} />
        {!usage.data ? <Loading what="usage plans" /> : <UsagePlans data={usage.data} />}
      </Section>
    </>
  );
}

function UsagePlans({ data }: { data: any }) {
  const keyName = (id: string) => data.apiKeys.find((k: any) => k.id === id)?.name ?? id;
  return (
    <>
      {data.usagePlans.length === 0 ? <p class="muted">No usage plans.</p> : data.usagePlans.map((plan: any) => {
        const u = data.usage.find((x: any) => x.usagePlanId === plan.id);
        return (
          <div class="plan">
            <h3>{plan.name} <span class="muted">({plan.id})</span></h3>
            <p class="muted">
              Throttle {plan.throttle ? `${plan.throttle.rateLimit} req/s, burst ${plan.throttle.burstLimit}` : 'none'} ·
              quota {plan.quota ? `${plan.quota.limit} per ${plan.quota.period}` : 'none'} ·
              stages {(plan.apiStages ?? []).map((s: any) => `${s.apiId}/${s.stage}`).join(', ') || 'none'}
            </p>
            <table class="list">
              <thead><tr><th scope="col">API key</th><th scope="col">Requests this month</th><th scope="col">Remaining quota</th></tr></thead>
              <tbody>
                {(u?.keys ?? []).map((k: any) => {
                  const days: number[][] = u.items[k.id] ?? [];
                  const used = days.reduce((s, d) => s + (d[0] ?? 0), 0);
                  const remaining = days.length ? days[days.length - 1]![1] : plan.quota?.limit;
                  return <tr><td>{keyName(k.id)}</td><td data-usage-key={k.id}>{used}</td><td>{remaining ?? '—'}</td></tr>;
                })}
              </tbody>
            </table>
          </div>
        );
      })}
      <h3>API keys</h3>
      {data.apiKeys.length === 0 ? <p class="muted">No API keys.</p> : (
        <table class="list">
          <thead><tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">Enabled</th><th scope="col">Created</th></tr></thead>
          <tbody>{data.apiKeys.map((k: any) => <tr><td>{k.name}</td><td><code>{k.id}</code></td><td>{k.enabled ? 'yes' : 'no'}</td><td>{time(k.createdDate * (k.createdDate < 1e12 ? 1000 : 1))}</td></tr>)}</tbody>
        </table>
      )}
    </>
  );
}

export function ApiPage({ id }: { id: string }) {
  const { data, error } = useLoad(() => api('GET', `apis/${enc(id)}`), [id]);
  return (
    <>
      <p class="crumbs"><a href="#/apis">APIs</a> /</p>
      <h1 tabIndex={-1}>{data?.api.name ?? id}</h1>
      <ErrorBox error={error} />
      {!data ? <Loading what="API" /> : (
        <>
          <div class="split">
            <Section title="Resources and methods">
              <ul class="resources">
                {data.resources.map((r: any) => (
                  <li>
                    <code class="path">{r.path}</code>
                    {Object.values(r.resourceMethods ?? {}).map((m: any) => (
                      <span class="method" title={`${m.authorizationType}${m.apiKeyRequired ? ', API key required' : ''}`}>
                        <strong>{m.httpMethod}</strong> {m.methodIntegration?.type ?? 'no integration'}{m.apiKeyRequired ? ' · key' : ''}{m.authorizationType !== 'NONE' ? ` · ${m.authorizationType}` : ''}
                      </span>
                    ))}
                  </li>
                ))}
              </ul>
            </Section>
            <Tester id={id} stages={data.stages} resources={data.resources} />
          </div>
          <Section title="Stages">
            {data.stages.length === 0 ? <p class="muted">No stages: deploy the API to a stage.</p> : (
              <table class="list">
                <thead><tr><th scope="col">Stage</th><th scope="col">Deployment</th><th scope="col">Canary</th><th scope="col">Throttling</th><th scope="col">Variables</th></tr></thead>
                <tbody>
                  {data.stages.map((s: any) => {
                    const dep = data.deployments.find((d: any) => d.id === s.deploymentId);
                    const throttles = Object.entries(s.methodSettings ?? {})
                      .filter(([, m]: [string, any]) => m.throttlingRateLimit !== undefined)
                      .map(([k, m]: [string, any]) => `${k === '*/*' ? 'all methods' : '/' + k.replace(/~1/g, '/')}: ${m.throttlingRateLimit} req/s, burst ${m.throttlingBurstLimit}`);
                    return (
                      <tr>
                        <td>{s.stageName}</td>
                        <td><code>{s.deploymentId}</code> {dep?.description ? <span class="muted">{dep.description}</span> : null}</td>
                        <td>{s.canarySettings ? `${s.canarySettings.percentTraffic ?? 0}% → ${s.canarySettings.deploymentId}` : '—'}</td>
                        <td>{throttles.length ? throttles.join('; ') : 'account default'}</td>
                        <td>{Object.entries(s.variables ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || '—'}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </Section>
          <Section title="Deployments">
            <table class="list">
              <thead><tr><th scope="col">Id</th><th scope="col">Description</th><th scope="col">Created</th></tr></thead>
              <tbody>{data.deployments.map((d: any) => <tr><td><code>{d.id}</code></td><td>{d.description ?? '—'}</td><td>{time(d.createdDate * (d.createdDate < 1e12 ? 1000 : 1))}</td></tr>)}</tbody>
            </table>
          </Section>
        </>
      )}
    </>
  );
}

function Tester({ id, stages, resources }: { id: string; stages: any[]; resources: any[] }) {
  const [stage, setStage] = useState(stages[0]?.stageName ?? '');
  const [method, setMethod] = useState('GET');
  const firstPath = resources.find((r: any) => r.resourceMethods)?.path ?? '/';
  const [path, setPath] = useState(firstPath);
  const [apiKey, setApiKey] = useState('');
  const [body, setBody] = useState('');
  const [result, setResult] = useState<any>();
  const [history, setHistory] = useState<number[]>([]);
  const [error, setError] = useState<Error>();
  const send = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const r = await api('POST', `apis/${enc(id)}/test`, {
        stage, method, path, headers: apiKey ? { 'x-api-key': apiKey } : {}, ...(body && method !== 'GET' ? { body } : {}),
      });
      setResult(r);
      setHistory((h) => [...h, r.status]);
    } catch (err) {
      setError(err as Error);
    }
  };
  const throttled = history.filter((s) => s === 429).length;
  return (
    <form class="card" onSubmit={send} aria-label="Request tester">
      <h2>Request tester</h2>
      <div class="form-row">
        <label for="t-stage">Stage</label>
        <select id="t-stage" value={stage} onChange={(e) => setStage((e.target as HTMLSelectElement).value)}>
          {stages.map((s: any) => <option value={s.stageName}>{s.stageName}</option>)}
        </select>
        <label for="t-method">Method</label>
        <select id="t-method" value={method} onChange={(e) => setMethod((e.target as HTMLSelectElement).value)}>
          {['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].map((m) => <option>{m}</option>)}
        </select>
      </div>
      <label for="t-path">Path and query</label>
      <input id="t-path" value={path} onInput={(e) => setPath((e.target as HTMLInputElement).value)} />
      <label for="t-key">API key (x-api-key)</label>
      <input id="t-key" value={apiKey} onInput={(e) => setApiKey((e.target as HTMLInputElement).value)} />
      {method !== 'GET' && method !== 'HEAD' ? (
        <>
          <label for="t-body">Body</label>
          <textarea id="t-body" rows={4} value={body} onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)} />
        </>
      ) : null}
      <button type="submit" class="primary" disabled={!stage}>Send request</button>
      <ErrorBox error={error} />
      {history.length ? (
        <p class="counts" aria-live="polite">
          Sent {history.length} · <span data-count="ok">{history.filter((s) => s < 400).length} OK</span> ·{' '}
          <span data-count="throttled" class={throttled ? 'status failed' : ''}>{throttled} throttled (429)</span> ·{' '}
          {history.filter((s) => s >= 400 && s !== 429).length} other errors
        </p>
      ) : null}
      {result ? (
        <div>
          <p class={result.status < 400 ? 'status succeeded' : 'status failed'}>HTTP {result.status} · {result.latencyMs} ms</p>
          <details><summary>Response headers</summary><pre class="json">{Object.entries(result.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}</pre></details>
          <Json value={result.body} label="Response body" />
        </div>
      ) : null}
    </form>
  );
}

// Logs: one filter pattern (CloudWatch syntax) across chosen log groups, newest first.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorBox, Loading, time, useLoad } from '../ui.js';

const SPANS: Array<[number, string]> = [[15, 'Last 15 minutes'], [60, 'Last hour'], [1440, 'Last 24 hours'], [10080, 'Last 7 days'], [0, 'All time']];

export function LogsPage() {
  const groups = useLoad(() => api('GET', 'logs/groups'), []);
  const [pattern, setPattern] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [span, setSpan] = useState(60);
  const [result, setResult] = useState<any>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const search = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api('POST', 'logs/search', {
        filterPattern: pattern,
        logGroupNames: chosen,
        ...(span ? { startTime: Date.now() - span * 60_000 } : {}),
        limit: 500,
      }));
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  };
  const toggle = (g: string) => setChosen((c) => (c.includes(g) ? c.filter((x) => x !== g) : [...c, g]));

  return (
    <>
      <h1 tabIndex={-1}>Logs</h1>
      <form class="card search" onSubmit={search} role="search" aria-label="Search log events">
        <div class="form-row">
          <label for="pattern">Filter pattern</label>
          <input id="pattern" type="search" value={pattern} placeholder='e.g. ERROR, "exact phrase", { $.level = "error" }' onInput={(e) => setPattern((e.target as HTMLInputElement).value)} />
          <label for="span">Time</label>
          <select id="span" value={span} onChange={(e) => setSpan(Number((e.target as HTMLSelectElement).value))}>
            {SPANS.map(([m, l]) => <option value={m}>{l}</option>)}
          </select>
          <button type="submit" class="primary" disabled={busy}>{busy ? 'Searching…' : 'Search'}</button>
        </div>
        <fieldset>
          <legend>Log groups (none chosen: all)</legend>
          <ErrorBox error={groups.error} />
          {!groups.data ? <Loading what="log groups" /> : groups.data.logGroups.length === 0 ? <p class="muted">No log groups yet.</p> : (
            <div class="checks">
              {groups.data.logGroups.map((g: any) => (
                <label class="check"><input type="checkbox" checked={chosen.includes(g.logGroupName)} onChange={() => toggle(g.logGroupName)} /> {g.logGroupName}</label>
              ))}
            </div>
          )}
        </fieldset>
      </form>
      <ErrorBox error={error} />
      {result ? (
        <section class="card" aria-label="Search results">
          <p aria-live="polite">{result.events.length} event(s) in {result.searchedLogGroups.length} group(s){result.truncated ? ' — more matched; narrow the search' : ''}.</p>
          <table class="list logs-table">
            <thead><tr><th scope="col">Time</th><th scope="col">Log group</th><th scope="col">Stream</th><th scope="col">Message</th></tr></thead>
            <tbody>
              {result.events.map((e: any) => (
                <tr><td class="nowrap">{time(e.timestamp)}</td><td>{e.logGroupName}</td><td class="stream">{e.logStreamName}</td><td><pre class="msg">{e.message}</pre></td></tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  );
}

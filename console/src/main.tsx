// The console's shell: navigation and hash routes (#/functions/name, #/states/arn, …), so every
// page has a real URL and the server only serves one entry page.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './style.css';
import { FunctionsList, FunctionPage } from './pages/functions.js';
import { LogsPage } from './pages/logs.js';
import { StateMachinesList, StateMachinePage, ExecutionPage } from './pages/states.js';
import { ApisList, ApiPage } from './pages/apis.js';

function useHash(): string[] {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [parts, setParts] = useState(read);
  useEffect(() => {
    const on = () => setParts(read());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return parts;
}

const NAV: Array<[string, string]> = [
  ['functions', 'Functions'],
  ['states', 'State machines'],
  ['apis', 'APIs'],
  ['logs', 'Logs'],
];

function App() {
  const [first, a, b] = useHash();
  const section = first || 'functions';
  useEffect(() => {
    const title = NAV.find(([k]) => k === section)?.[1] ?? 'Nimbus';
    document.title = `${a ? a.split(':').pop() + ' · ' : ''}${title} · Nimbus console`;
    // Move focus to the page heading on navigation, so keyboard and screen-reader users land on it.
    requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
  }, [section, a, b]);
  let page;
  if (section === 'functions') page = a ? <FunctionPage name={a} /> : <FunctionsList />;
  else if (section === 'states') page = a ? <StateMachinePage arn={a} /> : <StateMachinesList />;
  else if (section === 'executions' && a) page = <ExecutionPage arn={a} />;
  else if (section === 'apis') page = a ? <ApiPage id={a} /> : <ApisList />;
  else if (section === 'logs') page = <LogsPage />;
  else page = <h1 tabIndex={-1}>Not found</h1>;
  const active = section === 'executions' ? 'states' : section;
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <header class="top">
        <span class="brand">Nimbus</span>
        <nav aria-label="Sections">
          {NAV.map(([key, label]) => (
            <a href={`#/${key}`} aria-current={key === active ? 'page' : undefined}>{label}</a>
          ))}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>{page}</main>
    </>
  );
}

const root = document.getElementById('app')!;
root.textContent = '';
render(<App />, root);

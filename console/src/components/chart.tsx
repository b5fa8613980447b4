// A time-series chart drawn with uPlot. Each chart also has a text summary and a data table
// (in a <details>), so its numbers are readable without seeing the canvas.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  color: string;
  values: Array<number | null>;
}

export function Chart({ title, times, series, unit, summary = 'sum' }: { title: string; times: number[]; series: Series[]; unit: string; summary?: 'sum' | 'max' }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const width = Math.max(280, el.clientWidth || 420);
    const plot = new uPlot(
      {
        width,
        height: 180,
        legend: { show: true },
        scales: { x: { time: true }, y: { range: (_u, min, max) => [0, Math.max(1, max ?? 0, min ?? 0)] } },
        axes: [{}, { label: unit, size: 50 }],
        series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: true, size: 4 }, spanGaps: false }))],
      },
      [times.map((t) => t / 1000), ...series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    return () => plot.destroy();
  }, [times, series, unit]);
  const totals = series.map((s) => {
    const vals = s.values.filter((v): v is number => v !== null);
    if (!vals.length) return `${s.label}: no data`;
    return summary === 'max' ? `${s.label}: ${Math.max(...vals)}${unit === 'ms' ? ' ms' : ''} max` : `${s.label}: ${vals.reduce((a, b) => a + b, 0)} total`;
  });
  return (
    <figure class="chart" aria-label={title}>
      <figcaption>
        <strong>{title}</strong> <span class="muted">{totals.join(' · ')}</span>
      </figcaption>
      <div ref={box} class="chart-canvas" aria-hidden="true" />
      <details>
        <summary>Data table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Time</th>
              {series.map((s) => <th scope="col">{s.label}</th>)}
            </tr>
          </thead>
          <tbody>
            {times.map((t, i) => (
              <tr>
                <td>{new Date(t).toISOString().slice(11, 16)}</td>
                {series.map((s) => <td>{s.values[i] ?? '—'}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

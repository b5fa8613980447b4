// The state machine drawn as a flow diagram: the ASL graph (src/console/shared/asl-graph.ts) laid
// out by dagre as a compound graph (boxes for Parallel branches and Map iterators), drawn in SVG.
// With an execution, every state is coloured by what it did; each state is a focusable button.
import { useMemo } from 'preact/hooks';
import dagre from '@dagrejs/dagre';
import { buildStateGraph, type GraphNode } from '../../../src/console/shared/asl-graph.js';
import type { StateRun } from '../../../src/console/shared/execution-view.js';
import { squeeze } from '../../../src/console/shared/squeeze.js';

interface Placed { x: number; y: number; width: number; height: number }

function size(n: GraphNode): { width: number; height: number } {
  if (n.type === 'Join') return { width: 14, height: 14 };
  if (n.type === 'Start' || n.type === 'End') return { width: 64, height: 28 };
  return { width: Math.max(120, n.label.length * 7.5 + 28), height: 44 };
}

export function Diagram({ definition, runs, selected, onSelect }: {
  definition: unknown;
  runs?: Record<string, StateRun>;
  selected?: string;
  onSelect?: (state: string) => void;
}) {
  const layout = useMemo(() => {
    const graph = buildStateGraph(definition);
    const g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
    g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 42, edgesep: 12, marginx: 16, marginy: 16 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const grp of graph.groups) g.setNode(grp.id, { label: grp.label });
    for (const grp of graph.groups) if (grp.parent) g.setParent(grp.id, grp.parent);
    for (const n of graph.nodes) {
      g.setNode(n.id, { ...size(n) });
      if (n.parent) g.setParent(n.id, n.parent);
    }
    graph.edges.forEach((e, i) => {
      const label = e.label ?? '';
      // Heavier fork edges pull each branch's first state up under its Parallel/Map.
      const weight = e.kind === 'branch' ? 4 : 1;
      g.setEdge(e.from, e.to, label ? { label, width: Math.min(48, label.length) * 6.2 + 8, height: 16, labelpos: 'c', weight } : { weight }, `e${i}`);
    });
    dagre.layout(g);
    const info = g.graph() as { width?: number; height?: number };
    const node = (id: string) => g.node(id) as unknown as Placed;
    const edge = (i: number) =>
      g.edge({ v: graph.edges[i]!.from, w: graph.edges[i]!.to, name: `e${i}` }) as unknown as { points: Array<{ x: number; y: number }>; x?: number; y?: number };
    // dagre's compound layout leaves many empty ranks between levels (its nesting graph multiplies
    // ranks); squeeze every empty vertical gap down to GAP with one monotone map of y.
    const spans: Array<[number, number]> = [];
    for (const n of graph.nodes) {
      const p = node(n.id);
      spans.push([p.y - p.height / 2, p.y + p.height / 2]);
    }
    for (const grp of graph.groups) {
      const p = node(grp.id);
      spans.push([p.y - p.height / 2, p.y - p.height / 2 + 20], [p.y + p.height / 2 - 4, p.y + p.height / 2]);
    }
    graph.edges.forEach((_e, i) => {
      const d = edge(i);
      if (d.y !== undefined && graph.edges[i]!.label) spans.push([d.y - 9, d.y + 9]);
    });
    const mapY = squeeze(spans, 30);
    for (const n of [...graph.nodes, ...graph.groups]) {
      const p = node(n.id);
      const top = mapY(p.y - p.height / 2);
      const bottom = mapY(p.y + p.height / 2);
      p.y = (top + bottom) / 2;
      p.height = bottom - top;
    }
    graph.edges.forEach((_e, i) => {
      const d = edge(i);
      for (const pt of d.points ?? []) pt.y = mapY(pt.y);
      if (d.y !== undefined) d.y = mapY(d.y);
    });
    return {
      graph,
      width: (info.width ?? 200) + 16,
      height: mapY(info.height ?? 200) + 16,
      node,
      edge,
    };
  }, [definition]);

  const { graph } = layout;
  return (
    <div class="diagram" role="group" aria-label="State machine diagram">
      <svg width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#64748b" />
          </marker>
        </defs>
        {graph.groups.map((grp) => {
          const p = layout.node(grp.id);
          const nested = !!grp.parent;
          return (
            <g class={nested ? 'group branch' : 'group'}>
              <rect x={p.x - p.width / 2} y={p.y - p.height / 2} width={p.width} height={p.height} rx={8} />
              <text x={p.x - p.width / 2 + 8} y={p.y - p.height / 2 + 13}>{grp.label}</text>
            </g>
          );
        })}
        {graph.edges.map((e, i) => {
          const d = layout.edge(i);
          if (!d?.points?.length) return null;
          const path = d.points.map((pt, j) => `${j ? 'L' : 'M'}${pt.x.toFixed(1)},${pt.y.toFixed(1)}`).join(' ');
          return (
            <g class={`edge ${e.kind}`}>
              <path d={path} marker-end="url(#arrow)" />
              {e.label && d.x !== undefined && d.y !== undefined ? (
                <text x={d.x} y={d.y + 4} text-anchor="middle">{e.label}</text>
              ) : null}
            </g>
          );
        })}
        {graph.nodes.map((n) => {
          const p = layout.node(n.id);
          if (n.type === 'Join') return <circle class="join" cx={p.x} cy={p.y} r={6} />;
          if (n.type === 'Start' || n.type === 'End') {
            return (
              <g class="marker">
                <rect x={p.x - p.width / 2} y={p.y - p.height / 2} width={p.width} height={p.height} rx={14} />
                <text x={p.x} y={p.y + 4} text-anchor="middle">{n.label}</text>
              </g>
            );
          }
          const run = n.state ? runs?.[n.state] : undefined;
          const status = run?.status ?? (runs ? 'notrun' : 'idle');
          const label = `${n.label}, ${n.type} state${run ? `, ${status}${run.entered > 1 ? `, ran ${run.entered} times` : ''}${run.failures ? `, ${run.failures} failure(s)` : ''}` : runs ? ', not run' : ''}`;
          const select = () => n.state && onSelect?.(n.state);
          return (
            <g
              class={`state st-${status}${selected === n.state ? ' selected' : ''}`}
              data-state={n.state}
              data-status={status}
              role={onSelect ? 'button' : 'img'}
              // SVG attributes are case-sensitive: `tabIndex` would not make the node focusable.
              {...(onSelect ? { tabindex: 0 } : {})}
              aria-label={label}
              aria-pressed={onSelect ? selected === n.state : undefined}
              onClick={select}
              onKeyDown={(ev) => {
                if (ev.key === 'Enter' || ev.key === ' ') {
                  ev.preventDefault();
                  select();
                }
              }}
            >
              <title>{label}</title>
              <rect x={p.x - p.width / 2} y={p.y - p.height / 2} width={p.width} height={p.height} rx={6} />
              <text class="name" x={p.x} y={p.y - 2} text-anchor="middle">{n.label}</text>
              <text class="type" x={p.x} y={p.y + 13} text-anchor="middle">
                {n.type}{run && run.entered > 1 ? ` ×${run.entered}` : ''}{run && status !== 'succeeded' && status !== 'idle' ? ` · ${status}` : ''}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}

export function Legend() {
  const items: Array<[string, string]> = [
    ['running', 'Running'], ['succeeded', 'Succeeded'], ['failed', 'Failed'], ['retried', 'Retried, then succeeded'],
    ['caught', 'Failed and caught'], ['aborted', 'Aborted'], ['notrun', 'Not run'],
  ];
  return (
    <ul class="legend" aria-label="Legend">
      {items.map(([k, l]) => <li><span class={`swatch st-${k}`} aria-hidden="true" />{l}</li>)}
    </ul>
  );
}


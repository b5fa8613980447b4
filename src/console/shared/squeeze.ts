// Vertical compaction for the diagram: dagre's compound layout leaves empty ranks between levels.
/**
 * A monotone map of y that keeps every occupied span as it is and shrinks each empty gap between
 * spans to at most `gap` pixels (points inside a gap are interpolated).
 */
export function squeeze(spans: Array<[number, number]>, gap: number): (y: number) => number {
  const sorted = spans.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b)).sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  // Breakpoints: (old y, new y) pairs at each span's ends; linear between them.
  const olds: number[] = [0];
  const news: number[] = [0];
  let shift = 0;
  let prevEnd = 0;
  for (const [a, b] of merged) {
    const empty = a - prevEnd;
    if (empty > gap) shift += empty - gap;
    olds.push(a, b);
    news.push(a - shift, b - shift);
    prevEnd = b;
  }
  return (y: number) => {
    if (y >= olds[olds.length - 1]!) return y - shift;
    let i = 1;
    while (i < olds.length && olds[i]! < y) i++;
    const o0 = olds[i - 1]!;
    const o1 = olds[i]!;
    const n0 = news[i - 1]!;
    const n1 = news[i]!;
    return o1 === o0 ? n0 : n0 + ((y - o0) * (n1 - n0)) / (o1 - o0);
  };
}

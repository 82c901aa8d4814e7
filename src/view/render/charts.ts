/**
 * The bottom strip: small multiples over simulated time sharing one time axis, with the run's
 * actions drawn as labelled vertical rules across all of them. D3 owns every SVG inside `root`.
 */
import * as d3 from 'd3';
import type { ActionReport, SeriesRow, Strategy } from '../../bridge/engine';
import { compact, duration } from '../format';
import { serverColor } from '../palette';
import { LATENCY_WINDOW_S } from '../../content/warmup';
import type { ReconnectBins } from './livenessLogic';

export interface ChartsInput {
  series: readonly SeriesRow[];
  timeline: readonly ActionReport[];
  strategy: Strategy;
  dbCapacityPerS: number;
  brokerCapacityPerS: number;
  servers: { id: number; state: string; connections: number; handledPerS: number }[];
  nowS: number;
  /** The tiles' latency window, so legend and tile show one value for one metric. */
  recent: { p50Ms: number; p99Ms: number; count: number; windowS: number };
  /** Reconnect attempts per 100 ms over the last 10 s (push strategies; null: not drawn). */
  reconnectBins?: ReconnectBins | null;
}

interface Line {
  key: string;
  label: string;
  value: (r: SeriesRow) => number;
  cls: string;
  /** The legend's figure when it is not the last second's (null: nothing measured yet). */
  legend?: (inp: ChartsInput) => number | null;
}

interface ChartSpec {
  id: string;
  title: string;
  lines: Line[];
  log?: boolean;
  fmt: (v: number) => string;
  /** Axis tick format (defaults to fmt). */
  tick?: (v: number) => string;
  /** A horizontal reference line (capacity). */
  ref?: (inp: ChartsInput) => { value: number; label: string } | null;
  show?: (s: Strategy) => boolean;
}

const SPECS: ChartSpec[] = [
  {
    id: 'latency',
    title: 'Latency',
    log: true,
    fmt: (v) => duration(v),
    tick: (v) => (v >= 1000 ? `${+(v / 1000).toPrecision(3)}s` : `${+v.toPrecision(3)}ms`),
    lines: [
      {
        key: 'p50',
        label: 'p50',
        value: (r) => r.latencyP50Ms,
        cls: 'l-p50',
        legend: (inp) => (inp.recent.count > 0 ? inp.recent.p50Ms : null),
      },
      {
        key: 'p99',
        label: 'p99',
        value: (r) => r.latencyP99Ms,
        cls: 'l-p99',
        legend: (inp) => (inp.recent.count > 0 ? inp.recent.p99Ms : null),
      },
    ],
  },
  {
    id: 'db',
    title: 'DB /s',
    fmt: compact,
    lines: [
      { key: 'reads', label: 'reads', value: (r) => r.dbReads, cls: 'l-reads' },
      { key: 'writes', label: 'writes', value: (r) => r.dbWrites, cls: 'l-writes' },
    ],
    ref: (inp) => ({ value: inp.dbCapacityPerS, label: 'capacity' }),
  },
  {
    id: 'reconnects',
    title: 'Reconnects /s',
    fmt: compact,
    lines: [{ key: 'reconnects', label: 'reconnects', value: (r) => r.reconnects, cls: 'l-reconnects' }],
  },
  {
    id: 'broker',
    title: 'Broker msgs /s',
    fmt: compact,
    lines: [{ key: 'broker', label: 'routed', value: (r) => r.brokerMessages, cls: 'l-broker' }],
    ref: (inp) => ({ value: inp.brokerCapacityPerS, label: 'capacity' }),
    show: (s) => s === 'pubsub' || s === 'long-polling',
  },
];

const M = { top: 18, right: 10, bottom: 20, left: 46 };

export function createCharts(root: HTMLElement) {
  const host = d3.select(root);
  host.selectAll('*').remove();

  function frame(id: string, title: string) {
    let fig = host.select<HTMLElement>(`figure[data-chart="${id}"]`);
    if (fig.empty()) {
      fig = host.append('figure').attr('class', 'chart').attr('data-chart', id);
      fig.append('figcaption').text(title);
      const svg = fig.append('svg').attr('role', 'img').attr('aria-label', title);
      svg.append('g').attr('class', 'grid');
      svg.append('g').attr('class', 'x axis');
      svg.append('g').attr('class', 'y axis');
      svg.append('g').attr('class', 'refs');
      svg.append('g').attr('class', 'plot');
      svg.append('g').attr('class', 'rules');
    }
    return fig;
  }

  /** The svg's own box: CSS (flex: 1) sizes it, D3 only reads the result. */
  function size(fig: d3.Selection<HTMLElement, unknown, null, undefined>) {
    const r = fig.select<SVGSVGElement>('svg').node()!.getBoundingClientRect();
    return { w: Math.max(60, Math.floor(r.width)), h: Math.max(50, Math.floor(r.height)) };
  }

  function update(inp: ChartsInput) {
    const rows = inp.series;
    const t0 = rows.length ? Math.max(0, rows[0]!.tS - 1) : 0;
    const t1 = Math.max(t0 + 10, inp.nowS, rows.length ? rows[rows.length - 1]!.tS : 0);
    const specs = SPECS.filter((s) => !s.show || s.show(inp.strategy));
    // During a storm only: shown while the last 10 s hold reconnect attempts.
    const bins =
      inp.strategy !== 'polling' && inp.reconnectBins && inp.reconnectBins.total > 0
        ? inp.reconnectBins
        : null;
    host.selectAll<HTMLElement, unknown>('figure.chart').each(function () {
      const id = this.dataset.chart;
      if (id === 'reconnect-bins' && bins) return;
      if (id !== 'conns' && !specs.some((s) => s.id === id)) this.remove();
    });
    for (const spec of specs) drawSeries(spec, rows, inp, t0, t1);
    if (bins) drawReconnectBins(bins);
    drawConnections(inp);
    // Keep a stable order: time charts, then the bars.
    host.selectAll<HTMLElement, unknown>('figure.chart').sort((a, b) => order(a) - order(b));
  }

  function order(el: unknown): number {
    const id = (el as HTMLElement | undefined)?.dataset?.chart ?? '';
    const i = ['latency', 'db', 'reconnects', 'reconnect-bins', 'broker', 'conns'].indexOf(id);
    return i < 0 ? 99 : i;
  }

  function drawSeries(spec: ChartSpec, rows: readonly SeriesRow[], inp: ChartsInput, t0: number, t1: number) {
    const fig = frame(spec.id, spec.title);
    const { w, h } = size(fig);
    const svg = fig.select('svg').attr('viewBox', `0 0 ${w} ${h}`);
    const x = d3
      .scaleLinear()
      .domain([t0, t1])
      .range([M.left, w - M.right]);
    let max = 0;
    let minPos = Infinity;
    for (const r of rows)
      for (const l of spec.lines) {
        const v = l.value(r);
        if (v > max) max = v;
        if (v > 0 && v < minPos) minPos = v;
      }
    const ref = spec.ref?.(inp) ?? null;
    // Show the capacity line only when the load comes within sight of it.
    const showRef = ref && ref.value > 0 && max > ref.value * 0.2;
    if (showRef) max = Math.max(max, ref.value * 1.05);
    let y: d3.ScaleContinuousNumeric<number, number>;
    if (spec.log) {
      const lo = Number.isFinite(minPos) ? Math.max(0.01, minPos / 1.5) : 0.1;
      const hi = Math.max(lo * 10, max * 1.5);
      y = d3
        .scaleLog()
        .domain([lo, hi])
        .range([h - M.bottom, M.top])
        .clamp(true);
    } else {
      y = d3
        .scaleLinear()
        .domain([0, Math.max(1, max * 1.1)])
        .nice(4)
        .range([h - M.bottom, M.top]);
    }
    const ticksY = spec.log ? (y as d3.ScaleLogarithmic<number, number>).ticks(3) : y.ticks(3);
    const yTicks = spec.log ? thinLogTicks(ticksY) : ticksY;
    svg
      .select<SVGGElement>('g.x')
      .attr('transform', `translate(0,${h - M.bottom})`)
      .call(
        d3
          .axisBottom(x)
          .ticks(Math.max(2, Math.floor(w / 90)))
          .tickFormat((d) => `${d}s`)
          .tickSizeOuter(0),
      );
    svg
      .select<SVGGElement>('g.y')
      .attr('transform', `translate(${M.left},0)`)
      .call(
        d3
          .axisLeft(y)
          .tickValues(yTicks)
          .tickFormat((d) => (spec.tick ?? spec.fmt)(Number(d)))
          .tickSizeOuter(0),
      );
    svg
      .select('g.grid')
      .selectAll('line')
      .data(yTicks)
      .join('line')
      .attr('x1', M.left)
      .attr('x2', w - M.right)
      .attr('y1', (d) => y(d))
      .attr('y2', (d) => y(d));
    svg
      .select('g.refs')
      .selectAll<SVGGElement, { value: number; label: string }>('g.ref')
      .data(showRef && ref ? [ref] : [])
      .join((enter) => {
        const g = enter.append('g').attr('class', 'ref');
        g.append('line');
        g.append('text');
        return g;
      })
      .call((g) =>
        g
          .select('line')
          .attr('x1', M.left)
          .attr('x2', w - M.right)
          .attr('y1', (d) => y(d.value))
          .attr('y2', (d) => y(d.value)),
      )
      .call((g) =>
        g
          .select('text')
          .attr('x', w - M.right - 2)
          .attr('y', (d) => y(d.value) - 4)
          .attr('text-anchor', 'end')
          .text((d) => `${d.label} ${spec.fmt(d.value)}`),
      );
    const plot = svg.select('g.plot');
    plot
      .selectAll<SVGPathElement, Line>('path')
      .data(spec.lines, (l) => l.key)
      .join('path')
      .attr('class', (l) => `series ${l.cls}`)
      .attr('d', (l) =>
        d3
          .line<SeriesRow>()
          .defined((r) => !spec.log || l.value(r) > 0)
          .x((r) => x(r.tS))
          .y((r) => y(Math.max(spec.log ? 1e-9 : 0, l.value(r))))(rows as SeriesRow[]),
      );
    // Legend with the latest values, in the caption row, over the same window as the tiles (and
    // saying which): latency over the recent window, rates over the last whole second.
    const last = rows[rows.length - 1];
    const recent = spec.lines.some((l) => l.legend);
    fig
      .select('figcaption')
      .selectAll<HTMLSpanElement, string>('span.win')
      .data([recent ? `last ${inp.recent.windowS || LATENCY_WINDOW_S} s` : 'last 1 s'])
      .join('span')
      .attr('class', 'win')
      .text((d) => d);
    fig
      .select('figcaption')
      .selectAll<HTMLSpanElement, Line>('span.key')
      .data(spec.lines, (l) => l.key)
      .join('span')
      .attr('class', (l) => `key ${l.cls}`)
      .text((l) => {
        const v = l.legend ? l.legend(inp) : last ? l.value(last) : null;
        return `${l.label} ${v === null ? '—' : spec.fmt(v)}`;
      });
    drawRules(svg, inp.timeline, x, h, t0, t1);
  }

  function drawRules(
    svg: d3.Selection<d3.BaseType, unknown, null, undefined>,
    timeline: readonly ActionReport[],
    x: d3.ScaleLinear<number, number>,
    h: number,
    t0: number,
    t1: number,
  ) {
    const visible = timeline.filter((a) => a.atS >= t0 && a.atS <= t1);
    const g = svg
      .select('g.rules')
      .selectAll<SVGGElement, ActionReport>('g.rule')
      .data(visible, (a) => `${a.atS}-${a.action}-${a.server}`)
      .join((enter) => {
        const e = enter.append('g').attr('class', 'rule');
        e.append('line');
        e.append('text');
        return e;
      })
      .attr('transform', (a) => `translate(${x(a.atS)},0)`);
    g.select('line')
      .attr('y1', M.top - 6)
      .attr('y2', h - M.bottom);
    // Measure the labels as drawn, then stack the ones that would touch.
    const texts = g
      .select<SVGTextElement>('text')
      .attr('display', null)
      .attr('x', 3)
      .text((a) => actionLabel(a));
    const widths = texts.nodes().map((n) => (n.getComputedTextLength?.() || n.textContent!.length * 7) + 6);
    // A label that would run past the chart's right edge slides left, but never over the axis.
    const [left, right] = x.range() as [number, number];
    const dx = visible.map((a, i) => labelShift(x(a.atS), widths[i] ?? 0, left, right));
    const levels = ruleLevels(
      visible.map((a, i) => ({ x: x(a.atS) + (dx[i] ?? 0), width: widths[i] ?? 0 })),
      Math.max(1, Math.floor((h - M.top - M.bottom) / RULE_LINE_PX)),
    );
    texts
      .attr('x', (_a, i) => dx[i] ?? 3)
      .attr('y', (_a, i) => M.top + 4 + Math.max(0, levels[i] ?? 0) * RULE_LINE_PX)
      .attr('display', (_a, i) => ((levels[i] ?? 0) < 0 ? 'none' : null));
  }

  /**
   * Reconnect attempts per 100 ms over the last 10 s: a herd (everyone at once) is a spike, jitter
   * a smear. Its own time axis (a zoom on the right end of the others).
   */
  function drawReconnectBins(bins: ReconnectBins) {
    const fig = frame('reconnect-bins', 'Reconnects /100 ms');
    const { w, h } = size(fig);
    const svg = fig.select('svg').attr('viewBox', `0 0 ${w} ${h}`);
    const n = bins.counts.length;
    const end = bins.startS + n * bins.binS;
    // Early in a run the window reaches back before t = 0: start the axis at 0.
    const x = d3
      .scaleLinear()
      .domain([Math.max(0, bins.startS), end])
      .range([M.left, w - M.right]);
    const y = d3
      .scaleLinear()
      .domain([0, Math.max(1, bins.peak * 1.1)])
      .nice(3)
      .range([h - M.bottom, M.top]);
    svg
      .select<SVGGElement>('g.x')
      .attr('transform', `translate(0,${h - M.bottom})`)
      .call(
        d3
          .axisBottom(x)
          .ticks(Math.max(2, Math.floor(w / 70)))
          .tickFormat((d) => `${+Number(d).toFixed(1)}s`)
          .tickSizeOuter(0),
      );
    drawCompactY(svg, y, w);
    // Only the bins with attempts (a quiet window draws nothing but the axes).
    const filled: number[] = [];
    for (let i = 0; i < n; i++) if (bins.counts[i]! > 0) filled.push(i);
    const bw = Math.max(1, x(bins.startS + bins.binS) - x(bins.startS) - 0.5);
    svg
      .select('g.plot')
      .selectAll<SVGRectElement, number>('rect.bin')
      .data(filled)
      .join('rect')
      .attr('class', 'bin')
      .attr('x', (i) => x(bins.startS + i * bins.binS))
      .attr('width', bw)
      .attr('y', (i) => y(bins.counts[i]!))
      .attr('height', (i) => y(0) - y(bins.counts[i]!));
    fig
      .select('figcaption')
      .selectAll<HTMLSpanElement, string>('span.win')
      .data(['last 10 s'])
      .join('span')
      .attr('class', 'win')
      .text((d) => d);
    fig
      .select('figcaption')
      .selectAll<HTMLSpanElement, ReconnectBins>('span.key')
      .data([bins])
      .join('span')
      .attr('class', 'key l-reconnects')
      .attr(
        'title',
        'Share of the last 10 s of reconnect attempts in its busiest 100 ms: a herd puts most in one',
      )
      .text((b) => (b.total > 0 ? `peak ${compact(b.peak)} · ${Math.round(b.peakShare * 100)} %` : 'none'));
  }

  function drawConnections(inp: ChartsInput) {
    // Polling holds no connections (a poll is a request), so its bars show requests/s instead.
    const polling = inp.strategy === 'polling';
    const fig = frame('conns', polling ? 'Requests/s per server' : 'Connections per server');
    const val = (s: ChartsInput['servers'][number]) => (polling ? s.handledPerS : s.connections);
    const { w, h } = size(fig);
    // A narrow strip (six charts at 1280 px) gets the short title.
    const narrowTitle = w < 200;
    fig.select('figcaption').each(function () {
      const first = (this as HTMLElement).firstChild;
      if (first && first.nodeType === 3)
        first.textContent = polling
          ? narrowTitle
            ? 'Requests/s /server'
            : 'Requests/s per server'
          : narrowTitle
            ? 'Conns /server'
            : 'Connections per server';
    });
    const svg = fig.select('svg').attr('viewBox', `0 0 ${w} ${h}`);
    const servers = inp.servers.filter((s) => s.state !== 'removed');
    const x = d3
      .scaleBand<number>()
      .domain(servers.map((s) => s.id))
      .range([M.left, w - M.right])
      .padding(0.25);
    const max = Math.max(1, ...servers.map(val));
    const y = d3
      .scaleLinear()
      .domain([0, max * 1.1])
      .nice(3)
      .range([h - M.bottom, M.top]);
    svg
      .select<SVGGElement>('g.x')
      .attr('transform', `translate(0,${h - M.bottom})`)
      .call(
        d3
          .axisBottom(x)
          // Every k-th name, so "S10S11" never runs together on a narrow chart.
          .tickFormat((d, i) => (i % labelEvery(x.step(), servers) === 0 ? `S${d}` : ''))
          .tickSizeOuter(0),
      );
    drawCompactY(svg, y, w);
    svg
      .select('g.plot')
      .selectAll<SVGRectElement, (typeof servers)[number]>('rect')
      .data(servers, (s) => String(s.id))
      .join('rect')
      .attr('class', (s) => `bar ${s.state}`)
      .attr('x', (s) => x(s.id) ?? 0)
      .attr('width', x.bandwidth())
      .attr('y', (s) => y(val(s)))
      .attr('height', (s) => y(0) - y(val(s)))
      .attr('fill', (s) => serverColor(s.id));
    const up = servers.filter((s) => s.state !== 'crashed');
    const mean = up.length ? up.reduce((a, s) => a + val(s), 0) / up.length : 0;
    fig
      .select('figcaption')
      .selectAll<HTMLSpanElement, number>('span.key')
      .data(servers.length ? [mean] : [])
      .join('span')
      .attr('class', 'key')
      .text((m) => `mean ${compact(Number.isFinite(m) ? m : 0)}`);
  }

  return {
    update,
    destroy() {
      host.selectAll('*').remove();
    },
  };
}

const RULE_LINE_PX = 15;

/** A left axis of three compact ticks and its grid lines (the reconnect and per-server charts). */
function drawCompactY(
  svg: d3.Selection<d3.BaseType, unknown, null, undefined>,
  y: d3.ScaleLinear<number, number>,
  w: number,
): void {
  svg
    .select<SVGGElement>('g.y')
    .attr('transform', `translate(${M.left},0)`)
    .call(
      d3
        .axisLeft(y)
        .ticks(3)
        .tickFormat((d) => compact(Number(d)))
        .tickSizeOuter(0),
    );
  svg
    .select('g.grid')
    .selectAll('line')
    .data(y.ticks(3))
    .join('line')
    .attr('x1', M.left)
    .attr('x2', w - M.right)
    .attr('y1', (d) => y(d))
    .attr('y2', (d) => y(d));
}

/**
 * Stacks the action labels: each goes on the first line down whose previous label ends before it
 * starts, so "− S4" and "S1 crashed" a moment apart never print over each other. Returns the line
 * per label (in input order), or −1 when all `maxLines` are taken there (the rule still shows).
 */
export function ruleLevels(rules: { x: number; width: number }[], maxLines: number): number[] {
  const order = rules.map((_, i) => i).sort((a, b) => rules[a]!.x - rules[b]!.x);
  const ends: number[] = [];
  const out = new Array<number>(rules.length).fill(-1);
  for (const i of order) {
    const r = rules[i]!;
    let line = ends.findIndex((end) => end <= r.x);
    if (line < 0 && ends.length < maxLines) line = ends.length;
    if (line < 0) continue;
    ends[line] = r.x + r.width;
    out[i] = line;
  }
  return out;
}

/**
 * Offset of a rule's label from its rule at `x`: 3 px to its right, slid left as far as needed to
 * end inside the plot, but never starting left of the plot (a label wider than the plot keeps
 * its start and is clipped on the right).
 */
export function labelShift(x: number, width: number, left: number, right: number): number {
  return Math.max(left - x, Math.min(3, right - x - width));
}

/** Show every k-th server name on a bar axis: the longest name needs ~8 px a character. */
export function labelEvery(stepPx: number, servers: readonly { id: number }[]): number {
  const longest = Math.max(2, ...servers.map((s) => `S${s.id}`.length));
  return Math.max(1, Math.ceil((longest * 7.5 + 4) / Math.max(1, stepPx)));
}

export function actionLabel(a: Pick<ActionReport, 'action' | 'server'>): string {
  // -1: queued behind a migration, the engine has not picked the server yet.
  if (a.server < 0 && (a.action === 'add-server' || a.action === 'remove-server'))
    return a.action === 'add-server' ? '+ queued' : '− queued';
  if (a.action === 'add-server') return `+ S${a.server}`;
  if (a.action === 'remove-server') return `− S${a.server}`;
  if (a.action === 'crash-broker') return 'broker down';
  if (a.action === 'recover-broker') return 'broker back';
  if (a.action === 'deploy') return 'deploy';
  if (a.action === 'restart-server') return `S${a.server} restart`;
  return `S${a.server} crashed`;
}

function thinLogTicks(t: number[]): number[] {
  // Powers of ten only (plus ends) keep a 100-px-high log axis readable.
  const p = t.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
  return p.length >= 2 ? p : t.filter((_, i) => i % Math.ceil(t.length / 3) === 0);
}

/**
 * The liveness layer over the topology (issue 11): a detection countdown on each crashed server
 * whose clients have not all noticed, the accept queue beside each server's card, and a gauge of
 * the broker's output buffer on each slow server's link. A framework-free factory driven by the
 * frame loop; D3 owns this SVG (it sits over the topology and the packet canvas and takes no
 * pointer events). Reads the world's latest frame; redraws only when it or the layout changed,
 * at most ten times a second, or when a countdown's whole second ticks over.
 */
import * as d3 from 'd3';
import { NodeId } from '../../bridge/engine';
import type { NodeBox, StageLayout } from '../layout';
import type { World } from '../world';
import {
  acceptBar,
  bufferGauge,
  countdownText,
  countdownVariants,
  detectionCountdowns,
  type Countdown,
  type Gauge,
} from './livenessLogic';

export interface LivenessLayerOptions {
  world: World;
  getLayout(): StageLayout | null;
}

interface Placed<T> {
  d: T;
  b: NodeBox;
}

const REDRAW_MS = 100;
const GAUGE_W = 5;

export function createLiveness(svgEl: SVGSVGElement, opts: LivenessLayerOptions) {
  const svg = d3.select(svgEl);
  svg.selectAll('*').remove();
  const gAccept = svg.append('g').attr('class', 'accept-queues');
  const gGauges = svg.append('g').attr('class', 'buffer-gauges');
  const gCount = svg.append('g').attr('class', 'countdowns');

  let seenVersion = -1;
  let seenLayout: StageLayout | null = null;
  let seenKey = '';
  let lastWall = -Infinity;

  function draw(wallMs: number): void {
    const { world } = opts;
    const layout = opts.getLayout();
    const live = world.live;
    const l = live?.liveness;
    if (!layout || !live || !l) {
      if (seenLayout !== null || seenVersion !== -1) clear();
      return;
    }
    const nowS = world.viewUs / 1e6;
    const countdowns = detectionCountdowns(l.servers, nowS);
    // Whole seconds left: a change must show even between frames.
    const key = countdowns.map((c) => `${c.server}:${c.remainingS}:${c.unaware}`).join(',');
    const fresh = world.frameVersion !== seenVersion && wallMs - lastWall >= REDRAW_MS;
    if (!fresh && layout === seenLayout && key === seenKey) return;
    seenVersion = world.frameVersion;
    seenLayout = layout;
    seenKey = key;
    lastWall = wallMs;

    svg
      .attr('width', Math.round(layout.w * layout.scale))
      .attr('height', Math.round(layout.h * layout.scale))
      .attr('viewBox', `0 0 ${layout.w} ${layout.h}`);

    const box = (id: number) => layout.nodes.get(NodeId.ServerBase + id);
    drawCountdowns(placed(countdowns, (c) => box(c.server)));
    drawAccept(
      placed(
        l.servers.filter((s) => s.acceptQueue > 0),
        (s) => box(s.id),
      ),
    );
    drawGauges(placed(l.outputBuffers.map(bufferGauge), (g) => box(g.server)));
  }

  function drawCountdowns(items: Placed<Countdown>[]): void {
    const roomy = (p: Placed<Countdown>) => p.b.h >= 40 && p.b.w >= 100;
    const g = gCount
      .selectAll<SVGGElement, Placed<Countdown>>('g.countdown')
      .data(items, (p) => String(p.d.server))
      .join((enter) => {
        const e = enter.append('g').attr('class', 'countdown').attr('data-testid', 'detect-countdown');
        e.append('title');
        e.append('text');
        return e;
      })
      .attr('data-server', (p) => p.d.server)
      .attr('data-remaining', (p) => p.d.remainingS)
      .attr('data-unaware', (p) => p.d.unaware);
    g.select('title').text(
      (p) =>
        `Server ${p.d.server} crashed. ${p.d.unaware.toLocaleString('en-US')} of its clients have not noticed yet; ` +
        `each notices when its heartbeat timer runs out (timeout to interval + timeout after the crash). ` +
        `The last one will within ${p.d.remainingS} s.`,
    );
    // Roomy cards: on the bars' row (a crashed server has none). Short ones: at the right end.
    g.select<SVGTextElement>('text')
      .attr('x', (p) => (roomy(p) ? p.b.x - p.b.w / 2 + 12 : p.b.x + p.b.w / 2 - 5))
      .attr('y', (p) => (roomy(p) ? p.b.y + p.b.h / 2 - 9 : p.b.y + 4.5))
      .attr('text-anchor', (p) => (roomy(p) ? 'start' : 'end'))
      .each(function (p) {
        if (!roomy(p)) {
          this.textContent = countdownText(p.d, false);
          return;
        }
        // The longest wording that fits inside the card.
        const room = p.b.w - 18;
        for (const t of countdownVariants(p.d)) {
          this.textContent = t;
          if ((this.getComputedTextLength?.() ?? 0) <= room) break;
        }
      });
  }

  function drawAccept(items: Placed<{ id: number; acceptQueue: number; listenBacklog: number }>[]): void {
    const g = gAccept
      .selectAll<SVGGElement, (typeof items)[number]>('g.accept')
      .data(items, (p) => String(p.d.id))
      .join((enter) => {
        const e = enter.append('g').attr('class', 'accept').attr('data-testid', 'accept-queue');
        e.append('title');
        e.append('rect').attr('class', 'bg');
        e.append('rect').attr('class', 'fill');
        e.append('text');
        return e;
      })
      .attr('data-server', (p) => p.d.id)
      .attr('data-queue', (p) => p.d.acceptQueue);
    const bar = (p: (typeof items)[number]) => acceptBar(p.d);
    g.classed('full', (p) => bar(p).full);
    g.select('title').text(
      (p) =>
        `Server ${p.d.id}: ${p.d.acceptQueue.toLocaleString('en-US')} connections waiting to be accepted ` +
        `(listen backlog ${p.d.listenBacklog.toLocaleString('en-US')}; past it the kernel drops the attempt)`,
    );
    // A thin upright bar just left of the card (the door the connections queue at).
    const x = (p: (typeof items)[number]) => p.b.x - p.b.w / 2 - 7;
    g.select('rect.bg')
      .attr('x', x)
      .attr('y', (p) => p.b.y - p.b.h / 2)
      .attr('width', 4)
      .attr('height', (p) => p.b.h);
    g.select('rect.fill')
      .attr('x', x)
      .attr('y', (p) => p.b.y + p.b.h / 2 - p.b.h * bar(p).fill)
      .attr('width', 4)
      .attr('height', (p) => p.b.h * bar(p).fill);
    // The count left of the bar, in the gap before the load balancer: "319 queued", else "319",
    // else nothing (the bar and its tooltip still say it).
    const lb = opts.getLayout()?.nodes.get(NodeId.Lb);
    const room = (p: (typeof items)[number]) => x(p) - 5 - (lb ? lb.x + lb.w / 2 : -Infinity);
    g.select<SVGTextElement>('text')
      .attr('x', (p) => x(p) - 3)
      .attr('y', (p) => p.b.y - p.b.h / 2 + 11)
      .each(function (p) {
        let shown = false;
        // Measured while displayed: a hidden text measures 0 and would always "fit".
        this.setAttribute('display', 'inline');
        if (p.b.h >= 15)
          for (const t of [`${bar(p).label} queued`, bar(p).label]) {
            this.textContent = t;
            if ((this.getComputedTextLength?.() ?? 0) <= room(p)) {
              shown = true;
              break;
            }
          }
        this.setAttribute('display', shown ? 'inline' : 'none');
      });
  }

  function drawGauges(items: Placed<Gauge>[]): void {
    // An upright bar just right of the card, on its broker side (the accept queue is on its LB
    // side): the backlog the broker holds for this server, against the hard limit.
    const x = (p: Placed<Gauge>) => p.b.x + p.b.w / 2 + 3;
    const top = (p: Placed<Gauge>) => p.b.y - p.b.h / 2;
    const g = gGauges
      .selectAll<SVGGElement, Placed<Gauge>>('g.gauge')
      .data(items, (p) => String(p.d.server))
      .join((enter) => {
        const e = enter.append('g').attr('class', 'gauge').attr('data-testid', 'buffer-gauge');
        e.append('title');
        e.append('rect').attr('class', 'bg');
        e.append('rect').attr('class', 'fill');
        e.append('line').attr('class', 'soft');
        e.append('text');
        return e;
      })
      .attr('data-server', (p) => p.d.server)
      .attr('data-state', (p) => p.d.state)
      .attr('data-fill', (p) => p.d.fill.toFixed(4));
    g.classed('soft', (p) => p.d.state === 'soft').classed('cut', (p) => p.d.state === 'cut');
    g.select('title').text(
      (p) =>
        `Broker → server ${p.d.server} output buffer: ${p.d.label}. The broker cuts a subscriber off past the hard ` +
        `limit, or after it stays above the soft limit (the tick) too long; its users' messages are then lost.`,
    );
    g.select('rect.bg')
      .attr('x', x)
      .attr('y', top)
      .attr('width', GAUGE_W)
      .attr('height', (p) => p.b.h);
    g.select('rect.fill')
      .attr('x', x)
      .attr('y', (p) => top(p) + p.b.h * (1 - p.d.fill))
      .attr('width', GAUGE_W)
      .attr('height', (p) => p.b.h * p.d.fill);
    g.select('line.soft')
      .attr('x1', (p) => x(p) - 2)
      .attr('x2', (p) => x(p) + GAUGE_W + 2)
      .attr('y1', (p) => top(p) + p.b.h * (1 - p.d.soft))
      .attr('y2', (p) => top(p) + p.b.h * (1 - p.d.soft));
    g.select('text')
      .attr('x', (p) => x(p) + GAUGE_W + 3)
      .attr('y', (p) => top(p) + 11)
      .attr('display', (p) => (p.b.h >= 15 ? null : 'none'))
      .text((p) => p.d.short);
  }

  function clear(): void {
    gCount.selectAll('*').remove();
    gAccept.selectAll('*').remove();
    gGauges.selectAll('*').remove();
    seenLayout = null;
    seenVersion = -1;
    seenKey = '';
  }

  return {
    draw,
    destroy() {
      svg.selectAll('*').remove();
    },
  };
}

function placed<T>(items: readonly T[], box: (d: T) => NodeBox | undefined): Placed<T>[] {
  const out: Placed<T>[] = [];
  for (const d of items) {
    const b = box(d);
    if (b) out.push({ d, b });
  }
  return out;
}

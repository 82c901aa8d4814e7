/**
 * SVG topology: edges, the load balancer, endpoint-server cards, and the strategy's components.
 * A framework-free factory (created in an effect, destroyed on unmount); D3 owns this subtree.
 * Called at ≤ 10 Hz with the summary — motion lives on the canvas (packets.ts).
 */
import * as d3 from 'd3';
import 'd3-transition'; // the production build tree-shakes selection.transition without it (TOOLCHAIN.md)
import { NodeId, type MigrationInfo } from '../../bridge/engine';
import { anchor, slotPos, type NodeBox, type StageLayout } from '../layout';
import { compact, percent } from '../format';
import { LOSS, serverColor } from '../palette';
import { capX, connectionScale, Dot } from './livenessLogic';

export interface ServerState {
  id: number;
  state: 'up' | 'draining' | 'crashed' | 'removed';
  connections: number;
  handledPerS: number;
  /** Long polling: requests parked here, waiting for news or their hold timeout. */
  parked?: number;
}

export interface TopologyInput {
  layout: StageLayout;
  servers: ServerState[];
  /** Per-request CPU time (ms) to turn handled/s into a CPU share. */
  serverProcessingMs: number;
  db: { utilization: number; queue: number; capacityPerS: number; rejectedPerS: number | null } | null;
  broker: {
    utilization: number;
    subscriptions: number;
    capacityPerS: number;
    perS: number | null;
    /** Down after a crash-broker (until recover-broker). */
    down?: boolean;
  } | null;
  migration: MigrationInfo | null;
  /**
   * Connection state per client slot (livenessLogic `Dot`): 0 = not connected, 1 = connected,
   * 2 = moved or reconnecting, 3 = its server crashed and it has not noticed yet.
   */
  clientStates: Uint8Array | null;
  /** 1 per client slot whose sampled user is in the hottest room (`roomPopularity: "zipf"`): it glows. */
  hotSlots?: Uint8Array | null;
  /** `maxConnectionsPerServer` (0 = no cap): a line on each connection bar. */
  capPerServer?: number;
  /** What a leaving server's card says instead of its connection count (by server id). */
  drainNotes?: ReadonlyMap<number, string>;
  usersPerDot: number;
  users: number;
  reduced: boolean;
}

export interface TopologyOptions {
  onServerClick(id: number): void;
  /** A crashed server's card is its Restart button. */
  onServerRestart?(id: number): void;
  /** Called with whether the broker is down now (so the click recovers it). */
  onBrokerClick?(down: boolean): void;
}

type G = d3.Selection<SVGGElement, unknown, null, undefined>;

export function createTopology(svgEl: SVGSVGElement, opts: TopologyOptions) {
  const svg = d3.select(svgEl);
  svg.selectAll('*').remove();
  const serverAction = (s: ServerState) => {
    if (s.state === 'crashed') opts.onServerRestart?.(s.id);
    else opts.onServerClick(s.id);
  };
  const defs = svg.append('defs');
  defs
    .append('pattern')
    .attr('id', 'hs-hatch')
    .attr('patternUnits', 'userSpaceOnUse')
    .attr('width', 6)
    .attr('height', 6)
    .append('path')
    .attr('d', 'M0,6 L6,0')
    .attr('class', 'hatch');
  const gEdges: G = svg.append('g').attr('class', 'edges');
  const gClients: G = svg.append('g').attr('class', 'clients');
  const gNodes: G = svg.append('g').attr('class', 'nodes');
  const gServers: G = svg.append('g').attr('class', 'servers');

  let prevStrategy: string | null = null;

  function update(inp: TopologyInput) {
    const { layout } = inp;
    const morph = prevStrategy !== null && prevStrategy !== layout.strategy && !inp.reduced;
    prevStrategy = layout.strategy;
    const dur = morph ? 550 : 0;
    svg
      .attr('width', Math.round(layout.w * layout.scale))
      .attr('height', Math.round(layout.h * layout.scale))
      .attr('viewBox', `0 0 ${layout.w} ${layout.h}`);

    // ── edges
    const edgeKey = (e: [number, number]) => `${e[0]}-${e[1]}`;
    const edgePts = (e: [number, number]) => {
      const a = layout.nodes.get(e[0]);
      const b = layout.nodes.get(e[1]);
      if (!a || !b) return null;
      const p = anchor(a, b.x, b.y);
      const q = anchor(b, a.x, a.y);
      return [p, q] as const;
    };
    const edges = layout.edges.filter((e) => edgePts(e));
    const clientEdgeData = [{ key: 'clients-lb' }];
    const lb = layout.nodes.get(NodeId.Lb)!;
    const c = layout.clients;
    gEdges
      .selectAll<SVGLineElement, { key: string }>('line.client-edge')
      .data(clientEdgeData, (d) => d.key)
      .join('line')
      .attr('class', 'edge client-edge')
      .attr('x1', c.x + c.w + 6)
      .attr('y1', c.y + c.h / 2)
      .attr('x2', lb.x - lb.w / 2)
      .attr('y2', lb.y);
    gEdges
      .selectAll<SVGLineElement, [number, number]>('line.edge:not(.client-edge)')
      .data(edges, edgeKey)
      .join(
        (enter) => enter.append('line').attr('class', 'edge').attr('opacity', 0),
        (u) => u,
        (exit) => exit.transition().duration(dur).attr('opacity', 0).remove(),
      )
      .attr('data-key', edgeKey)
      .classed('down', (e) => {
        const s = inp.servers.find(
          (x) => NodeId.ServerBase + x.id === e[0] || NodeId.ServerBase + x.id === e[1],
        );
        if (s) return s.state === 'crashed';
        // Every subscription line breaks while the broker is down.
        return !!inp.broker?.down && (e[0] === NodeId.Broker || e[1] === NodeId.Broker);
      })
      .transition()
      .duration(dur)
      .attr('opacity', 1)
      .attr('x1', (e) => edgePts(e)![0][0])
      .attr('y1', (e) => edgePts(e)![0][1])
      .attr('x2', (e) => edgePts(e)![1][0])
      .attr('y2', (e) => edgePts(e)![1][1]);

    // ── clients: a grid of sample dots, each standing for `usersPerDot` users
    const slots = d3.range(
      Math.min(c.capacity, Math.max(1, Math.ceil(inp.users / Math.max(1, inp.usersPerDot)))),
    );
    const states = inp.clientStates;
    gClients
      .selectAll<SVGCircleElement, number>('circle')
      .data(slots, (d) => d)
      .join('circle')
      .attr('cx', (i) => slotPos(layout, i)[0])
      .attr('cy', (i) => slotPos(layout, i)[1])
      .attr('r', Math.max(1.2, Math.min(4, c.cell * 0.32)))
      .attr('class', (i) => {
        const st = states ? states[i] : Dot.Connected;
        return st === Dot.Reconnecting
          ? 'client moved'
          : st === Dot.Unaware
            ? 'client unaware'
            : st === Dot.Off
              ? 'client off'
              : 'client';
      })
      .classed('hot', (i) => inp.hotSlots?.[i] === 1);
    const label = gClients.selectAll<SVGTextElement, number>('text.caption').data([0]).join('text');
    label
      .attr('class', 'caption')
      .attr('x', c.x)
      .attr('y', c.y + c.h + 18)
      .text(inp.usersPerDot > 1 ? `each dot = ${compact(inp.usersPerDot)} users` : 'each dot = 1 user');
    gClients
      .selectAll<SVGTextElement, number>('text.title')
      .data([0])
      .join('text')
      .attr('class', 'title')
      .attr('x', c.x)
      .attr('y', c.y - 10)
      .text(`${compact(inp.users)} clients`);

    // ── fixed components (LB, DB, chat, coordinator, broker)
    const fixed = [...layout.nodes.values()].filter((b) => b.kind !== 'server');
    const nodeSel = gNodes
      .selectAll<SVGGElement, NodeBox>('g.node')
      .data(fixed, (b) => String(b.id))
      .join(
        (enter) => {
          const g = enter
            .append('g')
            .attr('class', (b) => `node ${b.kind}`)
            .attr('opacity', 0)
            .attr('transform', (b) => `translate(${b.x},${b.y})`);
          g.append('path').attr('class', 'shape');
          g.append('text').attr('class', 'label');
          g.append('text').attr('class', 'sub');
          g.append('text').attr('class', 'sub2');
          g.append('rect').attr('class', 'meter-bg');
          g.append('rect').attr('class', 'meter');
          return g;
        },
        (u) => u,
        (exit) => exit.transition().duration(dur).attr('opacity', 0).remove(),
      );
    nodeSel
      .attr('data-node', (b) => b.kind)
      .transition()
      .duration(dur)
      .attr('opacity', 1)
      .attr('transform', (b) => `translate(${b.x},${b.y})`);
    nodeSel.select('path.shape').attr('d', (b) => shapePath(b));
    nodeSel
      .select('text.label')
      .attr('y', (b) =>
        b.kind === 'db' ? -b.h / 2 + 27 : meterFor(b, inp) ? -6 : b.kind === 'lb' ? -2 : b.sub ? -3 : 5,
      )
      .text((b) => b.label);
    nodeSel
      .select('text.sub')
      .attr('y', (b) => (b.kind === 'db' ? -b.h / 2 + 44 : meterFor(b, inp) ? 12 : b.kind === 'lb' ? 15 : 14))
      .text((b) => subFor(b, inp));
    // A saturated DB says what it turns away on a line of its own (UI.md: "100 % — 8,400 rejected/s").
    nodeSel
      .select('text.sub2')
      .attr('y', (b) => -b.h / 2 + 60)
      .text((b) =>
        b.kind === 'db' && inp.db && (inp.db.rejectedPerS ?? 0) > 0
          ? `${compact(inp.db.rejectedPerS ?? 0)} rejected/s`
          : '',
      );
    nodeSel.classed('hot', (b) => (meterFor(b, inp)?.util ?? 0) >= 0.95);
    const brokerDown = !!inp.broker?.down;
    nodeSel
      .filter((b) => b.kind === 'broker')
      .classed('down', brokerDown)
      .attr('role', opts.onBrokerClick ? 'button' : null)
      .attr('tabindex', opts.onBrokerClick ? 0 : null)
      .attr('aria-label', brokerDown ? 'Recover broker' : 'Crash broker')
      .on('click', () => opts.onBrokerClick?.(brokerDown))
      .on('keydown', (e: KeyboardEvent) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          e.stopPropagation();
          opts.onBrokerClick?.(brokerDown);
        }
      });
    nodeSel
      .filter((b) => b.kind === 'broker')
      .selectAll<SVGTitleElement, number>('title')
      .data([0])
      .join('title')
      .text(
        brokerDown
          ? 'Broker down: every publish is lost — click to recover it'
          : 'Click to crash the broker (a single point of failure)',
      );
    const mw = (b: NodeBox) => b.w - 24;
    nodeSel
      .select('rect.meter-bg')
      .attr('x', (b) => -mw(b) / 2)
      .attr('y', (b) => b.h / 2 - (b.kind === 'db' ? 11 : 14))
      .attr('width', (b) => (meterFor(b, inp) ? mw(b) : 0))
      .attr('height', 5)
      .attr('rx', 2.5);
    nodeSel
      .select('rect.meter')
      .attr('x', (b) => -mw(b) / 2)
      .attr('y', (b) => b.h / 2 - (b.kind === 'db' ? 11 : 14))
      .attr('width', (b) => mw(b) * Math.min(1, meterFor(b, inp)?.util ?? 0))
      .attr('height', 5)
      .attr('rx', 2.5);

    // ── servers
    const srvBoxes = inp.servers
      .filter((s) => s.state !== 'removed')
      .map((s) => ({ s, b: layout.nodes.get(NodeId.ServerBase + s.id) }))
      .filter((x): x is { s: ServerState; b: NodeBox } => !!x.b);
    const cap = inp.capPerServer ?? 0;
    const maxConn = connectionScale(
      srvBoxes.map((x) => x.s.connections),
      cap,
    );
    const mig = inp.migration;
    const srv = gServers
      .selectAll<SVGGElement, { s: ServerState; b: NodeBox }>('g.server')
      .data(srvBoxes, (d) => String(d.s.id))
      .join(
        (enter) => {
          const g = enter
            .append('g')
            .attr('class', 'server')
            .attr('role', 'button')
            .attr('tabindex', 0)
            .attr('opacity', 0)
            .attr('transform', (d) => `translate(${d.b.x},${d.b.y})`)
            // A crashed server has nothing left to crash: its card restarts it instead.
            .on('click', (_e, d) => serverAction(d.s))
            .on('keydown', (e: KeyboardEvent, d) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                e.stopPropagation();
                // A held key repeats: one press, one action.
                if (!e.repeat) serverAction(d.s);
              }
            });
          g.append('rect').attr('class', 'card');
          g.append('rect').attr('class', 'swatch');
          g.append('text').attr('class', 'label');
          g.append('text').attr('class', 'conns');
          g.append('rect').attr('class', 'bar-bg conn-bg');
          g.append('rect').attr('class', 'bar conn');
          g.append('line').attr('class', 'cap-line');
          g.append('rect').attr('class', 'bar-bg cpu-bg');
          g.append('rect').attr('class', 'bar cpu');
          g.append('path').attr('class', 'cross');
          g.append('title');
          return g;
        },
        (u) => u,
        (exit) => exit.transition().duration(dur).attr('opacity', 0).remove(),
      );
    srv
      .attr('aria-label', (d) => (d.s.state === 'crashed' ? `Restart S${d.s.id}` : `Crash server ${d.s.id}`))
      .attr('data-server', (d) => d.s.id)
      .attr('data-state', (d) => d.s.state)
      .classed('crashed', (d) => d.s.state === 'crashed')
      .classed('draining', (d) => d.s.state === 'draining')
      // Every old owner hands over a slice, so highlight the servers the change is about: the one
      // joining (it receives) or the one leaving (it drains); both receive during the dual-send.
      .classed(
        'migrating-old',
        (d) => !!mig && mig.oldServers.includes(d.s.id) && !mig.newServers.includes(d.s.id),
      )
      .classed(
        'migrating-new',
        (d) => !!mig && mig.newServers.includes(d.s.id) && !mig.oldServers.includes(d.s.id),
      )
      .transition()
      .duration(dur)
      .attr('opacity', 1)
      .attr('transform', (d) => `translate(${d.b.x},${d.b.y})`);
    srv
      .select('title')
      .text((d) =>
        d.s.state === 'crashed'
          ? `Server ${d.s.id} crashed — click to restart it (it comes back empty)`
          : d.s.parked !== undefined
            ? `Server ${d.s.id}${d.s.state === 'draining' ? ' (draining: closing its clients)' : ''}: ${d.s.connections.toLocaleString('en-US')} held requests (${d.s.parked.toLocaleString('en-US')} parked, waiting for news), ${compact(d.s.handledPerS)} requests/s — click to crash it`
            : `Server ${d.s.id}${d.s.state === 'draining' ? ' (draining: closing its clients)' : ''}: ${d.s.connections.toLocaleString('en-US')} connections${cap > 0 ? ` (cap ${cap.toLocaleString('en-US')})` : ''}, ${compact(d.s.handledPerS)} requests/s — click to crash it`,
      );
    srv
      .select('rect.card')
      .attr('x', (d) => -d.b.w / 2)
      .attr('y', (d) => -d.b.h / 2)
      .attr('width', (d) => d.b.w)
      .attr('height', (d) => d.b.h)
      .attr('rx', (d) => Math.min(8, d.b.h / 3));
    srv
      .select('rect.swatch')
      .attr('x', (d) => -d.b.w / 2)
      .attr('y', (d) => -d.b.h / 2)
      .attr('width', 5)
      .attr('height', (d) => d.b.h)
      .attr('fill', (d) => serverColor(d.s.id));
    const roomy = (d: { b: NodeBox }) => d.b.h >= 40;
    const labelled = (d: { b: NodeBox }) => d.b.h >= 15;
    // Compact mode (several narrow columns): the name only, tucked after the colour swatch.
    const narrow = (d: { b: NodeBox }) => d.b.w < 80;
    srv
      .select('text.label')
      .attr('x', (d) => -d.b.w / 2 + (narrow(d) ? 7 : 12))
      .attr('y', (d) => (roomy(d) ? -d.b.h / 2 + 18 : 4.5))
      .attr('display', (d) => (labelled(d) ? null : 'none'))
      .classed('compact', narrow)
      .text((d) => d.b.label);
    srv
      .select('text.conns')
      .attr('x', (d) => d.b.w / 2 - 8)
      .attr('y', (d) => (roomy(d) ? -d.b.h / 2 + 18 : 4.5))
      .attr('display', (d) => (labelled(d) && !narrow(d) ? null : 'none'))
      .classed('note', (d) => d.s.state !== 'crashed' && !!inp.drainNotes?.get(d.s.id))
      .text((d) =>
        d.s.state === 'crashed'
          ? 'crashed'
          : (inp.drainNotes?.get(d.s.id) ??
            (d.s.state === 'draining'
              ? 'draining'
              : d.s.parked !== undefined
                ? `${compact(d.s.parked)} parked`
                : `${compact(d.s.connections)} conn`)),
      );
    const barW = (d: { b: NodeBox }) => d.b.w - 22;
    const barsShown = (d: { b: NodeBox }) => (roomy(d) ? barW(d) : 0);
    const cpu = (s: ServerState) => Math.min(1, (s.handledPerS * inp.serverProcessingMs) / 1000);
    srv
      .selectAll<SVGRectElement, { s: ServerState; b: NodeBox }>('rect.conn-bg, rect.cpu-bg')
      .attr('x', (d) => -d.b.w / 2 + 12)
      .attr('y', function (d) {
        return this.classList.contains('conn-bg') ? d.b.h / 2 - 20 : d.b.h / 2 - 11;
      })
      .attr('width', barsShown)
      .attr('height', 4)
      .attr('rx', 2);
    srv
      .select('rect.conn')
      .attr('x', (d) => -d.b.w / 2 + 12)
      .attr('y', (d) => d.b.h / 2 - 20)
      .attr('width', (d) => (roomy(d) ? (barW(d) * d.s.connections) / maxConn : 0))
      .attr('height', 4)
      .attr('rx', 2);
    // The cap: a line across the connection bar where the server starts refusing.
    const capAt = (d: { b: NodeBox }) => (roomy(d) ? capX(cap, maxConn, barW(d)) : null);
    srv
      .classed('at-cap', (d) => cap > 0 && d.s.connections >= cap)
      .select('line.cap-line')
      .attr('display', (d) => (capAt(d) === null || d.s.state === 'crashed' ? 'none' : null))
      .attr('x1', (d) => -d.b.w / 2 + 12 + (capAt(d) ?? 0))
      .attr('x2', (d) => -d.b.w / 2 + 12 + (capAt(d) ?? 0))
      .attr('y1', (d) => d.b.h / 2 - 23)
      .attr('y2', (d) => d.b.h / 2 - 13);
    srv
      .select('rect.cpu')
      .attr('x', (d) => -d.b.w / 2 + 12)
      .attr('y', (d) => d.b.h / 2 - 11)
      .attr('width', (d) => (roomy(d) ? barW(d) * cpu(d.s) : 0))
      .attr('height', 4)
      .attr('rx', 2);
    srv.select('path.cross').attr('d', (d) => {
      if (d.s.state !== 'crashed') return null;
      // A compact card has no room for a cross beside its name: the hatched card says it.
      if (narrow(d)) return null;
      // Between the name ("S12", ≤ 30 px from the left) and the right-aligned "crashed".
      const r = Math.min(6, d.b.h / 2 - 3);
      const x = labelled(d) ? -d.b.w / 2 + 12 + 30 + r : d.b.w / 2 - 16;
      return `M${x - r},${-r}L${x + r},${r}M${x - r},${r}L${x + r},${-r}`;
    });
    srv.select('path.cross').attr('stroke', LOSS);

    // Servers column heading.
    const first = srvBoxes[0]?.b;
    gServers
      .selectAll<SVGTextElement, number>('text.title')
      .data(first ? [0] : [])
      .join('text')
      .attr('class', 'title')
      .attr('x', first ? first.x - first.w / 2 : 0)
      .attr('y', first ? first.y - first.h / 2 - 10 : 0)
      .text(() => {
        const down = srvBoxes.filter((x) => x.s.state === 'crashed').length;
        const n = srvBoxes.length - down;
        // A crashed card is still drawn: say so, or the heading and the cards disagree.
        if (down > 0) return `${n} server${n === 1 ? '' : 's'} up · ${down} down`;
        // The hashing stage is narrower (the ring takes a third): keep the heading short there.
        const noun = layout.ringArea ? 'server' : 'endpoint server';
        return `${n} ${noun}${n === 1 ? '' : 's'}`;
      });
  }

  return {
    update,
    destroy() {
      svg.selectAll('*').interrupt().remove();
    },
  };
}

function meterFor(b: NodeBox, inp: TopologyInput): { util: number } | null {
  if (b.kind === 'db' && inp.db) return { util: inp.db.utilization };
  if (b.kind === 'broker' && inp.broker) return { util: inp.broker.utilization };
  return null;
}

function subFor(b: NodeBox, inp: TopologyInput): string {
  if (b.kind === 'db' && inp.db) {
    const u = inp.db.utilization;
    const rej = inp.db.rejectedPerS ?? 0;
    if (rej > 0) return `${percent(Math.min(1, u), 0)} busy`;
    return inp.db.queue > 0 ? `${percent(u, 0)} · queue ${compact(inp.db.queue)}` : `${percent(u, 0)} busy`;
  }
  if (b.kind === 'broker' && inp.broker) {
    if (inp.broker.down) return 'DOWN';
    // Long polling subscribes nobody: its broker only tells servers of news.
    if (inp.layout.strategy === 'long-polling') return `news · ${percent(inp.broker.utilization, 0)} busy`;
    return `${compact(inp.broker.subscriptions)} topics · ${percent(inp.broker.utilization, 0)}`;
  }
  return b.sub ?? '';
}

function shapePath(b: NodeBox): string {
  const w = b.w / 2;
  const h = b.h / 2;
  if (b.kind === 'db') {
    // A cylinder: the shape people draw for a database.
    const ry = Math.min(10, b.h * 0.14);
    return [
      `M${-w},${-h + ry}`,
      `A${w},${ry} 0 0 1 ${w},${-h + ry}`,
      `L${w},${h - ry}`,
      `A${w},${ry} 0 0 1 ${-w},${h - ry}`,
      'Z',
      `M${-w},${-h + ry}`,
      `A${w},${ry} 0 0 0 ${w},${-h + ry}`,
    ].join(' ');
  }
  if (b.kind === 'lb') {
    // A hexagon-ish switch.
    const k = 12;
    return `M${-w + k},${-h}L${w - k},${-h}L${w},0L${w - k},${h}L${-w + k},${h}L${-w},0Z`;
  }
  const r = b.kind === 'broker' ? h : 8;
  return roundedRect(-w, -h, b.w, b.h, Math.min(r, 14));
}

function roundedRect(x: number, y: number, w: number, h: number, r: number): string {
  return `M${x + r},${y}H${x + w - r}A${r},${r} 0 0 1 ${x + w},${y + r}V${y + h - r}A${r},${r} 0 0 1 ${x + w - r},${y + h}H${x + r}A${r},${r} 0 0 1 ${x},${y + h - r}V${y + r}A${r},${r} 0 0 1 ${x + r},${y}Z`;
}

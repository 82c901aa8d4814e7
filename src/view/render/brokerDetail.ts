/**
 * The broker's inside, drawn under its box (issue 10): a Kafka-like broker as one small log per
 * partition — its end, the committed offset and the consumer's position, so lag and replay are
 * seen — and a Redis Cluster as its masters with their replicas and the bus messages each sent.
 * D3 factory (`createBrokerDetail(svg) → { update, destroy }`); elements are made when the shape
 * changes and only their attributes move after that, at the caller's (throttled) rate.
 */
import * as d3 from 'd3';
import { NodeId, type ClusterView, type KafkaView } from '../../bridge/engine';
import type { StageLayout } from '../layout';
import { serverColor } from '../palette';
import { compact } from '../format';
import { BusDots, MAX_BUS_DOTS } from './clusterBus';
import { shardBars, type ShardBars } from './hotRoomLogic';

const SVG = 'http://www.w3.org/2000/svg';
/** Partitions drawn; beyond it a "+N more" line (the figures still count them all). */
const MAX_ROWS = 16;
const LAG = '#E69F00';
const COMMIT = '#0072B2';
/** A Redis Cluster master's box height. */
const BOX_H = 15;

export interface BrokerDetailInput {
  layout: StageLayout;
  kafka: KafkaView | undefined;
  cluster: ClusterView | undefined;
  /** Simulated time of `cluster`'s counts (the run's head): when new bus dots leave. */
  nowUs?: number;
  /**
   * Each shard's traffic so far (publishes + deliveries), from the liveness view's hot room: set
   * with `roomPopularity: "zipf"`. Drawn as a bar in each master / beside each partition, scaled
   * to the busiest, which is marked.
   */
  traffic?: readonly number[];
}

interface Row {
  g: SVGGElement;
  label: SVGTextElement;
  track: SVGRectElement;
  uncommitted: SVGRectElement;
  lag: SVGRectElement;
  commit: SVGPathElement;
  pos: SVGRectElement;
  /** The partition's traffic bar (hot rooms), left of its log. */
  traffic: SVGRectElement;
}

function el<K extends keyof SVGElementTagNameMap>(
  parent: Element,
  tag: K,
  cls?: string,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  if (cls) e.setAttribute('class', cls);
  parent.appendChild(e);
  return e;
}

export function createBrokerDetail(svgEl: SVGSVGElement) {
  const svg = d3.select(svgEl);
  const root = el(svgEl, 'g', 'broker-detail');
  let shapeKey = '';
  let rows: Row[] = [];
  let title: SVGTextElement | null = null;
  let more: SVGTextElement | null = null;
  let shards: {
    g: SVGGElement;
    box: SVGRectElement;
    name: SVGTextElement;
    bus: SVGTextElement;
    /** The master's traffic bar (hot rooms), along the box's bottom edge. */
    traffic: SVGRectElement;
    reps: SVGCircleElement[];
    links: SVGLineElement[];
  }[] = [];
  /** Where each master's box centre and each of its replicas are drawn (bus dots travel between). */
  let masterAt: [number, number][] = [];
  let replicaAt: [number, number][][] = [];
  const bus = new BusDots();
  /** Bus dots: a fixed pool of circles over everything else, moved every animation frame. */
  let busLayer: SVGGElement | null = null;
  let busCircles: SVGCircleElement[] = [];
  let shownDots = -1;

  function rebuild(key: string, inp: BrokerDetailInput) {
    shapeKey = key;
    root.replaceChildren();
    rows = [];
    shards = [];
    title = el(root, 'text', 'bd-title');
    more = null;
    const k = inp.kafka;
    if (k) {
      const n = Math.min(MAX_ROWS, k.end.length);
      for (let i = 0; i < n; i++) {
        const g = el(root, 'g', 'bd-row');
        g.setAttribute('data-partition', String(i));
        rows.push({
          g,
          label: el(g, 'text', 'bd-label'),
          track: el(g, 'rect', 'bd-track'),
          uncommitted: el(g, 'rect', 'bd-uncommitted'),
          lag: el(g, 'rect', 'bd-lag'),
          commit: el(g, 'path', 'bd-commit'),
          pos: el(g, 'rect', 'bd-pos'),
          traffic: el(g, 'rect', 'bd-traffic'),
        });
      }
      if (k.end.length > n) more = el(root, 'text', 'bd-more');
    }
    const c = inp.cluster;
    busLayer = null;
    busCircles = [];
    shownDots = -1;
    if (c) {
      // Three layers: boxes and replicas, then the bus dots, then the names and counts on top.
      const back = el(root, 'g');
      busLayer = el(root, 'g', 'bd-bus-dots');
      const front = el(root, 'g');
      for (let i = 0; i < c.busSent.length; i++) {
        const g = el(back, 'g', 'bd-shard');
        const reps: SVGCircleElement[] = [];
        const links: SVGLineElement[] = [];
        for (let r = 0; r < c.replicas; r++) links.push(el(g, 'line', 'bd-replica-link'));
        const box = el(g, 'rect', 'bd-shard-box');
        const traffic = el(g, 'rect', 'bd-traffic');
        for (let r = 0; r < c.replicas; r++) reps.push(el(g, 'circle', 'bd-replica'));
        const name = el(front, 'text', 'bd-shard-name');
        const busText = el(front, 'text', 'bd-bus');
        shards.push({ g, box, name, bus: busText, traffic, reps, links });
      }
      for (let k = 0; k < MAX_BUS_DOTS; k++) {
        const d = el(busLayer, 'circle', 'bd-bus-dot');
        d.setAttribute('r', '2.6');
        d.style.display = 'none';
        busCircles.push(d);
      }
    }
  }

  function update(inp: BrokerDetailInput) {
    const l = inp.layout;
    const broker = l.strategy === 'pubsub' ? l.nodes.get(NodeId.Broker) : undefined;
    const k = inp.kafka;
    const c = inp.cluster;
    if (!broker || (!k && !c)) {
      if (shapeKey !== '') {
        root.replaceChildren();
        shapeKey = '';
      }
      svg.attr('data-broker-detail', null).attr('data-bus-sent', null).attr('data-bus-bursts', null);
      return;
    }
    svg
      .attr('width', Math.round(l.w * l.scale))
      .attr('height', Math.round(l.h * l.scale))
      .attr('viewBox', `0 0 ${l.w} ${l.h}`)
      .attr('data-broker-detail', k ? 'kafka' : 'cluster');
    const key = k ? `k${k.end.length}` : `c${c!.busSent.length}x${c!.replicas}`;
    if (key !== shapeKey) rebuild(key, inp);
    const x0 = broker.x - broker.w / 2 - 6;
    const width = broker.w + 12;
    const top = broker.y + broker.h / 2 + 6;
    // Room down to the DB's top (or the stage's bottom), whichever comes first in this column.
    const db = l.nodes.get(NodeId.Db);
    const dbTop = db && db.x - db.w / 2 < x0 + width ? db.y - db.h / 2 - 4 : l.h - 4;
    // The marks' key sits in the bottom corner: stop above it.
    const bottom = Math.max(top + 40, Math.min(l.h - 24, dbTop));
    const bars = inp.traffic && inp.traffic.length > 0 ? shardBars(inp.traffic) : null;
    svg.attr('data-hottest-shard', bars ? bars.hottest : null);
    // Kafka: the engine's shards are partitions modulo `brokerShards`; one bar per partition
    // only when they are the same (partitions = brokerShards).
    if (k) drawKafka(k, x0, width, top, bottom, bars && k.end.length === bars.fill.length ? bars : null);
    else {
      drawCluster(c!, x0, width, top, bottom, bars);
      if (inp.nowUs !== undefined) bus.observe(c!.busSent, c!.replicas, c!.mode, inp.nowUs);
      svg.attr('data-bus-sent', bus.sent).attr('data-bus-bursts', bus.bursts);
    }
  }

  /**
   * Moves the bus dots to simulated time `tUs` (each trip takes `tripUs`); every animation frame.
   * With reduced motion there are none: the counts under the masters carry the story.
   */
  function tick(tUs: number, tripUs: number, reduced: boolean) {
    if (!busLayer) return;
    let n = 0;
    if (!reduced)
      n = bus.forEach(tUs, tripUs, (from, toMaster, toReplica, f) => {
        const d = busCircles[n];
        if (!d || !busPoint(from, toMaster, toReplica, f)) return;
        d.setAttribute('cx', pt[0].toFixed(1));
        d.setAttribute('cy', pt[1].toFixed(1));
        if (d.style.display) d.style.display = '';
        n++;
      });
    for (let j = n; j < Math.max(0, shownDots); j++) busCircles[j]!.style.display = 'none';
    if (n !== shownDots) svg.attr('data-bus-dots', n);
    shownDots = n;
  }

  /** A shard's traffic bar: hidden without hot-room figures; the hottest one marked. */
  function trafficBar(
    r: SVGRectElement,
    bars: ShardBars | null,
    i: number,
    x: number,
    y: number,
    w: number,
    h: number,
  ) {
    const fill = bars?.fill[i];
    const g = r.parentNode as SVGGElement;
    if (fill === undefined) {
      r.style.display = 'none';
      g.removeAttribute('data-traffic');
      g.classList.remove('hottest');
      return;
    }
    r.style.display = '';
    setRect(r, x, y, w * fill, h);
    g.setAttribute('data-traffic', fill.toFixed(4));
    g.classList.toggle('hottest', bars!.hottest === i);
  }

  function drawKafka(
    k: KafkaView,
    x0: number,
    width: number,
    top: number,
    bottom: number,
    bars: ShardBars | null,
  ) {
    const n = rows.length;
    let span = 20;
    for (let i = 0; i < k.end.length; i++) {
      const end = k.end[i]!;
      const back = end - Math.min(k.committed[i]!, k.processed[i]!);
      if (back > span) span = back;
    }
    // The consumer furthest behind (its lag is the sum over its partitions).
    let worst = -1;
    for (let sv = 0; sv < k.consumerLag.length; sv++)
      if (k.consumerLag[sv]! > 0 && (worst < 0 || k.consumerLag[sv]! > k.consumerLag[worst]!)) worst = sv;
    span *= 1.15;
    title!.setAttribute('x', String(x0));
    title!.setAttribute('y', String(top + 9));
    title!.textContent =
      worst < 0
        ? `Log · ${k.end.length} partitions`
        : `Log · ${k.end.length} partitions · S${worst} lags ${compact(k.consumerLag[worst]!)}`;
    const rowsTop = top + 14;
    const rowH = Math.max(4, Math.min(10, (bottom - rowsTop - (more ? 10 : 0)) / Math.max(1, n)));
    const labelW = 30;
    const tx = x0 + labelW;
    const tw = width - labelW;
    const px = (back: number) => tx + tw - (Math.max(0, Math.min(span, back)) / span) * tw;
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      const y = rowsTop + i * rowH;
      const h = Math.max(2, rowH - 2);
      const end = k.end[i]!;
      const committed = k.committed[i]!;
      const processed = k.processed[i]!;
      const owner = k.owner[i]!;
      r.g.setAttribute('data-lag', String(end - processed));
      r.label.setAttribute('x', String(x0));
      r.label.setAttribute('y', String(y + h - 0.5));
      r.label.setAttribute('fill', owner >= 0 ? serverColor(owner) : 'currentColor');
      // Rows get thin on a short stage: the label shrinks with them rather than overlapping.
      r.label.style.fontSize = `${Math.min(7.5, rowH - 0.5).toFixed(1)}px`;
      r.label.textContent = owner >= 0 ? `P${i}·S${owner}` : `P${i}`;
      setRect(r.track, tx, y, tw, h);
      const xc = px(end - committed);
      const xp = px(end - processed);
      const xe = tx + tw;
      setRect(r.uncommitted, Math.min(xc, xe), y, Math.max(0, xe - xc), h);
      setRect(r.lag, Math.min(xp, xe), y, Math.max(0, xe - xp), h);
      r.lag.setAttribute('fill', LAG);
      setRect(r.pos, xp - 1, y - 1, 2, h + 2);
      r.commit.setAttribute('d', `M${xc},${y + h + 0.5}l-2.5,2.5h5z`);
      r.commit.setAttribute('fill', COMMIT);
      // In the gap under the label: the partition's traffic, the hot room's partition longest.
      trafficBar(r.traffic, bars, i, x0, y + h + 0.25, labelW - 3, Math.max(1, rowH - h - 0.5));
    }
    if (more) {
      more.setAttribute('x', String(x0));
      more.setAttribute('y', String(rowsTop + n * rowH + 8));
      more.textContent = `+${k.end.length - n} more partitions`;
    }
  }

  const pt: [number, number] = [0, 0];
  /**
   * Where a bus message is, a share `f` of its trip along: to its own replicas straight down the
   * link; to another master over an arc above the row (the cluster bus); to another master's
   * replica over that arc, then down its link. Writes `pt`; false if the nodes are not drawn.
   */
  function busPoint(from: number, toMaster: number, toReplica: number, f: number): boolean {
    const a = masterAt[from];
    const b = masterAt[toMaster];
    if (!a || !b) return false;
    const rep = toReplica >= 0 ? replicaAt[toMaster]?.[toReplica] : undefined;
    if (toReplica >= 0 && !rep) return false;
    if (toMaster === from) {
      // Inside the shard (SPUBLISH, or PUBLISH to its own replicas): box bottom → replica.
      pt[0] = a[0] + (rep![0] - a[0]) * f;
      pt[1] = a[1] + BOX_H / 2 + (rep![1] - a[1] - BOX_H / 2) * f;
      return true;
    }
    const arcF = rep ? Math.min(1, f / 0.7) : f;
    const top = Math.min(a[1], b[1]) - BOX_H / 2;
    const cy = top - 14;
    const ay = a[1] - BOX_H / 2;
    const by = b[1] - BOX_H / 2;
    const u = 1 - arcF;
    pt[0] = u * u * a[0] + 2 * u * arcF * ((a[0] + b[0]) / 2) + arcF * arcF * b[0];
    pt[1] = u * u * ay + 2 * u * arcF * cy + arcF * arcF * by;
    if (rep && f > 0.7) {
      const g = (f - 0.7) / 0.3;
      pt[0] = b[0] + (rep[0] - b[0]) * g;
      pt[1] = by + (rep[1] - by) * g;
    }
    return true;
  }

  function drawCluster(
    c: ClusterView,
    x0: number,
    width: number,
    top: number,
    bottom: number,
    bars: ShardBars | null,
  ) {
    const n = shards.length;
    title!.setAttribute('x', String(x0));
    title!.setAttribute('y', String(top + 9));
    // Short enough for the broker's column at 1280 px: where one publish goes over the bus.
    title!.textContent =
      c.mode === 'publish'
        ? `PUBLISH → all ${c.busPerPublish} nodes`
        : `SPUBLISH → ${c.busPerPublish} ${c.busPerPublish === 1 ? 'replica' : 'replicas'}`;
    const gap = 4;
    const bw = Math.max(18, (width - gap * (n - 1)) / Math.max(1, n));
    const per = Math.max(1, Math.floor((width + gap) / (bw + gap)));
    masterAt = [];
    replicaAt = [];
    // Too many masters for the room under the broker: boxes only (the counts are in the tooltip
    // figures and the Bus msgs tile), rows squeezed to fit above `bottom`.
    const lines = Math.ceil(n / per);
    const full = top + 24 + lines * 58 - 14 <= bottom;
    const lineH = full ? 58 : Math.max(BOX_H + 3, (bottom - top - 24) / lines);
    for (let i = 0; i < n; i++) {
      const s = shards[i]!;
      const col = i % per;
      const line = Math.floor(i / per);
      const x = x0 + col * (bw + gap);
      const y = top + 24 + line * lineH;
      setRect(s.box, x, y, bw, BOX_H);
      s.box.setAttribute('rx', '4');
      s.name.setAttribute('x', String(x + bw / 2));
      s.name.setAttribute('y', String(y + 10.5));
      s.name.textContent = `M${i}`;
      // Along the box's bottom edge: the master's traffic, the hot room's master full width.
      trafficBar(s.traffic, bars, i, x + 1.5, y + BOX_H - 3.5, bw - 3, 2.5);
      masterAt.push([x + bw / 2, y + BOX_H / 2]);
      // Replicas hang under their master: what SPUBLISH's bus messages reach.
      const reps: [number, number][] = [];
      const step = Math.min(7, (bw - 4) / Math.max(1, s.reps.length));
      for (let r = 0; r < s.reps.length; r++) {
        const cx = x + bw / 2 + (r - (s.reps.length - 1) / 2) * step;
        const cy = y + 24;
        const d = s.reps[r]!;
        d.setAttribute('cx', cx.toFixed(1));
        d.setAttribute('cy', String(cy));
        d.setAttribute('r', '2.5');
        const ln = s.links[r]!;
        ln.setAttribute('x1', (x + bw / 2).toFixed(1));
        ln.setAttribute('y1', String(y + 15));
        ln.setAttribute('x2', cx.toFixed(1));
        ln.setAttribute('y2', String(cy));
        reps.push([cx, cy]);
      }
      replicaAt.push(full ? reps : []);
      const show = full ? '' : 'none';
      s.bus.style.display = show;
      for (const d of s.reps) d.style.display = show;
      for (const ln of s.links) ln.style.display = show;
      s.bus.setAttribute('x', String(x + bw / 2));
      // Narrow boxes (many masters at 1280 px): every other count a line lower, so none touch.
      const stagger = bw < 30 && i % 2 === 1 ? 9 : 0;
      s.bus.setAttribute('y', String(y + (s.reps.length ? 38 : 25) + stagger));
      s.bus.textContent = compact(c.busSent[i] ?? 0);
    }
  }

  function setRect(r: SVGRectElement, x: number, y: number, w: number, h: number) {
    r.setAttribute('x', x.toFixed(1));
    r.setAttribute('y', y.toFixed(1));
    r.setAttribute('width', Math.max(0, w).toFixed(1));
    r.setAttribute('height', Math.max(0, h).toFixed(1));
  }

  return {
    update,
    tick,
    destroy() {
      root.remove();
    },
  };
}

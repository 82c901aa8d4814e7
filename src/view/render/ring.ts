/**
 * The hash-ring panel (consistent hashing) and its modulo twin (N buckets, simple hashing). Each
 * server's arcs in its colour with its virtual nodes as ticks; sampled users as dots at their hash.
 * After a membership change the users that moved light up and travel to their new owner, and the
 * caption compares the measured share with the arithmetic.
 */
import * as d3 from 'd3';
import 'd3-transition';
import type { ActionReport, MigrationInfo, RingView, SampleView } from '../../bridge/engine';
import { percent } from '../format';
import { LOSS, serverColor } from '../palette';

export interface RingInput {
  width: number;
  height: number;
  ring: RingView | null;
  sample: SampleView | null;
  /** Users in the scenario (for the moved share). */
  users: number;
  vnodes: number;
  /** Latest membership action, if any. */
  lastAction: ActionReport | null;
  migration: MigrationInfo | null;
  reduced: boolean;
}

const TWO32 = 4294967296;
const MAX_DOTS = 360;
const MAX_TICKS = 1600;

interface Dot {
  user: number;
  hash: number;
  owner: number;
  moved: boolean;
}

export function createRing(svgEl: SVGSVGElement) {
  const svg = d3.select(svgEl);
  svg.selectAll('*').remove();
  const gArcs = svg.append('g').attr('class', 'arcs');
  const gTicks = svg.append('g').attr('class', 'ticks');
  const gBuckets = svg.append('g').attr('class', 'buckets');
  const gDots = svg.append('g').attr('class', 'dots');
  const gLabels = svg.append('g').attr('class', 'ring-labels');
  let lastVersion = -1;
  let lastKind = '';

  function update(given: RingInput) {
    // CSS sizes the svg (flex: 1); draw into whatever box it actually got.
    const box = svgEl.getBoundingClientRect();
    const inp = {
      ...given,
      width: Math.floor(box.width) || given.width,
      height: Math.floor(box.height) || given.height,
    };
    const { width: w, height: h, ring, sample } = inp;
    svg.attr('viewBox', `0 0 ${w} ${h}`);
    if (!ring || ring.kind === 'none') {
      svg.selectAll('g > *').remove();
      return;
    }
    const membershipChanged = ring.version !== lastVersion;
    const kindChanged = ring.kind !== lastKind;
    lastVersion = ring.version;
    lastKind = ring.kind;
    const dur = inp.reduced || kindChanged ? 0 : 900;

    const dots: Dot[] = [];
    if (sample) {
      const n = Math.min(sample.users.length, MAX_DOTS);
      for (let i = 0; i < n; i++) {
        const owner = sample.owners[i]!;
        if (owner === 0xffff) continue;
        dots.push({ user: sample.users[i]!, hash: sample.hashes[i]!, owner, moved: sample.moved[i] === 1 });
      }
    }

    if (ring.kind === 'ring') drawRing(inp, ring, dots, dur, membershipChanged);
    else drawBuckets(inp, ring, dots, dur, membershipChanged);
  }

  function drawRing(inp: RingInput, ring: RingView, dots: Dot[], dur: number, changed: boolean) {
    gBuckets.selectAll('*').remove();
    const cx = inp.width / 2;
    const perRowFit = Math.max(1, Math.floor((inp.width - 8) / 74));
    const legendH = 4 + Math.min(3, Math.ceil(ring.servers.length / perRowFit)) * 16;
    const R = Math.max(36, Math.min(inp.width / 2 - 18, (inp.height - legendH - 24) / 2));
    const cy = 10 + R + 6;
    const arcW = Math.max(8, Math.min(16, R * 0.1));

    // Merge consecutive points with the same owner into arcs: (p[i-1], p[i]] belongs to owners[i].
    const pts = ring.points;
    const owners = ring.owners;
    const arcs: { owner: number; a0: number; a1: number }[] = [];
    const n = pts.length;
    if (n > 0) {
      let start = pts[n - 1]! - TWO32;
      let owner = owners[0]!;
      for (let i = 0; i < n; i++) {
        const o = owners[i]!;
        const prev = i === 0 ? pts[n - 1]! - TWO32 : pts[i - 1]!;
        if (o !== owner) {
          arcs.push({ owner, a0: start, a1: prev });
          start = prev;
          owner = o;
        }
      }
      arcs.push({ owner, a0: start, a1: pts[n - 1]! });
    }
    const toA = (v: number) => (v / TWO32) * Math.PI * 2;
    const arcGen = d3
      .arc<{ a0: number; a1: number }>()
      .innerRadius(R - arcW / 2)
      .outerRadius(R + arcW / 2)
      .startAngle((d) => toA(d.a0))
      .endAngle((d) => toA(d.a1));
    const byOwner = d3.group(arcs, (a) => a.owner);
    gArcs
      .attr('transform', `translate(${cx},${cy})`)
      .selectAll<SVGPathElement, [number, typeof arcs]>('path')
      .data([...byOwner.entries()], (d) => String(d[0]))
      .join('path')
      .attr('class', 'arc')
      .attr('fill', (d) => serverColor(d[0]))
      .attr('d', (d) => d[1].map((a) => arcGen(a) ?? '').join(''));

    // Virtual-node ticks (skipped when there are too many to tell apart).
    const tickPts = n <= MAX_TICKS ? Array.from(pts, (p, i) => ({ p, o: owners[i]! })) : [];
    const tickLen = n > 400 ? 3 : 5;
    gTicks
      .attr('transform', `translate(${cx},${cy})`)
      .selectAll<SVGLineElement, { p: number; o: number }>('line')
      .data(tickPts)
      .join('line')
      .attr('class', 'tick')
      .attr('x1', (d) => Math.sin(toA(d.p)) * (R + arcW / 2))
      .attr('y1', (d) => -Math.cos(toA(d.p)) * (R + arcW / 2))
      .attr('x2', (d) => Math.sin(toA(d.p)) * (R + arcW / 2 + tickLen))
      .attr('y2', (d) => -Math.cos(toA(d.p)) * (R + arcW / 2 + tickLen))
      .attr('stroke', (d) => serverColor(d.o));

    const rd = R - arcW / 2 - 9;
    const dotSel = gDots
      .attr('transform', `translate(${cx},${cy})`)
      .selectAll<SVGCircleElement, Dot>('circle')
      .data(dots, (d) => String(d.user))
      .join((enter) => enter.append('circle').attr('r', 3.2))
      .attr('cx', (d) => Math.sin(toA(d.hash)) * rd)
      .attr('cy', (d) => -Math.cos(toA(d.hash)) * rd)
      .classed('moved', (d) => d.moved);
    if (changed && dur > 0) {
      // Movers flash in vermillion, then settle into their new owner's colour.
      dotSel
        .filter((d) => d.moved)
        .attr('r', 6)
        .attr('fill', LOSS)
        .transition()
        .delay(300)
        .duration(dur)
        .attr('r', 4)
        .attr('fill', (d) => serverColor(d.owner));
      dotSel
        .filter((d) => !d.moved)
        .attr('r', 3.2)
        .attr('fill', (d) => serverColor(d.owner));
    } else if (!changed) {
      dotSel
        .filter(function () {
          return !d3.active(this);
        })
        .attr('fill', (d) => serverColor(d.owner))
        .attr('r', (d) => (d.moved ? 4 : 3.2));
    } else {
      dotSel.attr('fill', (d) => serverColor(d.owner)).attr('r', (d) => (d.moved ? 4 : 3.2));
    }

    // Legend rows under the ring: server, colour, and its share of the ring (labels, not colour alone).
    const share = new Map<number, number>();
    for (const a of arcs) share.set(a.owner, (share.get(a.owner) ?? 0) + (a.a1 - a.a0) / TWO32);
    const items = ring.servers.map((id) => ({ id, share: share.get(id) ?? 0 }));
    const itemW = 74;
    const perRow = perRowFit;
    const rows = Math.ceil(items.length / perRow);
    // Up to three rows; beyond that the busiest servers matter most.
    const shown = rows <= 3 ? items : [...items].sort((a, b) => b.share - a.share).slice(0, perRow * 3);
    const legendY = cy + R + arcW / 2 + 16;
    const rowW = Math.min(shown.length, perRow) * itemW;
    const lx0 = (inp.width - rowW) / 2;
    const leg = gLabels
      .attr('transform', null)
      .selectAll<SVGGElement, { id: number; share: number }>('g.leg')
      .data(shown, (d) => String(d.id))
      .join((enter) => {
        const g = enter.append('g').attr('class', 'leg');
        g.append('rect').attr('width', 10).attr('height', 10).attr('rx', 2).attr('y', -9);
        g.append('text').attr('class', 'ring-label').attr('x', 14);
        return g;
      })
      .attr(
        'transform',
        (_d, i) => `translate(${lx0 + (i % perRow) * itemW},${legendY + Math.floor(i / perRow) * 17})`,
      );
    leg.select('rect').attr('fill', (d) => serverColor(d.id));
    leg.select('text').text((d) => `S${d.id} ${percent(d.share, 0)}`);
  }

  function drawBuckets(inp: RingInput, ring: RingView, dots: Dot[], dur: number, changed: boolean) {
    gArcs.selectAll('*').remove();
    gTicks.selectAll('*').remove();
    gLabels.selectAll('*').remove();
    gArcs.attr('transform', null);
    gTicks.attr('transform', null);
    gLabels.attr('transform', null);
    const servers = ring.servers;
    const n = Math.max(1, servers.length);
    const top = 34;
    const bottom = inp.height - 70;
    const left = 14;
    const width = inp.width - 28;
    const gap = n > 16 ? 2 : 6;
    const bw = (width - gap * (n - 1)) / n;
    const x0 = (i: number) => left + i * (bw + gap);
    const idx = new Map(servers.map((s, i) => [s, i]));
    gBuckets
      .selectAll<SVGRectElement, number>('rect')
      .data(servers, (s) => String(s))
      .join('rect')
      .attr('class', 'bucket')
      .attr('x', (_s, i) => x0(i))
      .attr('y', top)
      .attr('width', bw)
      .attr('height', bottom - top)
      .attr('rx', 6)
      .attr('stroke', (s) => serverColor(s));
    gBuckets
      .selectAll<SVGTextElement, number>('text')
      .data(n <= 16 ? servers : [], (s) => String(s))
      .join('text')
      .attr('class', 'bucket-label')
      .attr('x', (_s, i) => x0(i) + bw / 2)
      .attr('y', bottom + 16)
      .attr('text-anchor', 'middle')
      .text((s) => `S${s}`);
    // Stack each bucket's users in a small grid.
    const per = new Map<number, number>();
    const cols = Math.max(1, Math.floor((bw - 8) / 8));
    const pos = dots.map((d) => {
      const k = per.get(d.owner) ?? 0;
      per.set(d.owner, k + 1);
      const i = idx.get(d.owner) ?? 0;
      return { x: x0(i) + 6 + (k % cols) * 8 + 2, y: bottom - 8 - Math.floor(k / cols) * 8 };
    });
    const posOf = new Map(dots.map((d, i) => [d.user, pos[i]!]));
    const sel = gDots
      .attr('transform', null)
      .selectAll<SVGCircleElement, Dot>('circle')
      .data(dots, (d) => String(d.user))
      .join((enter) =>
        enter
          .append('circle')
          .attr('r', 3)
          .attr('cx', (d) => posOf.get(d.user)!.x)
          .attr('cy', (d) => posOf.get(d.user)!.y),
      )
      .classed('moved', (d) => d.moved);
    if (changed && dur > 0) {
      sel
        .filter((d) => d.moved)
        .attr('fill', LOSS)
        .transition()
        .duration(dur)
        .delay((_d, i) => (i % 40) * 8)
        .attr('cx', (d) => posOf.get(d.user)!.x)
        .attr('cy', (d) => posOf.get(d.user)!.y)
        .transition()
        .duration(500)
        .attr('fill', (d) => serverColor(d.owner));
      sel
        .filter((d) => !d.moved)
        .attr('cx', (d) => posOf.get(d.user)!.x)
        .attr('cy', (d) => posOf.get(d.user)!.y)
        .attr('fill', (d) => serverColor(d.owner));
    } else {
      sel
        .filter(function () {
          return !d3.active(this);
        })
        .attr('cx', (d) => posOf.get(d.user)!.x)
        .attr('cy', (d) => posOf.get(d.user)!.y)
        .attr('fill', (d) => serverColor(d.owner));
    }
  }

  return {
    update,
    destroy() {
      svg.selectAll('*').interrupt().remove();
    },
  };
}

/** Expected moved share for a change from `before` to `after` live servers. */
export function expectedMoved(
  kind: 'ring' | 'modulo',
  before: number,
  after: number,
): { share: number; formula: string } {
  const big = Math.max(before, after);
  if (before === after || big === 0) return { share: 0, formula: 'no change' };
  if (kind === 'ring') {
    const k = Math.abs(after - before);
    return { share: k / big, formula: after > before ? `1/(N+1)` : `1/N` };
  }
  // hash mod N vs hash mod M keeps a user only when both agree: about 1/max(N, M) of them.
  return { share: 1 - 1 / big, formula: after > before ? `N/(N+1)` : `(N−1)/N` };
}

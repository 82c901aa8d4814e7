/**
 * Moving messages on a Canvas 2D layer over the SVG topology. Each traced hop is drawn at the
 * point its send/receive times and the drawing clock put it (RaftScope's render.messages idea);
 * the engine never streams motion. With reduced motion, edges show counters instead of dots.
 */
import { MsgKind, NodeId, TRACE_STRIDE } from '../../bridge/engine';
import { anchor, slotPos, type StageLayout } from '../layout';
import { MSG_COLOR } from '../palette';
import type { World } from '../world';
import { MAX_SEQ_LABELS, pickSeqLabels, roomOfUser } from './seqLabels';

export interface PacketsOptions {
  world: World;
  getLayout(): StageLayout | null;
  reduced(): boolean;
}

type Pt = [number, number];

export function createPackets(canvas: HTMLCanvasElement, opts: PacketsOptions) {
  const ctx = canvas.getContext('2d', { alpha: true })!;
  let w = 0;
  let h = 0;
  let dpr = 1;
  /** Reduced motion: per-edge counters of hops started recently, decaying over ~1 s of wall time. */
  const counts = new Map<string, { n: number; from: Pt; to: Pt; pts: Pt[]; kind: number }>();
  let lastV = -1;
  let lastWall = 0;
  /** Glows keep the points of the layout they were counted in: a new layout (Present mode, a
      resize, another strategy) starts them afresh instead of drawing lines where nodes were. */
  let lastLayout: StageLayout | null = null;
  /** Sequence-number labels: the hops picked this frame (scratch, allocated once). */
  const labelIdx = new Int32Array(MAX_SEQ_LABELS);
  const labelRooms = new Int32Array(MAX_SEQ_LABELS);
  /** What the labels said last (`r<room>#<seq>` each): the canvas's data-seq-labels, for tests. */
  let labelText = '';

  /** Matches the canvas to the layout's pixel size (cheap when nothing changed). */
  function fit(l: StageLayout) {
    dpr = Math.min(2, window.devicePixelRatio || 1);
    const pw = Math.round(l.w * l.scale);
    const ph = Math.round(l.h * l.scale);
    if (canvas.width !== Math.round(pw * dpr) || canvas.height !== Math.round(ph * dpr)) {
      canvas.width = Math.round(pw * dpr);
      canvas.height = Math.round(ph * dpr);
      canvas.style.width = `${pw}px`;
      canvas.style.height = `${ph}px`;
    }
    w = l.w;
    h = l.h;
  }

  /** The path a hop follows: client ↔ server hops pass through the load balancer. */
  function path(l: StageLayout, from: number, to: number, user: number): Pt[] | null {
    const lb = l.nodes.get(NodeId.Lb)!;
    const end = (id: number, other: Pt): Pt | null => {
      if (id === NodeId.Client) return slotPos(l, opts.world.slotOf(user));
      const b = l.nodes.get(id);
      return b ? anchor(b, other[0], other[1]) : null;
    };
    const centre = (id: number): Pt | null => {
      if (id === NodeId.Client) return slotPos(l, opts.world.slotOf(user));
      const b = l.nodes.get(id);
      return b ? [b.x, b.y] : null;
    };
    const a = centre(from);
    const b = centre(to);
    if (!a || !b) return null;
    // Every hop with a client at one end passes the load balancer: a recovery fetch goes
    // client → LB → DB (or → the broker's log), through an endpoint server the trace does not name.
    const viaLb = (from === NodeId.Client) !== (to === NodeId.Client);
    if (viaLb) {
      const lbIn: Pt = [lb.x - lb.w / 2, lb.y];
      const lbOut: Pt = [lb.x + lb.w / 2, lb.y];
      const client = from === NodeId.Client ? a : b;
      const server = from === NodeId.Client ? end(to, lbOut)! : end(from, lbOut)!;
      const pts: Pt[] = [client, lbIn, lbOut, server];
      return from === NodeId.Client ? pts : pts.reverse();
    }
    // The engine stamps a publish DB → broker (commit, then the chat service publishes: two
    // datacenter hops); draw it through the chat service, which is who sends it.
    const chat = l.nodes.get(NodeId.Chat);
    if (
      chat &&
      ((from === NodeId.Db && to === NodeId.Broker) || (from === NodeId.Broker && to === NodeId.Db))
    ) {
      const c: Pt = [chat.x, chat.y];
      const p = end(from, c)!;
      const q = end(to, c)!;
      const ci = anchor(chat, p[0], p[1]);
      const co = anchor(chat, q[0], q[1]);
      return [p, ci, co, q];
    }
    const p = end(from, b);
    const q = end(to, a);
    return p && q ? [p, q] : null;
  }

  function at(pts: Pt[], f: number): Pt {
    if (pts.length === 2) {
      const [p, q] = pts as [Pt, Pt];
      return [p[0] + (q[0] - p[0]) * f, p[1] + (q[1] - p[1]) * f];
    }
    let total = 0;
    for (let i = 1; i < pts.length; i++)
      total += Math.hypot(pts[i]![0] - pts[i - 1]![0], pts[i]![1] - pts[i - 1]![1]);
    let d = f * total;
    for (let i = 1; i < pts.length; i++) {
      const p = pts[i - 1]!;
      const q = pts[i]!;
      const seg = Math.hypot(q[0] - p[0], q[1] - p[1]);
      if (d <= seg || i === pts.length - 1) {
        const g = seg > 0 ? Math.min(1, d / seg) : 1;
        return [p[0] + (q[0] - p[0]) * g, p[1] + (q[1] - p[1]) * g];
      }
      d -= seg;
    }
    return pts[pts.length - 1]!;
  }

  function draw() {
    const l = opts.getLayout();
    const world = opts.world;
    if (!l) {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      return;
    }
    fit(l);
    ctx.setTransform(dpr * l.scale, 0, 0, dpr * l.scale, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const hops = world.hops;
    const v = world.viewUs;
    const linger = world.lingerUs();
    const reduced = opts.reduced();
    const many = world.hopCount > 3000;
    const r = many ? 2.5 : 4;
    const wall = performance.now();
    // Per-edge activity: hops counted once, in the frame their send time is reached — even hops
    // far too short to see as a moving dot (a 0.25 ms datacenter hop at ×1). With reduced motion
    // the counts are the whole picture; otherwise they make busy edges glow under the dots.
    const decay = Math.exp(-Math.max(0, wall - lastWall) / (reduced ? 1000 : 450));
    for (const [k, c] of counts) {
      c.n *= decay;
      if (c.n < 0.05) counts.delete(k);
    }
    if (v < lastV || l !== lastLayout) counts.clear(); // a new run, or nodes have moved
    lastLayout = l;
    const prevV = lastV;
    lastV = v;
    lastWall = wall;
    for (let i = 0; i < world.hopCount; i++) {
      const o = i * TRACE_STRIDE;
      const kind = hops[o]!;
      const send = hops[o + 3]!;
      if (send > v || send <= prevV || kind === MsgKind.Loss || isClientMark(kind)) continue;
      const from = hops[o + 1]!;
      const to = hops[o + 2]!;
      if (!reduced && (from === NodeId.Client || to === NodeId.Client)) continue;
      const pts = path(l, from, to, hops[o + 5]!);
      if (!pts) continue;
      const key = reduced ? `${from}-${to}-${kind}` : `${from}-${to}`;
      const c = counts.get(key);
      if (c) {
        c.n++;
        c.kind = kind;
      } else counts.set(key, { n: 1, from: pts[0]!, to: pts[pts.length - 1]!, pts, kind });
    }
    // Nothing is drawn over the load balancer, whose label would vanish under passing dots: the
    // canvas is clipped to everything but its box.
    const lb = l.nodes.get(NodeId.Lb);
    ctx.save();
    if (lb) {
      ctx.beginPath();
      ctx.rect(0, 0, w, h);
      ctx.rect(lb.x - lb.w / 2 + 6, lb.y - lb.h / 2 + 4, lb.w - 12, lb.h - 8);
      ctx.clip('evenodd');
    }
    if (!reduced) drawGlows();
    for (let i = 0; i < world.hopCount; i++) {
      const o = i * TRACE_STRIDE;
      const kind = hops[o]!;
      const send = hops[o + 3]!;
      const recv = hops[o + 4]!;
      if (send > v) continue;
      if (isClientMark(kind)) {
        if (v >= recv) drawClientMark(l, kind, hops[o + 5]!, (v - recv) / linger);
        continue;
      }
      const pts = path(l, hops[o + 1]!, hops[o + 2]!, hops[o + 5]!);
      if (!pts) continue;
      if (kind === MsgKind.Loss) {
        if (v < recv) continue;
        // A loss: a fading cross where the message died — beside a server's card rather than
        // on it, where it would hide the connection count.
        const age = (v - recv) / linger;
        const lostAt = l.nodes.get(hops[o + 2]!);
        const [x, y] =
          lostAt && lostAt.kind === 'server' ? [lostAt.x + lostAt.w / 2 + 9, lostAt.y] : pts[pts.length - 1]!;
        ctx.globalAlpha = Math.max(0, 1 - age);
        ctx.strokeStyle = MSG_COLOR[MsgKind.Loss]!;
        ctx.lineWidth = 2.5;
        ctx.beginPath();
        ctx.moveTo(x - 5, y - 5);
        ctx.lineTo(x + 5, y + 5);
        ctx.moveTo(x - 5, y + 5);
        ctx.lineTo(x + 5, y - 5);
        ctx.stroke();
        ctx.globalAlpha = 1;
        continue;
      }
      if (reduced || v > recv) continue;
      const f = recv > send ? (v - send) / (recv - send) : 1;
      const [x, y] = at(pts, f);
      ctx.fillStyle = MSG_COLOR[kind] ?? '#999';
      if (many) {
        ctx.fillRect(x - r / 2, y - r / 2, r, r);
      } else {
        ctx.beginPath();
        ctx.arc(x, y, r, 0, Math.PI * 2);
        ctx.fill();
        if (kind === MsgKind.Coord) {
          ctx.strokeStyle = '#333';
          ctx.lineWidth = 1;
          ctx.stroke();
        }
      }
    }
    if (reduced) drawCounters();
    else if (world.scenario?.sequenceNumbers) drawSeqLabels(l, v);
    else setLabelText('');
    ctx.restore();
  }

  /**
   * Sequence numbers on: a few messages in flight carry their room's number ("#41") beside the
   * dot, moving with it, so a gap or a repeat is readable as numbers, not only as a flash.
   */
  function drawSeqLabels(l: StageLayout, v: number) {
    const world = opts.world;
    const sc = world.scenario!;
    const n = pickSeqLabels(
      world.hops,
      world.hopSeqs,
      world.hopCount,
      v,
      sc.users,
      sc.roomSize,
      labelIdx,
      labelRooms,
    );
    ctx.font = '600 11px system-ui, sans-serif';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    let text = '';
    for (let j = 0; j < n; j++) {
      const i = labelIdx[j]!;
      const o = i * TRACE_STRIDE;
      const pts = path(l, world.hops[o + 1]!, world.hops[o + 2]!, world.hops[o + 5]!);
      if (!pts) continue;
      const send = world.hops[o + 3]!;
      const recv = world.hops[o + 4]!;
      const [x, y] = at(pts, recv > send ? (v - send) / (recv - send) : 1);
      const seq = world.hopSeqs[i]!;
      const label = `#${seq}`;
      const tw = ctx.measureText(label).width;
      // Never over a node's box (a server's name, the load balancer's label): skip that one.
      if (overNode(l, x + 5, y - 15, tw + 6, 13)) continue;
      // A pale pill under dark figures keeps the number legible over edges and other dots.
      ctx.globalAlpha = 0.88;
      ctx.fillStyle = '#fff';
      ctx.beginPath();
      ctx.roundRect(x + 5, y - 15, tw + 6, 13, 4);
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.fillStyle = '#1a1a1a';
      ctx.fillText(label, x + 8, y - 8);
      text += `${text ? ' ' : ''}r${roomOfUser(world.hops[o + 5]!, sc.users, sc.roomSize)}#${seq}`;
    }
    setLabelText(text);
  }

  function setLabelText(text: string) {
    if (text === labelText) return;
    labelText = text;
    if (text) canvas.dataset.seqLabels = text;
    else delete canvas.dataset.seqLabels;
  }

  /**
   * A mark at the client's dot: a detected gap flashes as an expanding ring; a dropped duplicate
   * is a small copy struck through. Both fade over ~0.6 s of wall time.
   */
  function drawClientMark(l: StageLayout, kind: number, user: number, age: number) {
    if (age > 1) return;
    const [x, y] = slotPos(l, opts.world.slotOf(user));
    ctx.globalAlpha = Math.max(0, 1 - age);
    ctx.strokeStyle = MSG_COLOR[kind] ?? '#999';
    if (kind === MsgKind.Gap) {
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      ctx.arc(x, y, 5 + age * 9, 0, Math.PI * 2);
      ctx.stroke();
    } else {
      ctx.fillStyle = MSG_COLOR[kind] ?? '#999';
      ctx.fillRect(x + 5, y - 8, 8, 8);
      // Struck through when the idempotent client drops it; a plain copy when the app sees it twice.
      if (!opts.world.scenario?.idempotent) {
        ctx.globalAlpha = 1;
        return;
      }
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(x + 3, y - 1);
      ctx.lineTo(x + 15, y - 9);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }

  function drawGlows() {
    ctx.lineCap = 'round';
    for (const c of counts.values()) {
      ctx.globalAlpha = Math.min(0.85, 0.12 + c.n / 8);
      ctx.strokeStyle = MSG_COLOR[c.kind] ?? '#999';
      ctx.lineWidth = 3;
      ctx.beginPath();
      ctx.moveTo(c.pts[0]![0], c.pts[0]![1]);
      for (let i = 1; i < c.pts.length; i++) ctx.lineTo(c.pts[i]![0], c.pts[i]![1]);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }

  /** Reduced motion: a still badge per busy edge with the number of messages on it now. */
  function drawCounters() {
    ctx.font = '600 12px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (const c of counts.values()) {
      if (c.n < 0.5) continue;
      const x = (c.from[0] + c.to[0]) / 2;
      const y = (c.from[1] + c.to[1]) / 2;
      const label = String(Math.round(c.n));
      ctx.globalAlpha = Math.min(1, 0.35 + c.n / 4);
      const bw = 10 + label.length * 7;
      ctx.fillStyle = MSG_COLOR[c.kind] ?? '#999';
      ctx.beginPath();
      ctx.roundRect(x - bw / 2, y - 9, bw, 18, 9);
      ctx.fill();
      ctx.fillStyle = c.kind === MsgKind.Coord || c.kind === MsgKind.PollResponse ? '#111' : '#fff';
      ctx.fillText(label, x, y + 0.5);
    }
    ctx.globalAlpha = 1;
  }

  return { draw, destroy() {} };
}

/** True when the rectangle (x, y, w, h) overlaps any node's box. */
function overNode(l: StageLayout, x: number, y: number, w: number, h: number): boolean {
  for (const b of l.nodes.values())
    if (x < b.x + b.w / 2 && x + w > b.x - b.w / 2 && y < b.y + b.h / 2 && y + h > b.y - b.h / 2) return true;
  return false;
}

/** Trace kinds that are an instant at the client rather than a hop. */
function isClientMark(kind: number): boolean {
  return kind === MsgKind.Gap || kind === MsgKind.Duplicate;
}

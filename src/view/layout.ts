/**
 * Where things sit on the stage, per strategy. Fixed, learnable positions (UI.md): clients on the
 * left, the load balancer, a column of endpoint servers, and on the right what the strategy needs.
 * SVG nodes, canvas dots and the ring panel all read positions from here.
 */
import { NodeId, type Strategy } from '../bridge/engine';

export type NodeKind = 'lb' | 'db' | 'chat' | 'coord' | 'broker' | 'server';

export interface NodeBox {
  id: number;
  kind: NodeKind;
  /** Centre. */
  x: number;
  y: number;
  w: number;
  h: number;
  label: string;
  sub?: string;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface StageLayout {
  /** Size in layout units; the stage draws them `scale` pixels each (big screens zoom in). */
  w: number;
  h: number;
  scale: number;
  strategy: Strategy;
  /** Where the client sample grid is drawn. */
  clients: Rect & { cols: number; rows: number; cell: number; capacity: number };
  nodes: Map<number, NodeBox>;
  /** Static edges [from, to] drawn as faint lines. */
  edges: [number, number][];
  /** The hash-ring / bucket panel (hashing strategies only). */
  ringArea: Rect | null;
}

/** Shortest server card that still carries its name (compact mode splits the column below it). */
export const MIN_CARD_H = 17;

export const isHashing = (s: Strategy) => s === 'modulo-hashing' || s === 'consistent-hashing';

export function computeLayout(
  strategy: Strategy,
  serverIds: readonly number[],
  w: number,
  h: number,
  clientCapacity: number,
  scale = 1,
): StageLayout {
  const hashing = isHashing(strategy);
  const pad = 14;
  const ringW = hashing ? Math.min(Math.max(w * 0.32, 236), h * 0.95, w * 0.42) : 0;
  const tw = w - ringW; // topology width
  const top = 34; // room for the stage caption
  const usableH = h - top - pad;
  const cy = top + usableH / 2;

  // Client grid: a block of sample dots on the left.
  const gridW = Math.min(Math.max(tw * 0.15, 72), 210);
  const gridH = Math.min(usableH - 30, gridW * 2.4);
  const capacity = Math.max(16, clientCapacity);
  const cols = Math.max(4, Math.round(Math.sqrt((capacity * gridW) / gridH)));
  const rows = Math.ceil(capacity / cols);
  const cell = Math.min(gridW / cols, gridH / rows);
  const clients = {
    x: pad,
    y: cy - (rows * cell) / 2,
    w: cols * cell,
    h: rows * cell,
    cols,
    rows,
    cell,
    capacity,
  };

  const nodes = new Map<number, NodeBox>();
  const small = tw < 700 || h < 380;
  const boxW = small ? 96 : 116;
  const boxH = small ? 42 : 50;
  const add = (
    id: number,
    kind: NodeKind,
    fx: number,
    y: number,
    label: string,
    sub?: string,
    bw = boxW,
    bh = boxH,
  ) => {
    const box: NodeBox = { id, kind, x: fx * tw, y, w: bw, h: bh, label };
    if (sub) box.sub = sub;
    nodes.set(id, box);
  };

  const lbX = hashing ? 0.28 : 0.29;
  const srvX = hashing ? 0.52 : 0.47;
  const lbW = small ? 86 : 100;
  // Never on top of the client grid, whatever the fraction says.
  const lbFx = Math.max(lbX, (clients.x + clients.w + 18 + lbW / 2) / tw);
  add(NodeId.Lb, 'lb', lbFx, cy, 'Load', 'balancer', lbW, small ? 58 : 66);

  // Server column: cards shrink with their number; once a card would be too short to carry its
  // label, the column splits into side-by-side columns (compact mode), so every server keeps a
  // readable name up to the most the page allows.
  const n = Math.max(1, serverIds.length);
  const gap = n > 24 ? 2 : n > 12 ? 3 : 6;
  const maxRows = Math.max(1, Math.floor((usableH - 8 + gap) / (MIN_CARD_H + gap)));
  const srvCols = Math.ceil(n / maxRows);
  const colGap = 4;
  // Compact columns need room for a name each ("S63").
  const cardW = Math.max(
    Math.min(small ? 124 : 150, Math.max(tw * 0.17, small ? 112 : 128)),
    srvCols * 31 + (srvCols - 1) * colGap,
  );
  const rowsN = Math.ceil(n / srvCols);
  const cardWe = srvCols === 1 ? cardW : (cardW - (srvCols - 1) * colGap) / srvCols;
  const cardH = Math.max(2, Math.min(small ? 50 : 62, (usableH - 8 - gap * (rowsN - 1)) / rowsN));
  const colH = rowsN * cardH + (rowsN - 1) * gap;
  const colOffset = new Map<number, number>();
  serverIds.forEach((id, i) => {
    const col = Math.floor(i / rowsN);
    const row = i - col * rowsN;
    const y = cy - colH / 2 + cardH / 2 + row * (cardH + gap);
    const dx = srvCols === 1 ? 0 : -cardW / 2 + cardWe / 2 + col * (cardWe + colGap);
    colOffset.set(id, dx);
    add(NodeId.ServerBase + id, 'server', srvX, y, `S${id}`, undefined, cardWe, cardH);
  });

  const edges: [number, number][] = [];
  const srvNodes = serverIds.map((id) => NodeId.ServerBase + id);
  for (const s of srvNodes) edges.push([NodeId.Lb, s]);

  if (strategy === 'polling') {
    add(NodeId.Chat, 'chat', 0.72, top + usableH * 0.2, 'Chat service', 'writes');
    add(
      NodeId.Db,
      'db',
      0.86,
      cy + usableH * 0.08,
      'Database',
      undefined,
      small ? 140 : 156,
      small ? 78 : 92,
    );
    for (const s of srvNodes) edges.push([s, NodeId.Db], [s, NodeId.Chat]);
    edges.push([NodeId.Chat, NodeId.Db]);
  } else if (strategy === 'pubsub' || strategy === 'long-polling') {
    // Long polling: the broker only tells servers of news; every request reads the DB.
    // Its servers also read the DB: the broker goes above the server → DB lines, not across them.
    const lp = strategy === 'long-polling';
    add(
      NodeId.Broker,
      'broker',
      lp ? 0.72 : 0.7,
      lp ? top + usableH * 0.14 : cy,
      'Broker',
      lp ? 'news only' : 'Redis Pub/Sub',
      small ? 124 : 136,
      small ? 62 : 72,
    );
    add(NodeId.Chat, 'chat', 0.89, top + usableH * (lp ? 0.45 : 0.22), 'Chat service');
    add(
      NodeId.Db,
      'db',
      lp ? 0.8 : 0.89,
      top + usableH * (lp ? 0.8 : 0.76),
      'Database',
      undefined,
      small ? 120 : 136,
      small ? 64 : 76,
    );
    for (const s of srvNodes) edges.push([s, NodeId.Broker], [s, NodeId.Chat]);
    if (lp) for (const s of srvNodes) edges.push([s, NodeId.Db]);
    edges.push([NodeId.Chat, NodeId.Broker], [NodeId.Chat, NodeId.Db]);
  } else {
    // Chat service level with the servers it pushes to; DB above it, coordinator below, so the
    // push fan does not cross the other boxes.
    add(NodeId.Chat, 'chat', 0.84, cy, 'Chat service', 'routes to owner', small ? 104 : 120);
    add(
      NodeId.Coord,
      'coord',
      0.84,
      top + usableH * 0.84,
      'Coordinator',
      'ZooKeeper / etcd',
      small ? 112 : 128,
    );
    add(
      NodeId.Db,
      'db',
      0.84,
      top + usableH * 0.15,
      'Database',
      undefined,
      small ? 100 : 116,
      small ? 62 : 72,
    );
    for (const s of srvNodes) edges.push([s, NodeId.Chat], [s, NodeId.Coord]);
    edges.push([NodeId.Chat, NodeId.Db], [NodeId.Chat, NodeId.Coord]);
  }
  // Keep boxes inside the topology area whatever the fractions say (server columns as a block).
  for (const b of nodes.values()) {
    const half = b.kind === 'server' ? cardW / 2 : b.w / 2;
    b.x = Math.min(Math.max(b.x, half + pad), tw - half - pad);
  }
  if (hashing) {
    // The ring takes a third of the stage, so share what is left evenly between the columns:
    // grid | LB | servers | chat, DB, coordinator.
    const lb = nodes.get(NodeId.Lb)!;
    const right = Math.max(...[NodeId.Chat, NodeId.Db, NodeId.Coord].map((id) => nodes.get(id)!.w));
    const rightLeft = tw - pad - right;
    const gridRight = clients.x + clients.w;
    const gapX = Math.max(6, (rightLeft - gridRight - lb.w - cardW) / 3);
    lb.x = gridRight + gapX + lb.w / 2;
    const sx = lb.x + lb.w / 2 + gapX + cardW / 2;
    for (const id of serverIds) nodes.get(NodeId.ServerBase + id)!.x = sx;
    for (const id of [NodeId.Chat, NodeId.Db, NodeId.Coord]) nodes.get(id)!.x = rightLeft + right / 2;
  }

  for (const id of serverIds) nodes.get(NodeId.ServerBase + id)!.x += colOffset.get(id) ?? 0;

  const ringArea = hashing ? { x: tw, y: 0, w: ringW, h } : null;
  return { w, h, scale, strategy, clients, nodes, edges, ringArea };
}

/** Centre of grid slot `slot`. */
export function slotPos(l: StageLayout, slot: number): [number, number] {
  const c = l.clients;
  const s = ((slot % c.capacity) + c.capacity) % c.capacity;
  const col = s % c.cols;
  const row = Math.floor(s / c.cols);
  return [c.x + (col + 0.5) * c.cell, c.y + (row + 0.5) * c.cell];
}

/** Point on the border of `b` facing (tx, ty). */
export function anchor(b: NodeBox, tx: number, ty: number): [number, number] {
  const dx = tx - b.x;
  const dy = ty - b.y;
  // Server cards are wide and stacked: leave from the side facing the target, so lines fan out
  // from the column instead of crossing the neighbouring cards.
  if (b.kind === 'server' && Math.abs(dx) > b.w / 2) return [b.x + Math.sign(dx) * (b.w / 2), b.y];
  if (dx === 0 && dy === 0) return [b.x, b.y];
  const sx = Math.abs(dx) / (b.w / 2);
  const sy = Math.abs(dy) / (b.h / 2);
  const s = Math.max(sx, sy);
  return [b.x + dx / s, b.y + dy / s];
}

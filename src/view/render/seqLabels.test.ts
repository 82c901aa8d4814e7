import { describe, expect, it } from 'vitest';
import { MsgKind, NodeId, TRACE_STRIDE } from '../../bridge/engine';
import { MAX_SEQ_LABELS, pickSeqLabels, roomOfUser } from './seqLabels';

const S0 = NodeId.ServerBase;

/** Packs hops `[kind, from, to, send, recv, user]` and their sequence numbers. */
function trace(rows: [number, number, number, number, number, number, number][]) {
  const hops = new Float64Array(rows.length * TRACE_STRIDE);
  const seqs = new Uint32Array(rows.length);
  rows.forEach((r, i) => {
    hops.set(r.slice(0, 6), i * TRACE_STRIDE);
    seqs[i] = r[6];
  });
  return { hops, seqs };
}

function pick(rows: Parameters<typeof trace>[0], v: number, max = MAX_SEQ_LABELS) {
  const { hops, seqs } = trace(rows);
  const out = new Int32Array(max);
  const n = pickSeqLabels(hops, seqs, rows.length, v, 100, 10, out, new Int32Array(max));
  return Array.from(out.subarray(0, n));
}

describe('seq labels', () => {
  it('numbers rooms as the engine does: blocks of roomSize, the last absorbing the rest', () => {
    expect(roomOfUser(0, 105, 10)).toBe(0);
    expect(roomOfUser(19, 105, 10)).toBe(1);
    expect(roomOfUser(104, 105, 10)).toBe(9);
    expect(roomOfUser(3, 5, 10)).toBe(0); // fewer users than a room: one room
  });

  it('labels chat messages in flight only, pushes into a client first', () => {
    const idx = pick(
      [
        [MsgKind.Fanout, NodeId.Broker, S0, 0, 100, 5, 7], // 0: fan-out in flight
        [MsgKind.Push, S0, NodeId.Client, 0, 100, 15, 3], // 1: push to a client in flight
        [MsgKind.Push, S0, NodeId.Client, 60, 100, 25, 4], // 2: not sent yet at v = 50
        [MsgKind.Push, S0, NodeId.Client, 0, 50, 35, 5], // 3: arrived at v = 50
        [MsgKind.Connect, NodeId.Client, S0, 0, 100, 45, 0], // 4: no message
        [MsgKind.Push, S0, NodeId.Client, 0, 100, 55, 0], // 5: no sequence number
      ],
      50,
    );
    expect(idx).toEqual([1, 0]);
  });

  it('labels one copy per (room, seq) and stops at the cap', () => {
    // Users 10..19 are room 1: the same message fanned out to three of them is labelled once.
    const same = pick(
      [
        [MsgKind.Push, S0, NodeId.Client, 0, 100, 10, 9],
        [MsgKind.Push, S0, NodeId.Client, 0, 100, 11, 9],
        [MsgKind.Push, S0, NodeId.Client, 0, 100, 12, 10],
        [MsgKind.Push, S0, NodeId.Client, 0, 100, 22, 9], // room 2's own #9
      ],
      50,
    );
    expect(same).toEqual([0, 2, 3]);
    const many = Array.from(
      { length: 30 },
      (_, i) =>
        [MsgKind.Push, S0, NodeId.Client, 0, 100, 0, i + 1] as [
          number,
          number,
          number,
          number,
          number,
          number,
          number,
        ],
    );
    expect(pick(many, 50)).toHaveLength(MAX_SEQ_LABELS);
    expect(pick(many, 50, 4)).toEqual([0, 1, 2, 3]);
  });
});

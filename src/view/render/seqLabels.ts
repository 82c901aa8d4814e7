/**
 * Which moving messages wear a "#<seq>" label (issue 10, sequence numbers on): chat messages in
 * flight — the push to a client first, then fan-out and the chat service's pushes — one label per
 * (room, sequence number), at most {@link MAX_SEQ_LABELS}. Pure: the packets layer draws them.
 */
import { MsgKind, NodeId, TRACE_STRIDE } from '../../bridge/engine';

/** Labels drawn at most (more would cover the dots they name). */
export const MAX_SEQ_LABELS = 12;

/** A room's index as the engine numbers them: consecutive blocks of `roomSize` users, the last one absorbing the rest. */
export function roomOfUser(user: number, users: number, roomSize: number): number {
  const rooms = Math.max(1, Math.floor(users / roomSize));
  return Math.min(rooms - 1, Math.floor(user / roomSize));
}

/** Chat-message hops that may carry a label (a connect or a poll carries no sequence number). */
function labelled(kind: number): boolean {
  return kind === MsgKind.Push || kind === MsgKind.Fanout;
}

/**
 * Fills `out` with the indices of the hops to label at drawing time `v` and returns how many.
 * A hop qualifies while in flight (`send ≤ v < recv`) with a sequence number; pushes into a
 * client's dot come first (that is where the number is checked), then the rest, oldest first
 * within each. `rooms` (same length as `out`) is scratch for the de-duplication.
 */
export function pickSeqLabels(
  hops: Float64Array,
  seqs: Uint32Array,
  count: number,
  v: number,
  users: number,
  roomSize: number,
  out: Int32Array,
  rooms: Int32Array,
): number {
  const max = Math.min(out.length, rooms.length);
  let n = 0;
  for (let pass = 0; pass < 2 && n < max; pass++) {
    for (let i = 0; i < count && n < max; i++) {
      const o = i * TRACE_STRIDE;
      const kind = hops[o]!;
      if (!labelled(kind)) continue;
      const toClient = hops[o + 2] === NodeId.Client;
      if (toClient !== (pass === 0)) continue;
      const seq = seqs[i]!;
      if (seq === 0 || hops[o + 3]! > v || hops[o + 4]! <= v) continue;
      const room = roomOfUser(hops[o + 5]!, users, roomSize);
      let dup = false;
      for (let j = 0; j < n && !dup; j++) dup = rooms[j] === room && seqs[out[j]!] === seq;
      if (dup) continue;
      out[n] = i;
      rooms[n] = room;
      n++;
    }
  }
  return n;
}

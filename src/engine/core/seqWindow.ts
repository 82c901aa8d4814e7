/** Width of a per-recipient sliding window of sequence numbers (one bit each in a Uint32). */
export const SEQ_WINDOW = 32;

/**
 * Records that recipient `r` has `seq`: `mark[r]` is the highest number below which every one is
 * had, `window[r]` a bitmap of the {@link SEQ_WINDOW} numbers above it. A number beyond the window
 * slides it up: older numbers slide out and count as had (the window is bounded, so memory is
 * O(recipients) whatever the reordering). Allocation-free.
 */
export function markSeq(mark: Uint32Array, window: Uint32Array, r: number, seq: number): void {
  let m = mark[r]!;
  if (seq <= m) return;
  let win = window[r]!;
  let i = seq - m - 1;
  if (i >= SEQ_WINDOW) {
    const shift = i - SEQ_WINDOW + 1;
    win = shift >= 32 ? 0 : win >>> shift;
    m += shift;
    i = SEQ_WINDOW - 1;
  }
  win = (win | (1 << i)) >>> 0;
  while (win & 1) {
    win >>>= 1;
    m++;
  }
  mark[r] = m;
  window[r] = win;
}

/** Whether recipient `r` has `seq` (at or below its mark, or set in its window). */
export function hasSeq(mark: Uint32Array, window: Uint32Array, r: number, seq: number): boolean {
  const m = mark[r]!;
  if (seq <= m) return true;
  const i = seq - m - 1;
  return i < SEQ_WINDOW && ((window[r]! >>> i) & 1) === 1;
}

/**
 * Marks the slow consumers among server ids 0..out.length-1 (`slowConsumerShare`): a low-discrepancy
 * pick, so any prefix of ids holds about the share. The same servers are slow under every broker,
 * and the page counts them with this same function. No imports: the page's bundle takes it alone.
 */
export function pickSlowServers(out: Uint8Array, share: number): Uint8Array {
  for (let i = 0; i < out.length; i++) out[i] = ((i + 1) * 0.6180339887498949) % 1 < share ? 1 : 0;
  return out;
}

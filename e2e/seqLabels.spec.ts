/**
 * Sequence numbers in the animation (issue 10): with `sequenceNumbers` on, a few traced messages in
 * flight wear their room's number; the numbers a room shows grow as it talks; with them off there
 * are none. The canvas says what it drew in `data-seq-labels` (`r<room>#<seq>` each).
 */
import { expect, test, type Page } from '@playwright/test';
import { collectErrors, waitSimTime } from './helpers';

const BASE = './?strategy=pubsub&users=5000&messagesPerUserPerMin=12&roomSize=10&servers=4&seed=3';

function labels(page: Page): Promise<string | null> {
  return page.locator('canvas.packets').getAttribute('data-seq-labels');
}

test('with sequence numbers on, messages in flight carry their room number, and a room counts up', async ({
  page,
}) => {
  test.setTimeout(120_000); // a loaded machine draws fewer frames: give the labels time to show
  const errors = collectErrors(page);
  await page.goto(`${BASE}&sequenceNumbers=true`);
  // Room → sequence numbers in the order they first appeared on screen.
  const firstSeen = new Map<number, number[]>();
  let most = 0;
  await expect
    .poll(
      async () => {
        const text = await labels(page);
        const items = text ? text.split(' ') : [];
        most = Math.max(most, items.length);
        for (const item of items) {
          const m = /^r(\d+)#(\d+)$/.exec(item);
          expect(m, item).not.toBeNull();
          const room = Number(m![1]);
          const seq = Number(m![2]);
          const seen = firstSeen.get(room) ?? [];
          if (!seen.includes(seq)) seen.push(seq);
          firstSeen.set(room, seen);
        }
        const rooms = [...firstSeen.values()];
        return rooms.some((s) => s.length >= 3) && rooms.length >= 3;
      },
      { timeout: 90_000, intervals: [50] },
    )
    .toBe(true);
  expect(most).toBeLessThanOrEqual(12);
  // Each room's numbers appear in the order the room sent them: later ones are higher.
  for (const [room, seqs] of firstSeen) {
    expect(
      seqs.every((s) => s >= 1),
      `room ${room}: ${seqs.join(',')}`,
    ).toBe(true);
    const rises = seqs.slice(1).filter((s, i) => s > seqs[i]!).length;
    expect(rises, `room ${room}: ${seqs.join(',')}`).toBe(seqs.length - 1);
  }
  expect(errors).toEqual([]);
});

test('with sequence numbers off, no message wears a number', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto(BASE);
  let reads = 0;
  await expect
    .poll(
      async () => {
        expect(await labels(page)).toBeNull();
        reads++;
        return reads;
      },
      { timeout: 30_000, intervals: [100] },
    )
    .toBeGreaterThanOrEqual(20);
  // The same run with them on shows numbers by now (the test above), so their absence is the switch's doing.
  await waitSimTime(page, 2);
  expect(await labels(page)).toBeNull();
  expect(errors).toEqual([]);
});

import { describe, expect, it } from 'vitest';
import { hotRoomSlots, shardBars } from './hotRoomLogic';

describe('hotRoomSlots', () => {
  it('marks the sampled users inside the room and nothing else', () => {
    const users = Uint32Array.from([0, 7, 14, 21, 28, 35]);
    const out = new Uint8Array(8);
    // Room of users 10 … 29.
    expect(hotRoomSlots(users, 10, 20, out)).toBe(3);
    expect(Array.from(out)).toEqual([0, 0, 1, 1, 1, 0, 0, 0]);
  });

  it('clears slots marked by an earlier call and handles a room no sampled user is in', () => {
    const out = new Uint8Array([1, 1, 1]);
    expect(hotRoomSlots(Uint32Array.from([0, 50, 100]), 1, 2, out)).toBe(0);
    expect(Array.from(out)).toEqual([0, 0, 0]);
  });

  it('stops at the grid capacity', () => {
    const out = new Uint8Array(2);
    expect(hotRoomSlots(Uint32Array.from([0, 1, 2, 3]), 0, 4, out)).toBe(2);
    expect(Array.from(out)).toEqual([1, 1]);
  });
});

describe('shardBars', () => {
  it('the hottest shard gets the full bar, the others their traffic relative to it', () => {
    const b = shardBars([100, 400, 50, 250]);
    expect(b.hottest).toBe(1);
    expect(b.fill).toEqual([0.25, 1, 0.125, 0.625]);
    expect(b.share).toEqual([0.125, 0.5, 0.0625, 0.3125]);
  });

  it('no traffic yet: no hottest shard and empty bars', () => {
    const b = shardBars([0, 0, 0]);
    expect(b.hottest).toBe(-1);
    expect(b.fill).toEqual([0, 0, 0]);
    expect(b.share).toEqual([0, 0, 0]);
  });

  it('a tie goes to the lowest shard id', () => {
    expect(shardBars([3, 5, 5]).hottest).toBe(1);
  });
});

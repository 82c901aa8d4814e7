import { describe, expect, it } from 'vitest';
import { ROOM_LOG_BUDGET_BYTES, RoomLog } from './roomLog';

const sink = () => {
  const got: number[] = [];
  return { got, recordLatency: (us: number) => got.push(us) };
};

describe('RoomLog', () => {
  it('keeps every room when their rings fit the budget', () => {
    const log = new RoomLog(1000, 50, 1_000_000);
    expect(log.stride).toBe(1);
    expect(log.loggedRooms).toBe(1000);
    expect(log.bytes).toBe(1000 * 50 * 7);
  });

  it('never holds more than its budget, however many rooms or messages are wanted', () => {
    for (const rooms of [1, 2, 999, 500_000, 1_000_000])
      for (const cap of [4, 190, 4096, 62_500, 10_000_000])
        for (const budget of [0, 5, 6, 1000, 1e6, ROOM_LOG_BUDGET_BYTES]) {
          const log = new RoomLog(rooms, cap, budget);
          expect(log.bytes, `${rooms} rooms × ${cap}, budget ${budget}`).toBeLessThanOrEqual(budget);
          if (budget >= 7) expect(log.loggedRooms).toBeGreaterThanOrEqual(1);
        }
  });

  it('samples every k-th room when over budget, and times reads only there', () => {
    // 10 rooms × 100 slots = 7000 bytes wanted; 2800 fit 4 rooms → every 3rd room (0, 3, 6, 9).
    const log = new RoomLog(10, 100, 2800);
    expect(log.stride).toBe(3);
    expect(log.loggedRooms).toBe(4);
    expect(log.bytes).toBeLessThanOrEqual(2800);
    for (let room = 0; room < 10; room++) {
      expect(log.logs(room)).toBe(room % 3 === 0);
      log.record(room, 1, 0, 1000 + room);
      log.record(room, 2, 1, 2000 + room);
    }
    for (let room = 0; room < 10; room++) {
      const s = sink();
      const n = log.latencies(room, 0, 2, 1, 5000, s);
      // Member 1 sent seq 2: only seq 1 (sent by member 0) is its to time.
      expect(n).toBe(room % 3 === 0 ? 1 : 0);
      if (room % 3 === 0) expect(s.got).toEqual([5000 - (1000 + room)]);
    }
  });

  it('logs nothing in rooms of its own that its samples do not hold (no slot is shared)', () => {
    const log = new RoomLog(7, 3, 7 * 3 * 2); // 2 rooms fit → stride 4: rooms 0 and 4
    expect(log.stride).toBe(4);
    log.record(0, 5, 0, 10);
    log.record(4, 5, 0, 40);
    log.record(5, 5, 0, 50); // not logged: must not overwrite room 4's slot
    const s = sink();
    log.latencies(4, 4, 5, 1, 100, s);
    expect(s.got).toEqual([60]);
  });

  it('skips (and reports fewer) messages older than the ring', () => {
    const log = new RoomLog(1, 4, 1e6);
    for (let q = 1; q <= 10; q++) log.record(0, q, 0, q * 10);
    const s = sink();
    expect(log.latencies(0, 0, 10, 1, 200, s)).toBe(4);
    expect(s.got).toEqual([130, 120, 110, 100]);
  });

  it('times a message that waited longer than 2^32 µs (71.6 min) exactly', () => {
    const log = new RoomLog(1, 4, 1e6);
    const commitUs = 10 * 3_600_000_000 + 123; // 10 h into a run
    log.record(0, 1, 0, commitUs);
    const s = sink();
    const waitedUs = 2 * 3_600_000_000 + 7; // two hours: an hour's poll interval plus jitter
    log.latencies(0, 0, 1, 1, commitUs + waitedUs, s);
    expect(s.got).toEqual([waitedUs]);
  });
});

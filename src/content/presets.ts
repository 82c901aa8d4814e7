import type { ScenarioInput } from '../engine';
import { FAILURE_PRESETS } from './failurePresets';
import { GUARANTEE_PRESETS } from './guaranteePresets';

/** A ready-made workload that makes one point. */
export interface Preset {
  id: string;
  title: string;
  scenario: ScenarioInput;
  /** One sentence: what to watch. */
  watch: string;
}

/**
 * Presets: plain data, shared by the page, the tours and the tests. Each sets a full scenario
 * (fields not given take their defaults).
 */
export const PRESETS: readonly Preset[] = [
  {
    id: 'group-chat',
    title: 'Group chat',
    scenario: {
      strategy: 'pubsub',
      topic: 'room',
      users: 100_000,
      roomSize: 20,
      messagesPerUserPerMin: 1,
      servers: 6,
    },
    watch:
      'One publish per room message reaches every server holding a member: fan-out, not per-user routing, is the broker’s work.',
  },
  {
    id: 'one-to-one',
    title: 'One-to-one chat',
    scenario: {
      strategy: 'pubsub',
      topic: 'user',
      users: 100_000,
      roomSize: 2,
      messagesPerUserPerMin: 2,
      servers: 4,
    },
    watch:
      'Each message is one publish to the recipient’s topic and one push: latency is a few network hops, DB reads stay at zero.',
  },
  {
    id: 'doc-editing',
    title: 'Collaborative document editing',
    scenario: {
      strategy: 'consistent-hashing',
      users: 20_000,
      roomSize: 8,
      messagesPerUserPerMin: 30,
      servers: 4,
      vnodes: 150,
      timeline: [{ atS: 20, action: 'add-server' }],
    },
    watch:
      'Every editor of a document must land on the server holding its state; at 20 s a server joins and only ≈ 1/5 of users move, with no edits lost.',
  },
  {
    id: 'notifications',
    title: 'Notifications',
    scenario: {
      strategy: 'pubsub',
      topic: 'room',
      users: 200_000,
      roomSize: 500,
      messagesPerUserPerMin: 0.02,
      servers: 8,
    },
    watch:
      'A rare event fans out to 499 recipients: the broker turns one publish into a delivery to every server at once.',
  },
  {
    id: 'ride-sharing',
    title: 'Ride-sharing driver locations',
    scenario: {
      strategy: 'pubsub',
      topic: 'user',
      users: 50_000,
      roomSize: 2,
      messagesPerUserPerMin: 15,
      servers: 6,
      pollIntervalS: 4,
    },
    watch:
      'A location every 4 s per driver: switch to Polling and see how much worse a 4 s interval is for freshness and for the DB.',
  },
  {
    id: 'stock-ticker',
    title: 'Stock ticker',
    scenario: {
      strategy: 'pubsub',
      topic: 'room',
      users: 10_000,
      roomSize: 10_000,
      messagesPerUserPerMin: 0.006,
      servers: 4,
    },
    watch:
      'One hot topic with 10,000 subscribers: about one tick a second, each fanned out to every server and 9,999 screens — a hot partition for the broker.',
  },
  ...GUARANTEE_PRESETS,
  ...FAILURE_PRESETS,
  {
    id: 'admin-dashboard',
    title: 'Admin dashboard',
    scenario: {
      strategy: 'polling',
      users: 50,
      roomSize: 50,
      messagesPerUserPerMin: 0.2,
      pollIntervalS: 30,
      servers: 2,
    },
    watch:
      '50 admins refreshing every 30 s cost under 2 DB reads per second: polling is the right call — no broker, no ring.',
  },
  {
    id: 'million-polling',
    title: 'A million users polling',
    scenario: {
      strategy: 'polling',
      users: 1_000_000,
      pollIntervalS: 10,
      messagesPerUserPerMin: 1,
      servers: 16,
      dbConcurrency: 128,
    },
    watch:
      '1,000,000 users every 10 s is 100,000 DB reads per second — about 85 % of which find nothing new.',
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

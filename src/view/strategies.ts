/** Names and one-line stories of the strategies, as the page words them. */
import type { Strategy } from '../bridge/engine';

export const STRATEGY_INFO: Record<Strategy, { label: string; short: string; story: string }> = {
  polling: {
    label: 'Polling',
    short: 'Pull',
    story: 'Clients ask on a timer; every poll is a DB read, news or not.',
  },
  'modulo-hashing': {
    label: 'Simple hashing',
    short: 'hash mod N',
    story: 'Each socket lives on server hash(user) mod N; pushes go to that owner.',
  },
  'consistent-hashing': {
    label: 'Consistent hashing',
    short: 'Ring',
    story: 'A ring with virtual nodes picks owners; a new server takes just a slice.',
  },
  pubsub: {
    label: 'Pub/Sub',
    short: 'Broker',
    story: 'Servers subscribe to users’ topics; the broker fans each publish out.',
  },
  'long-polling': {
    label: 'Long polling',
    short: 'Hold',
    story: 'Each client holds a request open; a server answers it when news comes.',
  },
};

export const STRATEGY_ORDER: Strategy[] = [
  'polling',
  'modulo-hashing',
  'consistent-hashing',
  'pubsub',
  'long-polling',
];

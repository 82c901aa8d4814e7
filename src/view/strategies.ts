/** Names and one-line stories of the four strategies, as the page words them. */
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
    story: 'A user’s socket lives on server hash(user) mod N; messages are pushed to that owner.',
  },
  'consistent-hashing': {
    label: 'Consistent hashing',
    short: 'Ring',
    story: 'Owners come from a ring with virtual nodes: a new server takes only a slice of users.',
  },
  pubsub: {
    label: 'Pub/Sub',
    short: 'Broker',
    story: 'Servers subscribe to users’ topics; the chat service publishes, the broker fans out.',
  },
};

export const STRATEGY_ORDER: Strategy[] = ['polling', 'modulo-hashing', 'consistent-hashing', 'pubsub'];

/**
 * An oracle for the delivery-guarantee accounting (MECHANISMS.md "Delivery guarantees"), kept apart
 * from the model's own bookkeeping: each check derives what a total must be from the scenario's
 * switches and the world's committed messages, not from how the engine counted it.
 *
 * - Every committed message owes one delivery to each other member of its room.
 * - A copy the application sees twice, or an idempotent client drops, must have been sent twice:
 *   by at-least-once resends or a Kafka-like replay (`redeliveries`), or pushed after a recovery
 *   read had brought its message (at most one such copy per `recoveredDeliveries`), or by a ring
 *   migration's dual send (the only other source of a second copy).
 * - Each switch off means its counters stay at zero; sequence numbers + recovery + idempotency
 *   means nothing seen twice or out of order.
 */
import type { Scenario } from '../../engine/scenario';
import type { FuzzCheck } from './checks';

/** Whether a run may send a message twice without a resend or replay: a ring migration's dual send. */
function dualSends(s: Scenario): boolean {
  if (s.strategy !== 'modulo-hashing' && s.strategy !== 'consistent-hashing') return false;
  return s.timeline.some((e) => e.action !== 'crash-broker' && e.action !== 'recover-broker');
}

export const ORACLE_CHECKS: FuzzCheck[] = [
  {
    name: 'oracle: expected = committed × recipients',
    check: ({ sim, result, scenario }) => {
      const committed = sim.committedPerRoom();
      const rooms = committed.length;
      let want = 0;
      let messages = 0;
      for (let room = 0; room < rooms; room++) {
        const members = room === rooms - 1 ? scenario.users - room * scenario.roomSize : scenario.roomSize;
        want += committed[room]! * (members - 1);
        messages += committed[room]!;
      }
      const t = result.totals;
      if (t.expectedDeliveries !== want)
        return `expectedDeliveries ${t.expectedDeliveries} ≠ Σ committed × (members − 1) = ${want}`;
      if (t.messagesSent !== messages) return `messagesSent ${t.messagesSent} ≠ committed ${messages}`;
      if (t.deliveries > want) return `deliveries ${t.deliveries} > owed ${want}`;
      return null;
    },
  },
  {
    name: 'oracle: every second copy was sent twice',
    check: ({ result, scenario }) => {
      if (dualSends(scenario)) return null;
      const t = result.totals;
      const seenTwice = t.duplicateDeliveries + t.duplicatesDropped;
      return seenTwice <= t.redeliveries + t.recoveredDeliveries
        ? null
        : `duplicates seen ${t.duplicateDeliveries} + dropped ${t.duplicatesDropped} > redeliveries ${t.redeliveries} + recovered ${t.recoveredDeliveries}`;
    },
  },
  {
    name: 'oracle: switched-off mechanisms count nothing',
    check: ({ result, scenario: s }) => {
      const t = result.totals;
      const zero = (cond: boolean, fields: (keyof typeof t)[]): string | null => {
        if (!cond) return null;
        for (const f of fields) if (t[f] !== 0) return `${f} = ${String(t[f])}`;
        return null;
      };
      const push = isPush(s.strategy);
      const kafka = s.strategy === 'pubsub' && s.broker === 'kafka';
      return (
        zero(!push, ['duplicateDeliveries', 'duplicatesDropped', 'redeliveries', 'gapsDetected']) ??
        zero(!s.sequenceNumbers, ['gapsDetected', 'orderViolations', 'duplicatesDropped']) ??
        zero(!push || !s.sequenceNumbers || s.recovery === 'none', [
          'recoveryReads',
          'recoveredDeliveries',
        ]) ??
        zero(!s.idempotent, ['duplicatesDropped']) ??
        // Only an idempotent client's bounded window, with nothing to recover from, drops a first copy.
        zero(!push || !s.sequenceNumbers || !s.idempotent || s.recovery !== 'none', ['dedupeWindowLost']) ??
        (t.dedupeWindowLost > t.lostDeliveries
          ? `dedupeWindowLost ${t.dedupeWindowLost} > lostDeliveries ${t.lostDeliveries}`
          : null) ??
        zero(s.idempotent, ['duplicateDeliveries']) ??
        zero(s.delivery === 'at-most-once' && !kafka, ['redeliveries']) ??
        // Push strategies read the DB only to recover from it.
        (push && t.dbReads !== (s.sequenceNumbers && s.recovery === 'db' ? t.recoveryReads : 0)
          ? `dbReads ${t.dbReads} with recovery "${s.recovery}" and ${t.recoveryReads} recovery reads`
          : null) ??
        (t.recoveredDeliveries > t.deliveries
          ? `recovered ${t.recoveredDeliveries} > deliveries ${t.deliveries}`
          : null)
      );
    },
  },
  {
    name: 'oracle: recovery or resends lose nothing in transport',
    check: ({ result, scenario: s }) => {
      const push = isPush(s.strategy);
      const t = result.totals;
      // From the DB, or by resending until acknowledged, every copy is still to come: never lost in
      // transport. (From the log, what the log no longer holds is lost.) What an idempotent client's
      // bounded window drops after the transport had it is the application's loss, counted apart.
      const noLoss = push && ((s.sequenceNumbers && s.recovery === 'db') || s.delivery === 'at-least-once');
      if (!noLoss || s.recovery === 'log') return null;
      return t.lostDeliveries === t.dedupeWindowLost
        ? null
        : `lostDeliveries ${t.lostDeliveries} (of which ${t.dedupeWindowLost} dropped by the de-duplication window)`;
    },
  },
  {
    name: 'oracle: exactly once, in order',
    check: ({ result, scenario: s }) => {
      if (!isPush(s.strategy) || !s.sequenceNumbers || s.recovery === 'none' || !s.idempotent) return null;
      const t = result.totals;
      if (t.duplicateDeliveries !== 0) return `duplicateDeliveries ${t.duplicateDeliveries}`;
      if (t.orderViolations !== 0) return `orderViolations ${t.orderViolations}`;
      return null;
    },
  },
];

/**
 * Whether a strategy pushes over a held connection. Polling and long polling read the DB on every
 * request and by sequence number, so the push-side guarantee mechanisms do not apply to them.
 */
function isPush(strategy: string): boolean {
  return strategy !== 'polling' && strategy !== 'long-polling';
}

/**
 * The back-of-the-envelope card: the load in words and numbers, from the current settings alone
 * (the arithmetic an interviewer expects, to hold the simulation's measurements against).
 */
import { selScenario, selUpServers } from '../../store/selectors';
import { useApp } from '../context';
import { compact, duration, percent } from '../format';

export function Envelope() {
  const s = useApp(selScenario);
  const n = useApp(selUpServers);
  const writes = (s.users * s.messagesPerUserPerMin) / 60;
  const fanout = s.roomSize - 1;
  const deliveries = writes * fanout;
  const dbCap = (s.dbConcurrency / s.dbQueryMs) * 1000;
  const lines: { k: string; v: string; hint?: string }[] = [];

  const plural = (k: number, w: string) => `${compact(k)} ${w}${k === 1 ? '' : 's'}`;
  if (s.strategy === 'polling') {
    const reads = s.users / s.pollIntervalS;
    const lambda = (fanout * s.messagesPerUserPerMin) / 60;
    const busy = Math.min(9.99, (reads + writes) / dbCap);
    lines.push(
      {
        k: `${compact(s.users)} users ÷ ${s.pollIntervalS} s`,
        v: `${compact(reads)}/s`,
        hint: `DB reads, one per poll (+ ${compact(writes)} writes/s)`,
      },
      {
        k: 'DB capacity',
        v: `${compact(dbCap)}/s`,
        hint: `${s.dbConcurrency} conns ÷ ${s.dbQueryMs} ms → ${percent(busy, 0)} busy`,
      },
      {
        k: 'Wait for news',
        v: `≈ ${duration((s.pollIntervalS / 2) * 1000)}`,
        hint: 'half the interval, on average',
      },
      {
        k: 'Empty polls',
        v: `≈ ${percent(Math.exp(-lambda * s.pollIntervalS), 0)}`,
        hint: 'e^(−λT), λ = news rate from others',
      },
    );
  } else if (s.strategy === 'pubsub') {
    const topics = s.topic === 'room' ? Math.ceil(s.users / s.roomSize) : s.users;
    lines.push(
      {
        k: 'Per server',
        v: `≈ ${compact(s.users / Math.max(1, n))} conns`,
        hint: `${compact(s.users)} users over ${plural(n, 'server')}`,
      },
      {
        k: 'Chat writes',
        v: `${compact(writes)}/s`,
        hint: `${compact(s.users)} × ${s.messagesPerUserPerMin}/min ÷ 60, each published`,
      },
      {
        k: 'Broker fan-out',
        v: `${compact(deliveries)}/s`,
        hint: `× ${plural(fanout, 'recipient')}, of ${compact(s.brokerCapacityPerS)}/s capacity`,
      },
      {
        k: 'DB reads to deliver',
        v: '0',
        hint: `${compact(topics)} ${s.topic} topics; a few hops of latency`,
      },
    );
  } else {
    const modulo = s.strategy === 'modulo-hashing';
    const moved = modulo ? n / (n + 1) : 1 / (n + 1);
    lines.push(
      {
        k: 'Per server',
        v: `≈ ${compact(s.users / Math.max(1, n))} conns`,
        hint: `${compact(s.users)} users over ${plural(n, 'server')}`,
      },
      {
        k: 'Pushes',
        v: `${compact(deliveries)}/s`,
        hint: `${compact(writes)} writes/s × ${plural(fanout, 'recipient')}; no DB reads`,
      },
      {
        k: 'Add 1 server',
        v: `moves ≈ ${percent(moved, 0)}`,
        hint: `${modulo ? 'N/(N+1)' : '1/(N+1)'} of users → ≈ ${compact(s.users * moved)} reconnects`,
      },
    );
  }

  return (
    <section className="envelope" aria-label="Back of the envelope">
      <h2>Back of the envelope</h2>
      <dl>
        {lines.map((l) => (
          <div key={l.k} className="env-row">
            <dt>{l.k}</dt>
            <dd className="num">{l.v}</dd>
            {l.hint ? <p className="hint">{l.hint}</p> : null}
          </div>
        ))}
      </dl>
    </section>
  );
}

/**
 * The back-of-the-envelope card: the load in words and numbers, from the current settings alone
 * (the arithmetic an interviewer expects, to hold the simulation's measurements against). The
 * figures come from content/envelope.ts, whose test holds each one against an engine run.
 */
import { envelope } from '../../content/envelope';
import { selScenario, selUpServers } from '../../store/selectors';
import { useApp } from '../context';

export function Envelope() {
  const s = useApp(selScenario);
  const n = useApp(selUpServers);
  const lines = envelope(s, n);
  return (
    <section className="envelope" aria-label="Back of the envelope">
      <h2>Back of the envelope</h2>
      <dl>
        {lines.map((l) => (
          <div key={l.id} className="env-row" data-testid={`envelope-${l.id}`}>
            <dt>{l.label}</dt>
            <dd className="num">{l.text}</dd>
            <p className="hint">{l.hint}</p>
          </div>
        ))}
      </dl>
    </section>
  );
}

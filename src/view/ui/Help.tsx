import { selShowHelp } from '../../store/selectors';
import { useApp, useServices } from '../context';

const KEYS: [string, string][] = [
  ['Space', 'Play / pause'],
  ['→', 'Step (a short stretch of simulated time)'],
  ['+ / −', 'Add / remove a server'],
  ['D', 'Deploy: restart every server in turn (rolling)'],
  ['1 – 5', 'Polling, simple hashing, consistent hashing, pub/sub, long polling'],
  ['PgDn / PgUp', 'Tour: next / back step (otherwise step forward / back in time)'],
  ['.', 'Presenter mode: pause / play (the clicker’s blank-screen key)'],
  ['?', 'This list'],
  ['Esc', 'Close; leave presenter mode'],
];

export function Help() {
  const { store } = useServices();
  const open = useApp(selShowHelp);
  if (!open) return null;
  const close = () => store.getState().setShowHelp(false);
  return (
    <div className="help-backdrop" onClick={close}>
      <div
        className="help"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        onClick={(e) => e.stopPropagation()}
      >
        <h2>Keyboard shortcuts</h2>
        <dl>
          {KEYS.map(([k, v]) => (
            <div key={k}>
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
        <p className="muted">
          Click a server card to crash it; click a crashed one to restart it. Hover any figure for what it
          measures.
        </p>
        <button type="button" onClick={close} autoFocus>
          Close
        </button>
      </div>
    </div>
  );
}

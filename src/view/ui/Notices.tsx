import { selNotices } from '../../store/selectors';
import { useApp, useServices } from '../context';

export function Notices() {
  const { store } = useServices();
  const notices = useApp(selNotices);
  if (!notices.length) return null;
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.tone}`}>
          <span>{n.text}</span>
          <button
            type="button"
            aria-label="Dismiss notice"
            onClick={() => store.getState().dismissNotice(n.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

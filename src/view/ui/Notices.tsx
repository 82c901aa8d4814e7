import { useEffect } from 'react';
import { selNotices } from '../../store/selectors';
import { useApp, useServices } from '../context';

/** Information (not warnings) fades on its own; a warning stays until dismissed. */
const INFO_MS = 12_000;

export function Notices() {
  const { store } = useServices();
  const notices = useApp(selNotices);
  useEffect(() => {
    const timers = notices
      .filter((n) => n.tone === 'info')
      .map((n) => setTimeout(() => store.getState().dismissNotice(n.id), INFO_MS));
    return () => timers.forEach(clearTimeout);
  }, [notices, store]);
  if (!notices.length) return null;
  return (
    <div className="notices" role="status" aria-live="polite" data-testid="notices">
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

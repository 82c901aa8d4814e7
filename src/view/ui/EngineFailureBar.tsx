import { useStore } from 'zustand';
import { useServices } from '../context';
import './failure.css';

/** One line when the engine stops, and the way back: the newest checkpoint, or a fresh start. */
export function EngineFailureBar() {
  const { controller } = useServices();
  const failure = useStore(controller.failure, (s) => s.current);
  if (!failure) return null;
  const at = failure.checkpointS;
  return (
    <div className="engine-failure" role="alert" data-testid="engine-failure">
      <span className="engine-failure-text" title={failure.message}>
        The simulation stopped: {failure.message}.
      </span>
      <button type="button" onClick={() => controller.restartAfterFailure()}>
        {at === null ? 'Restart the run' : 'Restart from the last checkpoint'}
        {at === null ? null : <span className="engine-failure-at"> (t = {at.toFixed(0)} s)</span>}
      </button>
    </div>
  );
}

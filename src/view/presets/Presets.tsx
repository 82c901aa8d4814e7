/** The Presets menu and the "what to watch" card a chosen preset leaves on the stage. */
import { useEffect } from 'react';
import { useStore } from 'zustand';
import { normalizeScenario } from '../../bridge/engine';
import { PRESETS, presetById } from '../../content/presets';
import { useServices } from '../context';
import { STRATEGY_INFO } from '../strategies';
import { compact } from '../format';
import { MenuButton } from '../tour/MenuButton';
import '../tour/tour.css';
import { closeTour } from '../tour/tourStore';
import { useClassroom } from '../tour/classroom';
import './presets.css';

export function PresetsMenu() {
  const { store } = useServices();
  const { tour } = useClassroom();
  return (
    <MenuButton
      label="Presets"
      title="Ready-made workloads, each making one point"
      items={PRESETS.map((p) => ({
        id: p.id,
        label: p.title,
        hint: `${STRATEGY_INFO[normalizeScenario(p.scenario).strategy].label} · ${compact(normalizeScenario(p.scenario).users)} users`,
      }))}
      onPick={(id) => {
        const p = presetById(id);
        if (!p) return;
        // A preset is a new workload: a tour in progress would fight it for the scenario.
        if (tour.getState().chapterId) closeTour(tour);
        const st = store.getState();
        const dropped = st.scenario.timeline.length;
        if (!st.replaceScenario(normalizeScenario(p.scenario))) return;
        // A preset is a whole scenario, actions included: say what became of the old run's.
        if (dropped)
          st.pushNotice(
            `Preset loaded, new run from t = 0: ${dropped === 1 ? 'the action' : `the ${dropped} actions`} of the previous run ${dropped === 1 ? 'was' : 'were'} replaced by the preset's own.`,
            'info',
          );
        st.setPlaying(true);
        tour.setState({ presetId: p.id });
      }}
    />
  );
}

/** The chosen preset's one sentence, until dismissed or the scenario changes by hand. */
export function PresetWatch() {
  const { store } = useServices();
  const { tour } = useClassroom();
  const id = useStore(tour, (s) => s.presetId);
  useEffect(() => {
    if (!id) return;
    // Subscribed after the preset's own restart: any later edit of the workload makes it stale.
    return store.subscribe((s, prev) => {
      if (s.runKey !== prev.runKey) tour.setState({ presetId: null });
    });
  }, [id, store, tour]);
  const p = id ? presetById(id) : undefined;
  if (!p) return null;
  return (
    <aside className="preset-watch" data-testid="preset-watch" aria-label={`Preset: ${p.title}`}>
      <div>
        <p className="preset-watch-title">
          Preset · <strong>{p.title}</strong>
        </p>
        <p>
          <span className="preset-watch-label">What to watch: </span>
          {p.watch}
        </p>
      </div>
      <button
        type="button"
        aria-label="Dismiss preset note"
        onClick={() => tour.setState({ presetId: null })}
      >
        ×
      </button>
    </aside>
  );
}

import { setViewMode, useViewFlags } from '../compare/mode';
import { ExportMenu } from '../export/ExportMenu';
import { SPEEDS } from '../../store/store';
import { selBehind, selPlaying, selSimTimeS, selSpeed, selStrategy } from '../../store/selectors';
import { useApp, useServices } from '../context';
import { clock, speedLabel } from '../format';
import { STRATEGY_INFO, STRATEGY_ORDER } from '../strategies';
import { Slider } from './Slider';
import { Logo, PauseIcon, PlayIcon, ResetIcon, StepIcon, StrategyGlyph } from './icons';

function StrategySwitch() {
  const { store } = useServices();
  const strategy = useApp(selStrategy);
  return (
    <div className="segmented" role="radiogroup" aria-label="Strategy">
      {STRATEGY_ORDER.map((s, i) => (
        <label
          key={s}
          className={s === strategy ? 'on' : undefined}
          title={`${STRATEGY_INFO[s].story} (key ${i + 1})`}
        >
          <input
            type="radio"
            name="strategy"
            value={s}
            checked={s === strategy}
            onChange={() => store.getState().setStrategy(s)}
          />
          <StrategyGlyph s={s} />
          <span>{STRATEGY_INFO[s].label}</span>
        </label>
      ))}
    </div>
  );
}

function Transport() {
  const { store, controller } = useServices();
  const playing = useApp(selPlaying);
  return (
    <div className="transport">
      <button
        type="button"
        className="icon primary"
        aria-label={playing ? 'Pause' : 'Play'}
        title={playing ? 'Pause (Space)' : 'Play (Space)'}
        onClick={() => store.getState().togglePlaying()}
      >
        {playing ? <PauseIcon /> : <PlayIcon />}
      </button>
      <button
        type="button"
        className="icon"
        aria-label="Step"
        title="Step (→)"
        onClick={() => controller.step()}
      >
        <StepIcon />
      </button>
      <button
        type="button"
        className="icon"
        aria-label="Reset"
        title="Restart the run from t = 0 (same scenario and seed)"
        onClick={() => store.getState().reset()}
      >
        <ResetIcon />
      </button>
    </div>
  );
}

function Speed() {
  const { store } = useServices();
  const speed = useApp(selSpeed);
  const behind = useApp(selBehind);
  return (
    <div className="speed">
      <Slider
        label="Speed"
        stops={SPEEDS}
        value={speed}
        onChange={(v) => store.getState().setSpeed(v)}
        format={speedLabel}
      />
      {behind !== null ? (
        <p
          className="behind"
          role="status"
          title="The engine worker cannot simulate this workload faster on this machine."
        >
          running at {speedLabel(behind)} of {speedLabel(speed)} requested
        </p>
      ) : null}
    </div>
  );
}

function Clock() {
  const t = useApp(selSimTimeS);
  return (
    <div className="clock" aria-label="Simulated time" title="Simulated time (minutes:seconds)">
      <span className="clock-label">sim time</span>
      <span className="num">{clock(t)}</span>
    </div>
  );
}

/** Compare mode: the same workload through all five strategies side by side. */
function CompareToggle() {
  const { mode } = useViewFlags();
  const on = mode === 'compare';
  return (
    <button
      type="button"
      className={`share compare-toggle${on ? ' on' : ''}`}
      aria-pressed={on}
      title="Run this workload through all five strategies side by side"
      onClick={() => setViewMode(on ? 'single' : 'compare')}
    >
      <span>Compare</span>
    </button>
  );
}

export function TopBar() {
  const { store } = useServices();
  return (
    <header className="topbar">
      <div className="brand">
        <Logo />
        <h1>HopScope</h1>
        <span className="tagline">how does the server find out?</span>
      </div>
      <StrategySwitch />
      <Transport />
      <Speed />
      <Clock />
      <CompareToggle />
      {/* Share and export in one menu: opening it copies the link and shows it (one click). */}
      <ExportMenu />
      <button
        type="button"
        className="icon help-btn"
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
        onClick={() => store.getState().setShowHelp(true)}
      >
        ?
      </button>
    </header>
  );
}

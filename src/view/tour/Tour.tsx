/** The Tours menu and the tour card: a chapter's step, its question, and the measured reveal. */
import { useStore } from 'zustand';
import { CHAPTERS, chapterById } from '../../content/tours';
import { MenuButton } from './MenuButton';
import { useClassroom } from './classroom';
import { formatMeasured } from './tourLogic';
import { closeTour, openStep } from './tourStore';
import './tour.css';

export function ToursMenu() {
  const { tour } = useClassroom();
  return (
    <MenuButton
      label="Tours"
      title="Guided chapters that drive the simulation and ask you to predict"
      items={CHAPTERS.map((c, i) => ({ id: c.id, label: `${i + 1}. ${c.title}`, hint: c.summary }))}
      onPick={(id) => {
        tour.setState({ presetId: null });
        openStep(tour, id, 0, true);
      }}
    />
  );
}

export function TourPanel() {
  const { tour, driver } = useClassroom();
  const s = useStore(tour);
  const ch = s.chapterId ? chapterById(s.chapterId) : undefined;
  const step = ch?.steps[s.step];
  if (!ch || !step) return null;
  const n = ch.steps.length;
  const q = step.question;
  const last = s.step === n - 1;
  const chIdx = CHAPTERS.indexOf(ch);
  const nextChapter = CHAPTERS[chIdx + 1];
  const revealed = s.phase === 'revealed';
  return (
    <section className="tour" aria-label={`Tour: ${ch.title}`} data-testid="tour">
      <header className="tour-head">
        <p className="tour-kicker">
          Tour {chIdx + 1} of {CHAPTERS.length} · <span className="tour-title">{ch.title}</span>
        </p>
        <div
          className="tour-progress"
          role="progressbar"
          aria-label="Tour progress"
          aria-valuemin={1}
          aria-valuemax={n}
          aria-valuenow={s.step + 1}
          aria-valuetext={`Step ${s.step + 1} of ${n}`}
        >
          {ch.steps.map((_, i) => (
            <span key={i} className={i < s.step ? 'done' : i === s.step ? 'now' : undefined} />
          ))}
          <span className="tour-progress-text">
            Step {s.step + 1} of {n}
          </span>
        </div>
        <button type="button" className="tour-close" aria-label="Close tour" onClick={() => closeTour(tour)}>
          ×
        </button>
      </header>
      <div className="tour-body">
        <p className="tour-text">{step.text}</p>
        {q ? (
          <div className="tour-q" role="group" aria-label="Predict">
            <p className="tour-prompt">
              <span className="tour-badge">Predict</span> {q.prompt}
            </p>
            <div className="tour-choices">
              {q.choices.map((c, i) => {
                const mine = s.choice === i;
                const sims = revealed && s.simAnswer === i;
                const cls = ['tour-choice', mine ? 'mine' : '', sims ? 'sim' : ''].join(' ').trim();
                return (
                  <button
                    key={c.label}
                    type="button"
                    className={cls}
                    aria-pressed={mine}
                    disabled={s.phase !== 'asking' && !mine}
                    onClick={() => driver.choose(i)}
                  >
                    {c.label}
                    {sims ? <span className="tour-mark"> ✓ simulation</span> : null}
                  </button>
                );
              })}
            </div>
            {s.phase === 'loading' ? <p className="tour-status">Setting up the scenario…</p> : null}
            {s.phase === 'asking' ? (
              <p className="tour-status">Pick one — the simulation is paused until you do.</p>
            ) : null}
            {s.phase === 'running' ? (
              <p className="tour-status" role="status">
                Running {q.revealAfterS} simulated seconds to measure…
              </p>
            ) : null}
            {revealed && s.measured !== null ? (
              <div className="tour-reveal" role="status" data-testid="tour-reveal">
                <p>
                  <span className="tour-reveal-label">Measured:</span>{' '}
                  <strong data-testid="tour-measured">{formatMeasured(q.measure, s.measured)}</strong>
                  {s.choice !== null ? (
                    <span className={s.choice === s.simAnswer ? 'tour-right' : 'tour-wrong'}>
                      {s.choice === s.simAnswer
                        ? ' — your prediction matches.'
                        : ' — not what you predicted.'}
                    </span>
                  ) : null}
                </p>
                <p className="tour-why">{q.why}</p>
              </div>
            ) : null}
          </div>
        ) : null}
      </div>
      <footer className="tour-foot">
        <button
          type="button"
          className="class-btn"
          disabled={s.step === 0}
          onClick={() => openStep(tour, ch.id, s.step - 1, true)}
        >
          ← Back
        </button>
        {last ? (
          nextChapter ? (
            <button
              type="button"
              className="class-btn primary"
              onClick={() => openStep(tour, nextChapter.id, 0, true)}
            >
              Next chapter →
            </button>
          ) : (
            <button type="button" className="class-btn primary" onClick={() => closeTour(tour)}>
              Finish
            </button>
          )
        ) : (
          <button
            type="button"
            className="class-btn primary"
            onClick={() => openStep(tour, ch.id, s.step + 1, false)}
          >
            Next →
          </button>
        )}
      </footer>
    </section>
  );
}

/** Next/Back for keys (presenter clickers): the same moves as the card's buttons. */
export function tourMove(tour: ReturnType<typeof useClassroom>['tour'], dir: 1 | -1): boolean {
  const s = tour.getState();
  const ch = s.chapterId ? chapterById(s.chapterId) : undefined;
  if (!ch) return false;
  const i = s.step + dir;
  if (i >= 0 && i < ch.steps.length) openStep(tour, ch.id, i, dir < 0);
  else if (dir > 0) {
    const next = CHAPTERS[CHAPTERS.indexOf(ch) + 1];
    if (next) openStep(tour, next.id, 0, true);
  }
  return true;
}

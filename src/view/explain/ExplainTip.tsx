/**
 * "Explain this number": hovering or focusing a headline tile opens a tooltip with the formula,
 * the current settings substituted, and the measured value beside the prediction. The tooltip is
 * always in the DOM (hidden when closed) so the tile's aria-describedby always resolves.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { explain } from '../../content/explain';
import { selScenario, selSummary } from '../../store/selectors';
import { useApp } from '../context';
import { agreement, explainContext, formatValue, measured, TILE_METRIC } from './measure';
import './explain.css';

export const explainId = (tileId: string) => `explain-${tileId}`;

export function isExplainable(tileId: string): boolean {
  return tileId in TILE_METRIC;
}

export function ExplainTip({ tileId }: { tileId: string }) {
  const metric = TILE_METRIC[tileId];
  const anchorRef = useRef<HTMLSpanElement>(null);
  const tipRef = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState(false);
  const [pos, setPos] = useState({ top: 0, left: 0 });
  const scenario = useApp(selScenario);
  const summary = useApp(selSummary);

  useEffect(() => {
    const tile = anchorRef.current?.parentElement;
    if (!tile) return;
    let hover = false;
    let focus = false;
    const sync = () => setOpen(hover || focus);
    const on = (e: Event) => {
      if (e.type === 'mouseenter') hover = true;
      if (e.type === 'mouseleave') hover = false;
      if (e.type === 'focusin') focus = true;
      if (e.type === 'focusout') focus = false;
      sync();
    };
    // Escape dismisses without moving focus (WCAG 1.4.13).
    const key = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      hover = false;
      focus = false;
      sync();
    };
    const types = ['mouseenter', 'mouseleave', 'focusin', 'focusout'] as const;
    for (const t of types) tile.addEventListener(t, on);
    tile.addEventListener('keydown', key);
    return () => {
      for (const t of types) tile.removeEventListener(t, on);
      tile.removeEventListener('keydown', key);
    };
  }, []);

  useLayoutEffect(() => {
    if (!open) return;
    const tile = anchorRef.current?.parentElement;
    const tip = tipRef.current;
    if (!tile || !tip) return;
    const r = tile.getBoundingClientRect();
    const w = tip.offsetWidth;
    const h = tip.offsetHeight;
    // Beside the tile, towards the stage (the tiles sit on the right edge); kept on screen.
    let left = r.left - w - 8;
    if (left < 8) left = Math.min(window.innerWidth - w - 8, r.right + 8);
    const top = Math.max(8, Math.min(window.innerHeight - h - 8, r.top));
    setPos({ top, left });
  }, [open, summary]);

  if (!metric) return null;
  const ctx = explainContext(scenario, summary);
  const ex = explain(metric, scenario, ctx);
  const m = measured(metric, summary);
  const extra =
    metric === 'db-reads' && scenario.strategy === 'polling'
      ? { ex: explain('empty-polls', scenario, ctx), m: measured('empty-polls', summary) }
      : null;
  const agree = agreement(m.value, ex.expected);

  return (
    <span ref={anchorRef} className="explain-anchor">
      {createPortal(
        <div
          ref={tipRef}
          id={explainId(tileId)}
          role="tooltip"
          className="explain-tip"
          data-testid={`explain-${metric}`}
          hidden={!open}
          style={{ top: pos.top, left: pos.left }}
        >
          <strong className="explain-title">{ex.title}</strong>
          <ul>
            {ex.lines.map((l, i) => (
              <li key={i}>{l}</li>
            ))}
          </ul>
          <dl className="explain-compare">
            <dt>Formula</dt>
            <dd data-testid="explain-expected">{formatValue(ex.expected, ex.unit)}</dd>
            <dt>Measured</dt>
            <dd data-testid="explain-measured">
              {formatValue(m.value, ex.unit)} <span className="explain-note">({m.note})</span>
            </dd>
          </dl>
          {agree ? <p className="explain-agree">{agree}</p> : null}
          {extra ? (
            <>
              <strong className="explain-title">{extra.ex.title}</strong>
              <ul>
                {extra.ex.lines.map((l, i) => (
                  <li key={i}>{l}</li>
                ))}
              </ul>
              <dl className="explain-compare">
                <dt>Formula</dt>
                <dd>{formatValue(extra.ex.expected, extra.ex.unit)}</dd>
                <dt>Measured</dt>
                <dd>
                  {formatValue(extra.m.value, extra.ex.unit)}{' '}
                  <span className="explain-note">({extra.m.note})</span>
                </dd>
              </dl>
            </>
          ) : null}
        </div>,
        document.body,
      )}
    </span>
  );
}

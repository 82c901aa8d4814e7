import { ExplainTip, explainId } from '../explain/ExplainTip';

/** One figure tile of a strip at the top of the stage. */
export interface StripFigure {
  id: string;
  label: string;
  value: string;
  sub: string;
  tone?: 'bad' | 'good';
}

/**
 * A row of figure tiles (the guarantee and the liveness strips), each with its "Explain this
 * number"; nothing when there is no figure to show.
 */
export function FigureStrip({
  figures,
  label,
  className = 'g-strip',
}: {
  figures: readonly StripFigure[];
  label: string;
  className?: string;
}) {
  if (!figures.length) return null;
  return (
    <div className={className} role="group" aria-label={label}>
      {figures.map((t) => (
        <div
          key={t.id}
          className={`tile g-tile${t.tone ? ` ${t.tone}` : ''}`}
          tabIndex={0}
          aria-describedby={explainId(t.id)}
        >
          <ExplainTip tileId={t.id} />
          <div className="tile-label">{t.label}</div>
          <div className="tile-value" data-testid={t.id}>
            <span className="num">{t.value}</span>
          </div>
          <div className="tile-sub" data-testid={`${t.id}-sub`}>
            {t.sub}
          </div>
        </div>
      ))}
    </div>
  );
}

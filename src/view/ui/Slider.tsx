/**
 * A slider over a list of stops (log-like scales read better as 1-2-5 steps than as a continuum).
 * The accessible name is exactly `label`; the value is announced with `format`.
 */
import { useId } from 'react';

export interface SliderProps {
  label: string;
  stops: readonly number[];
  value: number;
  onChange(v: number): void;
  format(v: number): string;
  disabled?: boolean;
  /** One line under the slider (e.g. why it is dimmed). */
  note?: string;
}

/** Index of the stop nearest `v` on a log scale (values may sit between stops, e.g. from a URL). */
export function nearestStop(stops: readonly number[], v: number): number {
  let best = 0;
  let bestD = Infinity;
  stops.forEach((s, i) => {
    const d = s > 0 && v > 0 ? Math.abs(Math.log(s / v)) : Math.abs(s - v);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

export function Slider({ label, stops, value, onChange, format, disabled, note }: SliderProps) {
  const id = useId();
  const idx = nearestStop(stops, value);
  return (
    <div className={`field slider${disabled ? ' disabled' : ''}`}>
      <div className="field-head">
        <label htmlFor={id}>{label}</label>
        <output htmlFor={id} className="num">
          {format(value)}
        </output>
      </div>
      <input
        id={id}
        type="range"
        aria-label={label}
        aria-valuetext={format(value)}
        min={0}
        max={stops.length - 1}
        step={1}
        value={idx}
        disabled={disabled}
        onChange={(e) => {
          const v = stops[Number(e.currentTarget.value)];
          if (v !== undefined) onChange(v);
        }}
      />
      {note ? <p className="note">{note}</p> : null}
    </div>
  );
}

/** 1-1.2-1.5-2-2.5-3-4-5-6-8 steps per decade between `lo` and `hi`. */
export function niceStops(lo: number, hi: number): number[] {
  const mant = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8];
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++)
    for (const m of mant) {
      const v = Math.round(m * 10 ** e * 1e6) / 1e6;
      if (v >= lo && v <= hi) out.push(v);
    }
  return out;
}

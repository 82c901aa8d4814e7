/**
 * Number formatting for the page (UI.md "Type and numbers"): compact counts, ms → s at 1,000 ms,
 * rates with "/s", and no more precision than a run supports.
 */

/** 950 → "950", 12_345 → "12.3K", 250_000 → "250K", 1_000_000 → "1.0M" (three significant digits at most). */
export function compact(n: number): string {
  if (!Number.isFinite(n)) return '—';
  const a = Math.abs(n);
  if (a < 1000)
    return a < 10 && !Number.isInteger(n) ? trim(n.toFixed(a < 1 ? 2 : 1)) : String(Math.round(n));
  const [div, suffix] = a < 999_500 ? [1e3, 'K'] : a < 999_500_000 ? [1e6, 'M'] : [1e9, 'B'];
  const v = n / div;
  return `${Math.abs(v) < 99.95 ? v.toFixed(1) : v.toFixed(0)}${suffix}`;
}

function trim(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Grouped integer: 1234567 → "1,234,567". */
export function grouped(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A duration in ms as [value, unit]: 0.42 → ["0.42", "ms"], 1234 → ["1.23", "s"]. */
export function durationParts(ms: number): [string, string] {
  if (!Number.isFinite(ms)) return ['—', ''];
  if (ms < 1000) {
    const v = ms < 1 ? ms.toFixed(2) : ms < 10 ? ms.toFixed(1) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
    return [v, 'ms'];
  }
  const s = ms / 1000;
  if (s < 60) return [s.toFixed(s < 10 ? 2 : 1), 's'];
  if (s < 3600) return [(s / 60).toFixed(1), 'min'];
  return [(s / 3600).toFixed(1), 'h'];
}

export function duration(ms: number): string {
  const [v, u] = durationParts(ms);
  return u ? `${v} ${u}` : v;
}

/** Simulated clock: 75.25 s → "1:15.25". */
export function clock(simS: number): string {
  const m = Math.floor(simS / 60);
  const s = simS - m * 60;
  const frac = simS < 10 ? 3 : 2;
  const ss = s.toFixed(frac).padStart(frac + 3, '0');
  return `${m}:${ss}`;
}

/** Speed multiplier label: 0.05 → "×0.05", 1000 → "×1000". */
export function speedLabel(x: number): string {
  if (x >= 10) return `×${Math.round(x)}`;
  return `×${trim(x.toPrecision(2))}`;
}

/** Percent with sensible precision: 0.196 → "19.6 %". */
export function percent(f: number, digits = 1): string {
  if (!Number.isFinite(f)) return '—';
  return `${(f * 100).toFixed(digits)} %`;
}

/**
 * A load against capacity (1 = 100 %): "91 %" up to 999 %, then a multiple ("×126") — never
 * capped, so an overload of 12,600 % reads as ×126 rather than a quiet 999 %.
 */
export function load(f: number): string {
  if (!Number.isFinite(f)) return '—';
  if (f * 100 < 999.5) return `${Math.round(f * 100)} %`;
  return `×${f < 99.5 ? trim(f.toFixed(1)) : compact(f)}`;
}

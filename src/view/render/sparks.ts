/**
 * Sparklines in the metric tiles: the last minute of per-second rows, redrawn twice a second by
 * the frame loop. Hidden by CSS where the rail has no room (short screens).
 */
import * as d3 from 'd3';
import type { SeriesRow } from '../../bridge/engine';
import type { World } from '../world';

const WINDOW = 60;

export function createSparks(
  root: HTMLElement,
  world: World,
  getAccessors: () => ((r: SeriesRow) => number)[] | (null | ((r: SeriesRow) => number))[],
) {
  let last = -Infinity;
  let seen = -1;
  return {
    tick(wall: number) {
      if (wall - last < 500 || world.seriesVersion === seen) return;
      last = wall;
      seen = world.seriesVersion;
      const rows = world.series.slice(-WINDOW);
      const accessors = getAccessors().filter((a): a is (r: SeriesRow) => number => !!a);
      const svgs = root.querySelectorAll<SVGSVGElement>('svg.spark');
      svgs.forEach((svg, i) => {
        const f = accessors[i];
        if (!f || svg.clientWidth === 0) return;
        const w = svg.clientWidth;
        const h = svg.clientHeight;
        const max = d3.max(rows, f) ?? 0;
        const x = d3
          .scaleLinear()
          .domain([0, Math.max(1, rows.length - 1)])
          .range([1, w - 1]);
        const y = d3
          .scaleLinear()
          .domain([0, max > 0 ? max : 1])
          .range([h - 1.5, 1.5]);
        const line = d3
          .line<SeriesRow>()
          .x((_r, k) => x(k))
          .y((r) => y(f(r)));
        d3.select(svg)
          .attr('viewBox', `0 0 ${w} ${h}`)
          .selectAll('path')
          .data([rows])
          .join('path')
          .attr('d', (d) => line(d) ?? '');
      });
    },
    destroy() {
      root.querySelectorAll('svg.spark').forEach((s) => s.replaceChildren());
    },
  };
}

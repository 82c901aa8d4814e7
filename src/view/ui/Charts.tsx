/** The bottom strip of charts; redrawn from the world at most 4 times a second by the frame loop. */
import { useEffect, useRef } from 'react';
import { useServices } from '../context';
import { createCharts } from '../render/charts';
import { reconnectBins } from '../render/livenessLogic';

export function Charts() {
  const { controller } = useServices();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current!;
    const charts = createCharts(el);
    const world = controller.world;
    let last = -Infinity;
    let seen = '';
    let sizeKey = '';
    const ro = new ResizeObserver(() => {
      sizeKey = `${el.clientWidth}x${el.clientHeight}`;
    });
    ro.observe(el);
    const off = controller.loop.add((wall) => {
      const live = world.live;
      const scenario = world.scenario;
      if (!live || !scenario) return;
      const key = `${world.runId}:${world.seriesVersion}:${live.timeline.length}:${sizeKey}:${live.servers.length}`;
      // Bars move with connections, so refresh at least twice a second even without new rows.
      if (wall - last < 250 || (key === seen && wall - last < 500)) return;
      last = wall;
      seen = key;
      charts.update({
        series: world.series,
        timeline: live.timeline,
        strategy: scenario.strategy,
        dbCapacityPerS: live.db.capacityPerS,
        brokerCapacityPerS: live.broker.capacityPerS,
        servers: live.servers,
        nowS: live.nowUs / 1e6,
        recent: live.recentLatency,
        reconnectBins: live.liveness ? reconnectBins(live.liveness.reconnectSeries) : null,
      });
    }, 20);
    return () => {
      off();
      ro.disconnect();
      charts.destroy();
    };
  }, [controller]);
  return <section className="charts" ref={ref} aria-label="Charts over simulated time" />;
}

/**
 * Mounts the broker's inside (render/brokerDetail.ts) over the stage: the Kafka-like log's
 * partitions or the Redis Cluster's masters. Redrawn from the world by the page's one frame loop,
 * ten times a second (offsets change by whole records; faster would only cost the frame budget).
 */
import { useEffect, useRef } from 'react';
import type { StageLayout } from '../layout';
import { useServices } from '../context';
import { createBrokerDetail } from '../render/brokerDetail';
import './guarantees.css';

const EVERY_MS = 100;

export function BrokerDetail({ layout, reduced }: { layout: StageLayout | null; reduced: boolean }) {
  const { controller } = useServices();
  const svgRef = useRef<SVGSVGElement>(null);
  const layoutRef = useRef(layout);
  const reducedRef = useRef(reduced);
  useEffect(() => {
    layoutRef.current = layout;
    reducedRef.current = reduced;
  }, [layout, reduced]);
  useEffect(() => {
    const r = createBrokerDetail(svgRef.current!);
    const world = controller.world;
    let last = -Infinity;
    let lastVersion = -1;
    const off = controller.loop.add((wall) => {
      // Redis Cluster bus dots move every frame, at the simulation's pace (a trip ≈ 0.45 s on screen).
      r.tick(world.viewUs, world.lingerUs() * 0.75, reducedRef.current);
      if (wall - last < EVERY_MS || world.frameVersion === lastVersion) return;
      const l = layoutRef.current;
      if (!l) return;
      last = wall;
      lastVersion = world.frameVersion;
      const live = world.live;
      r.update({
        layout: l,
        kafka: live?.broker.kafka,
        cluster: live?.broker.cluster,
        nowUs: live?.nowUs,
        traffic: live?.liveness?.hotRoom?.shardTraffic,
      });
    }, 20);
    return () => {
      off();
      r.destroy();
    };
  }, [controller]);
  return <svg ref={svgRef} className="broker-detail-svg" data-testid="broker-detail" aria-hidden="true" />;
}

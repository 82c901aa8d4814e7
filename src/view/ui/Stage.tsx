/**
 * The centre stage: SVG topology (D3), a canvas of moving messages over it, and for the hashing
 * strategies the ring/bucket panel. React only sizes the containers and feeds the ≤ 10 Hz summary;
 * the canvas is drawn by the frame loop.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { MsgKind, type Strategy } from '../../bridge/engine';
import { selScenario, selSummary } from '../../store/selectors';
import { useApp, useReducedMotion, useServices } from '../context';
import { computeLayout, isHashing, type Rect, type StageLayout } from '../layout';
import { MSG_COLOR, MSG_LABEL } from '../palette';
import { createPackets } from '../render/packets';
import { createTopology, type ServerState } from '../render/topology';
import { STRATEGY_INFO } from '../strategies';
import { RingPanel } from './RingPanel';
import { CrashHint } from '../welcome/Welcome';
import { GuaranteeLegend, GuaranteeStrip } from '../guarantees/GuaranteeStrip';
import { BrokerDetail } from '../guarantees/BrokerDetail';

function useSize<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      const r = el.getBoundingClientRect();
      setSize((s) =>
        s.w === Math.round(r.width) && s.h === Math.round(r.height)
          ? s
          : { w: Math.round(r.width), h: Math.round(r.height) },
      );
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, size] as const;
}

const LEGEND: Record<Strategy, number[]> = {
  polling: [MsgKind.Poll, MsgKind.PollResponse, MsgKind.Write],
  'modulo-hashing': [MsgKind.Write, MsgKind.Push, MsgKind.Connect, MsgKind.Coord],
  'consistent-hashing': [MsgKind.Write, MsgKind.Push, MsgKind.Connect, MsgKind.Coord],
  pubsub: [MsgKind.Write, MsgKind.Publish, MsgKind.Push, MsgKind.Connect],
  'long-polling': [MsgKind.Poll, MsgKind.PollResponse, MsgKind.Write, MsgKind.Fanout],
};

/** Servers to draw before the first frame: the scenario's initial ones. */
function initialServers(n: number): ServerState[] {
  return Array.from({ length: n }, (_, id) => ({ id, state: 'up' as const, connections: 0, handledPerS: 0 }));
}

export function Stage() {
  const { controller } = useServices();
  const world = controller.world;
  const scenario = useApp(selScenario);
  const summary = useApp(selSummary);
  const reduced = useReducedMotion();
  const [wrapRef, size] = useSize<HTMLDivElement>();
  const svgRef = useRef<SVGSVGElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const layoutRef = useRef<StageLayout | null>(null);
  const reducedRef = useRef(reduced);
  const strategy = scenario.strategy;

  const servers: ServerState[] = summary?.servers.length ? summary.servers : initialServers(scenario.servers);
  const serverKey = servers
    .filter((s) => s.state !== 'removed')
    .map((s) => s.id)
    .join(',');
  const capacity = world.slotCapacity;

  const layout = useMemo(() => {
    if (size.w < 50 || size.h < 50) return null;
    const ids = serverKey ? serverKey.split(',').map(Number) : [];
    // Lay out for a projector-sized stage and zoom the drawing on bigger screens, so boxes, text
    // and dots grow together instead of floating apart.
    const scale = Math.min(1.6, Math.max(1, Math.min(size.w / 860, size.h / 390)));
    return computeLayout(strategy, ids, size.w / scale, size.h / scale, capacity, scale);
  }, [strategy, serverKey, size.w, size.h, capacity]);

  useEffect(() => {
    layoutRef.current = layout;
    reducedRef.current = reduced;
  }, [layout, reduced]);

  // Topology renderer: created once, fed at the summary's rate.
  const topoRef = useRef<ReturnType<typeof createTopology> | null>(null);
  useEffect(() => {
    const t = createTopology(svgRef.current!, {
      onServerClick: (id) => controller.crashServer(id),
      // The broker as a single point of failure: click it to take it down, again to bring it back.
      onBrokerClick: (down) => controller.act(down ? 'recover-broker' : 'crash-broker'),
    });
    topoRef.current = t;
    return () => {
      t.destroy();
      topoRef.current = null;
    };
  }, [controller]);

  useEffect(() => {
    if (!layout || !topoRef.current) return;
    topoRef.current.update({
      layout,
      servers,
      serverProcessingMs: scenario.serverProcessingMs,
      db: summary
        ? {
            utilization: summary.dbUtilization,
            queue: summary.dbQueue,
            capacityPerS: summary.dbCapacityPerS,
            rejectedPerS: summary.dbRejectedPerS,
          }
        : null,
      broker: summary
        ? {
            utilization: summary.brokerUtilization,
            subscriptions: summary.brokerSubscriptions,
            capacityPerS: summary.brokerCapacityPerS,
            perS: summary.brokerPerS,
            down: summary.brokerDown > 0,
          }
        : null,
      migration: summary?.migration ?? null,
      clientStates:
        strategy === 'polling' || strategy === 'long-polling'
          ? null
          : clientStates(world.sample, layout.clients.capacity),
      usersPerDot: world.sample?.usersPerSample ?? Math.max(1, scenario.users / layout.clients.capacity),
      users: scenario.users,
      reduced,
    });
    // `servers` follows `summary`; the world is read fresh at each summary tick on purpose.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layout, summary, reduced, scenario.serverProcessingMs, scenario.users]);

  // Packets: drawn every animation frame from the world's clock.
  useEffect(() => {
    const p = createPackets(canvasRef.current!, {
      world,
      getLayout: () => layoutRef.current,
      reduced: () => reducedRef.current,
    });
    const off = controller.loop.add(() => p.draw(), 10);
    return () => {
      off();
      p.destroy();
    };
  }, [controller, world]);

  const info = STRATEGY_INFO[strategy];
  return (
    <section className="stage" aria-label="Topology" data-strategy={strategy}>
      <GuaranteeStrip />
      <div className="stage-inner" ref={wrapRef}>
        <svg ref={svgRef} className="topo" role="img" aria-label={`${info.label} topology`} />
        <canvas ref={canvasRef} className="packets" aria-hidden="true" />
        {layout?.ringArea && isHashing(strategy) ? (
          <RingPanel area={scaleRect(layout.ringArea, layout.scale)} summary={summary} reduced={reduced} />
        ) : null}
        <BrokerDetail layout={layout} />
        <GuaranteeLegend />
      </div>
      <CrashHint strategy={strategy} />
      <p className="stage-story">
        <strong>{info.label}.</strong> {info.story}
      </p>
      <ul className="legend" aria-label="Message colours">
        {LEGEND[strategy].map((k) => (
          <li key={k}>
            <span
              className={`swatch${k === MsgKind.Coord ? ' outlined' : ''}`}
              style={{ background: MSG_COLOR[k] }}
            />
            {MSG_LABEL[k]}
          </li>
        ))}
        <li>
          <span className="cross" aria-hidden="true">
            ✕
          </span>
          lost
        </li>
        {reduced ? <li className="muted">reduced motion: counts per edge</li> : null}
      </ul>
    </section>
  );
}

function scaleRect(r: Rect, k: number): Rect {
  return { x: r.x * k, y: r.y * k, w: r.w * k, h: r.h * k };
}

function clientStates(
  sample: { connectedTo: Uint16Array; moved: Uint8Array } | null,
  cap: number,
): Uint8Array | null {
  if (!sample) return null;
  const n = Math.min(cap, sample.connectedTo.length);
  const out = new Uint8Array(cap).fill(1);
  for (let i = 0; i < n; i++) out[i] = sample.connectedTo[i] === 0xffff ? (sample.moved[i] ? 2 : 0) : 1;
  return out;
}

/**
 * The centre stage: SVG topology (D3), a canvas of moving messages over it, and for the hashing
 * strategies the ring/bucket panel. React only sizes the containers and feeds the ≤ 10 Hz summary;
 * the canvas is drawn by the frame loop.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { MsgKind, type LivenessView, type Strategy } from '../../bridge/engine';
import type { World } from '../world';
import { clientDotStates, drainLabel } from '../render/livenessLogic';
import { hotRoomSlots } from '../render/hotRoomLogic';
import { selScenario, selSummary } from '../../store/selectors';
import { useApp, useReducedMotion, useServices } from '../context';
import { computeLayout, isHashing, type Rect, type StageLayout } from '../layout';
import { MSG_COLOR, MSG_LABEL } from '../palette';
import { createPackets } from '../render/packets';
import { createLiveness } from '../render/liveness';
import { createTopology, type ServerState } from '../render/topology';
import { STRATEGY_INFO } from '../strategies';
import { RingPanel } from './RingPanel';
import { CrashHint } from '../welcome/Welcome';
import { GuaranteeLegend, GuaranteeStrip } from '../guarantees/GuaranteeStrip';
import { LivenessStrip } from '../failures/LivenessStrip';
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
  // Push strategies: the servers' heartbeat pings on traced connections (grey, server → client).
  'modulo-hashing': [MsgKind.Write, MsgKind.Push, MsgKind.Connect, MsgKind.Coord, MsgKind.Heartbeat],
  'consistent-hashing': [MsgKind.Write, MsgKind.Push, MsgKind.Connect, MsgKind.Coord, MsgKind.Heartbeat],
  pubsub: [MsgKind.Write, MsgKind.Publish, MsgKind.Push, MsgKind.Connect, MsgKind.Heartbeat],
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
  const liveRef = useRef<SVGSVGElement>(null);
  const layoutRef = useRef<StageLayout | null>(null);
  const reducedRef = useRef(reduced);
  const dotsRef = useRef(new ClientDots());
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
      onServerRestart: (id) => controller.restartServer(id),
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
          : dotsRef.current.states(world, layout.clients.capacity),
      hotSlots: dotsRef.current.hot(world, layout.clients.capacity),
      capPerServer: scenario.maxConnectionsPerServer,
      drainNotes: drainNotes(world.live?.liveness),
      usersPerDot: world.sample?.usersPerSample ?? Math.max(1, scenario.users / layout.clients.capacity),
      users: scenario.users,
      reduced,
    });
    // `servers` follows `summary`; the world is read fresh at each summary tick on purpose.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [
    layout,
    summary,
    reduced,
    scenario.serverProcessingMs,
    scenario.users,
    scenario.maxConnectionsPerServer,
  ]);

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

  // Liveness layer (countdowns, accept queues, output buffers): drawn by the frame loop too.
  useEffect(() => {
    const l = createLiveness(liveRef.current!, { world, getLayout: () => layoutRef.current });
    const off = controller.loop.add((wall) => l.draw(wall), 12);
    return () => {
      off();
      l.destroy();
    };
  }, [controller, world]);

  const info = STRATEGY_INFO[strategy];
  return (
    <section className="stage" aria-label="Topology" data-strategy={strategy}>
      <GuaranteeStrip />
      <LivenessStrip />
      <div className="stage-inner" ref={wrapRef}>
        <svg ref={svgRef} className="topo" role="img" aria-label={`${info.label} topology`} />
        <canvas ref={canvasRef} className="packets" aria-hidden="true" />
        <svg
          ref={liveRef}
          className="liveness"
          role="group"
          aria-label="Liveness: crash detection, accept queues, broker buffers"
        />
        {layout?.ringArea && isHashing(strategy) ? (
          <RingPanel area={scaleRect(layout.ringArea, layout.scale)} summary={summary} reduced={reduced} />
        ) : null}
        <BrokerDetail layout={layout} reduced={reduced} />
        <GuaranteeLegend />
      </div>
      <CrashHint strategy={strategy} />
      <p className="stage-story">
        <strong>{info.label}.</strong> {info.story}
      </p>
      <ul className="legend" aria-label="Message colours">
        {LEGEND[strategy]
          .filter((k) => k !== MsgKind.Heartbeat || scenario.heartbeatIntervalS > 0)
          .map((k) => (
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
        {strategy !== 'polling' && servers.some((s) => s.state === 'crashed') ? (
          <>
            <li>
              <span className="dot-unaware" aria-hidden="true" />
              crash not noticed
            </li>
            <li>
              <span className="dot-red" aria-hidden="true" />
              reconnecting
            </li>
          </>
        ) : null}
        {reduced ? <li className="muted">reduced motion: counts per edge</li> : null}
      </ul>
    </section>
  );
}

function scaleRect(r: Rect, k: number): Rect {
  return { x: r.x * k, y: r.y * k, w: r.w * k, h: r.h * k };
}

/**
 * Client-grid states at the summary's rate: connected, off, moved, and — after a crash — unaware
 * until each client's heartbeat timer runs out, then red until it is connected again. Remembers,
 * per slot, which clients lost their server (reset when the run changes).
 */
class ClientDots {
  private runId = -1;
  private victim = new Uint8Array(0);
  private down = new Uint8Array(0);
  private hotOut = new Uint8Array(0);

  states(world: World, cap: number): Uint8Array | null {
    const sample = world.sample;
    if (!sample) return null;
    if (this.runId !== world.runId || this.victim.length !== cap) {
      this.runId = world.runId;
      this.victim = new Uint8Array(cap);
    }
    const live = world.live;
    const servers = live?.servers ?? [];
    if (this.down.length < servers.length) this.down = new Uint8Array(servers.length * 2);
    this.down.fill(0);
    for (const s of servers) if (s.state === 'crashed' || s.state === 'removed') this.down[s.id] = 1;
    return clientDotStates(sample, live?.liveness ?? null, this.down, this.victim, new Uint8Array(cap));
  }

  /** Slots whose sampled user is in the hottest room (null when popularity is uniform). */
  hot(world: World, cap: number): Uint8Array | null {
    const room = world.live?.liveness?.hotRoom;
    const sample = world.sample;
    if (!room || !sample) return null;
    if (this.hotOut.length !== cap) this.hotOut = new Uint8Array(cap);
    hotRoomSlots(sample.users, room.firstUser, room.members, this.hotOut);
    return this.hotOut;
  }
}

/** Leaving servers' card notes ("lame duck · 11.0K", "draining · 420"). */
function drainNotes(l: LivenessView | undefined): Map<number, string> | undefined {
  if (!l || l.leaving.length === 0) return undefined;
  return new Map(l.leaving.map((x) => [x.server, drainLabel(x)]));
}

/**
 * Compare mode: the current workload (users, rooms, messages, seed, timeline) run through all five
 * strategies at once in a worker, as small multiples on shared scales, a live table and the
 * verdicts the measured numbers support.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type {
  ActionKind,
  ActionReport,
  LiveSnapshot,
  Scenario,
  SeriesRow,
  Strategy,
} from '../../bridge/engine';
import { CompareClient } from '../../bridge/compareClient';
import { compareRow, verdicts, STRATEGY_LABEL, type CompareRow } from '../../content/compare';
import { warmUpAllS } from '../../content/warmup';
import { selRunKey } from '../../store/selectors';
import { useApp, useServices } from '../context';
import { compact, duration, speedLabel } from '../format';
import { STRATEGY_ORDER } from '../strategies';
import { StrategyGlyph } from '../ui/icons';
import { chartGeometry, METRICS, sharedDomain, timeDomain, type MetricSpec } from './smallMultiples';
import { compareDigest, describeCompareAction } from './narrate';
import { compareActions, compareKeys, compareSnapshot, setCompareServers } from './snapshot';
import '../a11y/a11y.css';
import './compare.css';

const MAX_ROWS = 900;
const SPEEDS = [0.5, 1, 2, 5, 10, 30];
const REFRESH_MS = 250;
/** Speech needs time: at most one live-region message per this many wall ms. */
const SPEAK_GAP_MS = 3000;
const DIGEST_EVERY_S = 15;
const DATA_ROWS = 30;

interface LaneState {
  strategy: Strategy;
  scenario: Scenario;
  live: LiveSnapshot;
  series: SeriesRow[];
}

const ACTION_LABEL: Record<string, string> = {
  'add-server': '+ server',
  'remove-server': '− server',
  'crash-server': 'crash',
  'crash-broker': 'broker down',
  'recover-broker': 'broker up',
  'restart-server': 'restart',
  deploy: 'deploy',
};

function ruleLabel(a: ActionReport): string {
  return ACTION_LABEL[a.action] ?? a.action;
}

function fmtMetric(spec: MetricSpec, v: number): string {
  return spec.unit === 'ms' ? duration(v) : compact(v);
}

function Chart(props: {
  spec: MetricSpec;
  lane: LaneState;
  x: [number, number];
  y: [number, number];
  width: number;
  height: number;
}) {
  const { spec, lane, x, y, width, height } = props;
  const pad = { l: 40, r: 6, t: 4, b: 4 };
  const g = chartGeometry(
    spec,
    lane.series,
    x,
    y,
    { width: Math.max(10, width - pad.l - pad.r), height: Math.max(10, height - pad.t - pad.b) },
    lane.live.timeline.map((a) => ({ atS: a.atS, label: ruleLabel(a) })),
    (v) => fmtMetric(spec, v),
  );
  return (
    <svg className="cmp-chart" width={width} height={height} aria-hidden="true">
      <g transform={`translate(${pad.l},${pad.t})`}>
        <rect className="cmp-plot" width={g.width} height={g.height} />
        {g.ticks.map((t, i) => (
          <g key={i}>
            <line className="cmp-grid" x1={0} x2={g.width} y1={t.y} y2={t.y} />
            <text className="cmp-tick" x={-4} y={t.y} dy="0.32em" textAnchor="end">
              {t.label}
            </text>
          </g>
        ))}
        {g.rules.map((r, i) => (
          <g key={`r${i}`}>
            <line className="cmp-rule" x1={r.x} x2={r.x} y1={0} y2={g.height} />
            <text className="cmp-rule-label" x={r.x + 3} y={9}>
              {r.label}
            </text>
          </g>
        ))}
        {g.paths.map((p) => (
          <path key={p.key} className={`cmp-line cmp-${spec.id}${p.dashed ? ' dashed' : ''}`} d={p.d} />
        ))}
      </g>
    </svg>
  );
}

function useSize<T extends HTMLElement>(): [React.RefObject<T | null>, { w: number; h: number }] {
  const ref = useRef<T>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, size];
}

function CompareTable({ rows, scenario }: { rows: CompareRow[]; scenario: Scenario }) {
  const lat = (v: number) => (v > 0 ? duration(v) : '—');
  return (
    <table className="cmp-table" data-testid="compare-table">
      <caption>
        Now, same workload: {compact(scenario.users)} users, rooms of {scenario.roomSize},{' '}
        {scenario.messagesPerUserPerMin} msg/min each, seed {scenario.seed}
      </caption>
      <thead>
        <tr>
          <th scope="col">Architecture</th>
          <th scope="col">Latency p50</th>
          <th scope="col">Latency p99</th>
          <th scope="col">DB reads/s</th>
          <th scope="col">Reconnects, last change</th>
          <th scope="col">Broker msgs/s</th>
          <th scope="col">Lost</th>
          <th scope="col">Duplicates</th>
          <th scope="col">Moving parts</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.strategy} data-testid={`compare-row-${r.strategy}`}>
            <th scope="row">
              <StrategyGlyph s={r.strategy} /> {STRATEGY_LABEL[r.strategy]}
            </th>
            <td data-col="p50">{lat(r.latencyP50Ms)}</td>
            <td data-col="p99">{lat(r.latencyP99Ms)}</td>
            <td data-col="db-reads" data-value={r.dbReadsPerS}>
              {compact(r.dbReadsPerS)}
            </td>
            <td data-col="reconnects" data-value={r.reconnectsLastScale}>
              {compact(r.reconnectsLastScale)}
            </td>
            <td data-col="broker" data-value={r.brokerMsgsPerS}>
              {compact(r.brokerMsgsPerS)}
            </td>
            <td data-col="lost" data-value={r.lost} className={r.lost > 0 ? 'bad' : undefined}>
              {compact(r.lost)}
            </td>
            <td data-col="duplicates" data-value={r.duplicates}>
              {compact(r.duplicates)}
            </td>
            <td data-col="parts">{r.movingParts.length ? r.movingParts.join(', ') : 'none'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The numbers behind the small multiples: per lane, one row per simulated second. */
function CompareData({ lanes, shown }: { lanes: LaneState[]; shown: boolean }) {
  const int = (v: number) => Math.round(v).toLocaleString('en-US');
  const lat = (v: number) => (v > 0 ? duration(v) : '—');
  return (
    <div id="compare-data" className={shown ? 'cmp-data shown' : 'cmp-data sr-only'}>
      {lanes.map((l) => (
        <table key={l.strategy} data-testid={`compare-data-${l.strategy}`}>
          <caption>
            {STRATEGY_LABEL[l.strategy]}: one row per simulated second (last {DATA_ROWS} s)
          </caption>
          <thead>
            <tr>
              <th scope="col">Second</th>
              <th scope="col">p50</th>
              <th scope="col">p99</th>
              <th scope="col">DB reads/s</th>
              <th scope="col">Reconnects/s</th>
              <th scope="col">Broker msgs/s</th>
            </tr>
          </thead>
          <tbody>
            {l.series.slice(-DATA_ROWS).map((r) => (
              <tr key={r.tS}>
                <th scope="row">{r.tS}</th>
                <td>{lat(r.latencyP50Ms)}</td>
                <td>{lat(r.latencyP99Ms)}</td>
                <td>{int(r.dbReads)}</td>
                <td>{int(r.reconnects)}</td>
                <td>{int(r.brokerMessages)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}

export function CompareView() {
  const { store } = useServices();
  const runKey = useApp(selRunKey);
  const clientRef = useRef<CompareClient | null>(null);
  const [lanes, setLanes] = useState<LaneState[]>([]);
  const [playing, setPlaying] = useState(true);
  const [speed, setSpeed] = useState(1);
  const [nowS, setNowS] = useState(0);
  const [achieved, setAchieved] = useState(0);
  const [error, setError] = useState<{ message: string; crashed: boolean } | null>(null);
  const [restarts, setRestarts] = useState(0);
  const [showData, setShowData] = useState(false);
  const [said, setSaid] = useState('');
  const narrRef = useRef({ announced: 0, lastDigestS: 0, queue: [] as string[], lastSpoke: -Infinity });
  const playingRef = useRef(playing);
  const speedRef = useRef(speed);
  useEffect(() => {
    playingRef.current = playing;
    speedRef.current = speed;
  });

  // One worker for the life of compare mode; the single-view simulation pauses meanwhile so the
  // two do not compete for the same cores.
  useEffect(() => {
    const client = new CompareClient();
    clientRef.current = client;
    client.onError = (message, crashed) => setError({ message, crashed });
    // Recorded in the scenario's timeline at the worker's simulated time, so the URL replays it.
    client.onActed = (a) => {
      if (!a.ok) {
        store.getState().pushNotice(`Compare: no lane could ${a.kind.replace('-', ' ')}.`, 'info');
        return;
      }
      store
        .getState()
        .recordAction(
          a.kind === 'add-server' || a.server === null || a.server < 0
            ? { atS: a.atS, action: a.kind }
            : { atS: a.atS, action: a.kind, server: a.server },
        );
    };
    const st = store.getState();
    const n = st.scenario.timeline.length;
    if (n)
      st.pushNotice(
        `Compare replays the ${n === 1 ? 'recorded action' : `${n} recorded actions`} in all five runs.`,
        'info',
      );
    const wasPlaying = st.playing;
    st.setPlaying(false);
    const timer = setInterval(() => {
      const f = client.take();
      if (!f) return;
      setLanes((prev) =>
        f.lanes.map((l, i) => {
          // A frame of a fresh run starts its series from scratch.
          const old = prev[i]?.strategy === l.strategy && f.seq > 1 ? prev[i]!.series : [];
          const series = old.concat(l.series);
          if (series.length > MAX_ROWS) series.splice(0, series.length - MAX_ROWS);
          return { strategy: l.strategy, scenario: l.scenario, live: l.live, series };
        }),
      );
      setNowS(f.nowUs / 1e6);
      const lane0 = f.lanes[0];
      setCompareServers(
        lane0 ? lane0.live.servers.filter((x) => x.state === 'up' || x.state === 'draining').length : null,
      );
      setAchieved(f.achievedSpeed);
      // The accessible twin: scale events as they land in all five lanes, a digest now and then.
      const n = narrRef.current;
      const first = f.lanes[0];
      if (first) {
        for (let i = n.announced; i < first.live.timeline.length; i++)
          n.queue.push(
            describeCompareAction(
              f.lanes.map((l) => ({
                strategy: l.strategy,
                users: l.scenario.users,
                report: l.live.timeline[i]!,
              })),
            ),
          );
        n.announced = first.live.timeline.length;
        const nowS = f.nowUs / 1e6;
        if (n.queue.length === 0 && nowS - n.lastDigestS >= DIGEST_EVERY_S) {
          n.queue.push(
            compareDigest(
              f.lanes.map((l) => compareRow(l.scenario, l.live)),
              nowS,
            ),
          );
          n.lastDigestS = nowS;
        }
      }
      const wall = performance.now();
      if (n.queue.length && wall - n.lastSpoke >= SPEAK_GAP_MS) {
        setSaid(n.queue.slice(-3).join(' '));
        n.queue = [];
        n.lastSpoke = wall;
      }
    }, REFRESH_MS);
    return () => {
      clearInterval(timer);
      client.dispose();
      clientRef.current = null;
      compareSnapshot.current = null;
      setCompareServers(null);
      store.getState().setPlaying(wasPlaying);
    };
  }, [store]);

  // A new run whenever the workload is edited (runKey), with the scripted timeline replayed.
  useEffect(() => {
    const client = clientRef.current;
    if (!client) return;
    setLanes([]);
    setError(null);
    narrRef.current = { announced: 0, lastDigestS: 0, queue: [], lastSpoke: -Infinity };
    setNowS(0);
    client.init(structuredClone(store.getState().scenario), playingRef.current, speedRef.current);
  }, [store, runKey, restarts]);

  const scenario = useApp((s) => s.scenario);
  const rows = useMemo(() => lanes.map((l) => compareRow(l.scenario, l.live)), [lanes]);
  // Verdicts compare steady states: until the slowest run has warmed up, a ratio like "89× the
  // fastest" would still be drifting (issue 9, item 6).
  const warmS = lanes.length ? warmUpAllS(lanes.map((l) => l.scenario)) : 0;
  const steady = rows.length === STRATEGY_ORDER.length && nowS >= warmS;
  const verdictMap = useMemo(() => (steady ? verdicts(rows) : new Map<Strategy, string>()), [rows, steady]);
  useEffect(() => {
    compareSnapshot.current = rows.length
      ? { rows, verdicts: verdictMap, lanes: lanes.map((l) => ({ strategy: l.strategy, series: l.series })) }
      : null;
  }, [rows, verdictMap, lanes]);

  const act = (kind: ActionKind, server?: number): boolean => {
    const client = clientRef.current;
    if (!client || !lanes.length) return false;
    if (kind === 'add-server') {
      client.act('add-server');
      return true;
    }
    const up = lanes[0]?.live.servers.filter((s) => s.state === 'up') ?? [];
    if (up.length <= 1) {
      store.getState().pushNotice('Compare: at least one server must stay up.', 'info');
      return true;
    }
    // The same server id in every lane, so the five architectures lose the same machine.
    const id = server ?? up[up.length - 1]!.id;
    client.act(kind, id);
    return true;
  };
  const togglePlay = () => {
    const next = !playingRef.current;
    setPlaying(next);
    clientRef.current?.setPlaying(next);
  };
  useEffect(() => {
    compareKeys.current = (key) => {
      if (key === ' ') togglePlay();
      else if (key === '+' || key === '=') act('add-server');
      else if (key === '-' || key === '_') act('remove-server');
      else return false;
      return true;
    };
    compareActions.current = act;
    return () => {
      compareKeys.current = null;
      compareActions.current = null;
    };
  });

  const [gridRef, gridSize] = useSize<HTMLDivElement>();
  const x = timeDomain(nowS);
  const cols = STRATEGY_ORDER.map((s) => lanes.find((l) => l.strategy === s)).filter(
    (l): l is LaneState => !!l,
  );
  const labelW = 92;
  const nLanes = STRATEGY_ORDER.length;
  const cellW = Math.max(60, Math.floor((gridSize.w - labelW) / nLanes) - 6);
  const cellH = Math.max(40, Math.floor((gridSize.h - 24) / METRICS.length) - 4);

  return (
    <section className="compare-view" aria-label="Compare all five strategies">
      <div className="cmp-toolbar" role="toolbar" aria-label="Compare controls">
        <button type="button" className="cmp-btn primary" onClick={togglePlay}>
          {playing ? 'Pause' : 'Play'}
        </button>
        <label className="cmp-speed">
          Speed
          <select
            aria-label="Compare speed"
            value={speed}
            onChange={(e) => {
              const v = Number(e.target.value);
              setSpeed(v);
              clientRef.current?.setSpeed(v);
            }}
          >
            {SPEEDS.map((v) => (
              <option key={v} value={v}>
                {speedLabel(v)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="cmp-btn" onClick={() => act('add-server')}>
          Add server
        </button>
        <button type="button" className="cmp-btn" onClick={() => act('crash-server')}>
          Crash server
        </button>
        <button
          type="button"
          className="cmp-btn"
          title="Restart all five from t = 0 with the same scenario and seed"
          onClick={() => store.getState().reset()}
        >
          Reset
        </button>
        <span className="cmp-clock" data-testid="compare-time" aria-label="Simulated time">
          t = <span className="num">{nowS.toFixed(1)}</span> s
          {playing && achieved > 0 && achieved < speed * 0.8 ? (
            <span className="cmp-behind"> (running at {speedLabel(achieved)})</span>
          ) : null}
        </span>
        <button
          type="button"
          className="cmp-btn"
          aria-expanded={showData}
          aria-controls="compare-data"
          onClick={() => setShowData(!showData)}
        >
          {showData ? 'Hide data' : 'Show data'}
        </button>
        <span className="cmp-legend" aria-hidden="true">
          <svg width="22" height="8">
            <line x1="0" x2="22" y1="4" y2="4" className="cmp-line cmp-latency" />
          </svg>
          p50
          <svg width="22" height="8">
            <line x1="0" x2="22" y1="4" y2="4" className="cmp-line cmp-latency dashed" />
          </svg>
          p99 · one y scale per row
        </span>
      </div>
      <div className="sr-only" role="status" aria-live="polite" data-testid="compare-narration">
        {said}
      </div>
      <CompareData lanes={cols} shown={showData} />
      {error?.crashed ? (
        <p className="cmp-error" role="alert">
          The comparison stopped: {error.message}.{' '}
          <button type="button" onClick={() => setRestarts((n) => n + 1)}>
            Restart the comparison
          </button>
        </p>
      ) : error ? (
        <p className="cmp-error" role="alert">
          The engine refused the scenario: {error.message}
        </p>
      ) : null}
      <div className="cmp-grid" ref={gridRef}>
        <div className="cmp-head" style={{ gridTemplateColumns: `${labelW}px repeat(${nLanes}, 1fr)` }}>
          <span />
          {STRATEGY_ORDER.map((s) => (
            <span key={s} className="cmp-col-title">
              <StrategyGlyph s={s} /> {STRATEGY_LABEL[s]}
            </span>
          ))}
        </div>
        {METRICS.map((spec) => {
          const y = sharedDomain(
            spec,
            cols.map((l) => l.series),
            x[0],
          );
          return (
            <div
              key={spec.id}
              className="cmp-row"
              style={{ gridTemplateColumns: `${labelW}px repeat(${nLanes}, 1fr)` }}
              data-testid={`compare-chart-${spec.id}`}
            >
              <span className="cmp-row-title">
                {spec.title}
                <span className="unit"> {spec.unit}</span>
              </span>
              {cols.map((l) => (
                <Chart key={l.strategy} spec={spec} lane={l} x={x} y={y} width={cellW} height={cellH} />
              ))}
            </div>
          );
        })}
      </div>
      <div className="cmp-bottom">
        <CompareTable rows={rows} scenario={scenario} />
        <div className="cmp-verdicts" aria-label="What the numbers say">
          <h3>What the numbers say</h3>
          {steady ? (
            <ul data-testid="compare-verdicts">
              {STRATEGY_ORDER.filter((s) => verdictMap.has(s)).map((s) => (
                <li key={s}>{verdictMap.get(s)}</li>
              ))}
            </ul>
          ) : (
            <p className="warming" data-testid="compare-warming">
              Warming up: verdicts once all five runs are steady, at {Math.ceil(warmS)} s of simulated time
              (one poll interval, then one measurement window).
            </p>
          )}
        </div>
      </div>
    </section>
  );
}

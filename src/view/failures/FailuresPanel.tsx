/**
 * The Failures & capacity tab of the left rail (issue 11): heartbeats, reconnect policy, accept
 * capacity and backlog, connection caps, slow consumers and Redis output buffers, how a server
 * leaves, and hot rooms, each with what it costs. Like the Guarantees tab, every edit goes through
 * the store's validated path (`replaceScenario`), so the URL carries it and the run restarts.
 */
import type { Scenario } from '../../bridge/engine';
import { selScenario } from '../../store/selectors';
import { useApp, useServices } from '../context';
import { compact } from '../format';
import { Choice } from '../guarantees/GuaranteesPanel';
import { Slider } from '../ui/Slider';
import {
  connectionsNA,
  detectionWindowS,
  FAILURE_COST,
  hottestRoomShare,
  outputBufferLimitsNA,
  slowReadsNote,
  outputBufferNA,
  roomCount,
  type FailurePatch,
} from './logic';
import './failures.css';

const HB_INTERVAL_STOPS = [1, 2, 5, 10, 15, 20, 25, 30, 45, 60];
const HB_TIMEOUT_STOPS = [1, 2, 5, 10, 15, 20, 30, 45, 60];
const ACCEPT_STOPS = [250, 500, 1000, 2500, 5000, 10_000, 20_000, 50_000];
const BACKLOG_STOPS = [16, 64, 128, 256, 511, 1024, 4096, 16_384, 65_535];
const CAP_STOPS = [
  0, 100, 250, 500, 1000, 2500, 5000, 10_000, 11_000, 25_000, 50_000, 100_000, 250_000, 1_000_000,
];
const SHARE_STOPS = [0, 0.1, 0.2, 0.25, 0.34, 0.5, 0.75, 1];
const SLOW_RATE_STOPS = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
const HARD_KB_STOPS = [1024, 2048, 4096, 8192, 16_384, 32_768, 65_536, 131_072, 262_144];
const SOFT_KB_STOPS = [0, 512, 1024, 2048, 4096, 8192, 16_384, 32_768];
const SOFT_S_STOPS = [0, 1, 5, 10, 30, 60, 120, 300];
const GRACE_STOPS = [0, 1, 2, 5, 10, 20, 30, 60];
const CLOSE_STOPS = [1, 5, 10, 20, 30, 60, 120, 300, 600];
const TERM_STOPS = [1, 5, 10, 20, 30, 60, 120, 300];
const ZIPF_STOPS = [0.5, 0.8, 1, 1.1, 1.2, 1.5, 2, 3];

const secs = (v: number) => `${v} s`;
const kib = (v: number) => (v >= 1024 ? `${v / 1024} MiB` : `${v} KiB`);
const pct = (v: number) => `${Math.round(v * 100)} %`;

export function FailuresPanel() {
  const { store } = useServices();
  const s = useApp(selScenario);
  const apply = (patch: FailurePatch) => {
    const st = store.getState();
    st.replaceScenario({ ...st.scenario, ...patch });
  };
  const connNA = connectionsNA(s);
  const bufNA = outputBufferNA(s);
  const limitsNA = outputBufferLimitsNA(s);
  const det = detectionWindowS(s);

  return (
    <div className="guarantees failures" data-testid="failures-panel">
      <p className="note f-intro">
        Failures &amp; capacity: what happens when a server dies, leaves, or cannot keep up, and what each
        defence costs.
      </p>
      {connNA ? (
        <p className="g-na" data-testid="failures-na">
          {connNA}
        </p>
      ) : null}
      <h3 className="f-head">Heartbeats</h3>
      <Slider
        label="Heartbeat interval"
        stops={HB_INTERVAL_STOPS}
        value={s.heartbeatIntervalS}
        onChange={(v) => apply({ heartbeatIntervalS: v })}
        format={secs}
        disabled={connNA !== null}
        note={FAILURE_COST.heartbeatIntervalS}
      />
      <Slider
        label="Heartbeat timeout"
        stops={HB_TIMEOUT_STOPS}
        value={s.heartbeatTimeoutS}
        onChange={(v) => apply({ heartbeatTimeoutS: v })}
        format={secs}
        disabled={connNA !== null}
        note={FAILURE_COST.heartbeatTimeoutS}
      />
      <p className="note f-calc" data-testid="detection-window">
        A server that dies silently is noticed by each client {fmtS(det.min)}–{fmtS(det.max)} after (mean{' '}
        {fmtS(det.mean)}).
      </p>

      <h3 className="f-head">Reconnects and accepting</h3>
      <Choice
        label="Reconnect"
        value={s.reconnect}
        disabled={connNA !== null}
        options={[
          { value: 'immediate', label: 'Immediate' },
          { value: 'exponential', label: 'Backoff' },
          { value: 'exponential-jitter', label: 'Backoff + jitter' },
        ]}
        reason={() => null}
        onChange={(v) => apply({ reconnect: v })}
        cost={FAILURE_COST.reconnect[s.reconnect]}
      />
      <Slider
        label="Accepts per second"
        stops={ACCEPT_STOPS}
        value={s.acceptPerS}
        onChange={(v) => apply({ acceptPerS: v })}
        format={(v) => `${compact(v)}/s`}
        disabled={connNA !== null}
        note={FAILURE_COST.acceptPerS}
      />
      <Slider
        label="Listen backlog"
        stops={BACKLOG_STOPS}
        value={s.listenBacklog}
        onChange={(v) => apply({ listenBacklog: v })}
        format={(v) => v.toLocaleString('en-US')}
        disabled={connNA !== null}
        note={FAILURE_COST.listenBacklog}
      />
      <Slider
        label="Connection cap"
        stops={CAP_STOPS}
        value={s.maxConnectionsPerServer}
        onChange={(v) => apply({ maxConnectionsPerServer: v })}
        format={(v) => (v === 0 ? 'no cap' : compact(v))}
        disabled={connNA !== null}
        note={FAILURE_COST.maxConnectionsPerServer}
      />

      <h3 className="f-head">Slow consumers</h3>
      {bufNA ? <p className="g-na">{bufNA}</p> : null}
      <Slider
        label="Slow consumers"
        stops={SHARE_STOPS}
        value={s.slowConsumerShare}
        onChange={(v) => apply({ slowConsumerShare: v })}
        format={(v) => `${pct(v)} of servers`}
        disabled={bufNA !== null}
        note={FAILURE_COST.slowConsumerShare}
      />
      <Slider
        label="Slow consumer reads"
        stops={SLOW_RATE_STOPS}
        value={s.slowConsumerMsgsPerS}
        onChange={(v) => apply({ slowConsumerMsgsPerS: v })}
        format={(v) => `${compact(v)} msgs/s`}
        disabled={bufNA !== null || s.slowConsumerShare === 0}
        note={slowReadsNote(s)}
      />
      {limitsNA && !bufNA ? <p className="g-na">{limitsNA}</p> : null}
      <Slider
        label="Output buffer hard limit"
        stops={HARD_KB_STOPS}
        value={s.outputBufferHardKb}
        onChange={(v) => apply({ outputBufferHardKb: v })}
        format={kib}
        disabled={limitsNA !== null}
        note={FAILURE_COST.outputBufferHardKb}
      />
      <Slider
        label="Output buffer soft limit"
        stops={SOFT_KB_STOPS}
        value={s.outputBufferSoftKb}
        onChange={(v) => apply({ outputBufferSoftKb: v })}
        format={(v) => (v === 0 ? 'off' : kib(v))}
        disabled={limitsNA !== null}
        note={FAILURE_COST.outputBufferSoftKb}
      />
      <Slider
        label="Soft limit seconds"
        stops={SOFT_S_STOPS}
        value={s.outputBufferSoftS}
        onChange={(v) => apply({ outputBufferSoftS: v })}
        format={secs}
        disabled={limitsNA !== null || s.outputBufferSoftKb === 0}
        note={FAILURE_COST.outputBufferSoftS}
      />

      <h3 className="f-head">Leaving servers</h3>
      <Choice
        label="Drain"
        value={s.drain}
        disabled={connNA !== null}
        options={[
          { value: 'lame-duck', label: 'Lame duck' },
          { value: 'grace-period', label: 'Grace period' },
          { value: 'kill', label: 'Kill' },
        ]}
        reason={() => null}
        onChange={(v) => apply({ drain: v })}
        cost={FAILURE_COST.drain[s.drain]}
      />
      {s.drain === 'lame-duck' ? (
        <Slider
          label="Lame-duck grace"
          stops={GRACE_STOPS}
          value={s.drainGraceS}
          onChange={(v) => apply({ drainGraceS: v })}
          format={secs}
          disabled={connNA !== null}
          note={FAILURE_COST.drainGraceS}
        />
      ) : null}
      {s.drain !== 'kill' ? (
        <Slider
          label="Drain window"
          stops={CLOSE_STOPS}
          value={s.drainCloseS}
          onChange={(v) => apply({ drainCloseS: v })}
          format={secs}
          disabled={connNA !== null}
          note={FAILURE_COST.drainCloseS}
        />
      ) : null}
      {s.drain === 'grace-period' ? (
        <Slider
          label="Termination grace"
          stops={TERM_STOPS}
          value={s.terminationGraceS}
          onChange={(v) => apply({ terminationGraceS: v })}
          format={secs}
          disabled={connNA !== null}
          note={FAILURE_COST.terminationGraceS}
        />
      ) : null}

      <h3 className="f-head">Hot rooms</h3>
      <Choice
        label="Room popularity"
        value={s.roomPopularity}
        options={[
          { value: 'uniform', label: 'Uniform' },
          { value: 'zipf', label: 'Zipf (a few hot)' },
        ]}
        reason={() => null}
        onChange={(v) => apply({ roomPopularity: v })}
        cost={FAILURE_COST.roomPopularity[s.roomPopularity]}
      />
      {s.roomPopularity === 'zipf' ? <ZipfSettings s={s} apply={apply} /> : null}
    </div>
  );
}

function ZipfSettings({ s, apply }: { s: Scenario; apply(p: FailurePatch): void }) {
  const rooms = roomCount(s);
  return (
    <>
      <Slider
        label="Zipf skew"
        stops={ZIPF_STOPS}
        value={s.zipfS}
        onChange={(v) => apply({ zipfS: v })}
        format={(v) => `s = ${v}`}
        note={FAILURE_COST.zipfS}
      />
      <p className="note f-calc" data-testid="hot-room-share">
        The top room of {rooms.toLocaleString('en-US')} gets 1 / H({rooms.toLocaleString('en-US')}, {s.zipfS})
        = {pct1(hottestRoomShare(s))} of all messages.
      </p>
    </>
  );
}

const fmtS = (s: number) => `${s.toLocaleString('en-US', { maximumFractionDigits: 1 })} s`;
const pct1 = (x: number) => `${(x * 100).toFixed(1)} %`;

import { useState, useSyncExternalStore } from 'react';
import { useViewFlags } from '../compare/mode';
import { getCompareServers, subscribeCompareServers } from '../compare/snapshot';
import {
  selMsgRate,
  selPollInterval,
  selRoomSize,
  selSeed,
  selStrategy,
  selPendingServerChanges,
  selCrashedServers,
  selDeploy,
  selTimeline,
  selUpServers,
  selUsers,
  selVnodes,
  selHoldTimeout,
} from '../../store/selectors';
import { useApp, useServices } from '../context';
import { compact, grouped } from '../format';
import { Envelope } from './Envelope';
import { useMoreBelow } from './moreBelow';
import { Slider, niceStops } from './Slider';
import { RailPanel, RailTabs, type RailTab } from './RailTabs';
import { GuaranteesPanel } from '../guarantees/GuaranteesPanel';
import { FailuresPanel } from '../failures/FailuresPanel';

const USER_STOPS = niceStops(10, 1_000_000);
const POLL_STOPS = [0.5, 1, 2, 3, 5, 10, 15, 20, 30, 45, 60];
const RATE_STOPS = [0, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60];
const ROOM_STOPS = [2, 3, 4, 5, 10, 20, 50, 100, 200, 500, 1000];
const VNODE_STOPS = [1, 3, 10, 25, 50, 100, 150, 250, 500, 1000];
const HOLD_STOPS = [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120];

/** The rail's tabs: one line each. */
const TABS: readonly RailTab[] = [
  { id: 'workload', label: 'Workload', panel: () => <WorkloadPanel /> },
  { id: 'guarantees', label: 'Guarantees', panel: () => <GuaranteesPanel /> },
  { id: 'failures', label: 'Failures', panel: () => <FailuresPanel /> },
];

export function LeftRail() {
  const railRef = useMoreBelow<HTMLElement>();
  const [tab, setTab] = useState('workload');
  return (
    <aside className="rail left" aria-label="Settings" ref={railRef}>
      <RailTabs tabs={TABS} active={tab} onSelect={setTab} />
      <RailPanel tabs={TABS} active={tab} />
      <div className="rail-more" aria-hidden="true">
        more ▾
      </div>
    </aside>
  );
}

function WorkloadPanel() {
  const { store, controller } = useServices();
  const st = () => store.getState();
  const strategy = useApp(selStrategy);
  const users = useApp(selUsers);
  const poll = useApp(selPollInterval);
  const rate = useApp(selMsgRate);
  const room = useApp(selRoomSize);
  const vnodes = useApp(selVnodes);
  const hold = useApp(selHoldTimeout);
  const seed = useApp(selSeed);
  const singleServers = useApp(selUpServers);
  // In compare mode the field shows the lanes' servers: that is what + and − act on there.
  const compare = useViewFlags().mode === 'compare';
  const laneServers = useSyncExternalStore(subscribeCompareServers, getCompareServers, getCompareServers);
  const servers = compare ? (laneServers ?? singleServers) : singleServers;
  const pending = useApp(selPendingServerChanges);
  const timeline = useApp(selTimeline);
  const roomStops = ROOM_STOPS.filter((r) => r <= users);

  return (
    <>
      <Slider
        label="Users"
        stops={USER_STOPS}
        value={users}
        onChange={(v) => st().setField('users', v)}
        format={(v) => `${compact(v)} users`}
      />
      <Slider
        label="Poll interval"
        stops={POLL_STOPS}
        value={poll}
        onChange={(v) => st().setField('pollIntervalS', v)}
        format={(v) => `every ${v} s`}
        disabled={strategy !== 'polling'}
        note={
          strategy === 'long-polling'
            ? 'Long polling asks again after each answer, not on a timer.'
            : strategy !== 'polling'
              ? 'Push strategies do not poll.'
              : undefined
        }
      />
      {strategy === 'long-polling' ? (
        <Slider
          label="Hold timeout"
          stops={HOLD_STOPS}
          value={hold}
          onChange={(v) => st().setField('holdTimeoutS', v)}
          format={(v) => `held up to ${v} s`}
        />
      ) : null}
      <Slider
        label="Messages per user per minute"
        stops={RATE_STOPS}
        value={rate}
        onChange={(v) => st().setField('messagesPerUserPerMin', v)}
        format={(v) => `${v}/min`}
      />
      <Slider
        label="Room size"
        stops={roomStops.length ? roomStops : [2]}
        value={room}
        onChange={(v) => st().setField('roomSize', v)}
        format={(v) => (v === 2 ? '2 (one-to-one)' : `${grouped(v)} members`)}
      />
      {strategy === 'consistent-hashing' ? (
        <Slider
          label="Virtual nodes"
          stops={VNODE_STOPS}
          value={vnodes}
          onChange={(v) => st().setField('vnodes', v)}
          format={(v) => `${v}/server`}
        />
      ) : null}
      <div className="row2">
        <div className="field servers">
          <span className="field-label" id="servers-label">
            Servers
          </span>
          <div className="stepper" role="group" aria-labelledby="servers-label">
            <button
              type="button"
              aria-label="Remove server"
              title="Remove a server (−)"
              onClick={() => controller.removeServer()}
              disabled={servers <= 1}
            >
              −
            </button>
            <output
              className="num"
              aria-live="polite"
              data-testid="server-count"
              title="Endpoint servers taking traffic in the running simulation"
            >
              {servers}
            </output>
            <button
              type="button"
              aria-label="Add server"
              title="Add a server (+)"
              onClick={() => controller.addServer()}
            >
              +
            </button>
          </div>
        </div>
        <SeedField seed={seed} onCommit={(v) => st().setField('seed', v)} />
      </div>
      <ServerActions />
      {pending ? (
        <p className="field-note" data-testid="server-pending">
          {pending === 1 ? '1 change waits' : `${pending} changes wait`} for the running migration to finish.
        </p>
      ) : null}
      {timeline.length > 0 ? (
        <div className="timeline-chips">
          <span className="field-label">Actions</span>
          <ul>
            {timeline.slice(-3).map((e, i) => (
              <li key={`${e.atS}-${i}`} className="chip num">
                {e.action === 'add-server'
                  ? '+ server'
                  : e.action === 'remove-server'
                    ? e.server === undefined
                      ? '− server'
                      : `− S${e.server}`
                    : e.action === 'crash-broker'
                      ? 'broker down'
                      : e.action === 'recover-broker'
                        ? 'broker back'
                        : e.action === 'deploy'
                          ? 'Deploy'
                          : e.action === 'restart-server'
                            ? `S${e.server ?? ''} restart`
                            : `S${e.server ?? ''} crash`}{' '}
                @ {e.atS.toFixed(1)} s
              </li>
            ))}
            {timeline.length > 3 ? <li className="chip">+{timeline.length - 3}</li> : null}
          </ul>
          <button
            type="button"
            className="link"
            title="Forget these actions and restart the run"
            onClick={() => st().clearTimeline()}
          >
            clear
          </button>
        </div>
      ) : null}
      <Envelope />
    </>
  );
}

/** Restart a crashed server; roll a deploy through every server (issue 11). */
function ServerActions() {
  const { controller } = useServices();
  const crashed = useApp(selCrashedServers);
  const deploy = useApp(selDeploy);
  const compare = useViewFlags().mode === 'compare';
  if (compare) return null;
  return (
    <div className="server-actions">
      <div className="server-action-buttons" role="group" aria-label="Server actions">
        <button
          type="button"
          className="rail-btn"
          aria-label="Restart crashed server"
          title={
            crashed > 0
              ? 'Bring the last crashed server back, empty (or click a crashed server)'
              : 'No server is down: crash one by clicking it on the stage'
          }
          disabled={crashed === 0}
          onClick={() => controller.restartServer()}
        >
          Restart
        </button>
        <button
          type="button"
          className="rail-btn"
          title="Rolling deploy: restart every server, one at a time, each leaving by the drain mode (D)"
          onClick={() => controller.deploy()}
        >
          Deploy
        </button>
      </div>
      {deploy ? (
        <p className="field-note" data-testid="deploy-status" aria-live="polite">
          Deploying: S{deploy.server} restarting ({deploy.done} of {deploy.of})
        </p>
      ) : null}
    </div>
  );
}

function SeedField({ seed, onCommit }: { seed: number; onCommit(v: number): void }) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft === null) return;
    const v = Number(draft);
    if (draft.trim() !== '' && Number.isInteger(v) && v >= 0) onCommit(v);
    setDraft(null);
  };
  return (
    <div className="field seed">
      <label className="field-label" htmlFor="seed-input">
        Seed
      </label>
      <input
        id="seed-input"
        className="num"
        aria-label="Seed"
        inputMode="numeric"
        value={draft ?? String(seed)}
        onChange={(e) => setDraft(e.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
    </div>
  );
}

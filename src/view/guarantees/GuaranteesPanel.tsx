/**
 * The Guarantees tab of the left rail (issue 10): sequence numbers, recovery, idempotency,
 * at-most/at-least-once and the broker, each with what it costs. Every edit goes through the
 * store's validated path (`replaceScenario`), so the URL carries it and a refusal says why.
 * Options the engine would refuse are disabled with the engine's own reason beside them.
 */
import { useId } from 'react';
import type { Scenario } from '../../bridge/engine';
import { selScenario } from '../../store/selectors';
import { useApp, useServices } from '../context';
import { Slider } from '../ui/Slider';
import {
  brokerNA,
  brokerPatch,
  busPerPublish,
  clientGuaranteesNA,
  COST,
  sequenceNumbersPatch,
  whyNot,
  type GuaranteePatch,
} from './logic';
import './guarantees.css';

const ACK_STOPS = [200, 500, 1000, 2000, 5000, 10_000, 30_000];
const SHARD_STOPS = [3, 4, 5, 6, 8, 12, 16];
const REPLICA_STOPS = [0, 1, 2, 3, 4, 5];
const PARTITION_STOPS = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64, 128];
const COMMIT_STOPS = [100, 500, 1000, 2000, 5000, 10_000, 30_000, 60_000];

const ms = (v: number) => (v >= 1000 ? `${v / 1000} s` : `${v} ms`);

export function GuaranteesPanel() {
  const { store } = useServices();
  const s = useApp(selScenario);
  const apply = (patch: GuaranteePatch, note?: string | null) => {
    const st = store.getState();
    if (st.replaceScenario({ ...st.scenario, ...patch }) && note) st.pushNotice(note, 'info');
  };
  const clientNA = clientGuaranteesNA(s);
  const noBroker = brokerNA(s);
  const seqOff = !s.sequenceNumbers;

  return (
    <div className="guarantees">
      {clientNA ? (
        <p className="g-na" data-testid="guarantees-na">
          {clientNA}
        </p>
      ) : null}
      <Switch
        label="Sequence numbers"
        on={s.sequenceNumbers}
        disabled={clientNA !== null}
        cost={COST.sequenceNumbers}
        onChange={(on) => {
          const { patch, note } = sequenceNumbersPatch(s, on);
          apply(patch, note);
        }}
      />
      <Choice
        label="Recovery"
        value={s.recovery}
        disabled={clientNA !== null}
        options={[
          { value: 'none', label: 'None' },
          { value: 'db', label: 'From the DB' },
          { value: 'log', label: 'From the log' },
        ]}
        reason={(v) => (v === s.recovery ? null : whyNot(s, { recovery: v }))}
        onChange={(v) => apply({ recovery: v })}
        cost={COST.recovery[s.recovery]}
      />
      <Switch
        label="Idempotent client"
        on={s.idempotent}
        disabled={clientNA !== null || (seqOff && !s.idempotent)}
        // Under long polling the note above says why; "needs sequence numbers" would send the
        // reader to a switch that is off for the same reason.
        reason={clientNA === null && seqOff && !s.idempotent ? whyNot(s, { idempotent: true }) : null}
        cost={COST.idempotent}
        onChange={(on) => apply({ idempotent: on })}
      />
      <Choice
        label="Delivery"
        value={s.delivery}
        disabled={clientNA !== null}
        options={[
          { value: 'at-most-once', label: 'At most once' },
          { value: 'at-least-once', label: 'At least once' },
        ]}
        reason={(v) => (v === s.delivery ? null : whyNot(s, { delivery: v }))}
        onChange={(v) => apply({ delivery: v })}
        cost={COST.delivery[s.delivery]}
      />
      {s.delivery === 'at-least-once' ? (
        <Slider
          label="Ack timeout"
          stops={ACK_STOPS}
          value={s.ackTimeoutMs}
          onChange={(v) => apply({ ackTimeoutMs: v })}
          format={ms}
          disabled={clientNA !== null}
          note={COST.ackTimeoutMs}
        />
      ) : null}
      <hr className="g-rule" />
      {noBroker ? <p className="g-na">{noBroker}</p> : null}
      <Choice
        label="Broker"
        value={s.broker}
        disabled={noBroker !== null}
        options={[
          { value: 'redis', label: 'Redis' },
          { value: 'redis-cluster', label: 'Redis Cluster' },
          { value: 'kafka', label: 'Kafka-like' },
        ]}
        reason={(v) => (v === s.broker ? null : whyNot(s, brokerPatch(s, v).patch))}
        onChange={(v) => {
          const { patch, note } = brokerPatch(s, v);
          apply(patch, note);
        }}
        cost={COST.broker[s.broker]}
      />
      {s.broker === 'redis-cluster' ? (
        <ClusterSettings s={s} apply={apply} disabled={noBroker !== null} />
      ) : null}
      {s.broker === 'kafka' ? <KafkaSettings s={s} apply={apply} disabled={noBroker !== null} /> : null}
    </div>
  );
}

type Apply = (patch: GuaranteePatch, note?: string | null) => void;

function ClusterSettings({ s, apply, disabled }: { s: Scenario; apply: Apply; disabled: boolean }) {
  const bus = busPerPublish(s);
  return (
    <div className="g-sub" data-testid="cluster-settings">
      <Slider
        label="Broker shards"
        stops={SHARD_STOPS}
        value={s.brokerShards}
        onChange={(v) => apply({ brokerShards: v })}
        format={(v) => `${v} master${v === 1 ? '' : 's'}`}
        disabled={disabled}
        note={COST.brokerShards}
      />
      <Slider
        label="Replicas per shard"
        stops={REPLICA_STOPS}
        value={s.brokerReplicas}
        onChange={(v) => apply({ brokerReplicas: v })}
        format={(v) => `${v}`}
        disabled={disabled}
        note={COST.brokerReplicas}
      />
      <Choice
        label="Cluster publish"
        value={s.clusterPublish}
        disabled={disabled}
        options={[
          { value: 'publish', label: 'PUBLISH' },
          { value: 'spublish', label: 'SPUBLISH' },
        ]}
        reason={() => null}
        onChange={(v) => apply({ clusterPublish: v })}
        cost={
          s.clusterPublish === 'publish'
            ? `Every publish crosses the bus to every other node: ${s.brokerShards} × (1 + ${s.brokerReplicas}) − 1 = ${bus} bus messages.`
            : `A sharded publish stays in its shard: ${bus} bus message${bus === 1 ? '' : 's'} (one per replica).`
        }
        costTestId="cluster-bus-cost"
      />
    </div>
  );
}

function KafkaSettings({ s, apply, disabled }: { s: Scenario; apply: Apply; disabled: boolean }) {
  return (
    <div className="g-sub" data-testid="kafka-settings">
      <Slider
        label="Partitions"
        stops={PARTITION_STOPS}
        value={s.partitions}
        onChange={(v) => apply({ partitions: v })}
        format={(v) => `${v}`}
        disabled={disabled}
        note={COST.partitions}
      />
      <Choice
        label="Consumer commit"
        value={s.consumerCommit}
        disabled={disabled}
        options={[
          { value: 'after-processing', label: 'After processing' },
          { value: 'before-processing', label: 'Before processing' },
        ]}
        reason={() => null}
        onChange={(v) => apply({ consumerCommit: v })}
        cost={COST.consumerCommit[s.consumerCommit]}
      />
      <Slider
        label="Commit interval"
        stops={COMMIT_STOPS}
        value={s.autoCommitIntervalMs}
        onChange={(v) => apply({ autoCommitIntervalMs: v })}
        format={ms}
        disabled={disabled}
        note={COST.autoCommitIntervalMs}
      />
    </div>
  );
}

/** An on/off switch: a button (Space and Enter toggle it; the page's Space shortcut leaves buttons alone). */
export function Switch(props: {
  label: string;
  on: boolean;
  disabled?: boolean;
  reason?: string | null;
  cost: string;
  onChange(on: boolean): void;
}) {
  const id = useId();
  return (
    <div className={`field g-field${props.disabled ? ' disabled' : ''}`}>
      <div className="field-head">
        <span className="field-label" id={`${id}-l`}>
          {props.label}
        </span>
        <button
          type="button"
          role="switch"
          className="g-switch"
          aria-checked={props.on}
          aria-labelledby={`${id}-l`}
          aria-describedby={`${id}-d`}
          disabled={props.disabled}
          onClick={() => props.onChange(!props.on)}
        >
          <span className="g-knob" aria-hidden="true" />
          <span className="g-switch-text">{props.on ? 'On' : 'Off'}</span>
        </button>
      </div>
      <p className="note" id={`${id}-d`}>
        {props.reason ? <span className="g-reason">Unavailable: {props.reason}. </span> : null}
        {props.cost}
      </p>
    </div>
  );
}

/** A labelled radio group; an option the engine would refuse is disabled, its reason shown under the group. */
export function Choice<T extends string>(props: {
  label: string;
  value: T;
  options: { value: T; label: string }[];
  disabled?: boolean;
  reason(v: T): string | null;
  onChange(v: T): void;
  cost: string;
  costTestId?: string;
}) {
  const id = useId();
  const reasons = props.options
    .map((o) => ({ o, why: props.disabled ? null : props.reason(o.value) }))
    .filter((x) => x.why !== null);
  return (
    <div className={`field g-field${props.disabled ? ' disabled' : ''}`}>
      <span className="field-label" id={`${id}-l`}>
        {props.label}
      </span>
      <div className="g-choice" role="radiogroup" aria-labelledby={`${id}-l`} aria-describedby={`${id}-d`}>
        {props.options.map((o) => {
          const why = props.disabled ? null : props.reason(o.value);
          const on = o.value === props.value;
          return (
            <label key={o.value} className={`${on ? 'on' : ''}${why ? ' off' : ''}`} title={why ?? undefined}>
              <input
                type="radio"
                name={id}
                value={o.value}
                checked={on}
                disabled={props.disabled || why !== null}
                onChange={() => props.onChange(o.value)}
              />
              <span>{o.label}</span>
            </label>
          );
        })}
      </div>
      <p className="note" id={`${id}-d`} data-testid={props.costTestId}>
        {props.cost}
      </p>
      {reasons.map(({ o, why }) => (
        <p key={o.value} className="note g-reason" data-testid="guarantee-reason">
          {o.label}: {why}.
        </p>
      ))}
    </div>
  );
}

/**
 * Hash ring (consistent hashing) or N buckets (simple hashing), with the caption that compares
 * the share of users that moved at the last membership change with the arithmetic.
 */
import { useEffect, useRef } from 'react';
import type { ActionReport } from '../../bridge/engine';
import { selScenario } from '../../store/selectors';
import type { Summary } from '../../store/summary';
import { useApp, useServices } from '../context';
import { compact, percent } from '../format';
import type { Rect } from '../layout';
import { createRing, expectedMoved } from '../render/ring';

export function RingPanel({
  area,
  summary,
  reduced,
}: {
  area: Rect;
  summary: Summary | null;
  reduced: boolean;
}) {
  const { controller } = useServices();
  const world = controller.world;
  const scenario = useApp(selScenario);
  const svgRef = useRef<SVGSVGElement>(null);
  const ringRef = useRef<ReturnType<typeof createRing> | null>(null);
  const modulo = scenario.strategy === 'modulo-hashing';
  const headH = 44;
  const footH = 64;
  const innerW = area.w - 16;
  const innerH = Math.max(80, area.h - headH - footH);

  useEffect(() => {
    const r = createRing(svgRef.current!);
    ringRef.current = r;
    return () => {
      r.destroy();
      ringRef.current = null;
    };
  }, []);

  const lastAction = lastMembershipAction(summary?.timeline ?? []);
  useEffect(() => {
    ringRef.current?.update({
      width: innerW,
      height: innerH,
      ring: world.ring,
      sample: world.sample,
      users: scenario.users,
      vnodes: scenario.vnodes,
      lastAction,
      migration: summary?.migration ?? null,
      reduced,
    });
  });

  const live = summary
    ? summary.servers.filter((s) => s.state === 'up' || s.state === 'draining').length
    : scenario.servers;
  let caption = modulo
    ? `owner = hash(user) mod ${live}. Adding a server changes almost every owner.`
    : `Each user belongs to the next server point clockwise; ${scenario.vnodes} points per server.`;
  if (lastAction && summary && lastAction.server < 0) {
    // Queued behind a running migration: the engine has not picked its server yet.
    caption = `${lastAction.action === 'add-server' ? 'Add' : 'Remove'} server queued: it runs when the current migration finishes.`;
  } else if (lastAction && summary) {
    // N before and after, as the engine counted them when the action ran.
    const after = lastAction.serversAfter;
    const before = lastAction.serversBefore;
    const exp = expectedMoved(modulo ? 'modulo' : 'ring', before, after);
    const measured = lastAction.usersMoved / scenario.users;
    const what =
      lastAction.action === 'add-server'
        ? `Added S${lastAction.server}`
        : lastAction.action === 'remove-server'
          ? `Removed S${lastAction.server}`
          : lastAction.action === 'restart-server'
            ? `Restarted S${lastAction.server}`
            : `S${lastAction.server} crashed`;
    caption = `${what}: moved ${percent(measured)} of users (${compact(lastAction.usersMoved)}) — expected ${exp.formula} = ${percent(exp.share)}`;
  }
  const mig = summary?.migration;

  return (
    <div
      className="ring-panel"
      style={{ left: area.x, top: area.y, width: area.w, height: area.h }}
      data-testid="ring-panel"
    >
      <div className="ring-head">
        <h3>{modulo ? `hash(user) mod ${live}` : 'Hash ring'}</h3>
        <span className="muted">
          {modulo ? 'sample users by owner' : `${live} servers × ${scenario.vnodes} virtual nodes`}
        </span>
      </div>
      <svg
        ref={svgRef}
        className="ring"
        role="img"
        aria-label={modulo ? 'Users in modulo buckets' : 'Hash ring'}
      />
      <div className="ring-foot">
        <p className="ring-caption" data-testid="ring-caption">
          {caption}
        </p>
        {mig ? (
          <div className="migration" role="status">
            <span>
              Migrating {compact(mig.drained)} / {compact(mig.movers)} · both owners receive ({mig.phase})
            </span>
            <progress max={Math.max(1, mig.movers)} value={mig.drained} />
          </div>
        ) : null}
      </div>
    </div>
  );
}

/** The last action that changed the endpoint servers (broker actions do not move anyone). */
function lastMembershipAction(t: readonly ActionReport[]): ActionReport | null {
  for (let i = t.length - 1; i >= 0; i--) {
    const a = t[i]!;
    if (
      a.action === 'add-server' ||
      a.action === 'remove-server' ||
      a.action === 'crash-server' ||
      a.action === 'restart-server'
    )
      return a;
  }
  return null;
}

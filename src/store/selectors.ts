/**
 * Module-level selectors: stable function identities that return primitives (or immer-stable
 * references), so a component re-renders only when its own value changes.
 */
import type { AppState } from './store';

export const selStrategy = (s: AppState) => s.scenario.strategy;
export const selUsers = (s: AppState) => s.scenario.users;
export const selServers = (s: AppState) => s.scenario.servers;
export const selPollInterval = (s: AppState) => s.scenario.pollIntervalS;
export const selMsgRate = (s: AppState) => s.scenario.messagesPerUserPerMin;
export const selRoomSize = (s: AppState) => s.scenario.roomSize;
export const selVnodes = (s: AppState) => s.scenario.vnodes;
export const selHoldTimeout = (s: AppState) => s.scenario.holdTimeoutS;
export const selSeed = (s: AppState) => s.scenario.seed;
export const selScenario = (s: AppState) => s.scenario;
export const selTimeline = (s: AppState) => s.scenario.timeline;
export const selRunKey = (s: AppState) => s.runKey;
export const selPlaying = (s: AppState) => s.playing;
export const selSpeed = (s: AppState) => s.speed;
export const selNotices = (s: AppState) => s.notices;
export const selShowHelp = (s: AppState) => s.showHelp;
export const selSelectedServer = (s: AppState) => s.selectedServer;
export const selSummary = (s: AppState) => s.summary;
export const selSimTimeS = (s: AppState) => s.summary?.simTimeS ?? 0;
export const selLiveServers = (s: AppState) => s.summary?.servers;
/** Servers taking traffic now (falls back to the scenario before the first frame). */
export const selUpServers = (s: AppState) =>
  s.summary
    ? s.summary.servers.filter((x) => x.state === 'up' || x.state === 'draining').length
    : s.scenario.servers;
/** Servers crashed now (each can be restarted). */
export const selCrashedServers = (s: AppState) =>
  s.summary ? s.summary.servers.filter((x) => x.state === 'crashed').length : 0;
export const selDeploy = (s: AppState) => s.summary?.deploy ?? null;
export const selBehind = (s: AppState) =>
  s.summary?.behind && s.summary.playing ? s.summary.achievedSpeed : null;
/**
 * Add/remove requests the engine queued behind a running migration (it has not picked a server for
 * them yet), so the Servers field can say why it has not moved.
 */
export const selPendingServerChanges = (s: AppState) =>
  s.summary?.migration
    ? s.summary.timeline.filter(
        (a) => a.server < 0 && (a.action === 'add-server' || a.action === 'remove-server'),
      ).length
    : 0;

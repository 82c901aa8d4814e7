/** Colours with one meaning each (UI.md, Okabe–Ito), shared by SVG, canvas and CSS legends. */
import { MsgKind } from '../bridge/engine';

export const MSG_COLOR: Record<number, string> = {
  [MsgKind.Poll]: '#0072B2',
  [MsgKind.PollResponse]: '#56B4E9',
  [MsgKind.Write]: '#CC79A7',
  [MsgKind.Push]: '#009E73',
  [MsgKind.Publish]: '#E69F00',
  [MsgKind.Fanout]: '#E69F00',
  [MsgKind.Connect]: '#D55E00',
  [MsgKind.Coord]: '#F0E442',
  [MsgKind.Loss]: '#D55E00',
  // Delivery guarantees (issue 10): a gap is a loss the client noticed (vermillion, drawn as a
  // ring); a dropped duplicate is a grey struck-through copy; a recovery fetch is a DB read (sky).
  [MsgKind.Duplicate]: '#8C96A0',
  [MsgKind.Gap]: '#D55E00',
  [MsgKind.Recovery]: '#56B4E9',
  [MsgKind.Heartbeat]: '#8C96A0',
};

export const MSG_LABEL: Record<number, string> = {
  [MsgKind.Poll]: 'poll',
  [MsgKind.PollResponse]: 'poll response',
  [MsgKind.Write]: 'chat write',
  [MsgKind.Push]: 'push',
  [MsgKind.Publish]: 'publish',
  [MsgKind.Fanout]: 'fan-out',
  [MsgKind.Connect]: 'connect / redirect',
  [MsgKind.Coord]: 'coordination',
  [MsgKind.Loss]: 'lost',
  [MsgKind.Duplicate]: 'duplicate',
  [MsgKind.Gap]: 'gap detected',
  [MsgKind.Recovery]: 'recovery fetch',
  [MsgKind.Heartbeat]: 'heartbeat',
};

export const LOSS = '#D55E00';
export const OK = '#009E73';

/**
 * Categorical colours for servers on the ring (a separate palette from message kinds; every
 * server also carries a text label, so ownership never relies on colour alone).
 */
export const SERVER_COLORS = [
  '#4E79A7',
  '#F28E2B',
  '#59A14F',
  '#B07AA1',
  '#EDC948',
  '#76B7B2',
  '#FF9DA7',
  '#9C755F',
  '#E15759',
  '#BAB0AC',
];

export function serverColor(id: number): string {
  return SERVER_COLORS[((id % SERVER_COLORS.length) + SERVER_COLORS.length) % SERVER_COLORS.length]!;
}

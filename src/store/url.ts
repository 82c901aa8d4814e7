/**
 * The scenario in the URL query, keyed by the scenario's own field names
 * (`?strategy=pubsub&users=100000&servers=4&pollIntervalS=10&seed=3`).
 *
 * Parsing never throws and never yields a run the engine would refuse: each bad value becomes a
 * notice and that field's default, so a hostile or stale link still opens a working page.
 */
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { ACTIONS, DEFAULT_SCENARIO, LIMITS, normalizeScenario, scenarioSchema } from '../bridge/engine';
import type { ActionKind, Scenario, TimelineEntry } from '../bridge/engine';
import { chapterById } from '../content/tours';
import { HEADLINE_FIELDS } from './headline';

type Field = keyof Scenario;
const FIELDS = Object.keys(DEFAULT_SCENARIO) as Field[];
const isField = (k: string): k is Field => Object.prototype.hasOwnProperty.call(DEFAULT_SCENARIO, k);

/** Written even at their defaults, so a shared link states the workload it shows. */
const ALWAYS = HEADLINE_FIELDS;

/**
 * Query keys about how the page is shown (tours, presenter mode, compare mode, embedding), not the
 * scenario: parsing skips them without a notice and writeUrl keeps them, so a shared link reopens
 * the same view.
 */
export const VIEW_PARAMS = new Set<string>(['tour', 'step', 'present', 'mode', 'embed']);

export interface ParsedQuery {
  scenario: Scenario;
  notices: string[];
}

/** Shortens and de-controls a value before it is quoted back to the reader. */
function quote(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = raw.replace(/[\u0000-\u001f\u007f]/g, '?');
  return JSON.stringify(clean.length > 32 ? `${clean.slice(0, 32)}…` : clean);
}

function show(v: unknown): string {
  if (Array.isArray(v)) return v.length ? formatTimeline(v as TimelineEntry[]) : 'none';
  return String(v);
}

/** Past this many characters the timeline travels lz-compressed, so a share link stays short. */
export const TIMELINE_COMPRESS_AT = 160;
/** Marks a compressed timeline value (`timeline=lz.…`); the plain form never starts with a letter. */
const LZ_PREFIX = 'lz.';
/** The longest query the page reads; anything past it is reported, not silently dropped. */
export const MAX_QUERY_CHARS = 65_536;

/** `12.5:add-server,30:crash-server:2` */
export function formatTimeline(t: readonly TimelineEntry[]): string {
  return t
    .map((e) => [String(e.atS), e.action, ...(e.server === undefined ? [] : [String(e.server)])].join(':'))
    .join(',');
}

/** Parses the compact timeline form; throws a short message on the first bad entry. */
export function parseTimeline(raw: string): TimelineEntry[] {
  if (raw.startsWith(LZ_PREFIX)) {
    // URLSearchParams turns '+' into a space; the compressed alphabet uses '+'.
    const plain = decompressFromEncodedURIComponent(raw.slice(LZ_PREFIX.length).replace(/ /g, '+'));
    if (!plain) throw new Error('compressed timeline is damaged');
    if (plain.startsWith(LZ_PREFIX)) throw new Error('compressed twice');
    return parseTimeline(plain);
  }
  if (raw.trim() === '') return [];
  const parts = raw.split(',');
  if (parts.length > 1000) throw new Error('too many actions');
  return parts.map((part) => {
    const [at, action, server, ...rest] = part.split(':');
    const atS = Number(at);
    if (at === undefined || at.trim() === '' || !Number.isFinite(atS) || atS < 0 || atS > LIMITS.maxDurationS)
      throw new Error(`bad time in ${quote(part)}`);
    if (!(ACTIONS as readonly string[]).includes(action ?? ''))
      throw new Error(`unknown action in ${quote(part)}`);
    const entry: TimelineEntry = { atS, action: action as ActionKind };
    if (server !== undefined) {
      const id = Number(server);
      if (server.trim() === '' || !Number.isInteger(id) || id < 0 || id >= LIMITS.maxServers)
        throw new Error(`bad server in ${quote(part)}`);
      entry.server = id;
    }
    if (rest.length) throw new Error(`extra text in ${quote(part)}`);
    return entry;
  });
}

function convert(field: Field, raw: string): unknown {
  if (field === 'timeline') return parseTimeline(raw);
  if (typeof DEFAULT_SCENARIO[field] === 'number') {
    // Number('') is 0 and Number(' 1 ') is 1: demand a plain numeral.
    if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(raw)) throw new Error('not a number');
    return Number(raw);
  }
  if (typeof DEFAULT_SCENARIO[field] === 'boolean') {
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new Error('not true or false');
  }
  return raw;
}

/** Checks the view keys (tour, step, present, mode, embed): a bad one is named, then ignored. */
function viewNotices(params: URLSearchParams): string[] {
  const notices: string[] = [];
  const flag = (key: string) => {
    const v = params.get(key);
    if (v !== null && !['0', '1', 'true', 'false'].includes(v))
      notices.push(`${key}=${quote(v)} is not valid (use 1 or 0); ignored.`);
  };
  const mode = params.get('mode');
  if (mode !== null && mode !== 'compare' && mode !== 'single')
    notices.push(`mode=${quote(mode)} is not valid (use compare); showing one simulation.`);
  flag('present');
  flag('embed');
  const tour = params.get('tour');
  const chapter = tour === null ? undefined : chapterById(tour);
  if (tour !== null && !chapter) notices.push(`tour=${quote(tour)} is not a tour; ignored.`);
  const step = params.get('step');
  if (step !== null) {
    const n = Number(step);
    if (tour === null) notices.push(`step=${quote(step)} needs a tour; ignored.`);
    else if (chapter && (!Number.isInteger(n) || n < 1 || n > chapter.steps.length)) {
      // The tour opens the nearest step (see parseTourLink); say which.
      const used = Number.isInteger(n) ? Math.min(Math.max(n, 1), chapter.steps.length) : 1;
      notices.push(
        `step=${quote(step)} is not a step of this tour (1–${chapter.steps.length}); using ${used}.`,
      );
    } else if (!chapter) notices.push(`step=${quote(step)} ignored with the unknown tour.`);
  }
  return notices;
}

export function parseQuery(search: string): ParsedQuery {
  const notices: string[] = [];
  if (search.length > MAX_QUERY_CHARS)
    notices.push(
      `The link is ${Math.round(search.length / 1024)} KB long; only its first ${MAX_QUERY_CHARS / 1024} KB were read.`,
    );
  const params = new URLSearchParams(
    search.length > MAX_QUERY_CHARS ? search.slice(0, MAX_QUERY_CHARS) : search,
  );
  const input: Record<string, unknown> = {};
  const seen = new Set<string>();
  notices.push(...viewNotices(params));
  for (const [key, raw] of params) {
    if (seen.has(key)) continue; // the first occurrence wins, like URLSearchParams.get
    seen.add(key);
    const all = params.getAll(key);
    if (all.length > 1)
      notices.push(`${key} appears ${all.length} times in the link; using the first (${key}=${quote(raw)}).`);
    if (VIEW_PARAMS.has(key)) continue;
    if (!isField(key)) {
      notices.push(`Ignored unknown URL parameter ${quote(key)}.`);
      continue;
    }
    const fieldSchema = scenarioSchema.shape[key];
    let value: unknown;
    try {
      value = convert(key, raw);
    } catch (e) {
      notices.push(
        `${key}=${quote(raw)} is not valid (${(e as Error).message}); using ${show(DEFAULT_SCENARIO[key])}.`,
      );
      continue;
    }
    const r = fieldSchema.safeParse(value);
    if (!r.success) {
      const why = r.error.issues[0]?.message ?? 'invalid';
      notices.push(`${key}=${quote(raw)} is not valid (${why}); using ${show(DEFAULT_SCENARIO[key])}.`);
      continue;
    }
    input[key] = r.data;
  }
  // Cross-field rule: a room cannot hold more members than there are users.
  const users = (input.users as number | undefined) ?? DEFAULT_SCENARIO.users;
  const room = (input.roomSize as number | undefined) ?? DEFAULT_SCENARIO.roomSize;
  if (room > users) {
    notices.push(
      `roomSize=${room} is larger than users=${users}; using ${Math.min(DEFAULT_SCENARIO.roomSize, users)}.`,
    );
    input.roomSize = Math.min(DEFAULT_SCENARIO.roomSize, users);
  }
  if (users < 2) {
    notices.push(`users=${users} leaves nobody to talk to; using ${DEFAULT_SCENARIO.users}.`);
    input.users = DEFAULT_SCENARIO.users;
    input.roomSize = Math.min((input.roomSize as number | undefined) ?? 2, DEFAULT_SCENARIO.users);
  }
  try {
    return { scenario: normalizeScenario(input), notices };
  } catch (e) {
    notices.push(`The link's scenario was not usable (${(e as Error).message}); showing the defaults.`);
    return { scenario: structuredClone(DEFAULT_SCENARIO), notices };
  }
}

function encode(v: string): string {
  // ':' and ',' are legal in a query and keep timelines readable in the address bar.
  return encodeURIComponent(v).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}

/** The query string (with `?`) for a scenario: headline fields always, others when not default. */
export function formatQuery(s: Scenario): string {
  const parts: string[] = [];
  for (const f of FIELDS) {
    const v = s[f];
    if (f === 'timeline') {
      if (s.timeline.length) {
        const plain = formatTimeline(s.timeline);
        const packed =
          plain.length > TIMELINE_COMPRESS_AT ? LZ_PREFIX + compressToEncodedURIComponent(plain) : plain;
        parts.push(`timeline=${encode(packed)}`);
      }
      continue;
    }
    if (!ALWAYS.includes(f) && v === DEFAULT_SCENARIO[f]) continue;
    parts.push(`${f}=${encode(String(v))}`);
  }
  // Headline fields first, in a fixed order, so links read alike.
  parts.sort((a, b) => rank(a) - rank(b));
  return `?${parts.join('&')}`;
}

function rank(part: string): number {
  const i = ALWAYS.indexOf(part.slice(0, part.indexOf('=')) as Field);
  return i < 0 ? ALWAYS.length : i;
}

/** Replaces the address bar's query without adding a history entry. */
export function writeUrl(s: Scenario, loc: Location = window.location, hist: History = window.history): void {
  const view = [...new URLSearchParams(loc.search)].filter(([k]) => VIEW_PARAMS.has(k));
  const q = formatQuery(s) + view.map(([k, v]) => `&${k}=${encode(v)}`).join('');
  if (loc.search === q) return;
  hist.replaceState(hist.state, '', `${loc.pathname}${q}${loc.hash}`);
}

/**
 * Command-line parsing for `npm run sim`, kept pure (no I/O, no process) so every rule is testable.
 *
 * The scenario flags are derived from the scenario schema itself, so a field added to the engine
 * becomes a flag without touching this file: `pollIntervalS` → `--poll-interval-s`, plus a short
 * alias without the unit suffix (`--poll-interval`, `--duration`) when that alias is unambiguous.
 */
import {
  ACTIONS,
  normalizeScenario,
  scenarioSchema,
  ScenarioError,
  timelineEntrySchema,
  type Scenario,
  type TimelineEntry,
} from '../engine/scenario';

/** Bad command-line input. `message` is one line that starts with the field it names. */
export class CliError extends Error {
  constructor(
    /** The scenario field or flag at fault (`users`, `timeline.0.action`, `--foo`, `at`). */
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** How a flag's text value becomes a JSON value before the schema validates it. */
type ValueKind = 'number' | 'boolean' | 'string' | 'json';

export interface ScenarioFlag {
  /** Scenario key, e.g. `pollIntervalS`. */
  key: string;
  /** Canonical flag without dashes, e.g. `poll-interval-s`. */
  flag: string;
  /** Short forms without the unit suffix, e.g. `poll-interval`. */
  aliases: string[];
  kind: ValueKind;
  /** Allowed values of an enum field (for the usage text). */
  choices?: readonly string[];
}

export interface SimArgs {
  help: boolean;
  /** `--pretty`: indent the JSON for people; the default is one compact line for tools. */
  pretty: boolean;
  scenarioFile?: string;
  /** Scenario fields given as flags; they override the file. */
  overrides: Record<string, unknown>;
  /** `--at` actions, appended to the timeline in the order given. */
  at: TimelineEntry[];
}

/** `pollIntervalS` → `poll-interval-s`. */
export function kebabCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

interface ZodDefLike {
  type?: string;
  innerType?: unknown;
  entries?: Record<string, string>;
}

/** The schema's type name under `.default()`/`.optional()` wrappers (zod 4 keeps it in `_zod.def`). */
function fieldKind(schema: unknown): { kind: ValueKind; choices?: readonly string[] } {
  let s = schema as { _zod?: { def?: ZodDefLike } } | undefined;
  for (let depth = 0; depth < 8 && s?._zod?.def; depth++) {
    const def = s._zod.def;
    switch (def.type) {
      case 'number':
      case 'int':
      case 'bigint':
        return { kind: 'number' };
      case 'boolean':
        return { kind: 'boolean' };
      case 'enum':
        return { kind: 'string', choices: def.entries ? Object.values(def.entries) : undefined };
      case 'string':
      case 'literal':
        return { kind: 'string' };
      case 'array':
      case 'object':
      case 'record':
      case 'tuple':
        return { kind: 'json' };
    }
    s = def.innerType as typeof s;
  }
  return { kind: 'json' };
}

/** Flags owned by the CLI itself; no scenario flag or alias may take these names. */
const CLI_FLAGS = new Set(['scenario', 'at', 'help', 'pretty']);

/** Every scenario flag, derived from the schema's keys. */
export function scenarioFlags(): ScenarioFlag[] {
  const flags: ScenarioFlag[] = Object.entries(scenarioSchema.shape).map(([key, schema]) => ({
    key,
    flag: kebabCase(key),
    aliases: [],
    ...fieldKind(schema),
  }));
  const taken = new Set([...CLI_FLAGS, ...flags.map((f) => f.flag)]);
  const aliasCount = new Map<string, number>();
  const aliasOf = (flag: string): string | undefined => {
    // A unit suffix (`-s`, `-ms`) may be dropped, but not from a rate such as `-per-s`.
    const m = /^(.+?)-(s|ms)$/.exec(flag);
    if (!m || m[1]!.endsWith('-per')) return undefined;
    return m[1];
  };
  for (const f of flags) {
    const a = aliasOf(f.flag);
    if (a) aliasCount.set(a, (aliasCount.get(a) ?? 0) + 1);
  }
  for (const f of flags) {
    const a = aliasOf(f.flag);
    if (a && aliasCount.get(a) === 1 && !taken.has(a)) f.aliases.push(a);
  }
  return flags;
}

const NUMBER_RE = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Parses a whole decimal number; `12abc`, `''`, `0x10` and `Infinity` are errors. */
export function parseStrictNumber(text: string): number | undefined {
  const t = text.trim();
  if (!NUMBER_RE.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

function parseValue(f: ScenarioFlag, text: string): unknown {
  switch (f.kind) {
    case 'number': {
      const n = parseStrictNumber(text);
      if (n === undefined)
        throw new CliError(f.key, `${f.key}: expected a number, got ${JSON.stringify(text)}`);
      return n;
    }
    case 'boolean':
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw new CliError(f.key, `${f.key}: expected true or false, got ${JSON.stringify(text)}`);
    case 'string':
      return text;
    case 'json':
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new CliError(f.key, `${f.key}: expected JSON, got ${JSON.stringify(text)}`);
      }
  }
}

/** `60:add-server` or `30:crash-server:2` → a timeline entry. */
export function parseAt(text: string): TimelineEntry {
  const parts = text.split(':');
  if (parts.length < 2 || parts.length > 3) {
    throw new CliError(
      'at',
      `at: ${JSON.stringify(text)} is not SECONDS:ACTION[:SERVER] (e.g. 60:add-server, 30:crash-server:2)`,
    );
  }
  const [atText, action, serverText] = parts as [string, string, string | undefined];
  const atS = parseStrictNumber(atText);
  if (atS === undefined)
    throw new CliError('at', `at: time ${JSON.stringify(atText)} is not a number of seconds`);
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw new CliError(
      'at',
      `at: unknown action ${JSON.stringify(action)} (expected one of ${ACTIONS.join(', ')})`,
    );
  }
  const entry: Record<string, unknown> = { atS, action };
  if (serverText !== undefined) {
    const server = parseStrictNumber(serverText);
    if (server === undefined)
      throw new CliError('at', `at: server ${JSON.stringify(serverText)} is not a number`);
    entry.server = server;
  }
  const r = timelineEntrySchema.safeParse(entry);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = issue.path.map(String).join('.');
    throw new CliError('at', `at: ${path ? `${path}: ` : ''}${issue.message} (in ${JSON.stringify(text)})`);
  }
  return r.data;
}

/** Parses `sim`'s argv (without `node` and the script). Throws {@link CliError}. */
export function parseSimArgs(argv: readonly string[], flags = scenarioFlags()): SimArgs {
  const byName = new Map<string, ScenarioFlag>();
  for (const f of flags) {
    byName.set(f.flag, f);
    for (const a of f.aliases) byName.set(a, f);
  }
  const out: SimArgs = { help: false, pretty: false, overrides: {}, at: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      out.help = true;
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      throw new CliError(arg, `unexpected argument ${JSON.stringify(arg)} (flags start with --; see --help)`);
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const f = byName.get(name);
    const isBool = name === 'help' || name === 'pretty' || f?.kind === 'boolean';
    if (!f && !CLI_FLAGS.has(name)) throw new CliError(`--${name}`, `--${name}: unknown flag (see --help)`);

    let value: string;
    if (inline !== undefined) value = inline;
    else if (isBool) value = 'true';
    else {
      // The next token is the value even when it starts with '-', so `--users -5` reaches the
      // schema and is reported as too small rather than as a missing value.
      const next = argv[i + 1];
      if (next === undefined)
        throw new CliError(f?.key ?? name, `${f?.key ?? name}: missing value after --${name}`);
      value = next;
      i++;
    }

    switch (name) {
      case 'help':
      case 'pretty':
        if (value !== 'true' && value !== 'false')
          throw new CliError(`--${name}`, `--${name}: takes no value (got ${JSON.stringify(value)})`);
        out[name] = value === 'true';
        break;
      case 'scenario':
        if (value === '') throw new CliError('scenario', 'scenario: empty file name');
        out.scenarioFile = value;
        break;
      case 'at':
        out.at.push(parseAt(value));
        break;
      default:
        out.overrides[f!.key] = parseValue(f!, value);
    }
  }
  return out;
}

/** Turns a ScenarioError (or a zod-like message) into a CliError naming the same field. */
function asCliError(e: unknown): never {
  if (e instanceof ScenarioError) throw new CliError(e.field, oneLine(e.message));
  throw e;
}

/** Collapses whitespace so any message stays on one line of stderr. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Merges the scenario file (already read as text, or undefined), the flag overrides and the
 * `--at` actions, then validates and fills in defaults. Throws {@link CliError}.
 */
export function buildScenario(args: SimArgs, fileText?: string): Scenario {
  let base: Record<string, unknown> = {};
  if (fileText !== undefined) {
    const name = args.scenarioFile ?? 'scenario file';
    let parsed: unknown;
    try {
      parsed = JSON.parse(fileText);
    } catch (e) {
      throw new CliError(
        'scenario',
        oneLine(`scenario: ${name} is not valid JSON (${(e as Error).message})`),
      );
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new CliError('scenario', `scenario: ${name} must hold a JSON object`);
    }
    base = parsed as Record<string, unknown>;
  }
  const merged: Record<string, unknown> = { ...base, ...args.overrides };
  if (args.at.length > 0) {
    const tl = merged.timeline ?? [];
    // A non-array timeline is left for the schema to report as `timeline`.
    merged.timeline = Array.isArray(tl) ? [...(tl as unknown[]), ...args.at] : tl;
  }
  try {
    return normalizeScenario(merged);
  } catch (e) {
    return asCliError(e);
  }
}

/** `--help` text, listing every scenario flag with its default. */
export function simUsage(defaults: Record<string, unknown>, flags = scenarioFlags()): string {
  const rows = flags.map((f) => {
    const names = [`--${f.flag}`, ...f.aliases.map((a) => `--${a}`)].join(', ');
    const value = f.choices
      ? f.choices.join('|')
      : f.kind === 'number'
        ? 'N'
        : f.kind === 'json'
          ? 'JSON'
          : 'VALUE';
    return [`  ${names} ${value}`, `[${JSON.stringify(defaults[f.key])}]`] as const;
  });
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  return [
    'Usage: npm run --silent sim -- [--scenario FILE.json] [--FIELD VALUE ...] [--at SECONDS:ACTION[:SERVER] ...]',
    '',
    'Runs one headless simulation and prints its Result JSON (one line) on stdout.',
    'Flags override the scenario file; unset fields take their defaults.',
    '',
    'Options:',
    '  --scenario FILE.json      scenario JSON (every field optional)',
    `  --at SECONDS:ACTION[:ID]  append a timeline action (repeatable): ${ACTIONS.join(', ')}`,
    '                            e.g. --at 60:add-server --at 90:crash-server:2',
    '  --pretty                  indent the JSON',
    '  --help, -h                this text',
    '',
    'Scenario fields [default]:',
    ...rows.map(([l, d]) => l.padEnd(width) + d),
    '',
    'Invalid input exits with status 2 and one line on stderr naming the field.',
  ].join('\n');
}

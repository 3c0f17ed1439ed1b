/**
 * The options `ls` and `count` share (netstat's and ss's flags) and how they become a
 * scan and a row selection.
 * @module
 */
import { parseFilter, type ParsedFilter, type RowPredicate, selector } from '../model/filter.js';
import { ALL_MASK, CLOSE, DEFAULT_LS_MASK, LISTEN, maskOf, type StateMask } from '../model/state.js';
import { PROTO_UDP } from '../model/table.js';
import type { ScanOptions } from '../sources/live.js';
import { scanOptions } from '../snapshot.js';
import { configFromEnv } from '../sources/config.js';
import { type OptionSpec, str } from './args.js';
import { type Lang, pick } from '../i18n/catalogue.js';
import { CATALOGUE as HELP_TEXTS } from '../i18n/help.js';

export const SOCKET_OPTIONS: OptionSpec = {
  tcp: { type: 'boolean', short: 't' },
  udp: { type: 'boolean', short: 'u' },
  listening: { type: 'boolean', short: 'l' },
  all: { type: 'boolean', short: 'a' },
  numeric: { type: 'boolean', short: 'n' },
  program: { type: 'boolean', short: 'p' },
  processes: { type: 'boolean' },
  timers: { type: 'boolean', short: 'o' },
  options: { type: 'boolean' },
  extend: { type: 'boolean', short: 'e' },
  extended: { type: 'boolean' },
  info: { type: 'boolean', short: 'i' },
  memory: { type: 'boolean', short: 'm' },
  ipv4: { type: 'boolean', short: '4' },
  ipv6: { type: 'boolean', short: '6' },
  'proc-root': { type: 'string' },
  netns: { type: 'string', short: 'N' },
  net: { type: 'string' },
  source: { type: 'string' },
  'input-format': { type: 'string' },
  record: { type: 'string' },
  replay: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** Selection, filters and where to read, as help lists them (English: the man page's). */
export const SOCKET_HELP = HELP_TEXTS.en.socket;

/** {@link SOCKET_HELP} in `lang`. */
export function socketHelp(lang: Lang): string {
  return pick(HELP_TEXTS, lang).socket;
}

export interface Selection {
  scan: ScanOptions;
  filter: ParsedFilter;
  /** States selected after defaults and filters. */
  states: StateMask;
  keep: RowPredicate;
  sourceName: string | undefined;
}

/**
 * Turn parsed options and filter words into a scan and a row selection, under the switches
 * of the command's environment (`io.env`: TCPSTATE_PROC_ROOT, TCPSTATE_NO_BPF, ...;
 * src/sources/config.ts). `defaultStates` applies when neither -a, -l nor a state filter is given.
 */
export function selection(values: Record<string, unknown>, filterWords: string[], defaultStates: StateMask, env: Readonly<Record<string, string | undefined>>): Selection {
  const filter = parseFilter(filterWords);
  const udp = Boolean(values['udp']);
  let states = defaultStates;
  if (values['all']) states = ALL_MASK;
  // An unconnected UDP socket (CLOSE) is UDP's listener: netstat -lu lists it.
  else if (values['listening']) states = udp ? maskOf(LISTEN, CLOSE) : maskOf(LISTEN);
  if (filter.states !== undefined) states = filter.states;
  const tcp = Boolean(values['tcp']) || !udp;
  const v4only = Boolean(values['ipv4']) && !values['ipv6'];
  const v6only = Boolean(values['ipv6']) && !values['ipv4'];
  const scan = scanOptions({
    procRoot: str(values['proc-root']),
    netns: str(values['netns']) ?? str(values['net']),
    tcp,
    udp,
    v4: !v6only,
    v6: !v4only,
    states,
    info: Boolean(values['info']),
    memory: Boolean(values['memory']),
    record: str(values['record']),
    replay: str(values['replay']),
    config: configFromEnv(env),
  });
  return {
    scan,
    filter,
    states,
    keep: udpRule(selector(states, filter.expr), udp && defaultStates !== ALL_MASK && !values['all'] && filter.states === undefined, Boolean(values['listening'])),
    sourceName: str(values['source']),
  };
}

/**
 * netstat's rule for UDP without -a: unconnected sockets are servers, hidden by default and
 * the only ones -l lists (TCP keeps its LISTEN rule). A state filter or -a says otherwise.
 */
function udpRule(keep: RowPredicate, applies: boolean, listening: boolean): RowPredicate {
  if (!applies) return keep;
  if (listening) return (t, i) => keep(t, i) && (t.proto[i] === PROTO_UDP ? t.state[i] === CLOSE : t.state[i] === LISTEN);
  return (t, i) => keep(t, i) && !(t.proto[i] === PROTO_UDP && t.state[i] === CLOSE);
}

export { DEFAULT_LS_MASK };

/**
 * The fleet table without Prometheus: each agent's (`tcpstate serve`) `/api/v1/counts`
 * read over HTTP(S), all at once, each within its own time limit. An agent that does not
 * answer, or answers with something else, is a host with an error (a row saying so), not a
 * failure of the whole table.
 * @module
 */
import { newCounts } from '../model/count.js';
import { SCHEMAS } from '../model/documents.js';
import type { FleetHost } from '../model/fleet.js';
import { parseState } from '../model/state.js';
import { getText, HttpFailure, type HttpOptions } from './http.js';
import type { FleetMessages } from '../i18n/fleet.js';

/** The largest counts document read from an agent. */
const MAX_COUNTS = 1 << 20;

/** The counts URL of an agent given as `http://host:port` (a path given is kept). */
export function countsUrl(u: URL): URL {
  const c = new URL(u.href);
  if (c.pathname === '' || c.pathname === '/') c.pathname = '/api/v1/counts';
  return c;
}

/** The host's name in the table: host:port of the URL, without credentials. */
export function agentName(u: URL): string {
  return u.host;
}

/** Read one agent; never rejects for the agent's sake. */
export async function readAgent(u: URL, o: Omit<HttpOptions, 'maxBytes'>, msg: FleetMessages): Promise<FleetHost> {
  const shown = new URL(countsUrl(u).href);
  shown.username = '';
  shown.password = '';
  const host: FleetHost = { host: agentName(u), format: 'agent', file: shown.href, line: 0, counts: newCounts() };
  const fail = (why: string): FleetHost => ({ ...host, error: msg.down(why) });
  let a;
  try {
    a = await getText(countsUrl(u), { ...o, maxBytes: MAX_COUNTS }, msg);
  } catch (e) {
    if (e instanceof HttpFailure) return fail(e.why);
    throw e;
  }
  let d: { schema?: unknown; states?: unknown; error?: { message?: unknown } };
  try {
    d = JSON.parse(a.body);
  } catch {
    return fail(a.status === 200 ? msg.agentNotCounts(shown.href) : `HTTP ${a.status}`);
  }
  if (a.status !== 200) return fail(`HTTP ${a.status}${typeof d.error?.message === 'string' ? `: ${d.error.message}` : ''}`);
  if (d.schema !== SCHEMAS.count || typeof d.states !== 'object' || d.states === null) return fail(msg.agentNotCounts(shown.href));
  for (const [name, v] of Object.entries(d.states)) {
    const code = parseState(name);
    if (code === undefined || typeof v !== 'number' || !Number.isInteger(v) || v < 0) return fail(msg.agentNotCounts(shown.href));
    host.counts[code]! += v;
  }
  return host;
}

/** Read every agent at once; hosts in the order given. */
export function readAgents(urls: readonly URL[], o: Omit<HttpOptions, 'maxBytes'>, msg: FleetMessages): Promise<FleetHost[]> {
  return Promise.all(urls.map((u) => readAgent(u, o, msg)));
}

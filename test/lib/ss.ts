/**
 * ss(8) output as an oracle: parse `ss -tan[eo]` lines (with -H or a header) into rows
 * keyed the way tcpstate's JSON records are, so a test can compare socket by socket.
 */
import { parseState, stateName } from '../../src/model/state.js';

export interface SsRow {
  state: string;
  local: string;
  remote: string;
  recvQ: number;
  sendQ: number;
  inode?: number;
  uid?: number;
  /** timer kind as ss prints it: on, keepalive, timewait, persist. */
  timer?: string;
  /** seconds left on the timer, when ss gave them. */
  timerSecs?: number;
  /** -i */
  cwnd?: number;
  mss?: number;
  /** -m: skmem:(r..,rb..,...) values in order */
  skmem?: number[];
  /** -p: owning pids */
  pids?: number[];
}

/** `127.0.0.1:80`, `[::1]:80`, `*:80`, `[::]:*` → `address|port`, `*` as the IPv6 any-address. */
export function ssEndpoint(text: string): string {
  const c = text.lastIndexOf(':');
  let host = text.slice(0, c);
  const port = text.slice(c + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const pct = host.indexOf('%');
  if (pct >= 0) host = host.slice(0, pct);
  if (host === '*') host = '::';
  return `${host}|${port === '*' ? 0 : Number(port)}`;
}

/** ss's duration text (`52sec`, `5.784ms`? no: `1min2sec`, `200ms`, `1.2sec`) in seconds. */
function ssSecs(t: string): number | undefined {
  let s = 0;
  let matched = false;
  for (const m of t.matchAll(/([\d.]+)(min|sec|ms)/g)) {
    matched = true;
    const v = Number(m[1]);
    s += m[2] === 'min' ? v * 60 : m[2] === 'sec' ? v : v / 1000;
  }
  return matched ? s : undefined;
}

export function parseSs(text: string): SsRow[] {
  const rows: SsRow[] = [];
  // -i and -m put their details on an indented continuation line.
  const lines: string[] = [];
  for (const l of text.split('\n')) {
    if (/^\s/.test(l) && lines.length && l.trim()) lines[lines.length - 1] += ' ' + l.trim();
    else lines.push(l);
  }
  for (const line of lines) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5 || f[0] === 'State' || f[0] === 'Netid') continue;
    const code = parseState(f[0]!);
    if (code === undefined) throw new Error(`ss line with unknown state: ${line}`);
    const r: SsRow = { state: stateName(code), recvQ: Number(f[1]), sendQ: Number(f[2]), local: ssEndpoint(f[3]!), remote: ssEndpoint(f[4]!) };
    for (const x of f.slice(5)) {
      let m = /^ino:(\d+)$/.exec(x);
      if (m) r.inode = Number(m[1]);
      m = /^uid:(\d+)$/.exec(x);
      if (m) r.uid = Number(m[1]);
      // ss prints a timer that is due (0 ms left) with an empty duration: timer:(on,,3).
      m = /^timer:\((\w+),([^,]*),/.exec(x);
      if (m) {
        r.timer = m[1];
        r.timerSecs = m[2] === '' ? 0 : ssSecs(m[2]!);
      }
      m = /^cwnd:(\d+)$/.exec(x);
      if (m) r.cwnd = Number(m[1]);
      m = /^mss:(\d+)$/.exec(x);
      if (m) r.mss = Number(m[1]);
      m = /^skmem:\((.*)\)$/.exec(x);
      if (m) r.skmem = m[1]!.split(',').map((v) => Number(v.replace(/^[a-z]+/, '')));
      if (x.startsWith('users:')) r.pids = [...x.matchAll(/pid=(\d+)/g)].map((p) => Number(p[1])).sort((a, b) => a - b);
    }
    rows.push(r);
  }
  return rows;
}

/** The key of a socket: state, local and remote endpoint. */
export function key(state: string, local: string, remote: string): string {
  return `${state} ${local} ${remote}`;
}

/** The same key for a tcpstate JSON record. */
export function recordKey(r: { state: string; local: { address: string; port: number }; remote: { address: string; port: number } }): string {
  return key(r.state, `${r.local.address}|${r.local.port}`, `${r.remote.address}|${r.remote.port}`);
}

/**
 * iproute2 `ss` output: `-tan`, `-tanp`, `-tanpo`, `-tanie` (with its tab-indented
 * continuation lines), `-m`, `-H` (no header), `-O` (one line per socket), and `-an` with its
 * Netid column (rows of other protocols are skipped with their continuation lines).
 *
 * Columns (iproute2 6.1 misc/ss.c): [Netid] State Recv-Q Send-Q Local:Port Peer:Port, then
 * the socket's extras, in any order: `users:(("name",pid=N,fd=M),...)`, `timer:(kind,time,
 * retrans)`, `uid:N ino:N sk:X cgroup:... v6only:N <->`, and with -i/-m the TCP info
 * (`rtt:a/b rto:N cwnd:N ... retrans:a/b`, `skmem:(r..,rb..,...)`), on the same line with
 * -O, else on the next line(s).
 *
 * Addresses: `[v6]:port` and `*` for a dual-stack IPv6 wildcard (iproute2 ≥ 4.18); older ss
 * printed `:::22` and `*` for the IPv4 wildcard. The style is told from the capture itself.
 * @module
 */
import { type TcpExtInfo, F_DUALSTACK, F_HAS_QUEUES, F_HAS_TIMER, NO_TIME, type Owner, SocketTable } from '../../model/table.js';
import {
  addRow, countsOf, fail, fields, isStateWord, type LineKind, needUint, newEndpoint, noteNames, type ParseContext,
  type ParsedCapture, parseColonEndpoint, rowFamily, setOwners, stateWord, type TextFormat, timerKind, uint,
} from './common.js';

/** Netid column values (ss.c `sock_names`, and older spellings). */
const NETID = /^(tcp|udp|raw|u_str|u_dgr|u_seq|u_sq|nl|p_raw|p_dgr|v_str|v_dgr|v_seq|xdp|sctp|dccp|mptcp|tipc|icmp6?|ping6?|unix|\?\?\?)$/;
const HEADER = /^(Netid\s+)?State\s+Recv-Q\s+Send-Q\s+Local\s+Address:Port\s+Peer\s+Address:Port/;
/** Words that start a continuation line of extras when its indentation was lost. */
const MORE = /^(?:[a-z_]+:\S|<->|-->|<--|---|ts$|sack$|ecn(?:seen)?$|fastopen$|app_limited$|cubic$|bbr2?$|reno$|dctcp$|vegas$|htcp$|westwood$|bic$|illinois$|hybla$|scalable$|yeah$|lp$|nv$|cdg$|highspeed$|veno$)/;

function endpointish(t: string | undefined): boolean {
  return t !== undefined && (t.includes(':') || t === '*');
}

/** Classify one line of ss output. */
export function classifySs(line: string): LineKind {
  const t = line.trim();
  if (t === '') return 'blank';
  if (HEADER.test(t)) return 'header';
  const f = fields(t);
  let k = 0;
  let netid: string | undefined;
  if (NETID.test(f[0]!) && f.length >= 5) { netid = f[0]; k = 1; }
  const st = f[k];
  const shaped = st !== undefined && /^[A-Z][A-Z0-9_-]*$/.test(st) && uint(f[k + 1]) !== undefined && uint(f[k + 2]) !== undefined && f.length >= k + 5;
  if (shaped) {
    if (netid !== undefined && netid !== 'tcp') return 'skip';
    if (endpointish(f[k + 3]) && endpointish(f[k + 4])) return 'data';
  }
  if (/^\s/.test(line) || MORE.test(f[0]!)) return 'more';
  return 'other';
}

/** `59sec`, `672ms`, `1min27sec`, `1.234ms` (ss prints 1 s 234 ms so), `` → milliseconds. */
export function parseSsTime(text: string): number | undefined {
  if (text === '') return 0;
  const m = /^(?:(\d+)min)?(?:(\d+)(?:sec|\.(?=\d{1,3}ms)))?(?:(\d{1,3})ms)?$/.exec(text);
  if (!m || (m[1] === undefined && m[2] === undefined && m[3] === undefined)) return undefined;
  return Number(m[1] ?? 0) * 60000 + Number(m[2] ?? 0) * 1000 + Number(m[3] ?? 0);
}

const USER = /\("((?:[^"\\]|\\.)*)",pid=(\d+),fd=(\d+)\)/g;

/** Read the extras of one socket (its tail and continuation lines) into row i; returns its owners. */
function extras(t: SocketTable, i: number, text: string): Owner[] {
  const owners: Owner[] = [];
  const users = /users:\(\((.*?)\)\)(?:\s|$)/.exec(text);
  if (users) {
    for (const m of `(${users[1]})`.matchAll(USER)) owners.push({ pid: Number(m[2]), program: m[1]!.replace(/\\(.)/g, '$1'), fd: Number(m[3]) });
  }
  const timer = /\btimer:\(([a-z]+),([^,)]*),(\d+)\)/.exec(text);
  if (timer) {
    t.flags[i]! |= F_HAS_TIMER;
    t.timer[i] = timerKind(timer[1]!);
    t.timerMs[i] = parseSsTime(timer[2]!) ?? NO_TIME;
    t.retrans[i] = Number(timer[3]);
  }
  const uid = /\buid:(\d+)/.exec(text);
  const ino = /\bino:(\d+)/.exec(text);
  if (ino) t.inode[i] = Number(ino[1]) >>> 0;
  // ss -e prints uid: only when it is not 0 (ss.c: `if (s->uid)`), ino: always.
  if (uid) t.uid[i] = Number(uid[1]);
  else if (ino) t.uid[i] = 0;
  const info: TcpExtInfo = {};
  let any = false;
  const num = (re: RegExp, key: keyof TcpExtInfo, scale = 1) => {
    const m = re.exec(text);
    if (m) { (info as Record<string, number>)[key as string] = Math.round(Number(m[1]) * scale); any = true; }
  };
  const rtt = /\brtt:(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)/.exec(text);
  if (rtt) { info.rttUs = Math.round(Number(rtt[1]) * 1000); info.rttVarUs = Math.round(Number(rtt[2]) * 1000); any = true; }
  num(/\brto:(\d+(?:\.\d+)?)/, 'rtoUs', 1000);
  num(/\bcwnd:(\d+)/, 'cwnd');
  num(/\bssthresh:(\d+)/, 'ssthresh');
  num(/\bmss:(\d+)/, 'mss');
  num(/\bbytes_acked:(\d+)/, 'bytesAcked');
  num(/\bbytes_received:(\d+)/, 'bytesReceived');
  num(/\bdelivery_rate (\d+)bps/, 'deliveryRate');
  const retrans = /\bretrans:(\d+)\/(\d+)/.exec(text);
  if (retrans) { info.retransmits = Number(retrans[1]); info.totalRetrans = Number(retrans[2]); any = true; }
  const skmem = /\bskmem:\(([^)]*)\)/.exec(text);
  if (skmem) {
    const v = skmem[1]!.split(',').map((x) => Number(x.replace(/^[a-z]+/, '')));
    if (v.every((x) => Number.isFinite(x))) { info.skmem = v; any = true; }
  }
  if (any) t.ext.set(i, info);
  return owners;
}

/** Parse ss output. Pure. */
export function parseSs(lines: readonly string[], ctx: ParseContext): ParsedCapture[] {
  const t = new SocketTable(Math.max(16, lines.length));
  const other: number[] = [];
  // Old ss (before iproute2 4.18) printed IPv6 unbracketed (":::22") and the IPv4 wildcard as "*".
  const oldStyle = !lines.some((x) => x.includes(']:')) && lines.some((x) => /\s:::/.test(x));
  const l = newEndpoint();
  const r = newEndpoint();
  const seen = { names: false };
  const tails = new Map<number, string>();
  let cur = -1; // row the next continuation belongs to; -2: a skipped (non-TCP) socket
  for (let idx = 0; idx < lines.length; idx++) {
    const line = lines[idx]!;
    const kind = classifySs(line);
    if (kind === 'blank') continue;
    if (kind === 'header') { cur = -1; continue; }
    if (kind === 'skip') { cur = -2; continue; }
    if (kind === 'more') {
      if (cur >= 0) tails.set(cur, `${tails.get(cur) ?? ''} ${line.trim()}`);
      else if (cur === -1) other.push(idx);
      continue;
    }
    if (kind !== 'data') {
      // A truncated socket line (state and queues, no addresses) is an error, not prose.
      const f = fields(line);
      const k = NETID.test(f[0]!) ? 1 : 0;
      if (isStateWord(f[k]) && uint(f[k + 1]) !== undefined) {
        const names = ['State', 'Recv-Q', 'Send-Q', 'Local Address:Port', 'Peer Address:Port'];
        const at = Math.min(f.length - k, 4);
        fail(ctx, idx, names[at]!, f.length - k < 5 ? 'line ends early' : `expected ADDRESS:PORT, found "${f[k + at]}"`);
      }
      other.push(idx);
      cur = -1;
      continue;
    }
    const f = fields(line);
    const k = NETID.test(f[0]!) ? 1 : 0;
    const state = stateWord(ctx, idx, f[k]);
    const recvQ = needUint(ctx, idx, 'Recv-Q', f[k + 1]);
    const sendQ = needUint(ctx, idx, 'Send-Q', f[k + 2]);
    if (!parseColonEndpoint(f[k + 3]!, l)) fail(ctx, idx, 'Local Address:Port', `expected ADDRESS:PORT, found "${f[k + 3]}"`);
    if (!parseColonEndpoint(f[k + 4]!, r)) fail(ctx, idx, 'Peer Address:Port', `expected ADDRESS:PORT, found "${f[k + 4]}"`);
    noteNames(ctx, idx, seen, l, r);
    let flags = F_HAS_QUEUES;
    let said: 0 | 4 | 6 = 0;
    if (l.any && r.any) said = oldStyle ? 4 : 6;
    else if (l.any) said = r.family === 0 ? (oldStyle ? 4 : 6) : (r.family as 4 | 6);
    if (l.any && said === 6 && !oldStyle) flags |= F_DUALSTACK;
    const i = addRow(t, rowFamily(said, l, r), state, l, r, flags);
    t.recvQ[i] = recvQ;
    t.sendQ[i] = sendQ;
    const tail = f.slice(k + 5).join(' ');
    if (tail !== '') tails.set(i, tail);
    cur = i;
  }
  // Owners are attached once ino: is read: they are keyed by inode when there is one.
  for (const [i, text] of tails) setOwners(t, i, extras(t, i, text));
  // With -o, ss prints timer:(...) only for sockets whose timer runs: the rest are "off".
  let timers = false;
  for (let i = 0; i < t.length && !timers; i++) timers = (t.flags[i]! & F_HAS_TIMER) !== 0;
  if (timers) for (let i = 0; i < t.length; i++) if ((t.flags[i]! & F_HAS_TIMER) === 0) { t.flags[i]! |= F_HAS_TIMER; t.timerMs[i] = 0; }
  return [{ table: t, counts: countsOf(t), otherLines: other }];
}

export const ssFormat: TextFormat = {
  name: 'ss',
  title: 'iproute2 ss (-tan, -tanp, -tanpo, -tanie, -H, -O, -an)',
  kind: 'sockets',
  command: /^(?:sudo\s+)?(?:\S*\/)?ss\b(?![^|]*\|\s*(?:awk|sort|uniq))/,
  classify: classifySs,
  parse: parseSs,
};

/**
 * `close-wait-leak`: CLOSE_WAIT sockets by owning process and by local port (server side)
 * or upstream (client side), their growth between samples, and their age where known.
 *
 * CLOSE_WAIT has no kernel timeout: the peer's FIN arrived and only the application's
 * close() ends it. A well-behaved program closes within milliseconds of reading EOF, so
 * sockets that stay in CLOSE_WAIT across samples are held by a missing close().
 * /proc shows no age for them; tcp_info's tcpi_last_ack_recv (netlink fills it as
 * `lastAckMs` in the row's tcp_info) is the time since the last ACK from the peer, whose
 * FIN carried one: about when the FIN arrived, unless the peer acknowledged data since.
 * @module
 */
import { type Lang, pick } from '../../i18n/catalogue.js';
import { CATALOGUE as DOCTOR } from '../../i18n/doctor.js';
import { CLOSE_WAIT } from '../../model/state.js';
import type { SocketTable } from '../../model/table.js';
import type { Finding } from '../finding.js';
import { type DoctorInputs, intervalSec } from '../inputs.js';
import type { Rule } from '../rule.js';
import { duration, hostPort, Listeners, ownerOf, raddr, round3, sampleRefs, tupleKey } from '../sockets.js';

interface Group {
  key: string;
  pids: number[];
  programs: string[];
  owner: string;
  /** Server side: the local port of a listener; client side: undefined. */
  port?: number;
  /** Client side: the upstream `addr:port`. */
  peer?: string;
  rows: number[];
  unread: number;
  oldestMs?: number;
}

/** Group CLOSE_WAIT rows of a table. */
function groups(t: SocketTable, listeners: Listeners, lang: Lang): Map<string, Group> {
  const out = new Map<string, Group>();
  for (let i = 0; i < t.length; i++) {
    if (t.state[i] !== CLOSE_WAIT) continue;
    const l = listeners.of(t, i);
    // Not yet accept()ed (still in the listener's queue: no inode): the listener's owner holds it.
    const o = t.inode[i] === 0 && l !== undefined ? ownerOf(l.t, l.i, lang) : ownerOf(t, i, lang);
    const server = l !== undefined || listeners.hasPort(t.lport[i]!);
    const peer = server ? undefined : hostPort(t.family[i]!, raddr(t, i), t.rport[i]!);
    const key = `${o.pids.join(',')}|${server ? `L${t.lport[i]}` : `R${peer}`}`;
    let g = out.get(key);
    if (!g) {
      g = { key, pids: o.pids, programs: o.programs, owner: o.label, port: server ? t.lport[i]! : undefined, peer, rows: [], unread: 0 };
      out.set(key, g);
    }
    g.rows.push(i);
    g.unread += t.recvQ[i]!;
    const age = t.ext.get(i)?.['lastAckMs'];
    if (typeof age === 'number') g.oldestMs = Math.max(g.oldestMs ?? 0, age);
  }
  return out;
}

export const closeWaitLeak: Rule = {
  id: 'close-wait-leak',
  checks: 'CLOSE_WAIT sockets a process keeps (by process and port or upstream), their growth and age',
  thresholds: {
    warnCount: { default: 5, unit: 'sockets', doc: 'CLOSE_WAIT sockets held by one process on one port (or toward one upstream) that make a warning' },
    criticalCount: { default: 100, unit: 'sockets', doc: 'the same count that makes a critical finding' },
    criticalGrowthPerMin: { default: 60, unit: 'sockets per minute', doc: 'growth between the two samples that makes a group of at least `warnCount` critical' },
  },

  limits(inp, lang: Lang = 'en') {
    const m = pick(DOCTOR, lang).rules['close-wait-leak'];
    const notes: string[] = [];
    if (!inp.before) notes.push(m.oneSample);
    if (inp.processes === 'none') notes.push(m.noProcesses);
    else if (inp.processes === 'partial') notes.push(m.someHidden);
    return { notes };
  },

  run(inp: DoctorInputs, th, lang: Lang = 'en') {
    const m = pick(DOCTOR, lang).rules['close-wait-leak'];
    const listeners = new Listeners([inp.now.table, inp.before?.table]);
    const now = groups(inp.now.table, listeners, lang);
    const before = inp.before ? groups(inp.before.table, listeners, lang) : undefined;
    // By 4-tuple, not inode: a socket still in the accept queue at the first sample had none.
    const beforeTuples = new Set<string>();
    if (inp.before) {
      const b = inp.before.table;
      for (let i = 0; i < b.length; i++) if (b.state[i] === CLOSE_WAIT) beforeTuples.add(tupleKey(b, i));
    }
    const sec = intervalSec(inp);
    const out: Finding[] = [];
    for (const g of now.values()) {
      const n = g.rows.length;
      if (n < th['warnCount']!) continue;
      const t = inp.now.table;
      const prev = before ? (before.get(g.key)?.rows.length ?? 0) : undefined;
      const growth = prev === undefined ? undefined : n - prev;
      const perMin = growth === undefined || sec === undefined ? undefined : (growth / sec) * 60;
      let stayed = 0;
      for (const i of g.rows) if (beforeTuples.has(tupleKey(t, i))) stayed++;
      const critical = n >= th['criticalCount']! || (perMin !== undefined && perMin >= th['criticalGrowthPerMin']!);
      const where = g.port !== undefined ? m.onPort(g.port) : m.toward(g.peer!);
      const growthText = growth === undefined ? '' : growth > 0 ? m.growth(growth, duration(sec!)) : '';
      const noAge = inp.source === 'proc' ? m.noAgeProc : m.noAgeSource(inp.source);
      const ageText =
        g.oldestMs !== undefined
          ? m.ageOldest(duration(g.oldestMs / 1000))
          : inp.before
            ? m.ageStayed(stayed, n, duration(sec!), noAge)
            : m.ageUnknown(inp.source === 'proc' ? m.noAgeProcOnly : noAge);
      const l = m.labels;
      const filter = g.port !== undefined ? `sport = :${g.port}` : `dst ${g.peer}`;
      const pid = g.pids[0];
      out.push({
        id: 'close-wait-leak',
        severity: critical ? 'critical' : 'warning',
        title: m.title(g.owner, n, where, growthText),
        subject: { pids: g.pids, programs: g.programs, ...(g.port !== undefined ? { localPort: g.port } : { peer: g.peer }) },
        evidence: [
          { label: l.count, value: String(n) },
          { label: l.owner, value: g.owner },
          { label: g.port !== undefined ? l.port : l.upstream, value: g.port !== undefined ? String(g.port) : g.peer! },
          { label: l.change, value: growth === undefined ? m.changeUnknown : m.change(`${growth >= 0 ? '+' : ''}${growth}`, duration(sec!), perMin !== undefined ? perMin.toFixed(0) : '') },
          { label: l.age, value: ageText },
          { label: l.unread, value: String(g.unread) },
        ],
        metrics: {
          count: n,
          before: prev ?? null,
          growth: growth ?? null,
          growthPerMin: perMin === undefined ? null : round3(perMin),
          stayed: inp.before ? stayed : null,
          oldestMs: g.oldestMs ?? null,
          unreadBytes: g.unread,
          localPort: g.port ?? null,
          peer: g.peer ?? null,
        },
        sockets: sampleRefs(t, g.rows, 8, (i) => t.recvQ[i]!),
        socketCount: n,
        explanation: m.why + (g.port !== undefined ? m.whyServer(g.port) : m.whyClient(g.peer!)) + m.whyEnd,
        nextSteps: [
          `$ tcpstate ls -p state close-wait ${filter}`,
          ...(pid !== undefined ? [`$ ls -l /proc/${pid}/fd | grep -c socket   # ${m.fdComment} grep 'open files' /proc/${pid}/limits`] : []),
          m.inCode,
          m.relief(filter),
        ],
      });
    }
    return out.sort((a, b) => b.socketCount - a.socketCount);
  },
};

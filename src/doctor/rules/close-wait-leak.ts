/**
 * `close-wait-leak`: CLOSE_WAIT sockets by owning process and by local port (server side)
 * or upstream (client side), their growth between samples, and their age where known.
 *
 * CLOSE_WAIT has no kernel timeout: the peer's FIN arrived and only the application's
 * close() ends it. A well-behaved program closes within milliseconds of reading EOF, so
 * sockets that stay in CLOSE_WAIT across samples are held by a missing close().
 * /proc shows no age for them; tcp_info's last_ack_recv (netlink, when a source fills
 * `info.lastAckRecvMs`) is the time since the peer last sent anything, i.e. about when
 * its FIN arrived.
 * @module
 */
import { CLOSE_WAIT } from '../../model/state.js';
import type { SocketTable } from '../../model/table.js';
import type { Finding } from '../finding.js';
import { type DoctorInputs, intervalSec } from '../inputs.js';
import type { Rule } from '../rule.js';
import { duration, hostPort, Listeners, ownerOf, plural, raddr, round3, sampleRefs, tupleKey } from '../sockets.js';

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
function groups(t: SocketTable, listeners: Listeners): Map<string, Group> {
  const out = new Map<string, Group>();
  for (let i = 0; i < t.length; i++) {
    if (t.state[i] !== CLOSE_WAIT) continue;
    const l = listeners.of(t, i);
    // Not yet accept()ed (still in the listener's queue: no inode): the listener's owner holds it.
    const o = t.inode[i] === 0 && l !== undefined ? ownerOf(l.t, l.i) : ownerOf(t, i);
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
    const age = t.ext.get(i)?.['lastAckRecvMs'];
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

  limits(inp) {
    const notes: string[] = [];
    if (!inp.before) notes.push('one sample: growth unknown');
    if (inp.processes === 'none') notes.push('no process information: owners unknown');
    else if (inp.processes === 'partial') notes.push('some processes hidden (not root): some owners unknown');
    return { notes };
  },

  run(inp: DoctorInputs, th) {
    const listeners = new Listeners([inp.now.table, inp.before?.table]);
    const now = groups(inp.now.table, listeners);
    const before = inp.before ? groups(inp.before.table, listeners) : undefined;
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
      const where = g.port !== undefined ? `on port ${g.port}` : `toward ${g.peer}`;
      const growthText = growth === undefined ? '' : growth > 0 ? `, +${growth} in ${duration(sec!)}` : '';
      const ageText = g.oldestMs !== undefined
        ? `oldest ${duration(g.oldestMs / 1000)} since the peer's last packet (tcp_info last_ack_recv)`
        : inp.before
          ? `${stayed} of ${n} were already in CLOSE_WAIT ${duration(sec!)} earlier; /proc shows no age (netlink's tcp_info does)`
          : 'unknown: /proc shows no age for CLOSE_WAIT (netlink\'s tcp_info does)';
      const filter = g.port !== undefined ? `sport = :${g.port}` : `dst ${g.peer}`;
      const pid = g.pids[0];
      out.push({
        id: 'close-wait-leak',
        severity: critical ? 'critical' : 'warning',
        title: `${g.owner} holds ${plural(n, 'socket')} in CLOSE_WAIT ${where}${growthText}`,
        subject: { pids: g.pids, programs: g.programs, ...(g.port !== undefined ? { localPort: g.port } : { peer: g.peer }) },
        evidence: [
          { label: 'CLOSE_WAIT sockets', value: String(n) },
          { label: 'owner', value: g.owner },
          { label: g.port !== undefined ? 'local port (a listener: server side)' : 'upstream (client side)', value: g.port !== undefined ? String(g.port) : g.peer! },
          { label: 'change between samples', value: growth === undefined ? 'unknown (one sample)' : `${growth >= 0 ? '+' : ''}${growth} in ${duration(sec!)}${perMin !== undefined ? ` (${perMin.toFixed(0)}/min)` : ''}` },
          { label: 'age', value: ageText },
          { label: 'unread bytes in their receive queues', value: String(g.unread) },
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
        explanation:
          'CLOSE_WAIT means the peer has closed its side (its FIN arrived) and the kernel is waiting for this ' +
          'application to call close(). The kernel never times CLOSE_WAIT out: each socket keeps a file descriptor ' +
          'and its buffers until the process closes it or exits, and no sysctl changes that (keepalive does not ' +
          'free the descriptor). ' +
          (g.port !== undefined
            ? `Here the process is the server on port ${g.port}: clients hung up and it did not close its end.`
            : `Here the process is the client: ${g.peer} closed connections (often idle ones in a pool) and the process kept its ends.`) +
          ' A count that stays or grows means a code path that never closes.',
        nextSteps: [
          `$ tcpstate ls -p state close-wait ${filter}`,
          ...(pid !== undefined ? [`$ ls -l /proc/${pid}/fd | grep -c socket   # descriptors held; compare with: grep 'open files' /proc/${pid}/limits`] : []),
          'In the code: close the socket when a read returns 0 (EOF) and on every error path; release pooled ' +
            'connections the peer closed (e.g. always close HTTP response bodies, evict dead pool entries); ' +
            'with Node, a socket created with allowHalfOpen must call end()',
          `Relief, not a fix: restarting the process frees them; ss -K state close-wait '( ${filter} )' closes them now (needs CONFIG_INET_DIAG_DESTROY)`,
        ],
      });
    }
    return out.sort((a, b) => (b.socketCount - a.socketCount));
  },
};

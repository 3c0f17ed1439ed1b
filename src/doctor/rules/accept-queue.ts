/**
 * `accept-queue`: listeners whose accept queue (connections the kernel completed and the
 * application has not yet accept()ed) nears its backlog, with ListenOverflows/ListenDrops.
 *
 * For a LISTEN socket the kernel reports the queue length as Recv-Q in both /proc and
 * netlink. The backlog, min(listen() backlog, net.core.somaxconn), is Send-Q in netlink
 * (`idiag_wqueue` = sk_max_ack_backlog) but /proc shows write_seq - snd_una there (0): with
 * the proc source the backlog is unknown. The queue counts as full when it holds more than
 * the backlog (`sk_acceptq_is_full`), so a queue that stays at N while ListenOverflows rises
 * points at a backlog of N - 1. ListenOverflows and ListenDrops are per namespace, not per
 * port; the listener is the one whose queue is full.
 * @module
 */
import { LISTEN } from '../../model/state.js';
import type { Finding } from '../finding.js';
import { delta, type DoctorInputs, intervalSec, rate, sysctl, sysctlMissing, sysctlUnknown, total } from '../inputs.js';
import type { Rule } from '../rule.js';
import { duration, local, ownerOf, perSec, round3, socketRef, tupleKey } from '../sockets.js';

export const acceptQueue: Rule = {
  id: 'accept-queue',
  checks: 'listeners whose accept queue nears the backlog; ListenOverflows/ListenDrops rates; backlog capped by somaxconn',
  thresholds: {
    warnFill: { default: 0.5, unit: 'ratio 0..1', doc: 'accept queue length / backlog that makes a warning (when the source shows the backlog)' },
    warnQueue: { default: 16, unit: 'connections', doc: 'accept queue length that makes a warning when the backlog is unknown (/proc)' },
    criticalOverflowsPerSec: { default: 1, unit: 'per second', doc: 'ListenOverflows rate that, with a listener whose queue is not empty, makes a critical finding' },
  },
  sysctls: { uses: ['net.core.somaxconn'] },

  limits(inp) {
    const notes: string[] = [];
    if (!inp.listenBacklogKnown) notes.push(`backlog unknown: the ${inp.source} source does not show it (netlink does; "ss -ltn" shows it as Send-Q)`);
    if (!inp.now.counters) notes.push(`no counters (${inp.countersUnavailable ?? 'absent'}): ListenOverflows/ListenDrops unknown`);
    else if (!inp.before) notes.push('one sample: ListenOverflows/ListenDrops rates unknown (totals shown)');
    if (sysctlMissing(inp, 'net.core.somaxconn')) notes.push(`net.core.somaxconn ${sysctlUnknown(inp, 'net.core.somaxconn')}`);
    return { notes };
  },

  run(inp: DoctorInputs, th) {
    const t = inp.now.table;
    const sec = intervalSec(inp);
    const overflows = rate(inp, 'TcpExt', 'ListenOverflows');
    const drops = rate(inp, 'TcpExt', 'ListenDrops');
    const overflowDelta = delta(inp, 'TcpExt', 'ListenOverflows');
    const somaxconn = sysctl(inp, 'net.core.somaxconn');
    const prevQ = new Map<string, number>();
    if (inp.before) {
      const b = inp.before.table;
      for (let i = 0; i < b.length; i++) if (b.state[i] === LISTEN) prevQ.set(tupleKey(b, i), b.recvQ[i]!);
    }
    const out: Finding[] = [];
    let anyQueued = false;
    for (let i = 0; i < t.length; i++) {
      if (t.state[i] !== LISTEN) continue;
      const q = t.recvQ[i]!;
      if (q > 0) anyQueued = true;
      const backlog = inp.listenBacklogKnown ? t.sendQ[i]! : undefined;
      const before = prevQ.get(tupleKey(t, i));
      const overflowing = (overflows ?? 0) > 0 && q > 0;
      const full = backlog !== undefined && q > backlog;
      const flagged = backlog !== undefined ? q >= th['warnFill']! * Math.max(backlog, 1) : q >= th['warnQueue']!;
      if (!flagged && !overflowing && !full) continue;
      const critical = full || (overflowing && (overflows ?? 0) >= th['criticalOverflowsPerSec']! && (backlog === undefined || q >= backlog));
      const inferred = backlog === undefined && overflowing && before === q ? q - 1 : undefined;
      const o = ownerOf(t, i);
      const ep = local(t, i);
      const backlogText = backlog !== undefined
        ? `${backlog}${somaxconn !== undefined && backlog === somaxconn ? ' (= somaxconn: the application may have asked for more and been capped)' : ''}`
        : inferred !== undefined
          ? `not shown by /proc; probably ${inferred} (the queue stays at ${q} while the kernel refuses: it admits backlog + 1)`
          : 'not shown by /proc (run "ss -ltn" and read Send-Q, or use the netlink source)';
      out.push({
        id: 'accept-queue',
        severity: critical ? 'critical' : 'warning',
        title: `${o.label} is not accepting fast enough on ${ep}: ${q} connection${q === 1 ? '' : 's'} waiting in the accept queue` +
          (backlog !== undefined ? ` of ${backlog}` : '') +
          (overflowing ? `, ListenOverflows ${perSec(overflows)}` : ''),
        subject: { pids: o.pids, programs: o.programs, local: ep, localPort: t.lport[i]! },
        evidence: [
          { label: 'listener', value: `${ep}, ${o.label}` },
          { label: 'accept queue (Recv-Q)', value: `${q}${before !== undefined ? ` (was ${before} ${duration(sec!)} earlier)` : ''}` },
          { label: 'backlog', value: backlogText },
          { label: 'net.core.somaxconn (caps every backlog)', value: somaxconn === undefined ? sysctlUnknown(inp, 'net.core.somaxconn') : String(somaxconn) },
          { label: 'TcpExt ListenOverflows', value: overflows !== undefined ? `${perSec(overflows)} (+${overflowDelta} in ${duration(sec!)})` : `${total(inp, 'TcpExt', 'ListenOverflows') ?? 'unknown'} since boot (one sample)` },
          { label: 'TcpExt ListenDrops', value: drops !== undefined ? perSec(drops) : `${total(inp, 'TcpExt', 'ListenDrops') ?? 'unknown'} since boot (one sample)` },
        ],
        metrics: {
          queue: q,
          queueBefore: before ?? null,
          backlog: backlog ?? null,
          inferredBacklog: inferred ?? null,
          somaxconn: somaxconn ?? null,
          listenOverflowsPerSec: overflows === undefined ? null : round3(overflows),
          listenDropsPerSec: drops === undefined ? null : round3(drops),
          localPort: t.lport[i]!,
        },
        // /proc's Send-Q of a listener is not its backlog: show it as unknown.
        sockets: [{ ...socketRef(t, i), ...(backlog === undefined ? { sendQ: null } : {}) }],
        socketCount: 1,
        explanation:
          'A listening socket has two queues: half-open connections (SYN_RECV) and connections the kernel has ' +
          'completed that wait for the application to call accept(). When the accept queue holds more than the ' +
          'backlog, the kernel ignores new SYNs and final ACKs and counts ListenOverflows (and ListenDrops); clients ' +
          'see slow connects (SYN retried after 1, 3, 7 s) or timeouts. The backlog is the one passed to listen(), ' +
          'silently capped at net.core.somaxconn. A queue that fills means the application accepts too slowly ' +
          '(event loop or accept thread blocked, workers exhausted) or the backlog is too small for bursts.',
        nextSteps: [
          `$ ss -ltn 'sport = :${t.lport[i]}'   # Recv-Q = queue, Send-Q = backlog`,
          '$ nstat -az TcpExtListenOverflows TcpExtListenDrops',
          ...(o.pids[0] !== undefined ? [`$ top -H -p ${o.pids[0]}   # is the accepting thread busy or blocked?`] : []),
          'In the code: keep the accept loop free (no blocking work on the thread or event loop that accepts), add workers; ' +
            'ask for a larger backlog (listen(fd, N); Node server.listen({backlog}); nginx "listen ... backlog=N"; Java ServerSocket(port, N))',
          `$ sysctl -w net.core.somaxconn=${Math.max(4096, (somaxconn ?? 0) * 2)}   # the cap on every backlog; restart the listener to apply`,
        ],
      });
    }
    if ((overflows ?? 0) > 0 && !anyQueued) {
      out.push({
        id: 'accept-queue',
        severity: 'warning',
        title: `ListenOverflows ${perSec(overflows)} but no accept queue is backed up now: a burst overflowed and drained`,
        subject: {},
        evidence: [
          { label: 'TcpExt ListenOverflows', value: `${perSec(overflows)} (+${overflowDelta} in ${duration(sec!)})` },
          { label: 'TcpExt ListenDrops', value: perSec(drops) },
          { label: 'net.core.somaxconn', value: somaxconn === undefined ? sysctlUnknown(inp, 'net.core.somaxconn') : String(somaxconn) },
        ],
        metrics: { listenOverflowsPerSec: round3(overflows!), listenDropsPerSec: drops === undefined ? null : round3(drops), somaxconn: somaxconn ?? null },
        sockets: [],
        socketCount: 0,
        explanation: 'The counters are per namespace, not per port; no listener had a waiting connection when sampled, so the overflow came in a burst.',
        nextSteps: ['$ watch -n1 "ss -ltn"   # catch the listener whose Recv-Q reaches Send-Q', '$ nstat -az TcpExtListenOverflows TcpExtListenDrops'],
      });
    }
    return out.sort((a, b) => (b.metrics['queue'] as number ?? 0) - (a.metrics['queue'] as number ?? 0));
  },
};

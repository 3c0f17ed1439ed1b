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
import { type Lang, pick } from '../../i18n/catalogue.js';
import { CATALOGUE as DOCTOR } from '../../i18n/doctor.js';
import type { Finding } from '../finding.js';
import { countersWhy, delta, type DoctorInputs, intervalSec, rate, sysctl, sysctlMissing, sysctlUnknown, total } from '../inputs.js';
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

  limits(inp, lang: Lang = 'en') {
    const m = pick(DOCTOR, lang).rules['accept-queue'];
    const notes: string[] = [];
    if (!inp.listenBacklogKnown) notes.push(m.backlogUnknown(inp.source));
    if (!inp.now.counters) notes.push(m.noCounters(countersWhy(inp, lang)));
    else if (!inp.before) notes.push(m.oneSample);
    if (sysctlMissing(inp, 'net.core.somaxconn')) notes.push(`net.core.somaxconn ${sysctlUnknown(inp, 'net.core.somaxconn', lang)}`);
    return { notes };
  },

  run(inp: DoctorInputs, th, lang: Lang = 'en') {
    const m = pick(DOCTOR, lang).rules['accept-queue'];
    const l = m.labels;
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
      const o = ownerOf(t, i, lang);
      const ep = local(t, i);
      const backlogText =
        backlog !== undefined
          ? `${backlog}${somaxconn !== undefined && backlog === somaxconn ? m.cappedBySomaxconn : ''}`
          : inferred !== undefined
            ? m.backlogInferred(inferred, q)
            : m.backlogNotShown;
      out.push({
        id: 'accept-queue',
        severity: critical ? 'critical' : 'warning',
        title: m.title(o.label, ep, q, backlog !== undefined ? String(backlog) : '', overflowing ? perSec(overflows, lang) : ''),
        subject: { pids: o.pids, programs: o.programs, local: ep, localPort: t.lport[i]! },
        evidence: [
          { label: l.listener, value: `${ep}, ${o.label}` },
          { label: l.queue, value: `${q}${before !== undefined ? m.was(before, duration(sec!)) : ''}` },
          { label: l.backlog, value: backlogText },
          { label: l.somaxconn, value: somaxconn === undefined ? sysctlUnknown(inp, 'net.core.somaxconn', lang) : String(somaxconn) },
          {
            label: 'TcpExt ListenOverflows',
            value: overflows !== undefined ? `${perSec(overflows, lang)} (+${overflowDelta} in ${duration(sec!)})` : m.sinceBoot(String(total(inp, 'TcpExt', 'ListenOverflows') ?? m.unknown)),
          },
          { label: 'TcpExt ListenDrops', value: drops !== undefined ? perSec(drops, lang) : m.sinceBoot(String(total(inp, 'TcpExt', 'ListenDrops') ?? m.unknown)) },
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
        explanation: m.why,
        nextSteps: [
          `$ ss -ltn 'sport = :${t.lport[i]}'   # ${m.queueComment}`,
          '$ nstat -az TcpExtListenOverflows TcpExtListenDrops',
          ...(o.pids[0] !== undefined ? [`$ top -H -p ${o.pids[0]}   # ${m.topComment}`] : []),
          m.inCode,
          `$ sysctl -w net.core.somaxconn=${Math.max(4096, (somaxconn ?? 0) * 2)}   # ${m.somaxconnComment}`,
        ],
      });
    }
    if ((overflows ?? 0) > 0 && !anyQueued) {
      out.push({
        id: 'accept-queue',
        severity: 'warning',
        title: m.burstTitle(perSec(overflows, lang)),
        subject: {},
        evidence: [
          { label: 'TcpExt ListenOverflows', value: `${perSec(overflows, lang)} (+${overflowDelta} in ${duration(sec!)})` },
          { label: 'TcpExt ListenDrops', value: perSec(drops, lang) },
          { label: 'net.core.somaxconn', value: somaxconn === undefined ? sysctlUnknown(inp, 'net.core.somaxconn', lang) : String(somaxconn) },
        ],
        metrics: { listenOverflowsPerSec: round3(overflows!), listenDropsPerSec: drops === undefined ? null : round3(drops), somaxconn: somaxconn ?? null },
        sockets: [],
        socketCount: 0,
        explanation: m.burstWhy,
        nextSteps: [`$ watch -n1 "ss -ltn"   # ${m.watchComment}`, '$ nstat -az TcpExtListenOverflows TcpExtListenDrops'],
      });
    }
    return out.sort((a, b) => ((b.metrics['queue'] as number) ?? 0) - ((a.metrics['queue'] as number) ?? 0));
  },
};

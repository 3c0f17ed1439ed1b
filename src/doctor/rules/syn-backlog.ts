/**
 * `syn-backlog`: half-open connections (SYN_RECV) per listener, SYN cookies and SYN-queue
 * drops, against the listener's backlog and tcp_max_syn_backlog.
 *
 * Kernel facts (net/ipv4/tcp_input.c `tcp_conn_request`): the SYN queue of a listener is
 * full when it holds more than the listener's backlog (`inet_csk_reqsk_queue_is_full`);
 * then, with tcp_syncookies = 1, the SYN is answered with a cookie and no SYN_RECV entry
 * (SyncookiesSent, TCPReqQFullDoCookies, and the log line "Possible SYN flooding on port
 * N"), else dropped (TCPReqQFullDrop). tcp_max_syn_backlog matters only with cookies off:
 * the last quarter of it is kept for peers already proven alive. A SYN_RECV entry lives
 * while the SYN-ACK is retransmitted, tcp_synack_retries times (5: about 63 s). Request
 * sockets have no inode: the owner is the listener's.
 * @module
 */
import { SYN_RECV } from '../../model/state.js';
import { type Lang, pick } from '../../i18n/catalogue.js';
import { CATALOGUE as DOCTOR } from '../../i18n/doctor.js';
import type { Finding } from '../finding.js';
import { countersWhy, delta, type DoctorInputs, intervalSec, rate, sysctl, sysctlMissing, sysctlUnknown, total } from '../inputs.js';
import type { Rule } from '../rule.js';
import { duration, Listeners, local, ownerOf, perSec, raddr, round3, type RowRef, sampleRefs, tupleKey } from '../sockets.js';

const COUNTERS = ['SyncookiesSent', 'SyncookiesRecv', 'SyncookiesFailed', 'TCPReqQFullDoCookies', 'TCPReqQFullDrop'] as const;

export const synBacklog: Rule = {
  id: 'syn-backlog',
  checks: 'SYN_RECV per listener, SYN cookies and SYN-queue drops, tcp_max_syn_backlog',
  thresholds: {
    warnSynRecv: { default: 100, unit: 'sockets', doc: 'SYN_RECV entries on one listener that make a warning' },
    criticalSynRecv: { default: 1000, unit: 'sockets', doc: 'the same count that makes a critical finding' },
    warnCookiesPerSec: { default: 0, unit: 'per second', doc: 'SyncookiesSent rate above which the finding is a warning (any cookie means a full SYN queue)' },
    criticalDropsPerSec: { default: 0, unit: 'per second', doc: 'TCPReqQFullDrop rate above which the finding is critical (SYNs dropped outright)' },
  },
  sysctls: { uses: ['net.ipv4.tcp_syncookies', 'net.ipv4.tcp_max_syn_backlog', 'net.ipv4.tcp_synack_retries'] },

  limits(inp, lang: Lang = 'en') {
    const m = pick(DOCTOR, lang).rules['syn-backlog'];
    const notes: string[] = [];
    if (!inp.now.counters) notes.push(m.noCounters(countersWhy(inp, lang)));
    else if (!inp.before) notes.push(m.oneSample);
    if (sysctlMissing(inp, 'net.ipv4.tcp_syncookies')) notes.push(`tcp_syncookies ${sysctlUnknown(inp, 'net.ipv4.tcp_syncookies', lang)}`);
    return { notes };
  },

  run(inp: DoctorInputs, th, lang: Lang = 'en') {
    const m = pick(DOCTOR, lang).rules['syn-backlog'];
    const t = inp.now.table;
    const sec = intervalSec(inp);
    const listeners = new Listeners([t, inp.before?.table]);
    const rates: Record<string, number | undefined> = {};
    for (const c of COUNTERS) rates[c] = rate(inp, 'TcpExt', c);
    const cookies = rates['SyncookiesSent'];
    const dropsNow = rates['TCPReqQFullDrop'];
    const cookieMode = sysctl(inp, 'net.ipv4.tcp_syncookies');
    const maxSyn = sysctl(inp, 'net.ipv4.tcp_max_syn_backlog');
    const synackRetries = sysctl(inp, 'net.ipv4.tcp_synack_retries');

    // SYN_RECV rows by listener (or by local endpoint when no listener matches).
    const byListener = new Map<string, { listener?: RowRef; rows: number[] }>();
    for (let i = 0; i < t.length; i++) {
      if (t.state[i] !== SYN_RECV) continue;
      const l = listeners.of(t, i);
      const key = l !== undefined ? tupleKey(l.t, l.i) : `E${local(t, i)}`;
      let g = byListener.get(key);
      if (!g) {
        g = { listener: l, rows: [] };
        byListener.set(key, g);
      }
      g.rows.push(i);
    }
    const prevCount = new Map<string, number>();
    if (inp.before) {
      const b = inp.before.table;
      for (let i = 0; i < b.length; i++) {
        if (b.state[i] !== SYN_RECV) continue;
        const l = listeners.of(b, i);
        const k = l !== undefined ? tupleKey(l.t, l.i) : `E${local(b, i)}`;
        prevCount.set(k, (prevCount.get(k) ?? 0) + 1);
      }
    }
    const cookiesHot = cookies !== undefined && cookies > th['warnCookiesPerSec']!;
    const dropsHot = dropsNow !== undefined && dropsNow > th['criticalDropsPerSec']!;
    const counterEvidence = COUNTERS.map((c) => ({
      label: `TcpExt ${c}`,
      value: rates[c] !== undefined ? `${perSec(rates[c], lang)} (+${delta(inp, 'TcpExt', c)} in ${duration(sec!)})` : `${total(inp, 'TcpExt', c) ?? m.unknown}${inp.before ? '' : m.sinceBoot}`,
    }));
    const sysctlEvidence = [
      {
        label: 'net.ipv4.tcp_syncookies',
        value: cookieMode === undefined ? sysctlUnknown(inp, 'net.ipv4.tcp_syncookies', lang) : `${cookieMode}${cookieMode === 0 ? m.cookiesOff : cookieMode === 2 ? m.cookiesAlways : m.cookiesOn}`,
      },
      { label: 'net.ipv4.tcp_max_syn_backlog', value: maxSyn === undefined ? sysctlUnknown(inp, 'net.ipv4.tcp_max_syn_backlog', lang) : `${maxSyn}${cookieMode !== 0 ? m.maxSynMatters : ''}` },
      { label: 'net.ipv4.tcp_synack_retries', value: synackRetries === undefined ? m.unknown : m.synackLife(synackRetries, 2 ** (synackRetries + 1) - 1) },
    ];
    const metricsRates = {
      syncookiesSentPerSec: cookies === undefined ? null : round3(cookies),
      syncookiesRecvPerSec: rates['SyncookiesRecv'] === undefined ? null : round3(rates['SyncookiesRecv']!),
      syncookiesFailedPerSec: rates['SyncookiesFailed'] === undefined ? null : round3(rates['SyncookiesFailed']!),
      reqQFullDropPerSec: dropsNow === undefined ? null : round3(dropsNow),
      reqQFullDoCookiesPerSec: rates['TCPReqQFullDoCookies'] === undefined ? null : round3(rates['TCPReqQFullDoCookies']!),
    };
    const explanation = m.why;

    const out: Finding[] = [];
    // The counters are per namespace: blame the listener(s) holding the most entries.
    let most = 0;
    for (const g of byListener.values()) most = Math.max(most, g.rows.length);
    for (const g of byListener.values()) {
      const n = g.rows.length;
      const hot = (cookiesHot || dropsHot) && n === most;
      if (n < th['warnSynRecv']! && !hot) continue;
      const critical = n >= th['criticalSynRecv']! || (hot && dropsHot);
      const peers = new Map<string, number>();
      let maxRetrans = 0;
      for (const i of g.rows) {
        const p = raddr(t, i);
        peers.set(p, (peers.get(p) ?? 0) + 1);
        maxRetrans = Math.max(maxRetrans, t.retrans[i]!);
      }
      const top = [...peers].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5);
      const l = g.listener;
      const o = l !== undefined ? ownerOf(l.t, l.i, lang) : { pids: [], programs: [], label: m.noListener };
      const ep = l !== undefined ? local(l.t, l.i) : local(t, g.rows[0]!);
      const port = t.lport[g.rows[0]!]!;
      const before = l !== undefined && inp.before ? (prevCount.get(tupleKey(l.t, l.i)) ?? 0) : undefined;
      const flood = n >= 20 && peers.size >= n / 2;
      out.push({
        id: 'syn-backlog',
        severity: critical ? 'critical' : 'warning',
        title: m.title(n, ep, o.label, peers.size) + (cookiesHot ? m.cookies(perSec(cookies, lang)) : '') + (dropsHot ? m.dropped(perSec(dropsNow, lang)) : ''),
        subject: { pids: o.pids, programs: o.programs, local: ep, localPort: port },
        evidence: [
          { label: m.labels.listener, value: `${ep}, ${o.label}` },
          { label: m.labels.entries, value: `${n}${before !== undefined ? m.was(before, duration(sec!)) : ''}` },
          { label: m.labels.peers, value: `${peers.size}${flood ? m.flood : ''}` },
          { label: m.labels.top, value: top.map(([a, c]) => `${a} ${c}`).join(', ') },
          { label: m.labels.retrans, value: String(maxRetrans) },
          ...counterEvidence,
          ...sysctlEvidence,
        ],
        metrics: { synRecv: n, before: before ?? null, peers: peers.size, maxSynAckRetransmits: maxRetrans, localPort: port, ...metricsRates },
        sockets: sampleRefs(t, g.rows, 8, (i) => t.retrans[i]!),
        socketCount: n,
        explanation,
        nextSteps: [
          `$ ss -tn state syn-recv '( sport = :${port} )'`,
          '$ nstat -az TcpExtSyncookiesSent TcpExtSyncookiesRecv TcpExtSyncookiesFailed TcpExtTCPReqQFullDoCookies TcpExtTCPReqQFullDrop TcpExtListenOverflows',
          `$ dmesg | grep -i 'SYN flooding on port ${port}'`,
          `$ tcpdump -ni any -c 50 'tcp port ${port} and tcp[tcpflags] & (tcp-syn|tcp-ack) != 0'   # ${m.acksComment}`,
          ...(cookieMode === 0 ? [`$ sysctl -w net.ipv4.tcp_syncookies=1   # ${m.cookiesComment}`] : []),
          m.advice,
        ],
      });
    }
    if ((cookiesHot || dropsHot) && byListener.size === 0) {
      out.push({
        id: 'syn-backlog',
        severity: dropsHot ? 'critical' : 'warning',
        title: m.noEntriesTitle(perSec(cookies, lang), perSec(dropsNow, lang)),
        subject: {},
        evidence: [...counterEvidence, ...sysctlEvidence],
        metrics: { synRecv: 0, ...metricsRates },
        sockets: [],
        socketCount: 0,
        explanation: explanation + m.noEntriesWhy,
        nextSteps: ["$ dmesg | grep -i 'SYN flooding'", '$ nstat -az TcpExtSyncookiesSent TcpExtTCPReqQFullDrop'],
      });
    }
    return out.sort((a, b) => b.socketCount - a.socketCount);
  },
};

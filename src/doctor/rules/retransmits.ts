/**
 * `retransmits`: sockets whose retransmission timer is running and has already fired
 * (timer `on`, retransmits > 0), grouped by peer address, with the namespace's
 * retransmission counters beside them.
 *
 * The retransmits column (`icsk_retransmits`) counts consecutive RTO expiries without an
 * ACK; it resets when one arrives. Each expiry doubles the timeout (200 ms minimum), so 3
 * means about 1.4 s of silence from the peer at least, and the kernel gives up after
 * tcp_retries2 (15, about 15 min) for data, tcp_syn_retries (6, about 2 min) for SYNs.
 * SYN_RECV request sockets are left to `syn-backlog`.
 * @module
 */
import { stateName, SYN_RECV } from '../../model/state.js';
import { TIMER_ON } from '../../model/table.js';
import { type Lang, pick } from '../../i18n/catalogue.js';
import { CATALOGUE as DOCTOR } from '../../i18n/doctor.js';
import type { Finding } from '../finding.js';
import { countersWhy, type DoctorInputs, rate, sysctl } from '../inputs.js';
import type { Rule } from '../rule.js';
import { ownerOf, perSec, raddr, round3, sampleRefs } from '../sockets.js';

export const retransmits: Rule = {
  id: 'retransmits',
  checks: 'sockets retransmitting (timer on, retransmits > 0) grouped by peer; RetransSegs and TCPTimeouts rates',
  thresholds: {
    warnRetransmits: { default: 3, unit: 'retransmissions', doc: 'consecutive unanswered retransmissions of one socket that make a warning' },
    criticalRetransmits: { default: 8, unit: 'retransmissions', doc: 'the same count that makes a critical finding' },
    warnSockets: { default: 10, unit: 'sockets', doc: 'sockets retransmitting toward one peer that make a warning, whatever their count' },
  },
  sysctls: { uses: ['net.ipv4.tcp_retries2', 'net.ipv4.tcp_syn_retries'] },

  limits(inp, lang: Lang = 'en') {
    const m = pick(DOCTOR, lang).rules.retransmits;
    const notes: string[] = [];
    if (!inp.now.counters) notes.push(m.noCounters(countersWhy(inp, lang)));
    else if (!inp.before) notes.push(m.oneSample);
    return { notes };
  },

  run(inp: DoctorInputs, th, lang: Lang = 'en') {
    const m = pick(DOCTOR, lang).rules.retransmits;
    const l = m.labels;
    const t = inp.now.table;
    const groups = new Map<string, number[]>();
    for (let i = 0; i < t.length; i++) {
      if (t.timer[i] !== TIMER_ON || t.retrans[i] === 0 || t.state[i] === SYN_RECV) continue;
      const peer = raddr(t, i);
      const g = groups.get(peer);
      if (g) g.push(i);
      else groups.set(peer, [i]);
    }
    const retransSegs = rate(inp, 'Tcp', 'RetransSegs');
    const outSegs = rate(inp, 'Tcp', 'OutSegs');
    const timeouts = rate(inp, 'TcpExt', 'TCPTimeouts');
    const synRetrans = rate(inp, 'TcpExt', 'TCPSynRetrans');
    const retries2 = sysctl(inp, 'net.ipv4.tcp_retries2');
    const synRetries = sysctl(inp, 'net.ipv4.tcp_syn_retries');
    const out: Finding[] = [];
    for (const [peer, rows] of groups) {
      let max = 0;
      const states = new Map<string, number>();
      const ports = new Set<number>();
      const owners = new Map<number, string>();
      for (const i of rows) {
        max = Math.max(max, t.retrans[i]!);
        const s = stateName(t.state[i]!);
        states.set(s, (states.get(s) ?? 0) + 1);
        ports.add(t.rport[i]!);
        for (const o of t.ownersOf(i)) owners.set(o.pid, o.program);
      }
      if (max < th['warnRetransmits']! && rows.length < th['warnSockets']!) continue;
      const critical = max >= th['criticalRetransmits']!;
      const pids = [...owners.keys()].sort((a, b) => a - b);
      const programs = [...new Set(owners.values())];
      const first = rows.reduce((a, b) => (t.retrans[b]! > t.retrans[a]! ? b : a));
      const who = ownerOf(t, first, lang).label;
      const stateText = [...states].map(([s, n]) => `${s} ${n}`).join(', ');
      const portList = [...ports].sort((a, b) => a - b);
      const ratio = retransSegs !== undefined && outSegs ? retransSegs / outSegs : undefined;
      out.push({
        id: 'retransmits',
        severity: critical ? 'critical' : 'warning',
        title: m.title(rows.length, peer, max),
        subject: { peer, pids, programs },
        evidence: [
          { label: l.peer, value: `${peer}, ${m.ports(portList.length, portList.slice(0, 10).join(', '))}` },
          { label: l.sockets, value: `${rows.length} (${stateText})` },
          { label: l.most, value: m.on(max, who) },
          { label: l.processes, value: pids.length ? pids.map((p) => `${p}/${owners.get(p)}`).join(', ') : m.unknown },
          { label: l.retransSegs, value: `${perSec(retransSegs, lang)}${ratio !== undefined ? m.ofOutSegs((ratio * 100).toFixed(1)) : ''}` },
          { label: l.timeouts, value: timeouts === undefined ? perSec(undefined, lang) : `${perSec(timeouts, lang)} / ${perSec(synRetrans, lang)}` },
          { label: l.givesUp, value: m.givesUp(String(retries2 ?? '?'), String(synRetries ?? '?')) },
        ],
        metrics: {
          sockets: rows.length,
          maxRetransmits: max,
          retransSegsPerSec: retransSegs === undefined ? null : round3(retransSegs),
          retransRatio: ratio === undefined ? null : round3(ratio),
          timeoutsPerSec: timeouts === undefined ? null : round3(timeouts),
        },
        sockets: sampleRefs(t, rows, 8, (i) => t.retrans[i]!),
        socketCount: rows.length,
        explanation: m.why,
        nextSteps: [
          `$ ss -tino dst ${peer}   # ${m.ssComment}`,
          `$ tcpstate ls -po dst ${peer}`,
          `$ ping -c3 ${peer}; tracepath ${peer}   # ${m.pingComment}`,
          `$ tcpdump -ni any -c 50 host ${peer}   # ${m.tcpdumpComment}`,
          '$ nstat -az TcpRetransSegs TcpExtTCPTimeouts TcpExtTCPSynRetrans TcpExtTCPLostRetransmit',
        ],
      });
    }
    return out.sort((a, b) => (b.metrics['maxRetransmits'] as number) - (a.metrics['maxRetransmits'] as number) || b.socketCount - a.socketCount);
  },
};

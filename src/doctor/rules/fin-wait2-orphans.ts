/**
 * `fin-wait2-orphans`: FIN_WAIT2 pile-ups per peer, orphaned sockets against
 * tcp_max_orphans, and aborts for lack of memory.
 *
 * FIN_WAIT2: this side closed, the peer acknowledged the FIN but has not closed its side.
 * Two kinds (net/ipv4/tcp.c `tcp_close`, tcp_input.c, tcp_minisocks.c):
 * - orphaned: the application has called close(); the kernel ends it after
 *   tcp_fin_timeout (60 s). With a timeout up to 60 s it becomes a timewait socket in
 *   substate FIN_WAIT2 at once (no inode, timer "timewait"), else it stays a full socket.
 * - held: the application called shutdown(SHUT_WR) and keeps the descriptor; no timeout
 *   applies, it waits for the peer's FIN forever.
 * /proc/net/sockstat `orphan` counts full orphaned sockets of the whole host (not per
 * namespace), as does tcp_max_orphans, which exists only in the initial namespace. Past
 * the limit the kernel resets orphans ("too many orphaned sockets", TCPAbortOnMemory);
 * `tcp_too_many_orphans` compares orphans << shift (shift up to 2), so trouble can start
 * at a quarter of the limit.
 * @module
 */
import { CLOSE_WAIT, FIN_WAIT2 } from '../../model/state.js';
import { NO_TIME } from '../../model/table.js';
import { type Lang, pick } from '../../i18n/catalogue.js';
import { CATALOGUE as DOCTOR } from '../../i18n/doctor.js';
import type { Finding } from '../finding.js';
import { countersWhy, delta, type DoctorInputs, intervalSec, rate, sysctl, sysctlMissing, sysctlUnknown, total } from '../inputs.js';
import type { Rule } from '../rule.js';
import { duration, hostPort, laddr, ownerLabel, perSec, raddr, round3, sampleRefs } from '../sockets.js';

export const finWait2Orphans: Rule = {
  id: 'fin-wait2-orphans',
  checks: 'FIN_WAIT2 pile-ups per peer (orphaned or held), orphans against tcp_max_orphans, TCPAbortOnMemory',
  thresholds: {
    warnCount: { default: 100, unit: 'sockets', doc: 'FIN_WAIT2 sockets toward one peer that make a warning' },
    criticalCount: { default: 5000, unit: 'sockets', doc: 'the same count that makes a critical finding' },
    warnOrphanShare: {
      default: 0.25,
      unit: 'ratio 0..1',
      doc: 'orphaned sockets (sockstat `orphan`) as a share of tcp_max_orphans that makes a warning; the kernel may start resetting orphans at a quarter',
    },
    criticalOrphanShare: { default: 0.5, unit: 'ratio 0..1', doc: 'the same share that makes a critical finding' },
  },
  sysctls: { uses: ['net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_max_orphans'] },

  limits(inp, lang: Lang = 'en') {
    const m = pick(DOCTOR, lang).rules['fin-wait2-orphans'];
    const notes: string[] = [];
    if (!inp.now.counters) notes.push(m.noCounters(countersWhy(inp, lang)));
    if (sysctlMissing(inp, 'net.ipv4.tcp_max_orphans')) notes.push(`tcp_max_orphans ${sysctlUnknown(inp, 'net.ipv4.tcp_max_orphans', lang)}`);
    return { notes };
  },

  run(inp: DoctorInputs, th, lang: Lang = 'en') {
    const m = pick(DOCTOR, lang).rules['fin-wait2-orphans'];
    const l = m.labels;
    const t = inp.now.table;
    const sec = intervalSec(inp);
    const finTimeout = sysctl(inp, 'net.ipv4.tcp_fin_timeout');
    // The other ends of local peers: CLOSE_WAIT sockets by their (local, remote) endpoints.
    const closeWaitAt = new Map<string, number>();
    for (let i = 0; i < t.length; i++) {
      if (t.state[i] === CLOSE_WAIT) closeWaitAt.set(`${t.family[i]}|${laddr(t, i)}|${t.lport[i]}|${raddr(t, i)}|${t.rport[i]}`, i);
    }
    const groups = new Map<string, { peer: string; port: number; orphan: number[]; held: number[] }>();
    for (let i = 0; i < t.length; i++) {
      if (t.state[i] !== FIN_WAIT2) continue;
      const peer = hostPort(t.family[i]!, raddr(t, i), t.rport[i]!);
      let g = groups.get(peer);
      if (!g) {
        g = { peer, port: t.rport[i]!, orphan: [], held: [] };
        groups.set(peer, g);
      }
      (t.inode[i] === 0 ? g.orphan : g.held).push(i);
    }
    const out: Finding[] = [];
    for (const g of groups.values()) {
      const n = g.orphan.length + g.held.length;
      if (n < th['warnCount']!) continue;
      const rows = [...g.held, ...g.orphan];
      // Who holds the other ends, when the peer is on this host.
      const peerPids = new Map<number, string>();
      let peerSeen = 0;
      for (const i of rows) {
        const j = closeWaitAt.get(`${t.family[i]}|${raddr(t, i)}|${t.rport[i]}|${laddr(t, i)}|${t.lport[i]}`);
        if (j === undefined) continue;
        peerSeen++;
        for (const o of t.ownersOf(j)) peerPids.set(o.pid, o.program);
      }
      const peerOwner =
        peerSeen > 0
          ? ownerLabel(
              [...peerPids.keys()].sort((a, b) => a - b),
              [...new Set(peerPids.values())],
              lang,
            )
          : undefined;
      const holders = new Map<number, string>();
      for (const i of g.held) for (const o of t.ownersOf(i)) holders.set(o.pid, o.program);
      const holderLabel = ownerLabel(
        [...holders.keys()].sort((a, b) => a - b),
        [...new Set(holders.values())],
        lang,
      );
      let maxLeft = 0;
      for (const i of g.orphan) if (t.timerMs[i] !== NO_TIME) maxLeft = Math.max(maxLeft, t.timerMs[i]!);
      out.push({
        id: 'fin-wait2-orphans',
        severity: n >= th['criticalCount']! ? 'critical' : 'warning',
        title: m.title(n, g.peer, g.orphan.length, g.held.length) + (peerOwner ? m.peerLocal(peerOwner) : m.peerRemote),
        subject: { peer: g.peer, ...(holders.size ? { pids: [...holders.keys()], programs: [...new Set(holders.values())] } : {}) },
        evidence: [
          { label: l.count, value: String(n) },
          { label: l.orphaned, value: `${g.orphan.length}${g.orphan.length ? m.goneWithin(duration(maxLeft / 1000)) : ''}` },
          { label: l.held, value: g.held.length ? m.heldBy(g.held.length, holderLabel) : '0' },
          { label: l.peerEnds, value: peerOwner ? m.peerCloseWait(peerSeen, peerOwner) : m.peerNotHere },
          { label: l.finTimeout, value: finTimeout === undefined ? sysctlUnknown(inp, 'net.ipv4.tcp_fin_timeout', lang) : `${finTimeout} s` },
        ],
        metrics: { count: n, orphaned: g.orphan.length, held: g.held.length, peerCloseWait: peerSeen, finTimeout: finTimeout ?? null, peerPort: g.port },
        sockets: sampleRefs(t, rows, 8),
        socketCount: n,
        explanation: m.why + (peerOwner ? m.whyLocal(peerOwner) : m.whyRemote),
        nextSteps: [
          `$ tcpstate ls -o state fin-wait-2 dst ${g.peer}`,
          peerOwner ? `$ tcpstate ls -p state close-wait sport = :${g.port}   # ${m.peerSideComment}` : `$ ss -tnp state close-wait '( sport = :${g.port} )'   # ${m.onPeerComment}`,
          m.fix,
          `$ sysctl -w net.ipv4.tcp_fin_timeout=30   # ${m.finTimeoutComment}`,
        ],
      });
    }
    out.sort((a, b) => b.socketCount - a.socketCount);

    // Orphans of the whole host against tcp_max_orphans; aborts for lack of memory.
    const orphans = total(inp, 'TCP', 'orphan');
    const maxOrphans = sysctl(inp, 'net.ipv4.tcp_max_orphans');
    const abortRate = rate(inp, 'TcpExt', 'TCPAbortOnMemory');
    const abortDelta = delta(inp, 'TcpExt', 'TCPAbortOnMemory');
    const abortTotal = total(inp, 'TcpExt', 'TCPAbortOnMemory');
    const share = orphans !== undefined && maxOrphans ? orphans / maxOrphans : undefined;
    const aborting = (abortDelta ?? 0) > 0;
    const level =
      aborting || (share !== undefined && share >= th['criticalOrphanShare']!)
        ? 'critical'
        : share !== undefined && share >= th['warnOrphanShare']!
          ? 'warning'
          : !inp.before && (abortTotal ?? 0) > 0
            ? 'info'
            : undefined;
    if (level) {
      out.push({
        id: 'fin-wait2-orphans',
        severity: level,
        title: aborting
          ? m.abortingTitle(perSec(abortRate, lang))
          : share !== undefined && share >= th['warnOrphanShare']!
            ? m.orphansTitle(orphans!, (share * 100).toFixed(0), maxOrphans!)
            : m.abortedTitle(abortTotal!),
        subject: {},
        evidence: [
          { label: m.orphansLabel, value: orphans === undefined ? m.unknown : String(orphans) },
          { label: 'net.ipv4.tcp_max_orphans', value: maxOrphans === undefined ? sysctlUnknown(inp, 'net.ipv4.tcp_max_orphans', lang) : String(maxOrphans) },
          { label: 'TcpExt TCPAbortOnMemory', value: abortDelta !== undefined ? m.aborts(abortDelta, duration(sec!), String(abortTotal)) : String(abortTotal ?? m.unknown) },
          { label: m.memLabel, value: String(total(inp, 'TCP', 'mem') ?? m.unknown) },
        ],
        metrics: {
          orphans: orphans ?? null,
          maxOrphans: maxOrphans ?? null,
          share: share === undefined ? null : round3(share),
          abortOnMemoryDelta: abortDelta ?? null,
          abortOnMemoryTotal: abortTotal ?? null,
        },
        sockets: [],
        socketCount: orphans ?? 0,
        explanation: m.orphansWhy,
        nextSteps: [
          '$ dmesg | grep -iE "orphaned sockets|tcp_mem"',
          '$ nstat -az TcpExtTCPAbortOnMemory TcpExtTCPAbortOnTimeout; cat /proc/net/sockstat',
          `$ sysctl net.ipv4.tcp_max_orphans net.ipv4.tcp_mem   # ${m.hostComment}`,
          `$ sysctl -w net.ipv4.tcp_orphan_retries=2   # ${m.retriesComment}`,
        ],
      });
    }
    return out;
  },
};

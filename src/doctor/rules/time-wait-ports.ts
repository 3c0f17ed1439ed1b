/**
 * `time-wait-ports`: ephemeral ports held toward one destination, mostly by TIME_WAIT,
 * against `ip_local_port_range`, with the time until connect() fails (EADDRNOTAVAIL) at
 * the measured rate of new connections; `tcp_tw_reuse`; `tcp_max_tw_buckets` overflows.
 *
 * Kernel facts used (include/net/tcp.h, net/ipv4/inet_hashtables.c, tcp_ipv4.c):
 * - TIME_WAIT lasts TCP_TIMEWAIT_LEN = 60 s, a constant. `tcp_fin_timeout` does not touch
 *   it (it bounds orphaned FIN_WAIT2).
 * - connect() needs a local port whose 4-tuple is unused, so the limit is per (local
 *   address, remote address, remote port): the range's size, less ports held toward it.
 * - `tcp_tw_reuse` lets connect() take a TIME_WAIT 4-tuple older than
 *   `tcp_tw_reuse_delay` (1000 ms) when timestamps are on: 1 everywhere, 2 (the default)
 *   only when either address is loopback.
 * - At `tcp_max_tw_buckets` timewait sockets, no more are made (`TCPTimeWaitOverflow`).
 *
 * The rate toward a destination is the number of its 4-tuples present in the second
 * sample and not the first, per second: every connection that closes first lingers 60 s
 * in TIME_WAIT, so none is missed in between. `Tcp ActiveOpens` per second is shown beside
 * it as the namespace-wide count.
 * @module
 */
import { AF_INET } from '../../model/address.js';
import { LISTEN, TIME_WAIT } from '../../model/state.js';
import { NO_TIME, type SocketTable, TIMER_TIMEWAIT } from '../../model/table.js';
import type { Finding } from '../finding.js';
import { delta, type DoctorInputs, intervalSec, rate, sysctl, sysctlList, sysctlMissing, sysctlUnknown, total } from '../inputs.js';
import type { Rule } from '../rule.js';
import { duration, hostPort, laddr, perSec, plural, raddr, round3, sampleRefs } from '../sockets.js';

/** Linux TCP_TIMEWAIT_LEN. */
export const TIME_WAIT_MS = 60_000;

interface Dest {
  key: string;
  family: number;
  laddr: string;
  raddr: string;
  rport: number;
  tw: number[];
  other: number[];
  ports: Set<number>;
}

function destinations(t: SocketTable, lo: number, hi: number): Map<string, Dest> {
  const out = new Map<string, Dest>();
  for (let i = 0; i < t.length; i++) {
    const lp = t.lport[i]!;
    if (lp < lo || lp > hi || t.rport[i] === 0 || t.state[i] === LISTEN) continue;
    const la = laddr(t, i);
    const ra = raddr(t, i);
    const key = `${t.family[i]}|${la}|${ra}|${t.rport[i]}`;
    let d = out.get(key);
    if (!d) {
      d = { key, family: t.family[i]!, laddr: la, raddr: ra, rport: t.rport[i]!, tw: [], other: [], ports: new Set() };
      out.set(key, d);
    }
    (t.state[i] === TIME_WAIT ? d.tw : d.other).push(i);
    d.ports.add(lp);
  }
  return out;
}

function isLoopback(family: number, addr: string): boolean {
  if (family === AF_INET) return addr.startsWith('127.');
  return addr === '::1' || addr.startsWith('::ffff:127.');
}

/** Time left of a TIME_WAIT row in ms (60 s when the source did not say: the worst case). */
function twLeft(t: SocketTable, i: number): number {
  const ms = t.timerMs[i]!;
  return t.timer[i] === TIMER_TIMEWAIT && ms !== NO_TIME ? Math.min(ms, TIME_WAIT_MS) : TIME_WAIT_MS;
}

/**
 * Ports held over the next 60 s: `held` now (other states), TIME_WAIT rows with `left` ms
 * to go, new connections at `perSec`, each holding its port for `holdMs` (60 s, or the
 * reuse delay when tcp_tw_reuse applies). Existing TIME_WAIT stop counting when they expire
 * or, with reuse, once older than the delay.
 * @returns seconds until `range` ports are held, or undefined if that does not happen.
 */
export function exhaustionSec(held: number, left: readonly number[], perSec: number, holdMs: number, range: number): number | undefined {
  for (let step = 0; step <= 600; step++) {
    const tMs = step * 100;
    let occ = held + perSec * Math.min(tMs, holdMs) / 1000;
    for (const l of left) {
      const age = TIME_WAIT_MS - l + tMs;
      if (l > tMs && age < holdMs) occ++;
    }
    if (occ >= range) return tMs / 1000;
  }
  return undefined;
}

export const timeWaitPorts: Rule = {
  id: 'time-wait-ports',
  checks: 'ephemeral ports held toward each upstream (TIME_WAIT first) against ip_local_port_range, time to exhaustion, tcp_tw_reuse, tcp_max_tw_buckets',
  thresholds: {
    warnPortShare: { default: 0.5, unit: 'ratio 0..1', doc: 'share of the ephemeral range held toward one destination that makes a warning' },
    criticalPortShare: { default: 0.9, unit: 'ratio 0..1', doc: 'the same share that makes a critical finding' },
    criticalExhaustionSec: { default: 300, unit: 'seconds', doc: 'projected time until the ports toward one destination run out, at the measured rate, below which the finding is critical' },
    warnTwBucketShare: { default: 0.8, unit: 'ratio 0..1', doc: 'timewait sockets (sockstat `tw`: TIME_WAIT and orphaned FIN_WAIT2) as a share of `tcp_max_tw_buckets` that makes a warning' },
  },
  sysctls: {
    needs: ['net.ipv4.ip_local_port_range'],
    uses: ['net.ipv4.tcp_tw_reuse', 'net.ipv4.tcp_timestamps', 'net.ipv4.tcp_tw_reuse_delay', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_max_tw_buckets'],
  },

  limits(inp) {
    const notes: string[] = [];
    if (sysctlMissing(inp, 'net.ipv4.ip_local_port_range')) {
      return { skip: `no sysctls: net.ipv4.ip_local_port_range ${sysctlUnknown(inp, 'net.ipv4.ip_local_port_range')}`, notes };
    }
    if (!inp.before) notes.push('one sample: connection rate and time to exhaustion unknown');
    if (sysctlMissing(inp, 'net.ipv4.tcp_tw_reuse')) notes.push('tcp_tw_reuse unknown: assumed off');
    if (!inp.now.counters) notes.push(`no counters (${inp.countersUnavailable ?? 'absent'}): TCPTimeWaitOverflow and sockstat tw unknown`);
    return { notes };
  },

  run(inp: DoctorInputs, th) {
    const range = sysctlList(inp, 'net.ipv4.ip_local_port_range');
    if (!range || range.length < 2) return [];
    const [lo, hi] = [range[0]!, range[1]!];
    const size = hi - lo + 1;
    const reuseSetting = sysctl(inp, 'net.ipv4.tcp_tw_reuse');
    const timestamps = sysctl(inp, 'net.ipv4.tcp_timestamps');
    // Before Linux 6.13 there is no such file and the delay is 1 s; a file the kernel would not
    // show leaves it unknown: no reuse is counted on.
    const reuseDelay = sysctl(inp, 'net.ipv4.tcp_tw_reuse_delay') ?? (sysctlMissing(inp, 'net.ipv4.tcp_tw_reuse_delay') ? 1000 : TIME_WAIT_MS);
    const finTimeout = sysctl(inp, 'net.ipv4.tcp_fin_timeout');
    const sec = intervalSec(inp);
    const opens = rate(inp, 'Tcp', 'ActiveOpens');
    const t = inp.now.table;
    const now = destinations(t, lo, hi);
    const before = inp.before ? destinations(inp.before.table, lo, hi) : undefined;
    const out: Finding[] = [];

    for (const d of now.values()) {
      if (d.tw.length === 0) continue;
      const reuse = timestamps !== undefined && timestamps !== 0 && (reuseSetting === 1 || (reuseSetting === 2 && (isLoopback(d.family, d.raddr) || isLoopback(d.family, d.laddr))));
      const left = d.tw.map((i) => twLeft(t, i));
      const holdMs = reuse ? reuseDelay : TIME_WAIT_MS;
      const held = d.other.length;
      const inUse = held + d.tw.length;
      const youngTw = reuse ? left.filter((l) => TIME_WAIT_MS - l < reuseDelay).length : d.tw.length;
      const effective = held + youngTw;
      const share = effective / size;
      const rawShare = inUse / size;
      let fresh: number | undefined;
      if (before && sec !== undefined) {
        const prev = before.get(d.key)?.ports ?? new Set<number>();
        fresh = 0;
        for (const p of d.ports) if (!prev.has(p)) fresh++;
      }
      const perSecond = fresh === undefined ? undefined : fresh / sec!;
      const exhaust = perSecond === undefined ? (effective >= size ? 0 : undefined) : exhaustionSec(held, left, perSecond, holdMs, size);
      const steady = perSecond === undefined ? undefined : held + (perSecond * holdMs) / 1000;
      let severity: Finding['severity'] | undefined;
      if (share >= th['criticalPortShare']! || (exhaust !== undefined && exhaust <= th['criticalExhaustionSec']!)) severity = 'critical';
      else if (share >= th['warnPortShare']!) severity = 'warning';
      else if (reuse && rawShare >= th['warnPortShare']!) severity = 'info';
      if (!severity) continue;

      const dest = hostPort(d.family, d.raddr, d.rport);
      const minLeft = Math.min(...left) / 1000;
      const maxLeft = Math.max(...left) / 1000;
      const reuseText = reuseSetting === undefined
        ? 'unknown (assumed off)'
        : `${reuseSetting}: ${reuse ? `applies (TIME_WAIT older than ${reuseDelay} ms can be reused)` : reuseSetting === 2 ? 'off for this destination (2 = loopback only)' : timestamps === 0 && reuseSetting !== 0 ? 'would apply but tcp_timestamps = 0' : 'off'}`;
      const title = exhaust === 0
        ? `ephemeral ports toward ${dest} are exhausted: ${inUse} of ${size} held (${d.tw.length} in TIME_WAIT); connect() fails with EADDRNOTAVAIL`
        : `TIME_WAIT holds ${d.tw.length} of ${size} ephemeral ports toward ${dest}` +
          (exhaust !== undefined ? `; at ${perSec(perSecond)} new connections they run out in ${duration(exhaust)}` : perSecond !== undefined ? ` (${perSec(perSecond)} new connections; no exhaustion at this rate)` : '') +
          (reuse ? ' (tcp_tw_reuse lets connect() reuse them)' : '');
      const evidence = [
        { label: 'destination (local address -> upstream)', value: `${d.laddr} -> ${dest}` },
        { label: 'TIME_WAIT toward it', value: String(d.tw.length) },
        { label: 'other states holding ports toward it', value: String(held) },
        { label: 'ephemeral range (net.ipv4.ip_local_port_range)', value: `${lo}-${hi} (${size} ports)` },
        { label: 'share held', value: `${(rawShare * 100).toFixed(1)}%${reuse ? ` (${(share * 100).toFixed(1)}% not reusable)` : ''}` },
        { label: 'new connections toward it', value: perSecond === undefined ? 'unknown (one sample)' : `${perSec(perSecond)} (${fresh} new 4-tuples in ${duration(sec!)})` },
        { label: 'Tcp ActiveOpens (whole namespace)', value: perSec(opens) },
        { label: 'ports run out in', value: exhaust === undefined ? (steady === undefined ? 'unknown (one sample)' : `not at this rate (steady state ${steady.toFixed(0)} of ${size})`) : exhaust === 0 ? 'now' : duration(exhaust) },
        { label: 'TIME_WAIT clears in', value: `first in ${duration(minLeft)}, all in ${duration(maxLeft)} (TIME_WAIT lasts 60 s on Linux)` },
        { label: 'net.ipv4.tcp_tw_reuse', value: reuseText },
      ];
      if (finTimeout !== undefined && finTimeout !== 60) {
        evidence.push({ label: 'net.ipv4.tcp_fin_timeout', value: `${finTimeout}: has no effect on TIME_WAIT (it limits orphaned FIN_WAIT2)` });
      }
      out.push({
        id: 'time-wait-ports',
        severity,
        title,
        subject: { local: d.laddr, peer: dest },
        evidence,
        metrics: {
          timeWait: d.tw.length,
          otherStates: held,
          inUse,
          rangeLow: lo,
          rangeHigh: hi,
          rangeSize: size,
          share: round3(rawShare),
          effectiveShare: round3(share),
          newConnections: fresh ?? null,
          ratePerSec: perSecond === undefined ? null : round3(perSecond),
          activeOpensPerSec: opens === undefined ? null : round3(opens),
          exhaustionSec: exhaust === undefined ? null : round3(exhaust),
          steadyState: steady === undefined ? null : round3(steady),
          firstClearsSec: round3(minLeft),
          lastClearsSec: round3(maxLeft),
          twReuse: reuseSetting ?? null,
          reuseApplies: reuse,
        },
        sockets: sampleRefs(t, d.tw, 8, (i) => -twLeft(t, i)),
        socketCount: inUse,
        explanation:
          'Each outgoing connection takes a local port from ip_local_port_range, unique per destination ' +
          '(local address, remote address, remote port). The side that closes first keeps its port in TIME_WAIT ' +
          'for 60 s, a constant in the Linux kernel (TCP_TIMEWAIT_LEN): so toward one upstream at most ' +
          `${size} connections can be opened per minute before connect() fails with EADDRNOTAVAIL ` +
          '("Cannot assign requested address"). A common myth: net.ipv4.tcp_fin_timeout does not shorten ' +
          'TIME_WAIT; it limits how long an orphaned FIN_WAIT2 lingers. tcp_tw_recycle, the other folk remedy, ' +
          'was removed in Linux 4.12 (it broke clients behind NAT).' +
          (reuse ? ' Here tcp_tw_reuse lets connect() reuse TIME_WAIT ports older than the reuse delay, so only young ones count.' : ''),
        nextSteps: [
          `$ tcpstate ls -o state time-wait dst ${dest}`,
          `$ tcpstate count --by rport state time-wait   # which upstreams`,
          'Fix in the client: reuse connections (HTTP keep-alive, a connection pool toward the upstream) ' +
            'instead of one connection per request; or let the server close first, so TIME_WAIT lands on its side, which uses no ephemeral port',
          `$ sysctl -w net.ipv4.ip_local_port_range="10000 65000"   # more ports (keep clear of listening ports)`,
          ...(reuse ? [] : ['$ sysctl -w net.ipv4.tcp_tw_reuse=1   # outgoing connections may reuse TIME_WAIT ports (needs tcp_timestamps=1); safe on the client side']),
          'More upstream addresses or ports, or more local source addresses (bind with IP_BIND_ADDRESS_NO_PORT), multiply the ports available',
        ],
      });
    }
    out.sort((a, b) => (b.metrics['effectiveShare'] as number) - (a.metrics['effectiveShare'] as number));

    // tcp_max_tw_buckets: at the limit, closing sockets skip TIME_WAIT (TCPTimeWaitOverflow).
    const maxTw = sysctl(inp, 'net.ipv4.tcp_max_tw_buckets');
    const twNow = total(inp, 'TCP', 'tw');
    const overflowDelta = delta(inp, 'TcpExt', 'TCPTimeWaitOverflow');
    const overflowTotal = total(inp, 'TcpExt', 'TCPTimeWaitOverflow');
    const twShare = maxTw && twNow !== undefined ? twNow / maxTw : undefined;
    const overflowing = overflowDelta !== undefined ? overflowDelta > 0 : false;
    const nearLimit = twShare !== undefined && twShare >= th['warnTwBucketShare']!;
    const pastOverflow = !inp.before && (overflowTotal ?? 0) > 0;
    if (overflowing || nearLimit || pastOverflow) {
      out.push({
        id: 'time-wait-ports',
        severity: overflowing || nearLimit ? 'warning' : 'info',
        title: overflowing
          ? `TIME_WAIT is being skipped: ${plural(overflowDelta!, 'closing socket')} found tcp_max_tw_buckets (${maxTw ?? '?'}) full in ${duration(sec!)}`
          : nearLimit
            ? `${twNow} TIME_WAIT sockets, ${(twShare! * 100).toFixed(0)}% of tcp_max_tw_buckets (${maxTw})`
            : `tcp_max_tw_buckets has overflowed ${plural(overflowTotal!, 'time')} since the namespace started`,
        subject: {},
        evidence: [
          { label: 'timewait sockets (sockstat tw: TIME_WAIT and orphaned FIN_WAIT2)', value: twNow === undefined ? 'unknown' : String(twNow) },
          { label: 'net.ipv4.tcp_max_tw_buckets', value: maxTw === undefined ? sysctlUnknown(inp, 'net.ipv4.tcp_max_tw_buckets') : String(maxTw) },
          { label: 'TcpExt TCPTimeWaitOverflow', value: overflowDelta !== undefined ? `+${overflowDelta} in ${duration(sec!)} (${overflowTotal} in all)` : String(overflowTotal ?? 'unknown') },
        ],
        metrics: { timeWait: twNow ?? null, maxTwBuckets: maxTw ?? null, overflowDelta: overflowDelta ?? null, overflowTotal: overflowTotal ?? null },
        sockets: [],
        socketCount: twNow ?? 0,
        explanation:
          'When tcp_max_tw_buckets TIME_WAIT sockets exist, the kernel closes further connections without TIME_WAIT ' +
          '(older kernels log "TCP: time wait bucket table overflow"). That keeps memory bounded but gives up ' +
          'TIME_WAIT\'s protection against old duplicate segments. The count itself is the sign of very many short connections.',
        nextSteps: [
          '$ nstat -az TcpExtTCPTimeWaitOverflow',
          '$ tcpstate count --by rport state time-wait',
          'Reuse connections rather than raising the limit; if the memory is there: sysctl -w net.ipv4.tcp_max_tw_buckets=262144',
        ],
      });
    }
    return out;
  },
};

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
import { type Lang, pick } from '../../i18n/catalogue.js';
import { CATALOGUE as DOCTOR } from '../../i18n/doctor.js';
import type { Finding } from '../finding.js';
import { countersWhy, delta, type DoctorInputs, intervalSec, rate, sysctl, sysctlList, sysctlMissing, sysctlUnknown, total } from '../inputs.js';
import type { Rule } from '../rule.js';
import { duration, hostPort, laddr, perSec, raddr, round3, sampleRefs } from '../sockets.js';

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
    let occ = held + (perSec * Math.min(tMs, holdMs)) / 1000;
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

  limits(inp, lang: Lang = 'en') {
    const m = pick(DOCTOR, lang).rules['time-wait-ports'];
    const notes: string[] = [];
    if (sysctlMissing(inp, 'net.ipv4.ip_local_port_range')) {
      return { skip: m.noRange(sysctlUnknown(inp, 'net.ipv4.ip_local_port_range', lang)), notes };
    }
    if (!inp.before) notes.push(m.oneSample);
    if (sysctlMissing(inp, 'net.ipv4.tcp_tw_reuse')) notes.push(m.reuseUnknown);
    if (!inp.now.counters) notes.push(m.noCounters(countersWhy(inp, lang)));
    return { notes };
  },

  run(inp: DoctorInputs, th, lang: Lang = 'en') {
    const m = pick(DOCTOR, lang).rules['time-wait-ports'];
    const l = m.labels;
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
      const reuseText =
        reuseSetting === undefined
          ? m.reuseAssumedOff
          : `${reuseSetting}: ${reuse ? m.reuseApplies(reuseDelay) : reuseSetting === 2 ? m.reuseLoopbackOnly : timestamps === 0 && reuseSetting !== 0 ? m.reuseNoTimestamps : m.off}`;
      const title =
        exhaust === 0
          ? m.exhaustedTitle(dest, inUse, size, d.tw.length)
          : m.title(d.tw.length, size, dest) +
            (exhaust !== undefined ? m.runOut(perSec(perSecond, lang), duration(exhaust)) : perSecond !== undefined ? m.noExhaustion(perSec(perSecond, lang)) : '') +
            (reuse ? m.reuseLets : '');
      const evidence = [
        { label: l.dest, value: `${d.laddr} -> ${dest}` },
        { label: l.tw, value: String(d.tw.length) },
        { label: l.other, value: String(held) },
        { label: l.range, value: m.ports(lo, hi, size) },
        { label: l.share, value: `${(rawShare * 100).toFixed(1)}%${reuse ? m.notReusable((share * 100).toFixed(1)) : ''}` },
        { label: l.fresh, value: perSecond === undefined ? m.unknownOneSample : m.fresh(perSec(perSecond, lang), fresh!, duration(sec!)) },
        { label: l.opens, value: perSec(opens, lang) },
        { label: l.runsOut, value: exhaust === undefined ? (steady === undefined ? m.unknownOneSample : m.notAtThisRate(steady.toFixed(0), size)) : exhaust === 0 ? m.now : duration(exhaust) },
        { label: l.clears, value: m.clears(duration(minLeft), duration(maxLeft)) },
        { label: 'net.ipv4.tcp_tw_reuse', value: reuseText },
      ];
      if (finTimeout !== undefined && finTimeout !== 60) {
        evidence.push({ label: 'net.ipv4.tcp_fin_timeout', value: m.finTimeout(finTimeout) });
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
        explanation: m.why(size) + (reuse ? m.whyReuse : ''),
        nextSteps: [
          `$ tcpstate ls -o state time-wait dst ${dest}`,
          `$ tcpstate count --by rport state time-wait   # ${m.upstreamsComment}`,
          m.fix,
          `$ sysctl -w net.ipv4.ip_local_port_range="10000 65000"   # ${m.rangeComment}`,
          ...(reuse ? [] : [`$ sysctl -w net.ipv4.tcp_tw_reuse=1   # ${m.reuseComment}`]),
          m.more,
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
        title: overflowing ? m.skippedTitle(overflowDelta!, String(maxTw ?? '?'), duration(sec!)) : nearLimit ? m.nearTitle(twNow!, (twShare! * 100).toFixed(0), maxTw!) : m.pastTitle(overflowTotal!),
        subject: {},
        evidence: [
          { label: m.twLabel, value: twNow === undefined ? m.unknown : String(twNow) },
          { label: 'net.ipv4.tcp_max_tw_buckets', value: maxTw === undefined ? sysctlUnknown(inp, 'net.ipv4.tcp_max_tw_buckets', lang) : String(maxTw) },
          { label: 'TcpExt TCPTimeWaitOverflow', value: overflowDelta !== undefined ? m.overflow(overflowDelta, duration(sec!), String(overflowTotal)) : String(overflowTotal ?? m.unknown) },
        ],
        metrics: { timeWait: twNow ?? null, maxTwBuckets: maxTw ?? null, overflowDelta: overflowDelta ?? null, overflowTotal: overflowTotal ?? null },
        sockets: [],
        socketCount: twNow ?? 0,
        explanation: m.bucketsWhy,
        nextSteps: ['$ nstat -az TcpExtTCPTimeWaitOverflow', '$ tcpstate count --by rport state time-wait', m.bucketsAdvice],
      });
    }
    return out;
  },
};

/**
 * The kernel's TCP counters that matter for states (/proc/net/netstat TcpExt and
 * /proc/net/snmp Tcp, per network namespace), as `_total` counters in snake_case. A
 * counter the kernel does not have is left out, not reported as 0.
 * @module
 */
import { counter } from '../../sources/counters.js';
import { labels } from '../exposition.js';
import { type Collector, nsLabels, sampled } from './types.js';

/** [section, kernel name, metric name, help]. */
export const TCP_COUNTERS: readonly (readonly [string, string, string, string])[] = [
  ['Tcp', 'ActiveOpens', 'tcpstate_tcp_active_opens_total', 'Connections opened from this side (CLOSE to SYN_SENT), Tcp ActiveOpens.'],
  ['Tcp', 'PassiveOpens', 'tcpstate_tcp_passive_opens_total', 'Connections accepted (LISTEN to SYN_RECV), Tcp PassiveOpens.'],
  ['Tcp', 'AttemptFails', 'tcpstate_tcp_attempt_fails_total', 'Connection attempts failed (SYN_SENT or SYN_RECV to CLOSE, or SYN_RECV to LISTEN), Tcp AttemptFails.'],
  ['Tcp', 'EstabResets', 'tcpstate_tcp_estab_resets_total', 'Resets from ESTABLISHED or CLOSE_WAIT, Tcp EstabResets.'],
  ['Tcp', 'OutRsts', 'tcpstate_tcp_out_rsts_total', 'Segments sent with RST, Tcp OutRsts.'],
  ['Tcp', 'RetransSegs', 'tcpstate_tcp_retrans_segs_total', 'Segments retransmitted, Tcp RetransSegs.'],
  ['TcpExt', 'ListenOverflows', 'tcpstate_tcpext_listen_overflows_total', "Connections dropped because a listener's accept queue was full, TcpExt ListenOverflows."],
  ['TcpExt', 'ListenDrops', 'tcpstate_tcpext_listen_drops_total', 'SYNs to a listener dropped for any reason, TcpExt ListenDrops.'],
  ['TcpExt', 'SyncookiesSent', 'tcpstate_tcpext_syncookies_sent_total', 'SYN cookies sent (the SYN queue was full), TcpExt SyncookiesSent.'],
  ['TcpExt', 'SyncookiesRecv', 'tcpstate_tcpext_syncookies_recv_total', 'Valid SYN cookies received, TcpExt SyncookiesRecv.'],
  ['TcpExt', 'SyncookiesFailed', 'tcpstate_tcpext_syncookies_failed_total', 'Invalid SYN cookies received, TcpExt SyncookiesFailed.'],
  ['TcpExt', 'TCPReqQFullDrop', 'tcpstate_tcpext_reqq_full_drop_total', 'SYNs dropped because the SYN queue was full and cookies were off, TcpExt TCPReqQFullDrop.'],
  ['TcpExt', 'TCPReqQFullDoCookies', 'tcpstate_tcpext_reqq_full_do_cookies_total', 'SYN cookies sent because the SYN queue was full, TcpExt TCPReqQFullDoCookies.'],
  ['TcpExt', 'TW', 'tcpstate_tcpext_tw_total', 'TIME_WAIT sockets that finished their timer, TcpExt TW.'],
  ['TcpExt', 'TWRecycled', 'tcpstate_tcpext_tw_recycled_total', 'TIME_WAIT sockets reused by a new connection (tcp_tw_reuse), TcpExt TWRecycled.'],
  ['TcpExt', 'TWKilled', 'tcpstate_tcpext_tw_killed_total', 'TIME_WAIT sockets killed early, TcpExt TWKilled.'],
  ['TcpExt', 'TCPTimeWaitOverflow', 'tcpstate_tcpext_time_wait_overflow_total', 'Connections closed without TIME_WAIT because tcp_max_tw_buckets was reached, TcpExt TCPTimeWaitOverflow.'],
  ['TcpExt', 'TCPAbortOnTimeout', 'tcpstate_tcpext_abort_on_timeout_total', 'Connections aborted after too many retransmissions or probes, TcpExt TCPAbortOnTimeout.'],
  ['TcpExt', 'TCPAbortOnClose', 'tcpstate_tcpext_abort_on_close_total', 'Connections reset because the application closed with unread data, TcpExt TCPAbortOnClose.'],
  ['TcpExt', 'TCPAbortOnData', 'tcpstate_tcpext_abort_on_data_total', 'Connections reset because data arrived after close, TcpExt TCPAbortOnData.'],
  ['TcpExt', 'TCPAbortOnMemory', 'tcpstate_tcpext_abort_on_memory_total', 'Connections reset for lack of memory or too many orphans, TcpExt TCPAbortOnMemory.'],
  ['TcpExt', 'TCPAbortOnLinger', 'tcpstate_tcpext_abort_on_linger_total', 'Connections reset after the FIN_WAIT2 linger time, TcpExt TCPAbortOnLinger.'],
  ['TcpExt', 'TCPAbortFailed', 'tcpstate_tcpext_abort_failed_total', 'Resets that could not be sent, TcpExt TCPAbortFailed.'],
];

export const counters: Collector = {
  name: 'counters',
  enabled: () => true,
  collect(ctx, out) {
    const ns = sampled(ctx).filter((n) => n.sample.counters !== undefined);
    for (const [section, name, metric, help] of TCP_COUNTERS) {
      const values = ns.map((n) => ({ n, v: counter(n.sample.counters, section, name) })).filter((x) => x.v !== undefined);
      if (values.length === 0) continue;
      out.family(metric, 'counter', help);
      for (const { n, v } of values) out.sample(labels(nsLabels(n)), v!);
    }
  },
};

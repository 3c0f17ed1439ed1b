/**
 * `ls -i` and `ls -m` cells: TCP internals (INET_DIAG_INFO) and socket memory
 * (INET_DIAG_SKMEMINFO), spelled as `ss -i` / `ss -m` print them (misc/ss.c,
 * tcp_show_info and print_skmeminfo).
 * @module
 */
import type { TcpExtInfo } from '../model/table.js';

/** C's `%g`: six significant digits, trailing zeros dropped. */
export function fmtG(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-4)
    return x
      .toExponential(5)
      .replace(/\.?0+e/, 'e')
      .replace(/e([+-])(\d)$/, 'e$10$2');
  return String(Number(x.toPrecision(6)));
}

/** ss's sprint_bw: bits per second with K/M/G. */
export function fmtBw(bps: number): string {
  if (bps > 1e9) return `${(bps / 1e9).toFixed(1)}G`;
  if (bps > 1e6) return `${(bps / 1e6).toFixed(1)}M`;
  if (bps > 1e3) return `${(bps / 1e3).toFixed(1)}K`;
  return fmtG(bps);
}

/**
 * Milliseconds since the last data sent, data received and ACK received (tcp_info's
 * tcpi_last_data_sent, tcpi_last_data_recv, tcpi_last_ack_recv), with ss's names; ss prints
 * each only when it is not zero, after the byte counters and before the rates.
 */
const AGES: readonly (readonly [string, string])[] = [
  ['lastSendMs', 'lastsnd'],
  ['lastRecvMs', 'lastrcv'],
  ['lastAckMs', 'lastack'],
];

/** The `-i` cell: `cubic rto:204 rtt:0.031/0.015 mss:32768 cwnd:10 bytes_acked:1 ... lastsnd:1544 ...`. */
export function infoCell(e: TcpExtInfo | undefined): string {
  if (!e || e.cwnd === undefined) return '-';
  const out: string[] = [];
  if (typeof e['cong'] === 'string') out.push(e['cong']);
  if (typeof e['wscale'] === 'string') out.push(`wscale:${e['wscale']}`);
  if (e.rtoUs) out.push(`rto:${fmtG(e.rtoUs / 1000)}`);
  if (e.rttUs) out.push(`rtt:${fmtG(e.rttUs / 1000)}/${fmtG((e.rttVarUs ?? 0) / 1000)}`);
  if (e.mss) out.push(`mss:${e.mss}`);
  out.push(`cwnd:${e.cwnd}`);
  if (e.ssthresh && e.ssthresh < 0xffff) out.push(`ssthresh:${e.ssthresh}`);
  if (e['bytesSent']) out.push(`bytes_sent:${e['bytesSent']}`);
  if (e['bytesRetrans']) out.push(`bytes_retrans:${e['bytesRetrans']}`);
  if (e.bytesAcked) out.push(`bytes_acked:${e.bytesAcked}`);
  if (e.bytesReceived) out.push(`bytes_received:${e.bytesReceived}`);
  for (const [key, name] of AGES) {
    const ms = e[key];
    if (typeof ms === 'number' && ms > 0) out.push(`${name}:${ms}`);
  }
  const cur = typeof e['retrans'] === 'number' ? e['retrans'] : 0;
  if (cur || e.totalRetrans) out.push(`retrans:${cur}/${e.totalRetrans ?? 0}`);
  if (e.deliveryRate) out.push(`delivery_rate:${fmtBw(e.deliveryRate * 8)}bps`);
  if (e.retransmits) out.push(`retransmits:${e.retransmits}`);
  return out.join(' ');
}

/** The `-m` cell: `skmem:(r0,rb131072,t0,tb2626560,f0,w0,o0,bl0,d0)`. */
export function memoryCell(e: TcpExtInfo | undefined): string {
  const m = e?.skmem;
  if (!m || m.length < 8) return '-';
  const names = ['r', 'rb', 't', 'tb', 'f', 'w', 'o', 'bl', 'd'];
  return `skmem:(${m
    .slice(0, 9)
    .map((v, k) => `${names[k]}${v}`)
    .join(',')})`;
}

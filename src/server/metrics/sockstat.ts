/**
 * /proc/net/sockstat's TCP line, each number labelled with where the kernel keeps it
 * (net/ipv4/proc.c `sockstat_seq_show`): `inuse` and `tw` per network namespace
 * (`scope="netns"`); `orphan`, `alloc` and `mem` for the whole host (`scope="host"`,
 * written once, without a netns label, whichever namespace they were read in, so `sum()`
 * does not count them once per namespace).
 * @module
 */
import { counter } from '../../sources/counters.js';
import { labels } from '../exposition.js';
import { type Collector, nsLabels, sampled } from './types.js';

export const sockstat: Collector = {
  name: 'sockstat',
  enabled: () => true,
  collect(ctx, out) {
    const ns = sampled(ctx).filter((n) => n.sample.counters?.sockstat !== undefined);
    if (ns.length === 0) return;
    const own: [string, string, string][] = [
      ['inuse', 'tcpstate_sockstat_tcp_inuse', 'TCP sockets in use, except TIME_WAIT (sockstat TCP inuse; IPv4 and IPv6), per network namespace.'],
      ['tw', 'tcpstate_sockstat_tcp_tw', 'TIME_WAIT sockets (sockstat TCP tw), per network namespace.'],
    ];
    for (const [key, metric, help] of own) {
      out.family(metric, 'gauge', help);
      for (const n of ns) {
        const v = counter(n.sample.counters, 'TCP', key);
        if (v !== undefined) out.sample(labels(nsLabels(n, { scope: 'netns' })), v);
      }
    }
    const host: [string, string, string, number][] = [
      [
        'orphan',
        'tcpstate_sockstat_tcp_orphans',
        'Orphaned TCP sockets (closed by their process, still in the kernel), sockstat TCP orphan: one count for the whole host, whichever namespace reads it.',
        1,
      ],
      ['alloc', 'tcpstate_sockstat_tcp_alloc', 'TCP sockets allocated (sockstat TCP alloc): one count for the whole host.', 1],
      ['mem', 'tcpstate_sockstat_tcp_mem_pages', 'Memory pages of TCP socket buffers (sockstat TCP mem): the whole host.', 1],
    ];
    for (const [key, metric, help, scale] of host) {
      const v = counter(ns[0]!.sample.counters, 'TCP', key);
      if (v === undefined) continue;
      out.family(metric, 'gauge', help);
      out.sample(labels({ scope: 'host' }), v * scale);
    }
  },
};

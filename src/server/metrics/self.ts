/**
 * The exporter's own health: whether each namespace could be read (`tcpstate_up`), which
 * source answered, how long the sample and its scan took, how many sockets it saw and
 * warned about, the sampler's errors and shared samples, and the build.
 * @module
 */
import { labels } from '../exposition.js';
import { type Collector, nsLabels, sampled } from './types.js';

export const self: Collector = {
  name: 'self',
  enabled: () => true,
  collect(ctx, out) {
    const ok = sampled(ctx);
    out.family('tcpstate_up', 'gauge', "Whether the namespace's socket table could be read in this scrape (1) or not (0).");
    for (const n of ctx.namespaces) out.sample(labels(nsLabels(n)), n.sample ? 1 : 0);
    out.family(
      'tcpstate_source_info',
      'gauge',
      'The live source that read the socket table (bpf: the BPF tcp iterator, listeners through sock_diag; netlink: sock_diag through the native addon; proc: /proc/net/tcp*).',
    );
    for (const n of ok) out.sample(labels(nsLabels(n, { source: n.sample.source })), 1);
    out.family('tcpstate_sample_duration_seconds', 'gauge', 'How long reading the namespace took in the sampler thread (socket table, owners, counters).');
    for (const n of ok) out.sample(labels(nsLabels(n)), n.sample.totalMs / 1000);
    out.family('tcpstate_scan_duration_seconds', 'gauge', 'How long reading the socket table took.');
    for (const n of ok) out.sample(labels(nsLabels(n)), n.sample.scanMs / 1000);
    out.family('tcpstate_sockets_seen', 'gauge', 'Sockets in the table read (all TCP, every state).');
    for (const n of ok) out.sample(labels(nsLabels(n)), n.sample.metrics.sockets);
    out.family('tcpstate_sample_warnings', 'gauge', 'Warnings the source gave while reading the table (details in /api/v1/counts).');
    for (const n of ok) out.sample(labels(nsLabels(n)), n.sample.warnings.length);
    out.family('tcpstate_sample_errors_total', 'counter', 'Samples that failed since the server started.');
    out.sample('', ctx.stats.errors);
    out.family('tcpstate_samples_shared_total', 'counter', 'Requests answered by a sample already being taken for another request.');
    out.sample('', ctx.stats.shared);
    out.family('tcpstate_build_info', 'gauge', "tcpstate's version.");
    out.sample(labels({ version: ctx.version }), 1);
    out.family('tcpstate_scrape_duration_seconds', 'gauge', 'How long this scrape took, sampling included.');
    out.sample('', (performance.now() - ctx.startedMs) / 1000);
  },
};

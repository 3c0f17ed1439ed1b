/**
 * Every collector by name, in exposition order, and the scrape that runs them: each
 * writes apart, so one that fails leaves no half-written family, and shows up as
 * `tcpstate_collector_success{collector} 0` instead of failing the scrape.
 * @module
 */
import { appendExposition, Exposition, labels } from '../exposition.js';
import { counters } from './counters.js';
import { findings } from './findings.js';
import { listeners } from './listeners.js';
import { ports } from './ports.js';
import { processes } from './processes.js';
import { self } from './self.js';
import { sockets } from './sockets.js';
import { sockstat } from './sockstat.js';
import type { Collector, ScrapeContext } from './types.js';

export const COLLECTORS: readonly Collector[] = [sockets, ports, processes, listeners, counters, sockstat, findings, self];

/** The exposition of one scrape; `failed` names collectors that threw (and why). */
export function exposition(ctx: ScrapeContext, openMetrics: boolean, collectors: readonly Collector[] = COLLECTORS): { body: string; failed: { name: string; error: Error }[] } {
  const out = new Exposition(openMetrics);
  const failed: { name: string; error: Error }[] = [];
  const timing: { name: string; ok: boolean; s: number }[] = [];
  for (const c of collectors) {
    if (!c.enabled(ctx.options)) continue;
    const t0 = performance.now();
    const part = new Exposition(openMetrics);
    try {
      c.collect(ctx, part);
      appendExposition(out, part);
      timing.push({ name: c.name, ok: true, s: (performance.now() - t0) / 1000 });
    } catch (e) {
      failed.push({ name: c.name, error: e as Error });
      timing.push({ name: c.name, ok: false, s: (performance.now() - t0) / 1000 });
    }
  }
  out.family('tcpstate_collector_success', 'gauge', 'Whether a collector wrote its metrics (1) or failed (0).');
  for (const t of timing) out.sample(labels({ collector: t.name }), t.ok ? 1 : 0);
  out.family('tcpstate_collector_duration_seconds', 'gauge', 'How long a collector took, sampling excluded.');
  for (const t of timing) out.sample(labels({ collector: t.name }), t.s);
  return { body: out.text(), failed };
}

/**
 * The collector contract (node_exporter's): one collector per file, registered by name in
 * ./registry.ts, each writing its metric families from the samples of one scrape.
 * @module
 */
import type { Report } from '../../doctor/diagnose.js';
import type { Aggregates } from '../../engine/aggregates.js';
import type { Sample, SamplerStats } from '../../engine/sampler.js';
import type { Exposition } from '../exposition.js';

/** One served namespace in one scrape. */
export interface NamespaceScrape {
  /** The `netns` label value, or undefined when the server serves only its own namespace (no label). */
  label?: string;
  sample?: Sample;
  /** Why this namespace could not be sampled. */
  error?: Error;
  /** The doctor's report on this sample (and the previous scrape's, for rates), when findings are on. */
  report?: Report;
}

export interface MetricsOptions {
  /** `--ports`: the only ports given their own series; undefined: the top N. */
  ports?: ReadonlySet<number>;
  /** `--top`: how many ports (and programs) get their own series. */
  top: number;
  byProcess: boolean;
  findings: boolean;
}

export interface ScrapeContext {
  namespaces: NamespaceScrape[];
  options: MetricsOptions;
  stats: SamplerStats;
  version: string;
  /** When the scrape began (performance.now()). */
  startedMs: number;
}

export interface Collector {
  readonly name: string;
  /** Whether this collector runs under these options. */
  enabled(o: MetricsOptions): boolean;
  collect(ctx: ScrapeContext, out: Exposition): void;
}

/** `{netns="..."}` labels of a namespace (none when only the server's own is served), plus `extra`. */
export function nsLabels(ns: NamespaceScrape, extra: Record<string, string | number> = {}): Record<string, string | number> {
  return ns.label === undefined ? extra : { netns: ns.label, ...extra };
}

/** The namespaces that were sampled (with their aggregates). */
export function sampled(ctx: ScrapeContext): (NamespaceScrape & { sample: Sample & { metrics: Aggregates } })[] {
  return ctx.namespaces.filter((n): n is NamespaceScrape & { sample: Sample & { metrics: Aggregates } } => n.sample?.metrics !== undefined);
}

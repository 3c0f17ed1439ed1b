/**
 * The metric names a real `tcpstate serve --findings --by-process` exports (its `# TYPE`
 * lines), and the metric names a PromQL expression uses, for checking shipped rules and
 * dashboards against the exporter.
 */
import { Serve } from '../lib/prometheus.js';

/** Start serve, read /metrics once, stop it; the families it declares. */
export async function exportedMetrics(): Promise<Set<string>> {
  const s = await Serve.start(['--findings', '--by-process']);
  try {
    const body = await (await fetch(s.url('/metrics'))).text();
    return new Set([...body.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
  } finally {
    await s.stop();
  }
}

/**
 * Metric names in a PromQL expression: `tcpstate_*` identifiers, recording rules' `a:b:c`
 * names, and `up`. Label names (inside braces, after by/on/without) are not metrics.
 */
export function metricNames(expr: string): string[] {
  const noLabels = expr.replace(/\{[^}]*\}/g, '{}').replace(/\b(by|on|without|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = [...noLabels.matchAll(/(?<![\w:$])([a-zA-Z_][\w]*(?::[\w]+)+|tcpstate_\w+|up)(?![\w(])/g)].map((m) => m[1]!);
  return [...new Set(names)];
}

/**
 * The doctor's findings as `tcpstate_finding{rule, severity, port}` (how many findings
 * of that rule and severity concern that local port; `port=""` when a finding names
 * none), so alerts fire on diagnoses: `tcpstate_finding{severity="critical"} > 0`. Rates
 * come from the previous scrape of the same namespace. A rule that finds nothing writes
 * nothing; `tcpstate_doctor_rules{status}` says how many rules ran, ran partially, or
 * could not run.
 * @module
 */
import { labels } from '../exposition.js';
import { type Collector, nsLabels } from './types.js';

export const findings: Collector = {
  name: 'findings',
  enabled: (o) => o.findings,
  collect(ctx, out) {
    const ns = ctx.namespaces.filter((n) => n.report !== undefined);
    out.family('tcpstate_finding', 'gauge', 'Findings of tcpstate doctor by rule, severity and local port (see docs/doctor.md); rates are since the previous scrape.');
    for (const n of ns) {
      const by = new Map<string, { rule: string; severity: string; port: string; n: number }>();
      for (const f of n.report!.findings) {
        const port = f.subject.localPort === undefined ? '' : String(f.subject.localPort);
        const k = `${f.id}\0${f.severity}\0${port}`;
        const e = by.get(k) ?? { rule: f.id, severity: f.severity, port, n: 0 };
        e.n++;
        by.set(k, e);
      }
      for (const e of by.values()) out.sample(labels(nsLabels(n, { rule: e.rule, severity: e.severity, port: e.port })), e.n);
    }
    out.family('tcpstate_doctor_rules', 'gauge', 'Doctor rules by status: ran (every input), partial (without some input), skipped (could not run).');
    for (const n of ns) {
      const c = { ran: 0, partial: 0, skipped: 0 };
      for (const ch of n.report!.checks) c[ch.status]++;
      for (const [status, v] of Object.entries(c)) out.sample(labels(nsLabels(n, { status })), v);
    }
  },
};

/**
 * Run the rules over joined inputs: findings worst first, and for every rule whether it
 * ran, ran without some input, or could not run, and why.
 * @module
 */
import { TcpstateError } from '../model/errors.js';
import { type Finding, severityRank, type Severity } from './finding.js';
import type { DoctorInputs } from './inputs.js';
import { RULES, thresholdSpecs } from './registry.js';
import { defaultConfig } from './thresholds.js';

export interface Check {
  id: string;
  checks: string;
  /** `ran`: with everything it uses; `partial`: without some input (see notes); `skipped`: could not run. */
  status: 'ran' | 'partial' | 'skipped';
  notes: string[];
  findings: number;
}

export interface Report {
  findings: Finding[];
  checks: Check[];
  /** Worst severity found, or `ok`. */
  worst: Severity | 'ok';
}

export interface DiagnoseOptions {
  /** Thresholds per rule id (defaults for what is not given). */
  thresholds?: Record<string, Record<string, number>>;
  /** Run only these rule ids. */
  only?: string[];
  /** Leave these rule ids out. */
  skip?: string[];
}

/** Check that rule ids exist; an unknown one is a usage error naming it. */
export function checkRuleIds(ids: readonly string[], flag: string): void {
  for (const id of ids) {
    if (!RULES[id]) throw new TcpstateError('ERR_USAGE', `unknown rule "${id}" in ${flag}; rules: ${Object.keys(RULES).join(', ')}`, { field: flag });
  }
}

export function diagnose(inp: DoctorInputs, opts: DiagnoseOptions = {}): Report {
  const th = opts.thresholds ?? defaultConfig(thresholdSpecs());
  const findings: { f: Finding; order: number; seq: number }[] = [];
  const checks: Check[] = [];
  let order = 0;
  for (const [id, rule] of Object.entries(RULES)) {
    order++;
    if (opts.only && !opts.only.includes(id)) continue;
    if (opts.skip?.includes(id)) continue;
    const lim = rule.limits(inp);
    if (lim.skip) {
      checks.push({ id, checks: rule.checks, status: 'skipped', notes: [lim.skip, ...lim.notes], findings: 0 });
      continue;
    }
    const got = rule.run(inp, { ...defaultConfig({ [id]: rule.thresholds })[id], ...th[id] });
    got.forEach((f, seq) => findings.push({ f, order, seq }));
    checks.push({ id, checks: rule.checks, status: lim.notes.length ? 'partial' : 'ran', notes: lim.notes, findings: got.length });
  }
  findings.sort((a, b) => severityRank(b.f.severity) - severityRank(a.f.severity) || a.order - b.order || a.seq - b.seq);
  const list = findings.map((x) => x.f);
  return { findings: list, checks, worst: list.length ? list[0]!.severity : 'ok' };
}

/** Exit status by worst severity: 0 ok or info, 1 warning, 2 critical. */
export function exitStatus(r: Report): number {
  return r.worst === 'critical' ? 2 : r.worst === 'warning' ? 1 : 0;
}

/**
 * Run the rules over joined inputs: findings worst first, and for every rule whether it
 * ran, ran without some input, or could not run, and why.
 * @module
 */
import { type Lang, pick } from '../i18n/catalogue.js';
import { CATALOGUE as DOCTOR, say } from '../i18n/doctor.js';
import { TcpstateError } from '../model/errors.js';
import { sysctlProblems } from '../sources/sysctl.js';
import { quoted } from './config-json.js';
import type { Check, InvalidInput } from '../model/findings.js';
import { type Finding, severityRank, type Severity } from './finding.js';
import { type DoctorInputs, sysctlFile, sysctlInvalid } from './inputs.js';
import { plainNetnsName, stepsInNetns } from './netns-steps.js';
import { RULES, thresholdSpecs } from './registry.js';
import { defaultConfig } from './thresholds.js';

/** Exit status when no diagnosis could be made (Nagios' UNKNOWN). */
export const EXIT_UNKNOWN = 3;

export type { Check, InvalidInput };

export interface Report {
  findings: Finding[];
  checks: Check[];
  /** Worst severity found, or `ok`. */
  worst: Severity | 'ok';
  /** Values the kernel would not show: when a rule run reads one, the report is no bill of health. */
  invalidInputs: InvalidInput[];
}

export interface DiagnoseOptions {
  /** Thresholds per rule id (defaults for what is not given). */
  thresholds?: Record<string, Record<string, number>>;
  /** Run only these rule ids. */
  only?: string[];
  /** Leave these rule ids out. */
  skip?: string[];
  /** The named network namespace the inputs were read in: next steps carry it (`--netns`, `ss -N`). */
  netns?: string;
  /** The language of titles, explanations and notes (English when not given). */
  lang?: Lang;
}

/** Check that rule ids exist; an unknown one is a usage error naming it. */
export function checkRuleIds(ids: readonly string[], flag: string): void {
  for (const id of ids) {
    if (!RULES[id]) throw new TcpstateError('ERR_USAGE', say('unknownRuleIn', quoted(id), flag, Object.keys(RULES).join(', ')), { field: flag });
  }
}

export function diagnose(inp: DoctorInputs, opts: DiagnoseOptions = {}): Report {
  const th = opts.thresholds ?? defaultConfig(thresholdSpecs());
  const lang = opts.lang ?? 'en';
  const texts = pick(DOCTOR, lang);
  const findings: { f: Finding; order: number; seq: number }[] = [];
  const checks: Check[] = [];
  let order = 0;
  const invalid: InvalidInput[] = sysctlProblems(inp.sysctls).map((p) => ({ ...p, file: sysctlFile(p.name), usedBy: [] }));
  const bad = (names: readonly string[] | undefined, id: string): string[] =>
    (names ?? []).flatMap((n) => {
      const why = sysctlInvalid(inp, n, lang);
      if (why === undefined) return [];
      invalid.find((x) => x.name === n)?.usedBy.push(id);
      return [why];
    });
  for (const [id, rule] of Object.entries(RULES)) {
    order++;
    if (opts.only && !opts.only.includes(id)) continue;
    if (opts.skip?.includes(id)) continue;
    const needs = bad(rule.sysctls?.needs, id);
    const uses = bad(rule.sysctls?.uses, id);
    const lim = rule.limits(inp, lang);
    const checksText = (texts.rules as Record<string, { checks: string } | undefined>)[id]?.checks ?? rule.checks;
    const skip = needs.length ? needs.join('; ') : lim.skip;
    if (skip !== undefined) {
      checks.push({ id, checks: checksText, status: 'skipped', couldNotRun: skip, notes: [skip, ...uses, ...lim.notes], findings: 0 });
      continue;
    }
    const notes = [...uses, ...lim.notes];
    const got = rule.run(inp, { ...defaultConfig({ [id]: rule.thresholds })[id], ...th[id] }, lang);
    for (const [seq, f] of got.entries()) findings.push({ f, order, seq });
    checks.push({ id, checks: checksText, status: notes.length ? 'partial' : 'ran', notes, findings: got.length });
  }
  findings.sort((a, b) => severityRank(b.f.severity) - severityRank(a.f.severity) || a.order - b.order || a.seq - b.seq);
  const ns = plainNetnsName(opts.netns);
  const list = findings.map((x) => (ns === undefined ? x.f : { ...x.f, nextSteps: stepsInNetns(x.f.nextSteps, ns) }));
  return { findings: list, checks, worst: list.length ? list[0]!.severity : 'ok', invalidInputs: invalid };
}

/** True when a rule that was run read a value the kernel would not show. */
export function undiagnosed(r: Report): boolean {
  return r.invalidInputs.some((x) => x.usedBy.length > 0);
}

/**
 * Exit status: 2 when a critical problem was found; else 3 ({@link EXIT_UNKNOWN}) when a rule
 * run read a value the kernel would not show (what it would have found is unknown); else 1 for
 * a warning, 0 for none (or notes only).
 */
export function exitStatus(r: Report): number {
  if (r.worst === 'critical') return 2;
  if (undiagnosed(r)) return EXIT_UNKNOWN;
  return r.worst === 'warning' ? 1 : 0;
}

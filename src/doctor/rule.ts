/**
 * The shape of a diagnosis rule: one per file under doctor/rules/, registered by id in
 * doctor/registry.ts. `run` is pure: (inputs, thresholds) → findings.
 * @module
 */
import type { Lang } from '../i18n/catalogue.js';
import type { Finding } from './finding.js';
import type { DoctorInputs } from './inputs.js';
import type { ThresholdSpecs, Thresholds } from './thresholds.js';

/** What a rule could not check with the inputs at hand. */
export interface RuleLimits {
  /** Set when the rule cannot run at all: why (e.g. "no sysctls: ip_local_port_range unknown"). */
  skip?: string;
  /** Parts it ran without (e.g. "no counters: ListenOverflows rate unknown"). */
  notes: string[];
}

export interface Rule {
  readonly id: string;
  /** What the rule checks, for the "checked" list. */
  readonly checks: string;
  readonly thresholds: ThresholdSpecs;
  /**
   * Sysctls it reads: without a valid value of one it `needs` it cannot run; one it `uses`
   * it runs without. A value the kernel would not show makes the diagnosis say so (exit 3).
   */
  readonly sysctls?: { readonly needs?: readonly string[]; readonly uses?: readonly string[] };
  /** Notes and titles in `lang` (src/i18n/doctor.ts; English when not given). */
  limits(inputs: DoctorInputs, lang?: Lang): RuleLimits;
  run(inputs: DoctorInputs, thresholds: Thresholds, lang?: Lang): Finding[];
}

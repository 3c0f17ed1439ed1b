/**
 * Findings the fuzz pass knows of and that are not fixed yet, each with where its fix belongs. The suite
 * reports each as a TODO instead of failing; once a fix is merged and the finding is gone,
 * the suite says so and its entry is removed here. A finding matched by nothing here fails.
 */
import type { Finding } from './runner.js';

export interface Known {
  id: string;
  /** What a finding must match (each given field). */
  case?: RegExp;
  target?: string;
  entry?: RegExp;
  kind?: RegExp;
  detail?: RegExp;
  /**
   * In the suite's brief pass, run matching corpus cases through their first entry only: a
   * hang costs the time limit for each entry.
   */
  once?: boolean;
  why: string;
  /** Where the fix belongs. */
  where: string;
}

export const KNOWN: readonly Known[] = [
  // Issue 12's cases, once listed here, are fixed on main; the fuzz pass now asserts each.
];

export function matches(k: Known, f: Pick<Finding, 'caseId' | 'target' | 'entry' | 'kind' | 'detail'>): boolean {
  return (
    (k.case === undefined || k.case.test(f.caseId)) &&
    (k.target === undefined || k.target === f.target) &&
    (k.entry === undefined || k.entry.test(f.entry)) &&
    (k.kind === undefined || k.kind.test(f.kind)) &&
    (k.detail === undefined || k.detail.test(f.detail))
  );
}

/** The known entry a finding is, if any. */
export function known(f: Finding): Known | undefined {
  return KNOWN.find((k) => matches(k, f));
}

/** Corpus cases the brief pass runs through one entry only. */
export function once(caseId: string): boolean {
  return KNOWN.some((k) => k.once === true && k.case !== undefined && k.case.test(caseId));
}

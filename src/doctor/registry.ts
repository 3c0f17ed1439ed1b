/**
 * Every diagnosis rule, by id, in the order they are checked and reported.
 * @module
 */
import type { Rule } from './rule.js';
import { acceptQueue } from './rules/accept-queue.js';
import { closeWaitLeak } from './rules/close-wait-leak.js';
import { finWait2Orphans } from './rules/fin-wait2-orphans.js';
import { retransmits } from './rules/retransmits.js';
import { synBacklog } from './rules/syn-backlog.js';
import { timeWaitPorts } from './rules/time-wait-ports.js';
import type { ThresholdSpecs } from './thresholds.js';

export const RULES: Readonly<Record<string, Rule>> = {
  'close-wait-leak': closeWaitLeak,
  'time-wait-ports': timeWaitPorts,
  'accept-queue': acceptQueue,
  'syn-backlog': synBacklog,
  'fin-wait2-orphans': finWait2Orphans,
  retransmits: retransmits,
};

/** Threshold declarations of every rule, by id. */
export function thresholdSpecs(): Record<string, ThresholdSpecs> {
  const out: Record<string, ThresholdSpecs> = {};
  for (const [id, r] of Object.entries(RULES)) out[id] = r.thresholds;
  return out;
}

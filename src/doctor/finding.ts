/**
 * What a diagnosis rule returns: findings with a severity, the numbers and sockets behind
 * them, a plain explanation and next steps. Findings are data; rendering is elsewhere.
 * @module
 */

import type { Severity } from '../model/findings.js';

// The types are the document's (src/model/findings.ts): the rules import them from here.
export type { Evidence, Finding, Severity, SocketRef, Subject } from '../model/findings.js';

export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

/** Rank for sorting and for the exit status: info 0, warning 1, critical 2. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

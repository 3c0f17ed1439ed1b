/**
 * What a diagnosis rule returns: findings with a severity, the numbers and sockets behind
 * them, a plain explanation and next steps. Findings are data; rendering is elsewhere.
 * @module
 */

/** How bad: `info` is worth knowing, `warning` needs attention, `critical` hurts now. */
export type Severity = 'info' | 'warning' | 'critical';

export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];

/** Rank for sorting and for the exit status: info 0, warning 1, critical 2. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** One line of evidence: a label and the value shown for it. */
export interface Evidence {
  label: string;
  value: string;
}

/** A socket behind a finding, as printed. */
export interface SocketRef {
  state: string;
  local: string;
  remote: string;
  recvQ: number | null;
  sendQ: number | null;
  /** `on 0.20s/3` style: timer kind, seconds left, retransmits; null when unknown. */
  timer: string | null;
  /** `pid/program` of each owner; empty when none is known (orphans, TIME_WAIT, hidden). */
  owners: string[];
  inode: number;
}

/** Who or what a finding is about, for scripts and tests: whichever apply. */
export interface Subject {
  pids?: number[];
  programs?: string[];
  /** Local endpoint (`127.0.0.1:7001`) or port of the sockets concerned. */
  local?: string;
  localPort?: number;
  /** Remote endpoint or host. */
  peer?: string;
}

export interface Finding {
  /** The rule's id. */
  id: string;
  severity: Severity;
  /** One line: what is wrong and where. */
  title: string;
  subject: Subject;
  evidence: Evidence[];
  /** The same numbers, machine-readable (null when unknown). */
  metrics: Record<string, number | string | boolean | null>;
  /** Up to a few sockets behind the finding, worst first. */
  sockets: SocketRef[];
  /** How many sockets are behind it in all. */
  socketCount: number;
  /** Why it matters, in plain words. */
  explanation: string;
  /** Commands to run (beginning with `$ `) and advice: sysctl lines, the usual cause in code. */
  nextSteps: string[];
}

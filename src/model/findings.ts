/**
 * What a diagnosis is made of, as data: findings with a severity, the numbers and sockets
 * behind them, a plain explanation and next steps; what each rule checked; inputs holding
 * values the kernel would not show. The doctor's rules make them (src/doctor/), the
 * `tcpstate.doctor/1` document (src/model/documents.ts) carries them.
 * @module
 */

/** How bad: `info` is worth knowing, `warning` needs attention, `critical` hurts now. */
export type Severity = 'info' | 'warning' | 'critical';

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

/** What one rule checked, and whether it ran with everything it uses. */
export interface Check {
  id: string;
  checks: string;
  /** `ran`: with everything it uses; `partial`: without some input (see notes); `skipped`: could not run. */
  status: 'ran' | 'partial' | 'skipped';
  /** Why it could not run (`skipped` only); also the first note. */
  couldNotRun?: string;
  notes: string[];
  findings: number;
}

/** An input holding a value the kernel would not show (a doctored or damaged capture). */
export interface InvalidInput {
  /** Sysctl name, `net.ipv4.ip_local_port_range`. */
  name: string;
  /** Its file under the proc root, `sys/net/ipv4/ip_local_port_range`. */
  file: string;
  /** The value as the file shows it (long values cut). */
  value: string;
  why: string;
  /** Rules run here that read it: each could not run, or ran without it. */
  usedBy: string[];
}

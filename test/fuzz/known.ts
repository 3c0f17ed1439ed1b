/**
 * Findings the fuzz pass knows of on this branch: issue 12's cases that other branches fix
 * (in files this branch does not touch), and what the harness found beside them. The suite
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
  {
    id: 'text-json-no-line',
    target: 'text', kind: /^no-location$/, detail: /not valid JSON/,
    why: 'the json reader reports JSON.parse errors with the file only, no line or byte offset (seen with --input-format json on any other text)',
    where: 'src/sources/text/json.ts',
  },
  {
    id: 'config-json-no-line',
    target: 'config', kind: /^no-location$/, detail: /not JSON/,
    why: 'a doctor config that is not JSON is reported with the file only, no line or byte offset',
    where: 'src/doctor/thresholds.ts',
  },
  {
    id: 'config-not-object-no-location',
    target: 'config', kind: /^no-location$/, detail: /expected an object of rule ids/,
    why: 'a doctor config that is JSON but not an object ([] or 1) is reported with the file only (found by scripts/fuzz.mjs, not in the issue)',
    where: 'src/doctor/thresholds.ts',
  },
  {
    id: 'config-prototype-names',
    case: /^config\/(constructor|inherited-threshold|proto-empty|proto-polluting|proto-threshold)\.json$/, kind: /^(silent|pollution)$/,
    why: 'parseThresholdConfig finds rule ids and keys with specs[id] and `in`, which see Object.prototype: {"constructor": {}} is accepted, {"__proto__": {"toString": 1}} sets Object.prototype.toString',
    where: 'src/doctor/thresholds.ts',
  },
  {
    id: 'netlink-cut-before-done',
    case: /^netlink\/cut-before-done\.nl$/, kind: /^silent$/,
    why: 'a recording cut at a message boundary, before its NLMSG_DONE, is read as complete',
    where: 'src/sources/netlink-decode.ts, src/sources/netlink-replay.ts',
  },
  {
    id: 'netlink-count-offset',
    target: 'netlink', entry: /^decode-count$/, kind: /^bad-location$/,
    why: 'countSockDiag reports byte offsets past the end of the input (twice what decodeSockDiag reports for the same message)',
    where: 'src/sources/netlink-decode.ts',
  },
  {
    id: 'pcap-unknown-link',
    case: /^pcap\/unknown-link-/, kind: /^silent$/,
    why: 'packets of a link type tcpstate does not decode (USER0, PPP) are left out without a word',
    where: 'src/pcap/',
  },
  {
    id: 'proc-impossible-sysctls',
    case: /^proc\/impossible-sysctls$/, kind: /^silent$/,
    why: 'doctor takes a port range whose low end is above its high end, a negative tcp_fin_timeout, somaxconn 0 without a word',
    where: 'src/sources/sysctl.ts, src/doctor/',
  },
  {
    id: 'proc-no-tcp6',
    case: /^proc\/no-tcp6$/, kind: /^silent$/,
    why: 'a /proc tree without net/tcp6 is read as a host without IPv6 sockets, not as a tree that could not be read whole',
    where: 'src/sources/proc-source.ts, src/sources/proc-net.ts',
  },
  {
    id: 'text-cut-last-line',
    case: /^text\/cut-last-line-(ss|netstat-state)\.txt$/, kind: /^silent$/,
    why: 'a capture whose last line was cut (no newline at the end) is read as whole: a port cut short, ESTABLISHED cut to ESTAB',
    where: 'src/sources/text/',
  },
  {
    id: 'reader-directory',
    case: /^(pcap|netlink)\/generated\/directory$/, kind: /^no-location$/,
    why: 'pcap DIR and --replay DIR end in the CLI edge\'s OS-error net as "read failed: illegal operation on a directory", without the path',
    where: 'src/pcap/container.ts, src/sources/netlink-replay.ts',
  },
  {
    id: 'text-dev-zero',
    case: /^text\/generated\/dev-zero$/, kind: /^(memory|hang)$/, once: true,
    why: 'a capture file is read whole before parsing: /dev/zero (or any endless file) grows memory until killed',
    where: 'src/cli/inputs.ts',
  },
  {
    id: 'config-dev-zero',
    case: /^config\/generated\/dev-zero$/, kind: /^(memory|hang|crash)$/, once: true,
    why: 'doctor --config reads the file whole with readFileSync(..., "utf8"): /dev/zero grows a C++ string until the process aborts (std::bad_alloc)',
    where: 'src/cli/commands/doctor.ts',
  },
  {
    id: 'text-long-spaces',
    case: /estab-200000-spaces$/, kind: /^hang$/, once: true,
    why: 'a line of ESTAB and 200,000 spaces takes minutes (about 80 s for tcpstate count): time grows faster than the line',
    where: 'src/sources/text/',
  },
];

export function matches(k: Known, f: Pick<Finding, 'caseId' | 'target' | 'entry' | 'kind' | 'detail'>): boolean {
  return (k.case === undefined || k.case.test(f.caseId))
    && (k.target === undefined || k.target === f.target)
    && (k.entry === undefined || k.entry.test(f.entry))
    && (k.kind === undefined || k.kind.test(f.kind))
    && (k.detail === undefined || k.detail.test(f.detail));
}

/** The known entry a finding is, if any. */
export function known(f: Finding): Known | undefined {
  return KNOWN.find((k) => matches(k, f));
}

/** Corpus cases the brief pass runs through one entry only. */
export function once(caseId: string): boolean {
  return KNOWN.some((k) => k.once === true && k.case !== undefined && k.case.test(caseId));
}

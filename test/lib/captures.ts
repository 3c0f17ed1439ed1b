/**
 * Captures of one namespace with the real tools (net-tools netstat, iproute2 ss, BusyBox
 * netstat, /proc, the awk one-liner), taken between two live snapshots that must agree, so
 * every capture is known to show the same sockets as the live table. Used by the kernel
 * test (captures made inside the test) and by test/tools/capture-text.ts (the committed
 * fixtures in test/fixtures/text/).
 */
import { execFileSync } from 'node:child_process';
import type { SocketRecord } from '../../src/model/table.js';
import { type Netns, runCli } from './netns.js';

/** Which of the namespace's TCP sockets a capture shows. */
export type Shows = 'all' | 'connected';

export interface CaptureSpec {
  /** Fixture file stem. */
  name: string;
  /** Command run inside the namespace. */
  argv: string[];
  /** `connected`: netstat without -a leaves out sockets whose remote port is 0. */
  shows: Shows;
  /** Addresses are numbers, so sockets can be matched one by one (not `netstat -e`). */
  numeric: boolean;
  /** The capture names owning processes (-p). */
  owners: boolean;
  /** The capture shows socket inodes (-e, /proc). */
  inodes: boolean;
  /** A per-state summary, not a listing. */
  summary?: boolean;
  /** Committed fixture only: not re-captured in the kernel test (each -p run scans all of /proc). */
  fixtureOnly?: boolean;
}

const AWK = "netstat -n | awk '/^tcp/ {++S[$NF]} END {for(a in S) print a, S[a]}'";

export const CAPTURES: readonly CaptureSpec[] = [
  { name: 'netstat-n', argv: ['netstat', '-n'], shows: 'connected', numeric: true, owners: false, inodes: false },
  { name: 'netstat-an', argv: ['netstat', '-an'], shows: 'all', numeric: true, owners: false, inodes: false },
  { name: 'netstat-ant', argv: ['netstat', '-ant'], shows: 'all', numeric: true, owners: false, inodes: false },
  { name: 'netstat-antp', argv: ['netstat', '-antp'], shows: 'all', numeric: true, owners: true, inodes: false },
  { name: 'netstat-anto', argv: ['netstat', '-anto'], shows: 'all', numeric: true, owners: false, inodes: false },
  { name: 'netstat-e', argv: ['netstat', '-e'], shows: 'connected', numeric: false, owners: false, inodes: true },
  { name: 'netstat-antpe', argv: ['netstat', '-antpe'], shows: 'all', numeric: true, owners: true, inodes: true, fixtureOnly: true },
  { name: 'netstat-ant-noheader', argv: ['sh', '-c', "netstat -ant | grep '^tcp'"], shows: 'all', numeric: true, owners: false, inodes: false },
  { name: 'netstat-n-awk', argv: ['sh', '-c', AWK], shows: 'connected', numeric: true, owners: false, inodes: false, summary: true },
  { name: 'ss-tan', argv: ['ss', '-tan'], shows: 'all', numeric: true, owners: false, inodes: false },
  { name: 'ss-tanp', argv: ['ss', '-tanp'], shows: 'all', numeric: true, owners: true, inodes: false },
  { name: 'ss-tanpo', argv: ['ss', '-tanpo'], shows: 'all', numeric: true, owners: true, inodes: false },
  { name: 'ss-tanie', argv: ['ss', '-tanie'], shows: 'all', numeric: true, owners: false, inodes: true },
  { name: 'ss-tanH', argv: ['ss', '-tanH'], shows: 'all', numeric: true, owners: false, inodes: false },
  { name: 'ss-tanO', argv: ['ss', '-tanO'], shows: 'all', numeric: true, owners: false, inodes: false },
  { name: 'ss-tanpoieO', argv: ['ss', '-tanpoieO'], shows: 'all', numeric: true, owners: true, inodes: true, fixtureOnly: true },
  { name: 'ss-tanm', argv: ['ss', '-tanm'], shows: 'all', numeric: true, owners: false, inodes: false },
  { name: 'ss-an', argv: ['ss', '-an'], shows: 'all', numeric: true, owners: false, inodes: false },
  { name: 'busybox-an', argv: ['busybox', 'netstat', '-an'], shows: 'all', numeric: true, owners: false, inodes: false },
  { name: 'proc-tcp', argv: ['sh', '-c', 'cat /proc/net/tcp /proc/net/tcp6'], shows: 'all', numeric: true, owners: false, inodes: true },
];

/** The zoo's scenarios used: every TCP state, a dual-stack listener with v4-mapped peers, UDP. */
export const ZOO_ARGS = ['--only', 'listen,est,cw,tw,synsent,synrecv,finwait1,lastack,closing,mapped,udp'];

/** `state family local remote` of a record: what must match between a capture and the live table. */
export function recordKey(r: SocketRecord): string {
  return `${r.state} ${r.family} ${r.local.address}:${r.local.port} ${r.remote.address}:${r.remote.port}`;
}

/** The live table of the namespace as `ls -a [-p] --json` records (TCP only). */
export function liveRecords(ns: Netns, owners = true): SocketRecord[] {
  const r = runCli(['ls', '-a', ...(owners ? ['-p'] : []), '--json', '--netns', ns.name]);
  if (r.code !== 0) throw new Error(`live ls failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { sockets: SocketRecord[] }).sockets;
}

export interface Taken {
  /** Output of each capture command, by spec name. */
  texts: Record<string, string>;
  /** The live table before the captures (equal to the one after). */
  live: SocketRecord[];
  /** `ls -a -p --json` of the live table, as printed (for the json fixture). */
  liveJson: string;
}

/**
 * Take every capture between two live snapshots; retry (up to 3 times) while the table moves.
 */
export function takeCaptures(ns: Netns, specs: readonly CaptureSpec[] = CAPTURES): Taken {
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = runCli(['ls', '-a', '-p', '--json', '--netns', ns.name]);
    if (before.code !== 0) throw new Error(`live ls failed: ${before.stderr}`);
    const texts: Record<string, string> = {};
    for (const c of specs) texts[c.name] = ns.run(c.argv[0]!, c.argv.slice(1));
    // Without -p: only the sockets are compared here, and -p scans every process's fds.
    const after = liveRecords(ns, false);
    const live = (JSON.parse(before.stdout) as { sockets: SocketRecord[] }).sockets;
    const a = live.map(recordKey).sort().join('\n');
    const b = after.map(recordKey).sort().join('\n');
    if (a === b) return { texts, live, liveJson: before.stdout };
  }
  throw new Error("the namespace's socket table kept changing while captures were taken");
}

/** Tool versions and kernel, for the fixtures README. */
export function toolVersions(): Record<string, string> {
  const first = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
        .split('\n')[0]!
        .trim();
    } catch (e) {
      return String((e as { stdout?: string }).stdout ?? '')
        .split('\n')[0]!
        .trim();
    }
  };
  return {
    netstat: first('netstat', ['--version']),
    ss: first('ss', ['-V']),
    busybox: first('busybox', []),
    kernel: `Linux ${first('uname', ['-r'])} (${first('uname', ['-m'])})`,
  };
}

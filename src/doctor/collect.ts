/**
 * Gathering the doctor's inputs: two socket samples `intervalMs` apart with the counters
 * read beside each, owners attached, sysctls. A captured proc tree gives one sample (its
 * files do not change, so a second read would show rates of zero, a wrong number).
 *
 * Namespaces: counters are per namespace and are read from the same place as the socket
 * table (/proc/net, or /proc/PID/net of a process inside `netns`). /proc/sys shows the
 * namespace of the reading process, so with `netns` sysctls are reported unavailable;
 * the CLI runs itself inside the namespace instead (`ip netns exec`), where every input
 * is that namespace's.
 * @module
 */
import { ALL_MASK } from '../model/state.js';
import type { Warning } from '../model/errors.js';
import { type Notice, uniqueNotices } from '../model/warnings.js';
import type { Said } from '../i18n/catalogue.js';
import { say as ks } from '../i18n/kernel.js';
import { attachProcesses, defaultProcRoot, liveSnapshot, scanOptions } from '../snapshot.js';
import type { ReadConfig } from '../sources/config.js';
import { readCounters, type Counters } from '../sources/counters.js';
import { netDir } from '../sources/proc-source.js';
import { readSysctls, SYSCTLS } from '../sources/sysctl.js';
import type { DoctorInputs, Sample } from './inputs.js';

/** Sources whose LISTEN rows carry the backlog in Send-Q. */
export const BACKLOG_SOURCES: ReadonlySet<string> = new Set(['netlink']);

export interface CollectOptions {
  procRoot?: string;
  /** How the kernel may be read, resolved by the caller's edge (src/sources/config.ts). */
  config: ReadConfig;
  netns?: string;
  /** Live source name (`auto` or undefined: the default). */
  source?: string;
  /** ms between the two samples; 0 takes one. */
  intervalMs: number;
  /** How to wait (injectable for tests). */
  sleep?: (ms: number) => Promise<void>;
  /** Text for the report header, e.g. `network namespace web1` (default: derived). */
  where?: string;
}

export interface Collected {
  inputs: DoctorInputs;
  notices: Notice[];
  warnings: Warning[];
}

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function collectInputs(o: CollectOptions): Promise<Collected> {
  const procRoot = defaultProcRoot(o.procRoot, o.config);
  // info: a source that can (netlink) adds tcp_info, whose last_ack_recv dates CLOSE_WAIT.
  const scan = scanOptions({ procRoot, netns: o.netns, tcp: true, udp: false, states: ALL_MASK, info: true, config: o.config });
  const captured = scan.origin === 'proc-root';
  const dir = netDir(scan);
  let notices: Notice[] = [];
  const warnings: Warning[] = [];
  let source = 'proc';
  let takenAt = 0;

  const sample = async (): Promise<Sample> => {
    takenAt = Date.now();
    const before = readCounters(dir);
    const snap = await liveSnapshot(o.source, scan);
    source = snap.source;
    notices = uniqueNotices([...notices, ...snap.notices]);
    warnings.push(...snap.warnings);
    const counters: Counters | undefined = before.missing.length === 4 ? undefined : before;
    return { table: snap.table, counters, atMs: before.atMs, durationMs: performance.now() - before.atMs };
  };

  const first = await sample();
  let before: Sample | undefined;
  let now = first;
  if (!captured && o.intervalMs > 0) {
    await (o.sleep ?? wait)(o.intervalMs);
    before = first;
    now = await sample();
  }

  const procs = await attachProcesses(
    [before, now].filter((x) => x !== undefined).map((x) => x.table),
    scan,
  );
  notices.push(...procs.notices);
  warnings.push(...procs.warnings);

  let sysctls = { values: {}, missing: [] as string[] } as ReturnType<typeof readSysctls>;
  let sysctlsUnavailable: Said | undefined;
  if (o.netns !== undefined) {
    sysctlsUnavailable = ks('sysctlsOtherNetns', o.netns);
    sysctls.missing = Object.keys(SYSCTLS);
  } else {
    sysctls = readSysctls(procRoot);
    if (Object.keys(sysctls.values).length === 0) sysctlsUnavailable = captured ? ks('sysctlsNoSysNet', procRoot) : ks('sysctlsUnreadable', procRoot);
  }

  const countersUnavailable = now.counters ? undefined : captured ? ks('countersNotCaptured', procRoot) : ks('countersNotUnder', dir);
  const where = o.where ?? (captured ? `captured proc tree ${procRoot}` : o.netns !== undefined ? `network namespace ${o.netns}` : 'this host');
  return {
    inputs: {
      before,
      now,
      intervalMs: before ? now.atMs - before.atMs : 0,
      sysctls,
      sysctlsUnavailable,
      countersUnavailable,
      processes: procs.scanned === 0 ? 'none' : procs.hidden > 0 ? 'partial' : 'all',
      listenBacklogKnown: BACKLOG_SOURCES.has(source),
      source,
      captured,
      where,
      ...(captured ? {} : { takenAt }),
    },
    notices,
    warnings,
  };
}

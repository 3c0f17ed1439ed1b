/**
 * The procfs live source: reads /proc/net/{tcp,tcp6,udp,udp6} of the proc root, or of a
 * process inside the requested network namespace.
 * @module
 */
import { TcpstateError } from '../model/errors.js';
import type { LiveSource, ScanOptions, ScanResult } from './live.js';
import { loadNative, nativeReason } from './native.js';
import { findPidInNetns, netnsId, netnsPath } from './netns.js';
import { type ChunkSink, procNetFiles, readProcNetFile } from './proc-net.js';
import { say as opt } from '../i18n/options.js';

/** 256 KiB: /proc/net/tcp is produced a page or so per read; one buffer serves every file. */
const READ_BUFFER = 256 * 1024;

/**
 * Where the net/ files of a scan live: the proc root; in a named namespace, this thread
 * after entering it (native addon), or else a process that lives there.
 */
export function netDir(opts: ScanOptions, entered = false): string {
  if (opts.netns === undefined) return opts.procRoot;
  if (entered) return `${opts.procRoot}/thread-self`;
  const pid = findPidInNetns(opts.netns, opts.procRoot);
  if (pid === undefined) {
    throw new TcpstateError('ERR_NETNS', opt('netnsNoProcess', opts.netns), { field: '--netns' });
  }
  return `${opts.procRoot}/${pid}`;
}

export const procSource: LiveSource = {
  name: 'proc',
  unavailable: () => undefined,
  scan(opts: ScanOptions, sink: ChunkSink): ScanResult {
    // With the addon, enter the namespace itself: this works for namespaces no process
    // lives in, and /proc/thread-self/net then shows it.
    const addon = opts.netns !== undefined && opts.origin === 'live' ? loadNative(opts.config).addon : undefined;
    let back: number | undefined;
    if (addon) {
      const path = netnsPath(opts.netns!);
      netnsId(path);
      try {
        back = addon.netnsEnter(path);
      } catch (e) {
        throw new TcpstateError('ERR_NETNS', opt('netnsEnter', String(opts.netns), nativeReason(e)), { field: '--netns' });
      }
    }
    try {
      const dir = netDir(opts, back !== undefined);
      const buf = new Uint8Array(READ_BUFFER);
      const warnings = [];
      for (const f of procNetFiles(opts)) {
        const path = `${dir}/${f.rel}`;
        // tcp6/udp6 are absent when IPv6 is disabled: a warning, not an error.
        warnings.push(...readProcNetFile(path, { name: path, family: f.family, proto: f.proto }, sink, buf, f.rel.endsWith('6')));
      }
      return { warnings, notices: [] };
    } finally {
      if (back !== undefined) addon!.netnsLeave(back);
    }
  },
};

/**
 * The procfs live source: reads /proc/net/{tcp,tcp6,udp,udp6} of the proc root, or of a
 * process inside the requested network namespace.
 * @module
 */
import { TcpstateError } from '../model/errors.js';
import type { LiveSource, ScanOptions, ScanResult } from './live.js';
import { findPidInNetns } from './netns.js';
import { type ChunkSink, procNetFiles, readProcNetFile } from './proc-net.js';

/** 256 KiB: /proc/net/tcp is produced a page or so per read; one buffer serves every file. */
const READ_BUFFER = 256 * 1024;

/** Where the net/ files of a scan live. */
export function netDir(opts: ScanOptions): string {
  if (opts.netns === undefined) return opts.procRoot;
  const pid = findPidInNetns(opts.netns, opts.procRoot);
  if (pid === undefined) {
    throw new TcpstateError('ERR_NETNS', `no process lives in network namespace "${opts.netns}" and the native addon is not loaded, so it cannot be entered; build the addon (npm install with a compiler) or start a process there`, { field: '--netns' });
  }
  return `${opts.procRoot}/${pid}`;
}

export const procSource: LiveSource = {
  name: 'proc',
  unavailable: () => undefined,
  scan(opts: ScanOptions, sink: ChunkSink): ScanResult {
    const dir = netDir(opts);
    const buf = new Uint8Array(READ_BUFFER);
    const warnings = [];
    for (const f of procNetFiles(opts)) {
      const path = `${dir}/${f.rel}`;
      // tcp6/udp6 are absent when IPv6 is disabled; that is not an error.
      warnings.push(...readProcNetFile(path, { name: path, family: f.family, proto: f.proto }, sink, buf, f.rel.endsWith('6')));
    }
    return { warnings, notices: [] };
  },
};

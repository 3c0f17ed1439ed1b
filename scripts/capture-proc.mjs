#!/usr/bin/env node
// Capture the parts of a /proc tree tcpstate reads, so another machine (or a test) can replay
// them with --proc-root: net/{tcp,tcp6,udp,udp6} and, for every process, its socket fds
// (kept as symlinks to "socket:[INODE]") and its comm.
//
//   node scripts/capture-proc.mjs OUTDIR [--pid PID] [--pids PID,PID]
//
// --pid PID reads net/ through /proc/PID/net (that process's network namespace);
// --pids limits the fd capture to those processes (default: every process).
import { mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const out = args[0];
if (!out) {
  console.error('usage: capture-proc.mjs OUTDIR [--pid PID] [--pids A,B]');
  process.exit(2);
}
const opt = (n) => {
  const i = args.indexOf(n);
  return i >= 0 ? args[i + 1] : undefined;
};
const netFrom = opt('--pid') ? `/proc/${opt('--pid')}/net` : '/proc/net';
const pids = opt('--pids') ? opt('--pids').split(',') : readdirSync('/proc').filter((n) => /^\d+$/.test(n));

mkdirSync(join(out, 'net'), { recursive: true });
for (const f of ['tcp', 'tcp6', 'udp', 'udp6']) {
  try {
    writeFileSync(join(out, 'net', f), readFileSync(join(netFrom, f)));
  } catch {
    /* family disabled */
  }
}
for (const pid of pids) {
  let fds;
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    continue;
  }
  const links = [];
  for (const fd of fds) {
    try {
      const t = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (t.startsWith('socket:[')) links.push([fd, t]);
    } catch {
      /* closed */
    }
  }
  if (links.length === 0) continue;
  mkdirSync(join(out, pid, 'fd'), { recursive: true });
  writeFileSync(join(out, pid, 'comm'), readFileSync(`/proc/${pid}/comm`));
  for (const [fd, t] of links) symlinkSync(t, join(out, pid, 'fd', fd));
}

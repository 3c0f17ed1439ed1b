/**
 * Named network namespaces (`ip netns add NAME` creates /run/netns/NAME). Without the
 * native addon tcpstate reads a namespace through a process that lives in it:
 * /proc/PID/net shows the network namespace of PID.
 * @module
 */
import { fs } from '../builtins.js';
import { TcpstateError } from '../model/errors.js';
import { say as opt } from '../i18n/options.js';

/** The bind-mount path of a named namespace; a path given as such is used as it is. */
export function netnsPath(name: string): string {
  if (name.includes('/')) return name;
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name === '.' || name === '..') {
    throw new TcpstateError('ERR_NETNS', opt('netnsName', `"${name}"`), { field: '--netns' });
  }
  return `/run/netns/${name}`;
}

/** Device and inode of a namespace file, the namespace's identity. */
export function netnsId(path: string): { dev: number; ino: number } {
  try {
    const s = fs.statSync(path);
    return { dev: s.dev, ino: s.ino };
  } catch (e) {
    throw new TcpstateError('ERR_NETNS', opt('netnsMissing', path, String((e as NodeJS.ErrnoException).code)), { file: path });
  }
}

/** A pid whose network namespace is `name`, or undefined if no process lives there. */
export function findPidInNetns(name: string, procRoot = '/proc'): number | undefined {
  const id = netnsId(netnsPath(name));
  for (const n of fs.readdirSync(procRoot)) {
    const c = n.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    try {
      const s = fs.statSync(`${procRoot}/${n}/ns/net`);
      if (s.ino === id.ino && s.dev === id.dev) return Number(n);
    } catch {
      // exited, or not ours to see
    }
  }
  return undefined;
}

/**
 * The network namespaces `serve --all-netns` reads: every namespace named in /run/netns
 * and every distinct namespace a running process is in, each once (by device and inode),
 * labelled by its name or, unnamed, `net:[INODE]` (as /proc/PID/ns/net reads).
 * @module
 */
import { fs } from '../builtins.js';

export interface NamespaceRef {
  /** The `netns` label. */
  label: string;
  /** What to pass as a sample's netns: a name, a /proc/PID/ns/net path, or undefined for the server's own. */
  netns?: string;
}

function id(path: string): string | undefined {
  try {
    const s = fs.statSync(path);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

export function listNamespaces(procRoot = '/proc', runDir = '/run/netns'): NamespaceRef[] {
  const own = id(`${procRoot}/self/ns/net`);
  const seen = new Map<string, NamespaceRef>();
  let names: string[] = [];
  try {
    names = fs.readdirSync(runDir).sort();
  } catch {
    /* none named */
  }
  for (const name of names) {
    const k = id(`${runDir}/${name}`);
    if (k === undefined || seen.has(k)) continue;
    seen.set(k, k === own ? { label: name } : { label: name, netns: name });
  }
  for (const n of fs.readdirSync(procRoot)) {
    const c = n.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const path = `${procRoot}/${n}/ns/net`;
    let s;
    try {
      s = fs.statSync(path);
    } catch {
      continue;
    }
    const k = `${s.dev}:${s.ino}`;
    if (seen.has(k)) continue;
    seen.set(k, k === own ? { label: `net:[${s.ino}]` } : { label: `net:[${s.ino}]`, netns: path });
  }
  return [...seen.values()];
}

/**
 * Socket owners for the trace: inode -> pid from the owner source every command shares
 * (src/sources/owners.ts: the BPF owner iterator, native/bpf_owners.c, one walk of every open
 * file, ~20 ms; /proc/PID/fd where BPF is switched off), walked again when an inode is
 * not in the last walk (a socket created since), at most every {@link REWALK_MS} and never
 * more than a tenth of the time ({@link REWALK_FACTOR}); program
 * names from /proc/PID/comm; the listeners of the traced namespace at start from sock_diag.
 * @module
 */
import { isTcpstateError, type Warning } from '../model/errors.js';
import { warning } from '../model/warnings.js';
import { say as ks } from '../i18n/kernel.js';
import { ALL_MASK, maskOf, LISTEN } from '../model/state.js';
import { SocketTable, type Owner } from '../model/table.js';
import { readComm } from '../sources/processes.js';
import type { ReadConfig } from '../sources/config.js';
import type { OwnerSource } from '../sources/owners.js';
import { netlinkSource } from '../sources/netlink-source.js';
import type { TraceOwners } from './tracker.js';

/** The least time between two walks of every open file. */
export const REWALK_MS = 50;
/**
 * A walk runs on the thread that handles events, and on a host with hundreds of thousands of
 * open files one takes long: the next waits at least this many times the last one's length,
 * so walking takes at most about a tenth of that thread.
 */
export const REWALK_FACTOR = 10;

export class KernelOwners implements TraceOwners {
  private pidOf = new Map<number, number>();
  private comms = new Map<number, string>();
  private listeners = new Map<string, Owner | undefined>();
  private lastWalk = -Infinity;
  private nextWalk = -Infinity;
  /** Why owners are unknown (the iterator cannot run), once. */
  readonly warnings: Warning[] = [];
  private broken = false;

  private readonly procRoot = '/proc';

  constructor(
    private readonly source: OwnerSource,
    private readonly config: ReadConfig,
  ) {
    this.walk();
  }

  private walk(): void {
    if (this.broken) return;
    this.lastWalk = performance.now();
    let t: Uint32Array;
    try {
      t = this.source.walk();
      const took = performance.now() - this.lastWalk;
      this.nextWalk = this.lastWalk + Math.max(REWALK_MS, REWALK_FACTOR * took);
    } catch (e) {
      this.broken = true;
      this.warnings.push(warning('W_NO_OWNERS', ks('ownersUnknown', reason(e)), {}));
      return;
    }
    this.pidOf.clear();
    // a pid may have been reused by another program since its name was read
    this.comms.clear();
    for (let i = 0; i + 2 < t.length; i += 3) this.pidOf.set(t[i]!, t[i + 1]!);
  }

  private owner(pid: number): Owner {
    let c = this.comms.get(pid);
    if (c === undefined) {
      c = readComm(this.procRoot, pid);
      this.comms.set(pid, c);
    }
    return { pid, program: c };
  }

  byInode(inode: number): Owner | undefined {
    let pid = this.pidOf.get(inode);
    if (pid === undefined && performance.now() >= this.nextWalk) {
      this.walk();
      pid = this.pidOf.get(inode);
    }
    return pid === undefined ? undefined : this.owner(pid);
  }

  listener(netns: number, lport: number): Owner | undefined {
    return this.listeners.get(`${netns}:${lport}`);
  }

  noteListener(netns: number, lport: number, owner: Owner | undefined): void {
    this.listeners.set(`${netns}:${lport}`, owner);
  }

  /** Learn the listeners of namespace `netns` (inode), `nsName` (undefined: this one). */
  learnListeners(netns: number, nsName: string | undefined): void {
    const t = new SocketTable(64);
    try {
      netlinkSource.collect!({ origin: 'live', procRoot: this.procRoot, config: this.config, netns: nsName, tcp: true, udp: false, v4: true, v6: true, states: maskOf(LISTEN) & ALL_MASK }, t);
    } catch (e) {
      this.warnings.push(warning('W_NO_OWNERS', ks('listenersUnread', reason(e)), {}));
      return;
    }
    for (let i = 0; i < t.length; i++) {
      if (t.state[i] !== LISTEN) continue;
      this.noteListener(netns, t.lport[i]!, this.byInode(t.inode[i]!));
    }
  }
}

/** Why a read failed, as a message when it is one (a netns error in the catalogue). */
function reason(e: unknown): string | import('../i18n/catalogue.js').Said {
  return isTcpstateError(e) && e.said ? e.said : (e as Error).message;
}

/**
 * The netlink live source: sock_diag dumps through the native addon, state filters pushed
 * down to the kernel (as `ss state ...` does), decoded in TypeScript
 * ({@link SockDiagDecoder}). `--record FILE` saves the raw replies (the format of
 * `ss -D FILE`, readable by `TCPDIAG_FILE=FILE ss`), which {@link replaySource} reads back.
 * @module
 */
import { AtomicFile } from '../atomic-file.js';
import { TcpstateError } from '../model/errors.js';
import { say as opt } from '../i18n/options.js';
import { say as ks } from '../i18n/kernel.js';
import type { Said } from '../i18n/catalogue.js';
import { maskHas, SYN_RECV, type StateMask, UNKNOWN } from '../model/state.js';
import { PROTO_TCP, PROTO_UDP, SocketTable } from '../model/table.js';
import { bpfCount } from './bpf-tcp-states.js';
import type { LiveSource, ScanOptions, ScanResult } from './live.js';
import { loadNative, type NativeAddon, nativeReason } from './native.js';
import { EXT_INFO, EXT_MEMORY, LINUX_AF_INET, LINUX_AF_INET6, SockDiagDecoder } from './netlink-decode.js';
import { netnsId, netnsPath } from './netns.js';
import type { ChunkSink } from './proc-net.js';

/** 1 MiB: ~11k sockets per hand-over; allocated once per process and reused. */
const BUFFER_BYTES = 1 << 20;
let shared: Buffer | undefined;
function buffer(): Buffer {
  return (shared ??= Buffer.allocUnsafeSlow(BUFFER_BYTES));
}

const TCPF_NEW_SYN_RECV = 1 << 12;
const TCPF_BOUND_INACTIVE = 1 << 13;

/**
 * The kernel's idiag_states for a state mask. SYN_RECV includes request sockets
 * (TCP_NEW_SYN_RECV). Asking for UNKNOWN asks for everything but bound-inactive sockets,
 * which only `ss -B` lists.
 */
export function kernelStates(mask: StateMask): number {
  if (maskHas(mask, UNKNOWN)) return (0xffffffff & ~TCPF_BOUND_INACTIVE) >>> 0;
  let k = mask & 0xffe;
  if (maskHas(mask, SYN_RECV)) k |= TCPF_NEW_SYN_RECV;
  return k >>> 0;
}

/** The dumps a scan needs: one per protocol, each over the families asked for. */
export function requests(opts: ScanOptions): { protocol: number; families: number[]; states: number; ext: number }[] {
  const families: number[] = [];
  if (opts.v4) families.push(LINUX_AF_INET);
  if (opts.v6) families.push(LINUX_AF_INET6);
  const ext = (opts.info ? EXT_INFO : 0) | (opts.memory ? EXT_MEMORY : 0);
  const out = [];
  if (families.length === 0) return [];
  if (opts.tcp) out.push({ protocol: PROTO_TCP, families, states: kernelStates(opts.states), ext });
  // UDP sockets are "established" (connected) or "close" (unconnected); no extended info.
  if (opts.udp) out.push({ protocol: PROTO_UDP, families, states: kernelStates(opts.states), ext: opts.memory ? EXT_MEMORY : 0 });
  return out;
}

function nsPath(opts: ScanOptions): string | undefined {
  if (opts.netns === undefined) return undefined;
  const p = netnsPath(opts.netns);
  netnsId(p); // a clear ERR_NETNS when it does not exist
  return p;
}

function nativeError(e: unknown, opts: ScanOptions): never {
  if (e instanceof TcpstateError) throw e;
  const err = e as NodeJS.ErrnoException & { errno?: number };
  if (opts.netns !== undefined && /setns|\/|thread-self/.test(err.message)) {
    throw new TcpstateError('ERR_NETNS', opt('netnsEnter', opts.netns, err.code === 'EPERM' ? ks('needsRoot', nativeReason(err)) : nativeReason(err)), { field: '--netns' });
  }
  throw new TcpstateError('ERR_IO', ks('netlinkFailed', nativeReason(err)));
}

/**
 * Where `--record` writes while the dumps run: an {@link AtomicFile}, renamed over the
 * destination once every dump ended, so a failed or interrupted run never leaves a partial
 * recording under the name asked for (it would replay as a smaller table). Errors name the
 * file and `--record`.
 */
class RecordFile {
  private readonly file: AtomicFile;

  constructor(readonly path: string) {
    try {
      this.file = new AtomicFile(path);
    } catch (e) {
      throw this.error(e);
    }
  }

  private error(e: unknown): TcpstateError {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    const why = code === 'ENOSPC' ? ks('noSpace') : code === 'EISDIR' ? ks('isDirectory') : code;
    return new TcpstateError('ERR_IO', ks('cannotWrite', this.path, why), { file: this.path, field: '--record' });
  }

  write(buf: Buffer, n: number): void {
    try {
      this.file.write(buf, n);
    } catch (e) {
      throw this.error(e);
    }
  }

  /**
   * After a whole run move the temporary into place, else remove it. Throws only after a
   * whole run (a failed run's own error is the one to report).
   */
  finish(ok: boolean): void {
    if (!ok) {
      this.file.abort();
      return;
    }
    try {
      this.file.commit();
    } catch (e) {
      throw this.error(e);
    }
  }
}

/**
 * Run the dumps of a scan, handing each filled buffer to `onBytes`. `opts.record` (a path)
 * gets a copy of every byte received, in place only once every dump ended.
 */
export function dumpRaw(addon: NativeAddon, opts: ScanOptions, onBytes: (buf: Buffer, n: number) => void): void {
  const buf = buffer();
  const netns = nsPath(opts);
  // A recording is one dump: `TCPDIAG_FILE=FILE ss` stops at the first NLMSG_DONE.
  const config = opts.config;
  const perFamily = config.netlinkPerFamily;
  const parallel = opts.parallel === true && opts.record === undefined && !config.netlinkSerial;
  const rec = opts.record === undefined ? undefined : new RecordFile(opts.record);
  let ok = false;
  try {
    for (const r of requests(opts)) {
      try {
        addon.dump({ ...r, ...(netns === undefined ? {} : { netns }), ...(perFamily ? { perFamily: 1 } : {}), ...(parallel ? { parallel: 1 } : {}) }, buf, (n) => {
          rec?.write(buf, n);
          onBytes(buf, n);
        });
      } catch (e) {
        nativeError(e, opts);
      }
    }
    ok = true;
  } finally {
    rec?.finish(ok);
  }
}

function why(opts: ScanOptions): string | Said | undefined {
  const n = loadNative(opts.config);
  if (!n.addon) return n.said ?? n.why;
  if (opts.origin === 'proc-root') return ks('procRootByProc');
  return undefined;
}

export const netlinkSource: LiveSource = {
  name: 'netlink',
  unavailable: why,
  scan(opts: ScanOptions, sink: ChunkSink): ScanResult {
    const addon = loadNative(opts.config).addon!;
    const dec = new SockDiagDecoder(sink);
    dumpRaw(addon, opts, (buf, n) => dec.feed(buf, 0, n));
    dec.end();
    return { warnings: dec.warnings.list(), notices: [], dumps: dec.stats.dumps };
  },
  collect(opts: ScanOptions, into: SocketTable): ScanResult {
    const addon = loadNative(opts.config).addon!;
    const dec = new SockDiagDecoder(() => {}, { into });
    dumpRaw(addon, opts, (buf, n) => dec.feed(buf, 0, n));
    return { warnings: dec.warnings.list(), notices: [], dumps: dec.stats.dumps };
  },
  count(opts: ScanOptions, counts: Float64Array): ScanResult {
    const addon = loadNative(opts.config).addon!;
    // TCP alone, not recorded: one BPF iterator walk where it runs (root, kernel BTF).
    if (opts.tcp && !opts.udp && opts.record === undefined) {
      let viaBpf;
      try {
        viaBpf = bpfCount(addon, opts, nsPath(opts), counts);
      } catch (e) {
        nativeError(e, opts);
      }
      if (viaBpf) return viaBpf;
    }
    const dec = new SockDiagDecoder(() => {}, {}, new SocketTable(16));
    const mine = new Float64Array(16);
    dec.counts = mine;
    dumpRaw(addon, opts, (buf, n) => dec.feed(buf, 0, n));
    // The kernel's state filter is exact but for its own codes; apply ours on top.
    for (let s = 0; s < 16; s++) if (opts.states & (1 << s)) counts[s]! += mine[s]!;
    return { warnings: dec.warnings.list(), notices: [], dumps: dec.stats.dumps };
  },
};

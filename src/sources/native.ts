/**
 * The optional native addon (native/tcpstate_netlink.c), loaded once, lazily. Without it
 * (no compiler at install, another OS, or TCPSTATE_NO_NATIVE=1) tcpstate reads procfs.
 * @module
 */
import { createRequire } from 'node:module';
import { util } from '../builtins.js';
import type { ReadConfig } from './config.js';
import { F_DUALSTACK, F_HAS_QUEUES, NO_TIME, NO_UID, PROTO_TCP, type SocketTable } from '../model/table.js';
import type { Said } from '../i18n/catalogue.js';
import { say as ks } from '../i18n/kernel.js';

/** A sock_diag dump request (see native/tcpstate_netlink.c). */
export interface DumpRequest {
  protocol: number;
  /** Linux address families: AF_INET 2, AF_INET6 10. */
  families: number[];
  /** Kernel state bitmask (bit n = state n). */
  states: number;
  /** idiag_ext bits. */
  ext: number;
  /** Path of a network namespace file to dump instead of the current one. */
  netns?: string;
  /** 1: one dump per family even for TCP, instead of the one walk over both (tests). */
  perFamily?: number;
  /** 1: a large TCP table is dumped as two port ranges at once, one on a helper thread. */
  parallel?: number;
}

/** An opaque running scan (a napi_external); cancelled and freed when collected. */
export type ScanHandle = { readonly __scanHandle: never };

/** An opaque running BPF tcp iterator read (a napi_external); joined and freed when collected. */
export type StatesHandle = { readonly __statesHandle: never };

/** An opaque running range count (a napi_external); cancelled and freed when collected. */
export type RangeHandle = { readonly __rangeHandle: never };

/** An opaque running trace (a napi_external); see {@link NativeAddon.traceStart}. */
export type TraceHandle = { readonly __traceHandle: never };

/** What scanFinish returns. */
export interface NativeScan {
  /** (inode, pid, fd) of every socket link, threads' results one after another. */
  triples: Uint32Array;
  /** Processes whose fd directory was refused (EACCES/EPERM). */
  hidden: number;
  /** Processes whose fd directory was listed. */
  scanned: number;
}

export interface NativeAddon {
  /** Dump into buf; onChunk(n) is called with buf[0..n) holding whole messages. */
  dump(req: DumpRequest, buf: Buffer, onChunk: (n: number) => void): void;
  /** Enter a network namespace; returns an fd of the one left. */
  netnsEnter(path: string): number;
  /** Return to the namespace netnsEnter left, closing its fd. */
  netnsLeave(fd: number): void;
  /**
   * Start scanning /proc/PID/fd of `pids` under `procRoot` on `threads` background threads
   * (0: none; scanFinish does it all). Throws when procRoot cannot be opened.
   */
  scanStart(pids: Int32Array, procRoot: string, threads: number): ScanHandle;
  /**
   * Join the scan on this thread until nothing is left, then wait for the background threads
   * and merge. Once per handle: a second call throws ERR_SCAN_FINISHED.
   */
  scanFinish(handle: ScanHandle): NativeScan;
  /**
   * (inode, pid, fd) of every socket fd on the machine from one BPF task_file iterator
   * (native/bpf_owners.c); throws (code ERR_BPF_UNAVAILABLE, with the reason) when it
   * cannot run: no kernel BTF, no CAP_BPF, not the initial pid namespace.
   */
  bpfOwners(): Uint32Array;
  /**
   * Start reading (kernel state, family) byte pairs of every TCP socket of the current
   * namespace, or of the namespace file `netns`, from a BPF tcp iterator
   * (native/bpf_tcp_states.c) on a thread of its own; with `withPorts`, six bytes per
   * socket: and its local and remote ports (u16, host order).
   */
  bpfTcpStatesStart(netns?: string, withPorts?: boolean): StatesHandle;
  /**
   * Wait for that thread and take its bytes; throws (code ERR_BPF_UNAVAILABLE, with the
   * reason) when the iterator cannot run here, an errno error when reading failed. Once per
   * handle.
   */
  bpfTcpStatesFinish(handle: StatesHandle): Uint8Array;
  /**
   * Attach the trace programs (native/bpf_trace.c), filtered in the kernel to the namespace
   * with inode `netns` and the Linux family `family` when given, into a ring buffer of
   * `ringBytes` (a power of 2, default 8 MiB); `onBatch` gets whole
   * 112-byte records and the events lost so far. Throws (code ERR_BPF_UNAVAILABLE, with
   * the reason) when the kernel will not run them. `missing`: optional hooks not attached.
   */
  traceStart(
    opts: { netns?: number | undefined; family?: number | undefined; ringBytes?: number | undefined; countOnly?: number | undefined },
    onBatch: (records: Buffer, lost: number) => void,
  ): { handle: TraceHandle; hooks: string[]; missing: string[] };
  /** Detach, deliver what the ring buffer holds and let the event loop go; again is a no-op. */
  traceStop(handle: TraceHandle): void;
  /** Changes per (old state × 16 + new state) since the start, counted in the kernel (lost events included). */
  traceCounts(handle: TraceHandle): Float64Array;
  /**
   * Return free pages of every malloc arena to the system (malloc_trim(0)); true when some
   * were. A long-running sampler calls it now and then: columns move between threads and are
   * freed into arenas that otherwise keep their peak (bench/RESULTS-soak.md).
   */
  mallocTrim(): boolean;
  /**
   * Count a capture piece's socket lines, buf[pos, end) ending in LF or CR, into counts[state]
   * (native/text_count.c): kind 0 `netstat -n`, 1 `ss -tan`, 2 `ss -tan` with `[v6]:port`;
   * `words`: (length, code, bytes) entries; the lines counted, `at[0]` where it stopped,
   * `at[1]` or-ed with the families seen (1 IPv4, 2 IPv6). Absent from an addon built before it.
   */
  textCount?(kind: number, buf: Uint8Array, pos: number, end: number, counts: Float64Array, words: Uint8Array, at: Float64Array): number;
  /**
   * Rows of a piece into a SocketTable's columns `cols` (the order of
   * native/tcpstate_netlink.c TextRows) from row `at`, at most `room`, as netstatBytes (kind
   * 0) or ssBytes (1; 2 once `[v6]:port` was seen) adds them; the rows added, `out[0]` where it stopped.
   */
  textRows?(buf: Uint8Array, pos: number, end: number, words: Uint8Array, cols: ArrayLike<unknown>, at: number, room: number, out: Float64Array, kind?: number): number;
  /** Count the lines of file `fd` from `from` as textCount counts pieces of `kind`, on a thread (native/text_count.c). */
  textCountStart?(kind: number, fd: number, from: number, words: Uint8Array): RangeHandle;
  /** Wait for that thread: stop, lines, families, read error (1 or 0), then 16 counts. */
  textCountFinish?(handle: RangeHandle): Float64Array;
  /**
   * `ls`'s fixed columns in C (native/ls_layout.c; src/render/ls-native.ts): widths of rows
   * from..to-1 into `w`; the first of them wider than its columns; those rows as lines at
   * buf[pos] (the rows written, `out[0]` the position after). `cols` as textRows'.
   */
  lsWidths?(cols: ArrayLike<unknown>, geometry: Float64Array, states: Uint8Array, from: number, to: number, w: Float64Array): void;
  lsFirstWide?(cols: ArrayLike<unknown>, geometry: Float64Array, states: Uint8Array, from: number, to: number): number;
  lsLines?(cols: ArrayLike<unknown>, geometry: Float64Array, states: Uint8Array, from: number, to: number, buf: Uint8Array, pos: number, out: Float64Array): number;
}

const TABLE_CONSTANTS = Float64Array.of(PROTO_TCP, F_HAS_QUEUES, NO_UID, NO_TIME, F_DUALSTACK);

/** `t`'s columns as the addon's text and ls functions take them (native/tcpstate_netlink.c table_columns). */
export function tableColumns(t: SocketTable): unknown[] {
  return [t.proto, t.family, t.state, t.flags, t.laddr, t.raddr, t.timer, t.lport, t.rport, t.recvQ, t.sendQ, t.timerMs, t.retrans, t.probes, t.uid, t.inode, TABLE_CONSTANTS];
}

/** The addon, or why not: `why` in English, `said` its catalogue data (for a terminal). */
type Loaded = { addon?: NativeAddon; why?: string; said?: Said };

let loaded: Loaded | undefined;

function without(said: Said): Loaded {
  return { why: said.text, said };
}

/** Where the built addon lives, relative to this file in dist/src/sources/. */
const ADDON = '../../../native/build/Release/tcpstate_netlink.node';

/**
 * The addon, loaded on first use and kept; under a configuration that turns it off
 * (`noNative`, TCPSTATE_NO_NATIVE=1) none, whatever an earlier call loaded.
 */
export function loadNative(config: Pick<ReadConfig, 'noNative'>): Loaded {
  if (config.noNative) return { why: 'TCPSTATE_NO_NATIVE=1' };
  if (loaded) return loaded;
  if (process.platform !== 'linux') return (loaded = without(ks('linuxOnly')));
  try {
    const req = createRequire(import.meta.url);
    loaded = { addon: req(ADDON) as NativeAddon };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    loaded = without(code === 'MODULE_NOT_FOUND' ? ks('addonNotBuilt') : ks('addonNotLoaded', (e as Error).message.split('\n')[0] ?? ''));
  }
  return loaded;
}

/**
 * The words glibc's strerror gives (the C side writes them after a colon), by errno name: a
 * reason the catalogue says in the user's language (src/i18n/edge.ts's `os`).
 */
const STRERROR: Readonly<Record<string, string>> = {
  'Operation not permitted': 'EPERM',
  'No such file or directory': 'ENOENT',
  'Permission denied': 'EACCES',
  'Invalid argument': 'EINVAL',
  'Cannot allocate memory': 'ENOMEM',
  'Argument list too long': 'E2BIG',
  'Operation not supported': 'ENOTSUP',
  'Device or resource busy': 'EBUSY',
  'Function not implemented': 'ENOSYS',
  'Bad file descriptor': 'EBADF',
  'Too many open files': 'EMFILE',
  'Input/output error': 'EIO',
  'Resource temporarily unavailable': 'EAGAIN',
  'No such process': 'ESRCH',
};

/** A strerror text as a message: the same words in English, the errno's in another language. */
function osWords(text: string): Said {
  return ks('osError', STRERROR[text] ?? '', text);
}

/**
 * The C side's reasons (ERR_BPF_UNAVAILABLE's `why`, native/bpf_*.c) a user can meet, each
 * as a catalogue message; the text after a colon is strerror's. A reason not here (a kernel
 * whose BTF is laid out otherwise: details for a bug report) stays as the C side wrote it.
 */
const BPF_REASONS: readonly [RegExp, (m: RegExpExecArray) => Said][] = [
  [/^not in the initial pid namespace$/, () => ks('bpfPidNs')],
  [/^no kernel BTF \(\/sys\/kernel\/btf\/vmlinux: (.+)\)$/, (m) => ks('bpfNoBtf', osWords(m[1]!))],
  [/^kernel BTF has no (\S+) iterator$/, (m) => ks('bpfNoIterator', m[1]!)],
  [/^BPF program not loaded: (.+)$/, (m) => ks('bpfNotLoaded', osWords(m[1]!))],
  [/^BPF program not attached: (.+)$/, (m) => ks('bpfNotAttached', osWords(m[1]!))],
  [/^BPF program refused by the verifier: (.*)$/s, (m) => ks('bpfVerifier', m[1]!)],
  [/^BPF iterator link: (.+)$/, (m) => ks('bpfIteratorLink', osWords(m[1]!))],
  [/^BPF iterator: (.+)$/, (m) => ks('bpfIterator', osWords(m[1]!))],
  [/^reading the BPF iterator: (.+)$/, (m) => ks('bpfIteratorRead', osWords(m[1]!))],
  [/^BPF ring buffer not created: (.+)$/, (m) => ks('bpfRingBuffer', osWords(m[1]!))],
  [/^BPF ring buffer not mapped: (.+)$/, (m) => ks('bpfRingMapped', osWords(m[1]!))],
  [/^BPF lost-event counter not created: (.+)$/, (m) => ks('bpfLostCounter', osWords(m[1]!))],
  [/^BPF transition counters not created: (.+)$/, (m) => ks('bpfCounters', osWords(m[1]!))],
  [/^out of memory$/, () => ks('outOfMemory')],
];

/** A reason the C side's BPF code gives (ERR_BPF_UNAVAILABLE's, a trace hook's), as a message where the catalogue has it. */
export function bpfReason(text: string): string | Said {
  for (const [re, said] of BPF_REASONS) {
    const m = re.exec(text);
    if (m) return said(m);
  }
  return text;
}

/**
 * The trace hooks the kernel did not attach (`traceStart`'s `missing`: `name: why` each), as
 * one message: each hook's name, its reason said ({@link bpfReason}).
 */
export function missingHooks(missing: readonly string[]): string | Said {
  const each = missing.map((entry): string | Said => {
    const at = entry.indexOf(': ');
    return at < 0 ? entry : ks('nativeStep', entry.slice(0, at), bpfReason(entry.slice(at + 2)));
  });
  return each.reduce((a, b) => ks('reasonsJoined', a, b));
}

/** The step names of the C side's errno errors (`what: strerror`) that are words, not a call or a path. */
const NS_BACK = 'setns back to the original network namespace';

/**
 * Why an addon call failed, for a terminal: the C side's English (its errno errors
 * `what: strerror`, ERR_BPF_UNAVAILABLE's reasons) mapped by code, errno and reason to
 * catalogue messages, whose English text is the C side's own; anything else as its message.
 */
export function nativeReason(e: unknown): string | Said {
  const err = e as { code?: unknown; errno?: unknown; message?: unknown };
  const message = typeof err?.message === 'string' ? err.message : String(e);
  if (err?.code === 'ERR_BPF_UNAVAILABLE') return bpfReason(message);
  if (typeof err?.code === 'string' && typeof err.errno === 'number') {
    const at = message.lastIndexOf(': ');
    if (at < 0) return message;
    const what = message.slice(0, at);
    // The C side names only a few codes (EIO for the rest): the errno says which.
    const name = util.getSystemErrorMap().get(-Math.abs(err.errno))?.[0] ?? STRERROR[message.slice(at + 2)] ?? '';
    const words = ks('osError', name, message.slice(at + 2));
    return ks('nativeStep', what === NS_BACK ? ks('nsBack') : what, words);
  }
  return message;
}

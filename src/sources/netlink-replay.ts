/**
 * Replays a recorded sock_diag reply (`tcpstate --record FILE`, or `ss -D FILE`) as if it
 * were the live table: read through one bounded, reused buffer, decoded by
 * {@link SockDiagDecoder}, rows of protocols and families not asked for left out.
 *
 * A recording is one or more dumps, each ended by NLMSG_DONE: `--record` writes one per
 * protocol (TCP over both families in one walk, or one per family where the kernel refuses
 * that; UDP one per family), `ss -D` one per family. {@link RecordingCheck} makes sure the
 * file is one whole snapshot: its last dump ends with NLMSG_DONE (ss's `Unexpected EOF`
 * otherwise), no two dumps cover the same protocol and family (recordings concatenated),
 * and what was asked for and never dumped is said.
 * @module
 */
import { fs } from '../builtins.js';
import { AF_INET } from '../model/address.js';
import { TcpstateError, type Warning } from '../model/errors.js';
import { warning } from '../model/warnings.js';
import { say as ks } from '../i18n/kernel.js';
import { PROTO_TCP, PROTO_UDP, type SocketTable } from '../model/table.js';
import type { LiveSource, ScanOptions, ScanResult } from './live.js';
import { type DoneInfo, LINUX_AF_INET, LINUX_AF_INET6, NLMSG_MAX, SockDiagDecoder } from './netlink-decode.js';
import type { ChunkSink } from './proc-net.js';

const READ_BYTES = NLMSG_MAX;

/** Protocols told apart in a recording: index 0 TCP, 1 UDP, 2 any other. */
const PROTO_NAMES = ['TCP', 'UDP', 'other-protocol'];
const FAMILY_NAMES = ['IPv4', 'IPv6'];

/** The bit of a (protocol, family) pair: 2·protocol index + (IPv6 ? 1 : 0). */
function pairBit(proto: number, v6: boolean): number {
  return 1 << (2 * (proto === PROTO_TCP ? 0 : proto === PROTO_UDP ? 1 : 2) + (v6 ? 1 : 0));
}

function pairNames(bits: number): string {
  const out: string[] = [];
  for (let k = 0; k < 6; k++) if (bits & (1 << k)) out.push(`${PROTO_NAMES[k >> 1]} ${FAMILY_NAMES[k & 1]}`);
  return out.join(', ');
}

const SEQ_TAG = 0x5453; // "TS": see seqFor in netlink-decode.ts

/**
 * What a dump covers according to its request's sequence number, when tcpstate made the
 * request (`0x5453PPFF`: protocol, family, 0 for both); 0 when the number says nothing.
 */
function taggedCover(seq: number): number {
  if (seq >>> 16 !== SEQ_TAG) return 0;
  const proto = (seq >>> 8) & 0xff;
  const fam = seq & 0xff;
  if (fam === 0) return pairBit(proto, false) | pairBit(proto, true);
  if (fam === LINUX_AF_INET) return pairBit(proto, false);
  if (fam === LINUX_AF_INET6) return pairBit(proto, true);
  return 0;
}

/**
 * Checks that a recording is one whole snapshot, fed the decoded rows and the NLMSG_DONEs
 * in stream order (pure: no I/O).
 *
 * - Each dump covers the (protocol, family) pairs its request's sequence number names
 *   (tcpstate's) plus those of the rows it holds (ss's carry no tag). A dump covering a pair
 *   an earlier dump covered is a second snapshot of the same sockets: an error, since
 *   counting both would count every socket twice and neither is "the" answer.
 * - Bytes after the last NLMSG_DONE, or none at all, are a recording cut short: an error.
 * - Pairs asked for that no dump covered are warnings ({@link missing}). An untagged dump
 *   without rows (ss's, of a family with no sockets) could cover any TCP family: TCP
 *   families are then not reported missing.
 */
export class RecordingCheck {
  private rowsSeen = 0;
  private covered = 0;
  private unknownEmpty = 0;
  private dumpStart = 0;
  private dumps = 0;
  /** Where the first dump covering each pair ended (for the repeat message). */
  private readonly endOf = new Map<number, number>();

  constructor(private readonly file: string) {}

  /** Every decoded row of the current dump, before any selection. */
  rows(chunk: SocketTable): void {
    let seen = this.rowsSeen;
    const fam = chunk.family;
    const proto = chunk.proto;
    for (let i = 0; i < chunk.length; i++) seen |= pairBit(proto[i]!, fam[i] !== AF_INET);
    this.rowsSeen = seen;
  }

  /** A dump ended. @throws TcpstateError ERR_PARSE when it repeats an earlier dump. */
  done(d: DoneInfo): void {
    const tagged = taggedCover(d.seq);
    const cover = tagged | this.rowsSeen;
    const again = cover & this.covered;
    if (again) {
      let firstEnd = 0;
      for (let k = 0; k < 6; k++)
        if (again & (1 << k)) {
          firstEnd = this.endOf.get(1 << k)!;
          break;
        }
      throw new TcpstateError('ERR_PARSE', ks('secondDump', pairNames(again), this.dumpStart, d.next, firstEnd), { file: this.file, offset: this.dumpStart });
    }
    if (cover === 0) this.unknownEmpty++;
    for (let k = 0; k < 6; k++) if (cover & (1 << k)) this.endOf.set(1 << k, d.next);
    this.covered |= cover;
    this.rowsSeen = 0;
    this.dumpStart = d.next;
    this.dumps++;
  }

  /**
   * The recording ended after `length` bytes.
   * @throws TcpstateError ERR_PARSE when it does not end with a whole dump.
   */
  end(length: number): void {
    if (length === this.dumpStart && this.dumps > 0) return;
    throw new TcpstateError('ERR_PARSE', this.dumps === 0 ? ks('noDone') : ks('dumpNoDone', this.dumpStart), { file: this.file, offset: length });
  }

  /** Warnings for the protocols and families asked for that no dump of the file covers. */
  missing(opts: { tcp: boolean; udp: boolean; v4: boolean; v6: boolean }): Warning[] {
    const out: Warning[] = [];
    for (const [want, proto] of [
      [opts.tcp, PROTO_TCP],
      [opts.udp, PROTO_UDP],
    ] as const) {
      if (!want || (proto === PROTO_TCP && this.unknownEmpty > 0)) continue;
      let absent = 0;
      if (opts.v4) absent |= pairBit(proto, false) & ~this.covered;
      if (opts.v6) absent |= pairBit(proto, true) & ~this.covered;
      if (absent === 0) continue;
      const what = absent === (pairBit(proto, false) | pairBit(proto, true)) ? `${PROTO_NAMES[proto === PROTO_TCP ? 0 : 1]}` : pairNames(absent);
      out.push(warning('W_NOT_RECORDED', ks('notRecorded', what), { file: this.file }));
    }
    return out;
  }
}

function ioError(path: string, e: unknown): TcpstateError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'EISDIR' ? ks('isDirectory') : (code ?? (e as Error).message);
  return new TcpstateError('ERR_IO', ks('cannotRead', path, why), { file: path, field: '--replay' });
}

/**
 * Read a recording in bounded pieces (messages may span reads) and check it is one whole
 * snapshot ({@link RecordingCheck}).
 * @throws TcpstateError ERR_IO (unreadable, a directory), ERR_EMPTY, ERR_PARSE (damaged,
 *   cut short, two snapshots).
 */
export function replayFile(path: string, sink: ChunkSink): { dec: SockDiagDecoder; check: RecordingCheck } {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    throw ioError(path, e);
  }
  const check = new RecordingCheck(path);
  const dec = new SockDiagDecoder(
    (chunk) => {
      check.rows(chunk);
      sink(chunk);
    },
    { name: path, onDone: (d) => check.done(d) },
  );
  // Every message fits: the decoder refuses lengths above NLMSG_MAX, the buffer's size.
  const buf = Buffer.allocUnsafeSlow(READ_BYTES);
  let have = 0;
  let total = 0;
  try {
    if (fs.fstatSync(fd).isDirectory()) throw new TcpstateError('ERR_IO', ks('cannotRead', path, ks('isDirectory')), { file: path, field: '--replay' });
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(fd, buf, have, buf.length - have, null);
      } catch (e) {
        throw ioError(path, e);
      }
      if (n === 0) break;
      total += n;
      have += n;
      const used = dec.feed(buf, 0, have, true);
      buf.copy(buf, 0, used, have);
      have -= used;
    }
    if (have > 0) dec.feed(buf, 0, have); // a truncated tail: an error naming its offset
    dec.end();
  } finally {
    fs.closeSync(fd);
  }
  if (total === 0) throw new TcpstateError('ERR_EMPTY', ks('replayEmpty', path), { file: path, field: '--replay' });
  check.end(total);
  return { dec, check };
}

export const replaySource: LiveSource = {
  name: 'netlink-replay',
  unavailable: (opts) => (opts.replay === undefined ? 'needs --replay FILE' : undefined),
  scan(opts: ScanOptions, sink: ChunkSink): ScanResult {
    const keep = (t: SocketTable, i: number): boolean =>
      (t.proto[i] === PROTO_TCP ? opts.tcp : t.proto[i] === PROTO_UDP ? opts.udp : false) && (t.family[i] === AF_INET ? opts.v4 : opts.v6) && (opts.states & (1 << t.state[i]!)) !== 0;
    let all = true;
    const { dec, check } = replayFile(opts.replay!, (chunk) => {
      // Pass chunks through untouched when every row is wanted (the usual case).
      for (let i = 0; i < chunk.length && all; i++) if (!keep(chunk, i)) all = false;
      if (all) {
        sink(chunk);
        return;
      }
      const t = chunk.select((i) => keep(chunk, i));
      all = true;
      if (t.length) sink(t);
    });
    return { warnings: [...dec.warnings.list(), ...check.missing(opts)], notices: [], dumps: dec.stats.dumps };
  },
};

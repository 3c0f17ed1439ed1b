/**
 * Replays a recorded sock_diag reply (`tcpstate --record FILE`, or `ss -D FILE`) as if it
 * were the live table: read through one bounded, reused buffer, decoded by
 * {@link SockDiagDecoder}, rows of protocols and families not asked for left out.
 * @module
 */
import { fs } from '../builtins.js';
import { AF_INET } from '../model/address.js';
import { TcpstateError } from '../model/errors.js';
import { PROTO_TCP, PROTO_UDP, type SocketTable } from '../model/table.js';
import type { LiveSource, ScanOptions, ScanResult } from './live.js';
import { SockDiagDecoder } from './netlink-decode.js';
import type { ChunkSink } from './proc-net.js';

const READ_BYTES = 1 << 20;

/** Read a recording in bounded pieces; messages may span reads. */
export function replayFile(path: string, sink: ChunkSink): SockDiagDecoder {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    throw new TcpstateError('ERR_IO', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code}`, { file: path, field: '--replay' });
  }
  const dec = new SockDiagDecoder(sink, { name: path });
  let buf = Buffer.allocUnsafeSlow(READ_BYTES);
  let have = 0;
  try {
    for (;;) {
      if (have === buf.length) {
        // One message larger than the buffer (never from a kernel: they are < 64 KiB).
        const bigger = Buffer.allocUnsafeSlow(buf.length * 2);
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
      }
      const n = fs.readSync(fd, buf, have, buf.length - have, null);
      if (n === 0) break;
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
  if (dec.stats.sockets === 0 && dec.stats.dumps === 0) {
    throw new TcpstateError('ERR_EMPTY', `${path} holds no sock_diag messages`, { file: path, field: '--replay' });
  }
  return dec;
}

export const replaySource: LiveSource = {
  name: 'netlink-replay',
  unavailable: (opts) => (opts.replay === undefined ? 'needs --replay FILE' : undefined),
  scan(opts: ScanOptions, sink: ChunkSink): ScanResult {
    const keep = (t: SocketTable, i: number): boolean =>
      (t.proto[i] === PROTO_TCP ? opts.tcp : t.proto[i] === PROTO_UDP ? opts.udp : false) &&
      (t.family[i] === AF_INET ? opts.v4 : opts.v6) &&
      (opts.states & (1 << t.state[i]!)) !== 0;
    let all = true;
    const dec = replayFile(opts.replay!, (chunk) => {
      // Pass chunks through untouched when every row is wanted (the usual case).
      for (let i = 0; i < chunk.length && all; i++) if (!keep(chunk, i)) all = false;
      if (all) { sink(chunk); return; }
      const t = chunk.select((i) => keep(chunk, i));
      all = true;
      if (t.length) sink(t);
    });
    return { warnings: dec.warnings, notices: [] };
  },
};

/**
 * Oracles for the capture tests: tshark's conversation table and ss's socket list, parsed,
 * and the comparison of `tcpstate pcap --json` against them.
 */
import { execFileSync } from 'node:child_process';
import { parseState, CLOSE, LISTEN, UNKNOWN } from '../../src/model/state.js';

/** One row of `tshark -q -n -z conv,tcp`: A is the first packet's source. */
export interface ConvRow {
  a: string;
  b: string;
  framesAB: number;
  bytesAB: number;
  framesBA: number;
  bytesBA: number;
  /** tshark prints bytes below 10000 exactly ("1234 bytes"); above, rounded with a unit. */
  exactBytes: boolean;
}

/** tshark's byte cell: `3272 bytes`, `983 kB`. */
function bytesCell(n: string, unit: string): number {
  const v = Number(n);
  return unit === 'bytes' ? v : unit === 'kB' ? v * 1000 : unit === 'MB' ? v * 1e6 : unit === 'GB' ? v * 1e9 : NaN;
}

export function tsharkConversations(file: string): ConvRow[] {
  const out = execFileSync('tshark', ['-q', '-n', '-z', 'conv,tcp', '-r', file], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  const rows: ConvRow[] = [];
  const re = /^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+(\d+) (bytes|kB|MB|GB)\s+(\d+)\s+(\d+) (bytes|kB|MB|GB)\s/;
  for (const line of out.split('\n')) {
    const m = re.exec(line);
    if (!m) continue;
    rows.push({
      a: m[1]!,
      b: m[2]!,
      framesBA: Number(m[3]),
      bytesBA: bytesCell(m[4]!, m[5]!),
      framesAB: Number(m[6]),
      bytesAB: bytesCell(m[7]!, m[8]!),
      exactBytes: m[5] === 'bytes' && m[8] === 'bytes',
    });
  }
  return rows;
}

/** `addr:port` as tshark prints a conversation end: IPv6 without brackets. */
export function tsharkEnd(address: string, port: number): string {
  return `${address}:${port}`;
}

/** `ss -tanH` in a namespace → state code by "local peer". */
export function ssStates(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const code = parseState(f[0]!);
    if (code === undefined) continue;
    m.set(`${f[3]} ${f[4]}`, code);
  }
  return m;
}

/** ss's spelling of an endpoint. */
export function ssEnd(address: string, port: number, family: 4 | 6): string {
  return family === 4 ? `${address}:${port}` : `[${address}]:${port}`;
}

export interface JsonEndpoint {
  address: string;
  port: number;
  state: string;
  packets: number;
  bytes: number;
  how: string;
}
export interface JsonConnection {
  id: number;
  family: 4 | 6;
  orig: JsonEndpoint;
  resp: JsonEndpoint;
  originGuessed: boolean;
  connState: string;
  history: string;
  anomalies: string[];
  start: string;
  firstFrame: number;
}

/**
 * Is our final state what ss shows for this socket? A socket ss does not list must be CLOSE
 * here, or UNKNOWN for an endpoint that never sent anything (a SYN that was not answered), or
 * LISTEN (a request reset back to its listener, RFC 9293 §3.10.7.4).
 */
export function matchesSs(ours: string, ss: number | undefined, sentPackets: number): boolean {
  const code = parseState(ours);
  if (ss === undefined) return code === CLOSE || code === LISTEN || (code === UNKNOWN && sentPackets === 0);
  return code === ss;
}

/** Find tshark's row for a connection and compare packets and bytes each way. */
export function compareWithTshark(c: JsonConnection, rows: ConvRow[], used: Set<ConvRow>): string | undefined {
  const o = tsharkEnd(c.orig.address, c.orig.port);
  const r = tsharkEnd(c.resp.address, c.resp.port);
  const row = rows.find((x) => !used.has(x) && ((x.a === o && x.b === r) || (x.a === r && x.b === o)) && (x.a === o ? x.framesAB === c.orig.packets : x.framesBA === c.orig.packets));
  if (!row) return `no tshark conversation for ${o} <-> ${r} with ${c.orig.packets}/${c.resp.packets} packets`;
  used.add(row);
  const fwd = row.a === o;
  const [oF, oB, rF, rB] = fwd ? [row.framesAB, row.bytesAB, row.framesBA, row.bytesBA] : [row.framesBA, row.bytesBA, row.framesAB, row.bytesAB];
  if (oF !== c.orig.packets || rF !== c.resp.packets) return `${o} <-> ${r}: packets ${c.orig.packets}/${c.resp.packets}, tshark ${oF}/${rF}`;
  if (row.exactBytes && (oB !== c.orig.bytes || rB !== c.resp.bytes)) return `${o} <-> ${r}: bytes ${c.orig.bytes}/${c.resp.bytes}, tshark ${oB}/${rB}`;
  return undefined;
}

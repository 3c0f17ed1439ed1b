/**
 * Frames tcpstate cannot read are never passed over in silence, and frames that are simply not
 * TCP are not mistaken for them. Fixtures (test/fixtures/pcap/make.sh, section 5): a veth
 * capture holding ARP, neighbour discovery, UDP and ICMP beside TCP; the TCP frames in PPP
 * framing (a link type tcpstate does not decode), alone and appended to an Ethernet capture;
 * an Ethernet capture cut by snap lengths of 40 and 60 bytes. tshark reads the same files as
 * the oracle for what each frame is.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCapture } from '../../src/pcap/container.js';
import { LINKTYPE_RAW } from '../../src/pcap/decode.js';
import { FlowTable } from '../../src/pcap/flow.js';
import { NgWriter, pcapPackets } from '../lib/capture-bytes.js';
import { DETERMINISTIC_ENV } from '../lib/golden.js';
import { kernelOrSkip, REPO, runCli } from '../lib/netns.js';
import { compareWithTshark, type JsonConnection, tsharkConversations } from '../lib/oracles.js';

const FIX = join(REPO, 'test', 'fixtures', 'pcap');

interface Doc {
  connections: { family: number; connState: string }[];
  frames: Record<string, number>;
  warnings: { code: string; message: string; where: { file?: string; offset?: number } }[];
}

function pcap(args: string[], input?: Buffer): { code: number; stdout: string; stderr: string } {
  return runCli(['pcap', ...args], { env: DETERMINISTIC_ENV, input });
}

/** Frame numbers tshark shows for a display filter. */
function tsharkFrames(file: string, filter: string): number[] {
  const out = execFileSync('tshark', ['-r', file, '-n', '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').filter(Boolean).map(Number);
}

/** Byte offset of each record of a little-endian classic pcap, by frame number (1-based). */
function pcapOffsets(file: Buffer): number[] {
  const out = [0];
  for (let o = 24; o + 16 <= file.length; o += 16 + file.readUInt32LE(o + 8)) out.push(o);
  return out;
}

/** Every frame is in exactly one category. */
function assertAccounted(name: string, f: Record<string, number>): void {
  const parts = ['tcp', 'notIp', 'notTcp', 'unknownLink', 'headerCut', 'malformed', 'fragments'];
  assert.equal(
    parts.reduce((a, k) => a + (f[k] ?? NaN), 0),
    f['frames'],
    `${name}: ${JSON.stringify(f)}`,
  );
}

test('frames that are not TCP (ARP, neighbour discovery, UDP, ICMP) are counted, not warned about', (t) => {
  if (!kernelOrSkip(t, ['tshark'])) return;
  const file = join(FIX, 'veth.pcap');
  const r = pcap([file, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const doc = JSON.parse(r.stdout) as Doc;
  assert.deepEqual(doc.warnings, []);
  assert.equal(doc.frames['tcp'], tsharkFrames(file, 'tcp').length);
  assert.equal(doc.frames['notIp'], tsharkFrames(file, 'not ip and not ipv6').length);
  assert.equal(doc.frames['notTcp'], tsharkFrames(file, '(ip or ipv6) and not tcp').length);
  assert.ok(doc.frames['notIp']! > 0 && doc.frames['notTcp']! > 0, JSON.stringify(doc.frames));
  assertAccounted('veth.pcap', doc.frames);
  for (const fam of [4, 6])
    assert.deepEqual(
      doc.connections.filter((c) => c.family === fam).map((c) => c.connState),
      ['SF', 'REJ', 'RSTO'],
      `IPv${fam}`,
    );
  const rows = tsharkConversations(file);
  const used = new Set<(typeof rows)[number]>();
  const diffs = (doc.connections as unknown as JsonConnection[]).map((c) => compareWithTshark(c, rows, used)).filter((x) => x !== undefined);
  assert.deepEqual(diffs, []);
  assert.equal(rows.length, doc.connections.length);
});

test('a capture of a link type tcpstate does not decode is an error naming it, before any output', (t) => {
  if (!kernelOrSkip(t, ['tshark'])) return;
  const file = join(FIX, 'ppp.pcap');
  assert.ok(tsharkFrames(file, 'tcp').length > 0, 'tshark reads TCP in it');
  const bytes = readFileSync(file);
  for (const [args, input, name] of [
    [[file], undefined, file],
    [[file, '--json'], undefined, file],
    [['-'], bytes, '-'],
    [['-', '--count'], bytes.subarray(0, 24), '-'],
  ] as const) {
    const r = pcap([...args], input);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '', args.join(' '));
    // The link-type field of the file header: known before the first packet, even with none.
    assert.equal(
      r.stderr,
      `tcpstate: ${name}: byte 20: the capture's link type is PPP (9), which tcpstate does not decode (it reads NULL, ETHERNET, RAW, LOOP, LINUX_SLL, IPV4, IPV6, LINUX_SLL2): no TCP segment can be read from it\n`,
    );
  }
});

test('frames of an undecodable link type beside decodable ones: a warning with the count and the first frame', (t) => {
  if (!kernelOrSkip(t, ['tshark'])) return;
  const file = join(FIX, 'eth-then-ppp.pcapng');
  const ppp = tsharkFrames(file, 'ppp');
  assert.equal(ppp.length, 40);
  const r = pcap([file, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Doc;
  assert.equal(doc.connections.length, 6);
  assert.equal(doc.frames['unknownLink'], ppp.length);
  assert.equal(doc.frames['tcp'], tsharkFrames(file, 'eth and tcp').length);
  assertAccounted('eth-then-ppp.pcapng', doc.frames);
  assert.deepEqual(
    doc.warnings.map((w) => w.code),
    ['W_PCAP_LINK_TYPE'],
  );
  const w = doc.warnings[0]!;
  assert.match(w.message, new RegExp(`^${ppp.length} frames of link type PPP \\(9\\), which tcpstate does not decode .*, were left out, the first at frame ${ppp[0]}: `));
  // The offset is that frame's enhanced packet block, on the PPP interface (id 1).
  const b = readFileSync(file);
  assert.equal(b.readUInt32LE(w.where.offset!), 6);
  assert.equal(b.readUInt32LE(w.where.offset! + 8), 1);
  assert.equal(r.stderr, `tcpstate: warning: ${file}: byte ${w.where.offset}: ${w.message}\n`);
});

test('a snap length that cuts every TCP header is an error; one that cuts some is a warning', (t) => {
  if (!kernelOrSkip(t, ['tshark'])) return;
  const all = join(FIX, 'snap40.pcap');
  const cut = pcap([all]);
  assert.equal(cut.code, 1);
  assert.equal(cut.stdout, '');
  assert.equal(
    cut.stderr,
    `tcpstate: ${all}: byte 24: no frame could be decoded to a TCP segment: 40 frames cut before the end of their TCP header (the snap length was too short; capture with -s 0); the first at frame 1\n`,
  );

  const some = join(FIX, 'snap60.pcap');
  const v6 = tsharkFrames(some, 'ipv6');
  assert.ok(v6.length > 0);
  const r = pcap([some, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Doc;
  assert.deepEqual(
    doc.connections.map((c) => `${c.family} ${c.connState}`),
    ['4 SF', '4 REJ', '4 RSTO'],
  );
  assert.equal(doc.frames['headerCut'], v6.length);
  assertAccounted('snap60.pcap', doc.frames);
  assert.deepEqual(
    doc.warnings.map((w) => w.code),
    ['W_PCAP_HEADER_CUT'],
  );
  assert.equal(doc.warnings[0]!.where.offset, pcapOffsets(readFileSync(some))[v6[0]!]);
  assert.match(doc.warnings[0]!.message, new RegExp(`^${v6.length} frames cut before the end of their TCP header .*the first at frame ${v6[0]}: `));
});

test('fragments and contradictory headers: a warning each, at the first such frame; all of them an error', () => {
  const frames = pcapPackets(readFileSync(join(FIX, 'raw.pcap'))).map((p) => Buffer.from(p.data));
  const v4 = frames.map((f, i) => (f[0]! >> 4 === 4 ? i : -1)).filter((i) => i >= 0);
  frames[v4[2]!]!.writeUInt16BE(0x2000, 6); // more fragments
  frames[v4[4]!]!.writeUInt16BE(0x2000, 6);
  frames[v4[3]!]!.writeUInt16BE(10, 2); // total length shorter than the header
  const build = (fs: Buffer[]) => {
    const w = new NgWriter().shb().idb(LINKTYPE_RAW);
    for (const [i, f] of fs.entries()) w.epb(0, BigInt(i + 1), f);
    return w.bytes();
  };
  const run = (bytes: Buffer) => {
    const offsets: number[] = [0];
    const flows = new FlowTable(() => {});
    parseCapture(
      bytes,
      (p) => {
        offsets.push(p.fileOffset);
        flows.packet(p);
      },
      'built',
    );
    flows.finish();
    return { flows, offsets };
  };
  const { flows, offsets } = run(build(frames));
  assert.equal(flows.counts.fragments, 2);
  assert.equal(flows.counts.malformed, 1);
  assertAccounted('built', flows.counts as unknown as Record<string, number>);
  const ws = flows.undecoded.warnings('built');
  assert.deepEqual(
    ws.map((w) => [w.code, w.where.offset]),
    [
      ['W_PCAP_MALFORMED', offsets[v4[3]! + 1]],
      ['W_PCAP_FRAGMENT', offsets[v4[2]! + 1]],
    ],
  );
  assert.match(ws[1]!.message, new RegExp(`^2 IP fragments of TCP segments .*were left out, the first at frame ${v4[2]! + 1}: `));
  assert.equal(flows.undecoded.noneDecoded(flows.counts.tcp, 'built'), undefined);

  const only = run(build([frames[v4[3]!]!, frames[v4[2]!]!]));
  const e = only.flows.undecoded.noneDecoded(only.flows.counts.tcp, 'built');
  assert.equal(e?.code, 'ERR_PCAP');
  assert.equal(e?.where.offset, only.offsets[1]);
  assert.match(e!.message, /^no frame could be decoded to a TCP segment: 1 frame whose IP or TCP header fields contradict each other; 1 IP fragment of TCP segments .*; the first at frame 1$/);
});

test('every frame of every fixture is in exactly one count', () => {
  for (const name of ['eth-us.pcap', 'two-ifaces.pcapng', 'sll.pcap', 'veth.pcap', 'eth-then-ppp.pcapng', 'snap60.pcap']) {
    const r = pcap([join(FIX, name), '--json']);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assertAccounted(name, (JSON.parse(r.stdout) as Doc).frames);
  }
});

test('a directory given as the capture is an I/O error naming it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpstate-pcapdir-'));
  try {
    const r = pcap([dir]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `tcpstate: ${dir}: cannot read the capture: it is a directory, not a capture file (EISDIR)\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

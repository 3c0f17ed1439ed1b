/**
 * The decoder on what the fixtures do not hold: IPv4 options and fragments, IPv6 extension
 * headers, NULL in either byte order, truncated headers, TCP options; and payload lengths taken
 * from the IP header, not from the captured length.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RawPacket } from '../../src/pcap/container.js';
import {
  decodeTcp,
  FRAGMENT,
  LINKTYPE_ETHERNET,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
  MALFORMED,
  NOT_IP,
  NOT_TCP,
  parseTcpOptions,
  Segment,
  TCP_OK,
  TcpOptions,
  TRUNCATED,
  SYN,
} from '../../src/pcap/decode.js';
import { pcapPackets } from '../lib/capture-bytes.js';
import { REPO } from '../lib/netns.js';

const frames = pcapPackets(readFileSync(join(REPO, 'test', 'fixtures', 'pcap', 'raw.pcap'))).map((p) => p.data);
const v4syn = frames.find((f) => f[0]! >> 4 === 4)!;
const v6syn = frames.find((f) => f[0]! >> 4 === 6)!;

function raw(data: Buffer, linkType = LINKTYPE_RAW): RawPacket {
  return { buf: data, off: 0, capLen: data.length, origLen: data.length, linkType, tsSec: 0, tsNsec: 0, iface: 0, flags: 0, fileOffset: 0, frame: 1 };
}
function ipv4Checksumless(b: Buffer): Buffer {
  return b;
}

test('IPv4 with options, padding after the datagram, fragments', () => {
  const seg = new Segment();
  assert.equal(decodeTcp(raw(v4syn), seg), TCP_OK);
  assert.equal(seg.flags & SYN, SYN);
  const opts = parseTcpOptions(seg, new TcpOptions());
  assert.equal(opts.mss, 65495);
  assert.equal(opts.wscale, 10);
  assert.equal(opts.sackPermitted, true);
  assert.ok(opts.tsVal >= 0 && opts.tsEcr === 0);
  // 8 bytes of IP options (two NOPs and a 6-byte unknown option), then 6 bytes of link padding.
  const ihl = 28;
  const withOpts = Buffer.concat([v4syn.subarray(0, 20), Buffer.from([1, 1, 0x94, 4, 0, 0, 0, 0]), v4syn.subarray(20), Buffer.alloc(6)]);
  withOpts[0] = 0x40 | (ihl / 4);
  withOpts.writeUInt16BE(v4syn.length + 8, 2);
  assert.equal(decodeTcp(raw(ipv4Checksumless(withOpts)), seg), TCP_OK);
  assert.equal(seg.payloadLen, 0, 'padding is not payload');
  assert.equal(seg.tcpOff, ihl);
  const frag = Buffer.from(v4syn);
  frag.writeUInt16BE(0x2000, 6); // more fragments
  assert.equal(decodeTcp(raw(frag), seg), FRAGMENT);
  frag.writeUInt16BE(0x0010, 6); // offset 16
  assert.equal(decodeTcp(raw(frag), seg), FRAGMENT);
  const udp = Buffer.from(v4syn);
  udp[9] = 17;
  assert.equal(decodeTcp(raw(udp), seg), NOT_TCP);
  assert.equal(decodeTcp(raw(v4syn.subarray(0, 30)), seg), TRUNCATED);
  const badLen = Buffer.from(v4syn);
  badLen.writeUInt16BE(10, 2);
  assert.equal(decodeTcp(raw(badLen), seg), MALFORMED);
});

test('IPv6 extension headers: hop-by-hop, destination options, atomic and real fragments', () => {
  const seg = new Segment();
  assert.equal(decodeTcp(raw(v6syn), seg), TCP_OK);
  const tcp = v6syn.subarray(40);
  const build = (exts: Buffer[], firstNh: number) => {
    const h = Buffer.from(v6syn.subarray(0, 40));
    h[6] = firstNh;
    const body = Buffer.concat([...exts, tcp]);
    h.writeUInt16BE(body.length, 4);
    return Buffer.concat([h, body]);
  };
  const hop = Buffer.from([60, 0, 1, 4, 0, 0, 0, 0]); // next: dest opts; PadN
  const dst = Buffer.from([44, 0, 1, 4, 0, 0, 0, 0]); // next: fragment
  const atomic = Buffer.from([6, 0, 0, 0, 0, 0, 0, 1]); // offset 0, M=0
  assert.equal(decodeTcp(raw(build([hop, dst, atomic], 0)), seg), TCP_OK);
  assert.equal(seg.sport, tcp.readUInt16BE(0));
  assert.equal(seg.payloadLen, 0);
  const more = Buffer.from([6, 0, 0, 1, 0, 0, 0, 1]); // M=1
  assert.equal(decodeTcp(raw(build([more], 44)), seg), FRAGMENT);
  const esp = build([], 50);
  assert.equal(decodeTcp(raw(esp), seg), NOT_TCP);
});

test('NULL link type in either byte order; non-IP Ethernet', () => {
  const seg = new Segment();
  for (const af of [Buffer.from([2, 0, 0, 0]), Buffer.from([0, 0, 0, 2])]) {
    assert.equal(decodeTcp(raw(Buffer.concat([af, v4syn]), LINKTYPE_NULL), seg), TCP_OK);
  }
  for (const af of [Buffer.from([28, 0, 0, 0]), Buffer.from([0, 0, 0, 10])]) {
    assert.equal(decodeTcp(raw(Buffer.concat([af, v6syn]), LINKTYPE_NULL), seg), TCP_OK);
    assert.equal(seg.family, 6);
  }
  const arp = Buffer.alloc(42);
  arp.writeUInt16BE(0x0806, 12);
  assert.equal(decodeTcp(raw(arp, LINKTYPE_ETHERNET), seg), NOT_IP);
  assert.equal(decodeTcp(raw(Buffer.alloc(10), LINKTYPE_ETHERNET), seg), TRUNCATED);
});

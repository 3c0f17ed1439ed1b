/**
 * The sock_diag decoder on real recordings (test/fixtures/netlink, see its README) and on
 * damaged input. The oracle for the recordings is ss itself reading the same file
 * (TCPDIAG_FILE), so nothing here is a hard-coded answer.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { isTcpstateError, TcpstateError } from '../src/model/errors.js';
import { ALL_MASK, maskOf, SYN_RECV, TIME_WAIT, LISTEN, ESTABLISHED } from '../src/model/state.js';
import { PROTO_TCP, PROTO_UDP, SocketTable } from '../src/model/table.js';
import { countSockDiag, decodeSockDiag, NLM_F_DUMP_INTR, seqFor } from '../src/sources/netlink-decode.js';
import { kernelStates } from '../src/sources/netlink-source.js';
import { REPO, runCli } from './lib/netns.js';
import { parseSs, recordKey, key } from './lib/ss.js';

const FIX = join(REPO, 'test', 'fixtures', 'netlink');
const GOLDEN = join(REPO, 'test', 'golden', 'netlink');
const fixtures = ['zoo-ss-D.nl', 'zoo-tcp-info.nl', 'zoo-tcp-udp.nl'];
const read = (f: string) => new Uint8Array(readFileSync(join(FIX, f)));

function decodeAll(bytes: Uint8Array): SocketTable {
  const t = new SocketTable();
  decodeSockDiag(bytes, (c) => {
    for (let i = 0; i < c.length; i++) t.copyRow(c, i);
  });
  return t;
}

function hasSs(): boolean {
  try {
    execFileSync('ss', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

for (const f of ['zoo-ss-D.nl', 'zoo-tcp-info.nl']) {
  test(`${f}: every socket, state, queue, inode and uid as ss reads the same file`, (t) => {
    if (!hasSs()) {
      if (process.env['TCPSTATE_REQUIRE_KERNEL'] === '1') throw new Error('ss is not installed');
      t.skip('ss is not installed');
      return;
    }
    const ss = parseSs(execFileSync('ss', ['-tanHe'], { env: { ...process.env, TCPDIAG_FILE: join(FIX, f) }, encoding: 'utf8' }));
    const tab = decodeAll(read(f));
    // ss reads a recording only up to its first NLMSG_DONE: the IPv4 dump.
    let v4 = 0;
    for (let i = 0; i < tab.length; i++) if (tab.family[i] === 4) v4++;
    assert.ok(ss.length >= 15 && tab.length > v4, `the recording holds the zoo (${ss.length} IPv4 sockets of ${tab.length})`);
    assert.equal(v4, ss.length);
    const mine = new Map<string, ReturnType<SocketTable['record']>>();
    for (let i = 0; i < tab.length; i++) mine.set(recordKey(tab.record(i)), tab.record(i));
    for (const r of ss) {
      const k = key(r.state, r.local, r.remote);
      const m = mine.get(k);
      assert.ok(m, `ss shows ${k}; the decoder does not`);
      assert.equal(m.recvQ, r.recvQ, `${k} Recv-Q`);
      assert.equal(m.sendQ, r.sendQ, `${k} Send-Q`);
      assert.equal(m.inode, r.inode ?? 0, `${k} inode`);
      assert.equal(m.uid, r.uid ?? 0, `${k} uid`);
      assert.equal(m.proto, 'tcp');
    }
  });
}

test('zoo-tcp-udp.nl: protocols come from the request sequence; UDP rows are UDP', () => {
  const tab = decodeAll(read('zoo-tcp-udp.nl'));
  const protos = new Set<number>();
  for (let i = 0; i < tab.length; i++) protos.add(tab.proto[i]!);
  assert.deepEqual(
    [...protos].sort((a, b) => a - b),
    [PROTO_TCP, PROTO_UDP],
  );
  const udp = [];
  for (let i = 0; i < tab.length; i++) if (tab.proto[i] === PROTO_UDP) udp.push(tab.record(i));
  assert.deepEqual(udp.map((r) => `${r.family} ${r.state} ${r.local.address}:${r.local.port} ${r.remote.address}:${r.remote.port}`).sort(), [
    '4 UNCONN 127.0.0.1:7100 0.0.0.0:0',
    '6 ESTABLISHED ::1:7101 ::1:7100',
  ]);
});

test('zoo-tcp-info.nl: tcp_info, congestion control and skmem are decoded for full sockets', () => {
  const tab = decodeAll(read('zoo-tcp-info.nl'));
  let est = 0;
  for (let i = 0; i < tab.length; i++) {
    const r = tab.record(i);
    if (r.state === 'TIME_WAIT' || r.state === 'SYN_RECV') {
      assert.equal(r.info, undefined, 'mini sockets carry no tcp_info');
      continue;
    }
    assert.ok(r.info, `${recordKey(r)} has extended info`);
    assert.equal(r.info.skmem?.length, 9);
    assert.equal(typeof r.info['cong'], 'string');
    if (r.state === 'ESTABLISHED') {
      est++;
      assert.ok(r.info.cwnd! >= 1 && r.info.mss! > 0 && r.info.rttUs! > 0);
    }
  }
  assert.ok(est >= 4);
});

test('golden: ls -tuanoeim --replay of each recording', () => {
  mkdirSync(GOLDEN, { recursive: true });
  for (const f of fixtures) {
    const r = runCli(['ls', '-tuanoeim', '--replay', join(FIX, f)], { env: { TZ: 'UTC', LC_ALL: 'C' } });
    assert.equal(r.code, 0, r.stderr);
    const g = join(GOLDEN, f.replace(/\.nl$/, '.txt'));
    if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(g)) writeFileSync(g, r.stdout);
    assert.equal(r.stdout, readFileSync(g, 'utf8'), `${g} (refresh with UPDATE_GOLDEN=1)`);
  }
});

test('count fast path equals counting decoded rows', () => {
  for (const f of fixtures) {
    const bytes = read(f);
    const fast = new Float64Array(16);
    countSockDiag(bytes, fast);
    const tab = decodeAll(bytes);
    const slow = new Float64Array(16);
    for (let i = 0; i < tab.length; i++) slow[tab.state[i]!]!++;
    assert.deepEqual([...fast], [...slow], f);
  }
});

/** A netlink message: header then payload, padded to 4 bytes. */
function msg(type: number, flags: number, seq: number, payload: Uint8Array): Uint8Array {
  const len = 16 + payload.length;
  const out = new Uint8Array((len + 3) & ~3);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, len, true);
  dv.setUint16(4, type, true);
  dv.setUint16(6, flags, true);
  dv.setUint32(8, seq, true);
  out.set(payload, 16);
  return out;
}
const cat = (...parts: Uint8Array[]) => {
  const o = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let k = 0;
  for (const p of parts) {
    o.set(p, k);
    k += p.length;
  }
  return o;
};
const i32 = (v: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v, true);
  return b;
};
/** The first socket message of a real recording, re-used to build damaged streams. */
function firstSocket(): Uint8Array {
  const b = read('zoo-ss-D.nl');
  const len = new DataView(b.buffer, b.byteOffset).getUint32(0, true);
  return b.slice(0, (len + 3) & ~3);
}

test('NLMSG_ERROR with an errno is a typed ERR_IO naming it and the byte offset', () => {
  const s = firstSocket();
  const bytes = cat(s, msg(2, 0, 1, cat(i32(-1), new Uint8Array(16))));
  assert.throws(
    () => decodeSockDiag(bytes, () => {}),
    (e: unknown) => isTcpstateError(e) && e.code === 'ERR_IO' && /EPERM/.test(e.message) && e.where.offset === s.length,
  );
  // error 0 is an acknowledgement, not a failure
  assert.equal(decodeSockDiag(cat(s, msg(2, 0, 1, cat(i32(0), new Uint8Array(16))), msg(3, 0, 1, i32(0))), () => {}).stats.sockets, 1);
});

test('NLMSG_DONE ends a dump; a negative code in it is an error; NLM_F_DUMP_INTR is a warning', () => {
  const s = firstSocket();
  const ok = decodeSockDiag(cat(s, msg(3, 0, 1, i32(0)), s, msg(3, 0, 2, i32(0))), () => {});
  assert.deepEqual(ok.stats, { sockets: 2, dumps: 2, interrupted: 0 });
  assert.throws(() => decodeSockDiag(cat(s, msg(3, 0, 1, i32(-16))), () => {}), /EBUSY/);
  const intr = decodeSockDiag(cat(s, msg(3, NLM_F_DUMP_INTR, 1, i32(0))), () => {});
  assert.equal(intr.warnings[0]?.code, 'W_DUMP_INTR');
});

test('malformed input: a bad rtattr length, a short message, a bad family, a truncated stream', () => {
  const s = firstSocket();
  // The first attribute starts at 16 + 72 = 88; give it a length past the message end.
  const badAttr = s.slice();
  new DataView(badAttr.buffer).setUint16(88, 4000, true);
  assert.throws(
    () => decodeSockDiag(badAttr, () => {}),
    (e: unknown) => e instanceof TcpstateError && e.code === 'ERR_PARSE' && e.where.offset === 88 && e.where.field === 'rtattr',
  );
  const short = msg(20, 0, 1, new Uint8Array(40));
  assert.throws(
    () => decodeSockDiag(cat(s, short), () => {}),
    (e: unknown) => e instanceof TcpstateError && e.where.offset === s.length && e.where.field === 'inet_diag_msg',
  );
  const fam = s.slice();
  fam[16] = 7;
  assert.throws(
    () => decodeSockDiag(fam, () => {}),
    (e: unknown) => e instanceof TcpstateError && e.where.offset === 16 && e.where.field === 'idiag_family',
  );
  assert.throws(
    () => decodeSockDiag(s.subarray(0, s.length - 8), () => {}),
    (e: unknown) => e instanceof TcpstateError && e.where.offset === 0 && e.where.field === 'nlmsg_len',
  );
  const zero = new Uint8Array(16);
  assert.throws(
    () => decodeSockDiag(zero, () => {}),
    (e: unknown) => e instanceof TcpstateError && e.where.field === 'nlmsg_len',
  );
});

test('property: any truncation or byte damage of a recording decodes or fails with a typed error, never a crash', () => {
  const base = read('zoo-tcp-info.nl');
  fc.assert(
    fc.property(fc.nat(base.length), fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), (cut, flips) => {
      const b = base.slice(0, cut);
      for (const [at, v] of flips) if (at < b.length) b[at] = v;
      try {
        decodeSockDiag(b, () => {});
      } catch (e) {
        if (!isTcpstateError(e)) throw e;
        assert.ok(e.where.offset === undefined || (e.where.offset >= 0 && e.where.offset <= b.length));
      }
    }),
    { numRuns: 300 },
  );
});

test('state masks pushed to the kernel: SYN_RECV includes request sockets, all excludes bound-inactive', () => {
  assert.equal(kernelStates(maskOf(TIME_WAIT)), 1 << 6);
  assert.equal(kernelStates(maskOf(SYN_RECV)), (1 << 3) | (1 << 12));
  assert.equal(kernelStates(maskOf(LISTEN, ESTABLISHED)), (1 << 10) | (1 << 1));
  assert.equal(kernelStates(ALL_MASK), (0xffffffff & ~(1 << 13)) >>> 0);
  assert.equal(seqFor(17, 10) >>> 16, 0x5453);
});

test('the count fast path names the same byte offset for damage after good messages as the row decoder', () => {
  const good = read('zoo-ss-D.nl');
  const dones = [];
  const v = new DataView(good.buffer, good.byteOffset, good.byteLength);
  for (let p = 0; p < good.length; p += (v.getUint32(p, true) + 3) & ~3) if (v.getUint16(p + 4, true) === 3) dones.push(p);
  const head = good.subarray(0, dones[0]!); // every IPv4 socket message, no DONE
  const bad = cat(head, msg(99, 0, 1, i32(0)));
  const at = (f: () => void) => {
    try {
      f();
    } catch (e) {
      if (isTcpstateError(e)) return e.where.offset;
      throw e;
    }
    return undefined;
  };
  assert.equal(
    at(() => decodeSockDiag(bad, () => {})),
    head.length,
  );
  assert.equal(
    at(() => countSockDiag(bad, new Float64Array(16))),
    head.length,
  );
});

// The pure parts of tcpstate trace: record decoding, owners and time in state, timewait
// following, the ss filter over transitions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KIND_STATE, KIND_TW_ENTER, KIND_TW_KILL, KIND_TW_SCHED, parseTraceEvents, TRACE_EVENT_BYTES, type TraceEvent } from '../../src/trace/events.js';
import { Tracker, type TraceOwners, type Transition } from '../../src/trace/tracker.js';
import { TimewaitFollower, type TwRow } from '../../src/trace/timewait.js';
import { transitionMatcher } from '../../src/trace/match.js';
import { transitionJson } from '../../src/trace/render.js';
import { parseFilter } from '../../src/model/filter.js';
import { isTcpstateError } from '../../src/model/errors.js';
import type { Owner } from '../../src/model/table.js';
import { CLOSE, CLOSE_WAIT, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, LAST_ACK, LISTEN, SYN_RECV, SYN_SENT, TIME_WAIT } from '../../src/model/state.js';

function record(f: {
  time?: bigint;
  sk?: bigint;
  tw?: bigint;
  inode?: number;
  netns?: number;
  pid?: number;
  kind?: number;
  from: number;
  to: number;
  shutdown?: number;
  peerFin?: number;
  err?: number;
  acked?: number;
  received?: number;
  family?: number;
  lport?: number;
  rport?: number;
  comm?: string;
}): Buffer {
  const b = Buffer.alloc(TRACE_EVENT_BYTES);
  b.writeBigUInt64LE(f.time ?? 1000000n, 0);
  b.writeBigUInt64LE(f.sk ?? 0xffff1000n, 8);
  b.writeBigUInt64LE(f.tw ?? 0n, 16);
  b.writeBigUInt64LE(BigInt(f.inode ?? 0), 24);
  b.writeUInt32LE(f.netns ?? 4026531840, 32);
  b.writeUInt32LE(f.pid ?? 0, 36);
  b[40] = f.kind ?? KIND_STATE;
  b[41] = f.from;
  b[42] = f.to;
  b[43] = f.shutdown ?? 0;
  b.writeUInt16LE(f.err ?? 0, 50);
  b[60] = f.peerFin ?? 0xff;
  b.writeBigUInt64LE(BigInt(f.acked ?? 0), 112);
  b.writeBigUInt64LE(BigInt(f.received ?? 0), 120);
  b.writeUInt16LE(f.family ?? 2, 44);
  b.writeUInt16LE(f.lport ?? 0, 46);
  b.writeUInt16BE(f.rport ?? 0, 48);
  b.set([127, 0, 0, 1], 52);
  b.set([127, 0, 0, 2], 56);
  b.write(f.comm ?? 'swapper/0', 96, 'latin1');
  return b;
}

function ev(f: Parameters<typeof record>[0]): TraceEvent {
  return parseTraceEvents(record(f))[0]!;
}

class Owners implements TraceOwners {
  inodes = new Map<number, Owner>();
  listeners = new Map<string, Owner | undefined>();
  byInode(i: number): Owner | undefined {
    return this.inodes.get(i);
  }
  listener(ns: number, p: number): Owner | undefined {
    return this.listeners.get(`${ns}:${p}`);
  }
  noteListener(ns: number, p: number, o: Owner | undefined): void {
    this.listeners.set(`${ns}:${p}`, o);
  }
}

test('records decode: times, ports in host order, addresses, comm; a cut record and a bad family are errors at their byte', () => {
  const e = ev({ time: 123456789n, inode: 77, pid: 42, from: SYN_SENT, to: ESTABLISHED, lport: 40000, rport: 80, comm: 'curl' });
  assert.equal(e.time, 123456789n);
  assert.equal(e.lport, 40000);
  assert.equal(e.rport, 80);
  assert.equal(e.family, 4);
  assert.deepEqual([...e.laddr.subarray(0, 4)], [127, 0, 0, 1]);
  assert.equal(e.cpuComm, 'curl');
  assert.equal(e.inode, 77);
  assert.throws(
    () => parseTraceEvents(Buffer.alloc(TRACE_EVENT_BYTES + 3)),
    (x: unknown) => isTcpstateError(x) && x.code === 'ERR_PARSE' && new RegExp(`${TRACE_EVENT_BYTES + 3} bytes`).test(x.message),
  );
  const bad = Buffer.concat([record({ from: 1, to: 2 }), record({ from: 1, to: 2, family: 7 })]);
  assert.throws(
    () => parseTraceEvents(bad),
    (x: unknown) => isTcpstateError(x) && x.where.offset === TRACE_EVENT_BYTES + 44,
  );
});

test("owners: the socket file's holder, never a softirq's on-CPU task; connect's caller; the last owner after close(); the listener's owner before accept()", () => {
  const o = new Owners();
  o.inodes.set(10, { pid: 100, program: 'client' });
  const tr = new Tracker(o);
  const client = (f: Parameters<typeof record>[0]) => tr.push(ev({ sk: 0xa0n, ...f }))[0]!;
  // connect() before the owner walk knows the inode: the caller is the owner
  assert.equal(client({ time: 1_000_000n, inode: 11, pid: 200, comm: 'fresh', from: CLOSE, to: SYN_SENT }).owner?.pid, 200);
  // the SYN-ACK arrives in softirq: pid 0 on the CPU, owner still 200
  const est = client({ time: 3_000_000n, inode: 11, pid: 0, from: SYN_SENT, to: ESTABLISHED, lport: 5000, rport: 80 });
  assert.equal(est.owner?.pid, 200);
  assert.equal(est.ms, 2);
  // after close(): no file (inode 0), the last owner; the ports of a closed socket (0) are the remembered ones
  const cl = client({ time: 4_000_000n, inode: 0, pid: 0, from: FIN_WAIT2, to: CLOSE, lport: 0, rport: 80 });
  assert.equal(cl.owner?.pid, 200);
  assert.equal(cl.lport, 5000);
  // a socket known by inode is attributed by it, whoever is on the CPU
  assert.equal(tr.push(ev({ sk: 0xb0n, inode: 10, pid: 999, from: ESTABLISHED, to: CLOSE_WAIT }))[0]!.owner?.pid, 100);
  // a listener's child, not accepted yet, belongs to the listener's owner
  tr.push(ev({ sk: 0xc0n, inode: 12, pid: 300, comm: 'server', from: CLOSE, to: LISTEN, lport: 8080 }));
  const child = tr.push(ev({ sk: 0xd0n, inode: 0, pid: 0, from: LISTEN, to: SYN_RECV, lport: 8080, rport: 5555 }))[0]!;
  assert.deepEqual(child.owner, { pid: 300, program: 'server' });
  assert.equal(child.ms, undefined);
  assert.equal(tr.push(ev({ sk: 0xd0n, inode: 0, pid: 0, from: SYN_RECV, to: ESTABLISHED, lport: 8080, rport: 5555 }))[0]!.owner?.pid, 300);
  // an unknown socket with no file and no listener: unknown, not the CPU's task
  assert.equal(tr.push(ev({ sk: 0xe0n, inode: 0, pid: 77, from: ESTABLISHED, to: CLOSE_WAIT, lport: 1, rport: 2 }))[0]!.owner, undefined);
});

test("timewait hooks (where the kernel allows fentry): FIN_WAIT2 -> TIME_WAIT replaces the full socket's -> CLOSE; the substate change and the end are transitions", () => {
  const tr = new Tracker(new Owners());
  tr.push(ev({ sk: 0xa0n, time: 1_000_000n, pid: 5, comm: 'c', from: ESTABLISHED, to: FIN_WAIT1, lport: 1, rport: 2 }));
  tr.push(ev({ sk: 0xa0n, time: 2_000_000n, from: FIN_WAIT1, to: FIN_WAIT2, lport: 1, rport: 2 }));
  // orphaned FIN_WAIT2: the timewait socket starts in substate FIN_WAIT2: no transition yet
  assert.deepEqual(tr.push(ev({ kind: KIND_TW_ENTER, sk: 0xa0n, tw: 0xb0n, time: 2_100_000n, from: FIN_WAIT2, to: FIN_WAIT2, lport: 1, rport: 2 })), []);
  assert.deepEqual(tr.push(ev({ sk: 0xa0n, time: 2_100_000n, from: FIN_WAIT2, to: CLOSE })), []);
  const tw = tr.push(ev({ kind: KIND_TW_SCHED, tw: 0xb0n, sk: 0n, time: 5_000_000n, from: 0, to: TIME_WAIT, lport: 1, rport: 2 }))[0]!;
  assert.equal(tw.from, FIN_WAIT2);
  assert.equal(tw.to, TIME_WAIT);
  assert.equal(tw.ms, 3);
  assert.equal(tw.owner?.pid, 5);
  const end = tr.push(ev({ kind: KIND_TW_KILL, tw: 0xb0n, sk: 0n, time: 65_000_000n, from: 0, to: TIME_WAIT, lport: 1, rport: 2 }))[0]!;
  assert.equal(`${end.from}>${end.to}`, `${TIME_WAIT}>${CLOSE}`);
  assert.equal(end.ms, 60);
  assert.equal(tr.size, 0);
});

test('timewait followed by dumps: held CLOSE settled as TIME_WAIT (exact or observed), FIN_WAIT2 followed to TIME_WAIT and to its end, a real close released as it was', () => {
  const o = new Owners();
  const tr = new Tracker(o, true);
  tr.push(ev({ sk: 0xa0n, time: 1_000_000n, from: FIN_WAIT1, to: FIN_WAIT2, lport: 1, rport: 2 }));
  const held = tr.push(ev({ sk: 0xa0n, time: 3_000_000n, from: FIN_WAIT2, to: CLOSE, shutdown: 3, peerFin: 1 }))[0]!;
  assert.deepEqual(held.timewait, { finReceived: true });
  const f = new TimewaitFollower();
  f.hold(held, true);
  const row = (state: number): TwRow => ({ family: 4, laddr: held.laddr, lport: 1, raddr: held.raddr, rport: 2, state });
  const [t1] = f.poll(10_000_000n, () => [row(TIME_WAIT)]);
  assert.equal(`${t1!.from}>${t1!.to}`, `${FIN_WAIT2}>${TIME_WAIT}`);
  assert.equal(t1!.time, 3_000_000n, "the FIN had come: TIME_WAIT from the kernel's instant");
  assert.equal(t1!.observed, false);
  assert.equal(t1!.ms, 2);
  assert.deepEqual(
    f.poll(20_000_000n, () => [row(TIME_WAIT)]),
    [],
  );
  const [t2] = f.poll(63_000_000n, () => []);
  assert.equal(`${t2!.from}>${t2!.to}`, `${TIME_WAIT}>${CLOSE}`);
  assert.equal(t2!.observed, true);
  assert.equal(t2!.ms, 60);
  assert.equal(f.size, 0);
  // an orphan: FIN_WAIT2 as a timewait socket, then TIME_WAIT when a dump sees it
  const orphan = { ...held, timewait: { finReceived: false } };
  f.hold(orphan, false);
  assert.deepEqual(
    f.poll(5_000_000n, () => [row(FIN_WAIT2)]),
    [],
  );
  assert.equal(f.holding, true);
  const [t3] = f.poll(9_000_000n, () => [row(TIME_WAIT)]);
  assert.equal(`${t3!.from}>${t3!.to}/${t3!.observed}/${t3!.ms}`, `${FIN_WAIT2}>${TIME_WAIT}/true/8`);
  // no timewait socket: the close was real (and the orphan's timewait socket is gone too)
  f.hold(held, true);
  const r4 = f.poll(10_000_000n, () => []);
  assert.deepEqual(
    r4.map((x) => `${x.from}>${x.to}/${x.observed}`),
    [`${FIN_WAIT2}>${CLOSE}/undefined`, `${TIME_WAIT}>${CLOSE}/true`],
  );
  // the namespace went away: its timewait sockets with it
  f.hold(held, true);
  assert.equal(f.poll(12_000_000n, () => [row(TIME_WAIT)])[0]!.to, TIME_WAIT);
  assert.equal(f.poll(13_000_000n, () => 'gone')[0]!.to, CLOSE);
  assert.equal(f.size, 0);
});

test("an orphan closed before the peer's FIN (close() set RCV_SHUTDOWN, SOCK_DONE not set) whose TIME_WAIT the first dump shows: timed when that dump ended, observed, not at the close", () => {
  const tr = new Tracker(new Owners(), true);
  tr.push(ev({ sk: 0xc0n, time: 1_000_000n, from: FIN_WAIT1, to: FIN_WAIT2, lport: 1, rport: 2 }));
  const held = tr.push(ev({ sk: 0xc0n, time: 2_000_000n, from: FIN_WAIT2, to: CLOSE, shutdown: 3, peerFin: 0 }))[0]!;
  assert.deepEqual(held.timewait, { finReceived: false });
  const f = new TimewaitFollower();
  f.hold(held, false);
  const row: TwRow = { family: 4, laddr: held.laddr, lport: 1, raddr: held.raddr, rport: 2, state: TIME_WAIT };
  const [t1] = f.poll(
    50_000_000n,
    () => [row],
    () => 70_000_000n,
  );
  assert.equal(`${t1!.from}>${t1!.to}/${t1!.observed}/${t1!.time}/${t1!.ms}`, `${FIN_WAIT2}>${TIME_WAIT}/true/70000000/69`);
});

test('ss filters over transitions: a state keeps changes into or out of it; ports and addresses as ss', () => {
  const tr = new Tracker(new Owners());
  const t: Transition = tr.push(ev({ sk: 1n, from: ESTABLISHED, to: CLOSE_WAIT, lport: 8080, rport: 40000 }))[0]!;
  const m = (words: string[]): boolean => transitionMatcher(parseFilter(words))(t);
  assert.equal(m(['state', 'close-wait']), true);
  assert.equal(m(['state', 'established']), true);
  assert.equal(m(['state', 'last-ack']), false);
  assert.equal(m(['sport', '=', ':8080']), true);
  assert.equal(m(['dport', '=', ':8080']), false);
  assert.equal(m(['dst', '127.0.0.2']), true);
  assert.equal(m(['src', '10.0.0.0/8']), false);
  const j = transitionJson({ ...t, owner: { pid: 9, program: 'x' } }, 0n);
  assert.deepEqual([j.from, j.to, j.local, j.remote, j.pid], ['ESTABLISHED', 'CLOSE_WAIT', { address: '127.0.0.1', port: 8080 }, { address: '127.0.0.2', port: 40000 }, 9]);
  void LAST_ACK;
});

test('the tracker stays bounded: sockets whose close was lost are forgotten past MAX_TRACKED, oldest first, and counted', async () => {
  const { MAX_TRACKED } = await import('../../src/trace/tracker.js');
  const tr = new Tracker(new Owners());
  const base = ev({ sk: 1n, time: 1n, inode: 0, pid: 0, from: CLOSE, to: SYN_SENT });
  for (let i = 0; i < MAX_TRACKED + 5; i++) tr.push({ ...base, sk: `s${i}` });
  assert.equal(tr.size, MAX_TRACKED);
  assert.equal(tr.forgotten, 5);
  // the first five are gone: their next change has no time in the old state; a later one's has
  assert.equal(tr.push({ ...base, sk: 's0', time: 2_000_001n, from: SYN_SENT, to: ESTABLISHED })[0]!.ms, undefined);
  assert.equal(tr.push({ ...base, sk: `s${MAX_TRACKED}`, time: 2_000_001n, from: SYN_SENT, to: ESTABLISHED })[0]!.ms, 2);
});

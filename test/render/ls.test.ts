/**
 * `ls` text is laid out as bytes, column by column, with widths counted from the numbers.
 * It must read exactly as the plain string rendering of the same rows: every cell made with
 * formatEndpoint, stateName and String, widths measured on that text, lines padded and joined
 * (the reference below is that rendering, as `ls` did it before the byte layout).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { AF_INET, AF_INET6, formatEndpoint } from '../../src/model/address.js';
import { stateName } from '../../src/model/state.js';
import { F_DUALSTACK, F_HAS_QUEUES, F_HAS_TIMER, NO_TIME, NO_UID, type Owner, PROTO_TCP, PROTO_UDP, SocketTable } from '../../src/model/table.js';
import { type LsColumns, ownerCell, planLs, renderLs, timerCell } from '../../src/render/ls.js';
import { digits, ipv4Length, putIpv4Addr, putPort, putUint } from '../../src/render/row-bytes.js';
import { infoCell, memoryCell } from '../../src/render/tcp-info.js';
import { displayWidth } from '../../src/render/wrap.js';

interface Col {
  header: string;
  right?: boolean;
  min?: number;
  cell: (i: number) => string;
}

/** The string rendering: every cell as text, widths from the text, lines padded and trimmed. */
function reference(t: SocketTable, c: LsColumns): { text: string; widths: number[] } {
  const dual = (i: number) => (t.flags[i]! & F_DUALSTACK) !== 0;
  const queue = (q: Uint32Array) => (i: number) => ((t.flags[i]! & F_HAS_QUEUES) !== 0 ? String(q[i]) : '-');
  const cols: Col[] = [
    { header: 'Proto', min: 5, cell: (i) => `${t.proto[i] === PROTO_UDP ? 'udp' : 'tcp'}${t.family[i] === AF_INET ? '' : '6'}` },
    { header: 'Recv-Q', right: true, cell: queue(t.recvQ) },
    { header: 'Send-Q', right: true, cell: queue(t.sendQ) },
    { header: 'Local Address', min: 23, cell: (i) => formatEndpoint(t.family[i]!, t.laddr, i * 16, t.lport[i]!, dual(i)) },
    { header: 'Foreign Address', min: 23, cell: (i) => formatEndpoint(t.family[i]!, t.raddr, i * 16, t.rport[i]!, dual(i)) },
    { header: 'State', min: 11, cell: (i) => (t.proto[i] === PROTO_UDP && t.state[i] === 7 ? '' : stateName(t.state[i]!)) },
  ];
  if (c.extended) {
    cols.push({ header: 'User', min: 6, cell: (i) => (t.uid[i] === NO_UID ? '-' : String(t.uid[i])) });
    cols.push({ header: 'Inode', min: 8, cell: (i) => String(t.inode[i]) });
  }
  if (c.processes) cols.push({ header: 'PID/Program name', min: 20, cell: (i) => ownerCell(t, i) });
  if (c.timers) cols.push({ header: 'Timer', cell: (i) => timerCell(t, i) });
  if (c.memory) cols.push({ header: 'Memory', cell: (i) => memoryCell(t.ext.get(i)) });
  if (c.info) cols.push({ header: 'Info', cell: (i) => infoCell(t.ext.get(i)) });
  const header = c.header !== false;
  const last = cols.length - 1;
  const widths = cols.map((col, j) => {
    let m = Math.max(col.min ?? 0, col.header.length); // -H keeps the widths the header would give
    // Cells are measured in display columns: a process name in CJK takes two a character.
    if (j < last) for (let i = 0; i < t.length; i++) m = Math.max(m, displayWidth(col.cell(i)));
    return m;
  });
  const line = (cells: string[], trim: boolean) => {
    const s = cells.map((v, j) => (j === last ? v : cols[j]!.right ? v.padStart(widths[j]!) : v + ' '.repeat(Math.max(0, widths[j]! - displayWidth(v))))).join(' ');
    return (trim ? s.replace(/ +$/, '') : s) + '\n';
  };
  // With the owner column last, rows are not trimmed (an owner is printed whole).
  const trimRows = !(c.processes && !c.timers && !c.memory && !c.info);
  let text = header
    ? line(
        cols.map((col) => col.header),
        true,
      )
    : '';
  for (let i = 0; i < t.length; i++)
    text += line(
      cols.map((col) => col.cell(i)),
      trimRows,
    );
  return { text, widths };
}

const u32 = fc.oneof(fc.constant(0), fc.constant(0xffffffff), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 0xffffffff }));
const port = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 9 }), fc.constant(65535), fc.integer({ min: 0, max: 65535 }));
const latin1 = fc.string({ unit: fc.integer({ min: 1, max: 255 }).map((x) => String.fromCharCode(x)), maxLength: 20 });
/** Process names as read (UTF-8): any code point, CJK among them. */
const names = fc.oneof(latin1, fc.string({ unit: 'grapheme', maxLength: 12 }), fc.constantFrom('服务', 'nginx-工作进程', 'café', '😀x'));

/** 16 address bytes of every kind ss prints differently. */
const address = fc.oneof(
  fc.uint8Array({ minLength: 16, maxLength: 16 }),
  fc.uint8Array({ minLength: 4, maxLength: 4 }).map((v4) => Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4])),
  fc.constant(new Uint8Array(16)),
  fc.constant(Uint8Array.from([...new Array<number>(15).fill(0), 1])),
  fc.array(fc.constantFrom(0, 0, 1, 0xff), { minLength: 16, maxLength: 16 }).map((b) => Uint8Array.from(b)),
);

const row = fc.record({
  family: fc.constantFrom<number>(AF_INET, AF_INET, AF_INET6),
  proto: fc.constantFrom(PROTO_TCP, PROTO_UDP),
  state: fc.oneof(fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 255 })),
  flags: fc.record({ queues: fc.boolean(), dual: fc.boolean(), timer: fc.boolean() }),
  laddr: address,
  raddr: address,
  lport: port,
  rport: port,
  recvQ: u32,
  sendQ: u32,
  uid: fc.oneof(fc.constant(NO_UID), u32),
  inode: u32,
  timer: fc.integer({ min: 0, max: 6 }),
  timerMs: fc.oneof(fc.constant(NO_TIME), u32),
  retrans: u32,
  probes: u32,
  owners: fc.array(fc.record({ pid: fc.integer({ min: 1, max: 4194304 }), program: fc.oneof(names, fc.constantFrom('', 'nginx', 'a b ', 'x\xa0')) }), { maxLength: 3 }),
  ext: fc.option(fc.record({ rttUs: fc.integer({ min: 0, max: 1e7 }), cwnd: fc.integer({ min: 1, max: 1000 }), skmem: fc.array(fc.nat(), { minLength: 9, maxLength: 9 }) })),
});
type Row = typeof row extends fc.Arbitrary<infer R> ? R : never;

function table(rows: Row[]): SocketTable {
  const t = new SocketTable(16);
  for (const r of rows) {
    const i = t.add();
    t.family[i] = r.family;
    t.proto[i] = r.proto;
    t.state[i] = r.state;
    t.flags[i] = (r.flags.queues ? F_HAS_QUEUES : 0) | (r.flags.dual ? F_DUALSTACK : 0) | (r.flags.timer ? F_HAS_TIMER : 0);
    // An IPv4 row keeps its address in the first 4 bytes, the rest zero, as sources fill it.
    t.laddr.set(r.family === AF_INET ? r.laddr.subarray(0, 4) : r.laddr, i * 16);
    t.raddr.set(r.family === AF_INET ? r.raddr.subarray(0, 4) : r.raddr, i * 16);
    t.lport[i] = r.lport;
    t.rport[i] = r.rport;
    t.recvQ[i] = r.recvQ;
    t.sendQ[i] = r.sendQ;
    t.uid[i] = r.uid;
    t.inode[i] = r.inode;
    t.timer[i] = r.timer;
    t.timerMs[i] = r.timerMs;
    t.retrans[i] = r.retrans;
    t.probes[i] = r.probes;
    const owners: Owner[] = r.owners;
    if (owners.length > 0) {
      if (r.inode !== 0) t.owners.set(r.inode, owners);
      else t.rowOwners.set(i, owners);
    }
    if (r.ext) t.ext.set(i, r.ext);
  }
  return t;
}

const columns = fc.record({
  extended: fc.boolean(),
  processes: fc.boolean(),
  timers: fc.boolean(),
  header: fc.boolean(),
  memory: fc.boolean(),
  info: fc.boolean(),
});

/** Every way out of a plan: strings, bytes (views of a reused block, copied at once), renderLs. */
async function outputs(t: SocketTable, c: LsColumns): Promise<{ text: string; bytes: string; rendered: string; widths: readonly number[] }> {
  const parts: string[] = [];
  const plan = planLs(t, c);
  plan.write((s) => parts.push(s));
  const chunks: Buffer[] = [];
  // Every other block is kept a while (a promise), as a pipe that fills keeps it.
  await planLs(t, c).writeBytes((b) => {
    const copy = Buffer.from(b);
    chunks.push(copy);
    if (chunks.length % 2 === 0)
      return new Promise<void>((resolve) =>
        setImmediate(() => {
          assert.deepEqual(b, copy, 'kept bytes unchanged');
          resolve();
        }),
      );
  });
  return { text: parts.join(''), bytes: Buffer.concat(chunks).toString('utf8'), rendered: renderLs(t, c), widths: plan.widths };
}

test('ls bytes read as the string rendering of any table, with the same widths', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(row, { maxLength: 40 }), columns, async (rows, c) => {
      const t = table(rows);
      const want = reference(t, c);
      const got = await outputs(t, c);
      assert.equal(got.text, want.text);
      assert.equal(got.bytes, want.text);
      assert.equal(got.rendered, want.text);
      assert.deepEqual(got.widths.slice(0, -1), want.widths.slice(0, -1));
    }),
    { numRuns: 400 },
  );
});

test('IPv4-only tables (the counted fast path) with every column set', async () => {
  const v4row = row.map((r) => ({ ...r, family: AF_INET }));
  await fc.assert(
    fc.asyncProperty(fc.array(v4row, { minLength: 1, maxLength: 60 }), columns, async (rows, c) => {
      const t = table(rows);
      const want = reference(t, c);
      const got = await outputs(t, c);
      assert.equal(got.bytes, want.text);
      assert.deepEqual(got.widths.slice(0, -1), want.widths.slice(0, -1));
    }),
    { numRuns: 300 },
  );
});

test('large tables cross blocks of rows and of output bytes', async () => {
  // 9000 rows: several blocks of rows, and more than one 256 KiB block of output.
  const rows = fc.sample(row, { numRuns: 9000, seed: 42 });
  const t = table(rows);
  for (const c of [{}, { extended: true }, { processes: true }, { processes: true, timers: true }, { header: false, info: true }]) {
    const want = reference(t, c).text;
    assert.ok(want.length > 256 * 1024);
    const got = await outputs(t, c);
    assert.equal(got.bytes, want, JSON.stringify(c));
    assert.equal(got.text, want, JSON.stringify(c));
  }
});

test('digits, IPv4 endpoints and integers as bytes equal their strings', () => {
  fc.assert(
    fc.property(fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.maxSafeInteger().map(Math.abs)), (n) => {
      assert.equal(digits(n), String(n).length);
      const b = new Uint8Array(32);
      assert.equal(Buffer.from(b.subarray(0, putUint(b, 0, n, digits(n)))).toString('latin1'), String(n));
    }),
  );
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), port, (a, p) => {
      const b = new Uint8Array(32);
      const end = putPort(b, putIpv4Addr(b, 0, a, 0), p);
      const want = formatEndpoint(AF_INET, a, 0, p);
      assert.equal(Buffer.from(b.subarray(0, end)).toString('latin1'), want);
      assert.equal(ipv4Length(a, 0, p), want.length);
    }),
  );
  for (const n of [0, 9, 10, 99, 100, 1e9 - 1, 1e9, 2 ** 32 - 1, 2 ** 32, 1e10, 2 ** 53 - 1]) assert.equal(digits(n), String(n).length, String(n));
});

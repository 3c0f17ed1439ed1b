/**
 * Mutators over the bytes of an input, and over a /proc tree's files: bit flips, byte
 * insertion and deletion, truncation at a structural boundary (a line, a token, a pcap
 * record or pcapng block, a netlink message or attribute), block duplication, splicing two
 * inputs, and long-token inflation.
 */
import type { Rng } from './rng.js';

/** How an input's bytes are laid out, for structural boundaries. */
export type Layout = 'text' | 'pcap' | 'netlink';

/** A file of a /proc tree: bytes, or a symbolic link's target (`PID/fd/N -> socket:[INODE]`). */
export interface TreeEntry {
  path: string;
  bytes?: Uint8Array;
  link?: string;
}

/**
 * One input: bytes (written to a file named `name`), a /proc tree, or an existing path read as
 * it is (a device such as /dev/zero).
 */
export type FuzzInput = { kind: 'bytes'; bytes: Uint8Array } | { kind: 'tree'; files: TreeEntry[] } | { kind: 'path'; path: string };

/** Bytes written into inputs: the ones that mean something to some parser. */
const INTERESTING = [0x00, 0xff, 0x7f, 0x80, 0x0a, 0x0d, 0x09, 0x20, 0x3a, 0x2e, 0x5b, 0x5d, 0x2c, 0x22, 0x7b, 0x7d, 0x1b, 0x30, 0x39, 0x2d, 0xc3, 0xef, 0xbb, 0xbf, 0xfe, 0x01];

function u32le(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
function u32be(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}
function u16le(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}

/** Offsets where a line or a token begins or ends. */
function textBoundaries(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < b.length && out.length < 100_000; i++) {
    const c = b[i]!;
    if (c === 0x0a || c === 0x20 || c === 0x09 || c === 0x3a || c === 0x2c || c === 0x22 || c === 0x7b || c === 0x7d || c === 0x5b || c === 0x5d || c === 0x2e) out.push(i, i + 1);
  }
  return out;
}

/** Record (pcap) or block (pcapng) starts and ends, and the fields of their headers. */
function pcapBoundaries(b: Uint8Array): number[] {
  const out = [0, 4, 8, 12, 16, 20, 24];
  if (b.length < 24) return out;
  const magic = u32le(b, 0);
  if (magic === 0x0a0d0d0a) {
    let le = u32le(b, 8) === 0x1a2b3c4d;
    for (let o = 0; o + 12 <= b.length && out.length < 100_000; ) {
      if (u32le(b, o) === 0x0a0d0d0a) le = u32le(b, o + 8) === 0x1a2b3c4d;
      const len = le ? u32le(b, o + 4) : u32be(b, o + 4);
      out.push(o, o + 4, o + 8, o + 12, o + 16, o + 20, o + 28);
      if (len < 12 || len % 4 !== 0) break;
      o += len;
      out.push(o - 4);
    }
    return out;
  }
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const be = u32be(b, 0) === 0xa1b2c3d4 || u32be(b, 0) === 0xa1b23c4d;
  if (!le && !be) return out;
  for (let o = 24; o + 16 <= b.length && out.length < 100_000; ) {
    const incl = le ? u32le(b, o + 8) : u32be(b, o + 8);
    out.push(o, o + 4, o + 8, o + 12, o + 16, o + 16 + 14, o + 16 + 34);
    o += 16 + incl;
  }
  return out;
}

/** Netlink message starts and ends, the inet_diag_msg header and each attribute. */
function netlinkBoundaries(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let o = 0; o + 16 <= b.length && out.length < 100_000; ) {
    const len = u32le(b, o);
    out.push(o, o + 4, o + 6, o + 8, o + 16, o + 16 + 72);
    if (len < 16) break;
    for (let a = o + 16 + 72; a + 4 <= o + len && a + 4 <= b.length; ) {
      const alen = u16le(b, a);
      out.push(a, a + 4);
      if (alen < 4) break;
      a += (alen + 3) & ~3;
    }
    o += (len + 3) & ~3;
    out.push(o);
  }
  return out;
}

export function boundaries(layout: Layout, b: Uint8Array): number[] {
  const raw = layout === 'pcap' ? pcapBoundaries(b) : layout === 'netlink' ? netlinkBoundaries(b) : textBoundaries(b);
  return raw.filter((o) => o > 0 && o < b.length);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** What a mutator may use besides its input: the layout and another input to splice with. */
export interface MutateContext {
  layout: Layout;
  other: () => Uint8Array;
}

type Mutator = (rng: Rng, b: Uint8Array, ctx: MutateContext) => Uint8Array;

export const MUTATORS: Readonly<Record<string, Mutator>> = {
  bitflip(rng, b) {
    if (b.length === 0) return b;
    const out = b.slice();
    for (let k = 1 + rng.int(8); k > 0; k--) {
      const i = rng.int(out.length);
      out[i] = out[i]! ^ (1 << rng.int(8));
    }
    return out;
  },
  insert(rng, b) {
    const at = rng.int(b.length + 1);
    const n = 1 + rng.int(4);
    const ins = new Uint8Array(n);
    for (let i = 0; i < n; i++) ins[i] = rng.chance(0.7) ? rng.pick(INTERESTING) : rng.int(256);
    return concat(b.subarray(0, at), ins, b.subarray(at));
  },
  delete(rng, b) {
    if (b.length === 0) return b;
    const at = rng.int(b.length);
    const n = 1 + rng.int(rng.chance(0.5) ? 4 : 64);
    return concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + n)));
  },
  truncate(rng, b, ctx) {
    const bs = boundaries(ctx.layout, b);
    const at = bs.length > 0 ? rng.pick(bs) : rng.int(b.length + 1);
    return b.slice(0, at);
  },
  duplicate(rng, b, ctx) {
    if (b.length === 0) return b;
    const bs = boundaries(ctx.layout, b);
    let from = rng.int(b.length);
    let to = Math.min(b.length, from + 1 + rng.int(256));
    if (bs.length >= 2) {
      const i = rng.int(bs.length - 1);
      from = bs[i]!;
      to = bs[Math.min(bs.length - 1, i + 1 + rng.int(8))]!;
      if (to <= from) to = Math.min(b.length, from + 16);
    }
    const at = bs.length > 0 ? rng.pick(bs) : rng.int(b.length + 1);
    const copies = rng.chance(0.1) ? 2 + rng.int(50) : 1;
    const block = b.subarray(from, to);
    return concat(b.subarray(0, at), ...new Array<Uint8Array>(copies).fill(block), b.subarray(at));
  },
  splice(rng, b, ctx) {
    const o = ctx.other();
    const bs = boundaries(ctx.layout, b);
    const os = boundaries(ctx.layout, o);
    const at = bs.length > 0 ? rng.pick(bs) : rng.int(b.length + 1);
    const from = os.length > 0 ? rng.pick(os) : rng.int(o.length + 1);
    return concat(b.subarray(0, at), o.subarray(from));
  },
  inflate(rng, b, ctx) {
    const n = rng.pick([100, 1000, 10_000, 100_000, 1_000_000]);
    const bs = boundaries(ctx.layout, b);
    const at = bs.length > 0 ? rng.pick(bs) : rng.int(b.length + 1);
    // Repeat the byte there (a long token), or pad with spaces, zeros or digits.
    const byte = rng.chance(0.5) && at < b.length ? b[at]! : rng.pick([0x20, 0x00, 0x39, 0x61, 0x3a, 0xff]);
    return concat(b.subarray(0, at), new Uint8Array(n).fill(byte), b.subarray(at));
  },
};

export const MUTATOR_NAMES = Object.keys(MUTATORS);

/** Inputs larger than this are cut back (the generated large cases are not mutated). */
const MAX_MUTATED = 4 << 20;

/** 1 to 4 mutations of `b`; returns the bytes and the names of the steps taken. */
export function mutateBytes(rng: Rng, b: Uint8Array, ctx: MutateContext): { bytes: Uint8Array; steps: string[] } {
  const steps: string[] = [];
  let out = b;
  for (let k = 1 + (rng.chance(0.5) ? 0 : rng.int(4)); k > 0; k--) {
    const name = rng.pick(MUTATOR_NAMES);
    out = MUTATORS[name]!(rng, out, ctx);
    if (out.length > MAX_MUTATED) out = out.slice(0, MAX_MUTATED);
    steps.push(name);
  }
  return { bytes: out, steps };
}

/** Link targets that are not what /proc/PID/fd holds for a socket, or nearly. */
const ODD_LINKS = ['socket:[]', 'socket:[abc]', 'socket:[99999999999999999999]', 'socket:[-1]', 'socket:[0]', '/dev/null', 'pipe:[1234]', 'socket:[1', 'x'];

/**
 * Mutate one /proc tree: change one file's bytes, empty or remove a file, point a descriptor
 * elsewhere, or take a file from another tree.
 */
export function mutateTree(rng: Rng, files: TreeEntry[], other: () => TreeEntry[]): { files: TreeEntry[]; steps: string[] } {
  const out = files.map((f) => ({ ...f }));
  const regular = out.filter((f) => f.bytes !== undefined);
  const links = out.filter((f) => f.link !== undefined);
  const op = rng.pick(['bytes', 'bytes', 'bytes', 'bytes', 'remove', 'empty', 'link', 'graft']);
  if (op === 'remove' && out.length > 0) {
    const i = rng.int(out.length);
    const gone = out[i]!.path;
    out.splice(i, 1);
    return { files: out, steps: [`remove ${gone}`] };
  }
  if (op === 'empty' && regular.length > 0) {
    const f = rng.pick(regular);
    f.bytes = new Uint8Array(0);
    return { files: out, steps: [`empty ${f.path}`] };
  }
  if (op === 'link' && links.length > 0) {
    const f = rng.pick(links);
    f.link = rng.pick(ODD_LINKS);
    return { files: out, steps: [`link ${f.path} -> ${f.link}`] };
  }
  if (op === 'graft') {
    const o = other().filter((f) => f.bytes !== undefined);
    if (o.length > 0) {
      const g = rng.pick(o);
      const mine = out.find((f) => f.path === g.path);
      if (mine) {
        mine.bytes = g.bytes;
        mine.link = undefined;
      } else out.push({ ...g });
      return { files: out, steps: [`graft ${g.path}`] };
    }
  }
  if (regular.length === 0) return { files: out, steps: ['none'] };
  // Weigh the files tcpstate parses most: net/*, then sys/*, then comm.
  const net = regular.filter((f) => f.path.startsWith('net/'));
  const f = net.length > 0 && rng.chance(0.6) ? rng.pick(net) : rng.pick(regular);
  const others = regular.filter((x) => x.path.startsWith(f.path.split('/')[0]!));
  const m = mutateBytes(rng, f.bytes!, { layout: 'text', other: () => rng.pick(others).bytes! });
  f.bytes = m.bytes;
  return { files: out, steps: m.steps.map((s) => `${s} ${f.path}`) };
}

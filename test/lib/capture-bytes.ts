/**
 * Hand-built capture bytes for the cases no tool writes on this machine (pcapng SPB, the
 * obsolete PB, if_tsoffset, binary if_tsresol): small builders following
 * draft-ietf-opsawg-pcapng, with the packets themselves taken from real fixtures.
 */

function pad4(n: number): number {
  return (n + 3) & ~3;
}

export class NgWriter {
  private parts: Buffer[] = [];
  constructor(private readonly le = true) {}

  private u16(v: number): Buffer {
    const b = Buffer.alloc(2);
    if (this.le) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  }
  private u32(v: number): Buffer {
    const b = Buffer.alloc(4);
    if (this.le) b.writeUInt32LE(v >>> 0);
    else b.writeUInt32BE(v >>> 0);
    return b;
  }

  /** A block: type, total length, body (padded), total length. */
  block(type: number, body: Buffer): this {
    const padded = Buffer.concat([body, Buffer.alloc(pad4(body.length) - body.length)]);
    const len = 12 + padded.length;
    this.parts.push(this.u32(type), this.u32(len), padded, this.u32(len));
    return this;
  }

  option(code: number, value: Buffer): Buffer {
    return Buffer.concat([this.u16(code), this.u16(value.length), value, Buffer.alloc(pad4(value.length) - value.length)]);
  }

  shb(): this {
    const sectionLen = Buffer.alloc(8, 0xff);
    return this.block(0x0a0d0d0a, Buffer.concat([this.u32(0x1a2b3c4d), this.u16(1), this.u16(0), sectionLen]));
  }

  idb(linkType: number, opts: Buffer[] = [], snapLen = 0): this {
    const end = opts.length ? Buffer.concat([...opts, this.u16(0), this.u16(0)]) : Buffer.alloc(0);
    return this.block(1, Buffer.concat([this.u16(linkType), this.u16(0), this.u32(snapLen), end]));
  }

  /** Options: if_tsresol (9), if_tsoffset (14, seconds). */
  tsresol(v: number): Buffer {
    return this.option(9, Buffer.from([v]));
  }
  tsoffset(seconds: bigint): Buffer {
    const b = Buffer.alloc(8);
    if (this.le) b.writeBigInt64LE(seconds);
    else b.writeBigInt64BE(seconds);
    return this.option(14, b);
  }

  epb(iface: number, ts: bigint, data: Buffer, origLen = data.length, flags?: number): this {
    const opts = flags === undefined ? Buffer.alloc(0) : Buffer.concat([this.option(2, this.u32(flags)), this.u16(0), this.u16(0)]);
    const body = Buffer.concat([
      this.u32(iface),
      this.u32(Number(ts >> 32n)),
      this.u32(Number(ts & 0xffffffffn)),
      this.u32(data.length),
      this.u32(origLen),
      data,
      Buffer.alloc(pad4(data.length) - data.length),
      opts,
    ]);
    return this.block(6, body);
  }

  spb(data: Buffer, origLen = data.length): this {
    return this.block(3, Buffer.concat([this.u32(origLen), data]));
  }

  /** The obsolete Packet Block (type 2): 16-bit interface id and drops count. */
  pb(iface: number, ts: bigint, data: Buffer): this {
    const body = Buffer.concat([this.u16(iface), this.u16(0), this.u32(Number(ts >> 32n)), this.u32(Number(ts & 0xffffffffn)), this.u32(data.length), this.u32(data.length), data]);
    return this.block(2, body);
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** The packets of a classic pcap file (little- or big-endian), as [sec, frac, data]. */
export function pcapPackets(file: Buffer): { sec: number; frac: number; data: Buffer }[] {
  const magic = file.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const r32 = (o: number) => (le ? file.readUInt32LE(o) : file.readUInt32BE(o));
  const out: { sec: number; frac: number; data: Buffer }[] = [];
  for (let o = 24; o + 16 <= file.length; ) {
    const cap = r32(o + 8);
    out.push({ sec: r32(o), frac: r32(o + 4), data: file.subarray(o + 16, o + 16 + cap) });
    o += 16 + cap;
  }
  return out;
}

/**
 * Socket addresses: 16 bytes per address (IPv4 in the first 4), formatted the way `ss`
 * prints them, parsed from text, and matched against CIDR prefixes.
 * @module
 */

export const AF_INET = 4;
export const AF_INET6 = 6;

/** Is this IPv6 address `::ffff:a.b.c.d`? */
export function isV4Mapped(buf: Uint8Array, off: number): boolean {
  for (let i = 0; i < 10; i++) if (buf[off + i] !== 0) return false;
  return buf[off + 10] === 0xff && buf[off + 11] === 0xff;
}

function isZero(buf: Uint8Array, off: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (buf[off + i] !== 0) return false;
  return true;
}

export function formatV4(buf: Uint8Array, off: number): string {
  return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
}

/** RFC 5952 text of an IPv6 address: lower case, longest zero run (≥2 groups) as `::`. */
export function formatV6(buf: Uint8Array, off: number): string {
  if (isV4Mapped(buf, off)) return `::ffff:${formatV4(buf, off + 12)}`;
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((buf[off + 2 * i]! << 8) | buf[off + 2 * i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.map((g) => g.toString(16)).join(':');
  const head = groups
    .slice(0, bestStart)
    .map((g) => g.toString(16))
    .join(':');
  const tail = groups
    .slice(bestStart + bestLen)
    .map((g) => g.toString(16))
    .join(':');
  return `${head}::${tail}`;
}

/** Address text without port; `family` is AF_INET or AF_INET6. */
export function formatAddr(family: number, buf: Uint8Array, off: number): string {
  return family === AF_INET ? formatV4(buf, off) : formatV6(buf, off);
}

/**
 * `address:port` as ss prints it: IPv6 in brackets, port 0 as `*`. `wildcardStar` prints
 * the IPv6 any-address as `*` (ss does so for dual-stack listeners, which only netlink reveals).
 */
export function formatEndpoint(family: number, buf: Uint8Array, off: number, port: number, wildcardStar = false): string {
  const p = port === 0 ? '*' : String(port);
  if (family === AF_INET) return `${formatV4(buf, off)}:${p}`;
  if (wildcardStar && isZero(buf, off, 16)) return `*:${p}`;
  return `[${formatV6(buf, off)}]:${p}`;
}

/** `address:port` as net-tools netstat prints it (no brackets, mapped IPv4 unwrapped). */
export function formatNetstatEndpoint(family: number, buf: Uint8Array, off: number, port: number): string {
  const p = port === 0 ? '*' : String(port);
  if (family === AF_INET) return `${formatV4(buf, off)}:${p}`;
  if (isV4Mapped(buf, off)) return `${formatV4(buf, off + 12)}:${p}`;
  return `${formatV6(buf, off)}:${p}`;
}

/** Parse dotted-quad IPv4 into out[off..off+4]. Returns false if it is not one. */
export function parseV4(text: string, out: Uint8Array, off: number): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p)) return false;
    const v = Number(p);
    if (v > 255) return false;
    out[off + i] = v;
  }
  return true;
}

/** Parse IPv6 text (with optional embedded IPv4 and zone) into out[off..off+16]. */
export function parseV6(text: string, out: Uint8Array, off: number): boolean {
  let t = text;
  const pct = t.indexOf('%');
  if (pct >= 0) t = t.slice(0, pct);
  if (t.length === 0 || t.length > 45 || !/^[0-9a-fA-F:.]+$/.test(t)) return false;
  const groups: number[] = [];
  let tail4: number[] | undefined;
  const lastColon = t.lastIndexOf(':');
  if (t.includes('.')) {
    const v4 = new Uint8Array(4);
    if (!parseV4(t.slice(lastColon + 1), v4, 0)) return false;
    tail4 = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    t = t.slice(0, lastColon + 1);
    if (!t.endsWith('::')) t = t.slice(0, -1);
  }
  const want = tail4 ? 6 : 8;
  const dbl = t.indexOf('::');
  if (dbl !== t.lastIndexOf('::') && dbl >= 0) return false;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const r: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      r.push(parseInt(g, 16));
    }
    return r;
  };
  if (dbl >= 0) {
    const a = parseGroups(t.slice(0, dbl));
    const b = parseGroups(t.slice(dbl + 2));
    if (!a || !b || a.length + b.length > want - 1) return false;
    groups.push(...a, ...new Array<number>(want - a.length - b.length).fill(0), ...b);
  } else {
    const a = parseGroups(t);
    if (!a || a.length !== want) return false;
    groups.push(...a);
  }
  if (tail4) groups.push(...tail4);
  for (let i = 0; i < 8; i++) {
    out[off + 2 * i] = groups[i]! >> 8;
    out[off + 2 * i + 1] = groups[i]! & 0xff;
  }
  return true;
}

/** A parsed address: family plus 16 bytes. */
export interface Address {
  family: number;
  bytes: Uint8Array;
}

/** Parse an IPv4 or IPv6 address (brackets allowed). */
export function parseAddress(text: string): Address | undefined {
  let t = text.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  const bytes = new Uint8Array(16);
  if (parseV4(t, bytes, 0)) return { family: AF_INET, bytes };
  if (parseV6(t, bytes, 0)) return { family: AF_INET6, bytes };
  return undefined;
}

/** A CIDR prefix. IPv4 prefixes also match IPv4-mapped IPv6 addresses, as users expect. */
export interface Prefix {
  family: number;
  bytes: Uint8Array;
  bits: number;
}

/**
 * Parse `10.0.0.0/8`, `10.1/16` (ss's short form), `::1`, `[2001:db8::]/32`.
 * A bare address is a full-length prefix.
 */
export function parsePrefix(text: string): Prefix | undefined {
  let t = text.trim();
  let bits: number | undefined;
  const slash = t.lastIndexOf('/');
  if (slash >= 0) {
    const b = t.slice(slash + 1);
    if (!/^\d{1,3}$/.test(b)) return undefined;
    bits = Number(b);
    t = t.slice(0, slash);
  }
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  // ss accepts abbreviated IPv4 prefixes: 193.233.7/24.
  if (/^\d{1,3}(\.\d{1,3}){0,2}$/.test(t) && bits !== undefined) t = t + '.0'.repeat(3 - (t.split('.').length - 1));
  const a = parseAddress(t);
  if (!a) return undefined;
  const max = a.family === AF_INET ? 32 : 128;
  if (bits === undefined) bits = max;
  if (bits > max) return undefined;
  return { family: a.family, bytes: a.bytes, bits };
}

function prefixMatch(p: Uint8Array, a: Uint8Array, aoff: number, bits: number): boolean {
  const full = bits >> 3;
  for (let i = 0; i < full; i++) if (p[i] !== a[aoff + i]) return false;
  const rem = bits & 7;
  if (rem === 0) return true;
  const mask = (0xff << (8 - rem)) & 0xff;
  return (p[full]! & mask) === (a[aoff + full]! & mask);
}

/** Does the address at buf[off] (of `family`) fall in the prefix? */
export function prefixContains(p: Prefix, family: number, buf: Uint8Array, off: number): boolean {
  if (p.family === family) return prefixMatch(p.bytes, buf, off, p.bits);
  if (p.family === AF_INET && family === AF_INET6 && isV4Mapped(buf, off)) return prefixMatch(p.bytes, buf, off + 12, p.bits);
  return false;
}

/** Network address of the /bits prefix holding an address, as text with the length. */
export function networkOf(family: number, buf: Uint8Array, off: number, bits: number): string {
  const fam = family === AF_INET6 && isV4Mapped(buf, off) ? AF_INET : family;
  const src = fam === family ? off : off + 12;
  const max = fam === AF_INET ? 32 : 128;
  const b = Math.min(bits, max);
  const tmp = new Uint8Array(16);
  for (let i = 0; i < max / 8; i++) {
    const keep = Math.max(0, Math.min(8, b - i * 8));
    tmp[i] = buf[src + i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return `${formatAddr(fam, tmp, 0)}/${b}`;
}

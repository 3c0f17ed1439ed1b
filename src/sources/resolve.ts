/**
 * Names for `ls -r` (as `ss -r` and netstat without `-n`): an address's host name from the
 * hosts file, else from DNS (a PTR query), and a port's service name from the services
 * file. Lookups run concurrently off the event loop, each address once (cached), each with
 * a time limit and all of them within an overall one; an address not named in time keeps
 * its number, and a warning says how many did. The names go into the table's `names`,
 * which `ls` prints in place of the numbers (its text, CSV and JSON).
 * @module
 */
import { AF_INET, type Address, formatAddr, formatEndpoint, formatV4, isV4Mapped, parseAddress } from '../model/address.js';
import type { Warning } from '../model/errors.js';
import { F_DUALSTACK, PROTO_UDP, type SocketTable } from '../model/table.js';
import { readAtMost } from './small-file.js';
import { say as c } from '../i18n/captures.js';
import { warning } from '../model/warnings.js';

/** An address as one text per address (IPv4-mapped IPv6 as its IPv4), to key caches and files. */
function addressKey(a: Address): string {
  return a.family !== AF_INET && isV4Mapped(a.bytes, 0) ? formatV4(a.bytes, 12) : formatAddr(a.family, a.bytes, 0);
}

/**
 * hosts(5): address → its canonical name (the first name on the first line naming that
 * address, as gethostbyaddr answers from the file). Comments and malformed lines are skipped.
 */
export function parseHosts(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const [addr, name] = line.split(/\s+/);
    const a = addr === undefined ? undefined : parseAddress(addr);
    if (!a || name === undefined) continue;
    const key = addressKey(a);
    if (!out.has(key)) out.set(key, name);
  }
  return out;
}

/** services(5): `PORT/PROTO` → the service's name (the first line for that port wins). */
export function parseServices(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const m = /^([A-Za-z0-9][^\s#]*)\s+(\d{1,5})\/(tcp|udp)\b/.exec(raw.replace(/#.*/, ''));
    if (!m) continue;
    const key = `${Number(m[2])}/${m[3]}`;
    if (!out.has(key)) out.set(key, m[1]!);
  }
  return out;
}

export interface ResolveOptions {
  /** The hosts file (default /etc/hosts). */
  hostsFile?: string;
  /** The services file (default /etc/services). */
  servicesFile?: string;
  /** Time for one DNS lookup, ms (default 1000). */
  lookupMs?: number;
  /** Time for all of them, ms (default 3000). */
  totalMs?: number;
  /** DNS lookups at once (default 32). */
  concurrency?: number;
  /** The DNS part (tests): a name, undefined for none; rejects on failure. Default: a PTR query. */
  reverse?: (address: string, timeoutMs: number) => Promise<string | undefined>;
}

/** What resolving did. */
export interface ResolveResult {
  /** Distinct addresses looked up (wildcards are not). */
  addresses: number;
  /** Of them, named. */
  named: number;
  /** Of them, not named in time: left as numbers. */
  timedOut: number;
  warnings: Warning[];
}

/** Files are small; a larger one is cut here, with a warning. */
const MAX_FILE = 4 << 20;

function readTable(path: string, warnings: Warning[]): string {
  try {
    const { bytes, more } = readAtMost(path, MAX_FILE);
    if (more) warnings.push(warning('W_RESOLVE_FILE', c('resolveCut', MAX_FILE >> 20), { file: path }));
    return bytes.toString('utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') warnings.push(warning('W_RESOLVE_FILE', c('resolveUnread', code ?? (e as Error).message), { file: path }));
    return '';
  }
}

/** True for 0.0.0.0 and :: (a listener's "any"): not looked up. */
function unspecified(a: Uint8Array, off: number): boolean {
  for (let k = 0; k < 16; k++) if (a[off + k] !== 0) return false;
  return true;
}

/**
 * Give `t`'s endpoints names: `host:service`, each part a number where no name was found.
 * Rows that already carry names (a capture printed without -n) are left as they are.
 */
export async function resolveTable(t: SocketTable, o: ResolveOptions = {}): Promise<ResolveResult> {
  const warnings: Warning[] = [];
  const hosts = parseHosts(readTable(o.hostsFile ?? '/etc/hosts', warnings));
  const services = parseServices(readTable(o.servicesFile ?? '/etc/services', warnings));
  const lookupMs = o.lookupMs ?? 1000;
  const totalMs = o.totalMs ?? 3000;

  // Distinct addresses of rows without names.
  const want = new Set<string>();
  const keyOf = (addr: Uint8Array, i: number): string | undefined => {
    if (unspecified(addr, i * 16)) return undefined;
    return t.family[i] === AF_INET ? formatV4(addr, i * 16) : isV4Mapped(addr, i * 16) ? formatV4(addr, i * 16 + 12) : formatAddr(t.family[i]!, addr, i * 16);
  };
  for (let i = 0; i < t.length; i++) {
    if (t.names.has(i)) continue;
    for (const addr of [t.laddr, t.raddr]) {
      const k = keyOf(addr, i);
      if (k !== undefined) want.add(k);
    }
  }
  const found = new Map<string, string>();
  const dns: string[] = [];
  for (const k of want) {
    const h = hosts.get(k);
    if (h !== undefined) found.set(k, h);
    else dns.push(k);
  }
  const timedOut = await lookUp(dns, found, { lookupMs, totalMs, concurrency: o.concurrency ?? 32, reverse: o.reverse });
  if (timedOut > 0) {
    warnings.push(warning('W_RESOLVE_TIMEOUT', c('resolveTimeout', timedOut, want.size, lookupMs / 1000, totalMs / 1000), { field: '--resolve' }));
  }

  const endpoint = (addr: Uint8Array, port: number, i: number): string => {
    const num = formatEndpoint(t.family[i]!, addr, i * 16, port, (t.flags[i]! & F_DUALSTACK) !== 0);
    const colon = num.lastIndexOf(':');
    const k = keyOf(addr, i);
    const host = (k !== undefined ? found.get(k) : undefined) ?? num.slice(0, colon);
    const service = port === 0 ? '*' : (services.get(`${port}/${t.proto[i] === PROTO_UDP ? 'udp' : 'tcp'}`) ?? String(port));
    return `${host}:${service}`;
  };
  for (let i = 0; i < t.length; i++) {
    if (t.names.has(i)) continue;
    t.names.set(i, [endpoint(t.laddr, t.lport[i]!, i), endpoint(t.raddr, t.rport[i]!, i)]);
  }
  return { addresses: want.size, named: [...want].filter((k) => found.has(k)).length, timedOut, warnings };
}

/**
 * PTR lookups of `addresses` into `found`, `concurrency` at a time; resolves to how many
 * were not answered in time (those cut off by the overall limit, or never asked, too).
 * Whatever is still pending then is cancelled, so nothing keeps the process alive after
 * the listing.
 */
async function lookUp(addresses: readonly string[], found: Map<string, string>, o: { lookupMs: number; totalMs: number; concurrency: number; reverse: ResolveOptions['reverse'] }): Promise<number> {
  if (addresses.length === 0) return 0;
  let cancel = (): void => {};
  let reverse = o.reverse;
  if (!reverse) {
    const { promises } = await import('node:dns');
    // One try of each query within the lookup's time; cancel() ends every pending one.
    const r = new promises.Resolver({ timeout: o.lookupMs, tries: 1 });
    cancel = () => r.cancel();
    reverse = async (a) => (await r.reverse(a))[0];
  }
  const answered = new Set<string>();
  let next = 0;
  let over = false;
  let deadlineTimer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((res) => {
    deadlineTimer = setTimeout(() => {
      over = true;
      res();
    }, o.totalMs);
  });
  const one = async (a: string): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((res) => {
      timer = setTimeout(() => res('late'), o.lookupMs);
      timer.unref();
    });
    try {
      // A failure other than a timeout (no such name, refused) is an answer: no name.
      const r = await Promise.race([reverse!(a, o.lookupMs).catch((e: NodeJS.ErrnoException) => (e?.code === 'ETIMEOUT' || e?.code === 'ECANCELLED' ? ('late' as const) : undefined)), late]);
      if (r === 'late' || over) return;
      answered.add(a);
      if (r !== undefined && r !== '') found.set(a, r);
    } finally {
      clearTimeout(timer);
    }
  };
  const worker = async (): Promise<void> => {
    while (!over && next < addresses.length) await one(addresses[next++]!);
  };
  await Promise.race([Promise.all(Array.from({ length: Math.min(o.concurrency, addresses.length) }, worker)), deadline]);
  clearTimeout(deadlineTimer);
  over = true;
  cancel();
  return addresses.length - answered.size;
}

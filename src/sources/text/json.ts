/**
 * tcpstate's own JSON (docs/json.md): `ls --json` (`tcpstate.ls/1`, one object per
 * socket), `count --json` (`tcpstate.count/1`, per-state counts), `count --hosts --json`
 * (`tcpstate.fleet/1`), or a JSON array of such documents (what `ls --json` prints for
 * several hosts). Each document with a `host` is that host's capture.
 *
 * Errors name the line and column, and the JSON path of a bad field
 * (`$.sockets[3].local.port`); they are located by a second pass over the text
 * (json-scan.ts), made only when reading failed. The document is read whole, up to
 * {@link MAX_JSON} characters.
 * @module
 */
import { AF_INET, AF_INET6, parseV4, parseV6 } from '../../model/address.js';
import { newCounts } from '../../model/count.js';
import { SCHEMAS } from '../../model/documents.js';
import { TcpstateError } from '../../model/errors.js';
import { F_HAS_QUEUES, F_HAS_TIMER, NO_TIME, NO_UID, type Owner, PROTO_TCP, SocketTable, type TcpExtInfo } from '../../model/table.js';
import { countsOf, type LineKind, type ParseContext, type ParsedCapture, setOwners, stateWord, type TextFormat, timerKind, type WarningSink } from './common.js';
import { lineColumn, scanJson } from './json-scan.js';
import { PER_CODE } from '../../model/warnings.js';
import { say as c } from '../../i18n/captures.js';

/** The largest JSON capture read, in characters: it is parsed whole. */
export const MAX_JSON = 128 << 20;

/** The error for a JSON capture over {@link MAX_JSON}, at the line where it went over. */
export function jsonTooLarge(file: string, line: number): TcpstateError {
  return new TcpstateError('ERR_PARSE', c('jsonTooLarge', MAX_JSON >> 20), {
    file,
    line,
  });
}

/** Classify: JSON is read whole; only its opening is recognisable line by line. */
export function classifyJson(line: string): LineKind {
  const t = line.trim();
  if (t === '') return 'blank';
  return /^[[{]/.test(t) || /"schema"\s*:\s*"tcpstate\./.test(t) ? 'data' : 'other';
}

type J = Record<string, unknown>;

function bad(ctx: ParseContext, path: string, why: string): never {
  throw new TcpstateError('ERR_PARSE', why, { file: ctx.file, field: path });
}

function obj(ctx: ParseContext, v: unknown, path: string): J {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(ctx, path, 'expected an object');
  return v as J;
}

function int(ctx: ParseContext, v: unknown, path: string, max = 0xffffffff): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) bad(ctx, path, `expected a whole number from 0 to ${max}`);
  return v;
}

function addrInto(ctx: ParseContext, v: unknown, path: string, out: Uint8Array, off: number, family: number): void {
  if (typeof v !== 'string') bad(ctx, path, 'expected an address string');
  const tmp = new Uint8Array(16);
  const ok = family === AF_INET ? parseV4(v, tmp, 0) : parseV6(v, tmp, 0);
  if (!ok) bad(ctx, path, `"${v}" is not an IPv${family} address`);
  out.set(family === AF_INET ? tmp.subarray(0, 4) : tmp, off);
}

function statesOf(ctx: ParseContext, v: unknown, path: string) {
  const c = newCounts();
  const states = obj(ctx, v, path);
  for (const [name, n] of Object.entries(states)) {
    const code = stateWord(ctx, 0, name, `${path}.${name}`);
    c[code]! += int(ctx, n, `${path}.${name}`, Number.MAX_SAFE_INTEGER);
  }
  return c;
}

function socketsOf(ctx: ParseContext, v: unknown, path: string): SocketTable {
  if (!Array.isArray(v)) bad(ctx, path, 'expected an array of sockets');
  const t = new SocketTable(Math.max(16, v.length));
  v.forEach((s0, k) => {
    const p = `${path}[${k}]`;
    const s = obj(ctx, s0, p);
    if (s['proto'] === 'udp') return;
    if (s['proto'] !== 'tcp') bad(ctx, `${p}.proto`, 'expected "tcp" or "udp"');
    const family = s['family'] === 4 ? AF_INET : s['family'] === 6 ? AF_INET6 : bad(ctx, `${p}.family`, 'expected 4 or 6');
    if (typeof s['state'] !== 'string') bad(ctx, `${p}.state`, 'expected a state name');
    const state = stateWord(ctx, 0, s['state'], `${p}.state`);
    const local = obj(ctx, s['local'], `${p}.local`);
    const remote = obj(ctx, s['remote'], `${p}.remote`);
    const i = t.add();
    t.proto[i] = PROTO_TCP;
    t.family[i] = family;
    t.state[i] = state;
    addrInto(ctx, local['address'], `${p}.local.address`, t.laddr, i * 16, family);
    addrInto(ctx, remote['address'], `${p}.remote.address`, t.raddr, i * 16, family);
    t.lport[i] = int(ctx, local['port'], `${p}.local.port`, 65535);
    t.rport[i] = int(ctx, remote['port'], `${p}.remote.port`, 65535);
    // Endpoints a capture without -n showed as names stay names.
    const ln = typeof local['name'] === 'string' ? local['name'] : undefined;
    const rn = typeof remote['name'] === 'string' ? remote['name'] : undefined;
    if (ln !== undefined || rn !== undefined) t.names.set(i, [ln, rn]);
    if (s['recvQ'] !== null && s['recvQ'] !== undefined) {
      t.recvQ[i] = int(ctx, s['recvQ'], `${p}.recvQ`);
      t.sendQ[i] = int(ctx, s['sendQ'], `${p}.sendQ`);
      t.flags[i]! |= F_HAS_QUEUES;
    }
    if (s['timer'] !== null && s['timer'] !== undefined) {
      const tm = obj(ctx, s['timer'], `${p}.timer`);
      t.flags[i]! |= F_HAS_TIMER;
      t.timer[i] = timerKind(String(tm['kind'] ?? 'unknown'));
      t.timerMs[i] = tm['expiresMs'] === null || tm['expiresMs'] === undefined ? NO_TIME : int(ctx, tm['expiresMs'], `${p}.timer.expiresMs`);
      t.retrans[i] = int(ctx, tm['retransmits'] ?? 0, `${p}.timer.retransmits`);
      t.probes[i] = int(ctx, tm['probes'] ?? 0, `${p}.timer.probes`);
    }
    t.uid[i] = s['uid'] === null || s['uid'] === undefined ? NO_UID : int(ctx, s['uid'], `${p}.uid`);
    t.inode[i] = s['inode'] === undefined ? 0 : int(ctx, s['inode'], `${p}.inode`);
    if (s['owners'] !== undefined) {
      if (!Array.isArray(s['owners'])) bad(ctx, `${p}.owners`, 'expected an array');
      const owners: Owner[] = s['owners'].map((o0, j) => {
        const o = obj(ctx, o0, `${p}.owners[${j}]`);
        const owner: Owner = { pid: int(ctx, o['pid'], `${p}.owners[${j}].pid`), program: String(o['program'] ?? '') };
        if (o['fd'] !== undefined) owner.fd = int(ctx, o['fd'], `${p}.owners[${j}].fd`);
        return owner;
      });
      setOwners(t, i, owners);
    }
    if (s['info'] !== undefined) t.ext.set(i, obj(ctx, s['info'], `${p}.info`) as TcpExtInfo);
  });
  return t;
}

function docOf(ctx: ParseContext, v: unknown, path: string): ParsedCapture[] {
  const d = obj(ctx, v, path);
  const schema = d['schema'];
  const host = typeof d['host'] === 'string' && d['host'] !== '' ? d['host'] : undefined;
  if (schema === SCHEMAS.ls) {
    const table = socketsOf(ctx, d['sockets'], `${path}.sockets`);
    return [{ host, table, counts: countsOf(table), otherLines: [] }];
  }
  if (schema === SCHEMAS.count) return [{ host, counts: statesOf(ctx, d['states'], `${path}.states`), otherLines: [] }];
  if (schema === SCHEMAS.fleet) {
    const hosts = d['hosts'];
    if (!Array.isArray(hosts)) bad(ctx, `${path}.hosts`, 'expected an array');
    return hosts.map((h0, k) => {
      const h = obj(ctx, h0, `${path}.hosts[${k}]`);
      if (typeof h['host'] !== 'string') bad(ctx, `${path}.hosts[${k}].host`, 'expected a host name');
      return { host: h['host'], counts: statesOf(ctx, h['states'], `${path}.hosts[${k}].states`), otherLines: [] };
    });
  }
  bad(ctx, `${path}.schema`, `expected "${SCHEMAS.ls}", "${SCHEMAS.count}" or "${SCHEMAS.fleet}", found ${JSON.stringify(schema) ?? 'nothing'}`);
}

/** Line (in the file) and column of offset `at` of the text. */
function where(ctx: ParseContext, text: string, at: number): { line: number; column: number } {
  const lc = lineColumn(text, at);
  return { line: ctx.firstLine + lc.line - 1, column: lc.column };
}

/** Parse tcpstate JSON. Pure. */
export function parseJson(lines: readonly string[], ctx: ParseContext): ParsedCapture[] {
  const text = lines.join('\n');
  if (text.length > MAX_JSON) throw jsonTooLarge(ctx.file, ctx.firstLine);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    const s = scanJson(text).error ?? { at: text.length, why: (e as Error).message };
    const w = where(ctx, text, s.at);
    throw new TcpstateError('ERR_PARSE', c('jsonInvalid', w.column, s.why), { file: ctx.file, line: w.line });
  }
  // Fields are named by JSON path: the line and column are found for the few that are reported.
  const locate = (path: string | undefined) => {
    const at = path === undefined ? undefined : scanJson(text, path).found;
    return at === undefined ? undefined : where(ctx, text, at);
  };
  const warnings: WarningSink = {
    add: (code, message, w) => {
      const at = ctx.warnings.count(code) <= PER_CODE ? locate(w.field) : undefined;
      ctx.warnings.add(code, at ? c('atColumn', message, at.column) : message, { ...w, line: at?.line });
    },
    count: (code) => ctx.warnings.count(code),
  };
  const jctx: ParseContext = { file: ctx.file, firstLine: ctx.firstLine, warnings };
  try {
    if (Array.isArray(v)) return v.flatMap((d, k) => docOf(jctx, d, `[${k}]`));
    return docOf(jctx, v, '$');
  } catch (e) {
    if (!(e instanceof TcpstateError) || e.where.field === undefined) throw e;
    const at = locate(e.where.field);
    throw new TcpstateError(e.code, at ? c('atColumn', e.said ?? e.message, at.column) : (e.said ?? e.message), { ...e.where, line: at?.line });
  }
}

export const jsonFormat: TextFormat = {
  name: 'json',
  title: 'tcpstate ls --json / count --json',
  kind: 'sockets',
  command: /^(?:\S*\/)?tcpstate\b.*--json\b|--format\s+json/,
  whole: true,
  classify: classifyJson,
  parse: parseJson,
};

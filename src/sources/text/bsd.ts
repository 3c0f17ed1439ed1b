/**
 * macOS and FreeBSD `netstat -an [-p tcp]` output.
 *
 * FreeBSD's netstat(1): "Address formats are of the form host.port or network.port", so
 * `127.0.0.1.8080`, `*.22`, `*.*`, `::1.6012`, `fe80::1%lo0.123`. Proto is `tcp4`, `tcp6`
 * or `tcp46` (macOS: an IPv6 socket accepting IPv4 too); the state column is titled
 * `(state)` and spelled the BSD way (`SYN_RCVD`, `FIN_WAIT_1`, `CLOSED`). macOS `-v` adds
 * `rhiwat shiwat pid epid state options` after it; the pid is kept as the owner. Other
 * sections (`Active LOCAL (UNIX) domain sockets`, kernel controls) hold no TCP socket.
 * @module
 */
import { F_DUALSTACK, F_HAS_QUEUES, SocketTable } from '../../model/table.js';
import {
  addRow,
  type Endpoint,
  fail,
  fields,
  keepNames,
  type LineKind,
  type LineParser,
  needUint,
  newEndpoint,
  noteNames,
  type ParseContext,
  type ParsedCapture,
  parseDotEndpoint,
  parseRun,
  RowChunk,
  rowFamily,
  setOwners,
  stateWord,
  type StreamContext,
  type TextFormat,
  uint,
} from './common.js';
import { dryContext, looksLikeRest, WrappedLines } from './wrapped.js';

const BANNER = /^Active Internet connections(?: \(including servers\))?\s*$/;
const HEADER = /^Proto\s+Recv-Q\s+Send-Q\s+Local Address\s+Foreign Address\s+\(state\)/;
/** The header cut before `(state)` by a narrow terminal (the rest on the next line). */
const HEADER_CUT = /^Proto\s+Recv-Q\s+Send-Q\s+Local Address\s+Foreign Address\s*$/;
const NOT_TCP = /^(udp4?6?|icmp6?|raw|divert|sctp4?6?)$/;
const DOT_ENDPOINT = /\.(\d{1,5}|\*|[A-Za-z][\w+-]*)$/;

/** Classify one line of BSD netstat output. */
export function classifyBsd(line: string): LineKind {
  const t = line.trim();
  if (t === '') return 'blank';
  if (BANNER.test(t) || HEADER.test(t) || HEADER_CUT.test(t)) return 'header';
  if (/^Active /.test(t)) return 'skip';
  if (/^\(state\)/.test(t)) return 'more';
  const f = fields(t);
  const okShape = f.length >= 5 && uint(f[1]) !== undefined && uint(f[2]) !== undefined && DOT_ENDPOINT.test(f[3]!) && DOT_ENDPOINT.test(f[4]!);
  if (NOT_TCP.test(f[0]!)) return okShape ? 'skip' : 'other';
  if (!/^tcp(4|6|46)?$/.test(f[0]!)) return looksLikeRest(f) ? 'more' : 'other';
  // A socket line may be cut anywhere after its queues by a narrow terminal (the parser joins it);
  // a local address followed by more is whole, so it must be BSD's (Linux's `a:p` is not).
  const queues = uint(f[1]) !== undefined && (f.length < 3 || uint(f[2]) !== undefined);
  return okShape || (queues && (f.length < 5 || DOT_ENDPOINT.test(f[3]!))) ? 'data' : 'other';
}

/** A line parser of BSD netstat output. */
export function openBsd(ctx: StreamContext): LineParser {
  const rows = new RowChunk(ctx);
  const l = newEndpoint();
  const r = newEndpoint();
  const seen = { names: false };
  let pidAt = -1;
  /** Columns the header names after (state) (macOS -v). */
  let extra = 0;
  let inInternet = true;
  const read = (text: string, idx: number, t: SocketTable, c: ParseContext, el: Endpoint, er: Endpoint, s: { names: boolean }): number => {
    const f = fields(text.trim());
    if (f.length < 6) fail(c, idx, ['Proto', 'Recv-Q', 'Send-Q', 'Local Address', 'Foreign Address', '(state)'][f.length]!, 'line ends early');
    const recvQ = needUint(c, idx, 'Recv-Q', f[1]);
    const sendQ = needUint(c, idx, 'Send-Q', f[2]);
    if (!parseDotEndpoint(f[3]!, el)) fail(c, idx, 'Local Address', `expected ADDRESS.PORT, found "${f[3]}"`);
    if (!parseDotEndpoint(f[4]!, er)) fail(c, idx, 'Foreign Address', `expected ADDRESS.PORT, found "${f[4]}"`);
    noteNames(c, idx, s, el, er);
    const state = stateWord(c, idx, f[5], '(state)');
    const p = f[0]!;
    if (!/^tcp(4|6|46)?$/.test(p)) fail(c, idx, 'Proto', `expected tcp4, tcp6 or tcp46, found "${p}"`);
    const said = p === 'tcp4' ? 4 : p === 'tcp6' || p === 'tcp46' ? 6 : 0;
    let flags = F_HAS_QUEUES;
    if (p === 'tcp46') flags |= F_DUALSTACK;
    const i = addRow(t, rowFamily(said, el, er), state, el, er, flags);
    keepNames(t, i, el, f[3]!, er, f[4]!);
    t.recvQ[i] = recvQ;
    t.sendQ[i] = sendQ;
    if (pidAt >= 0) {
      const pid = uint(f[6 + pidAt]);
      if (pid !== undefined && pid > 0) setOwners(t, i, [{ pid, program: '' }]);
    }
    return i;
  };
  // A socket line wrapped by a terminal: each socket line waits for the next (wrapped.ts).
  const dry = dryContext(ctx);
  const scratch = new SocketTable(1);
  const dl = newEndpoint();
  const dr = newEndpoint();
  const wrap = new WrappedLines(
    ctx,
    (text) => {
      if (classifyBsd(text) !== 'data' || fields(text.trim()).length > 6 + extra) return false;
      dry.warned = false;
      scratch.length = 0;
      try {
        read(text, 0, scratch, dry, dl, dr, { names: true });
      } catch {
        return false;
      }
      return !dry.warned;
    },
    (text, idx) => {
      rows.next();
      read(text, idx, rows.t, ctx, l, r, seen);
    },
  );
  return {
    line(line, idx) {
      const trimmed = line.trim();
      if (trimmed === '') {
        wrap.release();
        return;
      }
      if (HEADER.test(trimmed)) {
        wrap.release();
        const after = fields(trimmed.slice(trimmed.indexOf('(state)') + 7));
        pidAt = after.indexOf('pid');
        extra = after.length;
        inInternet = true;
        return;
      }
      if (/^Active /.test(trimmed)) {
        wrap.release();
        inInternet = BANNER.test(trimmed);
        return;
      }
      if (!inInternet) return;
      const kind = classifyBsd(line);
      if (kind === 'skip' || kind === 'header') {
        wrap.release();
        return;
      }
      // The header's own rest after a cut: "(state)" and what -v adds after it.
      if (/^\(state\)/.test(trimmed)) {
        wrap.release();
        const after = fields(trimmed.slice(7));
        pidAt = after.indexOf('pid');
        extra = after.length;
        return;
      }
      if (kind !== 'data') {
        if (!wrap.join(line, idx)) ctx.other(idx, line);
        return;
      }
      wrap.hold(line, idx);
    },
    end() {
      wrap.release();
      rows.flush();
      return {};
    },
  };
}

/** Parse BSD netstat output held in memory. Pure. */
export function parseBsd(lines: readonly string[], ctx: ParseContext): ParsedCapture[] {
  return parseRun(openBsd, lines, ctx);
}

export const bsdFormat: TextFormat = {
  name: 'bsd',
  title: 'macOS/FreeBSD netstat -an -p tcp',
  kind: 'sockets',
  command: /^(?:sudo\s+)?(?:\S*\/)?netstat\s+(?:-\w*\s+)*-p\s*tcp\b/,
  classify: classifyBsd,
  open: openBsd,
  parse: parseBsd,
};

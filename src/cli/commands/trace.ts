/**
 * `tcpstate trace`: every TCP state change as it happens, with the socket's owner and the
 * time spent in the old state, from the native addon's BPF programs (src/trace/).
 * @module
 */
import { isTcpstateError, TcpstateError } from '../../model/errors.js';
import { parseFilter } from '../../model/filter.js';
import { loadNative } from '../../sources/native.js';
import { lifetimeMatcher, transitionMatcher } from '../../trace/match.js';
import { LIFETIME_HEADER, LifetimeCollector, lifetimeJson, lifetimeLine } from '../../trace/lifetimes.js';
import { clockOffsetNs, TEXT_HEADER, textLine, transitionJson } from '../../trace/render.js';
import { FOLLOW_MS, FOLLOW_SLOW_MS, startTrace, type TraceSession } from '../../trace/session.js';
import { followBySnapshots } from '../../trace/snapshots.js';
import { countJson, countRows, countText } from '../../trace/counts.js';
import type { Transition } from '../../trace/tracker.js';
import { parse, str } from '../args.js';
import { printWarnings } from '../inputs.js';
import type { Command } from '../io.js';

const HELP = `Usage: tcpstate trace [FILTER] [OPTIONS]

Every TCP state change as it happens: one line per transition with the process that owns
the socket (or last owned it, after close(); a connection not yet accepted: the
listener's owner), not whoever was on the CPU, and the milliseconds spent in the old
state (- when the socket entered it before the trace began). Reads the kernel by BPF (root
and kernel BTF; where it cannot, by sock_diag snapshots, and says so);
no clang, libbpf, bpftrace or Python. Ctrl-C stops it.

  FILTER             ss's filter language: state X keeps changes into or out of X;
                     sport/dport, src/dst as ss (e.g. "dport = :443")
  --netns NAME       only the network namespace NAME (ip netns); default: all of them
  -4, -6             only IPv4, only IPv6
  --duration S       stop after S seconds
  --buffer-kb N      the kernel ring buffer's size in KiB, a power of 2 from 4 to
                     1048576 (default 8192; four times as much may wait for the
                     output); changes the output cannot keep up with are lost once it
                     is full, and counted: a warning and exit status 1
  --json             one JSON object per line: {time, netns, pid, program, family,
                     local: {address, port}, remote: {address, port}, from, to, ms, socket}
  --no-header        text without the header line
  --lifetimes        one line per finished connection instead, as tcplife prints: its
                     owner, data bytes sent (acknowledged by the peer) and received (in
                     order) from the kernel's counters at close, milliseconds from its
                     first change to CLOSE or TIME_WAIT, the whole path of states (and
                     the error at the end, e.g. [ECONNRESET]), and the Zeek-style history
                     letters the state changes prove (upper case: the side that called
                     connect()): S SYN, h SYN-ACK, D/d data, F/f FIN, R/r the peer's RST.
                     Never shown, as they need packets: A, our own RST, T, W, G, C, I, Q,
                     ^ (docs/trace.md). A connection begun before the trace has no
                     milliseconds or history (-); one still open at the end is not printed.
                     --json: one tcpstate.lifetime/1 object per line
  --count            count changes per (old, new) state pair in the kernel, no event
                     printed: a table with rates at the end (and every --interval S, the
                     changes of that interval); for rates too high to print. State
                     filters apply; port and address filters need events
  --poll             follow changes by sock_diag snapshots instead of BPF (what trace
                     does by itself where BPF cannot run: not root, no kernel BTF); a
                     socket that opens and closes between two snapshots is not seen
  --interval S       seconds between those snapshots (default 0.5)
  -h, --help

Examples:
  tcpstate trace
  tcpstate trace --netns blue --json
  tcpstate trace state close-wait
  tcpstate trace dport = :5432 --duration 60
  tcpstate trace --lifetimes --netns blue
`;

/** Until `finish` is called (by an error), SIGINT, SIGTERM or the duration's end. */
async function waitForEnd(done: Promise<void>, finish: () => void, durationMs: number | undefined): Promise<void> {
  const onSignal = (): void => finish();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const timer = durationMs === undefined ? undefined : setTimeout(finish, durationMs);
  await done;
  if (timer) clearTimeout(timer);
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
}

export const trace: Command = {
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      netns: { type: 'string' },
      duration: { type: 'string' },
      'buffer-kb': { type: 'string' },
      json: { type: 'boolean' },
      'no-header': { type: 'boolean' },
      poll: { type: 'boolean' },
      count: { type: 'boolean' },
      lifetimes: { type: 'boolean' },
      interval: { type: 'string' },
      ipv4: { type: 'boolean', short: '4' },
      ipv6: { type: 'boolean', short: '6' },
      help: { type: 'boolean', short: 'h' },
    }, io.argOffset);
    if (values['help']) { io.out(HELP); return 0; }
    const dur = str(values['duration']);
    let durationMs: number | undefined;
    if (dur !== undefined) {
      if (!/^\d+(\.\d+)?$/.test(dur) || Number(dur) <= 0 || Number(dur) > 31536000) throw new TcpstateError('ERR_USAGE', `--duration takes seconds (a positive number up to a year), got "${dur.slice(0, 40)}"`, { field: '--duration' });
      durationMs = Number(dur) * 1000;
    }
    const kb = str(values['buffer-kb']);
    let ringBytes: number | undefined;
    if (kb !== undefined) {
      const n = /^\d{1,7}$/.test(kb) ? Number(kb) : NaN;
      if (!(n >= 4 && n <= 1048576 && (n & (n - 1)) === 0)) throw new TcpstateError('ERR_USAGE', `--buffer-kb takes a power of 2 from 4 to 1048576, got "${kb.slice(0, 40)}"`, { field: '--buffer-kb' });
      ringBytes = n * 1024;
    }
    if (values['ipv4'] && values['ipv6']) throw new TcpstateError('ERR_USAGE', '-4 and -6 together select nothing; give one or neither', { field: '-4' });
    const filter = parseFilter(positionals);
    const match = transitionMatcher(filter);
    if (values['count'] && filter.expr !== undefined) throw new TcpstateError('ERR_USAGE', '--count counts in the kernel per namespace and family: a state filter applies, but port and address filters need events (drop --count)', { field: '--count' });
    if (values['count'] && values['poll']) throw new TcpstateError('ERR_USAGE', '--count counts in the kernel and cannot be combined with --poll', { field: '--count' });
    if (values['lifetimes'] && (values['count'] || values['poll'])) throw new TcpstateError('ERR_USAGE', `--lifetimes reads each connection's byte counters in the kernel at its close and cannot be combined with ${values['count'] ? '--count' : '--poll'}`, { field: '--lifetimes' });
    const iv = str(values['interval']);
    if (iv !== undefined && !(/^\d+(\.\d+)?$/.test(iv) && Number(iv) >= 0.05 && Number(iv) <= 3600)) {
      throw new TcpstateError('ERR_USAGE', `--interval takes seconds from 0.05 to 3600, got "${iv.slice(0, 40)}"`, { field: '--interval' });
    }
    const json = values['json'] === true;
    const offset = clockOffsetNs();
    let failure: Error | undefined;
    let finish: () => void = () => {};
    const done = new Promise<void>((resolve) => { finish = resolve; });
    const lifetimes = values['lifetimes'] === true ? new LifetimeCollector() : undefined;
    const keepLifetime = lifetimeMatcher(filter);
    const print = (ts: Transition[]): void => {
      let text = '';
      if (lifetimes) {
        for (const t of ts) {
          const l = lifetimes.push(t);
          if (!l || !keepLifetime(l) || (values['ipv4'] && l.family !== 4) || (values['ipv6'] && l.family !== 6)) continue;
          text += json ? JSON.stringify(lifetimeJson(l, offset)) + '\n' : lifetimeLine(l, offset);
        }
        if (text) io.out(text);
        return;
      }
      for (const t of ts) {
        if (!match(t) || (values['ipv4'] && t.family !== 4) || (values['ipv6'] && t.family !== 6)) continue;
        text += json ? JSON.stringify(transitionJson(t, offset)) + '\n' : textLine(t, offset);
      }
      if (text) io.out(text);
    };
    const native = loadNative();
    let why = values['poll'] ? undefined : native.addon ? undefined : `the native addon is not loaded: ${native.why}`;
    let session: TraceSession | undefined;
    if (!values['poll'] && native.addon) {
      try {
        session = startTrace(native.addon, { netns: str(values['netns']), family: values['ipv4'] ? 2 : values['ipv6'] ? 10 : undefined, ringBytes, countOnly: values['count'] === true }, values['count'] ? () => undefined : print, (e) => { failure = e; finish(); });
      } catch (e) {
        if (!(isTcpstateError(e) && e.code === 'ERR_NATIVE')) throw e;
        why = e.message;
      }
    }
    if (!session && values['count']) throw new TcpstateError('ERR_NATIVE', `--count counts in the kernel and needs BPF: ${why}`, { field: '--count' });
    if (!session && lifetimes) throw new TcpstateError('ERR_NATIVE', `--lifetimes reads byte counters in the kernel and needs BPF: ${why}`, { field: '--lifetimes' });
    if (session && values['count']) {
      const keep = (from: number, to: number): boolean => filter.states === undefined || (filter.states & ((1 << from) | (1 << to))) !== 0;
      const began = process.hrtime.bigint();
      const show = (raw: Float64Array, seconds: number): void => {
        const rows = countRows(raw, seconds, keep);
        io.out(json ? JSON.stringify(countJson(rows, seconds, new Date())) + '\n' : countText(rows, seconds));
      };
      let last: Float64Array = new Float64Array(256);
      let lastAt = began;
      const every = iv === undefined ? undefined : setInterval(() => {
        const now = session!.counts();
        const at = process.hrtime.bigint();
        show(now.map((n, k) => n - last[k]!), Number(at - lastAt) / 1e9);
        last = now;
        lastAt = at;
      }, Number(iv) * 1000);
      await waitForEnd(done, finish, durationMs);
      if (every) clearInterval(every);
      const total = session.counts();
      await session.stop();
      if (failure) throw failure;
      show(total, Number(process.hrtime.bigint() - began) / 1e9);
      printWarnings(io, session.warnings);
      return 0;
    }
    if (!session) {
      const intervalMs = iv === undefined ? 500 : Number(iv) * 1000;
      if (why !== undefined) io.err(`tcpstate: note: ${why}; following state changes by sock_diag snapshots every ${intervalMs} ms instead (marked ~): a socket that opens and closes between two snapshots is not seen, and each change is timed by the snapshot that saw it.\n`);
      const polled = await followBySnapshots({ ...(str(values['netns']) === undefined ? {} : { netns: str(values['netns'])! }), intervalMs }, print, (e) => { failure = e; finish(); });
      if (!json && !values['no-header']) io.out(TEXT_HEADER);
      await waitForEnd(done, finish, durationMs);
      await polled.stop();
      if (failure) throw failure;
      return 0;
    }
    if (session.missing.length > 0) {
      io.err(`tcpstate: note: the kernel did not attach the timewait hooks (${session.missing.join('; ')}); TIME_WAIT is followed by sock_diag dumps of ${values['netns'] === undefined ? 'this namespace' : 'the namespace'} instead, so entering TIME_WAIT from FIN_WAIT2 and leaving it are timed to within ${FOLLOW_MS} ms and ${FOLLOW_SLOW_MS} ms (marked ~)${values['netns'] === undefined ? '; in other namespaces a FIN_WAIT2 -> CLOSE may be a connection going on in TIME_WAIT' : ''}.\n`);
    }
    if (!json && !values['no-header']) io.out(lifetimes ? LIFETIME_HEADER : TEXT_HEADER);
    await waitForEnd(done, finish, durationMs);
    await session.stop();
    if (failure) throw failure;
    const lost = session.lost();
    printWarnings(io, [
      ...session.warnings,
      ...(lost > 0 ? [{ code: 'W_LOST_EVENTS' as const, message: `${lost} state changes lost: the kernel's ring buffer was full (the output could not keep up)`, where: {} }] : []),
      ...(session.forgotten() > 0 ? [{ code: 'W_FORGOTTEN' as const, message: `${session.forgotten()} sockets forgotten to keep memory bounded (their changes to CLOSE were lost); their next change has no duration`, where: {} }] : []),
      ...(lifetimes && lifetimes.forgotten > 0 ? [{ code: 'W_FORGOTTEN' as const, message: `${lifetimes.forgotten} connections forgotten to keep memory bounded (their ends were lost); not printed`, where: {} }] : []),
    ]);
    return lost > 0 ? 1 : 0;
  },
};

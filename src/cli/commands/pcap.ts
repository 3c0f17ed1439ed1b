/**
 * `tcpstate pcap FILE|-`: every TCP connection in a capture, both endpoints' states rebuilt
 * from the segments, Zeek's conn_state and history, then the count of final states.
 * @module
 */
import { newCounts } from '../../model/count.js';
import { TcpstateError } from '../../model/errors.js';
import { parseFilter, type RowPredicate, selector } from '../../model/filter.js';
import { AF_INET } from '../../model/address.js';
import { ALL_MASK } from '../../model/state.js';
import { SocketTable } from '../../model/table.js';
import { parse } from '../args.js';
import { printWarnings } from '../inputs.js';
import type { Command, Io } from '../io.js';

const HELP = `Usage: tcpstate pcap [OPTIONS] FILE|- [FILTER...]

Read a pcap or pcapng capture (or stdin: tcpdump -U -w - | tcpstate pcap -) and rebuild
every TCP connection: both endpoints' states, replayed through the TCP state machine
segment by segment, Zeek's conn_state and history, packets and bytes each way (bytes
as "tshark -z conv,tcp" counts them: whole frames). Then the final states counted as
"tcpstate count" prints them.

Rows appear as connections end (as Zeek's conn.log), then the ones still open at the
end of the capture. A "~" before the originator: no SYN was seen, so which side opened
the connection is a guess.

An endpoint moves only when a segment proves it: what it sends proves its own state
(observed); what it receives moves it when nothing contradicts delivery (inferred); a
TIME_WAIT ends 60 s after it began (projected, Linux's length).

Options:
  --timeline           each connection's steps: time, segment, endpoint, state change,
                       observed / inferred / projected, the state machine event and row
  --count              only the count of final states
  --json               one JSON document (schema tcpstate.pcap/1)
  -H, --no-header      no header line
  -4, -6               IPv4 or IPv6 connections only
Filters (as for ls and count), on each endpoint seen as a socket (local = the endpoint,
remote = its peer, state = its final state); a connection is shown when either endpoint
passes, and only passing endpoints are counted:
  state STATE|GROUP, exclude STATE|GROUP, sport|dport OP :PORT, src|dst ADDR, and or not ( )

Formats: pcap (us and ns, either byte order), pcapng (several sections and interfaces).
Link types: Ethernet (802.1Q/QinQ), raw IP, IPv4, IPv6, Linux SLL and SLL2, NULL, LOOP.
Frames that are not TCP (ARP, UDP, ICMP) are counted in the JSON "frames". Frames that
could not be read (another link type, headers cut by the snap length, contradictory
headers, IP fragments) are a warning with their count and first frame; a capture none of
whose frames could be read is an error (exit 1).

Examples:
  tcpstate pcap trace.pcap
  tcpstate pcap trace.pcapng --timeline dport = :443
  tcpdump -i any -U -w - 'tcp port 5432' | tcpstate pcap - state close-wait
`;

export const pcap: Command = {
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      timeline: { type: 'boolean' },
      count: { type: 'boolean' },
      json: { type: 'boolean' },
      'no-header': { type: 'boolean', short: 'H' },
      ipv4: { type: 'boolean', short: '4' },
      ipv6: { type: 'boolean', short: '6' },
      help: { type: 'boolean', short: 'h' },
    }, io.argOffset);
    if (values['help']) { io.out(HELP); return 0; }
    const [file, ...words] = positionals;
    if (file === undefined) throw new TcpstateError('ERR_USAGE', 'pcap needs a capture file (or - for stdin); see --help');
    const filter = parseFilter(words);
    const keep: RowPredicate | undefined = filter.states === undefined && !filter.expr ? undefined : selector(filter.states ?? ALL_MASK, filter.expr);
    const v4 = Boolean(values['ipv4']) || !values['ipv6'];
    const v6 = Boolean(values['ipv6']) || !values['ipv4'];
    const timeline = Boolean(values['timeline']);
    const rowsWanted = !values['count'];

    const [{ FlowTable }, { readCapture, readCaptureFile }, render, { LINK_TYPES }, { unknownLinkError }] = await Promise.all([
      import('../../pcap/flow.js'),
      import('../../pcap/capture-read.js'),
      import('../../render/pcap.js'),
      import('../../pcap/decode.js'),
      import('../../pcap/undecoded.js'),
    ]);
    const writer = values['json']
      ? new render.PcapJsonWriter((s) => io.out(s), file)
      : new render.PcapTextWriter((s) => io.out(s), { timeline, header: !values['no-header'], rows: !values['count'] });
    const states = newCounts();
    const rows = new SocketTable(16);
    const fast = !values['json'] && !timeline ? (writer as InstanceType<typeof render.PcapTextWriter>) : undefined;
    const flows = new FlowTable((ft, slot) => {
      const fam = ft.familyOf(slot) === AF_INET;
      if (fam ? !v4 : !v6) return;
      let k0 = true;
      let k1 = true;
      if (keep) {
        rows.length = 0;
        ft.socketRows(slot, rows);
        k0 = keep(rows, 0);
        k1 = keep(rows, 1);
        if (!k0 && !k1) return;
      }
      if (k0) states[ft.state(slot, 0)]!++;
      if (k1) states[ft.state(slot, 1)]!++;
      if (!rowsWanted) writer.add(null);
      else if (fast) fast.addSlot(ft, slot);
      else writer.add(ft.record(slot));
    }, { timeline });
    const sink = (p: Parameters<typeof flows.packet>[0]) => flows.packet(p);
    // A classic pcap has one link type for every frame: one tcpstate cannot decode fails at once.
    const opts = {
      onLinkType(linkType: number, format: string, offset: number) {
        if (format === 'pcap' && !(linkType in LINK_TYPES)) throw unknownLinkError(linkType, file!, offset);
      },
    };
    // `tcpdump -w - | tcpstate pcap -` ends with Ctrl-C: SIGINT or SIGTERM ends the input
    // there, and the connections still open and the counts are printed, as tshark -z does.
    let interrupted: string | undefined;
    let wake: (() => void) | undefined;
    const stop = (sig: NodeJS.Signals): void => { interrupted = sig; wake?.(); };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let summary;
    try {
      summary = file === '-'
        ? await readCapture({ kind: 'chunks', chunks: untilSignal(stdinChunks(io), () => interrupted !== undefined, (w) => { wake = w; }) }, sink, '-', opts)
        : await readCaptureFile(file, sink, opts);
    } finally {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    }
    // The pipe is still open (tcpdump runs on): let go of it, or the process would wait for it.
    if (interrupted !== undefined && file === '-') (io.stdinStream?.() as { destroy?: () => void } | undefined)?.destroy?.();
    if (interrupted !== undefined) io.err(`tcpstate: ${interrupted}: input ended here; connections still open are listed as they stand\n`);
    flows.finish();
    // Nothing has been written yet when no frame was decoded: no connection was found.
    const none = flows.undecoded.noneDecoded(flows.counts.tcp, file);
    if (none) throw none;
    const warnings = [...summary.warnings, ...flows.undecoded.warnings(file)];
    printWarnings(io, warnings.map((w) => ({ ...w, where: { file, ...w.where } })));
    writer.end(states, { file, format: summary.format, counts: flows.counts, anomalies: flows.anomalies.toObject(), warnings });
    return 0;
  },
};

/** The chunks until `stopped()`; `onWake` receives the function that ends a wait for the next chunk. */
async function* untilSignal(chunks: AsyncIterable<Uint8Array>, stopped: () => boolean, onWake: (wake: () => void) => void): AsyncIterable<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  const woken = new Promise<'stop'>((resolve) => onWake(() => resolve('stop')));
  while (!stopped()) {
    const next = await Promise.race([it.next(), woken]);
    if (next === 'stop') break;
    if (next.done) break;
    yield next.value;
  }
}

async function* stdinChunks(io: Io): AsyncIterable<Uint8Array> {
  if (io.stdinStream) {
    for await (const c of io.stdinStream()) yield c;
  } else {
    yield await io.stdin();
  }
}

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
import { pick } from '../../i18n/catalogue.js';
import { CATALOGUE as PCAP } from '../../i18n/pcap.js';
import { langFromEnv } from '../../lang.js';
import { parse } from '../args.js';
import { printWarnings } from '../inputs.js';
import type { Command, Io } from '../io.js';
import { warning } from '../../model/warnings.js';

export const pcap: Command = {
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      {
        timeline: { type: 'boolean' },
        count: { type: 'boolean' },
        json: { type: 'boolean' },
        'no-header': { type: 'boolean', short: 'H' },
        ipv4: { type: 'boolean', short: '4' },
        ipv6: { type: 'boolean', short: '6' },
        help: { type: 'boolean', short: 'h' },
      },
      io.argOffset,
      true,
    );
    const lang = langFromEnv(io.env);
    const m = pick(PCAP, lang);
    if (values['help']) {
      io.out(m.help);
      return 0;
    }
    const [file, ...words] = positionals;
    if (file === undefined) throw new TcpstateError('ERR_USAGE', m.needFile);
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
      : new render.PcapTextWriter((s) => io.out(s), { timeline, header: !values['no-header'], rows: !values['count'], lang });
    const states = newCounts();
    const rows = new SocketTable(16);
    const fast = !values['json'] && !timeline ? (writer as InstanceType<typeof render.PcapTextWriter>) : undefined;
    const flows = new FlowTable(
      (ft, slot) => {
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
      },
      { timeline },
    );
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
    const stop = (sig: NodeJS.Signals): void => {
      interrupted = sig;
      wake?.();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let summary;
    try {
      summary =
        file === '-'
          ? await readCapture(
              {
                kind: 'chunks',
                chunks: untilSignal(
                  stdinChunks(io),
                  () => interrupted !== undefined,
                  (w) => {
                    wake = w;
                  },
                ),
              },
              sink,
              '-',
              opts,
            )
          : await readCaptureFile(file, sink, opts);
    } finally {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    }
    // The pipe is still open (tcpdump runs on): let go of it, or the process would wait for it.
    if (interrupted !== undefined && file === '-') (io.stdinStream?.() as { destroy?: () => void } | undefined)?.destroy?.();
    if (interrupted !== undefined) io.err(`tcpstate: ${m.interrupted(interrupted)}\n`);
    flows.finish();
    // Nothing has been written yet when no frame was decoded: no connection was found.
    const none = flows.undecoded.noneDecoded(flows.counts.tcp, file);
    if (none) throw none;
    const warnings = [...summary.warnings, ...flows.undecoded.warnings(file)];
    printWarnings(
      io,
      warnings.map((w) => warning(w.code, w.said ?? w.message, { file, ...w.where })),
    );
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

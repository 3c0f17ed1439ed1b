/**
 * `tcpstate ls`: the better `netstat -antp` / `ss -tanp`.
 * @module
 */
import { ALL_MASK, DEFAULT_LS_MASK } from '../../model/state.js';
import { lsJson, planLs, renderCsv } from '../../render/ls.js';
import { hiddenNotice, liveSnapshot } from '../../snapshot.js';
import { parse } from '../args.js';
import type { Command } from '../io.js';
import { SOCKET_HELP, SOCKET_OPTIONS, selection } from '../socket-options.js';

const HELP = `Usage: tcpstate ls [OPTIONS] [FILTER...]

List sockets with netstat's columns: Proto, Recv-Q, Send-Q, Local Address,
Foreign Address, State. Like "netstat -n", listening sockets are left out unless
-a or -l (or a state filter) asks for them.

Columns:
  -p, --program        PID/Program name (root sees every process)
  -o, --timers         Timer, as netstat: timewait (59.93/0/0) = kind (seconds left/retransmits/probes)
  -e, --extend         User and Inode
  -i, --info           TCP internals as ss -i: rto, rtt/rttvar, mss, cwnd, ssthresh,
                       bytes acked/received, retransmits, delivery rate (netlink only)
  -m, --memory         socket memory as ss -m: skmem:(r,rb,t,tb,f,w,o,bl,d) (netlink only)
  -H, --no-header      no header line
Output:
  --json               one JSON document (schema: docs/json.md)
  --csv                CSV with a header line
${SOCKET_HELP}
Examples:
  tcpstate ls -tanp
  tcpstate ls state time-wait '( dport = :443 or dport = :80 )'
  tcpstate ls -o exclude listening src 10.0.0.0/8
`;

export const ls: Command = {
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      ...SOCKET_OPTIONS,
      'no-header': { type: 'boolean', short: 'H' },
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
    });
    if (values['help']) { io.out(HELP); return 0; }
    const sel = selection(values, positionals, DEFAULT_LS_MASK);
    const processes = Boolean(values['program'] || values['processes']);
    // Process attribution starts first: a worker scans /proc/PID/fd while this thread
    // reads the sockets, then this thread joins in.
    const pending = processes ? (await import('../../sources/process-scan.js')).startProcessScan(sel.scan.procRoot) : undefined;
    const everyRow = sel.states === ALL_MASK && !sel.filter.expr;
    const snap = await liveSnapshot(sel.sourceName, sel.scan, everyRow ? undefined : sel.keep);
    const info = Boolean(values['info']);
    const memory = Boolean(values['memory']);
    // Text output is laid out up to the owner column while the worker still scans.
    const plan = values['json'] || values['csv'] ? undefined : planLs(snap.table, {
      processes,
      timers: Boolean(values['timers'] || values['options']),
      extended: Boolean(values['extend'] || values['extended']),
      info,
      memory,
      header: !values['no-header'],
    });
    if (pending) {
      const scan = await pending.done();
      snap.table.owners = scan.owners;
      if (scan.hidden > 0) snap.notices.push(hiddenNotice(scan.hidden));
    }
    if ((info || memory) && snap.source === 'proc') snap.notices.push(`-${info ? 'i' : ''}${memory ? 'm' : ''} needs the netlink source: procfs has no TCP internals or socket memory`);
    for (const n of snap.notices) io.err(`tcpstate: ${n}\n`);
    for (const w of snap.warnings) io.err(`tcpstate: warning: ${w.where.file ?? ''}${w.where.line ? `:${w.where.line}` : ''}: ${w.message}\n`);
    if (values['json']) io.out(JSON.stringify(lsJson(snap.table, { source: snap.source, warnings: snap.warnings }), null, 2) + '\n');
    else if (values['csv']) io.out(renderCsv(snap.table, !values['no-header']));
    else plan!.write((text) => io.out(text));
    return 0;
  },
};

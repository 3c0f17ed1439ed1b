/**
 * `tcpstate ls`: the better `netstat -antp` / `ss -tanp`.
 * @module
 */
import { DEFAULT_LS_MASK } from '../../model/state.js';
import { renderCsv, renderLs, lsJson } from '../../render/ls.js';
import { attachProcesses, liveSnapshot } from '../../snapshot.js';
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
    }, io.argOffset);
    if (values['help']) { io.out(HELP); return 0; }
    const sel = selection(values, positionals, DEFAULT_LS_MASK);
    const snap = await liveSnapshot(sel.sourceName, sel.scan, sel.keep);
    const processes = Boolean(values['program'] || values['processes']);
    if (processes) snap.notices.push(...attachProcesses(snap.table, sel.scan.procRoot));
    for (const n of snap.notices) io.err(`tcpstate: ${n}\n`);
    for (const w of snap.warnings) io.err(`tcpstate: warning: ${w.where.file ?? ''}${w.where.line ? `:${w.where.line}` : ''}: ${w.message}\n`);
    if (values['json']) io.out(JSON.stringify(lsJson(snap.table, { source: snap.source, warnings: snap.warnings }), null, 2) + '\n');
    else if (values['csv']) io.out(renderCsv(snap.table, !values['no-header']));
    else io.out(renderLs(snap.table, {
      processes,
      timers: Boolean(values['timers'] || values['options']),
      extended: Boolean(values['extend'] || values['extended']),
      header: !values['no-header'],
    }));
    return 0;
  },
};

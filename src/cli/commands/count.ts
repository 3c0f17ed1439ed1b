/**
 * `tcpstate count`: the better `netstat -n | awk '/^tcp/ {++S[$NF]} END {...}'`.
 * @module
 */
import { countStates, GroupCounter, newCounts, parseGroupKey } from '../../model/count.js';
import { ALL_MASK, DEFAULT_LS_MASK } from '../../model/state.js';
import { countJson, renderAwk, renderCounts, renderGroups } from '../../render/count.js';
import { scanLive } from '../../snapshot.js';
import { scanProcesses } from '../../sources/processes.js';
import { intOpt, oneOf, parse, str } from '../args.js';
import type { Command } from '../io.js';
import { SOCKET_HELP, SOCKET_OPTIONS, selection } from '../socket-options.js';

const HELP = `Usage: tcpstate count [OPTIONS] [FILTER...]

Count sockets by state: every state in a fixed order, zeros included, then the total.
All TCP sockets are counted (like "ss -tan"), listening ones too.

  --by KEY             a state-by-group table; KEY: lport rport laddr raddr process
                       lnet/N rnet/N (e.g. rnet/24)
  --top N              with --by: the N largest groups, the rest summed as "other" (10)
  --format FMT         table (default), json, or awk: exactly what the one-liner
                       netstat -n | awk '/^tcp/ {++S[$NF]} END {for(a in S) print a, S[a]}'
                       prints ("STATE N", non-zero states); like netstat -n it leaves
                       listening sockets out unless -a, -l or a state filter says otherwise
  --json               same as --format json
${SOCKET_HELP}
Examples:
  tcpstate count
  tcpstate count --by lport state close-wait
  tcpstate count --by rnet/24 --top 5 state time-wait
  tcpstate count --format awk
`;

export const count: Command = {
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      ...SOCKET_OPTIONS,
      by: { type: 'string' },
      top: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean' },
    }, io.argOffset);
    if (values['help']) { io.out(HELP); return 0; }
    const format = values['json'] ? 'json' : oneOf(values['format'], '--format', ['table', 'json', 'awk'] as const, 'table');
    const byText = str(values['by']);
    const key = byText === undefined ? undefined : parseGroupKey(byText);
    const top = intOpt(values['top'], '--top', 10);
    const sel = selection(values, positionals, format === 'awk' ? DEFAULT_LS_MASK : ALL_MASK);

    const counts = newCounts();
    const groups = key ? new GroupCounter(key) : undefined;
    const owners = key?.by === 'process' ? scanProcesses(sel.scan.procRoot) : undefined;
    const keep = sel.states === ALL_MASK && !sel.filter.expr ? undefined : sel.keep;
    const r = await scanLive(sel.sourceName, sel.scan, (chunk) => {
      countStates(chunk, keep, counts);
      if (groups) {
        if (owners) chunk.owners = owners.owners;
        groups.add(chunk, keep);
      }
    });
    const notices = [...r.notices];
    if (owners && owners.hidden > 0) notices.push(`${owners.hidden} processes of other users are hidden (run as root to see every owner)`);
    for (const n of notices) io.err(`tcpstate: ${n}\n`);
    for (const w of r.warnings) io.err(`tcpstate: warning: ${w.where.file ?? ''}${w.where.line ? `:${w.where.line}` : ''}: ${w.message}\n`);
    const rows = groups ? groups.top(top) : undefined;
    if (format === 'json') io.out(JSON.stringify(countJson(counts, { source: r.source, by: byText, groups: rows, warnings: r.warnings }), null, 2) + '\n');
    else if (format === 'awk') io.out(renderAwk(counts));
    else io.out(rows ? renderGroups(byText!, rows, counts) : renderCounts(counts));
    return 0;
  },
};

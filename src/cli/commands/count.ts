/**
 * `tcpstate count`: the better `netstat -n | awk '/^tcp/ {++S[$NF]} END {...}'`.
 * @module
 */
import { countStates, GroupCounter, newCounts, parseGroupKey, total } from '../../model/count.js';
import { ALL_MASK, DEFAULT_LS_MASK } from '../../model/state.js';
import { countJson, renderAwk, renderCounts, renderGroups } from '../../render/count.js';
import { SocketTable } from '../../model/table.js';
import { countLive, hiddenNotice, scanLive } from '../../snapshot.js';
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
    });
    if (values['help']) { io.out(HELP); return 0; }
    const format = values['json'] ? 'json' : oneOf(values['format'], '--format', ['table', 'json', 'awk'] as const, 'table');
    const byText = str(values['by']);
    const key = byText === undefined ? undefined : parseGroupKey(byText);
    const top = intOpt(values['top'], '--top', 10);
    const sel = selection(values, positionals, format === 'awk' ? DEFAULT_LS_MASK : ALL_MASK);

    const t0 = io.env['TCPSTATE_TIMING'] ? performance.now() : 0;
    const counts = newCounts();
    const groups = key ? new GroupCounter(key) : undefined;
    const keep = sel.states === ALL_MASK && !sel.filter.expr ? undefined : sel.keep;
    let r;
    let hidden = 0;
    let scanMs: number | undefined;
    if (!groups) {
      r = await countLive(sel.sourceName, sel.scan, counts, keep, !sel.filter.expr);
      scanMs = r.scanMs;
    } else {
      // Process attribution runs on a worker while this thread reads the sockets.
      const pending = key?.by === 'process' ? (await import('../../sources/process-scan.js')).startProcessScan(sel.scan.procRoot) : undefined;
      const rows = new SocketTable(4096);
      r = await scanLive(sel.sourceName, sel.scan, (chunk) => {
        countStates(chunk, keep, counts);
        if (pending) for (let i = 0; i < chunk.length; i++) { if (!keep || keep(chunk, i)) rows.copyRow(chunk, i); }
        else groups.add(chunk, keep);
      });
      if (pending) {
        const owners = await pending.done();
        hidden = owners.hidden;
        rows.owners = owners.owners;
        groups.add(rows, undefined);
      }
    }
    // TCPSTATE_TIMING=1 (bench/): the scan alone, and with option parsing and source loading.
    if (t0) io.err(`tcpstate: timing: scan and count ${(scanMs ?? performance.now() - t0).toFixed(3)} ms (${total(counts)} sockets), ${(performance.now() - t0).toFixed(3)} ms with loading\n`);
    const notices = [...r.notices];
    if (hidden > 0) notices.push(hiddenNotice(hidden));
    for (const n of notices) io.err(`tcpstate: ${n}\n`);
    for (const w of r.warnings) io.err(`tcpstate: warning: ${w.where.file ?? ''}${w.where.line ? `:${w.where.line}` : ''}: ${w.message}\n`);
    const rows = groups ? groups.top(top) : undefined;
    if (format === 'json') io.out(JSON.stringify(countJson(counts, { source: r.source, by: byText, groups: rows, warnings: r.warnings }), null, 2) + '\n');
    else if (format === 'awk') io.out(renderAwk(counts));
    else io.out(rows ? renderGroups(byText!, rows, counts) : renderCounts(counts));
    return 0;
  },
};

/**
 * `tcpstate count`: the better `netstat -n | awk '/^tcp/ {++S[$NF]} END {...}'`, on the
 * live table or on captured text (`tcpstate count web1.txt`, `--hosts` for a fleet).
 * @module
 */
import { langFromEnv } from '../../lang.js';
import { countStates, GroupCounter, newCounts, parseGroupKey, total } from '../../model/count.js';
import { TcpstateError } from '../../model/errors.js';
import { ALL_MASK, DEFAULT_LS_MASK } from '../../model/state.js';
import { SocketTable } from '../../model/table.js';
import { countCsv, countJson, renderAwk, renderCounts, renderGroups } from '../../render/count.js';
import { HTTP_OPTIONS, isAgentUrl } from '../../fleet/http-options.js';
import { countLive, hiddenNotice, scanLive } from '../../snapshot.js';
import { intOpt, oneOf, parse, str, strs } from '../args.js';
import { inputFormat, printWarnings, readCaptures, refuseLiveOptions, splitPositionals } from '../inputs.js';
import type { Command, Io } from '../io.js';
import { SOCKET_OPTIONS, type Selection, selection, socketHelp } from '../socket-options.js';
import { pick } from '../../i18n/catalogue.js';
import { CATALOGUE as HELP_TEXTS } from '../../i18n/help.js';

import { colourArgv, colourFor, COLOUR_OPTIONS } from '../colour-option.js';
import { colourCounts } from '../../render/colour.js';
import { say as opt } from '../../i18n/options.js';

type Format = 'table' | 'json' | 'csv' | 'awk';

export const count: Command = {
  async run(argv, io) {
    const { values, positionals } = parse(
      colourArgv(argv),
      {
        ...SOCKET_OPTIONS,
        ...COLOUR_OPTIONS,
        by: { type: 'string' },
        top: { type: 'string' },
        format: { type: 'string' },
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
        hosts: { type: 'boolean' },
        group: { type: 'string', multiple: true },
        ...HTTP_OPTIONS,
      },
      io.argOffset,
    );
    if (values['help']) {
      const m = pick(HELP_TEXTS, langFromEnv(io.env));
      io.out(m.count(m.http, socketHelp(langFromEnv(io.env))));
      return 0;
    }
    const format = values['json'] ? 'json' : values['csv'] ? 'csv' : oneOf(values['format'], '--format', ['table', 'json', 'csv', 'awk'] as const, 'table');
    const byText = str(values['by']);
    const key = byText === undefined ? undefined : parseGroupKey(byText, '--by');
    const top = intOpt(values['top'], '--top', 10);
    if (values['top'] !== undefined && key === undefined) throw new TcpstateError('ERR_USAGE', opt('topNeedsBy'), { field: '--top' });
    if (format === 'awk' && key !== undefined) throw new TcpstateError('ERR_USAGE', opt('awkWithBy'), { field: '--format' });
    const fleet = Boolean(values['hosts']) || strs(values['group']).length > 0;
    if (positionals.some(isAgentUrl)) return countAgents(io, values, positionals, { format, byText, fleet });
    for (const k of Object.keys(HTTP_OPTIONS)) {
      if (values[k] !== undefined) throw new TcpstateError('ERR_USAGE', opt('agentOption', `--${k}`), { field: `--${k}` });
    }
    const { inputs, filter } = splitPositionals(positionals);
    const sel = selection(values, filter, format === 'awk' ? DEFAULT_LS_MASK : ALL_MASK);
    if (inputs.length > 0) return countCaptures(io, values, inputs, sel, { format, byText, top, fleet });
    if (fleet) throw new TcpstateError('ERR_USAGE', opt('hostsFiles'), { field: '--hosts' });
    if (values['input-format'] !== undefined) throw new TcpstateError('ERR_USAGE', opt('inputFormatCount'), { field: '--input-format' });

    const t0 = io.env['TCPSTATE_TIMING'] ? performance.now() : 0;
    const counts = newCounts();
    const groups = key ? new GroupCounter(key) : undefined;
    const keep = sel.states === ALL_MASK && !sel.filter.expr ? undefined : sel.keep;
    let r;
    let hidden = 0;
    let scanMs: number | undefined;
    let dumps: number | undefined;
    let method: string | undefined;
    if (!groups) {
      // Nothing else runs meanwhile: a large table may be dumped in two halves at once.
      r = await countLive(sel.sourceName, { ...sel.scan, parallel: true, started: io.bpfWalk }, counts, keep, !sel.filter.expr);
      scanMs = r.scanMs;
      dumps = r.dumps;
      method = r.method;
    } else {
      // Process attribution runs on background threads while this thread reads the sockets.
      const pending = key?.by === 'process' ? (await import('../../sources/process-scan.js')).startProcessScan(sel.scan.procRoot) : undefined;
      const rows = new SocketTable(4096);
      r = await scanLive(sel.sourceName, sel.scan, (chunk) => {
        countStates(chunk, keep, counts);
        if (pending)
          for (let i = 0; i < chunk.length; i++) {
            if (!keep || keep(chunk, i)) rows.copyRow(chunk, i);
          }
        else groups.add(chunk, keep);
      });
      if (pending) {
        const owners = await pending.done();
        hidden = owners.hidden;
        r.warnings.push(...owners.warnings);
        rows.owners = owners.owners;
        groups.add(rows, undefined);
      }
    }
    // TCPSTATE_TIMING=1 (bench/): the scan from its start (which may precede this command's code:
    // bin/tcpstate.js starts the walk of a plain `count`), and the time since this command began.
    if (t0)
      io.err(
        `tcpstate: timing: scan and count ${(scanMs ?? performance.now() - t0).toFixed(3)} ms (${total(counts)} sockets${method !== undefined ? `, ${method}` : dumps === undefined ? '' : `, ${dumps} dumps`}), ${(performance.now() - t0).toFixed(3)} ms since count began\n`,
      );
    const notices = [...r.notices];
    if (hidden > 0) notices.push(hiddenNotice(hidden));
    for (const n of notices) io.err(`tcpstate: ${n}\n`);
    printWarnings(io, r.warnings);
    const rows = groups ? groups.top(top) : undefined;
    if (format === 'json') io.out(JSON.stringify(countJson(counts, { source: r.source, by: byText, groups: rows, warnings: r.warnings }), null, 2) + '\n');
    else if (format === 'csv') io.out(countCsv(counts, byText, rows));
    else if (format === 'awk') io.out(renderAwk(counts));
    else io.out(rows ? renderGroups(byText!, rows, counts, langFromEnv(io.env)) : stateList(counts, io, values));
    return 0;
  },
};

/** The state list as text, coloured on a terminal. */
function stateList(counts: ReturnType<typeof newCounts>, io: Io, values: Record<string, unknown>): string {
  const text = renderCounts(counts, langFromEnv(io.env));
  return colourFor(values, io) ? colourCounts(text, counts) : text;
}

/** `count FILE...`: a sum over the captures, a --by table, or the --hosts fleet table. */
async function countCaptures(
  io: Io,
  values: Record<string, unknown>,
  inputs: string[],
  sel: Selection,
  o: { format: Format; byText: string | undefined; top: number; fleet: boolean },
): Promise<number> {
  refuseLiveOptions(values);
  if (o.fleet && o.byText !== undefined) throw new TcpstateError('ERR_USAGE', opt('byAndHosts'), { field: '--by' });
  // Rows are counted as they are read: no capture's table is kept.
  const groups = o.byText === undefined ? undefined : new GroupCounter(parseGroupKey(o.byText, '--by'));
  const read = await readCaptures(inputs, io, { format: inputFormat(values), sel, tables: false, onRows: groups && ((chunk, keep) => groups.add(chunk, keep)) });
  printWarnings(io, read.warnings);
  const picked = read.picked;
  if (o.fleet) {
    const { buildFleet, parseGroupSpec } = await import('../../model/fleet.js');
    const { fleetCsv, fleetJson, renderFleet } = await import('../../render/fleet.js');
    const specs = strs(values['group']).map(parseGroupSpec);
    const f = buildFleet(
      picked.map((p) => ({ host: p.capture.host, format: p.capture.format, file: p.capture.file, line: p.capture.line, counts: p.counts })),
      specs,
    );
    if (o.format === 'json') io.out(JSON.stringify(fleetJson(f, read.warnings), null, 2) + '\n');
    else if (o.format === 'csv') io.out(fleetCsv(f, specs.length > 0));
    else if (o.format === 'awk') throw new TcpstateError('ERR_USAGE', opt('awkWithHosts'), { field: '--format' });
    else io.out(renderFleet(f, specs.length > 0));
    return 0;
  }
  const counts = newCounts();
  for (const p of picked) for (let s = 0; s < 16; s++) counts[s]! += p.counts[s]!;
  const hosts = new Set(picked.map((p) => p.capture.host));
  if (hosts.size > 1) io.err(`tcpstate: ${hosts.size} hosts summed (${[...hosts].slice(0, 5).join(', ')}${hosts.size > 5 ? ', ...' : ''}); --hosts gives a row per host\n`);
  let rows;
  if (groups) {
    for (const p of picked) {
      if (!p.capture.listing) throw new TcpstateError('ERR_USAGE', opt('bySummary', p.capture.host, p.capture.format), { file: p.capture.file, line: p.capture.line });
    }
    if (groups.key.by === 'process' && groups.groups.size > 0 && [...groups.groups.keys()].every((k) => k === '-')) {
      throw new TcpstateError('ERR_USAGE', opt('noProcesses', inputs.length > 1), { file: inputs.length === 1 ? inputs[0] : undefined, field: '--by' });
    }
    rows = groups.top(o.top);
  }
  const source = [...new Set(picked.map((p) => `capture:${p.capture.format}`))].join(',');
  const host = hosts.size === 1 ? [...hosts][0] : undefined;
  if (o.format === 'json') io.out(JSON.stringify(countJson(counts, { source, host, by: o.byText, groups: rows, warnings: read.warnings }), null, 2) + '\n');
  else if (o.format === 'csv') io.out(countCsv(counts, o.byText, rows));
  else if (o.format === 'awk') io.out(renderAwk(counts));
  else io.out(rows ? renderGroups(o.byText!, rows, counts, langFromEnv(io.env)) : stateList(counts, io, values));
  return 0;
}

/** `count --hosts URL...`: the fleet table from agents' /api/v1/counts. */
async function countAgents(io: Io, values: Record<string, unknown>, positionals: string[], o: { format: Format; byText: string | undefined; fleet: boolean }): Promise<number> {
  const { messages } = await import('../../i18n/fleet.js');
  const msg = messages(io.env);
  const other = positionals.find((p) => !isAgentUrl(p));
  if (other !== undefined) throw new TcpstateError('ERR_USAGE', `${msg.hostsUrlMixed} ("${other}")`, { field: other });
  if (!o.fleet) throw new TcpstateError('ERR_USAGE', opt('agentsNeedHosts'), { field: '--hosts' });
  if (o.byText !== undefined) throw new TcpstateError('ERR_USAGE', opt('byAndHosts'), { field: '--by' });
  if (o.format === 'awk') throw new TcpstateError('ERR_USAGE', opt('awkWithHosts'), { field: '--format' });
  refuseLiveOptions(values);
  for (const k of Object.keys(SOCKET_OPTIONS)) {
    if (!['help', 'tcp', 'numeric', 'all'].includes(k) && values[k] !== undefined) throw new TcpstateError('ERR_USAGE', opt('agentsSelect', `--${k}`), { field: `--${k}` });
  }
  const { durationOpt, httpOptions, urlOpt } = await import('../../fleet/options.js');
  const urls = positionals.map((p) => urlOpt(p, 'URL', msg));
  const timeout = durationOpt(str(values['timeout']), '--timeout', 5, msg);
  const { readAgents } = await import('../../fleet/agents.js');
  const hosts = await readAgents(urls, httpOptions(values, io.env, timeout * 1000, msg), msg);
  const { buildFleet, parseGroupSpec } = await import('../../model/fleet.js');
  const { fleetCsv, fleetJson, renderFleet } = await import('../../render/fleet.js');
  const specs = strs(values['group']).map(parseGroupSpec);
  const f = buildFleet(hosts, specs);
  if (o.format === 'json') io.out(JSON.stringify(fleetJson(f, []), null, 2) + '\n');
  else if (o.format === 'csv') io.out(fleetCsv(f, specs.length > 0));
  else io.out(renderFleet(f, specs.length > 0));
  return 0;
}

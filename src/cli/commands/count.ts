/**
 * `tcpstate count`: the better `netstat -n | awk '/^tcp/ {++S[$NF]} END {...}'`, on the
 * live table or on captured text (`tcpstate count web1.txt`, `--hosts` for a fleet).
 * @module
 */
import { langFromEnv } from '../../lang.js';
import { type StateCounts, total } from '../../model/count.js';
import { TcpstateError } from '../../model/errors.js';
import { ALL_MASK, DEFAULT_LS_MASK } from '../../model/state.js';
import { countCsv, renderAwk, renderCounts, renderGroups } from '../../render/count.js';
import { type CountMeta, type CountPlan, type CountReport, CountTally, countCaptures, countDocument, countLiveTable, countPlan } from '../../report/count.js';
import { HTTP_OPTIONS, isAgentUrl } from '../../fleet/http-options.js';
import { intOpt, outputFormat, parse, str, strs } from '../args.js';
import { inputFormat, printNotices, printWarnings, readCaptures, refuseLiveOptions, splitPositionals } from '../inputs.js';
import type { Command, Io } from '../io.js';
import { FLAG_NAMES } from '../option-names.js';
import { SOCKET_OPTIONS, type Selection, selection, socketHelp } from '../socket-options.js';
import { pick, render } from '../../i18n/catalogue.js';
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
      true,
    );
    if (values['help']) {
      const m = pick(HELP_TEXTS, langFromEnv(io.env));
      io.out(m.count(m.http, socketHelp(langFromEnv(io.env))));
      return 0;
    }
    const format = outputFormat(values, ['table', 'json', 'csv', 'awk'] as const, 'table');
    const byText = str(values['by']);
    const plan = countPlan({ by: byText, top: values['top'] === undefined ? undefined : intOpt(values['top'], '--top', 10) }, FLAG_NAMES);
    if (format === 'awk' && plan.key !== undefined) throw new TcpstateError('ERR_USAGE', opt('awkWithBy'), { field: '--format' });
    const fleet = Boolean(values['hosts']) || strs(values['group']).length > 0;
    if (positionals.some(isAgentUrl)) return countAgents(io, values, positionals, { format, byText, fleet });
    for (const k of Object.keys(HTTP_OPTIONS)) {
      if (values[k] !== undefined) throw new TcpstateError('ERR_USAGE', opt('agentOption', `--${k}`), { field: `--${k}` });
    }
    const { inputs, filter } = splitPositionals(positionals);
    const sel = selection(values, filter, format === 'awk' ? DEFAULT_LS_MASK : ALL_MASK, io.env);
    if (inputs.length > 0) return countFromCaptures(io, values, inputs, sel, { format, plan, fleet });
    if (fleet) throw new TcpstateError('ERR_USAGE', opt('hostsFiles'), { field: '--hosts' });
    if (values['input-format'] !== undefined) throw new TcpstateError('ERR_USAGE', opt('inputFormatCount'), { field: '--input-format' });

    const t0 = io.env['TCPSTATE_TIMING'] ? performance.now() : 0;
    const keep = sel.states === ALL_MASK && !sel.filter.expr ? undefined : sel.keep;
    // Without groups nothing else runs meanwhile: a large table may be dumped in two halves at once.
    const r = await countLiveTable(sel.sourceName, sel.scan, plan, keep, { statesOnly: !sel.filter.expr, countScan: { parallel: true, started: io.bpfWalk } });
    const counts = r.report.counts;
    // TCPSTATE_TIMING=1 (bench/): the scan from its start (which may precede this command's code:
    // bin/tcpstate.js starts the walk of a plain `count`), and the time since this command began.
    if (t0)
      io.err(
        `tcpstate: timing: scan and count ${(r.scanMs ?? performance.now() - t0).toFixed(3)} ms (${total(counts)} sockets${r.method !== undefined ? `, ${r.method}` : r.dumps === undefined ? '' : `, ${r.dumps} dumps`}), ${(performance.now() - t0).toFixed(3)} ms since count began\n`,
      );
    printNotices(io, r.notices);
    printWarnings(io, r.warnings);
    printCount(io, values, format, r.report, { source: r.source, warnings: r.warnings });
    return 0;
  },
};

/** The report as the format asks. */
function printCount(io: Io, values: Record<string, unknown>, format: Format, r: CountReport, meta: CountMeta): void {
  const counts = r.counts;
  if (format === 'json') io.out(JSON.stringify(countDocument(r, meta), null, 2) + '\n');
  else if (format === 'csv') io.out(countCsv(counts, r.by, r.groups));
  else if (format === 'awk') io.out(renderAwk(counts));
  else io.out(r.groups && r.by !== undefined ? renderGroups(r.by, r.groups, counts, langFromEnv(io.env)) : stateList(counts, io, values));
}

/** The state list as text, coloured on a terminal. */
function stateList(counts: StateCounts, io: Io, values: Record<string, unknown>): string {
  const text = renderCounts(counts, langFromEnv(io.env));
  return colourFor(values, io) ? colourCounts(text, counts) : text;
}

/** `count FILE...`: a sum over the captures, a --by table, or the --hosts fleet table. */
async function countFromCaptures(io: Io, values: Record<string, unknown>, inputs: string[], sel: Selection, o: { format: Format; plan: CountPlan; fleet: boolean }): Promise<number> {
  refuseLiveOptions(values);
  if (o.fleet && o.plan.by !== undefined) throw new TcpstateError('ERR_USAGE', opt('byAndHosts'), { field: '--by' });
  // Rows are counted as they are read: no capture's table is kept.
  const tally = new CountTally(o.plan);
  const read = await readCaptures(inputs, io, { format: inputFormat(values), sel, tables: false, onRows: tally.groups && ((chunk, keep) => tally.addGroups(chunk, keep)) });
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
    else io.out(renderFleet(f, specs.length > 0, langFromEnv(io.env)));
    return 0;
  }
  const c = countCaptures(tally, picked, inputs, FLAG_NAMES);
  const hosts = c.hosts;
  const names = `${hosts.slice(0, 5).join(', ')}${hosts.length > 5 ? ', ...' : ''}`;
  if (hosts.length > 1) io.err(`tcpstate: ${render(opt('hostsSummed', hosts.length, names), langFromEnv(io.env))}\n`);
  printCount(io, values, o.format, c.report, { source: c.source, ...(c.host === undefined ? {} : { host: c.host }), warnings: read.warnings });
  return 0;
}

/** `count --hosts URL...`: the fleet table from agents' /api/v1/counts. */
async function countAgents(io: Io, values: Record<string, unknown>, positionals: string[], o: { format: Format; byText: string | undefined; fleet: boolean }): Promise<number> {
  const { messages, say } = await import('../../i18n/fleet.js');
  const msg = messages(io.env);
  const other = positionals.find((p) => !isAgentUrl(p));
  if (other !== undefined) throw new TcpstateError('ERR_USAGE', say('hostsUrlMixedAt', say('hostsUrlMixed'), other), { field: other });
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
  else io.out(renderFleet(f, specs.length > 0, langFromEnv(io.env)));
  return 0;
}

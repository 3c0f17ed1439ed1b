/**
 * `tcpstate fleet --prometheus URL`: the `count --hosts` table (a row per host, a column
 * per state, role subtotals, the total) read from Prometheus, where `tcpstate serve`
 * agents are scraped.
 * @module
 */
import { TcpstateError } from '../../model/errors.js';
import { parseState } from '../../model/state.js';
import { intOpt, oneOf, outputFormat, parse, str, strs } from '../args.js';
import { printWarnings } from '../inputs.js';
import type { Command } from '../io.js';
import { langFromEnv } from '../../lang.js';
import { pick } from '../../i18n/catalogue.js';
import { CATALOGUE as HELP_TEXTS } from '../../i18n/help.js';
import { say as o } from '../../i18n/options.js';
import { CATALOGUE as TABLES } from '../../i18n/tables.js';

export const fleet: Command = {
  async run(argv, io) {
    const { HTTP_OPTIONS, durationOpt, httpOptions, labelOpt, parseMoment, urlOpt } = await import('../../fleet/options.js');
    const { values, positionals } = parse(
      argv,
      {
        help: { type: 'boolean', short: 'h' },
        prometheus: { type: 'string' },
        'host-label': { type: 'string' },
        'group-label': { type: 'string' },
        group: { type: 'string', multiple: true },
        at: { type: 'string' },
        since: { type: 'string' },
        lookback: { type: 'string' },
        recorded: { type: 'boolean' },
        by: { type: 'string' },
        state: { type: 'string' },
        top: { type: 'string' },
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
        format: { type: 'string' },
        ...HTTP_OPTIONS,
      },
      io.argOffset,
    );
    if (values['help']) {
      const help = pick(HELP_TEXTS, langFromEnv(io.env));
      io.out(help.fleet(help.http));
      return 0;
    }
    const { messages } = await import('../../i18n/fleet.js');
    const msg = messages(io.env);
    const tables = pick(TABLES, langFromEnv(io.env));
    if (positionals.length > 0) throw new TcpstateError('ERR_USAGE', o('fleetArgument', positionals[0]!), { field: positionals[0] });
    const promText = str(values['prometheus']) ?? io.env['TCPSTATE_PROMETHEUS'];
    if (promText === undefined) throw new TcpstateError('ERR_USAGE', o('fleetPrometheus'), { field: '--prometheus' });
    const format = outputFormat(values, ['table', 'json', 'csv'] as const, 'table');
    const base = urlOpt(promText, '--prometheus', msg);
    const hostLabel = labelOpt(str(values['host-label']), '--host-label', msg) ?? 'instance';
    const groupLabel = labelOpt(str(values['group-label']), '--group-label', msg);
    const { buildFleet, parseGroupSpec } = await import('../../model/fleet.js');
    const specs = strs(values['group']).map(parseGroupSpec);
    const now = Date.now() / 1000;
    const at = str(values['at']) === undefined ? undefined : parseMoment(str(values['at'])!, now, msg);
    const since = str(values['since']) === undefined ? undefined : durationOpt(str(values['since']), '--since', 0, msg);
    const lookback = durationOpt(str(values['lookback']), '--lookback', 3600, msg);
    const timeout = durationOpt(str(values['timeout']), '--timeout', 30, msg);
    const recorded = values['recorded'] === true;
    if (recorded && (hostLabel !== 'host' || (groupLabel !== undefined && groupLabel !== 'role'))) {
      throw new TcpstateError('ERR_USAGE', o('fleetRecorded'), { field: '--recorded' });
    }
    const { PrometheusClient } = await import('../../fleet/prometheus.js');
    const { queryFleet } = await import('../../fleet/query.js');
    const client = new PrometheusClient(base, httpOptions(values, io.env, timeout * 1000, msg), msg);
    const by = str(values['by']);
    if (by !== undefined || values['state'] !== undefined) {
      const key = oneOf(by, '--by', ['lport', 'rport'] as const, 'lport');
      const state = str(values['state']) === undefined ? undefined : parseState(str(values['state'])!);
      if (state === undefined) throw new TcpstateError('ERR_USAGE', msg.byNeedsState, { field: '--state' });
      if (specs.length > 0) throw new TcpstateError('ERR_USAGE', o('fleetGroupBy'), { field: '--group' });
      const { portsCsv, portsJson, queryPorts, renderPorts } = await import('../../fleet/ports.js');
      const p = await queryPorts(client, { hostLabel, groupLabel, at, since, lookback }, key, state, intOpt(values['top'], '--top', 10), { down: msg.agentDown, absent: msg.absentThen });
      if (p.fleet.hosts.length === 0) throw new TcpstateError('ERR_EMPTY', msg.noHosts(client.shown, hostLabel), { field: '--host-label' });
      const source = { prometheus: client.shown, at: new Date(p.at * 1000).toISOString(), ...(since !== undefined ? { since: new Date((p.at - since) * 1000).toISOString(), change: true } : {}) };
      if (format === 'json') io.out(JSON.stringify(portsJson(p.fleet, p.warnings, source), null, 2) + '\n');
      else if (format === 'csv') io.out(portsCsv(p.fleet));
      else io.out(`${since !== undefined ? `${tables.changeFrom(source.since!, source.at)}\n` : ''}${renderPorts(p.fleet, langFromEnv(io.env))}`);
      return 0;
    }
    const r = await queryFleet(
      client,
      { hostLabel, groupLabel, at, since, lookback, recorded },
      { down: msg.agentDown, noCounts: msg.noCounts, noRecorded: msg.noRecorded(client.shown), noHosts: msg.noHosts(client.shown, hostLabel), absent: msg.absentThen },
    );
    if (r.hosts.length === 0) throw new TcpstateError('ERR_EMPTY', msg.noHosts(client.shown, hostLabel), { field: '--host-label' });
    printWarnings(io, r.warnings);
    const f = buildFleet(r.hosts, specs);
    const grouped = f.groups.some((g) => g.name !== undefined);
    const { fleetCsv, fleetJson, renderFleet } = await import('../../render/fleet.js');
    if (format === 'json') {
      const doc = fleetJson(f, r.warnings);
      io.out(
        JSON.stringify(
          {
            ...doc,
            source: { prometheus: client.shown, at: new Date(r.at * 1000).toISOString(), ...(since !== undefined ? { since: new Date((r.at - since) * 1000).toISOString(), change: true } : {}) },
          },
          null,
          2,
        ) + '\n',
      );
    } else if (format === 'csv') io.out(fleetCsv(f, grouped));
    else {
      if (since !== undefined) io.out(`${tables.changeFrom(new Date((r.at - since) * 1000).toISOString(), new Date(r.at * 1000).toISOString())}\n`);
      io.out(renderFleet(f, grouped, langFromEnv(io.env)));
    }
    return 0;
  },
};

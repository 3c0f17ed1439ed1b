/**
 * `tcpstate history`: what `tcpstate record` kept, between two moments: a sparkline and
 * a time table per state, `--by` groups, JSON (`tcpstate.history/2`), CSV, the counts at
 * one moment (`--at`, in count's layout) or OpenMetrics for promtool.
 * @module
 */
import { TcpstateError } from '../../model/errors.js';
import { nearStates, withSuggestion } from '../../model/suggest.js';
import { parseStateOrGroup, PRINT_ORDER, maskOf, type StateCode } from '../../model/state.js';
import { oneOf, outputFormat, parse, str } from '../args.js';
import type { Command } from '../io.js';
import { say as o } from '../../i18n/options.js';

const HELP = `Usage: tcpstate history [OPTIONS] [STATE...]

What "tcpstate record" kept: each state's count over time, from raw samples or
the minute and hour rollups.

  --db PATH            the history file (default: record's)
  --since TIME         start: a duration ago (1h, the default; 7d), HH:MM[:SS],
                       an ISO date-time, @EPOCH_SECONDS
  --until TIME         end (now)
  --step D             one row per step (1m, 1h, ...): the last count, with min, max
                       and mean in JSON; whole minutes read the minute rollups,
                       whole hours the hour rollups. Default: every sample (text:
                       a step giving at most about 30 rows)
  STATE...             only these states (any spelling, or ss's groups: connected, ...)
  --by KIND            the largest groups over time: lport (inbound, by local port),
                       rport (outbound, by remote port), raddr, process
  -N, --netns NAME     the namespace's history ("" for the recorder's own)
  --counters WHICH     kernel TCP counters shown as increases and rates per
                       sample or step: key (listen overflows, SYN cookies,
                       resets, aborts, retransmits, ...; the default), all,
                       none, or names (ListenOverflows,Tcp.OutRsts)
  --transitions        the state changes (FROM->TO) counted per sample or step,
                       as a time table (record counts them where BPF runs)
  --at TIME            the counts at one moment, as "tcpstate count" prints them
  --json               tcpstate.history/2 (with --at: tcpstate.count/1)
  --csv                a row per sample (or step); with --by, per sample and group
  --export openmetrics OpenMetrics with timestamps, for
                       promtool tsdb create-blocks-from openmetrics FILE DIR

Examples:
  tcpstate history --since 2h close-wait time-wait
  tcpstate history --since 7d --step 1h --json
  tcpstate history --at 10:05 --by lport
  tcpstate history --export openmetrics > h.om
`;

const NICE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map((s) => s * 1000);

export const history: Command = {
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      {
        db: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        step: { type: 'string' },
        by: { type: 'string' },
        netns: { type: 'string', short: 'N' },
        at: { type: 'string' },
        counters: { type: 'string' },
        transitions: { type: 'boolean' },
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
        export: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      io.argOffset,
    );
    if (values['help']) {
      io.out(HELP);
      return 0;
    }
    const { parseDuration, parseTime } = await import('../../history/time.js');
    const { defaultDbPath } = await import('../../history/paths.js');
    const { messages } = await import('../../i18n/history.js');
    const m = messages(io.env);
    const now = Date.now();
    let mask = 0;
    for (const w of positionals) {
      const s = parseStateOrGroup(w);
      if (s === undefined) throw withSuggestion(new TcpstateError('ERR_STATE', o('historyState', w, PRINT_ORDER.length), { field: 'STATE' }), nearStates(w));
      mask |= s;
    }
    const states: StateCode[] | undefined = mask ? PRINT_ORDER.filter((c) => (mask & maskOf(c)) !== 0) : undefined;
    const by = values['by'] === undefined ? undefined : oneOf(values['by'], '--by', ['lport', 'rport', 'raddr', 'process'] as const, 'lport');
    const since = parseTime(str(values['since']) ?? '1h', '--since', now);
    const until = parseTime(str(values['until']) ?? 'now', '--until', now);
    if (until < since) throw new TcpstateError('ERR_USAGE', o('untilBeforeSince'), { field: '--until' });
    const stepMs = values['step'] === undefined ? undefined : parseDuration(str(values['step'])!, '--step');
    const format = outputFormat(values, undefined, 'text');
    const exportFmt = values['export'] === undefined ? undefined : oneOf(values['export'], '--export', ['openmetrics'] as const, 'openmetrics');
    const counters = counterSelection(str(values['counters']));
    const file = str(values['db']) ?? defaultDbPath(io.env);
    const netns = str(values['netns']);
    const { openStore, storeError } = await import('../../history/store.js');
    const store = openStore(file, { env: io.env });
    try {
      if (exportFmt) {
        const { exportOpenMetrics } = await import('../../history/openmetrics.js');
        exportOpenMetrics(store.db, { since, until, ...(netns === undefined ? {} : { netns }) }, (t) => io.out(t));
        return 0;
      }
      const { queryAt, queryHistory } = await import('../../history/query.js');
      if (values['at'] !== undefined) {
        const at = queryAt(store.db, parseTime(str(values['at'])!, '--at', now), netns, by, io.env, file);
        const { countJson, renderCounts, renderGroups } = await import('../../render/count.js');
        io.err(`tcpstate: ${m.sampleAt(new Date(at.t).toISOString(), at.netns)}\n`);
        if (format === 'json')
          io.out(
            JSON.stringify(
              {
                ...countJson(at.counts, { source: `history:${file}`, ...(by ? { by, groups: at.groups ?? [] } : {}) }),
                takenAt: new Date(at.t).toISOString(),
                ...(at.netns ? { netns: at.netns } : {}),
              },
              null,
              2,
            ) + '\n',
          );
        else if (format === 'csv') throw new TcpstateError('ERR_USAGE', o('atTable'), { field: '--csv' });
        else io.out(by ? renderGroups(by, at.groups ?? [], at.counts) : renderCounts(at.counts));
        return 0;
      }
      let step = stepMs;
      if (step === undefined && format === 'text') step = autoStep(store.db, netns, since, until);
      const doc = queryHistory(
        store.db,
        file,
        { since, until, ...(step === undefined ? {} : { stepMs: step }), ...(netns === undefined ? {} : { netns }), ...(states ? { states } : {}), ...(by ? { by } : {}), counters },
        io.env,
      );
      if (format === 'json') {
        io.out(JSON.stringify(doc, null, 1) + '\n');
        return 0;
      }
      if (doc.samples.length === 0) throw new TcpstateError('ERR_EMPTY', m.noSamples(file));
      const { renderHistoryCsv, renderHistoryText, renderTransitionsView } = await import('../../history/render.js');
      io.out(format === 'csv' ? renderHistoryCsv(doc) : values['transitions'] ? renderTransitionsView(doc, m) : renderHistoryText(doc, m));
      return 0;
    } catch (e) {
      throw storeError(file, e, io.env);
    } finally {
      store.close();
    }
  },
};

/** `--counters`: key, all, none, or names (a bare name is looked for in Tcp and TcpExt). */
function counterSelection(text: string | undefined): 'key' | 'all' | 'none' | string[] {
  if (text === undefined || text === 'key') return 'key';
  if (text === 'all' || text === 'none') return text;
  const names = text
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length === 0 || names.some((n) => !/^([A-Za-z]+\.)?[A-Za-z0-9_]+$/.test(n))) {
    throw new TcpstateError('ERR_USAGE', o('counters', text.slice(0, 60)), { field: '--counters' });
  }
  return names;
}

/** A step giving at most about 30 rows over the recorded part of the range; undefined: every sample fits. */
function autoStep(db: import('../../history/sqlite.js').Database, netns: string | undefined, since: number, until: number): number | undefined {
  const ns = netns === undefined ? '' : ' AND netns = ?';
  const args = [since, until, ...(netns === undefined ? [] : [netns])];
  // Over raw samples and hour rollups: raw samples may be gone from the older part.
  const raw = db.prepare(`SELECT min(t) AS a, max(t) AS b FROM samples WHERE t >= ? AND t <= ?${ns}`).get(...args);
  const hours = db.prepare(`SELECT min(t) AS a, max(t) AS b FROM rollups WHERE step = 3600000 AND t >= ? AND t <= ?${ns}`).get(Math.floor(since / 3_600_000) * 3_600_000, until, ...args.slice(2));
  const rawA = raw?.['a'] as number | null | undefined,
    rawB = raw?.['b'] as number | null | undefined;
  const hourA = hours?.['a'] as number | null | undefined,
    hourB = hours?.['b'] as number | null | undefined;
  // An hour bucket starts up to an hour before its first sample: it widens the range only
  // where raw samples are gone.
  const lo = typeof rawA === 'number' ? (typeof hourA === 'number' && hourA < rawA - 3_600_000 ? hourA : rawA) : (hourA ?? since);
  const a = Math.max(since, lo);
  const b = typeof rawB === 'number' ? rawB : (hourB ?? until);
  const interval = Number(db.prepare('SELECT interval_ms FROM samples ORDER BY id DESC LIMIT 1').get()?.['interval_ms'] ?? 10_000);
  const span = b - a;
  if (span / interval <= 40) return undefined;
  return NICE_STEPS.find((s) => span / s <= 30) ?? 86_400_000;
}

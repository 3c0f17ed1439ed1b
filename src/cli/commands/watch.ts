/**
 * `tcpstate watch`: TCP states over time. On a terminal, the full-screen view
 * (src/watch/screen.ts); else one line per tick like `vmstat 1`, or `--json` objects
 * (src/watch/lines.ts). Reads the kernel on a worker thread at fixed ticks
 * (src/watch/ticker.ts); stops cleanly on SIGTERM and SIGINT.
 * @module
 */
import { TcpstateError } from '../../model/errors.js';
import { ALL_MASK } from '../../model/state.js';
import { parseGroupKey } from '../../model/count.js';
import { netnsId, netnsPath } from '../../sources/netns.js';
import { intOpt, parse, str } from '../args.js';
import { isFilterWord, printNotices, printWarnings } from '../inputs.js';
import { noticeText, uniqueNotices } from '../../model/warnings.js';
import type { Command, Io } from '../io.js';
import { SOCKET_OPTIONS, selection, socketHelp } from '../socket-options.js';
import { MESSAGES, watchLang, type WatchMessages } from '../../i18n/watch.js';
import type { TickRequest } from '../../watch/ticker.js';

/** Seconds as given (`1`, `0.5`, `.25`), checked against the bounds. */
export function parseInterval(v: unknown, m: WatchMessages): number {
  if (v === undefined) return 1;
  const s = String(v);
  const x = Number(s);
  if (!/^(\d+(\.\d*)?|\.\d+)$/.test(s) || !(x >= 0.05 && x <= 86400)) throw new TcpstateError('ERR_USAGE', m.badInterval(s), { field: '--interval' });
  return x;
}

export const watch: Command = {
  async run(argv, io) {
    const m = MESSAGES[watchLang(io.env)];
    const { values, positionals } = parse(
      argv,
      {
        ...SOCKET_OPTIONS,
        interval: { type: 'string' },
        count: { type: 'string', short: 'c' },
        json: { type: 'boolean' },
        'no-tui': { type: 'boolean' },
        'no-doctor': { type: 'boolean' },
        'header-every': { type: 'string' },
        by: { type: 'string' },
        top: { type: 'string' },
      },
      io.argOffset,
      true,
    );
    if (values['help']) {
      io.out(m.help + socketHelp(watchLang(io.env)));
      return 0;
    }
    const intervalS = parseInterval(values['interval'], m);
    const count = values['count'] === undefined ? undefined : intOpt(values['count'], '--count', 0);
    if (count === 0) throw new TcpstateError('ERR_USAGE', m.badCount(String(values['count'])), { field: '--count' });
    const every = intOpt(values['header-every'], '--header-every', 20);
    const top = intOpt(values['top'], '--top', 10);
    const by = str(values['by']);
    if (by !== undefined) parseGroupKey(by, '--by');
    for (const opt of ['record', 'replay', 'input-format']) {
      if (values[opt] !== undefined) throw new TcpstateError('ERR_USAGE', m.notHere(`--${opt}`), { field: `--${opt}` });
    }
    // No capture files: the words are a filter, from a filter word on (the filter's own errors after that).
    if (positionals.length > 0 && !isFilterWord(positionals[0]!)) throw new TcpstateError('ERR_USAGE', m.noFiles(positionals[0]!), { position: io.argOffset + argv.indexOf(positionals[0]!) + 1 });
    const filter = positionals;
    const sel = selection(values, filter, ALL_MASK, io.env);
    // A namespace that does not exist is an error now, not a failed tick later.
    if (sel.scan.netns !== undefined) netnsId(netnsPath(sel.scan.netns));
    const json = Boolean(values['json']);
    const { isatty } = await import('node:tty');
    const tui = !json && !values['no-tui'] && isatty(1);
    if (!tui && !json && by !== undefined) throw new TcpstateError('ERR_USAGE', m.byInLines, { field: '--by' });
    const request = (words: string[], key: string | undefined): Omit<TickRequest, 'id'> => {
      const s = words === filter ? sel : selection(values, words, ALL_MASK, io.env);
      return { scan: s.scan, ...(s.sourceName === undefined ? {} : { source: s.sourceName }), filter: words, ...(key === undefined ? {} : { by: key, top }) };
    };
    const ask = request(filter, by);
    if (tui) {
      const { runScreen } = await import('../../watch/screen-run.js');
      const color = !io.env['NO_COLOR'] && io.env['TERM'] !== 'dumb';
      return runScreen(io, m, { request, intervalS, count, by, netns: sel.scan.netns, filterText: filter.join(' '), color, doctor: !values['no-doctor'] });
    }
    return runLines(io, m, { ask, intervalS, count, every, json, by, netns: sel.scan.netns, filterText: filter.join(' ') });
  },
};

interface LineOptions {
  ask: Omit<TickRequest, 'id'>;
  intervalS: number;
  count: number | undefined;
  every: number;
  json: boolean;
  by: string | undefined;
  netns: string | undefined;
  filterText: string;
}

/** Lines or JSON objects, one per tick, until --count, SIGINT or SIGTERM, or the reader goes away. */
async function runLines(io: Io, m: WatchMessages, o: LineOptions): Promise<number> {
  const { TickLoop, TickReader } = await import('../../watch/ticker.js');
  const { advance, newView } = await import('../../watch/view.js');
  const { renderHeader, renderLine, watchJson } = await import('../../watch/lines.js');
  const reader = new TickReader();
  const view = newView();
  const fraction = !Number.isInteger(o.intervalS);
  const said = new Set<string>();
  let lines = 0;
  let skippedSaid = 0;
  const loop = new TickLoop(
    o.intervalS * 1000,
    async () => {
      const s = await reader.read(o.ask);
      // Notices and warnings once each, not every tick.
      const news = uniqueNotices(s.notices).filter((n) => !said.has(noticeText(n)) && said.add(noticeText(n)));
      printNotices(io, news);
      const fresh = s.warnings.filter((w) => {
        const k = `${w.code} ${w.message}`;
        return !said.has(k) && said.add(k);
      });
      printWarnings(io, fresh);
      advance(view, s);
      if (loop.skipped > skippedSaid && !o.json) {
        io.err(`tcpstate: ${m.skipped(loop.skipped - skippedSaid)}\n`);
        skippedSaid = loop.skipped;
      }
      if (o.json) {
        io.out(JSON.stringify(watchJson(view, { intervalS: o.intervalS, ...(o.netns === undefined ? {} : { netns: o.netns }), filter: o.filterText, by: o.by, skipped: loop.skipped })) + '\n');
        return;
      }
      if (o.every > 0 ? lines % o.every === 0 : lines === 0) io.out(renderHeader(m, fraction));
      io.out(renderLine(view, fraction));
      lines++;
    },
    o.count,
  );
  const stop = (): void => loop.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    loop.start();
    await loop.done;
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    loop.stop();
    await reader.close();
  }
  return 0;
}

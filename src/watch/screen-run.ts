/**
 * The full-screen watch: ticks read by the worker, the view advanced, frames drawn as
 * changed lines; keys change what is read (filter, grouping), the interval, or only the
 * view (pause, sort, reset, help). The terminal is restored on q, Ctrl-C, SIGTERM, SIGINT,
 * SIGHUP, an error, and at process exit.
 * @module
 */
import type { Io } from '../cli/io.js';
import { renderFrame } from './frame.js';
import type { Report } from '../doctor/diagnose.js';
import { type DoctorLine, handleKey, type ScreenUi, splitKeys } from './keys.js';
import type { WatchMessages } from '../i18n/watch.js';
import { render } from '../i18n/catalogue.js';
import { langFromEnv } from '../lang.js';
import { isTcpstateError } from '../model/errors.js';
import { type Notice, noticeText, uniqueNotices } from '../model/warnings.js';
import { Terminal } from './terminal.js';
import { TickLoop, TickReader, type TickRequest } from './ticker.js';
import { advance, clearGroups, cycleSort, newView, resetBaseline, type WatchView } from './view.js';

export interface ScreenOptions {
  /** The read request for a filter (ss words) and grouping; throws when the filter does not parse. */
  request(filter: string[], by: string | undefined): Omit<TickRequest, 'id'>;
  intervalS: number;
  count: number | undefined;
  by: string | undefined;
  netns: string | undefined;
  filterText: string;
  color: boolean;
  /** Run the doctor beside the view (src/engine's sampler, findings every tick it is free). */
  doctor: boolean;
}

/** A doctor report as the status line says it. */
export function doctorLine(report: Report | undefined): DoctorLine {
  if (!report) return { worst: 'pending', text: '', more: 0 };
  const [first, ...rest] = report.findings;
  if (!first) return { worst: 'ok', text: '', more: 0 };
  return { worst: first.severity, text: first.title, more: rest.length };
}

export async function runScreen(io: Io, m: WatchMessages, o: ScreenOptions): Promise<number> {
  const words = (f: string): string[] => f.split(' ').filter(Boolean);
  const ui: ScreenUi = { paused: false, help: false, grouping: o.by, filter: o.filterText, intervalS: o.intervalS, where: o.netns === undefined ? m.thisHost : m.netns(o.netns) };
  let ask = o.request(words(ui.filter), ui.grouping);
  let generation = 0;
  let view: WatchView = newView();
  let frozen: WatchView | undefined;
  const notices: Notice[] = [];
  const reader = new TickReader();
  const term = new Terminal((s) => io.out(s), process.stdin);
  // An error from the sampling threads or the filter, in the user's language.
  const lang = langFromEnv(io.env);
  const said = (e: unknown): string => (lang !== 'en' && isTcpstateError(e) && e.said ? render(e.said, lang) : (e as Error).message);
  const size = (): { cols: number; rows: number } => ({ cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 });
  // The doctor's findings come from the serve engine's sampler, on its own worker, one at a
  // time: a tick that finds it busy leaves it be. Findings are worst first (diagnose()).
  const sampler = o.doctor ? new (await import('../engine/sampler.js')).Sampler() : undefined;
  let doctorBusy = false;
  if (sampler) ui.doctor = doctorLine(undefined);
  const runDoctor = (): void => {
    if (!sampler || doctorBusy) return;
    doctorBusy = true;
    sampler
      .sample({ ...(o.netns === undefined ? {} : { netns: o.netns }), findings: true, rows: false, lang })
      .then(
        (s) => {
          ui.doctor = doctorLine(s.report);
        },
        (e: Error) => {
          ui.doctor = { worst: 'error', text: said(e), more: 0 };
        },
      )
      .finally(() => {
        doctorBusy = false;
        draw();
      });
  };
  const draw = (full = false): void => term.draw(renderFrame(frozen ?? view, ui, m, { ...size(), color: o.color }), full);

  const loop = new TickLoop(
    o.intervalS * 1000,
    async () => {
      const gen = generation;
      runDoctor();
      try {
        const s = await reader.read(ask);
        if (gen !== generation) return; // read under a filter or grouping no longer shown
        for (const n of uniqueNotices(s.notices)) if (!notices.some((k) => noticeText(k) === noticeText(n))) notices.push(n);
        advance(view, s);
        if (ui.error?.startsWith(m.sampleError(''))) delete ui.error;
      } catch (e) {
        if (gen !== generation) return;
        ui.error = m.sampleError(said(e));
      }
      draw();
    },
    o.count,
  );

  const onKey = (data: string): void => {
    for (const key of splitKeys(data)) {
      const wasPaused = ui.paused;
      const effect = handleKey(ui, key, (f) => {
        try {
          o.request(words(f), ui.grouping);
          return undefined;
        } catch (e) {
          return m.filterError(said(e));
        }
      });
      if (ui.paused !== wasPaused) frozen = ui.paused ? structuredClone(view) : undefined;
      switch (effect) {
        case 'quit':
          loop.stop();
          return;
        case 'interval':
          loop.setInterval(ui.intervalS * 1000);
          break;
        case 'grouping':
          ask = o.request(words(ui.filter), ui.grouping);
          generation++;
          clearGroups(view);
          break;
        case 'filter':
          ask = o.request(words(ui.filter), ui.grouping);
          generation++;
          view = newView();
          break;
        case 'reset':
          resetBaseline(view);
          break;
        case 'sort':
          cycleSort(view);
          break;
        default:
          break;
      }
      if (frozen && (effect === 'reset' || effect === 'sort')) frozen = structuredClone(view);
    }
    draw();
  };

  const stop = (): void => loop.stop();
  const restore = (): void => term.leave();
  const crash = (e: unknown): never => {
    term.leave();
    throw e;
  };
  const resize = (): void => draw(true);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  process.on('exit', restore);
  process.once('uncaughtException', crash);
  process.stdout.on('resize', resize);
  try {
    term.enter(onKey);
    draw(true);
    loop.start();
    await loop.done;
  } finally {
    term.leave();
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    process.removeListener('SIGHUP', stop);
    process.removeListener('exit', restore);
    process.removeListener('uncaughtException', crash);
    process.stdout.removeListener('resize', resize);
    loop.stop();
    await Promise.all([reader.close(), sampler?.close()]);
  }
  for (const n of notices) io.err(`tcpstate: ${noticeText(n, langFromEnv(io.env))}\n`);
  return 0;
}

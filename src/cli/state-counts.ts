/**
 * Counts by state for `explain` and `diagram --counts`: one scan of the live table, a
 * namespace or a captured /proc tree, with the options both commands share.
 * @module
 */
import { countStates, newCounts, total } from '../model/count.js';
import { describeAt, isTcpstateError } from '../model/errors.js';
import { ALL_MASK } from '../model/state.js';
import { noticeText } from '../model/warnings.js';
import type { CountsView } from '../render/explain.js';
import { type Lang, pick, render } from '../i18n/catalogue.js';
import { say } from '../i18n/options.js';
import { CATALOGUE as HELP_TEXTS } from '../i18n/help.js';
import { scanLive, scanOptions } from '../snapshot.js';
import { configFromEnv } from '../sources/config.js';
import { type OptionSpec, str } from './args.js';
import type { Io } from './io.js';
import { CATALOGUE as EDGE } from '../i18n/edge.js';
import { langFromEnv } from '../lang.js';

export const COUNT_OPTIONS: OptionSpec = {
  'proc-root': { type: 'string' },
  netns: { type: 'string', short: 'N' },
  source: { type: 'string' },
};

/** Where explain and diagram count, as help lists it (English). */
export const COUNT_HELP = HELP_TEXTS.en.counts;

/** {@link COUNT_HELP} in `lang`. */
export function countHelp(lang: Lang): string {
  return pick(HELP_TEXTS, lang).counts;
}

/**
 * Count every TCP socket by state. When nothing named a place to read (no --proc-root, no
 * --netns) and the live table cannot be read, `optional` makes that a notice and undefined.
 */
export async function readStateCounts(values: Record<string, unknown>, io: Io, here: string, optional: boolean): Promise<CountsView | undefined> {
  const procRoot = str(values['proc-root']);
  const netns = str(values['netns']);
  const opts = scanOptions({ procRoot, netns, tcp: true, udp: false, states: ALL_MASK, config: configFromEnv(io.env) });
  const counts = newCounts();
  try {
    const r = await scanLive(str(values['source']), opts, (chunk) => {
      countStates(chunk, undefined, counts);
    });
    for (const n of r.notices) io.err(`tcpstate: ${noticeText(n, langFromEnv(io.env))}\n`);
    for (const w of r.warnings) io.err(`tcpstate: ${pick(EDGE, langFromEnv(io.env)).warning}: ${describeAt(w.where, w.said ?? w.message, langFromEnv(io.env))}\n`);
    const m = pick(EDGE, langFromEnv(io.env));
    const where = netns !== undefined ? m.inNetns(netns) : opts.origin === 'proc-root' ? opts.procRoot : here;
    return { byCode: counts, total: total(counts), from: m.countsFrom(where, r.source) };
  } catch (e) {
    if (!optional || procRoot !== undefined || netns !== undefined) throw e;
    const lang = langFromEnv(io.env);
    io.err(`tcpstate: ${render(say('noCounts', isTcpstateError(e) ? e.describe(lang) : (e as Error).message), lang)}\n`);
    return undefined;
  }
}

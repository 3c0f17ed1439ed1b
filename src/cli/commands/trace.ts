/**
 * `tcpstate trace`: every TCP state change as it happens, with the socket's owner and the
 * time spent in the old state, from the native addon's BPF programs (src/trace/).
 * @module
 */
import { isTcpstateError, messageIn, TcpstateError } from '../../model/errors.js';
import { parseFilter } from '../../model/filter.js';
import { configFromEnv } from '../../sources/config.js';
import { loadNative, missingHooks } from '../../sources/native.js';
import { lifetimeMatcher, transitionMatcher } from '../../trace/match.js';
import { LifetimeCollector, lifetimeHeader, lifetimeJson, lifetimeLine } from '../../trace/lifetimes.js';
import { clockOffsetNs, textHeader, textLine, transitionJson } from '../../trace/render.js';
import { FOLLOW_MS, FOLLOW_SLOW_MS, startTrace, type TraceSession } from '../../trace/session.js';
import { followBySnapshots } from '../../trace/snapshots.js';
import { countJson, countRows, countText } from '../../trace/counts.js';
import type { Transition } from '../../trace/tracker.js';
import { pick, render, say } from '../../i18n/catalogue.js';
import { CATALOGUE as TRACE, say as ts } from '../../i18n/trace.js';
import { type Warning, warning } from '../../model/warnings.js';
import { langFromEnv } from '../../lang.js';
import { parse, str } from '../args.js';
import { printWarnings } from '../inputs.js';
import type { Command } from '../io.js';

/** Until `finish` is called (by an error), SIGINT, SIGTERM or the duration's end. */
async function waitForEnd(done: Promise<void>, finish: () => void, durationMs: number | undefined): Promise<void> {
  const onSignal = (): void => finish();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const timer = durationMs === undefined ? undefined : setTimeout(finish, durationMs);
  await done;
  if (timer) clearTimeout(timer);
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
}

export const trace: Command = {
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      {
        netns: { type: 'string' },
        duration: { type: 'string' },
        'buffer-kb': { type: 'string' },
        json: { type: 'boolean' },
        'no-header': { type: 'boolean' },
        poll: { type: 'boolean' },
        count: { type: 'boolean' },
        lifetimes: { type: 'boolean' },
        interval: { type: 'string' },
        ipv4: { type: 'boolean', short: '4' },
        ipv6: { type: 'boolean', short: '6' },
        help: { type: 'boolean', short: 'h' },
      },
      io.argOffset,
      true,
    );
    const lang = langFromEnv(io.env);
    const m = pick(TRACE, lang);
    if (values['help']) {
      io.out(m.help);
      return 0;
    }
    const dur = str(values['duration']);
    let durationMs: number | undefined;
    if (dur !== undefined) {
      if (!/^\d+(\.\d+)?$/.test(dur) || Number(dur) <= 0 || Number(dur) > 31536000) throw new TcpstateError('ERR_USAGE', m.duration(dur.slice(0, 40)), { field: '--duration' });
      durationMs = Number(dur) * 1000;
    }
    const kb = str(values['buffer-kb']);
    let ringBytes: number | undefined;
    if (kb !== undefined) {
      const n = /^\d{1,7}$/.test(kb) ? Number(kb) : NaN;
      if (!(n >= 4 && n <= 1048576 && (n & (n - 1)) === 0)) throw new TcpstateError('ERR_USAGE', m.bufferKb(kb.slice(0, 40)), { field: '--buffer-kb' });
      ringBytes = n * 1024;
    }
    if (values['ipv4'] && values['ipv6']) throw new TcpstateError('ERR_USAGE', m.bothFamilies, { field: '-4' });
    const filter = parseFilter(positionals);
    const match = transitionMatcher(filter);
    if (values['count'] && filter.expr !== undefined) throw new TcpstateError('ERR_USAGE', m.countFilter, { field: '--count' });
    if (values['count'] && values['poll']) throw new TcpstateError('ERR_USAGE', m.countPoll, { field: '--count' });
    if (values['lifetimes'] && (values['count'] || values['poll'])) throw new TcpstateError('ERR_USAGE', m.lifetimesWith(values['count'] ? '--count' : '--poll'), { field: '--lifetimes' });
    const iv = str(values['interval']);
    if (iv !== undefined && !(/^\d+(\.\d+)?$/.test(iv) && Number(iv) >= 0.05 && Number(iv) <= 3600)) {
      throw new TcpstateError('ERR_USAGE', m.interval(iv.slice(0, 40)), { field: '--interval' });
    }
    const json = values['json'] === true;
    const offset = clockOffsetNs();
    let failure: Error | undefined;
    let finish: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const lifetimes = values['lifetimes'] === true ? new LifetimeCollector() : undefined;
    const keepLifetime = lifetimeMatcher(filter);
    const print = (ts: Transition[]): void => {
      let text = '';
      if (lifetimes) {
        for (const t of ts) {
          const l = lifetimes.push(t);
          if (!l || !keepLifetime(l) || (values['ipv4'] && l.family !== 4) || (values['ipv6'] && l.family !== 6)) continue;
          text += json ? JSON.stringify(lifetimeJson(l, offset)) + '\n' : lifetimeLine(l, offset);
        }
        if (text) io.out(text);
        return;
      }
      for (const t of ts) {
        if (!match(t) || (values['ipv4'] && t.family !== 4) || (values['ipv6'] && t.family !== 6)) continue;
        text += json ? JSON.stringify(transitionJson(t, offset)) + '\n' : textLine(t, offset);
      }
      if (text) io.out(text);
    };
    const config = configFromEnv(io.env);
    const native = loadNative(config);
    let why = values['poll'] ? undefined : native.addon ? undefined : m.noAddon(native.said ? render(native.said, lang) : (native.why ?? ''));
    let session: TraceSession | undefined;
    if (!values['poll'] && native.addon) {
      try {
        session = startTrace(
          native.addon,
          { netns: str(values['netns']), family: values['ipv4'] ? 2 : values['ipv6'] ? 10 : undefined, ringBytes, countOnly: values['count'] === true, config },
          values['count'] ? () => undefined : print,
          (e) => {
            failure = e;
            finish();
          },
        );
      } catch (e) {
        if (!(isTcpstateError(e) && e.code === 'ERR_NATIVE')) throw e;
        why = messageIn(e, lang);
      }
    }
    if (!session && values['count']) throw new TcpstateError('ERR_NATIVE', m.countNeedsBpf(why ?? ''), { field: '--count' });
    if (!session && lifetimes) throw new TcpstateError('ERR_NATIVE', m.lifetimesNeedBpf(why ?? ''), { field: '--lifetimes' });
    if (session && values['count']) {
      const keep = (from: number, to: number): boolean => filter.states === undefined || (filter.states & ((1 << from) | (1 << to))) !== 0;
      const began = process.hrtime.bigint();
      const show = (raw: Float64Array, seconds: number): void => {
        const rows = countRows(raw, seconds, keep);
        io.out(json ? JSON.stringify(countJson(rows, seconds, new Date())) + '\n' : countText(rows, seconds, lang));
      };
      let last: Float64Array = new Float64Array(256);
      let lastAt = began;
      const every =
        iv === undefined
          ? undefined
          : setInterval(() => {
              const now = session!.counts();
              const at = process.hrtime.bigint();
              show(
                now.map((n, k) => n - last[k]!),
                Number(at - lastAt) / 1e9,
              );
              last = now;
              lastAt = at;
            }, Number(iv) * 1000);
      await waitForEnd(done, finish, durationMs);
      if (every) clearInterval(every);
      const total = session.counts();
      await session.stop();
      if (failure) throw failure;
      show(total, Number(process.hrtime.bigint() - began) / 1e9);
      printWarnings(io, session.warnings);
      return 0;
    }
    if (!session) {
      const intervalMs = iv === undefined ? 500 : Number(iv) * 1000;
      if (why !== undefined) io.err(`tcpstate: ${m.polling(why, intervalMs)}\n`);
      const polled = await followBySnapshots({ ...(str(values['netns']) === undefined ? {} : { netns: str(values['netns'])! }), intervalMs, config }, print, (e) => {
        failure = e;
        finish();
      });
      if (!json && !values['no-header']) io.out(textHeader(lang));
      await waitForEnd(done, finish, durationMs);
      await polled.stop();
      if (failure) throw failure;
      return 0;
    }
    if (session.missing.length > 0) {
      io.err(`tcpstate: ${m.timewaitDumps(say(missingHooks(session.missing), lang), values['netns'] === undefined, FOLLOW_MS, FOLLOW_SLOW_MS)}\n`);
    }
    if (!json && !values['no-header']) io.out(lifetimes ? lifetimeHeader(lang) : textHeader(lang));
    await waitForEnd(done, finish, durationMs);
    await session.stop();
    if (failure) throw failure;
    const lost = session.lost();
    printWarnings(io, [...session.warnings, ...endWarnings(lost, session.forgotten(), lifetimes?.forgotten ?? 0)]);
    return lost > 0 ? 1 : 0;
  },
};

/**
 * The warnings a trace ends with: changes lost, sockets and connections forgotten. Their
 * `message` is English (JSON, logs); the text says itself in the user's language.
 */
export function endWarnings(lost: number, forgottenSockets: number, forgottenConnections: number): Warning[] {
  return [
    ...(lost > 0 ? [warning('W_LOST_EVENTS', ts('lost', lost), {})] : []),
    ...(forgottenSockets > 0 ? [warning('W_FORGOTTEN', ts('forgottenSockets', forgottenSockets), {})] : []),
    ...(forgottenConnections > 0 ? [warning('W_FORGOTTEN', ts('forgottenConnections', forgottenConnections), {})] : []),
  ];
}

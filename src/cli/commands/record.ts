/**
 * `tcpstate record`: the live socket table sampled at an interval into the history file
 * (src/history/), in the foreground, until SIGTERM or SIGINT.
 * @module
 */
import { messageIn, TcpstateError } from '../../model/errors.js';
import { langFromEnv } from '../../lang.js';
import { render } from '../../i18n/catalogue.js';
import { configFromEnv } from '../../sources/config.js';
import { netnsId, netnsPath } from '../../sources/netns.js';
import { intOpt, parse, str, strs } from '../args.js';
import type { Command } from '../io.js';
import { say as o } from '../../i18n/options.js';

const HELP = `Usage: tcpstate record [OPTIONS]

Record every TCP state's count, the largest groups (local port in, remote port out,
peer, process) and the kernel's TCP counters at an interval, into one SQLite file
that "tcpstate history" reads. Runs until SIGTERM or SIGINT (Ctrl-C).

  --db PATH              the history file (default: as root /var/lib/tcpstate/history.db,
                         else $XDG_STATE_HOME/tcpstate/history.db)
  --interval D           time between samples: 10s (default), 1, 500ms, 1m
                         (a plain number is seconds)
  -N, --netns NAME       record the network namespace NAME (repeatable)
  --retention R[,M[,H]]  how long raw samples, minute and hour rollups are kept
                         (14d,90d,2y); a longer raw age lengthens the others to match
  --max-size SIZE        most the file may hold (1GiB; 0: no limit): oldest raw
                         samples go first, then rollups
  --top N                groups kept per kind and sample, the rest summed as "other" (20)
  --no-processes         no process groups (skips the /proc/PID/fd scan)
  --findings             keep doctor's findings with each sample
  --no-transitions       do not count state changes (from -> to) per interval;
                         they are counted in the kernel where BPF runs (root,
                         kernel BTF), as "trace --count" does; said where not
  --samples N            stop after N samples per namespace
  --source NAME          live socket source: auto (default), netlink, proc

One writer per file: a second record on the same file is refused. Readers
(history, serve) may read while it records.

Examples:
  tcpstate record --interval 1 --db /tmp/h.db
  tcpstate record --netns web1 --netns web2 --retention 30d --max-size 500MB
`;

export const record: Command = {
  async run(argv, io) {
    const { values } = parse(
      argv,
      {
        db: { type: 'string' },
        interval: { type: 'string' },
        netns: { type: 'string', short: 'N', multiple: true },
        retention: { type: 'string' },
        'max-size': { type: 'string' },
        top: { type: 'string' },
        'no-processes': { type: 'boolean' },
        findings: { type: 'boolean' },
        'no-transitions': { type: 'boolean' },
        samples: { type: 'string' },
        source: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      io.argOffset,
    );
    if (values['help']) {
      io.out(HELP);
      return 0;
    }
    const { parseDuration, parseSize } = await import('../../history/time.js');
    const { defaultDbPath } = await import('../../history/paths.js');
    const { messages } = await import('../../i18n/history.js');
    const m = messages(io.env);
    const lang = langFromEnv(io.env);
    const intervalMs = parseDuration(str(values['interval']) ?? '10s', '--interval');
    if (intervalMs < 100) throw new TcpstateError('ERR_USAGE', o('recordInterval'), { field: '--interval' });
    const retention = parseRetention(str(values['retention']), parseDuration);
    const maxText = str(values['max-size']);
    const top = intOpt(values['top'], '--top', 20);
    const limit = values['samples'] === undefined ? undefined : intOpt(values['samples'], '--samples', 0);
    const names = strs(values['netns']);
    for (const n of names) netnsId(netnsPath(n));
    const db = str(values['db']) ?? defaultDbPath(io.env);
    const { openStore } = await import('../../history/store.js');
    const store = openStore(db, {
      write: true,
      top,
      env: io.env,
      retention: { ...retention, ...(maxText === undefined ? {} : { maxBytes: parseSize(maxText, '--max-size') }) },
      ...(values['no-processes'] ? { kinds: ['lport', 'rport', 'raddr'] as const } : {}),
    });
    const { Sampler } = await import('../../engine/sampler.js');
    const config = configFromEnv(io.env);
    const sampler = new Sampler({ ...(str(values['source']) === undefined ? {} : { source: str(values['source'])! }), config });
    const want = { processes: !values['no-processes'], findings: Boolean(values['findings']) };
    const targets = names.length ? names : [undefined];
    io.err(m.recording({ db, intervalS: intervalMs / 1000, netns: names }) + '\n');
    const transitions = new Map<string | undefined, import('../../history/transitions.js').TransitionCounter>();
    if (!values['no-transitions']) {
      const { startTransitionCounter } = await import('../../history/transitions.js');
      let why: string | undefined;
      let said: string | undefined;
      for (const t of targets) {
        const c = startTransitionCounter(t, config);
        if ('why' in c) {
          why = c.why;
          said = c.said ? render(c.said, lang) : c.why;
          break;
        }
        transitions.set(t, c);
      }
      if (why !== undefined) {
        for (const c of transitions.values()) c.stop();
        transitions.clear();
        io.err(m.noTransitions(said ?? why) + '\n');
      }
      store.note('transitions_unavailable', why);
    } else store.note('transitions_unavailable', 'record --no-transitions');
    let status = 0;
    let stopped = false;
    let resolve!: (why: string) => void;
    const finished = new Promise<string>((res) => {
      resolve = res;
    });
    const done = (why: string): void => {
      if (!stopped) {
        stopped = true;
        resolve(why);
      }
    };
    const counts = new Map<string | undefined, number>();
    const { startRecorder } = await import('../../history/recorder.js');
    const stopRecording = startRecorder(sampler, store, {
      targets,
      want,
      intervalMs,
      transitions,
      onSampleError: (e) => {
        if (!stopped) io.err(m.sampleFailed(messageIn(e, lang)) + '\n');
      },
      onWriteError: (e) => {
        io.err(`tcpstate: ${messageIn(e, lang)}\n`);
        status = 1;
        done('error');
      },
      wanted: (netns) => limit === undefined || (counts.get(netns) ?? 0) < limit,
      onWritten: (netns) => {
        counts.set(netns, (counts.get(netns) ?? 0) + 1);
        if (limit !== undefined && targets.every((t) => (counts.get(t) ?? 0) >= limit)) done('done');
      },
    });
    const onTerm = (): void => done('SIGTERM');
    const onInt = (): void => done('SIGINT');
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
    const why = await finished;
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    stopRecording();
    for (const c of transitions.values()) c.stop();
    await sampler.close();
    store.close();
    if (why.startsWith('SIG')) io.err(m.stopping(why, store.written) + '\n');
    return status;
  },
};

/** `14d`, `14d,90d`, `14d,90d,2y`: raw, minute and hour ages (later ones at least as long as earlier). */
function parseRetention(text: string | undefined, parseDuration: (t: string, o: string) => number): { rawMs?: number; minuteMs?: number; hourMs?: number } {
  if (text === undefined) return {};
  const parts = text.split(',').map((p) => parseDuration(p, '--retention'));
  if (parts.length > 3) throw new TcpstateError('ERR_USAGE', o('retention'), { field: '--retention' });
  const DAY = 86_400_000;
  const raw = parts[0]!;
  const minute = parts[1] ?? Math.max(raw, 90 * DAY);
  const hour = parts[2] ?? Math.max(minute, 730 * DAY);
  return { rawMs: raw, minuteMs: minute, hourMs: hour };
}

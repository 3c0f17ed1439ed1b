/**
 * The command-line edge: the only place that reads process.argv, writes to the terminal
 * and sets the exit status. Commands are loaded only when named, so start-up stays lean.
 * @module
 */
import { createRequire } from 'node:module';
import { fs, util } from '../builtins.js';
import { escapeControls, isTcpstateError, osReason, TcpstateError } from '../model/errors.js';
import { CATALOGUE as CLI } from '../i18n/cli.js';
import { type Lang, pick } from '../i18n/catalogue.js';
import { CATALOGUE as EDGE, say } from '../i18n/edge.js';
import { langFromEnv } from '../lang.js';
import { closest, filterSuggestionOf, suggestionsOf } from '../model/suggest.js';
import type { Command, Io } from './io.js';

type Loader = () => Promise<Command>;

/** Every command, by name. One file each under cli/commands/. */
export const COMMANDS: Record<string, Loader> = {
  count: async () => (await import('./commands/count.js')).count,
  ls: async () => (await import('./commands/ls.js')).ls,
  diff: async () => (await import('./commands/diff.js')).diff,
  simulate: async () => (await import('./commands/simulate.js')).simulate,
  explain: async () => (await import('./commands/explain.js')).explain,
  diagram: async () => (await import('./commands/diagram.js')).diagram,
  doctor: async () => (await import('./commands/doctor.js')).doctor,
  pcap: async () => (await import('./commands/pcap.js')).pcap,
  serve: async () => (await import('./commands/serve.js')).serve,
  trace: async () => (await import('./commands/trace.js')).trace,
  watch: async () => (await import('./commands/watch.js')).watch,
  fleet: async () => (await import('./commands/fleet.js')).fleet,
  record: async () => (await import('./commands/record.js')).record,
  history: async () => (await import('./commands/history.js')).history,
  completion: async () => (await import('./commands/completion.js')).completion,
};

function usage(lang: Lang): string {
  const names = Object.keys(COMMANDS);
  const w = Math.max(...names.map((n) => n.length));
  const m = pick(CLI, lang);
  return m.usage(names.map((n) => `  ${n.padEnd(w)}  ${(m.summaries as Readonly<Record<string, string | undefined>>)[n] ?? ''}`).join('\n'));
}

/** The language main chose, for what the process edge says after the command (a stream's late write error). */
let edgeLang: Lang = 'en';

/** Run tcpstate with argv (without node and script); resolves to the exit status. */
export async function main(argv: string[], io: Io): Promise<number> {
  let lang = langFromEnv(io.env);
  edgeLang = lang;
  try {
    // `--lang en|zh` anywhere (before the command or among its options) is the language of
    // everything said, errors included: commands read it from the environment.
    const chosen = langOption(argv);
    if (chosen !== undefined) {
      lang = chosen;
      edgeLang = lang;
      io = { ...io, env: { ...io.env, TCPSTATE_LANG: chosen } };
    }
    const own = withoutLeadingLang(argv);
    return await dispatch(own, io, argv.length - own.length);
  } catch (e) {
    const [message, status] = failure(e, lang);
    const near = suggestionsOf(e);
    const filter = filterSuggestionOf(e);
    // stderr may be what failed (a full disk): the status still tells.
    if (message !== undefined)
      try {
        io.err(message + (filter !== undefined ? `tcpstate: ${pick(CLI, lang).didYouMeanFilter(filter)}\n` : near.length > 0 ? `tcpstate: ${pick(CLI, lang).didYouMean(near)}\n` : ''));
      } catch {
        /* nowhere left to say it */
      }
    return status;
  }
}

/**
 * The value of `--lang` (`--lang zh`, `--lang=zh`) before `--`; the last one wins, as with
 * any option. A value other than en or zh before the command is a usage error naming it;
 * after it, the command's own option check says so (doctor's with its own exit status).
 */
function langOption(argv: readonly string[]): Lang | undefined {
  const leading = argv.length - withoutLeadingLang(argv).length;
  let lang: Lang | undefined;
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!;
    if (a === '--') break;
    let v: string | undefined;
    if (a === '--lang') v = argv[++k] ?? '';
    else if (a.startsWith('--lang=')) v = a.slice(7);
    else continue;
    if (v === 'en' || v === 'zh') lang = v;
    else if (k < leading) throw new TcpstateError('ERR_USAGE', say('langValue', v), { field: '--lang', position: k + 1 });
  }
  return lang;
}

/** argv without the `--lang` options before the command (`tcpstate --lang zh count`): the command takes its own. */
function withoutLeadingLang(argv: readonly string[]): string[] {
  const out = [...argv];
  while (out[0] === '--lang' || out[0]?.startsWith('--lang=')) out.splice(0, out[0] === '--lang' ? 2 : 1);
  return out;
}

/** Run the command argv names; `skipped` words (a leading `--lang zh`) came before argv. */
async function dispatch(argv: string[], io: Io, skipped: number): Promise<number> {
  let [name, ...rest] = argv;
  let offset = 1 + skipped;
  // `tcpstate help count` is `tcpstate count --help`.
  if (name === 'help' && rest.length > 0) {
    name = rest[0];
    rest = ['--help'];
  } else if (name === '--help' || name === '-h' || name === 'help') {
    io.out(usage(langFromEnv(io.env)));
    return 0;
  }
  if (name === '--version' || name === '-V') {
    io.out('tcpstate 0.1.0\n');
    return 0;
  }
  if (name === undefined || name.startsWith('-')) {
    rest = argv;
    name = 'count';
    offset = skipped;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    const m = pick(CLI, langFromEnv(io.env));
    const near = closest(name, Object.keys(COMMANDS));
    io.err(`tcpstate: ${m.unknownCommand(name, Object.keys(COMMANDS).join(', '))}\n${near.length > 0 ? `tcpstate: ${m.didYouMean(near)}\n` : ''}`);
    return 2;
  }
  const cmd = await load();
  return await cmd.run(rest, { ...io, argOffset: offset });
}

/**
 * What an error escaping a command prints and the exit status. A TcpstateError says itself;
 * an OS error (full disk, I/O error, a directory given for a file) is the user's
 * environment, not a bug: its path and reason, status 1; EPIPE (the reader went away) is
 * silent, status 0. Anything else is a bug of ours: status 70.
 */
export function failure(e: unknown, lang: Lang): [string | undefined, number] {
  if (isTcpstateError(e)) return [`tcpstate: ${e.describe(lang)}\n`, e.exitCode];
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'EPIPE') return [undefined, 0];
  const reason = osReason(e);
  if (reason !== undefined) {
    const m = pick(EDGE, lang);
    const where = err.path ?? (err.syscall !== undefined ? m.failed(err.syscall) : undefined);
    if (where === undefined) return [`tcpstate: ${escapeControls(osFailure(err, reason, lang))}\n`, 1];
    const why = (lang === 'en' ? undefined : m.os[err.code ?? '']) ?? reason;
    return [`tcpstate: ${escapeControls(`${where}: ${why}`)}\n`, 1];
  }
  return [`tcpstate: ${escapeControls(pick(EDGE, lang).internal(err?.message ?? String(e)))}\n`, 70];
}

/**
 * An OS error that names neither a path nor a system call (the native addon's errno errors:
 * `opening the namespace: No such file or directory`): the step its message names, then the
 * errno's name and reason from the catalogue (the C side names only a few codes; the errno says which).
 */
function osFailure(err: NodeJS.ErrnoException, reason: string, lang: Lang): string {
  const m = pick(EDGE, lang);
  const code = (typeof err.errno === 'number' ? util.getSystemErrorMap().get(-Math.abs(err.errno))?.[0] : undefined) ?? err.code ?? '';
  const message = String(err.message ?? '');
  const restates = (t: string): boolean => t === '' || t === code || t === err.code || t.toLowerCase() === reason.toLowerCase();
  // `step: reason` (strerror's words, the reason said again) keeps the step alone.
  const at = message.lastIndexOf(': ');
  const step = at > 0 && restates(message.slice(at + 2)) ? message.slice(0, at) : message;
  const why = (lang === 'en' ? undefined : m.os[code]) ?? reason;
  return m.osError(code, why, restates(step) ? '' : step);
}

/**
 * The reader of stdout or stderr went away (`| head`): EPIPE on a pipe, ECONNRESET where the
 * "pipe" is a socket pair with unread data in it (Node's child_process stdio is one).
 */
function readerGone(code: string | undefined): boolean {
  return code === 'EPIPE' || code === 'ECONNRESET';
}

/** A failed write to stdout or stderr, as what the user is told. */
function writeFailed(fd: number, e: unknown): TcpstateError {
  const reason = osReason(e);
  const why = reason === undefined ? (e as Error).message : say('osReason', String((e as NodeJS.ErrnoException).code), reason);
  return new TcpstateError('ERR_IO', say('writeFailed', fd === 1 ? 'output' : 'error', why));
}

/** Is stdout a file or a device other than a terminal (which Node writes synchronously)? */
function stdoutIsFile(): boolean {
  try {
    const st = fs.fstatSync(1);
    return st.isFile() || st.isCharacterDevice();
  } catch {
    return false;
  }
}

/**
 * Is fd a terminal? isatty's answer without loading node:tty (which loads Node's net and
 * stream modules, ~12 ms of a run) where fstat already knows: a file, a pipe, a socket or a
 * memory device (major 1: /dev/null, /dev/full) is not one. Any other character device is
 * asked of isatty itself.
 */
function isTerminal(fd: number): boolean {
  let st: import('node:fs').Stats;
  try {
    st = fs.fstatSync(fd);
  } catch {
    return false;
  }
  if (!st.isCharacterDevice() || ((st.rdev >> 8) & 0xfff) === 1) return false;
  return (createRequire(import.meta.url)('node:tty') as typeof import('node:tty')).isatty(fd);
}

/**
 * Write all of `bytes` to fd with blocking writes, as a C tool does. Returns what is left when
 * the fd refuses to block (EAGAIN: a non-blocking pipe inherited), else undefined. A reader
 * that went away (see {@link readerGone}) is thrown as EPIPE, and main ends quietly on it; any other failure
 * (ENOSPC, EIO, EDQUOT, ...) is thrown as the TcpstateError that says so.
 */
function writeAll(fd: number, b: Uint8Array): Uint8Array | undefined {
  let done = 0;
  while (done < b.length) {
    try {
      done += fs.writeSync(fd, b, done);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') return b.subarray(done);
      if (readerGone(code)) throw Object.assign(new Error(`standard ${fd === 1 ? 'output' : 'error'}: the reader went away`), { code: 'EPIPE' });
      throw writeFailed(fd, e);
    }
  }
  return undefined;
}

/**
 * A stream's write failed after write() returned (the stream reports it later): the command
 * may still be running, so the edge ends the process here, quietly when the reader went away.
 */
function streamFailed(fd: number, e: NodeJS.ErrnoException): never {
  if (readerGone(e.code)) process.exit(0);
  if (fd === 1)
    try {
      writeAll(2, Buffer.from(`tcpstate: ${writeFailed(fd, e).describe(edgeLang)}\n`));
    } catch {
      /* stderr failed too */
    }
  process.exit(1);
}

/**
 * Streams made for fds 0, 1 or 2 (process.stdin, stdout, stderr): once one exists, what it
 * still holds or reads keeps the process alive, and {@link exit} leaves the ending to Node.
 */
let streamsMade = false;

/** The process edge. */
export function processIo(): Io {
  // stdin can be read once; every "-" on the command line gets the same bytes.
  let stdin: Promise<Buffer> | undefined;
  let direct: boolean | undefined;
  // Output goes to fds 1 and 2 with writeSync, text and bytes alike: making process.stdout or
  // process.stderr loads Node's stream modules (~5 ms each of every run). Once a stream is
  // made (a non-blocking fd that refused a write), everything after goes through it, in order.
  const streams: { out?: NodeJS.WriteStream; err?: NodeJS.WriteStream } = {};
  const stdout = (): NodeJS.WriteStream => {
    if (!streams.out) {
      streamsMade = true;
      streams.out = process.stdout;
      streams.out.on('error', (e: NodeJS.ErrnoException) => streamFailed(1, e));
    }
    return streams.out;
  };
  const stderr = (): NodeJS.WriteStream => {
    if (!streams.err) {
      streamsMade = true;
      streams.err = process.stderr;
      streams.err.on('error', (e: NodeJS.ErrnoException) => streamFailed(2, e));
    }
    return streams.err;
  };
  const text = (fd: 1 | 2, t: string): void => {
    const s = fd === 1 ? streams.out : streams.err;
    if (s) {
      s.write(t);
      return;
    }
    const rest = writeAll(fd, Buffer.from(t));
    if (rest) (fd === 1 ? stdout() : stderr()).write(rest);
  };
  const stdinStream = (): NodeJS.ReadStream => {
    refuseDirectoryStdin();
    streamsMade = true;
    return process.stdin;
  };
  return {
    out: (t) => text(1, t),
    outBytes: (b) => {
      // Blocking writes: b is done with when they return. A non-blocking pipe or socket that
      // refused the rest (and everything after) goes through the stream instead.
      if (!streams.out) {
        const rest = writeAll(1, b);
        if (!rest) return;
        b = rest;
      }
      // Files (and /dev/null) are written with fs.writeSync and terminals block, so the
      // stream is done with b when write() returns. A pipe or socket is written without
      // blocking: when the reader lags, what did not fit stays queued, by reference, until
      // the reader drains it; then the caller must wait before writing over b (which also
      // keeps memory bounded instead of queueing the whole output).
      const out = stdout();
      direct ??= out.isTTY || stdoutIsFile();
      if (direct) {
        out.write(b);
        return;
      }
      let written!: () => void;
      const drained = new Promise<void>((resolve) => {
        written = resolve;
      });
      out.write(b, () => written());
      return out.writableLength > 0 ? drained : undefined;
    },
    // Messages quote inputs: nothing they hold reaches the terminal as a control sequence.
    err: (t) => text(2, escapeControls(t)),
    env: process.env,
    argOffset: 0,
    stdin: () => {
      stdin ??= (async () => {
        const chunks: Buffer[] = [];
        for await (const c of stdinStream()) chunks.push(c as Buffer);
        return Buffer.concat(chunks);
      })();
      return stdin;
    },
    // Functions: fstat answers them without making process.stdin or loading node:tty (streams, net: ~12 ms).
    stdinIsTty: () => isTerminal(0),
    stdinStream,
    stdinChunks: () => stdinChunks(stdinStream),
    stdoutIsTty: () => isTerminal(1),
  };
}

/** What fstat says of stdin (undefined when it cannot). */
function stdinStat(): import('node:fs').Stats | undefined {
  try {
    return fs.fstatSync(0);
  } catch {
    return undefined;
  }
}

/**
 * `count - < DIR`: the shell opened a directory as standard input. read(2) says EISDIR; Node's
 * stream would end as if empty (an answer of zeros). The OS error, for `-`.
 */
function refuseDirectoryStdin(st = stdinStat()): void {
  if (!st?.isDirectory()) return;
  try {
    fs.readSync(0, Buffer.alloc(1));
  } catch (e) {
    throw Object.assign(e as Error, { path: '-' });
  }
}

/**
 * Stdin in chunks of up to 1 MiB, each valid until the next is asked for: read with blocking
 * reads when it is a pipe or a file (no stream, so none of the modules a stream loads); a
 * terminal or a socket, and a non-blocking pipe once it refuses a read (EAGAIN), through the
 * stream for the rest.
 */
async function* stdinChunks(stream: () => AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const st = stdinStat();
  refuseDirectoryStdin(st);
  if (st?.isFIFO() || st?.isFile()) {
    // One buffer for every chunk: fresh memory's first touch costs more than the reading (a
    // 160 MB pipe: 1 s of system time).
    const b = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      let n = 0;
      let again = false;
      while (n < b.length) {
        let got: number;
        try {
          got = fs.readSync(0, b, n, b.length - n, null);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
          again = true;
          break;
        }
        if (got === 0) break;
        n += got;
      }
      if (n > 0) yield b.subarray(0, n);
      if (again) break;
      if (n < b.length) return;
    }
  }
  for await (const c of stream()) yield c;
}

/**
 * End the process with `status` once main has returned. When every byte was written with
 * writeSync (no stream was made) and, after what is already queued has run, nothing is left
 * alive (no worker, server, timer, socket or pending request), the process ends there: the
 * event loop would end anyway, and Node's freeing of its heap and threads costs 5–10 ms of
 * every run. Otherwise Node ends it as usual, once what is alive is done.
 */
export function exit(status: number): void {
  process.exitCode = status;
  if (streamsMade) return;
  // An immediate runs after pending promise callbacks and I/O callbacks already due.
  setImmediate(() => {
    if (!streamsMade && process.getActiveResourcesInfo().length === 0) process.exit(status);
  });
}

/**
 * What is fuzzed and through which entry points: each target (a kind of input) has pure
 * parser entries and CLI entries (`main()` with a captured Io, as bin/tcpstate.js runs it).
 * An entry returns a {@link Result}; {@link judge} says whether it is a finding: a crash (a
 * throw that is not a TcpstateError), an internal error (exit 70), an error without a
 * location, a message of unbounded length, or, for a corpus case that must not pass
 * silently, silence. Hangs and memory are the pool's (pool.ts).
 */
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { thresholdSpecs } from '../../src/doctor/registry.js';
import { parseThresholdConfig } from '../../src/doctor/thresholds.js';
import { isTcpstateError, type Location } from '../../src/model/errors.js';
import { AF_INET, AF_INET6 } from '../../src/model/address.js';
import { PROTO_TCP, PROTO_UDP } from '../../src/model/table.js';
import { CaptureParser } from '../../src/pcap/container.js';
import { FlowTable } from '../../src/pcap/flow.js';
import { parseCounterPairs, parseSockstat } from '../../src/sources/counters.js';
import { countSockDiag, decodeSockDiag } from '../../src/sources/netlink-decode.js';
import { parseProcNet } from '../../src/sources/proc-net.js';
import { parseSysctl } from '../../src/sources/sysctl.js';
import { parseCapture } from '../../src/sources/text/read.js';
import { FORMAT_NAMES } from '../../src/sources/text/registry.js';
import type { Layout, TreeEntry } from './mutate.js';

/** What one entry did with one input. */
export interface Result {
  /** ok: returned (or exit 0); error: a TcpstateError (or a CLI error status); throw: anything else thrown. */
  status: 'ok' | 'error' | 'throw';
  /** The CLI's exit status. */
  exit?: number;
  /** The TcpstateError's code (pure entries). */
  code?: string;
  where?: Location;
  /** The error's message, or the CLI's error line (cut to 2000 characters). */
  message: string;
  /** Warnings returned (pure), or warning and notice lines on stderr (CLI). */
  warnings: number;
  /** The longest line written to stderr, or the length of the error message (pure). */
  longestLine: number;
  stack?: string;
  /** Where the input was put, and its size when it is one file (set by the worker). */
  path?: string;
  size?: number;
}

/** Where the input was put for this run: a file, or the root of a /proc tree. */
export interface Placed {
  path: string;
  bytes?: Uint8Array;
  files?: TreeEntry[];
}

export interface Entry {
  name: string;
  /** Runs the CLI (else a pure parser). */
  cli: boolean;
  run(p: Placed): Promise<Result>;
}

export interface Target {
  name: string;
  layout: Layout;
  /** File name the bytes are written to (its extension tells nothing to tcpstate but a reader). */
  file: string;
  /** Inputs are /proc trees. */
  tree?: boolean;
  entries: Entry[];
}

const MESSAGE_MAX = 2000;

function threw(e: unknown): Result {
  if (isTcpstateError(e)) return { status: 'error', code: e.code, where: e.where, message: e.message.slice(0, MESSAGE_MAX), warnings: 0, longestLine: e.message.length };
  const err = e as Error;
  return { status: 'throw', message: String(err?.message ?? e).slice(0, MESSAGE_MAX), warnings: 0, longestLine: 0, stack: String(err?.stack ?? '').slice(0, 4000) };
}

/** A pure entry: `f` returns the number of warnings, or throws. */
function pure(name: string, f: (p: Placed) => number): Entry {
  return {
    name,
    cli: false,
    async run(p) {
      try {
        return { status: 'ok', message: '', warnings: f(p), longestLine: 0 };
      } catch (e) {
        return threw(e);
      }
    },
  };
}

/** The CLI's stdout is counted, not kept: outputs of big inputs are not the question. */
export async function runCli(args: string[]): Promise<{ code: number; stderr: string; thrown?: unknown }> {
  let stderr = '';
  const io: Io = {
    out: () => {},
    outBytes: () => {},
    err: (t) => {
      if (stderr.length < 1 << 20) stderr += t;
    },
    env: {},
    argOffset: 0,
    stdin: async () => Buffer.alloc(0),
    stdinIsTty: () => true,
  };
  try {
    return { code: await main(args, io), stderr };
  } catch (e) {
    return { code: -1, stderr, thrown: e };
  }
}

/** A CLI entry; `doctor` marks doctor's statuses (1 and 2 are diagnoses; 3, no diagnosis, is judged as an error). */
function cli(name: string, args: (path: string) => string[], doctor = false): Entry {
  return {
    name,
    cli: true,
    async run(p) {
      const r = await runCli(args(p.path));
      if (r.thrown !== undefined) return threw(r.thrown);
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      const errors = lines.filter((l) => l.startsWith('tcpstate: ') && !l.startsWith('tcpstate: warning:'));
      const failed = doctor ? r.code >= 3 : r.code !== 0;
      const internal = /internal error/.test(r.stderr);
      // doctor's 3 with no error line: no diagnosis, because of inputs its warnings name.
      const said = errors.at(-1) ?? (doctor && failed ? lines.find((l) => l.startsWith('tcpstate: warning: '))?.replace('warning: ', '') : undefined);
      return {
        status: failed || internal ? 'error' : 'ok',
        exit: r.code,
        message: (internal ? r.stderr : (said ?? '')).slice(0, MESSAGE_MAX),
        warnings: lines.length - (failed ? 1 : 0),
        longestLine: Math.max(0, ...lines.map((l) => l.length)),
      };
    },
  };
}

function text(p: Placed): string {
  return Buffer.from(p.bytes!).toString('utf8');
}

/** The file a /proc tree entry stands for, for the pure parsers. */
const PROC_NET: Record<string, { family: number; proto: number }> = {
  'net/tcp': { family: AF_INET, proto: PROTO_TCP },
  'net/tcp6': { family: AF_INET6, proto: PROTO_TCP },
  'net/udp': { family: AF_INET, proto: PROTO_UDP },
  'net/udp6': { family: AF_INET6, proto: PROTO_UDP },
};

/** Every parser of a /proc tree's files, each on its own file; errors of one stop the run. */
function parseTree(p: Placed): number {
  let warnings = 0;
  for (const f of p.files!) {
    if (f.bytes === undefined) continue;
    const file = `${p.path}/${f.path}`;
    const net = PROC_NET[f.path];
    if (net) warnings += parseProcNet(f.bytes, { name: file, ...net }, () => {}).length;
    else if (f.path === 'net/netstat' || f.path === 'net/snmp') parseCounterPairs(Buffer.from(f.bytes).toString('utf8'), file);
    else if (f.path === 'net/sockstat' || f.path === 'net/sockstat6') parseSockstat(Buffer.from(f.bytes).toString('utf8'), file);
    else if (f.path.startsWith('sys/')) parseSysctl(f.path.slice(4).replace(/\//g, '.'), Buffer.from(f.bytes).toString('utf8'), file);
  }
  return warnings;
}

/** The captured tree doctor reads beside a config file. */
export const DOCTOR_ROOT = new URL('../../../test/fixtures/proc-doctor/root', import.meta.url).pathname;

export const TARGETS: readonly Target[] = [
  {
    name: 'text',
    layout: 'text',
    file: 'capture.txt',
    entries: [
      pure('parse', (p) => parseCapture(p.bytes!, p.path).warnings.length),
      // Every format forced in turn: warnings and located errors both count as said.
      pure('parse-each-format', (p) => {
        let said = 0;
        let first: unknown;
        for (const format of FORMAT_NAMES) {
          try {
            said += parseCapture(p.bytes!, p.path, { format }).warnings.length;
          } catch (e) {
            if (!isTcpstateError(e)) throw e;
            said++;
            // A typed error: the run goes on; the first without a location is kept.
            if (first === undefined && (e.where.file === undefined || (e.where.line ?? e.where.offset ?? e.where.field) === undefined)) first = e;
          }
        }
        if (first !== undefined) throw first;
        return said;
      }),
      cli('count', (f) => ['count', f]),
      cli('ls', (f) => ['ls', '-a', '-e', '-p', '-o', f]),
      cli('count-hosts-json', (f) => ['count', '--hosts', '--json', f]),
      cli('diff', (f) => ['diff', f, f]),
    ],
  },
  {
    name: 'pcap',
    layout: 'pcap',
    file: 'capture.pcap',
    entries: [
      pure('parse', (p) => {
        const flows = new FlowTable(
          (ft, slot) => {
            ft.record(slot);
          },
          { timeline: true },
        );
        const parser = new CaptureParser((pkt) => flows.packet(pkt), p.path);
        const b = p.bytes!;
        // A chunk size that varies with the input, so record headers straddle chunks.
        const chunk = 1 + (((b.length * 2654435761) >>> 20) % 4096);
        for (let o = 0; o < b.length; o += chunk) parser.push(b.subarray(o, o + chunk));
        const s = parser.finish();
        flows.finish();
        return s.warnings.length;
      }),
      cli('pcap', (f) => ['pcap', f]),
      cli('pcap-timeline', (f) => ['pcap', '--timeline', f]),
      cli('pcap-json', (f) => ['pcap', '--json', f]),
    ],
  },
  {
    name: 'netlink',
    layout: 'netlink',
    file: 'recording.nl',
    entries: [
      pure('decode', (p) => decodeSockDiag(p.bytes!, () => {}, { name: p.path }).warnings.length),
      pure('decode-count', (p) => countSockDiag(p.bytes!, new Float64Array(256), { name: p.path }).warnings.length),
      cli('count', (f) => ['count', '--replay', f]),
      cli('ls', (f) => ['ls', '-a', '-e', '-i', '-m', '--replay', f]),
      cli('ls-udp', (f) => ['ls', '-t', '-u', '-a', '--replay', f]),
    ],
  },
  {
    name: 'proc',
    layout: 'text',
    file: 'root',
    tree: true,
    entries: [
      pure('parse', parseTree),
      cli('ls', (d) => ['ls', '-a', '-e', '-p', '-o', '--proc-root', d]),
      cli('count', (d) => ['count', '-t', '-u', '--proc-root', d]),
      cli('doctor', (d) => ['doctor', '--proc-root', d], true),
      cli('doctor-json', (d) => ['doctor', '--json', '--proc-root', d], true),
      cli('explain', (d) => ['explain', '--proc-root', d]),
      cli('diagram', (d) => ['diagram', '--counts', '--proc-root', d]),
    ],
  },
  {
    name: 'config',
    layout: 'text',
    file: 'thresholds.json',
    entries: [
      pure('parse', (p) => {
        parseThresholdConfig(text(p), p.path, thresholdSpecs());
        return 0;
      }),
      cli('doctor', (f) => ['doctor', '--proc-root', DOCTOR_ROOT, '--config', f], true),
    ],
  },
];

/** Entries that fail on purpose, for the harness's own test: it must see each failure. */
export const SELF_TEST: Target = {
  name: 'self-test',
  layout: 'text',
  file: 'input',
  entries: [
    pure('loop', () => {
      for (;;) {
        /* a hang */
      }
    }),
    pure('heap', () => {
      const keep: number[][] = [];
      for (;;) keep.push(new Array<number>(1 << 20).fill(1));
    }),
    pure('buffers', () => {
      const keep: Buffer[] = [];
      for (;;) keep.push(Buffer.alloc(32 << 20, 1));
    }),
    pure('throw', () => {
      throw new TypeError('x is not a function');
    }),
    pure('pollute', () => {
      (Object.prototype as Record<string, unknown>)['polluted'] = 1;
      return 0;
    }),
    pure('no-location', (p) => {
      throw Object.assign(new Error('bad'), { name: 'TcpstateError', [Symbol.for('tcpstate.TcpstateError')]: true, code: 'ERR_PARSE', where: { file: p.path } });
    }),
  ],
};

export function target(name: string): Target {
  const t = name === SELF_TEST.name ? SELF_TEST : TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`no fuzz target "${name}"; targets: ${TARGETS.map((x) => x.name).join(', ')}`);
  return t;
}

/** What a corpus case must do besides not failing: be an error, or at least say something. */
export type Expect = 'error' | 'loud';

/** A problem found: its kind and what shows it. */
export interface Verdict {
  kind: 'crash' | 'internal' | 'exit' | 'no-location' | 'bad-location' | 'long-message' | 'silent';
  detail: string;
}

/** Lines longer than this on stderr are a finding: a message must not carry a whole input. */
export const LINE_MAX = 4096;

/** Whether `r` (entry `e` on an input placed at `path`) is a finding. */
export function judge(e: Entry, r: Result, path: string, expect?: Expect): Verdict | undefined {
  if (r.status === 'throw') return { kind: 'crash', detail: `${r.message}\n${r.stack ?? ''}` };
  if (e.cli) {
    if (r.exit === 70 || /internal error/.test(r.message)) return { kind: 'internal', detail: r.message };
    const allowed = e.name.startsWith('doctor') ? [0, 1, 2, 3] : [0, 1, 2];
    if (!allowed.includes(r.exit!)) return { kind: 'exit', detail: `exit status ${r.exit}: ${r.message}` };
    if (r.status === 'error' && !r.message.startsWith(`tcpstate: ${path}`)) return { kind: 'no-location', detail: `the error does not name ${path}: ${r.message || '(no message)'}` };
  } else if (r.status === 'error') {
    const w = r.where ?? {};
    if (r.code === undefined || w.file === undefined || (w.line ?? w.offset ?? w.field) === undefined) {
      return { kind: 'no-location', detail: `${r.message} (${r.code ?? 'no code'} at ${JSON.stringify(w)})` };
    }
    if (w.offset !== undefined && r.size !== undefined && (w.offset < 0 || w.offset > r.size)) {
      return { kind: 'bad-location', detail: `byte ${w.offset} of a ${r.size}-byte input: ${r.message}` };
    }
  }
  if (r.longestLine > LINE_MAX) return { kind: 'long-message', detail: `a line of ${r.longestLine} characters: ${r.message.slice(0, 200)}` };
  if (expect === 'error' && r.status !== 'error') return { kind: 'silent', detail: `accepted (${r.warnings} warnings); it must be an error` };
  if (expect === 'loud' && r.status !== 'error' && r.warnings === 0) return { kind: 'silent', detail: 'read without an error or a warning' };
  return undefined;
}

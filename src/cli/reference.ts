/**
 * The command reference as data, read from the same `--help` texts users see: the man page
 * (scripts/gen-man.mjs) and the shell completions are made from it, so neither can drift.
 * @module
 */
import { fs } from '../builtins.js';
import type { Io } from './io.js';

/** One option as a help text lists it. */
export interface OptionRef {
  /** `--by`, or a short-only flag such as `-4`. */
  long: string;
  /** `-t` when the option has a short form. */
  short?: string;
  /** The value's name (`KEY`, `N`), absent for a flag. */
  arg?: string;
  /** The first line of its description. */
  summary: string;
}

export interface CommandRef {
  name: string;
  /** The whole `--help` text. */
  help: string;
  options: OptionRef[];
}

/** `tcpstate --help` and every command's `--help`, in the order of the command list. */
export async function commandReference(): Promise<{ usage: string; commands: CommandRef[] }> {
  const { COMMANDS, main } = await import('./main.js');
  const run = async (argv: string[]): Promise<string> => {
    let out = '';
    const io: Io = {
      out: (t) => {
        out += t;
      },
      err: () => {},
      env: { LANG: 'C', LC_ALL: 'C', TCPSTATE_LANG: 'en' },
      argOffset: 0,
      stdin: async () => Buffer.alloc(0),
    };
    await main(argv, io);
    return out;
  };
  const commands: CommandRef[] = [];
  for (const name of Object.keys(COMMANDS)) {
    const help = await run([name, '--help']);
    commands.push({ name, help, options: parseOptions(help) });
  }
  return { usage: await run(['--help']), commands };
}

/** Where the build saves the reference (scripts/gen-reference.mjs), beside the compiled CLI. */
export const REFERENCE_FILE = 'reference.json';

/**
 * The reference the build saved, while it is newer than the compiled CLI (main.js beside
 * it): `completion` then reads one file instead of loading every command for its --help.
 * Undefined when absent or stale (a `tsc` since), and the caller asks the commands.
 */
export function savedReference(dir: URL = new URL('.', import.meta.url)): { usage: string; commands: CommandRef[] } | undefined {
  try {
    const file = new URL(REFERENCE_FILE, dir);
    if (fs.statSync(file).mtimeMs < fs.statSync(new URL('main.js', dir)).mtimeMs) return undefined;
    const r = JSON.parse(fs.readFileSync(file, 'utf8')) as { usage?: unknown; commands?: unknown };
    return typeof r.usage === 'string' && Array.isArray(r.commands) ? (r as { usage: string; commands: CommandRef[] }) : undefined;
  } catch {
    return undefined;
  }
}

/** Option lines of a help text: `  -t, --tcp   text`, `  --by KEY   text`, `  -4, -6   text`. */
export function parseOptions(help: string): OptionRef[] {
  const out: OptionRef[] = [];
  const seen = new Set<string>();
  for (const line of help.split('\n')) {
    const m = /^ {2,4}((?:-[A-Za-z0-9](?:, )?)*)(--[a-z0-9][a-z0-9.-]*)?(?:[ =]([A-Z][A-Z0-9_:.,=[\]|-]*))?(?: {2,}(.*))?$/.exec(line);
    if (!m || (m[1] === '' && m[2] === undefined)) continue;
    const shorts = m[1]!
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const summary = (m[4] ?? '').trim();
    if (m[2] !== undefined) {
      if (seen.has(m[2])) continue;
      seen.add(m[2]);
      out.push({ long: m[2], ...(shorts[0] !== undefined ? { short: shorts[0] } : {}), ...(m[3] !== undefined ? { arg: m[3] } : {}), summary });
    } else {
      for (const s of shorts)
        if (!seen.has(s)) {
          seen.add(s);
          out.push({ long: s, summary });
        }
    }
  }
  if (!seen.has('--help')) out.push({ long: '--help', short: '-h', summary: 'this help' });
  return out;
}

/** The man page text (man/tcpstate.1), from this reference. */
export async function manPage(): Promise<string> {
  const { main } = await import('./main.js');
  let version = '';
  await main(['--version'], {
    out: (t) => {
      version += t;
    },
    err: () => {},
    env: {},
    argOffset: 0,
    stdin: async () => Buffer.alloc(0),
  });
  const { renderMan } = await import('../render/man.js');
  return renderMan({ version, ...(await commandReference()) });
}

/**
 * Command-line parsing on node:util's parseArgs (built in, so it costs nothing at start-up),
 * with errors that name the token and its position.
 * @module
 */
import type { ParseArgsConfig } from 'node:util';
import { util } from '../builtins.js';
import { TcpstateError } from '../model/errors.js';
import { closest, filterFromFlag, withFilterSuggestion, withSuggestion } from '../model/suggest.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/**
 * Parse argv against a spec; an unknown flag or a missing value is an ERR_USAGE naming it.
 * `filters`: the command reads ss's filter language after its options, so `--sport 80` is
 * answered with the filter `sport = :80` rather than the nearest flag.
 */
export function parse(argv: readonly string[], options: OptionSpec, offset = 0, filters = false): Parsed {
  try {
    const r = util.parseArgs({ args: joinNegatives(argv, options), options, allowPositionals: true, strict: true });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    const msg = (e as Error).message;
    const m = /'([^']+)'/.exec(msg);
    const tok = m?.[1];
    let pos = tok === undefined ? -1 : argv.findIndex((a) => a === tok || a.startsWith(tok + '=') || (tok.length === 2 && tok.startsWith('-') && /^-[^-]/.test(a) && a.includes(tok[1]!)));
    if (pos < 0 && tok !== undefined) pos = argv.findIndex((a) => a.includes(tok.replace(/^-+/, '')));
    const where = pos >= 0 ? ` (argument ${pos + 1 + offset}: "${argv[pos]}")` : '';
    const first = msg.split('. ')[0] ?? msg;
    const err = new TcpstateError('ERR_USAGE', `${first}${where}; see --help`, { position: pos >= 0 ? pos + 1 + offset : undefined });
    if (filters && pos >= 0 && tok?.startsWith('--') && /^Unknown option/.test(msg)) {
      const arg = argv[pos]!;
      const eq = arg.indexOf('=');
      const next = argv[pos + 1];
      const filter = filterFromFlag(tok, eq >= 0 ? arg.slice(eq + 1) : next !== undefined && !next.startsWith('-') ? next : undefined);
      if (filter !== undefined) throw withFilterSuggestion(err, filter);
    }
    // A long flag mistyped (`--jsno`): the nearest of this command's own.
    const near =
      tok?.startsWith('--') && /^Unknown option/.test(msg)
        ? closest(
            tok.split('=')[0]!,
            Object.keys(options).map((n) => `--${n}`),
          )
        : [];
    throw withSuggestion(err, near);
  }
}

/**
 * `--interval -1`: a value option followed by a negative number takes it as its value (as
 * `--interval=-1`), so the option's own check answers instead of parseArgs' "ambiguous".
 */
function joinNegatives(argv: readonly string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!;
    const next = argv[k + 1];
    const name = a.startsWith('--') ? a.slice(2) : undefined;
    const spec = name !== undefined ? options[name] : a.length === 2 && a.startsWith('-') ? Object.values(options).find((o) => o.short === a[1]) : undefined;
    if (spec?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${name !== undefined ? a : `--${Object.keys(options).find((n) => options[n] === spec)}`}=${next}`);
      k++;
    } else out.push(a);
  }
  return out;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function strs(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

/** A non-negative integer option. */
export function intOpt(v: unknown, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const s = String(v);
  if (!/^\d+$/.test(s)) throw new TcpstateError('ERR_USAGE', `${name} takes a whole number, got "${s}"`, { field: name });
  return Number(s);
}

/** One of a fixed set of words. */
export function oneOf<T extends string>(v: unknown, name: string, allowed: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (!allowed.includes(v as T)) throw new TcpstateError('ERR_USAGE', `${name} takes ${allowed.join(' | ')}, got "${String(v)}"`, { field: name });
  return v as T;
}

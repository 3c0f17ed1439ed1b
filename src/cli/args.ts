/**
 * Command-line parsing on node:util's parseArgs (built in, so it costs nothing at start-up),
 * with errors that name the token and its position.
 * @module
 */
import type { ParseArgsConfig } from 'node:util';
import { util } from '../builtins.js';
import type { Said } from '../i18n/catalogue.js';
import { say } from '../i18n/edge.js';
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
export function parse(argv: readonly string[], own: OptionSpec, offset = 0, filters = false): Parsed {
  // Every command takes --lang (main.ts sets the language from it); only those that declare it see it.
  const options: OptionSpec = own['lang'] ? own : { ...own, lang: { type: 'string' } };
  let r: Parsed;
  try {
    r = util.parseArgs({ args: joinNegatives(argv, options), options, allowPositionals: true, strict: true }) as Parsed;
  } catch (e) {
    const msg = (e as Error).message;
    const m = /'([^']+)'/.exec(msg);
    const tok = m?.[1];
    let pos = tok === undefined ? -1 : argv.findIndex((a) => a === tok || a.startsWith(tok + '=') || (tok.length === 2 && tok.startsWith('-') && /^-[^-]/.test(a) && a.includes(tok[1]!)));
    if (pos < 0 && tok !== undefined) pos = argv.findIndex((a) => a.includes(tok.replace(/^-+/, '')));
    const where = pos >= 0 ? say('argument', pos + 1 + offset, argv[pos]!) : '';
    const first = msg.split('. ')[0] ?? msg;
    const err = new TcpstateError('ERR_USAGE', parseArgsMessage(first, where), { position: pos >= 0 ? pos + 1 + offset : undefined });
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
  if (options !== own) {
    oneOf(r.values['lang'], '--lang', ['en', 'zh'], 'en');
    delete r.values['lang'];
  }
  return { values: r.values, positionals: r.positionals };
}

/** node:util parseArgs' message (its first sentence) as catalogue data where it is one we know. */
function parseArgsMessage(first: string, where: Said | string): Said {
  let m = /^Unknown option '([^']+)'$/.exec(first);
  if (m) return say('unknownOption', m[1]!, where);
  m = /^Option '([^']+) <value>' argument missing$/.exec(first);
  if (m) return say('missingValue', m[1]!, where);
  m = /^Option '([^']+)' does not take an argument$/.exec(first);
  if (m) return say('notBoolean', m[1]!, where);
  m = /^Option '([^']+)' argument is ambiguous\./.exec(first);
  if (m) return say('ambiguousValue', m[1]!, m[1]!.startsWith('--') ? `${m[1]}=-VALUE` : `${m[1]}-VALUE`, where);
  return say('parseArgs', first, where);
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
  if (!/^\d+$/.test(s)) throw new TcpstateError('ERR_USAGE', say('wholeNumber', name, s), { field: name });
  return Number(s);
}

/**
 * The output asked for by --json, --csv and --format (`allowed`, when the command has it):
 * `dflt` when none is given; two that disagree are a usage error naming both.
 */
export function outputFormat<T extends string>(values: Record<string, unknown>, allowed: readonly T[] | undefined, dflt: T): T | 'json' | 'csv' {
  const asked: [string, string][] = [];
  if (values['json']) asked.push(['--json', 'json']);
  if (values['csv']) asked.push(['--csv', 'csv']);
  if (allowed && values['format'] !== undefined) asked.push([`--format ${String(values['format'])}`, oneOf(values['format'], '--format', allowed, dflt)]);
  const [first, other] = [asked[0], asked.find((x) => x[1] !== asked[0]![1])];
  if (first && other) throw new TcpstateError('ERR_USAGE', say('outputClash', first[0], other[0]), { field: other[0].split(' ')[0]! });
  return (first?.[1] as T | 'json' | 'csv' | undefined) ?? dflt;
}

/** One of a fixed set of words. */
export function oneOf<T extends string>(v: unknown, name: string, allowed: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (!allowed.includes(v as T)) throw new TcpstateError('ERR_USAGE', say('oneOf', name, allowed.join(' | '), String(v)), { field: name });
  return v as T;
}

/**
 * "Did you mean ...?": the known word nearest to a mistyped one (a flag, a state, a `--by`
 * key, a scenario), carried on the error as `suggest` and said by the CLI edge in the
 * user's language (src/i18n/cli.ts `didYouMean`).
 * @module
 */
import type { TcpstateError } from './errors.js';
import { PRINT_ORDER, stateName, stateWords, UNKNOWN } from './state.js';

/**
 * Optimal string alignment distance (Damerau–Levenshtein without repeated edits of a
 * substring): insertions, deletions, substitutions and swaps of two neighbours cost 1, so
 * `lprot` is 1 from `lport`.
 */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = new Array<number>(n + 1);
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n]!;
}

/** Case, `_` for `-` and leading dashes do not count as typing mistakes. */
function norm(s: string): string {
  return s.toLowerCase().replace(/_/g, '-').replace(/^-+/, '');
}

/**
 * The candidate nearest to `word`, when near enough to be a slip (at most one edit in four
 * characters, at least one); ties go to the first. Failing that, the candidates that share a
 * dash-separated word with it (`pasive-open`: the scenarios ending in `-open`), at most
 * three, when `byWords`. Empty when nothing is near.
 */
export function closest(word: string, candidates: readonly string[], byWords = false): string[] {
  const w = norm(word);
  if (w === '') return [];
  const limit = Math.max(1, Math.floor(w.length / 4));
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, norm(c));
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  if (best !== undefined && bestD <= limit && bestD > 0) return [best];
  if (!byWords) return [];
  const parts = w.split('-').filter((p) => p.length >= 3);
  return candidates
    .filter((c) =>
      norm(c)
        .split('-')
        .some((p) => parts.some((q) => editDistance(p, q) <= Math.floor(q.length / 4))),
    )
    .slice(0, 3);
}

/**
 * The state or group nearest to a mistyped one, spelled as the user writes states: netstat's
 * names for a word in capitals (`ESTABLISED` → `ESTABLISHED`), ss's words otherwise.
 */
export function nearStates(word: string): string[] {
  const upper = /[A-Z]/.test(word) && word === word.toUpperCase();
  return closest(word, upper ? PRINT_ORDER.filter((s) => s !== UNKNOWN).map(stateName) : stateWords());
}

/** `e` with what the user may have meant (said by the CLI edge in the user's language). */
export function withSuggestion(e: TcpstateError, suggest: readonly string[]): TcpstateError {
  if (suggest.length > 0) Object.assign(e, { suggest: [...suggest] });
  return e;
}

/**
 * ss's filter words typed as a flag (`ls --sport 80`, `--dst=10.0.0.1`): the filter meant,
 * with the value given when it looks like one (`sport = :80`, `dst 10.0.0.1`), else a
 * placeholder (`sport = :N`, `src ADDR`). Undefined for any other flag.
 */
export function filterFromFlag(flag: string, value: string | undefined): string | undefined {
  const word = flag.replace(/^-+/, '').toLowerCase();
  if (word === 'sport' || word === 'dport') {
    const v = value?.replace(/^:/, '');
    return `${word} = :${v !== undefined && /^[\w.-]+$/.test(v) ? v : 'N'}`;
  }
  // An address, a prefix or `*` (not the file name that follows a bare `--src`).
  const addr = /^(\*|\[[\da-f:.]+\]|[\da-f:.]+)(\/\d+)?(:\d+)?$/i;
  if (word === 'src' || word === 'dst') return `${word} ${value !== undefined && addr.test(value) ? value : 'ADDR'}`;
  return undefined;
}

/** `e` with the filter the user may have meant (said by the CLI edge: "did you mean the filter ..."). */
export function withFilterSuggestion(e: TcpstateError, filter: string): TcpstateError {
  return Object.assign(e, { suggestFilter: filter });
}

/** The filter an error suggests, if any. */
export function filterSuggestionOf(e: unknown): string | undefined {
  const f = (e as { suggestFilter?: unknown } | null)?.suggestFilter;
  return typeof f === 'string' ? f : undefined;
}

/** The suggestions an error carries (none for other errors). */
export function suggestionsOf(e: unknown): string[] {
  const s = (e as { suggest?: unknown } | null)?.suggest;
  return Array.isArray(s) ? s.filter((x): x is string => typeof x === 'string') : [];
}

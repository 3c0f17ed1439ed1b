/**
 * Format detection: score every registered format on the first lines of a section and
 * pick the best. Pure.
 *
 * A format's score is how much of the examined text it claims: header lines count double,
 * data lines once, lines it knows to skip (UDP, UNIX, notices) are neutral, and lines it
 * does not recognise count against it. A shell command from the prompt line that produced
 * the text (`netstat -n | awk ...`) adds a bonus to the formats that command prints.
 * @module
 */
import type { LineKind, TextFormat } from './common.js';
import { FORMAT_NAMES, TEXT_FORMATS } from './registry.js';

/** Non-blank lines examined. */
export const DETECT_LINES = 60;
/** Below this a format is not considered recognised. */
export const MIN_SCORE = 0.34;

export interface Score {
  format: string;
  score: number;
  /** Lines of data and headers the format recognised among those examined. */
  hits: number;
}

/** Score one format on the lines. */
export function scoreFormat(fmt: TextFormat, lines: readonly string[], command?: string): Score {
  let good = 0;
  let bad = 0;
  let hits = 0;
  let seen = 0;
  if (fmt.whole) {
    const first = lines.find((l) => l.trim() !== '')?.trim() ?? '';
    const head = lines.slice(0, 40).join('\n');
    const ok = /^[[{]/.test(first) && /"schema"\s*:\s*"tcpstate\.[a-z]+\/\d+"/.test(head);
    return { format: fmt.name, score: ok ? 1 : 0, hits: ok ? 1 : 0 };
  }
  for (const line of lines) {
    const k: LineKind = fmt.classify(line);
    if (k === 'blank') continue;
    if (++seen > DETECT_LINES) break;
    if (k === 'header') {
      good += 2;
      hits++;
    } else if (k === 'data') {
      good += 1;
      hits++;
    } else if (k === 'other') bad += 1;
  }
  let score = good + bad === 0 ? 0 : good / (good + bad);
  if (hits > 0 && command !== undefined && fmt.command.test(command)) score += 0.5;
  return { format: fmt.name, score, hits };
}

/** Every format's score, best first (ties in registry order). */
export function scoreAll(lines: readonly string[], command?: string): Score[] {
  const scores = FORMAT_NAMES.map((n) => scoreFormat(TEXT_FORMATS[n]!, lines, command));
  return scores
    .map((s, k) => ({ s, k }))
    .sort((a, b) => b.s.score - a.s.score || b.s.hits - a.s.hits || a.k - b.k)
    .map((x) => x.s);
}

/** The detected format's name, or undefined when none scores well enough. */
export function detectFormat(lines: readonly string[], command?: string): string | undefined {
  const best = scoreAll(lines, command)[0];
  return best && best.hits > 0 && best.score >= MIN_SCORE ? best.format : undefined;
}

/** The format a shell command prints, if one claims it (for empty output). */
export function formatOfCommand(command: string): TextFormat | undefined {
  // The awk/sort/uniq pipeline decides: it turns any listing into a summary.
  const order = ['awk', ...FORMAT_NAMES.filter((n) => n !== 'awk')];
  for (const n of order) if (TEXT_FORMATS[n]!.command.test(command)) return TEXT_FORMATS[n];
  return undefined;
}

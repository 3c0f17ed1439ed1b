/**
 * `--color=WHEN` for the commands that print tables (ls, count, doctor): the option, and the
 * decision from it, the environment and whether stdout is a terminal (the help line is in each
 * command's catalogue text).
 * @module
 */
import { COLOUR_WHEN, type ColourWhen, useColour } from '../render/colour.js';
import { type OptionSpec, oneOf } from './args.js';
import type { Io } from './io.js';

export const COLOUR_OPTIONS: OptionSpec = { color: { type: 'string' } };

/**
 * GNU habits: a bare `--color` (or `--colour`) means always, unless the next word is a WHEN;
 * `--colour=WHEN` is `--color=WHEN`.
 */
export function colourArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k]!;
    if (a === '--') {
      out.push(...argv.slice(k));
      break;
    }
    if (a === '--color' || a === '--colour') {
      const next = argv[k + 1];
      if (next !== undefined && (COLOUR_WHEN as readonly string[]).includes(next)) {
        out.push(`--color=${next}`);
        k++;
      } else out.push('--color=always');
    } else out.push(a.startsWith('--colour=') ? `--color=${a.slice('--colour='.length)}` : a);
  }
  return out;
}

/** Colour this output? From `--color`, NO_COLOR/TERM and the terminal. */
export function colourFor(values: Record<string, unknown>, io: Io): boolean {
  const when: ColourWhen = oneOf(values['color'], '--color', COLOUR_WHEN, 'auto');
  return useColour(when, io.env, when === 'auto' && io.stdoutIsTty ? io.stdoutIsTty() : false);
}

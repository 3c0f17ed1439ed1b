/**
 * The library's option keys as the command line spells them: a report's error about `by`
 * names `--by` when the CLI asked (src/report/options.ts).
 * @module
 */
import type { OptionNames } from '../report/options.js';

export const FLAG_NAMES: OptionNames = { by: '--by', top: '--top', sort: '--sort', processes: '-p' };

/**
 * The language of a command's human output: `--lang en|zh`, else the locale.
 * @module
 */
import type { Lang } from '../fsm/explain-data.js';

/** The language the locale asks for: the first of LC_ALL, LC_MESSAGES, LANG that is set; zh* → zh. */
export function langFromEnv(env: Record<string, string | undefined>): Lang {
  const loc = [env['LC_ALL'], env['LC_MESSAGES'], env['LANG']].find((v) => v !== undefined && v !== '');
  return loc !== undefined && /^zh/i.test(loc) ? 'zh' : 'en';
}

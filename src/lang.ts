/**
 * The language of human output, English or Chinese: `--lang` where a command takes it, else
 * TCPSTATE_LANG, else the locale (the first of LC_ALL, LC_MESSAGES, LANG that is set; a `zh`
 * prefix is Chinese). One rule for every command and catalogue.
 * @module
 */
import type { Lang } from './i18n/catalogue.js';

/** The language the environment asks for. */
export function langFromEnv(env: Record<string, string | undefined>): Lang {
  const loc = [env['TCPSTATE_LANG'], env['LC_ALL'], env['LC_MESSAGES'], env['LANG']].find((v) => v !== undefined && v !== '');
  return loc !== undefined && /^zh/i.test(loc) ? 'zh' : 'en';
}

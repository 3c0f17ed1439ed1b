/**
 * The command-line options of an HTTP(S) client (`fleet`, `count --hosts URL`), apart from
 * the client so that `count`'s start-up does not load node:https for them.
 * @module
 */
import { CATALOGUE as HELP_TEXTS } from '../i18n/help.js';

export const HTTP_OPTIONS = {
  user: { type: 'string' },
  'ca-file': { type: 'string' },
  'cert-file': { type: 'string' },
  'key-file': { type: 'string' },
  insecure: { type: 'boolean' },
  timeout: { type: 'string' },
} as const;

/** Basic auth and TLS options as help lists them (English: the man page's). */
export const HTTP_HELP = HELP_TEXTS.en.http;

/** An agent's URL on the command line: `http://` or `https://`. */
export function isAgentUrl(arg: string): boolean {
  return /^https?:\/\//i.test(arg);
}

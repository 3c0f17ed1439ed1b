/**
 * Option values of `fleet` and `count --hosts URL`: durations (`15m`), moments (`--at`),
 * label names, URLs and the HTTP(S) settings, each checked with an error naming the option.
 * @module
 */
import { readFileSync } from 'node:fs';
import { osReason, TcpstateError } from '../model/errors.js';
import { type HttpOptions, parseHttpUrl } from './http.js';
import type { FleetMessages } from '../i18n/fleet.js';
import { isLabelName } from './query.js';

const UNIT: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

/** A Prometheus-style duration (`90s`, `15m`, `1h30m`) in seconds; undefined when not one. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(text)) return undefined;
  let sec = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) sec += Number(m[1]) * UNIT[m[2]!]!;
  return sec > 0 ? sec : undefined;
}

/** `--at`: RFC 3339, Unix seconds, or a duration ago; Unix seconds. */
export function parseMoment(text: string, now: number, msg: FleetMessages): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const ago = parseDuration(text.replace(/^-/, ''));
  if (ago !== undefined) return now - ago;
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(text)) {
    const t = Date.parse(text);
    if (!Number.isNaN(t)) return t / 1000;
  }
  throw new TcpstateError('ERR_USAGE', msg.badTime(text), { field: '--at' });
}

export function durationOpt(v: string | undefined, opt: string, dflt: number, msg: FleetMessages): number {
  if (v === undefined) return dflt;
  const d = parseDuration(v);
  if (d === undefined) throw new TcpstateError('ERR_USAGE', msg.badDuration(opt, v), { field: opt });
  return d;
}

export function labelOpt(v: string | undefined, opt: string, msg: FleetMessages): string | undefined {
  if (v === undefined) return undefined;
  if (!isLabelName(v)) throw new TcpstateError('ERR_USAGE', msg.badLabel(opt, v), { field: opt });
  return v;
}

export function urlOpt(v: string, opt: string, msg: FleetMessages): URL {
  const u = parseHttpUrl(v);
  if (!u) throw new TcpstateError('ERR_USAGE', msg.badUrl(opt, v), { field: opt });
  return u;
}

function readOpt(path: string | undefined, opt: string, msg: FleetMessages): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch (e) {
    const reason = osReason(e);
    const why = reason === undefined ? (e as Error).message : msg.osReason(String((e as NodeJS.ErrnoException).code), reason);
    throw new TcpstateError('ERR_IO', msg.readFile(opt, path, why), { file: path, field: opt });
  }
}

/** The HTTP options shared by the Prometheus and agent clients, from the command's option values. */
export function httpOptions(values: Record<string, unknown>, env: Record<string, string | undefined>, timeoutMs: number, msg: FleetMessages): Omit<HttpOptions, 'maxBytes'> {
  const user = typeof values['user'] === 'string' ? values['user'] : undefined;
  // The password from the environment keeps it out of the process list.
  const basicAuth = user === undefined ? undefined : user.includes(':') ? user : `${user}:${env['TCPSTATE_PASSWORD'] ?? ''}`;
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  return {
    basicAuth,
    ca: readOpt(str('ca-file'), '--ca-file', msg),
    cert: readOpt(str('cert-file'), '--cert-file', msg),
    key: readOpt(str('key-file'), '--key-file', msg),
    insecure: values['insecure'] === true,
    timeoutMs,
  };
}

export { HTTP_HELP, HTTP_OPTIONS } from './http-options.js';

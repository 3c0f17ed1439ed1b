/**
 * Listen addresses as node_exporter's `--web.listen-address` takes them: `HOST:PORT`,
 * `[IPv6]:PORT`, `:PORT` (every interface). Which of them are loopback.
 * @module
 */
import { TcpstateError } from '../model/errors.js';
import { MESSAGES } from '../i18n/serve.js';

/**
 * The default port: 9977, picked from the 9100-9999 range of Prometheus's "default port
 * allocations" wiki page. That page could not be read from the machine this was written
 * on; check it before relying on the number (README, "tcpstate serve").
 */
export const DEFAULT_PORT = 9977;
export const DEFAULT_LISTEN = `127.0.0.1:${DEFAULT_PORT}`;

export interface ListenAddress {
  /** As given. */
  text: string;
  /** Host for net.Server.listen; undefined: every interface. */
  host?: string;
  port: number;
}

export function parseListen(text: string): ListenAddress {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new TcpstateError('ERR_USAGE', MESSAGES.badListen(text), { field: '--listen' });
  const host = m[1] ?? (m[2] === '' ? undefined : m[2]);
  return { text, ...(host === undefined ? {} : { host }), port };
}

/** Whether a bound address is a loopback one (only this host can connect). */
export function isLoopback(address: string): boolean {
  const a = address.replace(/^::ffff:/, '');
  return /^127\./.test(a) || a === '::1' || a === 'localhost';
}

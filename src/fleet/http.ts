/**
 * One HTTP(S) GET of a JSON answer, for the Prometheus API and agents' `/api/v1/counts`:
 * basic auth, a CA file or no verification for TLS, a time limit for the whole exchange and
 * a size limit on the answer. Failures are {@link HttpFailure}s with the reason in words;
 * callers name the URL in their errors.
 * @module
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { osReason } from '../model/errors.js';
import type { FleetMessages } from '../i18n/fleet.js';

export interface HttpOptions {
  /** `user:password` for basic auth (also taken from the URL's user info). */
  basicAuth?: string;
  /** PEM CA certificate(s) to trust instead of the system's. */
  ca?: string | Buffer;
  /** PEM client certificate and key (mutual TLS). */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Skip certificate verification (--insecure). */
  insecure?: boolean;
  timeoutMs: number;
  /** The largest answer read. */
  maxBytes: number;
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** A request that got no usable answer: `why` says why, in words. */
export class HttpFailure extends Error {
  constructor(readonly why: string) {
    super(why);
  }
}

/** GET `url`; resolves to the status and the body, whatever the status. */
export function getText(url: URL, o: HttpOptions, msg: FleetMessages): Promise<HttpAnswer> {
  const auth = o.basicAuth ?? (url.username !== '' ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (auth !== undefined) headers['Authorization'] = `Basic ${Buffer.from(auth).toString('base64')}`;
  const target = new URL(url.href);
  target.username = '';
  target.password = '';
  const https = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (f: () => void) => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        f();
      }
    };
    const onAnswer = (res: IncomingMessage) => {
      const parts: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => {
        size += d.length;
        if (size > o.maxBytes) {
          finish(() => reject(new HttpFailure(msg.tooLarge(o.maxBytes))));
          req.destroy();
          return;
        }
        parts.push(d);
      });
      res.on('end', () => finish(() => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') })));
      res.on('error', (e) => finish(() => reject(new HttpFailure(reason(e, msg)))));
    };
    const req = https ? httpsRequest(target, { headers, ca: o.ca, cert: o.cert, key: o.key, rejectUnauthorized: !o.insecure }, onAnswer) : httpRequest(target, { headers }, onAnswer);
    const timer = setTimeout(() => {
      finish(() => reject(new HttpFailure(msg.timeout(o.timeoutMs))));
      req.destroy();
    }, o.timeoutMs);
    req.on('error', (e) => finish(() => reject(new HttpFailure(reason(e, msg)))));
    req.end();
  });
}

/** An OS or TLS error in words of `msg`'s language: "connection refused", "self-signed certificate". */
function reason(e: Error, msg: FleetMessages): string {
  const os = osReason(e);
  if (os !== undefined) return msg.osReason(String((e as { code?: unknown }).code), os);
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' ? msg.tlsReason(code, e.message) : e.message;
}

/** Parse an http(s) URL given as option `opt`; undefined when it is not one. */
export function parseHttpUrl(text: string): URL | undefined {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return undefined;
  }
  return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
}

/**
 * A client of Prometheus's HTTP API (`/api/v1/query`), enough for the fleet table: instant
 * queries at a moment, answers checked as the API documents them. Every failure is a
 * {@link TcpstateError} naming the URL (and the query, when the query failed).
 * @module
 */
import { TcpstateError } from '../model/errors.js';
import { getText, HttpFailure, type HttpOptions } from './http.js';
import type { FleetMessages } from '../i18n/fleet.js';

/** One series of an instant vector. */
export interface VectorSample {
  metric: Record<string, string>;
  value: number;
}

/** The largest API answer read (a fleet of 100,000 hosts by 12 states is ~30 MiB). */
export const MAX_ANSWER = 256 << 20;

export class PrometheusClient {
  /** The URL as given, credentials left out, for messages. */
  readonly shown: string;

  constructor(
    readonly base: URL,
    readonly http: Omit<HttpOptions, 'maxBytes'>,
    readonly msg: FleetMessages,
  ) {
    const u = new URL(base.href);
    u.username = '';
    u.password = '';
    this.shown = u.href.replace(/\/$/, '');
  }

  /** An instant query at `time` (seconds; now when undefined). */
  async query(expr: string, time?: number): Promise<VectorSample[]> {
    const u = new URL(this.base.href);
    u.pathname = `${u.pathname.replace(/\/$/, '')}/api/v1/query`;
    u.searchParams.set('query', expr);
    if (time !== undefined) u.searchParams.set('time', time.toFixed(3));
    let a;
    try {
      a = await getText(u, { ...this.http, maxBytes: MAX_ANSWER }, this.msg);
    } catch (e) {
      if (e instanceof HttpFailure) throw new TcpstateError('ERR_IO', this.msg.unreachable(this.shown, e.why), { field: '--prometheus' });
      throw e;
    }
    let j: { status?: unknown; data?: { resultType?: unknown; result?: unknown }; error?: unknown; errorType?: unknown };
    try {
      j = JSON.parse(a.body);
    } catch {
      if (a.status !== 200) throw new TcpstateError('ERR_IO', this.msg.httpStatus(this.shown, a.status, firstLine(a.body)), { field: '--prometheus' });
      throw new TcpstateError('ERR_IO', this.msg.notJson(this.shown), { field: '--prometheus' });
    }
    if (j.status !== 'success') {
      const why = typeof j.error === 'string' ? `${typeof j.errorType === 'string' ? `${j.errorType}: ` : ''}${j.error}` : `HTTP ${a.status}`;
      throw new TcpstateError('ERR_IO', this.msg.queryFailed(this.shown, expr, why), { field: '--prometheus' });
    }
    const d = j.data;
    if (d?.resultType !== 'vector' || !Array.isArray(d.result)) throw new TcpstateError('ERR_IO', this.msg.notJson(this.shown), { field: '--prometheus' });
    return d.result.map((r: { metric?: Record<string, string>; value?: [number, string] }) => ({ metric: r.metric ?? {}, value: Number(r.value?.[1]) }));
  }
}

function firstLine(s: string): string {
  const l = s.trim().split('\n')[0] ?? '';
  return l.length > 200 ? `${l.slice(0, 200)}...` : l;
}

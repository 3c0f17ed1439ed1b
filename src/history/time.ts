/**
 * Durations (`10s`, `1`, `7d`), moments (`1h` ago, ISO times, `10:05`, `@EPOCH`) and sizes
 * (`500MB`) as `record` and `history` take them (pure).
 * @module
 */
import { TcpstateError } from '../model/errors.js';
import { say as o } from '../i18n/options.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 365 * 86_400_000 };

/** `10s`, `1.5m`, `7d`; a plain number is seconds. */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|min|h|d|w|y)?$/.exec(text.trim());
  if (!m) throw new TcpstateError('ERR_USAGE', o('duration', option, text), { field: option });
  const ms = Number(m[1]) * UNITS[m[2] ?? 's']!;
  if (!(ms > 0) || !Number.isFinite(ms)) throw new TcpstateError('ERR_USAGE', o('aboveZero', option, text), { field: option });
  return Math.round(ms);
}

/** `500MB`, `1GiB`, `100k`, a plain number of bytes; 0 means no limit. */
export function parseSize(text: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)$/i.exec(text.trim());
  if (!m) throw new TcpstateError('ERR_USAGE', o('size', option, text), { field: option });
  const u = m[2]!.toLowerCase();
  const pow = { '': 0, b: 0, k: 1, m: 2, g: 3, t: 4 }[u[0] ?? ''] ?? 0;
  const base = u.endsWith('ib') ? 1024 : u === 'k' || u === 'm' || u === 'g' || u === 't' ? 1024 : 1000;
  return Math.round(Number(m[1]) * base ** pow);
}

/**
 * A moment, ms since the epoch: `now`; a duration meaning that long ago (`1h`, `7d`);
 * `@SECONDS` since the epoch; an ISO date or date-time (`2026-12-05T10:00:00Z`; without a
 * zone, local time); `HH:MM[:SS]` today in local time (yesterday if that is still to come).
 */
export function parseTime(text: string, option: string, now: number): number {
  const s = text.trim();
  if (s === 'now') return now;
  if (/^\d+(?:\.\d+)?(ms|s|m|min|h|d|w|y)$/.test(s)) return now - parseDuration(s, option);
  let m = /^@(\d+(?:\.\d+)?)$/.exec(s);
  if (m) return Math.round(Number(m[1]) * 1000);
  m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (m && Number(m[1]) < 24 && Number(m[2]) < 60 && Number(m[3] ?? 0) < 60) {
    const d = new Date(now);
    d.setHours(Number(m[1]), Number(m[2]), Number(m[3] ?? 0), 0);
    if (d.getTime() > now) d.setDate(d.getDate() - 1);
    return d.getTime();
  }
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) {
    const iso = s.replace(' ', 'T');
    const t = Date.parse(iso.length === 10 ? `${iso}T00:00:00` : iso);
    if (Number.isFinite(t)) return t;
  }
  throw new TcpstateError('ERR_USAGE', o('time', option, text), { field: option });
}

/** `10s`, `5m`, `1h`, `2d` for a step, shortest exact unit. */
export function formatDuration(ms: number): string {
  for (const [u, v] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms >= v && ms % v === 0) return `${ms / v}${u}`;
  }
  return `${ms}ms`;
}

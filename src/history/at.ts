/**
 * A recorded moment as one side of `tcpstate diff`: `@TIME` (any form `history --at` takes)
 * names the last sample at or before TIME, within two of its intervals; when there is none
 * the error names the nearest samples on either side.
 * @module
 */
import { newCounts, type StateCounts } from '../model/count.js';
import { TcpstateError } from '../model/errors.js';
import { messages } from '../i18n/history.js';
import { namespaces, pickNetns } from './query.js';
import { STATE_COLUMNS } from './schema.js';
import type { Database } from './sqlite.js';
import { parseTime } from './time.js';

/** Whether a diff argument names a recorded moment (`@10:05`, `@1h`, `@@1733392800`) rather than a file. */
export function isMomentRef(arg: string): boolean {
  return arg.length > 1 && arg.startsWith('@');
}

/**
 * The moment `@TEXT` names, ms since the epoch: TEXT as `history --at` takes it; a bare
 * number after the `@` is seconds since the epoch, like `--at @SECONDS`.
 */
export function parseMomentRef(arg: string, option: string, now: number): number {
  const rest = arg.slice(1);
  return parseTime(/^\d+(\.\d+)?$/.test(rest) ? `@${rest}` : rest, option, now);
}

export interface RecordedSide {
  /** ms since the epoch of the sample used. */
  t: number;
  netns: string;
  counts: StateCounts;
}

/**
 * The sample standing for `at` in namespace `netnsAsked` (undefined: the recorder's own when
 * the file has it, else the only one recorded).
 * @throws TcpstateError ERR_EMPTY naming the nearest samples before and after `at`.
 */
export function sampleNear(db: Database, at: number, netnsAsked: string | undefined, option: string, env?: Record<string, string | undefined>): RecordedSide {
  const m = messages(env);
  const netns = netnsAsked === undefined && namespaces(db).includes('') ? '' : pickNetns(db, netnsAsked, env);
  const cols = STATE_COLUMNS.map((s) => `"${s.col}"`).join(', ');
  const before = db.prepare(`SELECT t, interval_ms, ${cols} FROM samples WHERE netns = ? AND t <= ? ORDER BY t DESC LIMIT 1`).raw(true).get(netns, at) as unknown as unknown[] | undefined;
  if (before && (before[0] as number) >= at - 2 * (before[1] as number) - 1000) {
    const counts = newCounts();
    STATE_COLUMNS.forEach((s, i) => {
      counts[s.code] = before[2 + i] as number;
    });
    return { t: before[0] as number, netns, counts };
  }
  const afterRow = db.prepare('SELECT t FROM samples WHERE netns = ? AND t > ? ORDER BY t LIMIT 1').get(netns, at);
  const iso = (t: unknown): string | undefined => (typeof t === 'number' ? new Date(t).toISOString() : undefined);
  throw new TcpstateError('ERR_EMPTY', m.noSampleNear(new Date(at).toISOString(), iso(before?.[0]), iso(afterRow?.['t'])), { field: option });
}

/** One side of `diff` from the history file `file`: the counts of the sample `arg` (`@TIME`) names, and a label saying which. */
export async function recordedDiffSide(
  file: string,
  arg: string,
  netns: string | undefined,
  option: string,
  env?: Record<string, string | undefined>,
  now = Date.now(),
): Promise<{ label: string; format: string; counts: StateCounts }> {
  const at = parseMomentRef(arg, option, now);
  const { openStore, storeError } = await import('./store.js');
  const store = openStore(file, { ...(env ? { env } : {}) });
  try {
    const s = sampleNear(store.db, at, netns, option, env);
    return { label: messages(env).recordedSide(file, new Date(s.t).toISOString(), s.netns), format: 'history', counts: s.counts };
  } catch (e) {
    throw storeError(file, e, env);
  } finally {
    store.close();
  }
}

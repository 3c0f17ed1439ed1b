/**
 * Retention, enforced by the writer about once a minute: raw samples, minute rollups and
 * hour rollups each kept for their own age (netdata-like tiers: 14 days, 90 days, 2 years
 * by default), and the file's used pages kept under a size, oldest raw samples first, then
 * the oldest minute rollups, then hour rollups. Freed pages go back to the file system
 * (auto_vacuum = INCREMENTAL).
 * @module
 */
import { HOUR, MINUTE } from './schema.js';
import type { Database } from './sqlite.js';

export interface Retention {
  /** Age beyond which raw samples (with their groups, counters, findings) are deleted, ms. */
  rawMs: number;
  minuteMs: number;
  hourMs: number;
  /** Bytes of used pages the file may hold; 0: no limit. */
  maxBytes: number;
}

const DAY = 86_400_000;
export const DEFAULT_RETENTION: Retention = { rawMs: 14 * DAY, minuteMs: 90 * DAY, hourMs: 730 * DAY, maxBytes: 1 << 30 };

const CHILDREN = ['group_sets', 'counters', 'findings', 'transitions'];

/** Delete raw samples older than `cutoff` (ms), children first. */
function deleteSamples(db: Database, where: string, arg: number): number {
  let n = 0;
  db.transaction(() => {
    for (const c of CHILDREN) db.prepare(`DELETE FROM ${c} WHERE sample IN (SELECT id FROM samples WHERE ${where})`).run(arg);
    n = db.prepare(`DELETE FROM samples WHERE ${where}`).run(arg).changes;
  }).immediate();
  return n;
}

/** Bytes in pages that hold data (the file's size less its free pages). */
export function usedBytes(db: Database): number {
  const pages = Number(db.pragma('page_count', { simple: true }));
  const free = Number(db.pragma('freelist_count', { simple: true }));
  return (pages - free) * Number(db.pragma('page_size', { simple: true }));
}

/** What was deleted, for tests and logs. */
export interface RetentionResult {
  samples: number;
  rollups: number;
}

export function enforceRetention(db: Database, now: number, r: Retention): RetentionResult {
  const out: RetentionResult = { samples: 0, rollups: 0 };
  out.samples += deleteSamples(db, 't < ?', now - r.rawMs);
  for (const [step, age] of [
    [MINUTE, r.minuteMs],
    [HOUR, r.hourMs],
  ] as const) {
    out.rollups += db.prepare('DELETE FROM rollups WHERE step = ? AND t < ?').run(step, now - age).changes;
    db.prepare('DELETE FROM counter_rollups WHERE step = ? AND t < ?').run(step, now - age);
  }
  if (r.maxBytes > 0) {
    for (let guard = 0; guard < 200 && usedBytes(db) > r.maxBytes; guard++) {
      const n = Number(db.prepare('SELECT count(*) AS n FROM samples').get()?.['n']);
      if (n > 0) {
        // The oldest twentieth (at least one): by id, the order they were written in.
        const k = Math.max(1, Math.ceil(n / 20));
        const edge = Number(db.prepare('SELECT id FROM samples ORDER BY id LIMIT 1 OFFSET ?').get(k - 1)?.['id']);
        out.samples += deleteSamples(db, 'id <= ?', edge);
        continue;
      }
      let done = false;
      for (const step of [MINUTE, HOUR]) {
        const m = Number(db.prepare('SELECT count(*) AS n FROM rollups WHERE step = ?').get(step)?.['n']);
        if (m === 0) continue;
        const edge = Number(db.prepare('SELECT t FROM rollups WHERE step = ? ORDER BY t LIMIT 1 OFFSET ?').get(step, Math.max(1, Math.ceil(m / 20)) - 1)?.['t']);
        out.rollups += db.prepare('DELETE FROM rollups WHERE step = ? AND t <= ?').run(step, edge).changes;
        db.prepare('DELETE FROM counter_rollups WHERE step = ? AND t <= ?').run(step, edge);
        done = true;
        break;
      }
      if (!done) break;
    }
  }
  if (out.samples + out.rollups > 0) db.pragma('incremental_vacuum');
  return out;
}

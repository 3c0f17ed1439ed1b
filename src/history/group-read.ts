/**
 * Reading a sample's groups from either layout of the history file.
 * @module
 */
import { newCounts } from '../model/count.js';
import { isTcpstateError, TcpstateError } from '../model/errors.js';
import { say } from '../i18n/history.js';
import { unpackGroups, type PackedGroup } from './group-blob.js';
import { GROUP_KINDS, STATE_COLUMNS, type GroupKind } from './schema.js';
import type { Database } from './sqlite.js';

/**
 * A reader of a sample's groups of one kind from the file: the packed rows of version 3, or
 * the row-per-group table of a file not yet migrated (read-only, or not opened by a writer since).
 * A damaged packed row is an ERR_FORMAT error as catalogue data, said at the edge in the
 * user's language (`_env`, the caller's environment, no longer chooses it here).
 */
export function groupReader(db: Database, file: string, _env?: Record<string, string | undefined>): (sample: number, kind: GroupKind) => PackedGroup[] {
  const packed = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'group_sets'").get()?.['n'] === 1;
  if (packed) {
    const stmt = db.prepare('SELECT data FROM group_sets WHERE sample = ? AND kind = ?').raw(true);
    return (sample, kind) => {
      const r = stmt.get(sample, GROUP_KINDS.indexOf(kind)) as unknown as [Uint8Array] | undefined;
      if (!r) return [];
      try {
        return unpackGroups(r[0]);
      } catch (e) {
        const why = isTcpstateError(e) && e.said !== undefined ? e.said : (e as Error).message;
        throw new TcpstateError('ERR_FORMAT', say('corrupt', file, say('groupsDamaged', sample, kind, why)));
      }
    };
  }
  const cols = STATE_COLUMNS.map((s) => `"${s.col}"`).join(', ');
  const stmt = db.prepare(`SELECT key, folded, ${cols} FROM groups WHERE sample = ? AND kind = ?`).raw(true);
  return (sample, kind) =>
    (stmt.all(sample, kind) as unknown as unknown[][]).map((r) => {
      const counts = newCounts();
      STATE_COLUMNS.forEach((s, i) => {
        counts[s.code] = r[2 + i] as number;
      });
      return { key: r[0] as string, folded: r[1] as number, counts };
    });
}

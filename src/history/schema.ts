/**
 * The history file's schema: one wide row per sample (every state's count, zeros
 * included), the top groups per kind with an explicit "other" row (since version 3 one
 * packed row per sample and kind), the kernel's TCP
 * counters as deltas, doctor's findings, and per-minute and per-hour rollups (min, max,
 * sum and count for the mean, last) of the state counts; since version 2, what each sample
 * knows (the window its counter deltas cover, whether doctor ran, the window its state
 * transitions were counted over: NULL is "not known", never zero) and the transitions per
 * (from, to) pair counted in the kernel. `application_id` marks the file
 * as tcpstate's; `user_version` is the schema version, raised by {@link MIGRATIONS}.
 * @module
 */
import { newCounts } from '../model/count.js';
import { PRINT_ORDER, stateLabel, type StateCode } from '../model/state.js';
import { packGroups, type PackedGroup } from './group-blob.js';
import type { Database } from './sqlite.js';
import { GROUP_KINDS, type GroupKind } from '../model/documents.js';

/** `PRAGMA application_id` of a tcpstate history file ('tcst'). */
export const APPLICATION_ID = 0x74637374;
/** The schema version this code writes (`PRAGMA user_version`). */
export const SCHEMA_VERSION = 3;

/** The states stored, in print order, with their column names (node_exporter's labels). */
export const STATE_COLUMNS: readonly { code: StateCode; col: string }[] = PRINT_ORDER.map((code) => ({ code, col: stateLabel(code) }));

/** Group kinds stored per sample, by their `--by` names (defined in model: history documents name them). */
export { GROUP_KINDS, type GroupKind };

/** Rollup steps, ms. */
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const ROLLUP_STEPS = [MINUTE, HOUR] as const;

const stateCols = STATE_COLUMNS.map((s) => `"${s.col}" INTEGER NOT NULL DEFAULT 0`).join(', ');
const rollupCols = STATE_COLUMNS.map((s) => ['mn', 'mx', 'sum', 'last'].map((p) => `"${p}_${s.col}" INTEGER NOT NULL DEFAULT 0`).join(', ')).join(', ');

/** `MIGRATIONS[v]` takes a file from version v to v + 1 (version 0: a new, empty file). */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
   CREATE TABLE samples(id INTEGER PRIMARY KEY, t INTEGER NOT NULL, interval_ms INTEGER NOT NULL,
     netns TEXT NOT NULL, source TEXT NOT NULL, scan_ms REAL NOT NULL, ${stateCols});
   CREATE INDEX samples_by_time ON samples(netns, t);
   CREATE TABLE groups(sample INTEGER NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
     folded INTEGER NOT NULL DEFAULT 0, ${stateCols}, PRIMARY KEY(sample, kind, key)) WITHOUT ROWID;
   CREATE TABLE counter_names(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
   CREATE TABLE counters(sample INTEGER NOT NULL, name INTEGER NOT NULL, delta INTEGER NOT NULL,
     PRIMARY KEY(sample, name)) WITHOUT ROWID;
   CREATE TABLE findings(sample INTEGER NOT NULL, rule TEXT NOT NULL, severity TEXT NOT NULL, title TEXT NOT NULL);
   CREATE INDEX findings_by_sample ON findings(sample);
   CREATE TABLE rollups(step INTEGER NOT NULL, netns TEXT NOT NULL, t INTEGER NOT NULL, n INTEGER NOT NULL,
     ${rollupCols}, PRIMARY KEY(step, netns, t)) WITHOUT ROWID;`,
  // 2: counters_from: the previous sample's t, which the counter deltas run from (NULL: no
  // deltas, as for a recorder's first sample); findings_checked: 1 when doctor ran on the
  // sample (NULL: not asked); trans_from/trans_to: the window the transitions were counted
  // in (NULL: not counted); transitions: non-zero counts per pair (from × 16 + to, state codes).
  `ALTER TABLE samples ADD COLUMN counters_from INTEGER;
   ALTER TABLE samples ADD COLUMN findings_checked INTEGER;
   ALTER TABLE samples ADD COLUMN trans_from INTEGER;
   ALTER TABLE samples ADD COLUMN trans_to INTEGER;
   CREATE TABLE transitions(sample INTEGER NOT NULL, pair INTEGER NOT NULL, count INTEGER NOT NULL,
     PRIMARY KEY(sample, pair)) WITHOUT ROWID;
   UPDATE samples SET counters_from = (SELECT max(p.t) FROM samples p WHERE p.netns = samples.netns AND p.t < samples.t)
     WHERE id IN (SELECT sample FROM counters);
   UPDATE samples SET findings_checked = 1 WHERE id IN (SELECT sample FROM findings);`,
  // 3: a sample's groups of one kind in one row, packed (./group-blob.ts): about a third of
  // the bytes of a row per group. The old rows are repacked by MIGRATION_CODE[2], then dropped.
  // Also: counter deltas summed per rollup bucket (and the ms their windows cover), so long
  // ranges read counters without visiting every raw sample.
  `CREATE TABLE group_sets(sample INTEGER NOT NULL, kind INTEGER NOT NULL, data BLOB NOT NULL,
     PRIMARY KEY(sample, kind)) WITHOUT ROWID;
   CREATE TABLE counter_rollups(step INTEGER NOT NULL, netns TEXT NOT NULL, t INTEGER NOT NULL, name INTEGER NOT NULL,
     sum INTEGER NOT NULL, PRIMARY KEY(step, netns, t, name)) WITHOUT ROWID;
   ALTER TABLE rollups ADD COLUMN counter_ms INTEGER;
   INSERT INTO counter_rollups(step, netns, t, name, sum)
     SELECT st.step, s.netns, (s.t / st.step) * st.step, c.name, sum(c.delta)
     FROM samples s JOIN counters c ON c.sample = s.id, (SELECT ${MINUTE} AS step UNION ALL SELECT ${HOUR}) st
     WHERE s.counters_from IS NOT NULL GROUP BY 1, 2, 3, 4;
   UPDATE rollups SET counter_ms = (SELECT sum(s.t - s.counters_from) FROM samples s
     WHERE s.netns = rollups.netns AND s.t >= rollups.t AND s.t < rollups.t + rollups.step AND s.counters_from IS NOT NULL);`,
];

/** Work a migration needs beyond its SQL, run after it in the same transaction. */
export const MIGRATION_CODE: Partial<Record<number, (db: Database) => void>> = {
  2: (db) => {
    const insert = db.prepare('INSERT INTO group_sets(sample, kind, data) VALUES (?, ?, ?)');
    const cols = STATE_COLUMNS.map((s) => `"${s.col}"`).join(', ');
    let cur: { sample: number; kind: string; groups: PackedGroup[] } | undefined;
    const flush = (): void => {
      if (cur) insert.run(cur.sample, GROUP_KINDS.indexOf(cur.kind as GroupKind), packGroups(cur.groups));
    };
    // In slices of samples: a statement being iterated cannot share its connection with inserts.
    const range = db.prepare('SELECT min(sample) AS a, max(sample) AS b FROM groups').get();
    const slice = db.prepare(`SELECT sample, kind, key, folded, ${cols} FROM groups WHERE sample >= ? AND sample < ? ORDER BY sample, kind`).raw(true);
    for (let a = Number(range?.['a'] ?? 0), b = Number(range?.['b'] ?? -1); a <= b; a += 1000) {
      for (const r of slice.all(a, a + 1000) as unknown as unknown[][]) {
        if (!cur || cur.sample !== r[0] || cur.kind !== r[1]) {
          flush();
          cur = { sample: r[0] as number, kind: r[1] as string, groups: [] };
        }
        const counts = newCounts();
        STATE_COLUMNS.forEach((s, i) => {
          counts[s.code] = r[4 + i] as number;
        });
        cur.groups.push({ key: r[2] as string, folded: r[3] as number, counts });
      }
      flush();
      cur = undefined;
    }
    db.exec('DROP TABLE groups');
  },
};

/** The upsert that folds one sample into a rollup bucket (parameters: step, netns, t, then each state's count four times: min, max, sum, last). */
export const ROLLUP_UPSERT = `INSERT INTO rollups(step, netns, t, n, ${STATE_COLUMNS.map((s) => `"mn_${s.col}", "mx_${s.col}", "sum_${s.col}", "last_${s.col}"`).join(', ')})
  VALUES (?, ?, ?, 1, ${STATE_COLUMNS.map(() => '?, ?, ?, ?').join(', ')})
  ON CONFLICT(step, netns, t) DO UPDATE SET n = n + 1, ${STATE_COLUMNS.map((s) => `"mn_${s.col}" = min("mn_${s.col}", excluded."mn_${s.col}"), "mx_${s.col}" = max("mx_${s.col}", excluded."mx_${s.col}"), "sum_${s.col}" = "sum_${s.col}" + excluded."sum_${s.col}", "last_${s.col}" = excluded."last_${s.col}"`).join(', ')}`;

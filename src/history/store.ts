/**
 * The history store: one SQLite file (WAL, one transaction per sample, synchronous=FULL so a
 * committed sample survives power loss), a schema version with migrations, one writer at a
 * time (a lock held on `PATH.lock` for the writer's life; the OS drops it when the writer
 * dies, so a killed `record` never blocks the next), rollups kept up to date in each
 * sample's transaction, retention by age and size enforced as it records.
 *
 * API for recorders (`record`, `serve`): `openStore(path, { write: true })`,
 * `store.write(sample, { intervalMs })`, `store.close()`. Readers: `openStore(path)` and
 * the queries of ./query.ts on `store.db`.
 * @module
 */
import { fs } from '../builtins.js';
import type { Sample } from '../engine/sampler.js';
import { osReason, TcpstateError } from '../model/errors.js';
import { messages, say } from '../i18n/history.js';
import { GROUP_KINDS, HOUR, MIGRATION_CODE, MIGRATIONS, MINUTE, ROLLUP_STEPS, ROLLUP_UPSERT, SCHEMA_VERSION, STATE_COLUMNS, APPLICATION_ID, type GroupKind } from './schema.js';
import { sampleRow, tcpCounters, type SampleRow, type TransitionWindow } from './sample-row.js';
import { packGroups } from './group-blob.js';
import { sqlite, sqliteCode, type Database, type Statement } from './sqlite.js';
import { enforceRetention, DEFAULT_RETENTION, type Retention } from './retention.js';

export interface StoreOptions {
  /** Open for recording (creates the file and its directory; takes the writer lock). */
  write?: boolean;
  retention?: Partial<Retention>;
  /** Groups kept per kind and sample (the rest summed in "other"); default 20. */
  top?: number;
  /** Group kinds to keep; default all. */
  kinds?: readonly GroupKind[];
  /** Environment for the message language. */
  env?: Record<string, string | undefined>;
}

const HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** A TcpstateError for an SQLite failure on `path`, its message catalogue data (said in the user's language where printed). */
export function storeError(path: string, e: unknown, _env?: Record<string, string | undefined>): Error {
  if ((e as { code?: string })?.code?.startsWith?.('ERR_')) return e as Error;
  const code = sqliteCode(e);
  const why = (e as Error)?.message ?? String(e);
  if (code === undefined) {
    const errno = (e as NodeJS.ErrnoException).code;
    if (errno === 'ENOSPC') return new TcpstateError('ERR_IO', say('diskFull', path));
    return e instanceof Error ? e : new Error(why);
  }
  if (code === 'SQLITE_NOTADB') return new TcpstateError('ERR_FORMAT', say('notSqlite', path));
  const reason = say('sqliteReason', code, why);
  if (code.startsWith('SQLITE_CORRUPT')) return new TcpstateError('ERR_FORMAT', say('corrupt', path, reason));
  if (code === 'SQLITE_FULL' || (code === 'SQLITE_IOERR_WRITE' && /full/i.test(why))) return new TcpstateError('ERR_IO', say('diskFull', path));
  if (code.startsWith('SQLITE_READONLY')) return new TcpstateError('ERR_IO', say('readOnly', path));
  if (code.startsWith('SQLITE_BUSY')) return new TcpstateError('ERR_IO', say('busy', path));
  if (code.startsWith('SQLITE_CANTOPEN')) return new TcpstateError('ERR_IO', say('cannotOpen', path, reason));
  return new TcpstateError('ERR_IO', say('writeFailed', path, reason));
}

/** Check the first bytes: a file that is not SQLite is refused before SQLite touches it. */
function checkHeader(path: string, env?: Record<string, string | undefined>): boolean {
  let fd: number;
  // The OS's reason in the user's words, with the file named (a directory: EISDIR from read, which names none).
  const cannotOpen = (e: unknown): TcpstateError => {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    return new TcpstateError('ERR_IO', say('cannotOpen', path, say('osReason', code, osReason(e) ?? String((e as Error)?.message ?? e))));
  };
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw cannotOpen(e);
  }
  try {
    const b = Buffer.alloc(16);
    let n: number;
    try {
      n = fs.readSync(fd, b, 0, 16, 0);
    } catch (e) {
      throw cannotOpen(e);
    }
    if (n === 0) return false;
    if (n < 16 || !b.equals(HEADER)) throw new TcpstateError('ERR_FORMAT', messages(env).notSqlite(path));
    return true;
  } finally {
    fs.closeSync(fd);
  }
}

export class HistoryStore {
  private lock: Database | undefined;
  private readonly insertSample: Statement | undefined;
  private readonly insertGroup: Statement | undefined;
  private readonly insertCounter: Statement | undefined;
  private readonly insertFinding: Statement | undefined;
  private readonly upsertRollup: Statement | undefined;
  private readonly addCounterMs: Statement | undefined;
  private readonly upsertCounterRollup: Statement | undefined;
  private readonly counterIds = new Map<string, number>();
  private readonly prevCounters = new Map<string, { t: number; counters: Map<string, number> }>();
  private readonly insertTransition: Statement | undefined;
  private lastRetention = 0;
  readonly retention: Retention;
  /** Samples written by this store. */
  written = 0;

  constructor(
    readonly db: Database,
    readonly path: string,
    private readonly opts: StoreOptions,
    lock?: Database,
  ) {
    this.lock = lock;
    this.retention = { ...DEFAULT_RETENTION, ...opts.retention };
    if (!opts.write) return;
    const cols = STATE_COLUMNS.map((s) => `"${s.col}"`).join(', ');
    const qs = STATE_COLUMNS.map(() => '?').join(', ');
    this.insertSample = db.prepare(
      `INSERT INTO samples(t, interval_ms, netns, source, scan_ms, counters_from, findings_checked, trans_from, trans_to, ${cols}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ${qs})`,
    );
    this.insertTransition = db.prepare('INSERT INTO transitions(sample, pair, count) VALUES (?, ?, ?)');
    this.insertGroup = db.prepare('INSERT INTO group_sets(sample, kind, data) VALUES (?, ?, ?)');
    this.insertCounter = db.prepare('INSERT INTO counters(sample, name, delta) VALUES (?, ?, ?)');
    this.insertFinding = db.prepare('INSERT INTO findings(sample, rule, severity, title) VALUES (?, ?, ?, ?)');
    this.upsertRollup = db.prepare(ROLLUP_UPSERT);
    this.addCounterMs = db.prepare('UPDATE rollups SET counter_ms = coalesce(counter_ms, 0) + ? WHERE step = ? AND netns = ? AND t = ?');
    this.upsertCounterRollup = db.prepare('INSERT INTO counter_rollups(step, netns, t, name, sum) VALUES (?, ?, ?, ?, ?) ON CONFLICT(step, netns, t, name) DO UPDATE SET sum = sum + excluded.sum');
    for (const r of db.prepare('SELECT id, name FROM counter_names').all()) this.counterIds.set(r['name'] as string, r['id'] as number);
  }

  private counterId(name: string): number {
    let id = this.counterIds.get(name);
    if (id === undefined) {
      id = Number(this.db.prepare('INSERT INTO counter_names(name) VALUES (?)').run(name).lastInsertRowid);
      this.counterIds.set(name, id);
    }
    return id;
  }

  /** One row in one transaction (with its groups, counters, findings and rollups), then retention when due. */
  writeRow(row: SampleRow): void {
    if (!this.insertSample) throw new TcpstateError('ERR_USAGE', say('openedForReading', this.path));
    try {
      this.db
        .transaction(() => {
          const counts = STATE_COLUMNS.map((s) => row.counts[s.code]!);
          const tr = row.transitions;
          const id = this.insertSample!.run(
            row.t,
            row.intervalMs,
            row.netns,
            row.source,
            Math.round(row.scanMs * 100) / 100,
            row.countersFrom ?? null,
            row.findingsChecked ? 1 : null,
            tr?.from ?? null,
            tr?.to ?? null,
            ...counts,
          ).lastInsertRowid;
          if (tr) for (const [pair, n] of tr.pairs) if (n > 0) this.insertTransition!.run(id, pair, n);
          GROUP_KINDS.forEach((kind, k) => {
            const gs = row.groups.filter((g) => g.kind === kind);
            if (gs.length) this.insertGroup!.run(id, k, packGroups(gs));
          });
          for (const [name, d] of row.counterDeltas) this.insertCounter!.run(id, this.counterId(name), d);
          for (const f of row.findings) this.insertFinding!.run(id, f.rule, f.severity, f.title);
          for (const step of ROLLUP_STEPS) {
            const bt = Math.floor(row.t / step) * step;
            this.upsertRollup!.run(step, row.netns, bt, ...counts.flatMap((c) => [c, c, c, c]));
            if (row.countersFrom === undefined) continue;
            this.addCounterMs!.run(row.t - row.countersFrom, step, row.netns, bt);
            for (const [name, d] of row.counterDeltas) this.upsertCounterRollup!.run(step, row.netns, bt, this.counterId(name), d);
          }
        })
        .immediate();
      this.written++;
      if (row.t - this.lastRetention >= MINUTE) {
        this.lastRetention = row.t;
        enforceRetention(this.db, row.t, this.retention);
      }
    } catch (e) {
      throw storeError(this.path, e, this.opts.env);
    }
  }

  /**
   * A sampler's sample, written as one row; the counters' deltas are from this store's
   * previous sample of that namespace; `transitions`: the changes counted since the last.
   */
  write(sample: Sample, o: { intervalMs: number; transitions?: TransitionWindow }): SampleRow {
    const key = sample.netns ?? '';
    const prev = this.prevCounters.get(key);
    const row = sampleRow(sample, {
      intervalMs: o.intervalMs,
      top: this.opts.top ?? 20,
      ...(prev ? { prevCounters: prev.counters, prevT: prev.t } : {}),
      ...(this.opts.kinds ? { kinds: this.opts.kinds } : {}),
    });
    if (o.transitions) row.transitions = o.transitions;
    if (sample.counters) this.prevCounters.set(key, { t: sample.takenAt, counters: tcpCounters(sample.counters) });
    this.writeRow(row);
    return row;
  }

  /** Keep a note in the file's meta table (what the recorder could not do, and why). */
  note(key: string, value: string | undefined): void {
    try {
      if (value === undefined) this.db.prepare('DELETE FROM meta WHERE key = ?').run(key);
      else this.db.prepare('INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)').run(key, value);
    } catch (e) {
      throw storeError(this.path, e, this.opts.env);
    }
  }

  /** Close the file (a writer checkpoints the WAL into it) and release the writer lock. */
  close(): void {
    try {
      if (this.db.open) {
        if (this.opts.write) {
          try {
            this.db.prepare("DELETE FROM meta WHERE key = 'writer_pid'").run();
          } catch {
            /* a full disk: the lock says more */
          }
          // A file left in rollback-journal mode opens read-only anywhere (a WAL file needs its
          // -shm, which a read-only file system cannot hold); the next writer sets WAL again.
          // Refused while a reader has it open: it then stays WAL, which is as safe.
          try {
            this.db.pragma('journal_mode = DELETE');
          } catch {
            /* busy or full */
          }
        }
        this.db.close();
      }
    } finally {
      if (this.lock?.open) this.lock.close();
      this.lock = undefined;
    }
  }
}

/** Take the writer lock: an exclusive transaction on PATH.lock held until close (or death). */
function takeLock(path: string, db: Database, env?: Record<string, string | undefined>): Database {
  const D = sqlite();
  const lockPath = `${path}.lock`;
  let lock: Database;
  try {
    lock = new D(lockPath, { timeout: 0 });
  } catch (e) {
    throw storeError(lockPath, e, env);
  }
  try {
    lock.pragma('journal_mode = DELETE');
    lock.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    lock.close();
    if (sqliteCode(e)?.startsWith('SQLITE_BUSY')) {
      let pid = '';
      try {
        pid = String(db.prepare("SELECT value FROM meta WHERE key = 'writer_pid'").get()?.['value'] ?? '');
      } catch {
        /* unknown */
      }
      throw new TcpstateError('ERR_IO', messages(env).locked(path, pid));
    }
    throw storeError(lockPath, e, env);
  }
  return lock;
}

/** Check the file is tcpstate history of a version this code reads. */
function check(db: Database, path: string, write: boolean, env?: Record<string, string | undefined>): void {
  const m = messages(env);
  const app = Number(db.pragma('application_id', { simple: true }));
  const version = Number(db.pragma('user_version', { simple: true }));
  const tables = Number(db.prepare('SELECT count(*) AS n FROM sqlite_master').get()?.['n']);
  if (app !== APPLICATION_ID && (tables > 0 || app !== 0)) throw new TcpstateError('ERR_FORMAT', m.foreign(path, app));
  if (version > SCHEMA_VERSION) throw new TcpstateError('ERR_FORMAT', m.newer(path, version, SCHEMA_VERSION));
  if (!write) {
    if (tables === 0) throw new TcpstateError('ERR_EMPTY', m.missing(path));
  }
}

/** Bring a writable file up to {@link SCHEMA_VERSION} (WAL, full sync). */
function migrate(db: Database, path: string, env?: Record<string, string | undefined>): void {
  const m = messages(env);
  const version = Number(db.pragma('user_version', { simple: true }));
  const tables = Number(db.prepare('SELECT count(*) AS n FROM sqlite_master').get()?.['n']);
  if (tables === 0) db.pragma('auto_vacuum = INCREMENTAL');
  if (String(db.pragma('journal_mode = WAL', { simple: true })) !== 'wal') throw new TcpstateError('ERR_IO', m.writeFailed(path, 'WAL journal refused'));
  db.pragma('synchronous = FULL');
  for (let v = version; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      MIGRATION_CODE[v]?.(db);
      db.pragma(`user_version = ${v + 1}`);
      if (v === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
    }).immediate();
  }
}

/** Open (for writing: create) the history file at `path`. */
export function openStore(path: string, opts: StoreOptions = {}): HistoryStore {
  const env = opts.env;
  const exists = checkHeader(path, env);
  if (!opts.write && !exists) {
    if (!fs.existsSync(path)) throw new TcpstateError('ERR_IO', messages(env).missing(path));
  }
  const D = sqlite();
  let db: Database;
  let lock: Database | undefined;
  try {
    if (opts.write) fs.mkdirSync(path.replace(/\/[^/]*$/, '') || '/', { recursive: true });
    db = openDb(D, path, Boolean(opts.write));
  } catch (e) {
    throw storeError(path, e, env);
  }
  try {
    check(db, path, Boolean(opts.write), env);
    if (opts.write) {
      lock = takeLock(path, db, env);
      migrate(db, path, env);
    }
    if (opts.write) db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('writer_pid', ?)").run(String(process.pid));
    return new HistoryStore(db, path, opts, lock);
  } catch (e) {
    try {
      db.close();
    } catch {
      /* closing */
    }
    try {
      lock?.close();
    } catch {
      /* closing */
    }
    throw storeError(path, e, env);
  }
}

/** Largest WAL-mode file read into memory when its directory cannot hold the -shm file. */
const MAX_IN_MEMORY = 512 * 1024 * 1024;

function openDb(D: ReturnType<typeof sqlite>, path: string, write: boolean): Database {
  if (write) return new D(path, { timeout: 5000 });
  let db: Database | undefined;
  try {
    db = new D(path, { readonly: true, fileMustExist: true, timeout: 5000 });
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (e) {
    try {
      db?.close();
    } catch {
      /* closing */
    }
    // A WAL-mode file (its writer was killed, or a reader kept it in WAL) on a read-only file
    // system: SQLite cannot create the -shm it needs. Read it whole instead when there is no
    // -wal holding samples not yet in the file, and it is not too large.
    if (sqliteCode(e) !== 'SQLITE_CANTOPEN' || fs.existsSync(`${path}-wal`)) throw e;
    const size = fs.statSync(path).size;
    if (size > MAX_IN_MEMORY) throw e;
    const Buf = D as unknown as new (b: Buffer, o?: object) => Database;
    const bytes = fs.readFileSync(path);
    // Header bytes 18 and 19 say WAL (2); with no -wal the file is whole as a rollback-journal file (1).
    if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) {
      bytes[18] = 1;
      bytes[19] = 1;
    }
    return new Buf(bytes, { readonly: true });
  }
}

export { HOUR, MINUTE };

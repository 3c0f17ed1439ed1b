/**
 * better-sqlite3 (12.x), loaded only when a history command or the store needs it, through
 * `require` so the command bundles keep it external (its native addon resolves from
 * node_modules). The few types tcpstate uses are declared here.
 * @module
 */
import { createRequire } from 'node:module';
import { say } from '../i18n/history.js';
import { TcpstateError } from '../model/errors.js';

export interface Statement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): Record<string, unknown> | undefined;
  all(...params: unknown[]): Record<string, unknown>[];
  iterate(...params: unknown[]): IterableIterator<Record<string, unknown>>;
  raw(on?: boolean): Statement;
}

export interface Database {
  prepare(sql: string): Statement;
  exec(sql: string): void;
  pragma(sql: string, opts?: { simple?: boolean }): unknown;
  transaction<A extends unknown[], R>(fn: (...a: A) => R): ((...a: A) => R) & { immediate: (...a: A) => R };
  close(): void;
  readonly open: boolean;
  readonly readonly: boolean;
}

export interface DatabaseOptions {
  readonly?: boolean;
  fileMustExist?: boolean;
  /** Busy timeout, ms. */
  timeout?: number;
}

type Ctor = new (path: string, opts?: DatabaseOptions) => Database;
let ctor: Ctor | undefined;

/** The Database class; ERR_NATIVE when better-sqlite3 is not installed or its addon not built. */
export function sqlite(): Ctor {
  if (ctor) return ctor;
  try {
    ctor = createRequire(import.meta.url)('better-sqlite3') as Ctor;
  } catch (e) {
    throw new TcpstateError('ERR_NATIVE', say('needsSqlite', (e as Error).message.split('\n')[0]!));
  }
  return ctor;
}

/** An SQLite error's code (`SQLITE_BUSY`, ...), or undefined for other errors. */
export function sqliteCode(e: unknown): string | undefined {
  const c = (e as { code?: unknown })?.code;
  return typeof c === 'string' && c.startsWith('SQLITE_') ? c : undefined;
}

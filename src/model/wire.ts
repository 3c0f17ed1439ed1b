/**
 * Errors and warnings as plain data, to cross from a worker thread to the one that prints
 * them: a {@link TcpstateError}'s code, English message, location and catalogue data, and
 * a warning's catalogue data (`said`, not enumerable on a {@link Warning}, so structured
 * clone drops it). Made back on the receiving side, they say themselves in the user's
 * language there as they would have in the worker, provided that thread has loaded their
 * domains (a domain not loaded renders in English): the receivers import them.
 * @module
 */
import type { Said } from '../i18n/catalogue.js';
import { type ErrorCode, isTcpstateError, type Location, TcpstateError } from './errors.js';
import { type Warning, type WarningCode, warning } from './warnings.js';

/** A thrown error as data: a TcpstateError's parts, anything else as ERR_IO with its message. */
export interface WireErrorData {
  code: string;
  message: string;
  where: Location;
  said?: Said;
}

/** A warning as data, its catalogue data enumerable. */
export interface WireWarning {
  code: WarningCode;
  message: string;
  where: Location;
  said?: Said;
  more?: number;
}

/** `e` as data for another thread. */
export function errorToWire(e: unknown): WireErrorData {
  if (isTcpstateError(e)) return { code: e.code, message: e.message, where: { ...e.where }, ...(e.said ? { said: e.said } : {}) };
  return { code: 'ERR_IO', message: (e as Error)?.message ?? String(e), where: {} };
}

/** The TcpstateError a worker threw, as it threw it. */
export function errorFromWire(d: WireErrorData): TcpstateError {
  return new TcpstateError(d.code as ErrorCode, d.said ?? d.message, d.where);
}

/** Warnings as data for another thread, each with its catalogue data. */
export function warningsToWire(list: readonly Warning[]): WireWarning[] {
  return list.map((w) => ({ code: w.code, message: w.message, where: w.where, ...(w.said ? { said: w.said } : {}), ...(w.more === undefined ? {} : { more: w.more }) }));
}

/** Warnings a worker sent, made again: JSON keeps `{code, message, where}`, the text says itself in the user's language. */
export function warningsFromWire(list: readonly WireWarning[]): Warning[] {
  return list.map((w) => warning(w.code, w.said ?? w.message, w.where, w.more));
}

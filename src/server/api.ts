/**
 * The JSON API's query parameters: each endpoint's allowed names, parsed strictly. A bad
 * query is a {@link QueryError} naming the parameter and the token, answered with 400.
 * @module
 */
import { isTcpstateError } from '../model/errors.js';
import { EN } from '../i18n/serve.js';

/** Longest query string accepted. */
export const MAX_QUERY_BYTES = 4096;

export class QueryError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly parameter?: string,
    readonly token?: string,
  ) {
    super(message);
  }

  body(): object {
    return { error: { code: this.code, message: this.message, ...(this.parameter === undefined ? {} : { parameter: this.parameter }), ...(this.token === undefined ? {} : { token: this.token }) } };
  }
}

/** The query's parameters, each at most once, only those `allowed`. */
export function parseQuery(search: string, allowed: readonly string[]): Map<string, string> {
  if (search.length > MAX_QUERY_BYTES) throw new QueryError(414, 'ERR_QUERY', EN.queryTooLong(MAX_QUERY_BYTES));
  const out = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(search)) {
    if (!allowed.includes(k)) throw new QueryError(400, 'ERR_QUERY', EN.unknownParameter(k, allowed), k, k);
    if (out.has(k)) throw new QueryError(400, 'ERR_QUERY', EN.repeatedParameter(k), k, v);
    out.set(k, v);
  }
  return out;
}

export function intParam(q: Map<string, string>, name: string, dflt: number, max: number): number {
  const v = q.get(name);
  if (v === undefined) return dflt;
  if (!/^\d{1,9}$/.test(v) || Number(v) > max) throw new QueryError(400, 'ERR_QUERY', EN.badNumber(name, v, max), name, v);
  return Number(v);
}

export function boolParam(q: Map<string, string>, name: string): boolean {
  const v = q.get(name);
  if (v === undefined || v === '0' || v === 'false') return false;
  if (v === '' || v === '1' || v === 'true') return true;
  throw new QueryError(400, 'ERR_QUERY', `"${name}" takes true or false, got "${v}"`, name, v);
}

/**
 * A TcpstateError from a document builder (filter, by) as a 400 naming its parameter and,
 * for a filter, the token at the error's position.
 */
export function asQueryError(e: unknown, q: Map<string, string>): QueryError | undefined {
  if (!isTcpstateError(e)) return undefined;
  if (e.code !== 'ERR_USAGE' && e.code !== 'ERR_FILTER' && e.code !== 'ERR_STATE') return undefined;
  const parameter = e.where.field;
  let token: string | undefined;
  if (parameter === 'filter') {
    const words = (q.get('filter') ?? '').split(/\s+/).filter(Boolean);
    token = e.where.position !== undefined ? words[e.where.position - 1] : undefined;
  } else if (parameter !== undefined) {
    token = q.get(parameter);
  }
  return new QueryError(400, e.code, e.message, parameter, token);
}

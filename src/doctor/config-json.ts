/**
 * Strict JSON (RFC 8259) for config files, where JSON.parse falls short: errors give line and
 * column and the key path; a number too large for a double says so instead of becoming
 * Infinity (which JSON.stringify prints as null); a key given twice is an error, not the last
 * one silently winning; objects have no prototype, so `__proto__` or `constructor` are keys
 * like any other; nesting is bounded. Quoted input in messages is cut short.
 * @module
 */
import type { Said } from '../i18n/catalogue.js';
import { say } from '../i18n/doctor.js';
import { say as edge } from '../i18n/edge.js';
import { TcpstateError } from '../model/errors.js';

export type Json = null | boolean | number | string | Json[] | JsonObject;
/** An object parsed from JSON: own keys only, no prototype. */
export type JsonObject = { [key: string]: Json };

/** Deeper than any config needs; bounds the recursion. */
const MAX_DEPTH = 32;

/**
 * A word of input in quotes for a message (`"text"`, JSON-escaped); longer than `max`, its
 * head with the one cut marker every message uses (`"head…" (N characters)`, said in the
 * user's language: src/i18n/edge.ts), as errors.ts's capExcerpts cuts long excerpts.
 */
export function quoted(s: string, max = 32): string | Said {
  if (s.length <= max) return JSON.stringify(s);
  return edge('quoted', JSON.stringify(s.slice(0, max)).slice(1, -1), s.length);
}

/** A word of input unquoted (a number as written) for a message, cut as {@link quoted} cuts. */
export function excerpt(s: string, max = 32): string | Said {
  return s.length > max ? edge('excerpt', s.slice(0, max), s.length) : s;
}

/** A key of input in a field path (`rule.key`, no words to translate): cut to `max` characters and an ellipsis. */
export function keyExcerpt(s: string, max = 32): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** A JSON value as a message shows it: `"text"`, `12`, `an object`. */
export function describeJson(v: Json): string | Said {
  if (v === null || typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'string') return quoted(v);
  return Array.isArray(v) ? say('jsonArray') : say('jsonObject');
}

export interface ParsedJson {
  value: Json;
  /** 1-based line where `key` of `obj` was written. */
  lineOf(obj: JsonObject, key: string): number | undefined;
}

/** Parse `text` (a leading byte-order mark is skipped). @throws TcpstateError ERR_PARSE with line, column and key path. */
export function parseJson(text: string, file: string): ParsedJson {
  const lines = new WeakMap<JsonObject, Map<string, number>>();
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let pos = 0;
  // Line ends occur only between tokens (a raw one in a string is an error), so the line and
  // where it starts are kept as whitespace is skipped: every position reported is on this line.
  let line = 1;
  let lineStart = 0;
  const path: string[] = [];

  const fail = (what: Said, at = pos): never => {
    throw new TcpstateError('ERR_PARSE', say('jsonAt', at - lineStart + 1, what), { file, line, ...(path.length ? { field: path.join('.') } : {}) });
  };
  const found = (): string | Said => (pos >= src.length ? say('jsonFileEnd') : JSON.stringify(src[pos]));
  const space = (): void => {
    for (;;) {
      const c = src.charCodeAt(pos);
      if (c === 10) {
        line++;
        lineStart = ++pos;
      } else if (c === 32 || c === 9 || c === 13) pos++;
      else return;
    }
  };

  const string = (): string => {
    const start = pos++;
    let out = '';
    for (;;) {
      const c = src.charCodeAt(pos);
      if (pos >= src.length) fail(say('jsonUnterminated'), start);
      if (c === 34) {
        pos++;
        return out;
      }
      if (c < 0x20) fail(say('jsonControl'));
      if (c !== 92) {
        out += src[pos++];
        continue;
      }
      const e = src[pos + 1];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e !== undefined && Object.hasOwn(simple, e)) {
        out += simple[e];
        pos += 2;
        continue;
      }
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(pos + 2, pos + 6))) {
        out += String.fromCharCode(parseInt(src.slice(pos + 2, pos + 6), 16));
        pos += 6;
        continue;
      }
      fail(say('jsonEscape', JSON.stringify(src.slice(pos, pos + 6))));
    }
  };

  const number = (): number => {
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = pos;
    const hit = m.exec(src);
    if (!hit) fail(say('jsonExpectedValue', found()));
    const lit = hit![0];
    const n = Number(lit);
    if (!Number.isFinite(n)) fail(say('jsonTooLarge', excerpt(lit, 24), n));
    pos += lit.length;
    return n;
  };

  const value = (depth: number): Json => {
    space();
    const c = src[pos];
    if (c === '{') return object(depth + 1);
    if (c === '[') return array(depth + 1);
    if (c === '"') return string();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (src.startsWith(word, pos)) {
        pos += word.length;
        return v;
      }
    }
    return number();
  };

  const object = (depth: number): JsonObject => {
    if (depth > MAX_DEPTH) fail(say('jsonDeep', MAX_DEPTH));
    const out = Object.create(null) as JsonObject;
    const keyLines = new Map<string, number>();
    lines.set(out, keyLines);
    pos++;
    space();
    if (src[pos] === '}') {
      pos++;
      return out;
    }
    for (;;) {
      space();
      if (src[pos] !== '"') fail(say('jsonKeyQuotes', found()));
      const at = pos;
      const key = string();
      if (keyLines.has(key)) fail(say('jsonKeyTwice', quoted(key)), at);
      keyLines.set(key, line);
      space();
      if (src[pos] !== ':') fail(say('jsonColon', found()));
      pos++;
      path.push(keyExcerpt(key));
      out[key] = value(depth);
      path.pop();
      space();
      if (src[pos] === ',') {
        pos++;
        continue;
      }
      if (src[pos] === '}') {
        pos++;
        return out;
      }
      fail(say('jsonObjectEnd', found()));
    }
  };

  const array = (depth: number): Json[] => {
    if (depth > MAX_DEPTH) fail(say('jsonDeep', MAX_DEPTH));
    const out: Json[] = [];
    pos++;
    space();
    if (src[pos] === ']') {
      pos++;
      return out;
    }
    for (;;) {
      path.push(String(out.length));
      out.push(value(depth));
      path.pop();
      space();
      if (src[pos] === ',') {
        pos++;
        continue;
      }
      if (src[pos] === ']') {
        pos++;
        return out;
      }
      fail(say('jsonArrayEnd', found()));
    }
  };

  if (src.trim() === '') fail(say('jsonEmpty'), 0);
  const v = value(0);
  space();
  if (pos < src.length) fail(say('jsonAfterValue', found()));
  return { value: v, lineOf: (obj, key) => lines.get(obj)?.get(key) };
}

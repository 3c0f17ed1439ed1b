/**
 * Thresholds: each rule declares its own with defaults and a sentence of meaning; a JSON
 * config file (`--config FILE`) overrides some of them. docs/doctor.md shows the table
 * {@link thresholdDocs} renders from the same declarations, so defaults live only in code.
 * @module
 */
import { say } from '../i18n/doctor.js';
import { TcpstateError } from '../model/errors.js';
import { readAtMost } from '../sources/small-file.js';
import { describeJson, type JsonObject, keyExcerpt, parseJson, quoted } from './config-json.js';

export interface ThresholdSpec {
  default: number;
  /** Unit as shown in the docs (`sockets`, `per second`, `ratio 0..1`). */
  unit: string;
  doc: string;
}

export type ThresholdSpecs = Readonly<Record<string, ThresholdSpec>>;
export type Thresholds = Readonly<Record<string, number>>;

/** A rule's defaults. */
export function defaultThresholds(specs: ThresholdSpecs): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, s] of Object.entries(specs)) out[k] = s.default;
  return out;
}

/** Config files above this are refused: a threshold file is a few hundred bytes. */
export const MAX_CONFIG_BYTES = 1 << 20;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parse a config file: `{ "RULE-ID": { "KEY": number, ... }, ... }`. Unknown rule ids and
 * keys (own keys of the declarations only: not `__proto__`, `constructor`, `toString`), and
 * values that are not finite numbers of 0 or more, are ERR_PARSE naming the line and key path;
 * so are JSON errors (line and column) and keys given twice. A UTF-8 byte-order mark is skipped.
 * @returns thresholds per rule id, defaults filled in.
 */
export function parseThresholdConfig(text: string, file: string, specs: Readonly<Record<string, ThresholdSpecs>>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [id, s] of Object.entries(specs)) out[id] = defaultThresholds(s);
  const { value: doc, lineOf } = parseJson(text, file);
  if (!isObject(doc)) {
    throw new TcpstateError('ERR_PARSE', say('configNotObject', describeJson(doc)), { file });
  }
  const at = (obj: JsonObject, key: string, field: string) => ({ file, line: lineOf(obj, key), field });
  for (const id of Object.keys(doc)) {
    if (id === '$schema' || id === '//') continue;
    const v = doc[id]!;
    if (!Object.hasOwn(specs, id)) throw new TcpstateError('ERR_PARSE', say('configUnknownRule', quoted(id), Object.keys(specs).join(', ')), at(doc, id, keyExcerpt(id)));
    const ruleSpecs = specs[id]!;
    if (!isObject(v)) throw new TcpstateError('ERR_PARSE', say('configNotThresholds', describeJson(v)), at(doc, id, id));
    for (const k of Object.keys(v)) {
      const field = `${id}.${keyExcerpt(k)}`;
      if (!Object.hasOwn(ruleSpecs, k)) throw new TcpstateError('ERR_PARSE', say('configUnknownThreshold', id, Object.keys(ruleSpecs).join(', ')), at(v, k, field));
      const n = v[k]!;
      if (typeof n !== 'number' || n < 0) throw new TcpstateError('ERR_PARSE', say('configNotNumber', describeJson(n)), at(v, k, field));
      out[id]![k] = n;
    }
  }
  return out;
}

/**
 * Read and parse a config file, at most {@link MAX_CONFIG_BYTES} of it (`/dev/zero` must not
 * grow memory without end).
 * @throws TcpstateError ERR_IO when it cannot be read; ERR_PARSE when too large, not UTF-8 or bad.
 */
export function readThresholdConfig(file: string, specs: Readonly<Record<string, ThresholdSpecs>>): Record<string, Record<string, number>> {
  const io = (e: unknown): TcpstateError => {
    const code = (e as NodeJS.ErrnoException).code;
    return new TcpstateError('ERR_IO', say('configUnreadable', file, code === 'EISDIR' ? say('configDirectory') : (code ?? (e as Error).message)), { file });
  };
  let h: { bytes: Buffer; more: boolean };
  try {
    h = readAtMost(file, MAX_CONFIG_BYTES);
  } catch (e) {
    throw io(e);
  }
  if (h.more) {
    throw new TcpstateError('ERR_PARSE', say('configTooLarge', MAX_CONFIG_BYTES >> 20), { file, offset: MAX_CONFIG_BYTES });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(h.bytes);
  } catch {
    throw new TcpstateError('ERR_PARSE', say('configNotUtf8'), { file });
  }
  return parseThresholdConfig(text, file, specs);
}

/** The defaults as a config file, every rule and key (what `doctor --print-config` prints). */
export function defaultConfig(specs: Readonly<Record<string, ThresholdSpecs>>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [id, s] of Object.entries(specs)) out[id] = defaultThresholds(s);
  return out;
}

/** Markdown table of every threshold with its default, unit and meaning. */
export function thresholdDocs(specs: Readonly<Record<string, ThresholdSpecs>>): string {
  const rows = ['| rule | key | default | unit | meaning |', '| --- | --- | ---: | --- | --- |'];
  for (const [id, s] of Object.entries(specs)) {
    for (const [k, t] of Object.entries(s)) rows.push(`| \`${id}\` | \`${k}\` | ${t.default} | ${t.unit} | ${t.doc} |`);
  }
  return rows.join('\n') + '\n';
}

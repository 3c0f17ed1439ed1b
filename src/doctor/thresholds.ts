/**
 * Thresholds: each rule declares its own with defaults and a sentence of meaning; a JSON
 * config file (`--config FILE`) overrides some of them. docs/doctor.md shows the table
 * {@link thresholdDocs} renders from the same declarations, so defaults live only in code.
 * @module
 */
import { TcpstateError } from '../model/errors.js';

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

/**
 * Parse a config file: `{ "RULE-ID": { "KEY": number, ... }, ... }`. Unknown rule ids and
 * keys, and values that are not non-negative numbers, are ERR_PARSE naming the field.
 * @returns thresholds per rule id, defaults filled in.
 */
export function parseThresholdConfig(text: string, file: string, specs: Readonly<Record<string, ThresholdSpecs>>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [id, s] of Object.entries(specs)) out[id] = defaultThresholds(s);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new TcpstateError('ERR_PARSE', `not JSON: ${(e as Error).message}`, { file });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new TcpstateError('ERR_PARSE', 'expected an object of rule ids, e.g. {"close-wait-leak": {"warnCount": 10}}', { file });
  }
  for (const [id, v] of Object.entries(doc as Record<string, unknown>)) {
    if (id === '$schema' || id === '//') continue;
    const ruleSpecs = specs[id];
    if (!ruleSpecs) throw new TcpstateError('ERR_PARSE', `unknown rule "${id}"; rules: ${Object.keys(specs).join(', ')}`, { file, field: id });
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TcpstateError('ERR_PARSE', 'expected an object of thresholds', { file, field: id });
    for (const [k, n] of Object.entries(v as Record<string, unknown>)) {
      if (!(k in ruleSpecs)) throw new TcpstateError('ERR_PARSE', `unknown threshold; "${id}" has ${Object.keys(ruleSpecs).join(', ')}`, { file, field: `${id}.${k}` });
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) throw new TcpstateError('ERR_PARSE', `expected a number of 0 or more, got ${JSON.stringify(n)}`, { file, field: `${id}.${k}` });
      out[id]![k] = n;
    }
  }
  return out;
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

/**
 * The options the reports take, named by their keys (`by`, `top`, `filter`, `sort`,
 * `processes`) in errors and suggestions. A caller with other names for them passes its own
 * ({@link OptionNames}): the CLI its flags (`--by`, `-p`), serve's API nothing (the keys are
 * its query parameters).
 * @module
 */
import { TcpstateError } from '../model/errors.js';
import { parseFilter, type RowPredicate, selector } from '../model/filter.js';
import { ALL_MASK } from '../model/state.js';

export type OptionKey = 'by' | 'top' | 'filter' | 'sort' | 'processes';

/** What a caller calls each option in its errors; a key left out is called by its key. */
export type OptionNames = Partial<Record<OptionKey, string>>;

/** The name of option `key` for `names`' caller. */
export function optionName(names: OptionNames | undefined, key: OptionKey): string {
  return names?.[key] ?? key;
}

/** `NAME VALUE` as the caller writes it: `--by KEY` for a flag, `by=KEY` for a key. */
export function optionUse(names: OptionNames | undefined, key: OptionKey, value: string): string {
  const n = optionName(names, key);
  return n.startsWith('-') ? `${n} ${value}` : `${n}=${value}`;
}

/** A filter in ss's language as one string: its words, the row predicate, whether it looks at states only. */
export interface FilterOption {
  words: string[];
  keep: RowPredicate | undefined;
  /** The filter names states and nothing else (a source's row-free count can answer it). */
  statesOnly: boolean;
}

/** Parse `text` (ss's filter language); an error names the option `filter` (or the caller's name for it) and the word's position. */
export function filterOption(text: string | undefined, names?: OptionNames): FilterOption {
  const words = text === undefined ? [] : text.split(/\s+/).filter(Boolean);
  if (words.length === 0) return { words, keep: undefined, statesOnly: true };
  try {
    const f = parseFilter(words);
    return { words, keep: selector(f.states ?? ALL_MASK, f.expr), statesOnly: !f.expr };
  } catch (e) {
    const t = e as TcpstateError;
    const pos = t.where?.position;
    throw new TcpstateError(t.code ?? 'ERR_FILTER', t.message, { field: optionName(names, 'filter'), ...(pos === undefined ? {} : { position: pos }) });
  }
}

/**
 * Warnings: problems that did not stop reading, kept as typed data and never silently
 * dropped, but bounded. Every warning has a code from one closed list ({@link WarningCode});
 * a {@link Warnings} collector keeps the first few of each code with their locations and
 * counts the rest, so a capture or a table with one systematic problem on 400 000 rows
 * gives ten warnings and one "and 399,990 more like this", not 400 000 objects.
 * @module
 */
import { isSaid, type Lang, type Said, say } from '../i18n/catalogue.js';
import { say as edge } from '../i18n/edge.js';
import { escapeControls, type Location } from './errors.js';

/**
 * Every warning code, each with what it means. A new warning adds its code here (the
 * union is closed: a misspelt code does not compile).
 */
export const WARNING_CODES = {
  W_UNKNOWN_STATE: 'a state tcpstate does not know, counted as UNKNOWN',
  W_DUMP_INTR: 'the socket table changed during a netlink dump (NLM_F_DUMP_INTR)',
  W_DUPLICATE: 'a socket seen twice in one read of a changing table, counted once',
  W_DUPLICATE_STATE: 'a state counted twice in one captured tally, the counts added',
  W_EMPTY_INPUT: 'an empty input, counted as no sockets',
  W_ENCODING: 'bytes that are not UTF-8 in a text capture',
  W_FILE_ABSENT: 'a /proc/net file absent from a proc root: its sockets not read',
  W_FILE_EMPTY: 'a /proc/net file empty, without its header: its sockets not read',
  W_FORGOTTEN: 'sockets or connections `trace` forgot to keep memory bounded',
  W_LONG_COMM: 'a process name longer than the kernel keeps (an altered proc tree)',
  W_LOST_EVENTS: 'state changes lost: the kernel ring buffer was full',
  W_NAMES: 'addresses or ports captured as names, not numbers',
  W_NOT_RECORDED: 'families or protocols a netlink recording has no dump of',
  W_NO_LINE_END: 'a text capture whose last line has no line end',
  W_NO_OWNERS: 'socket owners that could not be read',
  W_SAME_HOST: 'a second capture of the same host in one file',
  W_RESOLVE_FILE: 'a hosts or services file `--resolve` could not read whole: numbers kept',
  W_RESOLVE_TIMEOUT: 'addresses `--resolve` could not name in time: shown as numbers',
  W_SKIPPED_LINE: 'a line of a text capture not in its format, skipped',
  W_STATE: 'a Prometheus series whose state label is not a TCP state',
  W_SYSCTL_INVALID: 'a sysctl value the kernel would not accept',
  W_UNRECOGNIZED: 'lines of a text capture in no known format, skipped',
  W_PCAP_TRUNCATED: 'a packet capture that ends inside a record',
  W_PCAP_LINK_TYPE: 'frames of a link type tcpstate does not decode',
  W_PCAP_HEADER_CUT: 'frames cut by the snap length before the end of their TCP header',
  W_PCAP_MALFORMED: 'frames whose IP or TCP header fields contradict each other',
  W_PCAP_FRAGMENT: 'IP fragments of TCP segments (not reassembled)',
} as const;

export type WarningCode = keyof typeof WARNING_CODES;

/** A problem that did not stop reading: kept, reported, never silently dropped. */
export interface Warning {
  code: WarningCode;
  /** In English (JSON, logs); {@link Warning.said} says it in the user's language. */
  message: string;
  where: Location;
  /**
   * The message as catalogue data, when the catalogue has it: not enumerable, so JSON
   * documents keep `{code, message, where}`; structured clone drops it, so workers send
   * warnings in their wire form (src/model/wire.ts).
   */
  readonly said?: Said;
  /**
   * Only on the summary that closes a code's overflow: how many more warnings of this code
   * there were beyond the ones kept (`where` is the first of them).
   */
  more?: number;
}

/** Where readers add warnings: a {@link Warnings}, or an adapter that relocates them first. */
export interface WarningSink {
  add(code: WarningCode, message: string | Said, where: Location): void;
  /** How many warnings of a code were added (kept or counted). */
  count(code: WarningCode): number;
}

/** A warning whose message may be catalogue data (kept beside its English text, not enumerable). */
export function warning(code: WarningCode, message: string | Said, where: Location, more?: number): Warning {
  const w: Warning = typeof message === 'string' ? { code, message, where } : { code, message: message.text, where };
  if (more !== undefined) w.more = more;
  if (typeof message !== 'string') Object.defineProperty(w, 'said', { value: message, enumerable: false });
  return w;
}

/**
 * A notice: how an answer was got (a fallback source, owners of other users hidden), said
 * once to the user, not a problem with the answer. Catalogue data where the catalogue has
 * it (plain data: it crosses worker threads as it is), else English text.
 */
export type Notice = string | Said;

/** A notice as printed: in `lang` (English for JSON and logs), control characters made visible. */
export function noticeText(n: Notice, lang: Lang = 'en'): string {
  return escapeControls(say(n, lang));
}

/** Notices without repeats (the same English text once). */
export function uniqueNotices(list: Iterable<Notice>): Notice[] {
  const seen = new Map<string, Notice>();
  for (const n of list) if (!seen.has(noticeText(n))) seen.set(noticeText(n), n);
  return [...seen.values()];
}

/** Warnings kept in full per code by default. */
export const PER_CODE = 10;

/** `n` with thousands separators, as the summaries print it (41,203). */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

/**
 * The one warnings collector: `add` keeps the first `perCode` warnings of each code with
 * their locations and counts the rest; `list()` gives the kept ones and, per code that
 * overflowed, one summary carrying the count (`more`). Memory is bounded by the number of
 * codes, whatever the number of bad rows.
 */
export class Warnings implements WarningSink {
  private readonly kept: Warning[] = [];
  private readonly counts = new Map<WarningCode, number>();
  private readonly firstExtra = new Map<WarningCode, Location>();

  constructor(private readonly perCode = PER_CODE) {}

  add(code: WarningCode, message: string | Said, where: Location): void {
    const n = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, n);
    if (n <= this.perCode) this.kept.push(warning(code, message, where));
    else if (n === this.perCode + 1) this.firstExtra.set(code, where);
  }

  /**
   * Add warnings made elsewhere; a summary among them (`more`) adds its count, so lists
   * capped by another collector merge without losing what they counted.
   */
  addAll(list: readonly Warning[]): this {
    for (const w of list) {
      if (w.more === undefined) {
        this.add(w.code, isSaid(w.said) ? w.said : w.message, w.where);
        continue;
      }
      if (!this.firstExtra.has(w.code)) this.firstExtra.set(w.code, w.where);
      this.counts.set(w.code, (this.counts.get(w.code) ?? 0) + w.more);
    }
    return this;
  }

  /** How many warnings of a code were added (kept or counted). */
  count(code: WarningCode): number {
    return this.counts.get(code) ?? 0;
  }

  /** How many warnings were added, all codes. */
  get total(): number {
    let n = 0;
    for (const k of this.counts.values()) n += k;
    return n;
  }

  /** The kept warnings, then one summary per code that overflowed. */
  list(): Warning[] {
    const out = [...this.kept];
    for (const [code, n] of this.counts) {
      const kept = this.kept.reduce((k, w) => k + (w.code === code ? 1 : 0), 0);
      if (n <= kept) continue;
      const more = n - kept;
      out.push(warning(code, edge('more', grouped(more), grouped(n), code), this.firstExtra.get(code) ?? {}, more));
    }
    return out;
  }
}

/** `warnings` capped per code (see {@link Warnings}). */
export function capWarnings(warnings: readonly Warning[], perCode = PER_CODE): Warning[] {
  return new Warnings(perCode).addAll(warnings).list();
}

/**
 * Bytes of a captured text → normalized lines, pushed in pieces of any size and read in
 * bounded memory. Captures arrive pasted from web pages, tickets and Windows consoles, so
 * this is where their noise is removed, once, before any parser sees a line:
 *
 * - UTF-8 (with or without BOM), UTF-16LE/BE with a BOM or with the zero bytes that give
 *   UTF-16 away (Windows PowerShell's `>` writes UTF-16LE);
 * - CRLF and lone CR line ends;
 * - no-break and other Unicode spaces (U+00A0, U+2000..U+200B, U+3000) → ASCII space,
 *   tabs kept (ss marks continuation lines with one);
 * - curly quotes (‘ ’ “ ”) → straight quotes, so `awk ‘/^tcp/...‘` reads as typed;
 * - bytes that are not UTF-8 become U+FFFD with a warning naming the line.
 *
 * A NUL byte in what should be text (a pcap, a core file) is an ERR_FORMAT, not a guess; a
 * line longer than {@link MAX_LINE} bytes is an ERR_PARSE naming its line and byte offset
 * (`/dev/zero`, a file whose line ends were lost), never a string that grows without bound.
 *
 * UTF-8 is split into lines at the byte level (a line end byte is never inside a multi-byte
 * character), so only whole lines are decoded; UTF-16 is decoded by a streaming decoder
 * (pairs and code units split between pieces are joined) and split as text.
 * @module
 */
import { isAscii } from 'node:buffer';
import { TcpstateError } from '../../model/errors.js';
import type { WarningSink } from './common.js';
import { type ByteRun, newByteRun } from './fast.js';
import { say as c } from '../../i18n/captures.js';

/** How many bytes are inspected for NULs and UTF-16. */
const SNIFF = 8192;
/** Bytes decoded at a time: input pushed whole is cut into pieces this size. */
export const DECODE_BYTES = 1 << 20;
/** The longest line read, in bytes (UTF-16: two per code unit). */
export const MAX_LINE = 1 << 20;

function looksUtf16(b: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(b.length, 256) & ~1;
  if (n < 4) return undefined;
  let zeroOdd = 0;
  let zeroEven = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) zeroEven++;
    if (b[i + 1] === 0) zeroOdd++;
  }
  const half = n / 2;
  if (zeroOdd > half * 0.9 && zeroEven === 0) return 'utf-16le';
  if (zeroEven > half * 0.9 && zeroOdd === 0) return 'utf-16be';
  return undefined;
}

const SPACES = /[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]/g;
const HAS_SPACE = /[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]/;
const QUOTES: Record<string, string> = { '\u2018': "'", '\u2019': "'", '\u201a': "'", '\u201b': "'", '\u201c': '"', '\u201d': '"', '\u201e': '"', '\u2032': "'", '\u00b4': "'" };
const QUOTE_RE = /[\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u2032\u00b4]/g;
const HAS_QUOTE = /[\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u2032\u00b4]/;
/** Any character a line may need normalizing for: tested once per decoded piece. */
const NEEDS_WORK = /[\u0000\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u2032\u00b4\ufffd]/;

/** Receives line n (1-based) of the capture, normalized. */
export type LineSink = (line: string, n: number) => void;

/**
 * Takes whole lines at byte level before they are decoded (fast.ts): advances `run.pos` and
 * counts `run.lines`; false when it can take none now.
 */
export type ByteSink = (run: ByteRun) => boolean;

const EMPTY = new Uint8Array(0);
/** Lines in a row the byte reader declines before it is offered only a piece's first line. */
const COLD_LINES = 4096;

/** The index after the line end (LF, CR or CRLF) of the line that starts at p. */
function lineEnd(buf: Buffer, p: number, to: number): number {
  for (let k = p; k < to; k++) {
    const c = buf[k]!;
    if (c === 10) return k + 1;
    if (c === 13) return k + 1 < to && buf[k + 1] === 10 ? k + 2 : k + 1;
  }
  return to;
}

/**
 * Incremental decoder: {@link push} bytes in pieces of any size, then {@link end}. Lines go
 * to the sink as soon as they are whole; what it holds between pushes is at most one
 * unfinished line.
 */
export class LineDecoder {
  /** Bytes pushed so far. */
  bytes = 0;
  /** Lines given to the sink so far. */
  lines = 0;
  /** After {@link end}: the last line had no line end (the capture may have been cut). */
  lastOpen = false;
  private enc: 'utf-8' | 'utf-16le' | 'utf-16be' | undefined;
  private head: Uint8Array | undefined = new Uint8Array(SNIFF);
  private headLen = 0;
  private decoder: TextDecoder | undefined;
  /** UTF-8: bytes of the unfinished line, and where it starts in the input. */
  private carry = new Uint8Array(4096);
  private carryLen = 0;
  /** Offset in the input of the next byte decoded, and of the unfinished line. */
  private pos = 0;
  private openAt = 0;
  /** The last piece ended in CR: a LF starting the next one is part of that line end. */
  private pendingCr = false;
  /** UTF-16: the unfinished line, the odd byte of a big-endian pair, code units so far. */
  private open = '';
  private odd = -1;
  private units = 0;
  private bomLen = 0;
  /** The text being split was ASCII: only a NUL can need work. */
  private ascii = false;

  /** Lines of UTF-8 go here first, when set (the reader's byte level). */
  byteLines: ByteSink | undefined;
  private readonly run = newByteRun();
  /** Lines in a row the byte reader declined. */
  private declined = 0;

  constructor(
    private readonly file: string,
    private readonly warnings: WarningSink,
    private readonly sink: LineSink,
  ) {}

  /**
   * `bytes` bytes holding `lines` whole lines were read elsewhere (split.ts) and follow those
   * pushed so far, which ended with a whole line; false (nothing changed) when they did not.
   */
  skipLines(bytes: number, lines: number): boolean {
    if (this.head || this.enc !== 'utf-8' || this.carryLen !== 0 || this.pendingCr) return false;
    this.bytes += bytes;
    this.pos += bytes;
    this.openAt = this.pos;
    this.lines += lines;
    return true;
  }

  push(b: Uint8Array): void {
    if (b.length === 0) return;
    this.bytes += b.length;
    if (this.head) {
      const n = Math.min(b.length, SNIFF - this.headLen);
      this.head.set(b.subarray(0, n), this.headLen);
      this.headLen += n;
      if (this.headLen < SNIFF) return;
      this.start();
      b = b.subarray(n);
    }
    for (let p = 0; p < b.length; p += DECODE_BYTES) this.piece(b.subarray(p, Math.min(b.length, p + DECODE_BYTES)));
  }

  /** The input is over: the last line, without a line end, if there is one. */
  end(): void {
    if (this.head) this.start();
    if (this.enc === 'utf-8') {
      if (this.carryLen > 0) {
        const text = this.decoder!.decode(this.carry.subarray(0, this.carryLen));
        this.carryLen = 0;
        this.lastOpen = text !== '';
        if (text !== '') this.emit(text, false);
      }
    } else if (this.enc !== undefined) {
      const rest = this.open + this.decoder!.decode();
      this.open = '';
      if (rest !== '') {
        this.split(rest, true);
      }
    }
  }

  /** Decide the encoding from the first bytes, then decode them. */
  private start(): void {
    const b = this.head!.subarray(0, this.headLen);
    this.head = undefined;
    let enc: 'utf-8' | 'utf-16le' | 'utf-16be' = 'utf-8';
    let start = 0;
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) start = 3;
    else if (b[0] === 0xff && b[1] === 0xfe) {
      enc = 'utf-16le';
      start = 2;
    } else if (b[0] === 0xfe && b[1] === 0xff) {
      enc = 'utf-16be';
      start = 2;
    } else enc = looksUtf16(b) ?? 'utf-8';
    if (enc === 'utf-8') {
      for (let i = start; i < b.length; i++) {
        if (b[i] === 0) {
          throw new TcpstateError('ERR_FORMAT', c('binary', i), {
            file: this.file,
            offset: i,
          });
        }
      }
    }
    // The decoder skipped a second BOM at the start of the text; pieces are decoded apart, so it is skipped here.
    if (enc === 'utf-8' && start === 3 && b[3] === 0xef && b[4] === 0xbb && b[5] === 0xbf) start = 6;
    this.enc = enc;
    this.bomLen = start;
    this.pos = start;
    this.openAt = start;
    // TextDecoder has no fatal-free utf-16be in every Node build: big-endian is swapped to LE.
    this.decoder = enc === 'utf-8' ? new TextDecoder('utf-8', { ignoreBOM: true }) : new TextDecoder('utf-16le');
    if (b.length > start) this.piece(b.subarray(start));
  }

  private piece(b: Uint8Array): void {
    if (this.enc === 'utf-8') this.piece8(b);
    else this.piece16(b);
  }

  private tooLong(line: number, offset: number): never {
    throw new TcpstateError('ERR_PARSE', c('longLine', MAX_LINE), { file: this.file, line, offset });
  }

  /** UTF-8: decode the whole lines of a piece; keep the bytes of the unfinished one. */
  private piece8(b: Uint8Array): void {
    const base = this.pos;
    this.pos += b.length;
    const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    // The last line end: a CR after the last LF only when there is one (no scan of the whole piece for CR).
    const lf = buf.lastIndexOf(10);
    const last = buf.indexOf(13, lf + 1) < 0 ? lf : buf.lastIndexOf(13);
    if (last < 0) {
      if (this.carryLen + b.length > MAX_LINE) this.tooLong(this.lines + 1, this.openAt);
      this.keep(b);
      return;
    }
    if (this.carryLen > 0) {
      let first = buf.indexOf(10);
      const cr = first < 0 ? buf.indexOf(13) : buf.subarray(0, first).indexOf(13);
      if (first < 0 || (cr >= 0 && cr < first)) first = cr;
      if (this.carryLen + first > MAX_LINE) this.tooLong(this.lines + 1, this.openAt);
    }
    let text: string | undefined;
    if (this.byteLines) {
      // The line begun in the piece before is decoded as text; the rest go to the byte reader.
      let from = 0;
      if (this.carryLen > 0) {
        from = lineEnd(buf, 0, last + 1);
        this.keep(b.subarray(0, from));
        const first = this.text8(Buffer.from(this.carry.buffer, 0, this.carryLen), 0, this.carryLen);
        this.carryLen = 0;
        this.split(first, false);
      }
      this.lines8(buf, from, last + 1);
    } else if (this.carryLen === 0) text = this.text8(buf, 0, last + 1);
    else {
      // The line begun in the piece before: its bytes, then this piece's lines, decoded as one.
      this.keep(b.subarray(0, last + 1));
      text = this.text8(Buffer.from(this.carry.buffer, 0, this.carryLen), 0, this.carryLen);
    }
    this.carryLen = 0;
    this.keep(b.subarray(last + 1));
    this.openAt = base + last + 1;
    if (text !== undefined) this.split(text, false);
    this.pendingCr = last === b.length - 1 && b[last] === 13;
  }

  /**
   * Whole lines buf[from, to) offered to the byte reader first; the lines it leaves are
   * decoded as text, one at a time after a line it declined, in growing batches while it
   * takes none. Once it has declined {@link COLD_LINES} lines in a row (a format whose lines
   * carry what it does not read, such as ss -O's extras), it is offered only the first line
   * of each piece, and the rest of the piece is decoded as text in one go.
   */
  private lines8(buf: Buffer, from: number, to: number): void {
    const run = this.run;
    run.buf = buf;
    run.end = to;
    let p = from;
    let batch = 1;
    while (p < to) {
      // A LF just after the last piece's CR ends that line: split drops it.
      if (!this.pendingCr) {
        run.pos = p;
        run.lines = 0;
        const live = this.byteLines!(run);
        this.lines += run.lines;
        if (run.lines > 0) this.declined = 0;
        batch = live && run.lines > 0 ? 1 : Math.min(batch * 2, 256);
        p = run.pos;
        if (p >= to) break;
      }
      let q = p;
      if (this.declined >= COLD_LINES) q = to;
      else for (let k = 0; k < batch && q < to; k++, this.declined++) q = lineEnd(buf, q, to);
      this.split(this.text8(buf, p, q), false);
      p = q;
    }
    run.buf = EMPTY;
  }

  /** Whole lines of UTF-8 as text (ASCII, the common case, without a decoder). */
  private text8(buf: Buffer, from: number, to: number): string {
    const part = buf.subarray(from, to);
    this.ascii = isAscii(part);
    if (this.ascii) return buf.toString('latin1', from, to);
    return this.decoder!.decode(part, { stream: true });
  }

  private keep(b: Uint8Array): void {
    const need = this.carryLen + b.length;
    if (need > this.carry.length) {
      const c = new Uint8Array(Math.max(need, this.carry.length * 2));
      c.set(this.carry.subarray(0, this.carryLen));
      this.carry = c;
    }
    this.carry.set(b, this.carryLen);
    this.carryLen = need;
  }

  /** UTF-16: decode the piece (pairs split between pieces are joined), then split as text. */
  private piece16(b: Uint8Array): void {
    let le = b;
    if (this.enc === 'utf-16be') {
      const lead = this.odd >= 0 ? 1 : 0;
      const n = (b.length + lead) & ~1;
      le = new Uint8Array(n);
      let k = 0;
      if (lead) {
        le[0] = b[0]!;
        le[1] = this.odd;
        k = 1;
      }
      for (let i = lead * 2; i < n; i += 2, k += 2) {
        le[i] = b[k + 1]!;
        le[i + 1] = b[k]!;
      }
      this.odd = k < b.length ? b[k]! : -1;
    }
    this.split(this.open + this.decoder!.decode(le, { stream: true }), false);
  }

  /**
   * Split decoded text into lines. UTF-8 text always ends with a line end; UTF-16 text may
   * end inside a line, kept in `open` (or, at the end, given as the last line).
   */
  private split(text: string, final: boolean): void {
    if (text === '') return;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (text.charCodeAt(0) === 10) {
        text = text.slice(1);
        if (this.enc !== 'utf-8') this.units++;
      }
    }
    if (this.enc !== 'utf-8') {
      const last = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
      const rest = text.slice(last + 1);
      if (!final && rest.length * 2 > MAX_LINE) this.tooLong(this.lines + 1, this.bomLen + 2 * (this.units + last + 1));
      this.units += last + 1;
      this.open = final ? '' : rest;
      const whole = text.slice(0, last + 1);
      if (whole !== '') this.emit(whole, true);
      this.pendingCr = !final && rest === '' && last >= 0 && text.charCodeAt(last) === 13;
      if (final && rest !== '') {
        this.lastOpen = true;
        this.emit(rest, false);
      }
      return;
    }
    if (text !== '') this.emit(text, true);
  }

  /** Give the lines of `text` to the sink; `ended`: it ends with a line end. */
  private emit(text: string, ended: boolean): void {
    const lines = text.indexOf('\r') < 0 ? text.split('\n') : text.split(/\r\n|\r|\n/);
    if (ended) lines.pop();
    const work = this.ascii && this.enc === 'utf-8' ? text.includes('\u0000') : NEEDS_WORK.test(text);
    this.ascii = false;
    for (let i = 0; i < lines.length; i++) {
      let l = lines[i]!;
      const n = ++this.lines;
      if (work) {
        if (l.includes('\ufffd')) this.warnings.add('W_ENCODING', c('encoding'), { file: this.file, line: n });
        if (l.includes('\u0000')) l = l.replace(/\u0000/g, '');
        if (HAS_SPACE.test(l)) l = l.replace(SPACES, ' ');
        if (HAS_QUOTE.test(l)) l = l.replace(QUOTE_RE, (q) => QUOTES[q] ?? q);
      }
      this.sink(l, n);
    }
  }
}

/**
 * Decode a capture held whole into lines (line 1 is `lines[0]`). Invalid UTF-8 is replaced
 * and reported through `warnings`; binary input throws ERR_FORMAT naming the file.
 */
export function decodeLines(bytes: Uint8Array, file: string, warnings: WarningSink): string[] {
  const lines: string[] = [];
  const d = new LineDecoder(file, warnings, (l) => {
    lines.push(l);
  });
  d.push(bytes);
  d.end();
  return lines;
}

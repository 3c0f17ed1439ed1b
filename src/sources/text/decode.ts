/**
 * Bytes of a captured text → normalized lines. Captures arrive pasted from web pages,
 * tickets and Windows consoles, so this is where their noise is removed, once, before any
 * parser sees a line:
 *
 * - UTF-8 (with or without BOM), UTF-16LE/BE with a BOM or with the zero bytes that give
 *   UTF-16 away (Windows PowerShell's `>` writes UTF-16LE);
 * - CRLF and lone CR line ends;
 * - no-break and other Unicode spaces (U+00A0, U+2000..U+200B, U+3000) → ASCII space,
 *   tabs kept (ss marks continuation lines with one);
 * - curly quotes (‘ ’ “ ”) → straight quotes, so `awk ‘/^tcp/...‘` reads as typed;
 * - bytes that are not UTF-8 become U+FFFD with a warning naming the line.
 *
 * A NUL byte in what should be text (a pcap, a core file) is an ERR_FORMAT, not a guess.
 * @module
 */
import { TcpstateError } from '../../model/errors.js';
import type { Warnings } from './warnings.js';

/** How many bytes are inspected for NULs and UTF-16. */
const SNIFF = 8192;

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

/**
 * Decode a capture into lines (line 1 is `lines[0]`). Invalid UTF-8 is replaced and
 * reported through `warnings`; binary input throws ERR_FORMAT naming the file.
 */
export function decodeLines(bytes: Uint8Array, file: string, warnings: Warnings): string[] {
  let enc: 'utf-8' | 'utf-16le' | 'utf-16be' = 'utf-8';
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) { enc = 'utf-16le'; start = 2; }
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) { enc = 'utf-16be'; start = 2; }
  else {
    const u16 = looksUtf16(bytes);
    if (u16) enc = u16;
  }
  if (enc === 'utf-8') {
    const stop = Math.min(bytes.length, SNIFF);
    for (let i = start; i < stop; i++) {
      if (bytes[i] === 0) {
        throw new TcpstateError('ERR_FORMAT', `binary data (a NUL byte at offset ${i}), not a text capture; save the output of netstat, ss or cat /proc/net/tcp as text`, { file, offset: i });
      }
    }
  }
  const body = bytes.subarray(start);
  let text: string;
  if (enc === 'utf-16be') {
    // TextDecoder has no fatal-free utf-16be in every Node build: swap to LE.
    const sw = new Uint8Array(body.length & ~1);
    for (let i = 0; i + 1 < body.length; i += 2) { sw[i] = body[i + 1]!; sw[i + 1] = body[i]!; }
    text = new TextDecoder('utf-16le').decode(sw);
  } else {
    text = new TextDecoder(enc).decode(body);
  }
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i]!;
    if (l.includes('\ufffd')) {
      warnings.add('W_ENCODING', 'bytes that are not UTF-8 (read as U+FFFD)', { file, line: i + 1 });
    }
    if (l.includes('\u0000')) l = l.replace(/\u0000/g, '');
    if (HAS_SPACE.test(l)) l = l.replace(SPACES, ' ');
    if (HAS_QUOTE.test(l)) l = l.replace(QUOTE_RE, (q) => QUOTES[q] ?? q);
    lines[i] = l;
  }
  return lines;
}

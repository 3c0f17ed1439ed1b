/**
 * Small files of a proc tree read with a size limit. The kernel writes them in a few
 * hundred bytes (a sysctl, `comm`) or kilobytes (net/netstat); a file under a captured
 * root can be anything, a symlink to /dev/zero or a 10 MB `comm`, and reading it whole
 * would grow without bound.
 * @module
 */
import { fs } from '../builtins.js';
import { osSaid, TcpstateError } from '../model/errors.js';
import { say as c } from '../i18n/captures.js';
import type { Said } from '../i18n/catalogue.js';
import { say as ks } from '../i18n/kernel.js';

/** The first bytes of a file. */
export interface FileHead {
  /** Up to `max` bytes, as latin1 text (one character per byte). */
  text: string;
  /** The file holds more than `max` bytes. */
  more: boolean;
}

/**
 * At most `max` bytes of a file from its start (one more is read to tell whether there are
 * more), into a buffer of `max + 1` bytes: a file that never ends costs that much and no
 * more. Throws the OS error as it is, for the caller to word.
 */
export function readAtMost(path: string, max: number): { bytes: Buffer; more: boolean } {
  const fd = fs.openSync(path, 'r');
  const buf = Buffer.allocUnsafe(max + 1);
  let n = 0;
  try {
    while (n < buf.length) {
      const got = fs.readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { bytes: buf.subarray(0, Math.min(n, max)), more: n > max };
}

/**
 * Read at most `max` bytes of a file as latin1 text (see {@link readAtMost}).
 * Undefined when it is absent (ENOENT, ENOTDIR); any other failure is ERR_IO naming it.
 */
export function readHead(path: string, max: number): FileHead | undefined {
  let h: { bytes: Buffer; more: boolean };
  try {
    h = readAtMost(path, max);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new TcpstateError('ERR_IO', code === 'EISDIR' ? c('procDirectory', path) : c('procCannotRead', path, osSaid(e)), { file: path });
  }
  return { text: h.bytes.toString('latin1'), more: h.more };
}

/**
 * A whole small file as latin1 text, or undefined when absent.
 * @throws TcpstateError ERR_PARSE at byte `max` when the file is longer: it is not the
 *   kernel's `what`.
 */
export function readSmallFile(path: string, max: number, what: Said): string | undefined {
  const h = readHead(path, max);
  if (h?.more) throw new TcpstateError('ERR_PARSE', ks('tooLong', max, what), { file: path, offset: max });
  return h?.text;
}

/**
 * Capture bytes fed to the parser of container.ts from where they are: a file read in bounded
 * pieces, or a stream's chunks (stdin). I/O failures become ERR_IO naming the file.
 * @module
 */
import { isTcpstateError, osSaid, TcpstateError } from '../model/errors.js';
import { CaptureParser, type CaptureSummary, INITIAL_BUFFER, type PacketSink, type ReadOptions } from './container.js';
import { say as c } from '../i18n/captures.js';

/** Something that fills a buffer: a file handle, or a stream adapter. */
export type ByteSource = { kind: 'fd'; read(buf: Uint8Array): Promise<number> } | { kind: 'chunks'; chunks: AsyncIterable<Uint8Array> };

/** Stream a source through the parser. */
export async function readCapture(src: ByteSource, sink: PacketSink, file = '-', opts: ReadOptions = {}): Promise<CaptureSummary> {
  const p = new CaptureParser(sink, file, opts);
  if (src.kind === 'fd') {
    for (;;) {
      const room = p.space(INITIAL_BUFFER >> 1);
      const n = await src.read(room);
      if (n <= 0) break;
      p.commit(n);
    }
  } else {
    for await (const c of src.chunks) p.push(c);
  }
  return p.finish();
}

/** An I/O failure as ERR_IO naming the file (errors already typed pass through). */
function ioError(e: unknown, path: string): unknown {
  if (isTcpstateError(e) || typeof (e as NodeJS.ErrnoException).code !== 'string') return e;
  const code = (e as NodeJS.ErrnoException).code!;
  return new TcpstateError('ERR_IO', code === 'EISDIR' ? c('pcapDirectory') : c('pcapCannotRead', osSaid(e)), { file: path });
}

/**
 * Read a capture file (or `-` for stdin chunks supplied by the caller) in bounded memory.
 * @throws TcpstateError ERR_IO when the file cannot be opened or read (a directory, a read error).
 */
export async function readCaptureFile(path: string, sink: PacketSink, opts: ReadOptions = {}): Promise<CaptureSummary> {
  const { open } = await import('node:fs/promises');
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw ioError(e, path);
  }
  try {
    const read = async (b: Uint8Array) => {
      try {
        return (await fh.read(b, 0, b.length, null)).bytesRead;
      } catch (e) {
        throw ioError(e, path);
      }
    };
    return await readCapture({ kind: 'fd', read }, sink, path, opts);
  } finally {
    await fh.close();
  }
}

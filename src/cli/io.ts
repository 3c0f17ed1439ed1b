/**
 * What a command may touch: its arguments, an output and an error stream, stdin. Commands
 * write through this; only main decides how it reaches the terminal and the exit status.
 * @module
 */
export interface Io {
  out(text: string): void;
  /**
   * Bytes for the output, where the edge can take them as they are (large listings made as
   * bytes skip a string). The caller writes over `bytes` once this returns, or, if it returns
   * a promise (the output keeps them until written), once that settles. Without it,
   * commands use {@link Io.out}.
   */
  outBytes?(bytes: Uint8Array): void | Promise<void>;
  err(text: string): void;
  /** Environment (injectable for tests). */
  env: Record<string, string | undefined>;
  /** How many words of the command line precede the command's own arguments (for error positions). */
  argOffset: number;
  /** Read all of stdin (for `-` inputs). */
  stdin(): Promise<Buffer>;
  /** True when stdin is a terminal (nothing piped); absent when unknown. */
  stdinIsTty?(): boolean;
  /** True when stdout is a terminal (colour); absent or false: a pipe or a file. */
  stdoutIsTty?(): boolean;
  /** Stdin as a stream of chunks, for inputs read in bounded memory (`pcap -`). */
  stdinStream?(): AsyncIterable<Uint8Array>;
  /**
   * Stdin as chunks read with blocking reads where it is a pipe or a file, as a C tool reads
   * it: for a command that has nothing else to do meanwhile (captures given as `-`), not for
   * one that must stop reading on a signal (`pcap -`, which uses {@link Io.stdinStream}). A
   * chunk's bytes are valid until the next chunk is asked for (the buffer is reused).
   */
  stdinChunks?(): AsyncIterable<Uint8Array>;
  /** The BPF state walk bin/tcpstate.js started before the code loaded (a plain `count` as root). */
  bpfWalk?: import('../sources/bpf-tcp-states.js').Prefetch;
}

export interface Command {
  /** Run with the arguments after the command name; resolves to the exit status. */
  run(argv: string[], io: Io): Promise<number>;
}

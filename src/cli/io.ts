/**
 * What a command may touch: its arguments, an output and an error stream, stdin. Commands
 * write through this; only main decides how it reaches the terminal and the exit status.
 * @module
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Environment (injectable for tests). */
  env: Record<string, string | undefined>;
  /** How many words of the command line precede the command's own arguments (for error positions). */
  argOffset: number;
  /** Read all of stdin (for `-` inputs). */
  stdin(): Promise<Buffer>;
  /** True when stdin is a terminal (nothing piped); undefined when unknown. */
  stdinIsTty?: boolean;
}

export interface Command {
  /** Run with the arguments after the command name; resolves to the exit status. */
  run(argv: string[], io: Io): Promise<number>;
}

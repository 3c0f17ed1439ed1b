/**
 * The CLI run in this process (main() with a captured Io): fast enough to run hundreds of
 * times in a test; the spawned binary (runCli) is for exit codes, stdin and stack traces.
 */
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runMain(args: string[], stdin: Buffer = Buffer.alloc(0), env: Record<string, string> = {}): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    out: (t) => {
      stdout += t;
    },
    err: (t) => {
      stderr += t;
    },
    env,
    argOffset: 0,
    stdin: async () => stdin,
    stdinIsTty: () => false,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/**
 * The CLI run in-process (main() with a captured Io): the same code path as bin/tcpstate.js
 * without a Node start-up per call, which keeps these many small runs cheap on a shared machine.
 */
import { main } from '../../src/cli/main.js';

export async function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    out: (t) => {
      stdout += t;
    },
    err: (t) => {
      stderr += t;
    },
    env: { ...process.env, ...env },
    argOffset: 1,
    stdin: async () => Buffer.alloc(0),
  });
  return { code, stdout, stderr };
}

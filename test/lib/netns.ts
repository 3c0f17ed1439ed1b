/**
 * Test network namespaces: unique names, commands run inside, the socket zoo, cleanup by
 * name and by PID. Tests that need root and namespaces call {@link kernelOrSkip}: on a
 * user's machine without them the test skips with the reason; with
 * TCPSTATE_REQUIRE_KERNEL=1 (set by .ci/run) the same condition fails the test instead.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (dist/test/lib → ../../..). */
export const REPO = join(here, '..', '..', '..');
export const CLI = join(REPO, 'bin', 'tcpstate.js');

let counter = 0;

/** Why kernel tests cannot run here, or undefined if they can. */
export function kernelUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
  } catch {
    return 'the ip command (iproute2) is missing';
  }
  return undefined;
}

/** Skip (or, under TCPSTATE_REQUIRE_KERNEL=1, fail) when kernel tests cannot run. */
export function kernelOrSkip(t: TestContext, extra: string[] = []): boolean {
  let why = kernelUnavailable();
  for (const tool of extra) {
    if (why) break;
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      why = `${tool} is not installed`;
    }
  }
  if (!why) return true;
  if (process.env['TCPSTATE_REQUIRE_KERNEL'] === '1') throw new Error(`kernel test cannot run: ${why} (TCPSTATE_REQUIRE_KERNEL=1 makes this a failure)`);
  t.skip(why);
  return false;
}

/** The native addon as `npm install` builds it. */
export const ADDON = join(REPO, 'native', 'build', 'Release', 'tcpstate_netlink.node');

/** {@link kernelOrSkip}, and the native addon built: skip without it (fail under TCPSTATE_REQUIRE_KERNEL=1). */
export function addonOrSkip(t: TestContext, extra: string[] = []): boolean {
  if (!kernelOrSkip(t, extra)) return false;
  if (existsSync(ADDON)) return true;
  if (process.env['TCPSTATE_REQUIRE_KERNEL'] === '1') throw new Error(`${ADDON} is not built (TCPSTATE_REQUIRE_KERNEL=1)`);
  t.skip('the native addon is not built');
  return false;
}

/** A network namespace made for one test, with loopback up. */
export class Netns {
  private children: ChildProcess[] = [];
  private constructor(readonly name: string) {}

  static create(tag = 't'): Netns {
    const name = `tcst-${tag}-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 6)}`;
    execFileSync('ip', ['netns', 'add', name]);
    const ns = new Netns(name);
    ns.run('ip', ['link', 'set', 'lo', 'up']);
    return ns;
  }

  /** Run a command inside and return its stdout. */
  run(cmd: string, args: string[], input?: string): string {
    return execFileSync('ip', ['netns', 'exec', this.name, cmd, ...args], { encoding: 'utf8', input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** Start a long-running process inside; it is killed (by PID) on destroy. */
  spawn(cmd: string, args: string[]): ChildProcess {
    const c = spawn('ip', ['netns', 'exec', this.name, cmd, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.children.push(c);
    return c;
  }

  /** Start the socket zoo inside and wait for its ready line. */
  async zoo(args: string[] = []): Promise<{ pid: number; expect: Record<string, number>; child: ChildProcess }> {
    const zoo = join(REPO, 'dist', 'test', 'lib', 'zoo.js');
    if (!existsSync(zoo)) throw new Error(`${zoo} missing: build first`);
    const child = this.spawn(process.execPath, [zoo, ...args]);
    const line = await new Promise<string>((res, rej) => {
      let buf = '';
      const timer = setTimeout(() => rej(new Error('zoo did not get ready in 20 s')), 20_000);
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const nl = buf.indexOf('\n');
        if (nl >= 0) {
          clearTimeout(timer);
          res(buf.slice(0, nl));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        rej(new Error(`zoo exited with ${code}: ${buf}`));
      });
    });
    const msg = JSON.parse(line) as { ready: boolean; pid: number; expect: Record<string, number> };
    if (!msg.ready) throw new Error(`zoo not ready: ${line}`);
    return { pid: msg.pid, expect: msg.expect, child };
  }

  /** Kill what was started here (by PID) and delete the namespace. */
  destroy(): void {
    for (const c of this.children) {
      if (c.exitCode === null && c.pid !== undefined) {
        try {
          process.kill(c.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    // Processes left inside (e.g. the zoo under ip netns exec) die with SIGKILL too.
    try {
      const pids = execFileSync('ip', ['netns', 'pids', this.name], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
      for (const p of pids) {
        try {
          process.kill(Number(p), 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    } catch {
      /* namespace gone */
    }
    try {
      execFileSync('ip', ['netns', 'del', this.name], { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
  }
}

/** Run the CLI and capture its output and status. */
export function runCli(args: string[], opts: { input?: string | Buffer; env?: Record<string, string>; uid?: number; gid?: number } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    input: opts.input,
    uid: opts.uid,
    gid: opts.gid,
    env: { ...process.env, ...opts.env },
    maxBuffer: 1 << 30,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

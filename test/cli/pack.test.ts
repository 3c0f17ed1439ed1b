/**
 * `npm pack` of a clean checkout (HEAD through `git archive`, nothing of the working tree)
 * makes a tarball that installs into an empty prefix with npm's offline cache and runs:
 * --version, count on a captured file, the live table of a namespace (equal to ss), the
 * installed man page. Installed twice: as usual (the netlink addon and better-sqlite3
 * built), and on a machine without a C compiler (CC and CXX fail), where both are left out
 * and tcpstate reads /proc. The installs live outside the checkout: Node resolves packages
 * up the directory tree, and a node_modules above would hide a missing dependency.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { runMain } from '../lib/cli.js';
import { kernelOrSkip, Netns, REPO } from '../lib/netns.js';
import { parseSs } from '../lib/ss.js';

const FIXTURE = join(REPO, 'test', 'fixtures', 'text', 'netstat-ant.txt');
const PKG = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment without npm's own variables (this test may run under `npm test`). */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^npm_/i.test(k) && k !== 'INIT_CWD') env[k] = v;
  return { ...env, ...extra };
}

/** Run a command without blocking the test process (installs take minutes). */
function run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    c.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      if (c.pid !== undefined)
        try {
          process.kill(c.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
    }, opts.timeoutMs ?? 600_000);
    c.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    c.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

function ok(r: Ran, what: string): Ran {
  assert.equal(r.code, 0, `${what} failed (${r.code}):\n${r.stderr.slice(-3000)}`);
  return r;
}

/** States of a `count --json` document. */
function states(json: string): Record<string, number> {
  return (JSON.parse(json) as { states: Record<string, number> }).states;
}

describe('npm pack: a tarball that installs and runs on a fresh machine', { timeout: 1_800_000 }, () => {
  let dir = '';
  let tarball = '';
  let files: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tcpstate-pack-'));
    const src = join(dir, 'checkout');
    mkdirSync(src);
    // HEAD as committed: nothing built, nothing untracked.
    execFileSync('sh', ['-c', 'git -C "$1" archive --format=tar HEAD | tar -x -C "$2"', 'sh', REPO, src]);
    // The build tools (tsc, esbuild) the prepare script needs, as `npm ci` installed them.
    symlinkSync(join(REPO, 'node_modules'), join(src, 'node_modules'));
    const r = ok(await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: src }), 'npm pack');
    const out = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    tarball = join(dir, out[0]!.filename);
    files = out[0]!.files.map((f) => f.path);
    // The checkout (and its node_modules link) goes before anything is installed.
    rmSync(src, { recursive: true, force: true });
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("the tarball ships the program, its bundles, the addon's sources and the man page, and nothing of test/ or bench/", () => {
    for (const f of [
      'bin/tcpstate.js',
      'bin/package.json',
      'dist/src/cli/main.js',
      'dist/src/cli/main.bundle.cjs',
      'dist/src/cli/bundle-count.cjs',
      'dist/src/cli/reference.json',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'man/tcpstate.1',
      'native/binding.gyp',
      'native/tcpstate_netlink.c',
      'scripts/build-native.mjs',
      'contrib/grafana/tcpstate.json',
      'package.json',
      'README.md',
    ]) {
      assert.ok(files.includes(f), `${f} is not in the tarball`);
    }
    assert.ok(
      files.some((f) => f.startsWith('dist/src/web/assets/')),
      "the dashboard's assets are not in the tarball",
    );
    const stray = files.filter((f) => /^(test|bench|dist\/test|dist\/bench|src|native\/build|node_modules)\//.test(f) || f.endsWith('.test.js'));
    assert.deepEqual(stray, []);
  });

  /** Install the tarball into a fresh prefix with npm's cache only; the installed `tcpstate`. */
  async function install(name: string, env: Record<string, string> = {}): Promise<{ bin: string; root: string; man: string }> {
    const prefix = join(dir, name);
    mkdirSync(prefix);
    ok(
      await run('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], { cwd: prefix, env: cleanEnv(env), timeoutMs: 1_200_000 }),
      `npm install (${name})`,
    );
    return { bin: join(prefix, 'bin', 'tcpstate'), root: join(prefix, 'lib', 'node_modules', 'tcpstate'), man: join(prefix, 'share', 'man', 'man1', 'tcpstate.1') };
  }

  /** What every install must do: version, a capture counted as the tree counts it, the man page. */
  async function runs(t: TestContext, inst: { bin: string; man: string }): Promise<void> {
    assert.equal(ok(await run(inst.bin, ['--version']), '--version').stdout, `tcpstate ${PKG.version}\n`);
    const want = await runMain(['count', '--json', FIXTURE]);
    assert.equal(want.code, 0);
    assert.deepEqual(states(ok(await run(inst.bin, ['count', '--json', FIXTURE]), 'count FILE').stdout), states(want.stdout));
    assert.equal(ok(await run(inst.bin, ['count', FIXTURE]), 'count FILE').stdout, (await runMain(['count', FIXTURE])).stdout);
    assert.ok(existsSync(inst.man), `${inst.man} not installed`);
    const man = ok(await run('man', ['-l', inst.man], { env: cleanEnv({ MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '80' }) }), 'man -l');
    assert.match(man.stdout, /tcpstate count \[OPTIONS\] \[FILE\.\.\.\] \[FILTER\.\.\.\]/);
    t.diagnostic(`${inst.bin}: --version, count FILE, man -l`);
  }

  /** The live table of a namespace with a listener and a connection, equal to ss's; the source used. */
  async function live(t: TestContext, bin: string): Promise<string | undefined> {
    if (!kernelOrSkip(t, ['ss'])) return undefined;
    const ns = Netns.create('pack');
    try {
      ns.spawn('python3', [
        '-c',
        'import socket,time\ns=socket.socket();s.bind(("127.0.0.1",0));s.listen();c=socket.create_connection(s.getsockname());a=s.accept();print("ok",flush=True);time.sleep(600)',
      ]);
      for (let i = 0; i < 100 && !/ESTAB/.test(ns.run('ss', ['-tanH'])); i++) await new Promise((r) => setTimeout(r, 50));
      const ss: Record<string, number> = {};
      for (const r of parseSs(ns.run('ss', ['-tanH']))) ss[r.state] = (ss[r.state] ?? 0) + 1;
      const r = ok(await run(bin, ['count', '--json', '--netns', ns.name]), 'count --netns');
      const got = states(r.stdout);
      assert.deepEqual(Object.fromEntries(Object.entries(got).filter(([, n]) => n > 0)), ss);
      return (JSON.parse(r.stdout) as { source: string }).source + (r.stderr ? `\n${r.stderr}` : '');
    } finally {
      ns.destroy();
    }
  }

  test('installed as usual: the netlink addon is built and used; count equals ss', async (t) => {
    const inst = await install('full');
    await runs(t, inst);
    assert.ok(existsSync(join(inst.root, 'native', 'build', 'Release', 'tcpstate_netlink.node')), 'the addon was not built');
    assert.ok(existsSync(join(inst.root, 'node_modules', 'better-sqlite3')), 'better-sqlite3 was not installed');
    const src = await live(t, inst.bin);
    if (src !== undefined) assert.match(src, /^netlink/);
  });

  test('installed without a C compiler: no addon, no better-sqlite3, tcpstate reads /proc and says so', async (t) => {
    const inst = await install('nocc', { CC: '/bin/false', CXX: '/bin/false' });
    await runs(t, inst);
    assert.ok(!existsSync(join(inst.root, 'native', 'build', 'Release', 'tcpstate_netlink.node')), 'the addon was built with a failing compiler?');
    assert.ok(!existsSync(join(inst.root, 'node_modules', 'better-sqlite3')), 'better-sqlite3 was kept without its addon');
    const src = await live(t, inst.bin);
    if (src !== undefined) {
      assert.match(src, /^proc\n/);
      assert.match(src, /native addon is not built/);
    }
    // The history store needs better-sqlite3: said, not a stack trace.
    const r = await run(inst.bin, ['record', '--db', join(dir, 'h.db'), '--interval', '1s']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /better-sqlite3/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});

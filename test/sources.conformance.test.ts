/**
 * Conformance: every live source — procfs, netlink (`count` through the BPF tcp iterator),
 * netlink as ss asks (per family, `count` by sock_diag), and netlink replay of a recording
 * made at the start — passes the same cases (test/lib/sources.case.ts) on the same
 * namespaces: the socket zoo (every TCP state, orphaned FIN_WAIT2 among them) and a
 * namespace no process lives in (TIME_WAIT left behind by a zoo that exited). The oracle is
 * ss run in the same namespace. The zoo's TIME_WAIT and orphans last 60 s from its start.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import { ADDON, addonOrSkip, kernelOrSkip, kernelUnavailable, Netns, runCli } from './lib/netns.js';
import { sourceCases, type ZooEnv } from './lib/sources.case.js';

const TOOLS = ['ss', 'nft'];
let env: ZooEnv | undefined;
let dir = '';
const recordings = new Map<string, string>();

/** Keep SYN_SENT and SYN_RECV alive for the whole run (default retries give up after ~60 s). */
function slowRetries(ns: Netns): void {
  ns.run('sh', ['-c', 'echo 12 > /proc/sys/net/ipv4/tcp_syn_retries; echo 12 > /proc/sys/net/ipv4/tcp_synack_retries']);
}

/** When the zoo was made: its TIME_WAIT and orphaned FIN_WAIT2 sockets expire 60 s later. */
let madeAt = 0;
/** Older than this, the zoo is made again before the next case (a case under load takes up to ~20 s). */
const FRESH_MS = 30_000;

async function build(): Promise<void> {
  const zoo = Netns.create('conf');
  const empty = Netns.create('conf-empty');
  env = { zoo, empty, expect: {}, pid: 0 };
  madeAt = Date.now();
  slowRetries(zoo);
  const z = await zoo.zoo(['--ttl', '300']);
  env.expect = z.expect;
  env.pid = z.pid;
  // A dual-stack listener (IPV6_V6ONLY off), which ss prints as *:7200.
  const ds = zoo.spawn(process.execPath, ['-e', "require('net').createServer().listen({ port: 7200, host: '::', ipv6Only: false }, () => console.log('up')); setTimeout(() => {}, 300000)"]);
  await new Promise((res) => ds.stdout!.once('data', res));
  // TIME_WAIT outlives its process: start a zoo of closed connections, then stop it.
  const e = await empty.zoo(['--only', 'tw', '--repeat', '2', '--ttl', '300']);
  process.kill(e.pid, 'SIGKILL');
  for (let i = 0; i < 100 && execFileSync('ip', ['netns', 'pids', empty.name], { encoding: 'utf8' }).trim() !== ''; i++) await new Promise((r) => setTimeout(r, 50));
  if (existsSync(ADDON)) {
    for (const [ns, flags] of [
      [zoo, '-tanim'],
      [empty, '-tan'],
    ] as const) {
      const f = join(dir, `${ns.name}.nl`);
      const r = runCli(['ls', flags, '--netns', ns.name, '--source', 'netlink', '--record', f]);
      if (r.code !== 0) throw new Error(`recording ${ns.name} failed: ${r.stderr}`);
      recordings.set(ns.name, f);
    }
  }
}

before(async () => {
  if (kernelUnavailable()) return;
  dir = mkdtempSync(join(tmpdir(), 'tcpstate-conf-'));
  await build();
});

after(() => {
  env?.zoo.destroy();
  env?.empty.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The zoo, made again when its timed sockets could expire during the next case. */
async function getEnv(): Promise<ZooEnv> {
  if (Date.now() - madeAt > FRESH_MS) {
    env?.zoo.destroy();
    env?.empty.destroy();
    await build();
  }
  return env!;
}
const kernel = (t: TestContext) => kernelOrSkip(t, TOOLS);
const native = (t: TestContext): boolean => addonOrSkip(t, TOOLS);

sourceCases(
  {
    name: 'proc',
    args: (ns) => ['--source', 'proc', '--netns', ns.name],
    skip: {
      'same LISTEN queues as ss -tan (accept queue and backlog)': "procfs prints a listener's tx_queue as 0; only sock_diag reports its backlog (sk_max_ack_backlog), which ss shows as Send-Q",
      '-i and -m as ss -tni / -tnm': 'procfs has no tcp_info and no socket memory; -i and -m need the netlink source',
      'a dual-stack listener printed as ss prints it': 'procfs does not show IPV6_V6ONLY, so a dual-stack listener prints as [::]:7200 where ss prints *:7200',
    },
  },
  getEnv,
  kernel,
);

// As root `count` reads the kernel through the BPF tcp iterator, and owners come from the
// BPF task_file iterator.
sourceCases(
  {
    name: 'netlink',
    args: (ns) => ['--source', 'netlink', '--netns', ns.name],
    countVia: 'bpf',
  },
  getEnv,
  native,
);

// The same source as ss reads the kernel: one dump per family (SOCK_DIAG_BY_FAMILY) instead
// of the one walk over both families (TCPDIAG_GETSOCK) it makes by default, and no BPF
// (`count` by sock_diag, owners from /proc/PID/fd): both ways must agree with ss.
sourceCases(
  {
    name: 'netlink-per-family',
    args: (ns) => ['--source', 'netlink', '--netns', ns.name],
    env: { TCPSTATE_NETLINK_PER_FAMILY: '1', TCPSTATE_NO_BPF: '1' },
    countVia: 'dumps',
  },
  getEnv,
  native,
);

sourceCases(
  {
    name: 'netlink-replay',
    args: (ns) => ['--replay', recordings.get(ns.name) ?? '/nonexistent'],
    staleTimers: true,
  },
  getEnv,
  native,
);

test('without the addon, a namespace no process lives in cannot be read, and the error says why', async (t) => {
  if (!kernel(t)) return;
  const r = runCli(['ls', '-tan', '--netns', (await getEnv()).empty.name], { env: { TCPSTATE_NO_NATIVE: '1' } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no process lives in network namespace ".*" and the native addon is not loaded/);
});

/**
 * The cases every live source must pass (hono's `common.case` pattern): one function that
 * registers the same tests for whichever source it is given, on the same zoo namespaces,
 * with ss in that namespace as the oracle. A source that cannot pass a case names it in
 * `skip` with the reason, and the test is reported as skipped with that reason.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { runCli, type Netns } from './netns.js';
import { parseSs, recordKey, key, type SsRow } from './ss.js';

export interface ZooEnv {
  /** The namespace holding the socket zoo (every TCP state, orphaned FIN_WAIT2 among them). */
  zoo: Netns;
  /** What the zoo promised: state → at least this many sockets. */
  expect: Record<string, number>;
  /** The zoo's pid (owner of its sockets). */
  pid: number;
  /** A namespace in which no process lives, holding only TIME_WAIT sockets. */
  empty: Netns;
}

export interface SourceUnderTest {
  name: string;
  /** The CLI arguments that read `ns` through this source. */
  args(ns: Netns): string[];
  /** Environment for the CLI runs (a knob that picks a path inside the source). */
  env?: Record<string, string>;
  /** Case name → why this source cannot pass it. */
  skip?: Record<string, string>;
  /** Timer seconds are as of a recording, not now (replay). */
  staleTimers?: boolean;
  /**
   * How `count` must read the kernel here, as TCPSTATE_TIMING names it: 'bpf' (the BPF tcp
   * iterator, where root and kernel BTF allow it) or 'dumps' (sock_diag). Checked so that a
   * source meant to test one path cannot pass through the other.
   */
  countVia?: 'bpf' | 'dumps';
}

interface Rec {
  proto: string;
  family: number;
  state: string;
  local: { address: string; port: number };
  remote: { address: string; port: number };
  recvQ: number | null;
  sendQ: number | null;
  timer: { kind: string; expiresMs: number | null } | null;
  uid: number | null;
  inode: number;
  owners: { pid: number }[];
  info?: { cwnd?: number; mss?: number; skmem?: number[] };
}

function lsJson(src: SourceUnderTest, ns: Netns, extra: string[] = []): Rec[] {
  const r = runCli(['ls', '-tan', '--json', ...extra, ...src.args(ns)], { env: src.env });
  assert.equal(r.code, 0, `tcpstate ls ${src.args(ns).join(' ')} failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { sockets: Rec[] }).sockets;
}

/** ss in the namespace. With a single-state filter ss leaves out its State column; `implied` names it. */
function ss(ns: Netns, flags: string, filter: string[] = [], implied?: string): SsRow[] {
  const text = ns.run('ss', [flags, ...filter]);
  return parseSs(
    implied
      ? text
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => `${implied} ${l}`)
          .join('\n')
      : text,
  );
}

/** Multiset of keys, sorted, for an assert.deepEqual that shows the difference. */
function keys<T>(rows: T[], k: (r: T) => string): string[] {
  return rows.map(k).sort();
}

function byKey<T>(rows: T[], k: (r: T) => string): Map<string, T> {
  const m = new Map<string, T>();
  for (const r of rows) m.set(k(r), r);
  return m;
}

const ssKey = (r: SsRow) => key(r.state, r.local, r.remote);

/** Where `count` can read the kernel through the BPF iterator: root, kernel BTF. */
function bpfExpected(): boolean {
  return existsSync('/sys/kernel/btf/vmlinux') && process.getuid?.() === 0;
}

/** `count --json` through the source, with the way it read the kernel checked against `countVia`. */
function countJson(src: SourceUnderTest, ns: Netns, t: TestContext, extra: string[] = []): Record<string, number> {
  const r = runCli(['count', '--json', ...extra, ...src.args(ns)], { env: { ...src.env, TCPSTATE_TIMING: '1' } });
  assert.equal(r.code, 0, r.stderr);
  if (src.countVia) {
    const how = /sockets, ([^)]+)\)/.exec(r.stderr)?.[1] ?? r.stderr;
    const got = how === 'bpf tcp iterator' ? 'bpf' : /^\d+ dumps?$/.test(how) ? 'dumps' : how;
    if (got !== src.countVia) {
      // The iterator is refused where it cannot run (an old kernel): a failure only when required.
      if (src.countVia === 'bpf' && !(bpfExpected() && process.env['TCPSTATE_REQUIRE_KERNEL'] === '1')) t.diagnostic(`count read the kernel by ${how}, not the BPF iterator`);
      else assert.fail(`count read the kernel by ${how}, expected ${src.countVia}`);
    }
  }
  return (JSON.parse(r.stdout) as { states: Record<string, number> }).states;
}

/** ss's timer names by tcpstate's (netstat's) names. */
const SS_TIMER: Record<string, string> = { off: 'off', on: 'on', keepalive: 'keepalive', timewait: 'timewait', probe: 'persist' };

/** Register the conformance cases for one source. `env` gives a zoo fresh enough for one case. */
export function sourceCases(src: SourceUnderTest, env: () => Promise<ZooEnv>, guard: (t: import('node:test').TestContext) => boolean): void {
  const cas = (name: string, fn: (e: ZooEnv, t: TestContext) => void) =>
    test(`${src.name}: ${name}`, async (t) => {
      if (!guard(t)) return;
      const why = src.skip?.[name];
      if (why) {
        t.skip(why);
        return;
      }
      fn(await env(), t);
    });

  cas('same sockets as ss -tan', (e) => {
    assert.deepEqual(keys(lsJson(src, e.zoo), recordKey), keys(ss(e.zoo, '-tanH'), ssKey));
  });

  cas('same state counts as ss -tan, at least what the zoo made', (e, t) => {
    const counts = countJson(src, e.zoo, t);
    const want: Record<string, number> = {};
    for (const s of Object.keys(counts)) want[s] = 0;
    for (const row of ss(e.zoo, '-tanH')) want[row.state]!++;
    assert.deepEqual(counts, want);
    for (const [s, n] of Object.entries(e.expect)) assert.ok(counts[s]! >= n, `${s}: ${counts[s]} < ${n}`);
  });

  cas('same Recv-Q and Send-Q as ss -tan for connections', (e) => {
    const theirs = byKey(ss(e.zoo, '-tanH'), ssKey);
    for (const r of lsJson(src, e.zoo)) {
      if (r.state === 'LISTEN') continue;
      const s = theirs.get(recordKey(r));
      assert.ok(s, recordKey(r));
      assert.deepEqual([r.recvQ, r.sendQ], [s.recvQ, s.sendQ], `${recordKey(r)} queues`);
    }
  });

  cas('same LISTEN queues as ss -tan (accept queue and backlog)', (e) => {
    const theirs = byKey(ss(e.zoo, '-tanH'), ssKey);
    let n = 0;
    for (const r of lsJson(src, e.zoo)) {
      if (r.state !== 'LISTEN') continue;
      n++;
      const s = theirs.get(recordKey(r))!;
      assert.deepEqual([r.recvQ, r.sendQ], [s.recvQ, s.sendQ], `${recordKey(r)} Recv-Q/Send-Q`);
    }
    assert.ok(n >= 6);
  });

  cas('same inodes and uids as ss -tane', (e) => {
    const theirs = byKey(ss(e.zoo, '-tanHe'), ssKey);
    let withInode = 0;
    for (const r of lsJson(src, e.zoo)) {
      const s = theirs.get(recordKey(r));
      assert.ok(s, recordKey(r));
      assert.equal(r.inode, s.inode ?? 0, `${recordKey(r)} inode`);
      assert.equal(r.uid, s.uid ?? 0, `${recordKey(r)} uid`);
      if (r.inode) withInode++;
    }
    assert.ok(withInode >= 15, 'full sockets have inodes');
  });

  cas('same timers as ss -tano', (e) => {
    // A retransmission timer is briefly not pending while its handler runs (or is deferred
    // because the socket is busy), so a read may catch "off" where the next one sees "on":
    // compare again, up to three times, before calling it a difference.
    for (let attempt = 1; ; attempt++) {
      try {
        const t0 = Date.now();
        const theirs = byKey(ss(e.zoo, '-tanoH'), ssKey);
        const ours = lsJson(src, e.zoo);
        // The two reads are apart by at most the time both took (seconds on a loaded machine).
        const apart = (Date.now() - t0) / 1000;
        for (const r of ours) {
          const s = theirs.get(recordKey(r))!;
          assert.ok(r.timer, `${recordKey(r)} has timer fields`);
          assert.equal(SS_TIMER[r.timer.kind] ?? r.timer.kind, s.timer ?? 'off', `${recordKey(r)} timer kind`);
          if (r.state === 'TIME_WAIT' && !src.staleTimers) {
            // Both read the same kernel clock, `apart` seconds from each other at most; ss prints whole seconds.
            assert.ok(Math.abs(r.timer.expiresMs! / 1000 - s.timerSecs!) <= Math.max(3, apart + 2), `${recordKey(r)}: ${r.timer.expiresMs} ms vs ss ${s.timerSecs} s, read ${apart} s apart`);
          }
        }
        return;
      } catch (err) {
        if (attempt === 3) throw err;
      }
    }
  });

  cas('state filters as ss: time-wait, syn-recv, connected', (e) => {
    const cases: [string[], string | undefined][] = [
      [['state', 'time-wait'], 'TIME-WAIT'],
      [['state', 'syn-recv'], 'SYN-RECV'],
      [['state', 'connected'], undefined],
      [['exclude', 'listening'], undefined],
    ];
    for (const [f, implied] of cases) {
      const want = keys(ss(e.zoo, '-tanH', f, implied), ssKey);
      assert.ok(want.length > 0, `ss finds sockets for ${f.join(' ')}`);
      assert.deepEqual(keys(lsJson(src, e.zoo, f), recordKey), want, f.join(' '));
    }
  });

  cas('IPv4 only and IPv6 only as ss -4 / -6', (e) => {
    assert.deepEqual(keys(lsJson(src, e.zoo, ['-4']), recordKey), keys(ss(e.zoo, '-tanH4'), ssKey));
    assert.deepEqual(keys(lsJson(src, e.zoo, ['-6']), recordKey), keys(ss(e.zoo, '-tanH6'), ssKey));
  });

  cas('owners as ss -tanp', (e) => {
    const theirs = byKey(ss(e.zoo, '-tanpH'), ssKey);
    let owned = 0;
    for (const r of lsJson(src, e.zoo, ['-p'])) {
      const s = theirs.get(recordKey(r))!;
      assert.deepEqual(
        r.owners.map((o) => o.pid).sort((a, b) => a - b),
        s.pids ?? [],
        `${recordKey(r)} owners`,
      );
      if (r.owners.some((o) => o.pid === e.pid)) owned++;
    }
    assert.ok(owned >= 15, `the zoo (pid ${e.pid}) owns its full sockets`);
  });

  cas('orphaned FIN_WAIT2 (timewait sockets in substate FIN_WAIT2) as ss lists and counts them', (e, t) => {
    // ss shows an orphan held as a timewait socket as FIN-WAIT-2 with a timewait timer.
    const orphans = ss(e.zoo, '-tanoH').filter((r) => r.state === 'FIN_WAIT2' && r.timer === 'timewait');
    assert.ok(orphans.some((r) => !r.local.includes(':')) && orphans.some((r) => r.local.includes(':')), `the zoo's orphans, v4 and v6, are there: ${orphans.length}`);
    const f = ['state', 'fin-wait-2'];
    const want = ss(e.zoo, '-tanH', f, 'FIN-WAIT-2');
    assert.deepEqual(keys(lsJson(src, e.zoo, f), recordKey), keys(want, ssKey), 'ls state fin-wait-2');
    const byState: Record<string, number> = {};
    for (const r of ss(e.zoo, '-tanH')) byState[r.state] = (byState[r.state] ?? 0) + 1;
    const counts = countJson(src, e.zoo, t);
    assert.deepEqual([counts['FIN_WAIT2'], counts['TIME_WAIT']], [byState['FIN_WAIT2'] ?? 0, byState['TIME_WAIT'] ?? 0], 'count: FIN_WAIT2 and TIME_WAIT');
    assert.equal(countJson(src, e.zoo, t, f)['FIN_WAIT2'], want.length, 'count state fin-wait-2');
  });

  cas('a namespace no process lives in', (e) => {
    assert.equal(execFileSync('ip', ['netns', 'pids', e.empty.name], { encoding: 'utf8' }).trim(), '', 'nothing lives there');
    const mine = lsJson(src, e.empty);
    assert.ok(mine.length >= 2 && mine.every((r) => r.state === 'TIME_WAIT'));
    assert.deepEqual(keys(mine, recordKey), keys(ss(e.empty, '-tanH'), ssKey));
  });

  cas('a dual-stack listener printed as ss prints it', (e) => {
    const r = runCli(['ls', '-tln', ...src.args(e.zoo), 'sport', '=', ':7200'], { env: src.env });
    assert.equal(r.code, 0, r.stderr);
    const mine = r.stdout.split('\n')[1]!.trim().split(/\s+/);
    const theirs = e.zoo.run('ss', ['-tlnH', 'sport', '=', ':7200']).trim().split(/\s+/);
    assert.deepEqual([mine[3], mine[4]], [theirs[3], theirs[4]], 'Local and Foreign Address');
  });

  cas('-i and -m as ss -tni / -tnm', (e) => {
    const info = byKey(ss(e.zoo, '-tniH'), ssKey);
    const mem = byKey(ss(e.zoo, '-tnmH'), ssKey);
    let n = 0;
    for (const r of lsJson(src, e.zoo, ['-i', '-m', 'state', 'established'])) {
      const i = info.get(recordKey(r))!;
      const m = mem.get(recordKey(r))!;
      assert.ok(r.info, `${recordKey(r)} has -i/-m info`);
      assert.equal(r.info.cwnd, i.cwnd, `${recordKey(r)} cwnd`);
      assert.equal(r.info.mss, i.mss, `${recordKey(r)} mss`);
      // rcvbuf and sndbuf (rb, tb) of idle loopback sockets do not move.
      assert.deepEqual([r.info.skmem?.[1], r.info.skmem?.[3]], [m.skmem?.[1], m.skmem?.[3]], `${recordKey(r)} skmem rb/tb`);
      n++;
    }
    assert.ok(n >= 4);
  });
}

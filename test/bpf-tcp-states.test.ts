/**
 * `count` through the BPF tcp iterator (native/bpf_tcp_states.c, src/sources/bpf-tcp-states.ts):
 * on the socket zoo (every TCP state, IPv4 and IPv6, a request socket in SYN_RECV, orphaned
 * FIN_WAIT2 held as timewait sockets) it must count what the sock_diag dump counts and what
 * ss lists, per family and per state filter; and on many orphans beside many TIME_WAIT (the
 * issue's case: a timewait socket's state is its substate). The pure tally is checked on
 * bytes the iterator wrote, and on its error cases.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test, type TestContext } from 'node:test';
import { TcpstateError } from '../src/model/errors.js';
import { newCounts } from '../src/model/count.js';
import { ALL_MASK, parseState } from '../src/model/state.js';
import { bpfCount, countStatePairs, finishCounts, newTally, parseStatePorts, UNREAD_SUBSTATE, unreadSubstates } from '../src/sources/bpf-tcp-states.js';
import { AF_INET, AF_INET6 } from '../src/model/address.js';
import { DEFAULT_CONFIG } from '../src/sources/config.js';
import { loadNative, type NativeAddon } from '../src/sources/native.js';
import { spawnSync } from 'node:child_process';
import { ADDON, addonOrSkip, CLI, kernelUnavailable, Netns, runCli } from './lib/netns.js';
import { parseSs } from './lib/ss.js';

let ns: Netns | undefined;
/** Many orphaned FIN_WAIT2 beside many TIME_WAIT, and nothing else but listeners and CLOSE_WAIT. */
let orphans: Netns | undefined;
const REPEAT = 30;

before(async () => {
  if (kernelUnavailable() || !existsSync(ADDON)) return;
  ns = Netns.create('bpfst');
  // SYN_SENT and SYN_RECV must outlive the test (default retries give up after ~60 s).
  ns.run('sh', ['-c', 'echo 12 > /proc/sys/net/ipv4/tcp_syn_retries; echo 12 > /proc/sys/net/ipv4/tcp_synack_retries']);
  await ns.zoo(['--ttl', '200']);
  orphans = Netns.create('bpforph');
  await orphans.zoo(['--only', 'tw,orphan', '--repeat', String(REPEAT), '--ttl', '200']);
});

after(() => {
  ns?.destroy();
  orphans?.destroy();
});

/** Where the iterator must run: root, kernel BTF. */
function bpfExpected(): boolean {
  return existsSync('/sys/kernel/btf/vmlinux') && process.getuid?.() === 0;
}

const guard = (t: TestContext): boolean => addonOrSkip(t, ['ss', 'nft']);

/** `count --json` in the zoo's namespace; which way the kernel was read, from TCPSTATE_TIMING. */
function count(args: string[], env: Record<string, string> = {}, where: Netns = ns!): { states: Record<string, number>; how: string } {
  const r = runCli(['count', '--json', '--netns', where.name, ...args], { env: { TCPSTATE_TIMING: '1', ...env } });
  assert.equal(r.code, 0, r.stderr);
  const how = /sockets, ([^)]+)\)/.exec(r.stderr)?.[1] ?? '';
  return { states: (JSON.parse(r.stdout) as { states: Record<string, number> }).states, how };
}

/** ss's per-state counts with the same keys as tcpstate's JSON. */
function ssCounts(keys: string[], ssArgs: string[], where: Netns = ns!): Record<string, number> {
  const want: Record<string, number> = {};
  for (const k of keys) want[k] = 0;
  for (const row of parseSs(where.run('ss', ['-tanH', ...ssArgs]))) want[row.state]!++;
  return want;
}

/** Is the iterator refused here, and should it not be? */
function mustRun(t: TestContext, how: string): boolean {
  if (how === 'bpf tcp iterator') return true;
  if (bpfExpected() && process.env['TCPSTATE_REQUIRE_KERNEL'] === '1') assert.fail(`count did not use the BPF iterator (${how}) where it should run`);
  t.diagnostic(`BPF iterator not used here (${how}): only the dump path was compared`);
  return false;
}

test('count: the BPF iterator counts every state as the sock_diag dump and ss do', (t) => {
  if (!guard(t)) return;
  // The zoo's states hold still (nftables drops what would move them), but TIME_WAIT ages
  // out after 60 s: the three views are taken together.
  const viaBpf = count([]);
  const viaDump = count([], { TCPSTATE_NO_BPF: '1' });
  const ss = ssCounts(Object.keys(viaBpf.states), []);
  mustRun(t, viaBpf.how);
  assert.match(viaDump.how, /dumps/);
  assert.deepEqual(viaBpf.states, viaDump.states);
  assert.deepEqual(viaBpf.states, ss);
  for (const s of ['LISTEN', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSING']) {
    assert.ok(viaBpf.states[s]! > 0, `the zoo holds ${s}: ${JSON.stringify(viaBpf.states)}`);
  }
});

test("orphaned FIN_WAIT2 are counted as FIN_WAIT2, not TIME_WAIT: a timewait socket's substate, as ss shows it", (t) => {
  if (!guard(t)) return;
  // The orphans are timewait sockets in substate FIN_WAIT2 (ss shows their timewait timer).
  const rows = parseSs(orphans!.run('ss', ['-tanoH']));
  const fw2 = rows.filter((r) => r.state === 'FIN_WAIT2');
  assert.equal(fw2.length, 2 * REPEAT, 'the zoo left an orphan per connection, v4 and v6');
  assert.ok(
    fw2.every((r) => r.timer === 'timewait'),
    'every orphan is a timewait socket',
  );
  assert.equal(rows.filter((r) => r.state === 'TIME_WAIT').length, 2 * REPEAT);
  const cases: [string[], string[], string | undefined][] = [
    [[], [], undefined],
    [['-4'], ['-4'], undefined],
    [['-6'], ['-6'], undefined],
    [['state', 'fin-wait-2'], [], 'FIN_WAIT2'],
    [['state', 'time-wait'], [], 'TIME_WAIT'],
  ];
  for (const [args, ssArgs, only] of cases) {
    const viaBpf = count(args, {}, orphans);
    mustRun(t, viaBpf.how);
    const want = ssCounts(Object.keys(viaBpf.states), ssArgs, orphans);
    if (only) for (const k of Object.keys(want)) if (k !== only) want[k] = 0;
    assert.deepEqual(viaBpf.states, want, `count ${args.join(' ')} as ss -tan`);
    assert.deepEqual(viaBpf.states, count(args, { TCPSTATE_NO_BPF: '1' }, orphans).states, `count ${args.join(' ')} as the dump`);
  }
});

test('count -4, -6 and state filters: families and states picked from the same bytes', (t) => {
  if (!guard(t)) return;
  // ss prints no State column under a state filter, so its full listing is filtered here.
  const cases: [string[], string[], string | undefined][] = [
    [['-4'], ['-4'], undefined],
    [['-6'], ['-6'], undefined],
    [['state', 'established'], [], 'ESTABLISHED'],
    [['-6', 'state', 'time-wait'], ['-6'], 'TIME_WAIT'],
  ];
  for (const [args, ssArgs, only] of cases) {
    const viaBpf = count(args);
    const viaDump = count(args, { TCPSTATE_NO_BPF: '1' });
    mustRun(t, viaBpf.how);
    assert.deepEqual(viaBpf.states, viaDump.states, args.join(' '));
    const want = ssCounts(Object.keys(viaBpf.states), ssArgs);
    if (only) for (const k of Object.keys(want)) if (k !== only) want[k] = 0;
    assert.deepEqual(viaBpf.states, want, args.join(' '));
    assert.ok(
      Object.values(viaBpf.states).some((n) => n > 0),
      `${args.join(' ')} counts some sockets`,
    );
  }
});

test('a plain `tcpstate count` (and `tcpstate`) starts the walk before its code loads, and counts as ss does', (t) => {
  if (!guard(t)) return;
  for (const argv of [['count'], []]) {
    // No options at all, so inside the namespace rather than with --netns.
    const run = spawnSync('ip', ['netns', 'exec', ns!.name, process.execPath, CLI, ...argv], { env: { ...process.env, TCPSTATE_TIMING: '1' }, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const r = run.stdout;
    const err = run.stderr;
    const how = /sockets, ([^)]+)\)/.exec(err)?.[1] ?? err;
    if (!mustRun(t, how.replace(', started early', ''))) return;
    assert.equal(how, 'bpf tcp iterator, started early', argv.join(' '));
    const got: Record<string, number> = {};
    for (const m of r.matchAll(/^([A-Z_0-9]+) +(\d+)$/gm)) if (m[1] !== 'TOTAL') got[m[1]!] = Number(m[2]);
    assert.deepEqual(got, ssCounts(Object.keys(got), []), argv.join(' '));
  }
});

test('--record and -u still dump through sock_diag (a recording is sock_diag replies)', (t) => {
  if (!guard(t)) return;
  const r = runCli(['count', '-tu', '--netns', ns!.name], { env: { TCPSTATE_TIMING: '1' } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /\d+ dumps\)/);
});

test('the tally of bytes the iterator wrote: per family, state codes as the kernel gives them', (t) => {
  if (!guard(t)) return;
  const addon = loadNative(DEFAULT_CONFIG).addon!;
  let raw: Uint8Array;
  try {
    raw = addon.bpfTcpStatesFinish(addon.bpfTcpStatesStart(`/run/netns/${ns!.name}`));
  } catch (e) {
    mustRun(t, (e as Error).message);
    return;
  }
  const tally = newTally();
  countStatePairs(raw, raw.length, tally);
  assert.equal(raw.length % 2, 0);
  // Request sockets come as the kernel's TCP_NEW_SYN_RECV (12), counted as SYN_RECV.
  const states = new Set(raw.filter((_, i) => i % 2 === 0));
  assert.ok(states.has(12), `a request socket (state 12) among ${[...states].join(',')}`);
  // Timewait sockets come as their substate: TIME_WAIT (6) and, for the orphans, FIN_WAIT2 (5).
  assert.ok(states.has(5) && states.has(6), `FIN_WAIT2 and TIME_WAIT among ${[...states].join(',')}`);
  assert.ok(!states.has(UNREAD_SUBSTATE), "every timewait socket's substate was read");
  const counts = newCounts();
  assert.deepEqual(finishCounts(tally, { v4: true, v6: true, states: ALL_MASK }, counts), []);
  const ss = parseSs(ns!.run('ss', ['-tanH']));
  assert.equal(raw.length / 2, ss.length);
  for (const row of ss) counts[parseState(row.state)!]!--;
  assert.deepEqual([...counts], new Array(counts.length).fill(0), 'every state as ss lists it');
  // A walk is taken once; a namespace that is not there is an errno error, not "unavailable".
  const h = addon.bpfTcpStatesStart(`/run/netns/${ns!.name}`);
  addon.bpfTcpStatesFinish(h);
  assert.throws(() => addon.bpfTcpStatesFinish(h), { code: 'ERR_SCAN_FINISHED' });
  assert.throws(() => addon.bpfTcpStatesFinish(addon.bpfTcpStatesStart('/run/netns/tcpstate-no-such-namespace')), { code: 'ENOENT' });
});

test("the walk with ports: every socket's state, family and both ports, as ss lists them (closing, timewait and request sockets included)", (t) => {
  if (!guard(t)) return;
  const addon = loadNative(DEFAULT_CONFIG).addon!;
  let raw: Uint8Array;
  try {
    raw = addon.bpfTcpStatesFinish(addon.bpfTcpStatesStart(`/run/netns/${ns!.name}`, true));
  } catch (e) {
    mustRun(t, (e as Error).message);
    return;
  }
  const walk = parseStatePorts(raw);
  assert.ok(walk, "every timewait socket's substate was read");
  assert.deepEqual(walk.warnings, []);
  const c = walk.columns;
  const key = (state: string, fam: number, lp: number, rp: number) => `${state} ${fam} ${lp} ${rp}`;
  const got = new Map<string, number>();
  for (let i = 0; i < c.length; i++) {
    const k = key(String(c.state[i]), c.family[i]!, c.lport[i]!, c.rport[i]!);
    got.set(k, (got.get(k) ?? 0) + 1);
  }
  const want = new Map<string, number>();
  for (const r of parseSs(ns!.run('ss', ['-tanH']))) {
    const [laddr, lport] = r.local.split('|');
    const k = key(String(parseState(r.state)), laddr!.includes(':') ? AF_INET6 : AF_INET, Number(lport), Number(r.remote.split('|')[1]));
    want.set(k, (want.get(k) ?? 0) + 1);
  }
  assert.deepEqual([...got].sort(), [...want].sort());
});

test('parseStatePorts: records as columns; a cut record or an unknown family is an error at its byte; an unread substate gives up', () => {
  const rec = (state: number, fam: number, lp: number, rp: number) => {
    const b = new Uint8Array(6);
    const d = new DataView(b.buffer);
    b[0] = state;
    b[1] = fam;
    d.setUint16(2, lp, true);
    d.setUint16(4, rp, true);
    return [...b];
  };
  const w = parseStatePorts(Uint8Array.from([...rec(10, 2, 80, 0), ...rec(1, 10, 80, 40000), ...rec(99, 2, 1, 2)]));
  assert.ok(w);
  assert.deepEqual([...w.columns.state], [parseState('LISTEN'), parseState('ESTABLISHED'), parseState('UNKNOWN')]);
  assert.deepEqual([...w.columns.family], [AF_INET, AF_INET6, AF_INET]);
  assert.deepEqual([...w.columns.lport], [80, 80, 1]);
  assert.deepEqual([...w.columns.rport], [0, 40000, 2]);
  assert.equal(w.warnings[0]?.code, 'W_UNKNOWN_STATE');
  assert.throws(
    () => parseStatePorts(Uint8Array.from([1, 2, 0, 0, 0])),
    (e: unknown) => e instanceof TcpstateError && e.code === 'ERR_PARSE' && /5 bytes is not a whole number/.test(e.message),
  );
  assert.throws(
    () => parseStatePorts(Uint8Array.from([...rec(1, 2, 1, 1), ...rec(1, 7, 1, 1)])),
    (e: unknown) => e instanceof TcpstateError && /family 7 at byte 7/.test(e.message),
  );
  assert.equal(parseStatePorts(Uint8Array.from([...rec(1, 2, 1, 1), ...rec(UNREAD_SUBSTATE, 10, 1, 1)])), undefined);
});

test('countStatePairs: a broken pair is an error naming its byte; an unknown state is counted as UNKNOWN with a warning', () => {
  const t = newTally();
  countStatePairs(Uint8Array.from([1, 2, 1, 10, 10, 2]), 6, t);
  const counts = newCounts();
  assert.deepEqual(finishCounts(t, { v4: true, v6: false, states: ALL_MASK }, counts), []);
  assert.equal(counts[parseState('ESTABLISHED')!], 1);
  assert.equal(counts[parseState('LISTEN')!], 1);
  assert.throws(
    () => countStatePairs(Uint8Array.from([1, 2, 1]), 3, newTally()),
    (e: unknown) => e instanceof TcpstateError && e.code === 'ERR_PARSE' && /3 bytes is not a whole number/.test(e.message),
  );
  const bad = newTally();
  countStatePairs(Uint8Array.from([1, 2]), 2, bad);
  assert.throws(
    () => countStatePairs(Uint8Array.from([1, 2, 1, 7]), 4, bad),
    (e: unknown) => e instanceof TcpstateError && e.code === 'ERR_PARSE' && /family 7 at byte 5/.test(e.message),
  );
  const odd = newTally();
  countStatePairs(Uint8Array.from([99, 2]), 2, odd);
  const c2 = newCounts();
  const w = finishCounts(odd, { v4: true, v6: true, states: ALL_MASK }, c2);
  assert.equal(w[0]?.code, 'W_UNKNOWN_STATE');
  assert.equal(c2[parseState('UNKNOWN')!], 1);
});

test('a timewait socket whose substate the iterator could not read sends count to sock_diag', () => {
  const pairs = (...p: number[]) => Uint8Array.from(p);
  const t = newTally();
  countStatePairs(pairs(6, 2, 5, 10, 1, 2), 6, t);
  assert.equal(unreadSubstates(t), 0);
  countStatePairs(pairs(UNREAD_SUBSTATE, 10), 2, t);
  assert.equal(unreadSubstates(t), 1);
  // The reader over an addon that hands back these bytes.
  const addon = (bytes: Uint8Array) => ({ bpfTcpStatesStart: () => ({}), bpfTcpStatesFinish: () => bytes }) as unknown as NativeAddon;
  const opts = { origin: 'live' as const, procRoot: '/proc', config: DEFAULT_CONFIG, tcp: true, udp: false, v4: true, v6: true, states: ALL_MASK };
  const counts = newCounts();
  const r = bpfCount(addon(pairs(6, 2, 5, 10)), opts, undefined, counts);
  assert.equal(r?.method, 'bpf tcp iterator');
  assert.equal(counts[parseState('TIME_WAIT')!], 1);
  assert.equal(counts[parseState('FIN_WAIT2')!], 1);
  const none = newCounts();
  assert.equal(bpfCount(addon(pairs(6, 2, UNREAD_SUBSTATE, 2)), opts, undefined, none), undefined);
  assert.deepEqual([...none], new Array(none.length).fill(0), 'nothing counted from the walk it gave up');
});

test('without the privilege for BPF, count dumps through sock_diag instead, with no error', (t) => {
  if (!guard(t)) return;
  // nobody, in the host's namespace (its sockets move, so only the way they were read is checked)
  const r = runCli(['count', '--json'], { uid: 65534, gid: 65534, env: { TCPSTATE_TIMING: '1' } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /sockets, \d+ dumps\)/);
  assert.doesNotMatch(r.stderr, /BPF|bpf/);
});

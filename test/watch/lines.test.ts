/**
 * `tcpstate watch` without a terminal: one line per tick (vmstat-like) and `--json`
 * (`tcpstate.watch/1` per line), against ss in namespaces this test makes: every tick's
 * counts equal `ss -tan`'s, sockets added between ticks show as that tick's delta, filters
 * and -4/-6 select as ss does, a closed pipe ends the program quietly, bad options say which.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, test, type TestContext } from 'node:test';
import { CLI, kernelOrSkip, kernelUnavailable, Netns, runCli } from '../lib/netns.js';
import { parseSs } from '../lib/ss.js';

let zoo: Netns | undefined;

before(async () => {
  if (kernelUnavailable()) return;
  zoo = Netns.create('watchz');
  // SYN_SENT and SYN_RECV must outlive the test (default retries give up after ~60 s).
  zoo.run('sh', ['-c', 'echo 12 > /proc/sys/net/ipv4/tcp_syn_retries; echo 12 > /proc/sys/net/ipv4/tcp_synack_retries']);
  await zoo.zoo(['--ttl', '200']);
});

after(() => zoo?.destroy());

const guard = (t: TestContext): boolean => kernelOrSkip(t, ['ss', 'nft']);

const STATES = ['ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'UNKNOWN'];

/** ss's per-state counts, keyed as tcpstate's JSON. */
function ssCounts(ns: Netns, ssArgs: string[] = []): Record<string, number> {
  const want: Record<string, number> = Object.fromEntries(STATES.map((s) => [s, 0]));
  for (const row of parseSs(ns.run('ss', ['-tanH', ...ssArgs]))) want[row.state]!++;
  return want;
}

interface Tick {
  schema: string;
  tick: number;
  states: Record<string, number>;
  total: number;
  deltas: Record<string, number> | null;
  rates: Record<string, number> | null;
  elapsedS: number | null;
  source: string;
  method?: string;
}

function jsonTicks(stdout: string): Tick[] {
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Tick);
}

test('watch --json --count 3: three tcpstate.watch/1 ticks, each equal to ss -tan in the namespace', (t) => {
  if (!guard(t)) return;
  const before = ssCounts(zoo!);
  const r = runCli(['watch', '--netns', zoo!.name, '--json', '--count', '3', '--interval', '0.3']);
  const afterSs = ssCounts(zoo!);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(before, afterSs, 'the zoo moved during the test');
  const ticks = jsonTicks(r.stdout);
  assert.equal(ticks.length, 3);
  for (const [i, k] of ticks.entries()) {
    assert.equal(k.schema, 'tcpstate.watch/1');
    assert.equal(k.tick, i + 1);
    assert.deepEqual(k.states, before, `tick ${i + 1}`);
    assert.equal(
      k.total,
      Object.values(before).reduce((a, b) => a + b, 0),
    );
    assert.deepEqual(Object.keys(k.states), STATES, 'states shaped and ordered as tcpstate.count/1');
  }
  assert.equal(ticks[0]!.deltas, null, 'no delta before a second tick');
  assert.deepEqual(ticks[1]!.deltas, Object.fromEntries(STATES.map((s) => [s, 0])));
  assert.ok(ticks[2]!.elapsedS! > 0.2 && ticks[2]!.elapsedS! < 1.5, `ticks 0.3 s apart, got ${ticks[2]!.elapsedS}`);
  // The same as count --json reads.
  const c = runCli(['count', '--json', '--netns', zoo!.name]);
  assert.deepEqual((JSON.parse(c.stdout) as { states: object }).states, before);
  if (process.getuid?.() === 0 && ticks[0]!.source === 'netlink') t.diagnostic(`read by: ${ticks[0]!.method ?? 'sock_diag dump'}`);
});

test('watch: lines like vmstat, the header repeated every N lines, counts equal to ss', (t) => {
  if (!guard(t)) return;
  const want = ssCounts(zoo!);
  const r = runCli(['watch', '-N', zoo!.name, '--count', '3', '--interval', '0.2', '--header-every', '2'], { env: { TZ: 'UTC' } });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 5, r.stdout);
  assert.match(lines[0]!, /^time\s+estab\s+syn-s\s+syn-r\s+fin-w1\s+fin-w2\s+time-w\s+close\s+clo-w\s+last-a\s+listen\s+closng\s+unkn\s+total$/);
  assert.equal(lines[3], lines[0]);
  for (const l of [lines[1]!, lines[2]!, lines[4]!]) {
    const [time, ...n] = l.trim().split(/\s+/);
    assert.match(time!, /^\d\d:\d\d:\d\d\.\d{3}$/, 'a fractional interval shows milliseconds');
    assert.deepEqual(
      n.slice(0, 12).map(Number),
      STATES.map((s) => want[s]),
    );
    assert.equal(
      Number(n[12]),
      Object.values(want).reduce((a, b) => a + b, 0),
    );
  }
});

test('watch: a filter in ss language and -4/-6 select what ss selects', (t) => {
  if (!guard(t)) return;
  // ss leaves the State column out when given a state filter: those rows are all of that state.
  const cases: [string[], string[], string?][] = [
    [['state', 'established', 'dport', '=', ':7001'], ['state', 'established', 'dport', '=', ':7001'], 'ESTABLISHED'],
    [['state', 'close-wait'], ['state', 'close-wait'], 'CLOSE_WAIT'],
    [['-4'], ['-4']],
    [
      ['-6', 'exclude', 'listening'],
      ['-6', 'exclude', 'listening'],
    ],
    [
      ['sport', '=', ':7001', 'or', 'dport', '=', ':7001'],
      ['(', 'sport', '=', ':7001', 'or', 'dport', '=', ':7001', ')'],
    ],
  ];
  for (const [args, ssArgs, only] of cases) {
    let want: Record<string, number>;
    if (only) {
      want = Object.fromEntries(STATES.map((s) => [s, 0]));
      want[only] = zoo!
        .run('ss', ['-tanH', ...ssArgs])
        .split('\n')
        .filter((l) => l.trim()).length;
    } else want = ssCounts(zoo!, ssArgs);
    const r = runCli(['watch', '--netns', zoo!.name, '--json', '-c', '1', ...args]);
    assert.equal(r.code, 0, r.stderr);
    const [k] = jsonTicks(r.stdout);
    assert.deepEqual(k!.states, want, args.join(' '));
    assert.ok(k!.total > 0, `${args.join(' ')} selects something`);
  }
});

test("watch --json: sockets made between two ticks are the next tick's delta, as ss counts them", async (t) => {
  if (!kernelOrSkip(t, ['ss'])) return;
  const ns = Netns.create('watchd');
  t.after(() => ns.destroy());
  const K = 7;
  // A listener now; K connections when told ("go"), then "done".
  const holder = ns.spawn(process.execPath, [
    '-e',
    `
    const net = require('node:net'); const keep = [];
    const srv = net.createServer((s) => keep.push(s)).listen(7401, '127.0.0.1', () => process.stdout.write('listening\\n'));
    process.stdin.once('data', () => {
      let n = 0;
      for (let i = 0; i < ${K}; i++) { const c = net.connect(7401, '127.0.0.1', () => { if (++n === ${K}) setTimeout(() => process.stdout.write('done\\n'), 50); }); keep.push(c); }
    });`,
  ]);
  const holderOut = lineReader(holder.stdout!);
  assert.equal(await holderOut.next(), 'listening');
  const w = spawn(process.execPath, [CLI, 'watch', '--netns', ns.name, '--json', '--interval', '1.5', '--count', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (w.exitCode === null) w.kill('SIGKILL');
  });
  let err = '';
  w.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const ticks = lineReader(w.stdout!);
  const first = JSON.parse(await ticks.next()) as Tick;
  assert.deepEqual(first.states, ssCounts(ns));
  assert.equal(first.states['LISTEN'], 1);
  holder.stdin!.write('go\n');
  assert.equal(await holderOut.next(), 'done');
  const ss = ssCounts(ns);
  const second = JSON.parse(await ticks.next()) as Tick;
  assert.deepEqual(second.states, ss, 'the second tick counts what ss lists');
  assert.equal(ss['ESTABLISHED'], 2 * K, 'both ends of each connection');
  assert.deepEqual(second.deltas, { ...Object.fromEntries(STATES.map((s) => [s, 0])), ESTABLISHED: 2 * K });
  assert.ok(Math.abs(second.rates!['ESTABLISHED']! - (2 * K) / second.elapsedS!) < 0.01, 'rate = delta / seconds between the reads');
  const third = JSON.parse(await ticks.next()) as Tick;
  assert.equal(third.deltas!['ESTABLISHED'], 0);
  const code = await new Promise<number | null>((res) => w.once('close', (c) => res(c)));
  assert.equal(code, 0, err);
  assert.equal(err, '');
});

test('watch: a closed pipe ends it quietly, status 0', (t) => {
  if (!kernelOrSkip(t)) return;
  for (const mode of ['', '--json']) {
    const r = spawnSync('bash', ['-c', `set -o pipefail; node ${JSON.stringify(CLI)} watch ${mode} --interval 0.05 | head -n 2 >/dev/null`], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0, `${mode}: ${r.stderr}`);
    assert.equal(r.stderr, '', mode);
  }
});

test('watch: bad options are errors naming the option, status 2', () => {
  const cases: [string[], RegExp][] = [
    [['--interval', '0'], /--interval takes seconds above 0.*got "0"/],
    [['--interval', 'fast'], /--interval.*got "fast"/],
    [['--interval', '1e3'], /--interval.*got "1e3"/],
    [['--count', '0'], /--count takes a whole number above 0, got "0"/],
    [['--count', '-1'], /--count/],
    [['--by', 'lport'], /--by shows groups in --json and on the screen/],
    [['--json', '--by', 'nonsense'], /bad --by "nonsense"/],
    [['--replay', 'x'], /--replay does not apply to watch/],
    [['web1.txt'], /"web1.txt" is not a filter word/],
    [['state', 'bogus'], /unknown state "bogus"/],
    [['--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [args, re] of cases) {
    const r = runCli(['watch', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(r.stdout, '');
  }
  const ns = runCli(['watch', '--json', '--netns', 'tcst-no-such-ns-watch']);
  assert.equal(ns.code, 1, 'a namespace that does not exist fails at once');
  assert.match(ns.stderr, /tcst-no-such-ns-watch/);
  assert.equal(ns.stdout, '');
  const zh = runCli(['watch', '--count', '0'], { env: { TCPSTATE_LANG: 'zh_CN.UTF-8' } });
  assert.match(zh.stderr, /--count 需要大于 0 的整数/);
});

/** Lines of a stream, one at a time. */
function lineReader(s: NodeJS.ReadableStream): { next(): Promise<string> } {
  let buf = '';
  const lines: string[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  s.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
    wake?.();
  });
  s.on('end', () => {
    ended = true;
    wake?.();
  });
  return {
    async next() {
      const deadline = Date.now() + 20_000;
      while (lines.length === 0) {
        if (ended) throw new Error('stream ended');
        if (Date.now() > deadline) throw new Error('no line in 20 s');
        await new Promise<void>((res) => {
          wake = res;
          setTimeout(res, 500);
        });
      }
      return lines.shift()!;
    },
  };
}

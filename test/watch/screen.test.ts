/**
 * The full-screen watch end to end in tmux, in namespaces this test makes: the screen
 * (capture-pane) shows every state with ss's count; sockets added between ticks appear with
 * their delta; every key does what it says; after q, Ctrl-C and SIGTERM the terminal's
 * settings (`stty -a`) are what they were before.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test, type TestContext } from 'node:test';
import { CLI, kernelOrSkip, kernelUnavailable, Netns } from '../lib/netns.js';
import { parseSs } from '../lib/ss.js';
import { shq, Tmux } from '../lib/tmux.js';

const STATES = ['ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'UNKNOWN'];
let zoo: Netns | undefined;

before(async () => {
  if (kernelUnavailable()) return;
  zoo = Netns.create('watchtz');
  zoo.run('sh', ['-c', 'echo 12 > /proc/sys/net/ipv4/tcp_syn_retries; echo 12 > /proc/sys/net/ipv4/tcp_synack_retries']);
  await zoo.zoo(['--ttl', '200']);
});
after(() => zoo?.destroy());

const guard = (t: TestContext): boolean => kernelOrSkip(t, ['ss', 'nft', 'tmux']);

function ssCounts(ns: Netns): Record<string, number> {
  const want: Record<string, number> = Object.fromEntries(STATES.map((s) => [s, 0]));
  for (const row of parseSs(ns.run('ss', ['-tanH']))) want[row.state]!++;
  return want;
}

/** The watch with `args` in a terminal of its own, run by {@link wrapped}. */
const watchIn = (args: string[], cols = 80, rows = 24, env: string[] = []): Tmux => new Tmux((dir) => wrapped(dir, args), { cols, rows, env });

/** A pane command: settings before, the watch, its status and the settings after (each file whole when it appears: written aside, then renamed). */
function wrapped(dir: string, args: string[]): string {
  const put = (name: string, cmd: string): string => `${cmd} > ${dir}/${name}.part; mv ${dir}/${name}.part ${dir}/${name}`;
  return `bash -c ${shq(`${put('before', 'stty -a')}; ${shq(process.execPath)} ${shq(CLI)} watch ${args.map(shq).join(' ')}; ${put('rc', 'echo $?')}; ${put('after', 'stty -a')}; sleep 120`)}`;
}

interface Row {
  count: number;
  delta: string;
  since: string;
}

/** The state rows on screen. */
function rows(screen: string): Record<string, Row> {
  const out: Record<string, Row> = {};
  for (const line of screen.split('\n')) {
    const m = /^([A-Z_0-9]+)\s+(\d+)\s+(\S+)\s+(\S+)/.exec(line);
    if (m && STATES.includes(m[1]!)) out[m[1]!] = { count: Number(m[2]), delta: m[3]!, since: m[4]! };
  }
  return out;
}

const tickOf = (screen: string): number => Number(/#(\d+)/.exec(screen.split('\n')[0]!)?.[1] ?? -1);

test("watch screen in tmux: every state with ss's count; added sockets show as the next tick's delta", async (t) => {
  if (!guard(t)) return;
  const want = ssCounts(zoo!);
  const tm = watchIn(['--netns', zoo!.name, '--interval', '0.5']);
  t.after(() => tm.kill());
  const screen = await tm.waitFor('a second tick', (s) => tickOf(s) >= 2);
  const shown = rows(screen);
  assert.deepEqual(Object.keys(shown), STATES, 'every state, zeros included');
  assert.deepEqual(Object.fromEntries(STATES.map((s) => [s, shown[s]!.count])), want);
  assert.match(screen, new RegExp(`netns ${zoo!.name}`));
  assert.equal(ssCounts(zoo!)['ESTABLISHED'], want['ESTABLISHED'], 'the zoo held still');
  // The doctor's status line, above the footer, once it has looked.
  const doc = await tm.waitFor('the doctor line', (s) => /^doctor: (no findings|INFO|WARNING|CRITICAL)/m.test(s.split('\n')[22] ?? ''));
  assert.doesNotMatch(doc, /doctor: cannot run/);
  tm.keys('q');

  const ns = Netns.create('watcht');
  t.after(() => ns.destroy());
  const K = 6;
  const holder = ns.spawn(process.execPath, [
    '-e',
    `
    const net = require('node:net'); const keep = [];
    net.createServer((s) => keep.push(s)).listen(7402, '127.0.0.1', () => process.stdout.write('listening\\n'));
    process.stdin.once('data', () => {
      let n = 0;
      for (let i = 0; i < ${K}; i++) keep.push(net.connect(7402, '127.0.0.1', () => { if (++n === ${K}) setTimeout(() => process.stdout.write('done\\n'), 50); }));
    });`,
  ]);
  let out = '';
  holder.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const waitOut = async (word: string): Promise<void> => {
    const end = Date.now() + 15_000;
    while (!out.includes(word)) {
      if (Date.now() > end) throw new Error(`holder: no ${word}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await waitOut('listening');
  const tm2 = watchIn(['--netns', ns.name, '--interval', '1']);
  t.after(() => tm2.kill());
  const first = await tm2.waitFor('the first tick', (s) => tickOf(s) >= 1);
  const tick = tickOf(first);
  assert.equal(rows(first)['LISTEN']!.count, 1);
  assert.equal(rows(first)['ESTABLISHED']!.count, 0);
  holder.stdin!.write('go\n');
  await waitOut('done');
  const next = await tm2.waitFor('the next tick', (s) => tickOf(s) > tick);
  const r = rows(next);
  assert.equal(tickOf(next), tick + 1, 'the very next tick');
  assert.equal(r['ESTABLISHED']!.count, ssCounts(ns)['ESTABLISHED']);
  assert.equal(r['ESTABLISHED']!.count, 2 * K);
  assert.equal(r['ESTABLISHED']!.delta, `+${2 * K}`);
  assert.equal(r['ESTABLISHED']!.since, `+${2 * K}`);
  assert.equal(r['LISTEN']!.delta, '0');
  tm2.keys('q');
});

test('watch screen in tmux: every key does what it says', async (t) => {
  if (!guard(t)) return;
  const tm = watchIn(['--netns', zoo!.name, '--interval', '0.5']);
  t.after(() => tm.kill());
  const want = ssCounts(zoo!);
  await tm.waitFor('a tick', (s) => tickOf(s) >= 1);
  // space: paused, said on screen; sampling continues (the tick jumps on resume).
  tm.keys('Space');
  const paused = await tm.waitFor('PAUSED', (s) => s.includes('PAUSED (sampling continues'));
  const frozenAt = tickOf(paused);
  await new Promise((r) => setTimeout(r, 1600));
  assert.equal(tickOf(tm.capture()), frozenAt, 'the view holds still while paused');
  tm.keys('Space');
  await tm.waitFor('resumed, ticks taken meanwhile', (s) => !s.includes('PAUSED') && tickOf(s) >= frozenAt + 3);
  // g: groups by lport, then rport; s: another order.
  tm.keys('g');
  let s = await tm.waitFor('groups by lport', (x) => x.includes('top groups by lport') && /^7001 /m.test(x));
  assert.match(s, /sort: total/);
  tm.keys('g');
  await tm.waitFor('groups by rport', (x) => x.includes('top groups by rport'));
  tm.keys('s');
  await tm.waitFor('sort: growth', (x) => x.includes('sort: growth'));
  // /: a filter in ss's language; a bad one is shown in place and the program goes on.
  tm.keys('/');
  await tm.waitFor('the filter prompt', (x) => x.includes('filter (ss syntax'));
  tm.keys('-l', 'state listening');
  tm.keys('Enter');
  s = await tm.waitFor('the filter applied', (x) => x.includes('filter: state listening') && rows(x)['ESTABLISHED']?.count === 0 && tickOf(x) >= 1);
  assert.equal(rows(s)['LISTEN']!.count, want['LISTEN']);
  tm.keys('/');
  tm.keys('C-u');
  tm.keys('-l', 'state bogus');
  tm.keys('Enter');
  s = await tm.waitFor('the filter error', (x) => x.includes('filter error: unknown state "bogus"'));
  const at = tickOf(s);
  await tm.waitFor('ticks going on', (x) => tickOf(x) > at + 1);
  assert.match(tm.capture(), /filter error/);
  // + and -: the interval, in the title.
  tm.keys('+');
  await tm.waitFor('every 1s', (x) => x.includes('every 1s'));
  tm.keys('-');
  tm.keys('-');
  await tm.waitFor('every 0.25s', (x) => x.includes('every 0.25s'));
  // r: "since" deltas from now.
  tm.keys('r');
  s = await tm.waitFor('since reset', (x) => Object.values(rows(x)).every((r) => r.since === '0'));
  // ?: help; any key closes it.
  tm.keys('?');
  await tm.waitFor('help', (x) => x.includes('this help (any key closes it)'));
  tm.keys('x');
  await tm.waitFor('help closed', (x) => !x.includes('this help') && x.includes('LISTEN'));
  tm.keys('q');
  await tm.waitFor('the program ended', () => tm.file('after') !== undefined);
  assert.equal(tm.file('rc')?.trim(), '0');
});

test('watch screen in tmux: stty -a is the same before and after q, Ctrl-C and SIGTERM', async (t) => {
  if (!guard(t)) return;
  for (const how of ['q', 'C-c', 'SIGTERM']) {
    const tm = watchIn(['--netns', zoo!.name, '--interval', '0.3']);
    t.after(() => tm.kill());
    await tm.waitFor('a tick', (s) => tickOf(s) >= 1);
    // In raw mode: what the watch changed is what must come back.
    const during = tm.tmux('display-message', '-p', '-t', 'w', '#{pane_tty}').trim();
    assert.doesNotMatch(execFileSync('stty', ['-a', '-F', during], { encoding: 'utf8' }), / icanon /, 'raw mode while running');
    if (how === 'SIGTERM') {
      const watchPid = Number(
        execFileSync('pgrep', ['-P', String(tm.panePid())], { encoding: 'utf8' })
          .trim()
          .split('\n')[0],
      );
      process.kill(watchPid, 'SIGTERM');
    } else tm.keys(how);
    const end = await tm.waitFor(`the end after ${how}`, () => tm.file('after') !== undefined);
    assert.equal(tm.file('after'), tm.file('before'), `terminal settings after ${how} (status ${tm.file('rc')}; screen:\n${end})`);
    assert.match(tm.file('before')!, / icanon /);
    assert.equal(tm.file('rc')?.trim(), '0', `${how}: screen:\n${end}`);
    const screen = tm.capture();
    assert.doesNotMatch(screen, /TREND/, `the alternate screen was left after ${how}`);
  }
});

test('watch screen in tmux: redrawn at the new size on resize; colour unless NO_COLOR', async (t) => {
  if (!guard(t)) return;
  const tm = watchIn(['--netns', zoo!.name, '--interval', '0.3', '--by', 'lport']);
  t.after(() => tm.kill());
  await tm.waitFor('a tick', (s) => tickOf(s) >= 2);
  assert.match(tm.capture(true), /\x1b\[[0-9;]*m/, 'colour codes on a colour terminal');
  tm.tmux('resize-window', '-t', 'w', '-x', '160', '-y', '50');
  const big = await tm.waitFor('the 160x50 layout', (s) => s.split('\n')[49]?.startsWith('q quit') === true);
  assert.ok(big.split('\n')[0]!.trimEnd().length > 100, 'the title spans the wider screen');
  tm.tmux('resize-window', '-t', 'w', '-x', '80', '-y', '24');
  await tm.waitFor('the 80x24 layout', (s) => s.split('\n')[23]?.startsWith('q quit') === true);
  tm.keys('q');

  const plain = watchIn(['--netns', zoo!.name, '--interval', '0.3', '--by', 'lport'], 80, 24, ['NO_COLOR=1']);
  t.after(() => plain.kill());
  await plain.waitFor('a tick', (s) => tickOf(s) >= 2);
  // Attributes stay (reverse video of the footer is not colour); no colour codes (30-37, 38;...).
  assert.doesNotMatch(plain.capture(true), /\x1b\[[0-9;]*3[0-8][;m]/, 'no colour under NO_COLOR');
  plain.keys('q');
});

/**
 * Colour on a terminal: CLOSE_WAIT and the brief states, non-zero queues, doctor's
 * severities; never in a pipe, never with NO_COLOR under auto; `--color=auto|always|never`.
 * The terminal is real: tmux, whose `capture-pane -e` shows the escape codes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { colourArgv } from '../../src/cli/colour-option.js';
import { lsColourer, colourCounts, useColour } from '../../src/render/colour.js';
import { planLs } from '../../src/render/ls.js';
import { CLOSE_WAIT, ESTABLISHED, FIN_WAIT1, LISTEN, parseState } from '../../src/model/state.js';
import { runMain } from '../lib/cli.js';
import { shq, Tmux } from '../lib/tmux.js';
import { CLI, REPO, runCli } from '../lib/netns.js';

const FIXTURE = join(REPO, 'test', 'fixtures', 'text', 'ss-tan.txt');
const DOCTOR_TREE = join(REPO, 'test', 'fixtures', 'proc-doctor', 'root');
// eslint-disable-next-line no-control-regex
const ESC = /\x1b\[/;
// eslint-disable-next-line no-control-regex
const strip = (s: string): string => s.replace(/\x1b\[[0-9;]*m/g, '');
/** An SGR sequence that sets colour `n` (alone or among others). */
const sgr = (n: number): RegExp => new RegExp(`\\x1b\\[(?:[0-9;]*;)?${n}(?:;[0-9;]*)?m`);

describe('when to colour', () => {
  test('auto: a terminal without NO_COLOR and not TERM=dumb; always and never decide; always wins over NO_COLOR', () => {
    assert.equal(useColour('auto', {}, true), true);
    assert.equal(useColour('auto', {}, false), false);
    assert.equal(useColour('auto', { NO_COLOR: '1' }, true), false);
    assert.equal(useColour('auto', { NO_COLOR: '' }, true), true);
    assert.equal(useColour('auto', { TERM: 'dumb' }, true), false);
    assert.equal(useColour('always', { NO_COLOR: '1' }, false), true);
    assert.equal(useColour('never', {}, true), false);
  });

  test('--color alone means always, --color WHEN and --colour=WHEN are read, other words are left alone', () => {
    assert.deepEqual(colourArgv(['--color', 'x.txt']), ['--color=always', 'x.txt']);
    assert.deepEqual(colourArgv(['--color', 'never', 'x.txt']), ['--color=never', 'x.txt']);
    assert.deepEqual(colourArgv(['--colour=auto', '--colour']), ['--color=auto', '--color=always']);
    assert.deepEqual(colourArgv(['-a', '--', '--color']), ['-a', '--', '--color']);
  });

  test('a bad WHEN names the option', async () => {
    const r = await runMain(['ls', '--color=blue', FIXTURE]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--color takes auto \| always \| never, got "blue"/);
  });
});

describe('what is coloured', () => {
  test('ls: CLOSE_WAIT bold red, FIN_WAIT1 yellow, queues with bytes yellow, ESTABLISHED and LISTEN plain; the text underneath unchanged, however the blocks split it', async () => {
    const plain = await runMain(['ls', '-a', FIXTURE]);
    const r = await runMain(['ls', '-a', '--color=always', FIXTURE]);
    assert.equal(r.code, 0);
    assert.equal(strip(r.stdout), plain.stdout);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^\x1b\[1mProto/);
    let seen = 0;
    for (const line of lines.slice(1)) {
      const cells = strip(line).trim().split(/\s+/);
      const state = parseState(cells[5]!);
      if (state === CLOSE_WAIT) {
        assert.match(line, /\x1b\[1;31mCLOSE_WAIT\x1b\[0m/);
        seen |= 1;
      }
      if (state === FIN_WAIT1) {
        assert.match(line, /\x1b\[33mFIN_WAIT1\x1b\[0m/);
        seen |= 2;
      }
      if (state === ESTABLISHED || state === LISTEN) assert.doesNotMatch(line.slice(line.indexOf(cells[5]!) - 5), ESC);
      // Send-Q (cells[2]) of a connection with bytes in flight; a listener's Send-Q is its backlog.
      if (state !== LISTEN && cells[2] !== '0') {
        assert.match(line, new RegExp(`\\x1b\\[33m${cells[2]}\\x1b\\[0m`));
        seen |= 4;
      }
      if (state === LISTEN) assert.doesNotMatch(line, /\x1b\[33m\d/);
    }
    assert.equal(seen, 7, 'the fixture has CLOSE_WAIT, FIN_WAIT1 and a Send-Q with bytes');
  });

  test('the colourer gives the same text whether the listing comes whole or a byte at a time', async () => {
    const { readCaptures } = await import('../../src/cli/inputs.js');
    const { selection } = await import('../../src/cli/socket-options.js');
    const { ALL_MASK } = await import('../../src/model/state.js');
    const io = { out: () => {}, err: () => {}, env: {}, argOffset: 0, stdin: async () => Buffer.alloc(0) };
    const read = await readCaptures([FIXTURE], io, { sel: selection({ all: true }, [], ALL_MASK, {}), tables: true, format: undefined });
    const t = read.picked[0]!.table!;
    const plan = planLs(t, {});
    let text = '';
    plan.write((s) => {
      text += s;
    });
    const whole: string[] = [];
    const a = lsColourer(t, plan.widths, true, (s) => whole.push(s));
    a.write(text);
    a.end();
    const bits: string[] = [];
    const b = lsColourer(t, plan.widths, true, (s) => bits.push(s));
    for (const ch of text) b.write(ch);
    b.end();
    assert.equal(bits.join(''), whole.join(''));
    assert.equal(strip(whole.join('')), text);
  });

  test('count: states worth a look in colour, empty states dim, header and total bold', async () => {
    const r = await runMain(['count', '--color=always', FIXTURE]);
    const plain = await runMain(['count', FIXTURE]);
    assert.equal(strip(r.stdout), plain.stdout);
    assert.match(r.stdout, /\x1b\[1;31mCLOSE_WAIT +3\x1b\[0m/);
    assert.match(r.stdout, /\x1b\[33mSYN_SENT +1\x1b\[0m/);
    assert.match(r.stdout, /\x1b\[2mCLOSE +0\x1b\[0m/);
    assert.match(r.stdout, /\nESTABLISHED +7\n/);
    assert.match(r.stdout, /\x1b\[1mTOTAL +28\x1b\[0m/);
    const cs = colourCounts('H\n', [0]);
    assert.equal(cs, '\x1b[1mH\x1b[0m\n');
  });

  test("doctor: each finding's first line in its severity's colour, the rest plain; JSON never", async () => {
    const r = runCli(['doctor', '--proc-root', DOCTOR_TREE, '--color=always']);
    const plain = runCli(['doctor', '--proc-root', DOCTOR_TREE]);
    assert.equal(strip(r.stdout), plain.stdout);
    const painted = r.stdout.split('\n').filter((l) => ESC.test(l));
    assert.ok(painted.length > 0);
    for (const l of painted) assert.match(l, /^\x1b\[1;(31|33)m(CRITICAL|WARNING) {2}[a-z0-9-]+\x1b\[0m$|^\x1b\[1m(INFO) {2}[a-z0-9-]+\x1b\[0m$/);
    assert.doesNotMatch(runCli(['doctor', '--proc-root', DOCTOR_TREE, '--color=always', '--json']).stdout, ESC);
  });
});

describe('a pipe and a terminal', () => {
  test('through a pipe: no colour by default; --color=always colours, --color=never and JSON/CSV do not', () => {
    for (const args of [
      ['ls', '-a', FIXTURE],
      ['count', FIXTURE],
      ['ls', '-a', '--color=never', FIXTURE],
      ['ls', '-a', '--json', '--color=always', FIXTURE],
      ['ls', '-a', '--csv', '--color=always', FIXTURE],
      ['count', '--json', '--color=always', FIXTURE],
    ]) {
      const r = runCli(args);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout, ESC, args.join(' '));
    }
    assert.match(runCli(['ls', '-a', '--color=always', FIXTURE]).stdout, sgr(31));
    assert.match(runCli(['count', '--color=always', FIXTURE], { env: { NO_COLOR: '1' } }).stdout, sgr(31));
  });

  function have(cmd: string): boolean {
    return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  }

  /** `args` run in a fresh tmux pane (200x60); the screen with its escape codes once it ends. */
  async function inTmux(t: TestContext, args: string[], env: string[] = []): Promise<string | undefined> {
    if (!have('tmux')) {
      if (process.env['TCPSTATE_REQUIRE_KERNEL'] === '1') throw new Error('tmux is not installed');
      t.skip('tmux is not installed');
      return undefined;
    }
    const tm = new Tmux((dir) => `bash -c ${shq(`${shq(process.execPath)} ${shq(CLI)} ${args.map(shq).join(' ')}; echo $? > ${dir}/rc; sleep 60`)}`, { cols: 200, rows: 60, env });
    try {
      const end = Date.now() + 20_000;
      for (;;) {
        const rc = tm.file('rc')?.trim();
        if (rc !== undefined && rc !== '') {
          assert.ok(rc === '0' || (args[0] === 'doctor' && rc === '1'), `exit ${rc}`);
          break;
        }
        if (Date.now() > end) throw new Error(`${args.join(' ')} did not end in tmux:\n${tm.capture()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return tm.capture(true, true);
    } finally {
      tm.kill();
    }
  }

  test('in tmux: ls, count and doctor colour the terminal by themselves', async (t) => {
    const ls = await inTmux(t, ['ls', '-a', FIXTURE]);
    if (ls === undefined) return;
    const cw = ls.split('\n').filter((l) => l.includes('CLOSE_WAIT'));
    assert.equal(cw.length, 3);
    for (const l of cw) assert.match(l, sgr(31));
    assert.match(ls.split('\n').find((l) => l.includes('FIN_WAIT1'))!, sgr(33));
    const count = (await inTmux(t, ['count', FIXTURE]))!;
    assert.match(count.split('\n').find((l) => l.includes('CLOSE_WAIT'))!, sgr(31));
    const doctor = (await inTmux(t, ['doctor', '--proc-root', DOCTOR_TREE, '--interval', '0']))!;
    assert.match(doctor.split('\n').find((l) => /^(\x1b\[[0-9;]*m)*WARNING {2}/.test(l))!, sgr(33));
  });

  test('in tmux with NO_COLOR=1 or --color=never: no colour', async (t) => {
    const a = await inTmux(t, ['ls', '-a', FIXTURE], ['NO_COLOR=1']);
    if (a === undefined) return;
    assert.match(a, /CLOSE_WAIT/);
    assert.doesNotMatch(a, ESC);
    const b = (await inTmux(t, ['count', '--color=never', FIXTURE]))!;
    assert.match(b, /CLOSE_WAIT/);
    assert.doesNotMatch(b, ESC);
  });
});

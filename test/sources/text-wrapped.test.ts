/**
 * Pastes whose socket lines a terminal wrapped (test/fixtures/wrapped, made by its make.sh
 * with netstat in a namespace, a tmux pane 80 columns wide and fold -w 80): counted as ss
 * counted the same sockets, and listed as the unwrapped output lists them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseState, stateName } from '../../src/model/state.js';
import { runMain } from '../lib/cli.js';
import { REPO } from '../lib/netns.js';

const DIR = join(REPO, 'test', 'fixtures', 'wrapped');
const tmp = mkdtempSync(join(tmpdir(), 'tcpstate-wrapped-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** ss -tan's counts by netstat name. */
function oracle(): Record<string, number> {
  const want: Record<string, number> = {};
  for (const l of readFileSync(join(DIR, 'ss-tan.oracle'), 'utf8').split('\n').slice(1).filter(Boolean)) {
    const s = stateName(parseState(l.split(/\s+/)[0]!)!);
    want[s] = (want[s] ?? 0) + 1;
  }
  return want;
}

async function counts(file: string): Promise<Record<string, number>> {
  const r = await runMain(['count', '--json', file]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { states: Record<string, number>; warnings: { code: string }[] };
  assert.deepEqual(
    j.warnings.filter((w) => w.code !== 'W_NAMES'),
    [],
    "no warning but netstat's own cut addresses",
  );
  return Object.fromEntries(Object.entries(j.states).filter(([, n]) => n > 0));
}

/** `ls -a --json`'s sockets, without where they were read. */
async function sockets(file: string): Promise<unknown[]> {
  const r = await runMain(['ls', '-a', '--json', file]);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { sockets: unknown[] }).sockets;
}

describe('wrapped netstat pastes', () => {
  const pairs: [string, string][] = [
    ['netstat-tanp.fold80.txt', 'netstat-tanp.txt'],
    ['netstat-tanpo.tmux80.txt', 'netstat-tanpo.txt'],
    ['netstat-tanW.fold80.txt', 'netstat-tanW.txt'],
    ['netstat-tanW.tmux80.txt', 'netstat-tanW.txt'],
    ['bsd-an.fold80.txt', 'bsd-an.txt'],
  ];
  for (const [wrapped, whole] of pairs) {
    test(`${wrapped}: ss's counts, and the sockets of ${whole}`, async () => {
      const lines = readFileSync(join(DIR, wrapped), 'utf8').split('\n');
      assert.ok(lines.filter((l) => l.trim() !== '' && !/^(tcp|Active|Proto)/.test(l)).length >= 5, 'the fixture holds wrapped lines');
      assert.deepEqual(await counts(join(DIR, wrapped)), oracle());
      assert.deepEqual(await sockets(join(DIR, wrapped)), await sockets(join(DIR, whole)));
    });
  }

  test('the owners and timers of a wrapped -p -o line are kept', async () => {
    const r = await runMain(['ls', '-apo', join(DIR, 'netstat-tanpo.tmux80.txt')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\d+\/tcst-wrap-\S+/);
    assert.match(r.stdout, /off \(0\.00\/0\/0\)/);
  });

  test('a cut inside a program name that reads two ways: the socket counted once, the rest reported', async () => {
    // A real -p line (no header, as a paste may start) cut inside the program name, the
    // blank at the cut dropped as tmux drops it: "NAME" or "NA ME" (names may hold spaces),
    // and the first part is a whole line by itself.
    const line = readFileSync(join(DIR, 'netstat-tanp.txt'), 'utf8')
      .split('\n')
      .find((l) => /ESTABLISHED\s+\d+\/\S{6}/.test(l))!
      .trimEnd();
    const cut = line.search(/\/\S/) + 4;
    const file = join(tmp, 'ambiguous.txt');
    writeFileSync(file, `${line}\n${line.slice(0, cut)}\n${line.slice(cut)}\n`);
    const r = await runMain(['count', '--json', file]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { states: Record<string, number>; warnings: { code: string; where: { line?: number } }[] };
    assert.equal(j.states['ESTABLISHED'], 2);
    assert.deepEqual(
      j.warnings.filter((w) => w.code === 'W_SKIPPED_LINE').map((w) => w.where.line),
      [3],
    );
  });

  test('a wrapped line whose first part is not whole and reads two ways is an error naming both lines', async () => {
    // The rule on lines made to read two ways (":80" + "80": ":8080", or ":80" then "80").
    const { WrappedLines } = await import('../../src/sources/text/wrapped.js');
    const ctx = { file: 'x.txt', firstLine: 1, warnings: { add: () => {}, count: () => 0 } };
    const taken: string[] = [];
    const w = new WrappedLines(
      ctx,
      (t) => /^tcp( \S+)+ STATE$/.test(t),
      (t) => {
        taken.push(t);
      },
    );
    w.hold('tcp a:80', 0);
    assert.throws(
      () => w.join('80 STATE', 1),
      (e: { where?: { file?: string; line?: number }; message: string }) =>
        e.where?.file === 'x.txt' && e.where.line === 1 && /wrapped onto line 2 reads two ways, "tcp a:8080 STATE" and "tcp a:80 80 STATE"/.test(e.message),
    );
    w.hold('tcp a:80', 2);
    assert.equal(w.join(' b:1 STATE', 3), true);
    // The first line held (after the error) is read as it is when the next is held.
    assert.deepEqual(taken, ['tcp a:80', 'tcp a:80 b:1 STATE']);
    w.hold('tcp a:1 b:1 STATE', 4);
    assert.equal(w.join('...', 5), false, "a cut marker is never a line's rest");
  });

  test("a line that is no socket line's rest is still reported", async () => {
    const file = join(tmp, 'stray.txt');
    const text = readFileSync(join(DIR, 'netstat-tanW.txt'), 'utf8').split('\n');
    text.splice(4, 0, 'ESTABLISHED what');
    writeFileSync(file, text.join('\n'));
    const r = await runMain(['count', file]);
    assert.notEqual(r.stderr, '');
    assert.match(r.stderr, /stray\.txt:5/);
  });
});

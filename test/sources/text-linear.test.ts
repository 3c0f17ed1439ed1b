/**
 * No input makes format detection or parsing worse than linear in the length of a line:
 * long lines of each format's tokens (ESTAB and 200,000 spaces took 133 s to detect when a
 * pattern backtracked quadratically) are read, with detection and with every format forced,
 * at 100k and 200k characters; twice the length must cost about twice the CPU time, and
 * never more than a bound. Run in a child process with a timeout, so a regression fails instead
 * of hanging the suite.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { globMatch } from '../../src/model/fleet.js';
import { REPO } from '../lib/netns.js';

const CHILD = join(REPO, 'dist', 'test', 'sources', 'text-linear-child.js');
/** The longest a case may take at 200k characters (every format forced included). */
const CAP_MS = 3000;

interface Timing {
  name: string;
  n1: number;
  n2: number;
  ms1: number;
  ms2: number;
}

test("long lines of every format's tokens: time grows linearly with their length", () => {
  const r = spawnSync(process.execPath, [CHILD, '100000', '200000'], { encoding: 'utf8', timeout: 240_000, killSignal: 'SIGKILL' });
  const rows = r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Timing);
  if (r.status !== 0) assert.fail(`the child did not finish (${r.signal ?? r.status}: ${r.stderr.slice(-500)}); the last case done: ${rows[rows.length - 1]?.name ?? 'none'}`);
  assert.ok(rows.length > 30);
  for (const t of rows) {
    assert.ok(t.ms2 < CAP_MS, `${t.name}: ${t.ms2.toFixed(0)} ms at ${t.n2} characters`);
    // Twice the length, at most about twice the time; room for noise (GC, a loaded machine)
    // where times are small. A quadratic pattern costs seconds at this length: CAP_MS.
    assert.ok(t.ms2 <= 3.5 * t.ms1 + 100, `${t.name}: ${t.ms1.toFixed(1)} ms at ${t.n1}, ${t.ms2.toFixed(1)} ms at ${t.n2}`);
  }
});

/** The glob as the pattern it stands for (what globMatch replaced), for short names. */
function globRegExp(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      re += `[${pattern
        .slice(i + 1, close)
        .replace(/^!/, '^')
        .replace(/\\/g, '\\\\')}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`);
}

test('--group globs match as the patterns they stand for', () => {
  const chars = fc.constantFrom('a', 'b', '-', '.', '1', '*', '?', '[', ']', '!', '\u2028');
  fc.assert(
    fc.property(
      fc.array(chars, { maxLength: 8 }).map((a) => a.join('')),
      fc.array(fc.constantFrom('a', 'b', '-', '.', '1', '[', ']', '\u2028'), { maxLength: 10 }).map((a) => a.join('')),
      (pattern, name) => {
        let want: boolean;
        try {
          want = globRegExp(pattern).test(name);
        } catch {
          return; // a set such as [b-a] is a usage error now, a SyntaxError before
        }
        assert.equal(globMatch(pattern, name), want, `${JSON.stringify(pattern)} ~ ${JSON.stringify(name)}`);
      },
    ),
    { numRuns: 2000 },
  );
});
